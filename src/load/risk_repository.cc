// load_risk_repository_csv: the AI Risk Repository CSV export.
//
// Row kinds ('Category level'): 'Paper' -> model::Source; 'Risk Category' / 'Risk Sub-Category' ->
// model::Risk; 'Additional evidence' -> merged into the risk with the same (Paper_ID, Cat_ID,
// SubCat_ID). Anything else is skipped with a warning.
#include <array>
#include <charconv>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "load/corpus.h"
#include "load/csv_reader.h"
#include "load/atlas_merge.h"
#include "load/clean_text.h"
#include "load/id_registry.h"
#include "load/risk_facets.h"
#include "load/source_file.h"
#include "load/warnings.h"
#include "util/utf8.h"

namespace riskatlas::load {

namespace {

using detail::warn;

enum Col : std::size_t {
  kTitle, kQuickRef, kEvId, kPaperId, kCatId, kSubCatId, kAddEvId, kLevel, kCategory, kSubcategory,
  kDescription, kAdditionalEv, kPDef, kPAddEv, kEntity, kIntent, kTiming, kDomain, kSubdomain, kColumns
};

constexpr std::array<std::string_view, kColumns> kHeader = {
    "Title",          "QuickRef",       "Ev_ID",       "Paper_ID",   "Cat_ID",  "SubCat_ID", "AddEv_ID",
    "Category level", "Risk category",  "Risk subcategory", "Description", "Additional ev.", "P.Def",
    "p.AddEv",        "Entity",         "Intent",      "Timing",     "Domain",  "Sub-domain"};

std::string header_text() {
  std::string out;
  for (auto h : kHeader) {
    if (!out.empty()) out += ',';
    out += h;
  }
  return out;
}

// "01" -> "1", "" -> "0": the ids are numbers, spelled with or without leading zeros.
std::string number_key(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s.empty() ? "0" : std::string(s);
}

using Key = std::tuple<std::string, std::string, std::string>;

// True when `id` is `prefix` or starts with `prefix` followed by '.'.
bool id_extends(std::string_view id, std::string_view prefix) {
  if (prefix.empty() || id.substr(0, prefix.size()) != prefix) return false;
  return id.size() == prefix.size() || id[prefix.size()] == '.';
}

struct Row {
  std::size_t line;
  std::vector<std::string> f;  // cleaned fields
};

// Chooses the risk an additional-evidence row belongs to among those sharing its key: first those
// with the same category and subcategory, then the one whose Ev_ID prefixes the row's (longest),
// else the first.
std::size_t pick_risk(const std::vector<std::size_t>& candidates, const Row& row, const model::Atlas& atlas) {
  std::vector<std::size_t> same_title;
  for (std::size_t i : candidates) {
    const model::Risk& r = atlas.risks[i];
    if (r.category == row.f[kCategory] && r.subcategory == row.f[kSubcategory]) same_title.push_back(i);
  }
  const std::vector<std::size_t>& pool = same_title.empty() ? candidates : same_title;
  std::size_t best = pool.front();
  std::size_t best_len = 0;
  for (std::size_t i : pool) {
    const std::string& ev = atlas.risks[i].ev_id;
    if (id_extends(row.f[kEvId], ev) && ev.size() > best_len) {
      best = i;
      best_len = ev.size();
    }
  }
  return best;
}

}  // namespace

Status load_risk_repository_csv(const std::filesystem::path& file, LoadReport& report) {
  auto source = detail::read_source(file, "an AI Risk Repository export");
  if (!source.ok()) return source.status();
  const std::string& name = source->name;
  const std::string& path = source->path;

  // The reader names the file by its display name; fatal errors name the path.
  auto with_path = [&](const Status& st) { return Status::Corruption(source->at_path(st.message())); };
  std::size_t skipped = 0;
  CsvReader reader(source->text, name, report.warnings, skipped);
  CsvRecord rec;
  if (!reader.next(rec)) {
    if (!reader.status().ok()) return with_path(reader.status());
    return Status::InvalidArgument(path + ": empty file, expected an AI Risk Repository export");
  }
  bool header_ok = rec.fields.size() == kColumns;
  for (std::size_t i = 0; header_ok && i < kColumns; ++i) header_ok = detail::trim(rec.fields[i]) == kHeader[i];
  if (!header_ok) {
    std::string found;
    for (const auto& f : rec.fields) found += (found.empty() ? "" : ",") + f;
    found = utf8::clean(found).text;  // the message may end up in JSON: keep it valid UTF-8
    if (found.size() > 120) found = std::string(utf8::truncate(found, 120)) + "...";
    return Status::InvalidArgument(path + ":" + std::to_string(rec.line) +
                                   ": not an AI Risk Repository export: expected header " + header_text() +
                                   " (found: " + found + ")");
  }
  reader.set_expected_columns(kColumns);
  const std::size_t header_line = rec.line;

  // Pass 1: read and clean every row; sources and risks are created in file order.
  std::vector<Row> evidence_rows;
  detail::IdRegistry ids(report.atlas);
  std::map<Key, std::vector<std::size_t>> risks_by_key;  // -> indices into report.atlas.risks
  std::map<std::string, std::size_t> ev_id_count;
  std::size_t derived_domains = 0;
  std::string first_derived;
  const std::size_t risks_before = report.atlas.risks.size();
  std::size_t sources_added = 0;

  while (reader.next(rec)) {
    Row row{rec.line, {}};
    row.f.reserve(kColumns);
    detail::CleanCounts counts;
    for (const auto& raw : rec.fields) row.f.push_back(detail::clean_text(raw, counts));
    const std::string& ev_id = row.f[kEvId];
    const std::string at = detail::where(name, row.line);
    const std::string at_rec = ev_id.empty() ? at : at + " (record " + ev_id + ")";
    if (counts.any()) warn(report, at_rec, counts.describe());
    if (ev_id.empty()) {
      detail::skip(report, at, "empty Ev_ID");
      continue;
    }
    const std::string& level = row.f[kLevel];
    if (level == "Paper") {
      report.atlas.sources.push_back(model::Source{row.f[kPaperId], row.f[kTitle], row.f[kQuickRef]});
      ++sources_added;
    } else if (level == "Risk Category" || level == "Risk Sub-Category") {
      model::Risk r;
      const std::size_t seen = ++ev_id_count[ev_id];
      r.id = ids.claim(ev_id);
      if (seen > 1 || r.id != ev_id)
        warn(report, at_rec, "duplicate Ev_ID: kept both, this one has id '" + r.id + "'");
      r.ev_id = ev_id;
      r.paper_id = row.f[kPaperId];
      r.source_title = row.f[kTitle];
      r.quickref = row.f[kQuickRef];
      r.level = level;
      r.category = row.f[kCategory];
      r.subcategory = row.f[kSubcategory];
      r.description = row.f[kDescription];
      if (!row.f[kAdditionalEv].empty()) r.evidence.push_back({ev_id, row.f[kAdditionalEv], row.f[kPDef]});
      bool derived = false;
      detail::apply_risk_facets({row.f[kEntity], row.f[kIntent], row.f[kTiming], row.f[kDomain], row.f[kSubdomain]},
                                r, report, at_rec, derived);
      if (derived && derived_domains++ == 0) first_derived = ev_id;
      if (r.category.empty() && r.subcategory.empty())
        warn(report, at_rec, "risk has neither a category nor a subcategory name");
      r.origin = at;
      risks_by_key[{number_key(r.paper_id), number_key(row.f[kCatId]), number_key(row.f[kSubCatId])}].push_back(
          report.atlas.risks.size());
      report.atlas.risks.push_back(std::move(r));
    } else if (level == "Additional evidence") {
      evidence_rows.push_back(std::move(row));
    } else {
      detail::skip(report, at_rec, "unknown 'Category level' '" + level + "'");
    }
  }
  report.stats.skipped += skipped;
  const std::size_t data_rows = reader.records_read() > 0 ? reader.records_read() - 1 : 0;  // minus the header
  report.stats.csv_rows += data_rows;
  if (!reader.status().ok()) return with_path(reader.status());

  // Pass 2: merge the additional evidence, in file order.
  std::size_t merged = 0;
  for (const Row& row : evidence_rows) {
    const std::string at = detail::where(name, row.line);
    const std::string at_rec = at + " (record " + row.f[kEvId] + ")";
    const auto it = risks_by_key.find(
        {number_key(row.f[kPaperId]), number_key(row.f[kCatId]), number_key(row.f[kSubCatId])});
    if (it == risks_by_key.end()) {
      detail::skip(report, at_rec,
                   "additional evidence for a risk that is not in the file (Paper_ID " + row.f[kPaperId] +
                       ", Cat_ID " + row.f[kCatId] + ", SubCat_ID " + row.f[kSubCatId] + ")");
      continue;
    }
    model::Risk& risk = report.atlas.risks[pick_risk(it->second, row, report.atlas)];
    model::Evidence ev{row.f[kEvId], row.f[kAdditionalEv], row.f[kPAddEv].empty() ? row.f[kPDef] : row.f[kPAddEv]};
    if (ev.text.empty()) {
      if (!row.f[kDescription].empty()) {
        ev.text = row.f[kDescription];
        warn(report, at_rec, "repaired: quote found in 'Description' instead of 'Additional ev.'");
      } else {
        warn(report, at_rec, "additional evidence has no quote text: kept with its page reference only");
      }
    }
    risk.evidence.push_back(std::move(ev));
    ++merged;
  }

  if (derived_domains > 0)
    warn(report, name,
         "repaired: " + std::to_string(derived_domains) +
             " risks with an empty Domain were given the domain of their subdomain (first: " + first_derived + ")");

  const std::size_t risks_added = report.atlas.risks.size() - risks_before;
  report.stats.sources += sources_added;
  report.stats.risks += risks_added;
  report.stats.evidence_merged += merged;
  if (data_rows == 0) return Status::InvalidArgument(path + ":" + std::to_string(header_line) + ": header only, no records");
  if (risks_added == 0 && sources_added == 0)
    return Status::InvalidArgument(path + ": no usable rows: every row was skipped");

  auto& versions = report.atlas.versions;
  detail::add_version(report.atlas, "risk_repository_file", name);
  std::size_t previous_rows = 0;
  if (auto it = versions.find("risk_repository_rows"); it != versions.end()) {
    const std::string& v = it->second;
    std::from_chars(v.data(), v.data() + v.size(), previous_rows);
  }
  versions["risk_repository_rows"] = std::to_string(previous_rows + data_rows);
  return Status::OK();
}

}  // namespace riskatlas::load
