// load_links: risk -> technique links chosen by selectors, from links.yaml or links.csv.
//
// links.yaml:                                   links.csv:
//   version: 1                                    selector,value,technique,why
//   links:                                        subdomain,2.2,AML.T0051,...
//     - subdomain: "2.2"   # or domain / risk
//       source: Okafor2024  # optional: only risks of this QuickRef
//       techniques: [AML.T0051, AML.T0054]
//       why: "..."
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "load/corpus.h"
#include "load/csv_reader.h"
#include "load/atlas_merge.h"
#include "load/clean_text.h"
#include "load/source_file.h"
#include "load/warnings.h"
#include "load/yaml_tree.h"
#include "model/taxonomy.h"
#include "util/text.h"

namespace riskatlas::load {

namespace {

using detail::warn;

constexpr std::string_view kSelectors[] = {"subdomain", "domain", "risk"};

class LinkResolver {
 public:
  explicit LinkResolver(LoadReport& report) : report_(report) {
    for (const auto& t : report.atlas.techniques) techniques_.insert(t.id);
  }

  // Links every risk chosen by `selector` = `value` to each technique. `line_where` is "file:line".
  // A non-empty `source` (a QuickRef) narrows the selection to that source's risks, so a risk-id
  // selector written for one export cannot pick a same-numbered risk of another.
  void apply(const std::string& line_where, const std::string& selector, const std::string& raw_value,
             const std::vector<std::string>& technique_ids, const std::string& source = {}) {
    std::string value(detail::trim(raw_value));
    if (selector == "subdomain") {
      if (auto v = model::parse_subdomain(value)) value = *v;
    } else if (selector == "domain") {
      if (auto v = model::parse_domain(value)) value = *v;
    }
    const std::string origin = line_where + " " + selector + " " + value + (source.empty() ? "" : " of " + source);
    std::vector<std::string> known;
    for (const auto& t : technique_ids) {
      if (techniques_.count(t)) {
        known.push_back(t);
      } else {
        warn(report_, line_where, "unknown technique '" + t + "': link skipped");
      }
    }
    std::size_t matched = 0;
    const auto& chosen = risks_by(selector);
    if (const auto found = chosen.find(value); found != chosen.end()) {
      for (const std::size_t i : found->second) {
        const model::Risk& r = report_.atlas.risks[i];
        if (!source.empty() && r.quickref != source) continue;
        ++matched;
        for (const auto& t : known) report_.atlas.links.push_back({r.id, t, origin});
      }
    }
    if (matched == 0)
      warn(report_, line_where, selector + " '" + value + "'" + (source.empty() ? "" : " of " + source) + " matches no risk");
  }

 private:
  using RisksByValue = std::unordered_map<std::string, std::vector<std::size_t>>;

  // The risks (ordinals, in load order) by the value of a selector, made on first use: a links file
  // with a line per risk would otherwise read every risk once per line.
  const RisksByValue& risks_by(const std::string& selector) {
    RisksByValue& by = selector == "subdomain" ? by_subdomain_ : selector == "domain" ? by_domain_ : by_id_;
    if (!by.empty() || report_.atlas.risks.empty()) return by;
    for (std::size_t i = 0; i < report_.atlas.risks.size(); ++i) {
      const model::Risk& r = report_.atlas.risks[i];
      if (&by == &by_subdomain_) {
        by[r.subdomain].push_back(i);
      } else if (&by == &by_domain_) {
        by[r.domain].push_back(i);
      } else {
        by[r.id].push_back(i);
        if (r.ev_id != r.id) by[r.ev_id].push_back(i);
      }
    }
    return by;
  }

