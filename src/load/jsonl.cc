// load_jsonl: our own records, one JSON object per line (risk, technique or mitigation).
// Blank lines and lines starting with '#' are ignored; a bad line is skipped with a warning naming it.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "load/corpus.h"
#include "load/atlas_merge.h"
#include "load/clean_text.h"
#include "load/id_registry.h"
#include "load/risk_facets.h"
#include "load/source_file.h"
#include "load/warnings.h"
#include "model/taxonomy.h"
#include "util/utf8.h"

namespace riskatlas::load {

namespace {

using json = nlohmann::json;
using detail::warn;

constexpr std::size_t kMaxJsonDepth = 32;

// Thrown by the field readers for a record that cannot be used; caught per line.
struct BadRecord {
  std::string message;
};

class RecordReader {
 public:
  RecordReader(const json& j, LoadReport& report, std::string where) : j_(j), report_(report), where_(std::move(where)) {}
  ~RecordReader() = default;

  std::string str(const char* key, bool required = false) {
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (required) throw BadRecord{std::string("missing \"") + key + "\""};
      return "";
    }
    if (!it->is_string()) throw BadRecord{std::string("\"") + key + "\" must be a string"};
    std::string v = detail::clean_text(it->get_ref<const std::string&>(), counts_);
    if (required && v.empty()) throw BadRecord{std::string("empty \"") + key + "\""};
    return v;
  }

  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return out;
    if (!it->is_array()) throw BadRecord{std::string("\"") + key + "\" must be a list of strings"};
    std::unordered_set<std::string> seen;  // a list may be long: no scan of the kept ones per item
    for (const auto& v : *it) {
      if (!v.is_string()) throw BadRecord{std::string("\"") + key + "\" must be a list of strings"};
      std::string s = detail::clean_text(v.get_ref<const std::string&>(), counts_);
      if (!s.empty() && seen.insert(s).second) out.push_back(std::move(s));
    }
    return out;
  }

  // Values of a fixed taxonomy: unknown ones are dropped with a warning.
  std::vector<std::string> values(const char* key, std::optional<std::string> (*parse)(std::string_view)) {
    std::vector<std::string> out;
    for (const auto& raw : strings(key)) {
      if (auto v = parse(raw)) {
        if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
      } else {
        warn(report_, where_, std::string("unknown ") + key + " value '" + raw + "': dropped");
      }
    }
    return out;
  }

  std::vector<model::TechniqueUse> uses(const char* key) {
    std::vector<model::TechniqueUse> out;
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return out;
    if (!it->is_array()) throw BadRecord{std::string("\"") + key + "\" must be a list"};
    for (const auto& v : *it) {
      model::TechniqueUse u;
      if (v.is_string()) {
        u.technique_id = detail::clean_text(v.get_ref<const std::string&>(), counts_);
      } else if (v.is_object()) {
        RecordReader item(v, report_, where_);
        u.technique_id = item.str("id", true);
        u.use = item.str("use");
        merge(item.counts_);
      } else {
        throw BadRecord{std::string("\"") + key + "\" items must be {\"id\": ..., \"use\": ...}"};
      }
      if (u.technique_id.empty()) continue;
      auto same = [&](const model::TechniqueUse& x) { return x.technique_id == u.technique_id; };
      if (std::none_of(out.begin(), out.end(), same)) out.push_back(std::move(u));
    }
    return out;
  }

  const detail::CleanCounts& counts() const { return counts_; }

 private:
  void merge(const detail::CleanCounts& c) {
    counts_.replaced += c.replaced;
    counts_.removed += c.removed;
    counts_.truncated += c.truncated;
  }

  const json& j_;
  LoadReport& report_;
  std::string where_;
  detail::CleanCounts counts_;
};

// Parses one line; duplicate keys (nlohmann would keep the last) and deep nesting are refused.
json parse_line(std::string_view line) {
  std::vector<std::unordered_set<std::string>> keys;
  std::string problem;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        [[fallthrough]];
      case json::parse_event_t::array_start:
        if (static_cast<std::size_t>(depth) >= kMaxJsonDepth && problem.empty())
          problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && parsed.is_string() && !keys.back().insert(parsed.get<std::string>()).second &&
            problem.empty())
          problem = "duplicate key \"" + parsed.get<std::string>() + "\"";
        break;
      default:
        break;
    }
    return problem.empty();
  };
  json j = json::parse(line.begin(), line.end(), callback, /*allow_exceptions=*/true);
  if (!problem.empty()) throw BadRecord{problem};
  return j;
}

// A line as a JSON object, or BadRecord saying why not.
json parse_record(std::string_view line) {
  json j;
  try {
    j = parse_line(line);
  } catch (const json::exception& e) {
    throw BadRecord{"invalid JSON: " + std::string(utf8::truncate(e.what(), 200))};
  }
  if (!j.is_object()) throw BadRecord{"not a JSON object"};
  return j;
}

