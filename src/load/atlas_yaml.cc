// load_atlas_yaml: the MITRE ATLAS distribution (ATLAS.yaml): tactics, techniques and mitigations of
// every matrix, and the case studies. Their texts are Markdown (load/markdown.h).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "load/corpus.h"
#include "load/atlas_merge.h"
#include "load/clean_text.h"
#include "load/id_registry.h"
#include "load/markdown.h"
#include "load/source_file.h"
#include "load/warnings.h"
#include "load/yaml_tree.h"
#include "model/taxonomy.h"

namespace riskatlas::load {

namespace {

using detail::warn;
using ParseFn = std::optional<std::string> (*)(std::string_view);

class AtlasReader {
 public:
  AtlasReader(LoadReport& report, std::string name) : report_(report), name_(std::move(name)), ids_(report.atlas) {}

  void read_matrix(const YamlNode& matrix);
  void read_case_study(const YamlNode& item);
  // Sub-technique tactics, and references to unknown tactics / techniques.
  void finish(std::size_t first_technique, std::size_t first_mitigation, std::size_t first_case_study);

 private:
  std::string at(const YamlNode& n) const { return detail::where(name_, n.line); }
  std::string text(const YamlNode& map, std::string_view key, const std::string& rec);
  // The Markdown text of `map[key]`; its links are numbered into `references`.
  detail::MarkdownText markdown(const YamlNode& map, std::string_view key, const std::string& rec,
                                detail::ReferenceNumbers& references) {
    return detail::read_markdown(text(map, key, rec), references);
  }
  // A value of a fixed set (`allowed`, as slugs): "" with a warning for anything else.
  std::string choice(const YamlNode& map, std::string_view key, const std::string& rec,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> allowed);
  void read_references(const YamlNode& item, detail::ReferenceNumbers& references, const std::string& rec);
  void read_step(const YamlNode& item, model::CaseStudy& cs, detail::ReferenceNumbers& references,
                 const std::string& rec);
  std::vector<const YamlNode*> list(const YamlNode& map, std::string_view key, const std::string& rec);
  bool identify(const YamlNode& item, const char* what, std::string& id, std::string& name);
  void read_tactic(const YamlNode& item);
  void read_technique(const YamlNode& item);
  void read_mitigation(const YamlNode& item);
  // A mitigation being read, with lookups that keep a mitigation of many uses or links linear.
  struct MitigationDraft {
    model::Mitigation m;
    detail::ReferenceNumbers references{m.references};
    std::unordered_map<std::string, std::size_t> use_of;  // technique id -> index into m.techniques
  };
  void read_values(const YamlNode& map, const char* key, ParseFn parse, std::vector<std::string>& out,
                   MitigationDraft& draft, const std::string& rec);
  void add_use(MitigationDraft& draft, std::string id, const std::string& use);