  LoadReport& report_;
  std::unordered_set<std::string> techniques_;
  RisksByValue by_subdomain_, by_domain_, by_id_;
};

std::string text_of(const YamlNode& n) {
  detail::CleanCounts counts;
  return detail::clean_text(n.value, counts);
}

Status load_links_yaml(const detail::SourceText& source, LoadReport& report) {
  const std::string& name = source.name;
  auto parsed = parse_yaml(source, report.warnings);
  if (!parsed.ok()) return parsed.status();
  const YamlNode& root = *parsed;
  auto not_links = [&](const YamlNode& n, const std::string& why) { return source.not_expected(n.line, why); };
  if (!root.is_mapping()) return not_links(root, "expected a mapping with 'version' and 'links'");
  const YamlNode* version = root.find("version");
  if (version == nullptr) {
    warn(report, detail::where(name, root.line), "no 'version': read as version 1");
  } else if (!version->is_scalar() || detail::trim(version->value) != "1") {
    return not_links(*version, "unsupported version (expected 1)");
  }
  const YamlNode* links = root.find("links");
  if (links == nullptr || !links->is_sequence()) return not_links(links ? *links : root, "no 'links' list");

  LinkResolver resolver(report);
  for (const YamlNode& entry : links->items) {
    const std::string at = detail::where(name, entry.line);
    if (!entry.is_mapping()) {
      detail::skip(report, at, std::string("link entry is a ") + entry.kind_name() + ", expected a mapping");
      continue;
    }
    std::string selector;
    const YamlNode* value = nullptr;
    std::size_t selectors = 0;
    for (const auto& [key, node] : entry.entries) {
      if (std::find(std::begin(kSelectors), std::end(kSelectors), key) != std::end(kSelectors)) {
        ++selectors;
        selector = key;
        value = &node;
      } else if (key != "techniques" && key != "why" && key != "source") {
        warn(report, detail::where(name, node.line), "unknown key '" + key + "' in a link entry: ignored");
      }
    }
    if (selectors != 1) {
      detail::skip(report, at, selectors == 0 ? "link entry without a selector (subdomain, domain or risk)"
                                              : "link entry with more than one selector");
      continue;
    }
    if (!value->is_scalar() || value->is_null()) {
      detail::skip(report, at, "selector '" + selector + "' must be text");
      continue;
    }
    std::vector<std::string> techniques;
    const YamlNode* tn = entry.find("techniques");
    if (tn != nullptr && tn->is_scalar() && !tn->is_null()) {
      techniques.push_back(text_of(*tn));
    } else if (tn != nullptr && tn->is_sequence()) {
      for (const auto& item : tn->items) {
        if (item.is_scalar() && !item.is_null()) {
          techniques.push_back(text_of(item));
        } else {
          warn(report, detail::where(name, item.line), "a technique must be an id: ignored");
        }
      }
    }
    if (techniques.empty()) {
      detail::skip(report, at, "link entry without techniques");
      continue;
    }
    std::string source;
    if (const YamlNode* sn = entry.find("source"); sn != nullptr && sn->is_scalar() && !sn->is_null())
      source = text_of(*sn);
    resolver.apply(at, selector, text_of(*value), techniques, source);
  }
  return Status::OK();
}

// Read in chunks: a links file may grow with the records.
Status load_links_csv(const std::filesystem::path& file, LoadReport& report) {
  const detail::SourceFile source(file, "a links file");
  const std::string& name = source.name;
  std::size_t skipped = 0;
  auto opened = CsvReader::open(file, report.warnings, skipped);
  if (!opened.ok()) return opened.status();
  CsvReader& reader = *opened;
  CsvRecord rec;
  if (!reader.next(rec)) {
    if (!reader.status().ok()) return reader.status();
    return Status::InvalidArgument(source.path + ": empty file, expected a links CSV");
  }
  const std::vector<std::string> header = {"selector", "value", "technique", "why"};
  bool ok = rec.fields.size() == header.size();
  for (std::size_t i = 0; ok && i < header.size(); ++i) ok = detail::trim(rec.fields[i]) == header[i];
  if (!ok)
    return source.not_expected(rec.line, "expected header selector,value,technique,why");
  LinkResolver resolver(report);
  while (reader.next(rec)) {
    const std::string at = detail::where(name, rec.line);
    if (rec.fields.size() != 3 && rec.fields.size() != 4) {
      detail::skip(report, at, std::to_string(rec.fields.size()) + " columns, expected 4");
      continue;
    }
    detail::CleanCounts counts;
    const std::string selector = detail::clean_text(rec.fields[0], counts);
    const std::string value = detail::clean_text(rec.fields[1], counts);
    const std::string technique = detail::clean_text(rec.fields[2], counts);
    if (std::find(std::begin(kSelectors), std::end(kSelectors), selector) == std::end(kSelectors)) {
      detail::skip(report, at, "unknown selector '" + selector + "' (expected subdomain, domain or risk)");
      continue;
    }
    if (value.empty() || technique.empty()) {
      detail::skip(report, at, "empty value or technique");
      continue;
    }
    resolver.apply(at, selector, value, {technique});
  }
  report.stats.skipped += skipped;
  return reader.status();
}

}  // namespace

Status load_links(const std::filesystem::path& file, LoadReport& report) {
  const std::string ext = text::ascii_lowered(file.extension().string());
  Status st;
  if (ext == ".csv") {
    st = load_links_csv(file, report);
  } else {
    auto source = detail::read_source(file, "a links file");
    if (!source.ok()) return source.status();
    st = load_links_yaml(*source, report);
  }
  detail::dedupe_links(report);
  return st;
}

}  // namespace riskatlas::load