// Adds the record of one line to the atlas. Every field is read (and may reject the line with
// BadRecord) before the record's id is claimed, so a rejected line takes no id.
class RecordLoader {
 public:
  explicit RecordLoader(LoadReport& report) : report_(report), ids_(report.atlas) {}

  void load(std::string_view line, const std::string& at) {
    const json j = parse_record(line);
    RecordReader r(j, report_, at);
    const std::string type = r.str("type", true);
    const std::string raw_id = r.str("id", true);
    if (!detail::is_url_safe_id(raw_id)) throw BadRecord{std::string("id must be ") + detail::kIdRule};
    if (type == "risk") {
      add_risk(r, raw_id, at);
    } else if (type == "technique") {
      add_technique(r, raw_id, at);
    } else if (type == "mitigation") {
      add_mitigation(r, raw_id, at);
    } else {
      throw BadRecord{"unknown type '" + type + "' (expected risk, technique or mitigation)"};
    }
    if (r.counts().any()) warn(report_, at + " (record " + raw_id + ")", r.counts().describe());
    ++report_.stats.jsonl_records;
  }

 private:
  void add_risk(RecordReader& r, const std::string& raw_id, const std::string& at) {
    model::Risk risk;
    risk.subcategory = r.str("title", true);
    risk.category = r.str("category");
    risk.description = r.str("description");
    const std::string quote = r.str("quote");
    risk.source_title = r.str("source");
    risk.quickref = r.str("quickref");
    const std::vector<std::string> techniques = r.strings("techniques");
    detail::RawFacets raw{r.str("entity"), r.str("intent"), r.str("timing"), r.str("domain"), r.str("subdomain")};
    bool derived = false;
    detail::apply_risk_facets(raw, risk, report_, at + " (record " + raw_id + ")", derived);
    risk.id = claim(raw_id, at);
    risk.ev_id = raw_id;
    if (!quote.empty()) risk.evidence.push_back({raw_id, quote, ""});
    risk.origin = at;
    for (const auto& tid : techniques) report_.atlas.links.push_back({risk.id, tid, at});
    report_.atlas.risks.push_back(std::move(risk));
    ++report_.stats.risks;
  }

  void add_technique(RecordReader& r, const std::string& raw_id, const std::string& at) {
    model::Technique tech;
    tech.name = r.str("name", true);
    tech.description = r.str("description");
    tech.tactics = r.strings("tactics");
    tech.parent = r.str("parent");
    tech.maturity = detail::slug(r.str("maturity"));
    tech.created = r.str("created");
    tech.modified = r.str("modified");
    tech.id = claim(raw_id, at);
    tech.origin = at;
    report_.atlas.techniques.push_back(std::move(tech));
    ++report_.stats.techniques;
  }

  void add_mitigation(RecordReader& r, const std::string& raw_id, const std::string& at) {
    model::Mitigation m;
    m.name = r.str("name", true);
    m.description = r.str("description");
    m.categories = r.values("categories", model::parse_category);
    m.lifecycle = r.values("lifecycle", model::parse_lifecycle);
    m.techniques = r.uses("techniques");
    m.created = r.str("created");
    m.modified = r.str("modified");
    m.id = claim(raw_id, at);
    m.origin = at;
    report_.atlas.mitigations.push_back(std::move(m));
    ++report_.stats.mitigations;
  }

  // The record's id: `raw_id`, or a free variant of it with a warning when it is taken.
  std::string claim(const std::string& raw_id, const std::string& at) {
    std::string id = ids_.claim(raw_id);
    if (id != raw_id) warn(report_, at, "id '" + raw_id + "' is already taken: this record is '" + id + "'");
    return id;
  }

  LoadReport& report_;
  detail::IdRegistry ids_;
};

}  // namespace

Status load_jsonl(const std::filesystem::path& file, LoadReport& report) {
  // Line by line: a million records are a gigabyte of text, and only one line is needed at a time.
  auto reader = detail::LineReader::open(file);
  if (!reader.ok()) return reader.status();
  RecordLoader loader(report);
  const std::size_t first_technique = report.atlas.techniques.size();
  const std::size_t first_mitigation = report.atlas.mitigations.size();
  std::string_view line;
  while (reader->next(line)) {
    const std::string at = detail::where(reader->name(), reader->line_number());
    if (reader->too_long()) {
      detail::skip(report, at, "line longer than " + std::to_string(reader->max_line_bytes()) + " bytes");
      continue;
    }
    const std::string_view t = detail::trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (!utf8::is_valid(line)) {
      detail::skip(report, at, "line is not valid UTF-8");
      continue;
    }
    try {
      loader.load(t, at);
    } catch (const BadRecord& bad) {
      detail::skip(report, at, bad.message);
    }
  }
  if (!reader->status().ok()) return reader->status();
  detail::inherit_parent_tactics(report.atlas, first_technique, report);
  detail::warn_unknown_references(report, first_technique, first_mitigation, report.atlas.case_studies.size());
  return Status::OK();
}

}  // namespace riskatlas::load