  LoadReport& report_;
  std::string name_;
  detail::IdRegistry ids_;
};

// The text of `map[key]`: "" when absent or null; a list or mapping there is ignored with a warning.
std::string AtlasReader::text(const YamlNode& map, std::string_view key, const std::string& rec) {
  const YamlNode* n = map.find(key);
  if (n == nullptr || n->is_null()) return "";
  if (!n->is_scalar()) {
    warn(report_, at(*n) + rec, "field '" + std::string(key) + "' is a " + n->kind_name() + ", expected text: ignored");
    return "";
  }
  detail::CleanCounts counts;
  return detail::clean_text(n->value, counts);
}

// The items of the list `map[key]`; a single text value counts as a one-item list.
std::vector<const YamlNode*> AtlasReader::list(const YamlNode& map, std::string_view key, const std::string& rec) {
  std::vector<const YamlNode*> out;
  const YamlNode* n = map.find(key);
  if (n == nullptr || n->is_null()) return out;
  if (n->is_scalar()) {
    out.push_back(n);
  } else if (n->is_sequence()) {
    for (const auto& item : n->items) out.push_back(&item);
  } else {
    warn(report_, at(*n) + rec, "field '" + std::string(key) + "' is a mapping, expected a list: ignored");
  }
  return out;
}

// Requires a mapping with id and name; claims a unique id. False (record skipped) otherwise.
bool AtlasReader::identify(const YamlNode& item, const char* what, std::string& id, std::string& name) {
  if (!item.is_mapping()) {
    detail::skip(report_, at(item), std::string(what) + " is a " + item.kind_name() + ", expected a mapping");
    return false;
  }
  id = text(item, "id", "");
  name = text(item, "name", id.empty() ? "" : " (" + id + ")");
  if (id.empty() || name.empty()) {
    detail::skip(report_, at(item) + (id.empty() ? "" : " (" + id + ")"),
                 std::string(what) + " without " + (id.empty() ? "an id" : "a name"));
    return false;
  }
  if (!detail::is_url_safe_id(id)) {
    detail::skip(report_, at(item), std::string(what) + " id '" + id.substr(0, 64) + "' must be " + detail::kIdRule);
    return false;
  }
  const std::string unique = ids_.claim(id);
  if (unique != id) warn(report_, at(item), "duplicate id '" + id + "': kept both, this one is '" + unique + "'");
  id = unique;
  return true;
}

void AtlasReader::read_matrix(const YamlNode& matrix) {
  if (!matrix.is_mapping()) {
    warn(report_, at(matrix), std::string("a matrix is a ") + matrix.kind_name() + ", expected a mapping: ignored");
    return;
  }
  bool any = false;
  for (std::string_view key : {"tactics", "techniques", "mitigations"}) {
    const YamlNode* seq = matrix.find(key);
    if (seq == nullptr || seq->is_null()) continue;
    if (!seq->is_sequence()) {
      // Built with append: GCC 12 -O3 warns falsely (-Wrestrict, PR 105329) on "'" + std::string.
      std::string message(1, '\'');
      message.append(key).append("' is a ").append(seq->kind_name()).append(", expected a list: ignored");
      warn(report_, at(*seq), message);
      continue;
    }
    any = true;
    for (const YamlNode& item : seq->items) {
      if (key == "tactics") read_tactic(item);
      else if (key == "techniques") read_technique(item);
      else read_mitigation(item);
    }
  }
  if (!any) warn(report_, at(matrix), "matrix holds no tactics, techniques or mitigations");
}

void AtlasReader::read_tactic(const YamlNode& item) {
  model::Tactic t;
  if (!identify(item, "tactic", t.id, t.name)) return;
  const std::string rec = " (" + t.id + ")";
  std::vector<model::Reference> unshown;  // a tactic is a label, its description is not displayed
  detail::ReferenceNumbers unshown_numbers(unshown);
  t.description = markdown(item, "description", rec, unshown_numbers).plain;
  t.origin = at(item);
  report_.atlas.tactics.push_back(std::move(t));
  ++report_.stats.tactics;
}

void AtlasReader::read_technique(const YamlNode& item) {
  model::Technique t;
  if (!identify(item, "technique", t.id, t.name)) return;
  const std::string rec = " (" + t.id + ")";
  detail::ReferenceNumbers references(t.references);
  auto description = markdown(item, "description", rec, references);
  t.description = std::move(description.plain);
  t.description_doc = std::move(description.rich);
  for (const YamlNode* n : list(item, "tactics", rec)) {
    if (!n->is_scalar() || n->is_null()) {
      warn(report_, at(*n) + rec, std::string("a tactic given as a ") + n->kind_name() + ": ignored");
      continue;
    }
    detail::CleanCounts counts;
    std::string tactic = detail::clean_text(n->value, counts);
    if (std::find(t.tactics.begin(), t.tactics.end(), tactic) == t.tactics.end()) t.tactics.push_back(tactic);
  }
  t.maturity = detail::slug(text(item, "maturity", rec));
  t.parent = text(item, "subtechnique-of", rec);
  t.created = text(item, "created_date", rec);
  t.modified = text(item, "modified_date", rec);
  t.origin = at(item);
  report_.atlas.techniques.push_back(std::move(t));
  ++report_.stats.techniques;
}

// `use` is Markdown; its links are numbered into the mitigation's references.
void AtlasReader::add_use(MitigationDraft& draft, std::string id, const std::string& use) {
  auto& uses = draft.m.techniques;
  const auto [it, added] = draft.use_of.emplace(id, uses.size());
  if (!added) {
    auto& u = uses[it->second];
    if (u.use.empty()) {
      auto text = detail::read_markdown(use, draft.references);
      u.use = std::move(text.plain);
      u.use_doc = std::move(text.rich);
    }
    return;
  }
  auto text = detail::read_markdown(use, draft.references);
  uses.push_back({std::move(id), std::move(text.plain), std::move(text.rich)});
}

// A list of taxonomy values (ml-lifecycle, category). Unknown spellings are dropped with a warning.
// A stray {id, use} mapping in the list (a technique use that slipped out of 'techniques') is moved
// into the mitigation's techniques.
void AtlasReader::read_values(const YamlNode& map, const char* key, ParseFn parse, std::vector<std::string>& out,
                              MitigationDraft& draft, const std::string& rec) {
  for (const YamlNode* n : list(map, key, rec)) {
    if (n->is_scalar()) {
      if (n->is_null()) continue;
      if (auto v = parse(n->value)) {
        if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
      } else {
        warn(report_, at(*n) + rec, std::string("unknown ") + key + " value '" + n->value + "': dropped");
      }
      continue;
    }
    const YamlNode* id = n->find("id");
    if (id != nullptr && id->is_scalar() && !id->is_null()) {
      const YamlNode* use = n->find("use");
      detail::CleanCounts counts;
      std::string tid = detail::clean_text(id->value, counts);
      warn(report_, at(*n) + rec,
           std::string("repaired: technique ") + tid + " found inside '" + key + "' moved to the techniques");
      add_use(draft, std::move(tid), use != nullptr && use->is_scalar() ? detail::clean_text(use->value, counts) : "");
      continue;
    }
    warn(report_, at(*n) + rec, std::string("a ") + n->kind_name() + " inside '" + key + "': ignored");
  }
}

void AtlasReader::read_mitigation(const YamlNode& item) {
  MitigationDraft draft;
  model::Mitigation& m = draft.m;
  if (!identify(item, "mitigation", m.id, m.name)) return;
  const std::string rec = " (" + m.id + ")";
  auto description = markdown(item, "description", rec, draft.references);
  m.description = std::move(description.plain);
  m.description_doc = std::move(description.rich);
  for (const YamlNode* n : list(item, "techniques", rec)) {
    detail::CleanCounts counts;
    if (n->is_scalar() && !n->is_null()) {  // a bare id
      add_use(draft, detail::clean_text(n->value, counts), "");
      continue;
    }
    const YamlNode* id = n->find("id");
    if (id == nullptr || !id->is_scalar() || id->is_null()) {
      warn(report_, at(*n) + rec, "a technique use without an id: ignored");
      continue;
    }
    add_use(draft, detail::clean_text(id->value, counts), text(*n, "use", rec));
  }
  read_values(item, "ml-lifecycle", model::parse_lifecycle, m.lifecycle, draft, rec);
  read_values(item, "category", model::parse_category, m.categories, draft, rec);
  m.created = text(item, "created_date", rec);
  m.modified = text(item, "modified_date", rec);
  m.origin = at(item);
  report_.atlas.mitigations.push_back(std::move(m));
  ++report_.stats.mitigations;
}

std::string AtlasReader::choice(const YamlNode& map, std::string_view key, const std::string& rec,
                                std::initializer_list<std::pair<std::string_view, std::string_view>> allowed) {
  const std::string raw = text(map, key, rec);
  if (raw.empty()) return "";
  const std::string s = detail::slug(raw);
  for (const auto& [spelling, value] : allowed)
    if (s == spelling) return std::string(value);
  warn(report_, at(*map.find(key)) + rec, "unknown " + std::string(key) + " '" + raw + "': ignored");
  return "";
}

// The listed references, numbered first so the summary's citations of them share their numbers.
void AtlasReader::read_references(const YamlNode& item, detail::ReferenceNumbers& references, const std::string& rec) {
  for (const YamlNode* n : list(item, "references", rec)) {
    if (!n->is_mapping()) {
      warn(report_, at(*n) + rec, std::string("a reference given as a ") + n->kind_name() + ": ignored");
      continue;
    }
    const std::string title = text(*n, "title", rec);
    std::string url = text(*n, "url", rec);
    if (!url.empty() && !detail::is_web_url(url)) {
      warn(report_, at(*n) + rec, "reference URL '" + url + "' is not http(s): kept without a link");
      url.clear();
    }
    if (title.empty() && url.empty()) continue;
    if (url.empty()) {
      references.add_unlinked(title);
    } else {
      references.cite(url, title);
    }
  }
}

void AtlasReader::read_step(const YamlNode& item, model::CaseStudy& cs, detail::ReferenceNumbers& references,
                            const std::string& rec) {
  const std::string where = rec.substr(0, rec.size() - 1) + " step " + std::to_string(cs.procedure.size() + 1) + ")";
  if (!item.is_mapping()) {
    warn(report_, at(item) + where, std::string("a procedure step given as a ") + item.kind_name() + ": ignored");
    return;
  }
  model::ProcedureStep step;
  step.tactic = text(item, "tactic", where);
  step.technique = text(item, "technique", where);
  if (step.technique.empty()) {
    warn(report_, at(item) + where, "a procedure step without a technique: ignored");
    return;
  }
  auto description = markdown(item, "description", where, references);
  step.description = std::move(description.plain);
  step.description_doc = std::move(description.rich);
  cs.procedure.push_back(std::move(step));
}

void AtlasReader::read_case_study(const YamlNode& item) {
  model::CaseStudy cs;
  if (!identify(item, "case study", cs.id, cs.name)) return;
  const std::string rec = " (" + cs.id + ")";
  detail::ReferenceNumbers references(cs.references);
  read_references(item, references, rec);
  auto summary = markdown(item, "summary", rec, references);
  cs.summary = std::move(summary.plain);
  cs.summary_doc = std::move(summary.rich);
  cs.incident_date = text(item, "incident-date", rec);
  if (!cs.incident_date.empty() &&
      (cs.incident_date.size() < 4 || !std::all_of(cs.incident_date.begin(), cs.incident_date.begin() + 4,
                                                   [](char c) { return c >= '0' && c <= '9'; }))) {
    warn(report_, at(*item.find("incident-date")) + rec, "incident date '" + cs.incident_date + "' is not YYYY-MM-DD: ignored");
    cs.incident_date.clear();
  }
  cs.date_precision = choice(item, "incident-date-granularity", rec, {{"year", "year"}, {"month", "month"}, {"date", "day"}, {"day", "day"}});
  cs.kind = choice(item, "case-study-type", rec, {{"incident", "incident"}, {"exercise", "exercise"}});
  cs.target = text(item, "target", rec);
  cs.actor = text(item, "actor", rec);
  cs.reporter = text(item, "reporter", rec);
  for (const YamlNode* step : list(item, "procedure", rec)) read_step(*step, cs, references, rec);
  cs.origin = at(item);
  report_.stats.procedure_steps += cs.procedure.size();
  report_.atlas.case_studies.push_back(std::move(cs));
  ++report_.stats.case_studies;
}

void AtlasReader::finish(std::size_t first_technique, std::size_t first_mitigation, std::size_t first_case_study) {
  detail::inherit_parent_tactics(report_.atlas, first_technique, report_);
  detail::warn_unknown_references(report_, first_technique, first_mitigation, first_case_study);
}

}  // namespace

Status load_atlas_yaml(const std::filesystem::path& file, LoadReport& report) {
  auto source = detail::read_source(file, "an ATLAS distribution");
  if (!source.ok()) return source.status();
  // A download cut short still parses (as fewer case studies, a step ending mid-word) and may keep
  // most records, above --min-ratio; the distribution ends with a line break, a cut file rarely does.
  if (source->text.back() != '\n')
    return Status::InvalidArgument(source->path + ": ends without a line break: the file looks cut off (an interrupted "
                                   "download?); an ATLAS distribution ends with one");
  const std::string& name = source->name;
  auto parsed = parse_yaml(*source, report.warnings);
  if (!parsed.ok()) return parsed.status();
  auto not_atlas = [&](const YamlNode& n, const std::string& why) { return source->not_expected(n.line, why); };
  const YamlNode& root = *parsed;
  if (!root.is_mapping()) return not_atlas(root, std::string("the document is a ") + root.kind_name() + ", expected a mapping");
  for (const char* key : {"id", "name", "version"}) {
    const YamlNode* n = root.find(key);
    if (n == nullptr || !n->is_scalar() || n->is_null())
      return not_atlas(n ? *n : root, std::string("no '") + key + "' text at the top level");
  }
  const YamlNode* matrices = root.find("matrices");
  if (matrices == nullptr || !matrices->is_sequence())
    return not_atlas(matrices ? *matrices : root, "no 'matrices' list at the top level");

  const std::size_t first_technique = report.atlas.techniques.size();
  const std::size_t first_mitigation = report.atlas.mitigations.size();
  const std::size_t first_case_study = report.atlas.case_studies.size();
  AtlasReader reader(report, name);
  for (const YamlNode& matrix : matrices->items) reader.read_matrix(matrix);
  if (const YamlNode* studies = root.find("case-studies"); studies != nullptr && !studies->is_null()) {
    if (studies->is_sequence()) {
      for (const YamlNode& item : studies->items) reader.read_case_study(item);
    } else {
      detail::warn(report, detail::where(name, studies->line), "'case-studies' is not a list: ignored");
    }
  }
  reader.finish(first_technique, first_mitigation, first_case_study);

  detail::CleanCounts counts;
  detail::add_version(report.atlas, "atlas_version", detail::clean_text(root.find("version")->value, counts));
  detail::add_version(report.atlas, "atlas_name", detail::clean_text(root.find("name")->value, counts));
  detail::add_version(report.atlas, "atlas_file", name);
  return Status::OK();
}

}  // namespace riskatlas::load
