// load_synonyms: the search vocabulary, groups of interchangeable expressions.
//
//   version: 1
//   synonyms:
//     - [llm, large language model]
//     - [pii, personally identifiable information, personal data]
#include <algorithm>
#include <string>
#include <unordered_map>

#include "load/corpus.h"
#include "load/clean_text.h"
#include "load/source_file.h"
#include "load/warnings.h"
#include "load/yaml_tree.h"
#include "util/text.h"

namespace riskatlas::load {

namespace {

// Longest expression kept; a longer one is no search phrase but a mistake.
constexpr std::size_t kMaxExpressionBytes = 200;

}  // namespace

Status load_synonyms(const std::filesystem::path& file, LoadReport& report) {
  auto source = detail::read_source(file, "a synonyms file");
  if (!source.ok()) return source.status();
  const std::string& name = source->name;
  auto parsed = parse_yaml(*source, report.warnings);
  if (!parsed.ok()) return parsed.status();
  const YamlNode& root = *parsed;
  auto not_synonyms = [&](const YamlNode& n, const std::string& why) { return source->not_expected(n.line, why); };
  if (!root.is_mapping()) return not_synonyms(root, "expected a mapping with 'version' and 'synonyms'");
  const YamlNode* version = root.find("version");
  if (version == nullptr) {
    detail::warn(report, detail::where(name, root.line), "no 'version': read as version 1");
  } else if (!version->is_scalar() || detail::trim(version->value) != "1") {
    return not_synonyms(*version, "unsupported version (expected 1)");
  }
  const YamlNode* groups = root.find("synonyms");
  if (groups == nullptr || !groups->is_sequence()) return not_synonyms(groups ? *groups : root, "no 'synonyms' list");

  // An expression belongs to one group: a second group naming it would make expansion depend on order.
  std::unordered_map<std::string, std::string> first_seen;
  for (const YamlNode& entry : groups->items) {
    const std::string at = detail::where(name, entry.line);
    if (!entry.is_sequence()) {
      detail::skip(report, at, std::string("synonym group is a ") + entry.kind_name() + ", expected a list");
      continue;
    }
    model::SynonymGroup group{{}, at};
    for (const YamlNode& item : entry.items) {
      const std::string item_at = detail::where(name, item.line);
      if (!item.is_scalar() || item.is_null()) {
        detail::warn(report, item_at, "a synonym must be text: ignored");
        continue;
      }
      detail::CleanCounts counts;
      const std::string text = riskatlas::text::ascii_lowered(detail::clean_text(item.value, counts));
      if (text.empty() || text.size() > kMaxExpressionBytes) {
        detail::warn(report, item_at, "empty or over-long synonym: ignored");
        continue;
      }
      if (std::find(group.expressions.begin(), group.expressions.end(), text) != group.expressions.end()) continue;
      if (const auto [it, fresh] = first_seen.emplace(text, at); !fresh) {
        detail::warn(report, item_at, "'" + text + "' is already in the group at " + it->second + ": ignored here");
        continue;
      }
      group.expressions.push_back(std::move(text));
    }
    if (group.expressions.size() < 2) {
      detail::skip(report, at, "synonym group with fewer than two expressions");
      continue;
    }
    report.atlas.synonyms.push_back(std::move(group));
  }
  report.stats.synonym_groups = report.atlas.synonyms.size();
  return Status::OK();
}

}  // namespace riskatlas::load
