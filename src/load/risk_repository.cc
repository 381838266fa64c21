// load_risk_repository_csv: the AI Risk Repository CSV export.
//
// Row kinds ('Category level'): 'Paper' -> model::Source; 'Risk Category' / 'Risk Sub-Category' ->
// model::Risk; 'Additional evidence' -> merged into the risk with the same (Paper_ID, Cat_ID,
// SubCat_ID). Anything else is skipped with a warning.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
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

Key key_of(const Row& row) {
  return {number_key(row.f[kPaperId]), number_key(row.f[kCatId]), number_key(row.f[kSubCatId])};
}

// One export file read into the atlas: the header is checked, then pass 1 reads every row (sources
// and risks in file order, additional evidence set aside), pass 2 merges the additional evidence into
// its risks, and finish() records the counts and refuses a file that gave nothing.
class RepositoryReader {
 public:
  // `csv` counts the rows it skips into `skipped`.
  RepositoryReader(const std::filesystem::path& file, CsvReader csv, std::size_t& skipped, LoadReport& report)
      : source_(file, "an AI Risk Repository export"), report_(report), skipped_(skipped), csv_(std::move(csv)) {}

  // The first record must be the export's header.
  Status read_header() {
    if (!csv_.next(rec_)) {
      if (!csv_.status().ok()) return csv_.status();
      return Status::InvalidArgument(source_.path + ": empty file, expected an AI Risk Repository export");
    }
    bool header_ok = rec_.fields.size() == kColumns;
    for (std::size_t i = 0; header_ok && i < kColumns; ++i) header_ok = detail::trim(rec_.fields[i]) == kHeader[i];
    if (!header_ok) {
      std::string found;
      for (const auto& f : rec_.fields) found += (found.empty() ? "" : ",") + f;
      found = utf8::clean(found).text;  // the message may end up in JSON: keep it valid UTF-8
      if (found.size() > 120) found = std::string(utf8::truncate(found, 120)) + "...";
      return source_.not_expected(rec_.line, "expected header " + header_text() + " (found: " + found + ")");
    }
    csv_.set_expected_columns(kColumns);
    header_line_ = rec_.line;
    return Status::OK();
  }

  // Pass 1: reads and cleans every row; sources and risks are created in file order.
  Status read_rows() {
    risks_before_ = report_.atlas.risks.size();
    while (csv_.next(rec_)) read_row();
    report_.stats.skipped += skipped_;
    data_rows_ = csv_.records_read() > 0 ? csv_.records_read() - 1 : 0;  // minus the header
    report_.stats.csv_rows += data_rows_;
    return csv_.status();
  }

  // Pass 2: merges the additional evidence, in file order.
  void merge_additional_evidence() {
    for (const Row& row : evidence_rows_) merge_evidence(row);
  }

  // Counts, the one summary warning, versions; InvalidArgument when the file gave no records.
  Status finish() {
    take_paper_quickrefs();
    if (derived_domains_ > 0)
      detail::warn(report_, source_.name,
                   "repaired: " + std::to_string(derived_domains_) +
                       " risks with an empty Domain were given the domain of their subdomain (first: " +
                       first_derived_ + ")");
    const std::size_t risks_added = report_.atlas.risks.size() - risks_before_;
    report_.stats.sources += sources_added_;
    report_.stats.risks += risks_added;
    report_.stats.evidence_merged += merged_;
    if (data_rows_ == 0)
      return Status::InvalidArgument(source_.path + ":" + std::to_string(header_line_) + ": header only, no records");
    if (risks_added == 0 && sources_added_ == 0)
      return Status::InvalidArgument(source_.path + ": no usable rows: every row was skipped");
    record_version();
    return Status::OK();
  }

 private:
  void read_row() {
    Row row{rec_.line, {}};
    row.f.reserve(kColumns);
    detail::CleanCounts counts;
    for (const auto& raw : rec_.fields) row.f.push_back(detail::clean_text(raw, counts));
    const std::string& ev_id = row.f[kEvId];
    const std::string at = detail::where(source_.name, row.line);
    const std::string at_rec = ev_id.empty() ? at : at + " (record " + ev_id + ")";
    if (counts.any()) warn(report_, at_rec, counts.describe());
    // A row of empty cells (a spreadsheet saves formatted rows below the data so) is a blank line.
    if (std::all_of(row.f.begin(), row.f.end(), [](const std::string& f) { return f.empty(); })) return;
    if (ev_id.empty()) {
      detail::skip(report_, at, "empty Ev_ID");
      return;
    }
    const std::string& level = row.f[kLevel];
    if (level == "Paper") {
      report_.atlas.sources.push_back(model::Source{row.f[kPaperId], row.f[kTitle], row.f[kQuickRef]});
      ++sources_added_;
    } else if (level == "Risk Category" || level == "Risk Sub-Category") {
      add_risk(row, at, at_rec);
    } else if (level == "Additional evidence") {
      evidence_rows_.push_back(std::move(row));
    } else {
      detail::skip(report_, at_rec, "unknown 'Category level' '" + level + "'");
    }
  }

  void add_risk(const Row& row, const std::string& at, const std::string& at_rec) {
    const std::string& ev_id = row.f[kEvId];
    if (!detail::is_url_safe_id(ev_id)) {
      detail::skip(report_, at_rec, "Ev_ID '" + ev_id.substr(0, 64) + "' must be " + detail::kIdRule);
      return;
    }
    model::Risk r;
    const std::size_t seen = ++ev_id_count_[ev_id];
    r.id = ids_.claim(ev_id);
    if (seen > 1 || r.id != ev_id) warn(report_, at_rec, "duplicate Ev_ID: kept both, this one has id '" + r.id + "'");
    r.ev_id = ev_id;
    r.paper_id = row.f[kPaperId];
    r.source_title = row.f[kTitle];
    r.quickref = row.f[kQuickRef];
    r.level = row.f[kLevel];
    r.category = row.f[kCategory];
    r.subcategory = row.f[kSubcategory];
    r.description = row.f[kDescription];
    if (!row.f[kAdditionalEv].empty()) r.evidence.push_back({ev_id, row.f[kAdditionalEv], row.f[kPDef]});
    bool derived = false;
    detail::apply_risk_facets({row.f[kEntity], row.f[kIntent], row.f[kTiming], row.f[kDomain], row.f[kSubdomain]}, r,
                              report_, at_rec, derived);
    if (derived && derived_domains_++ == 0) first_derived_ = ev_id;
    if (r.category.empty() && r.subcategory.empty())
      warn(report_, at_rec, "risk has neither a category nor a subcategory name");
    r.origin = at;
    risks_by_key_[key_of(row)].push_back(report_.atlas.risks.size());
    report_.atlas.risks.push_back(std::move(r));
  }

  void merge_evidence(const Row& row) {
    const std::string at_rec = detail::where(source_.name, row.line) + " (record " + row.f[kEvId] + ")";
    const auto it = risks_by_key_.find(key_of(row));
    if (it == risks_by_key_.end()) {
      detail::skip(report_, at_rec,
                   "additional evidence for a risk that is not in the file (Paper_ID " + row.f[kPaperId] +
                       ", Cat_ID " + row.f[kCatId] + ", SubCat_ID " + row.f[kSubCatId] + ")");
      return;
    }
    model::Risk& risk = report_.atlas.risks[pick_risk(it->second, row, report_.atlas)];
    model::Evidence ev{row.f[kEvId], row.f[kAdditionalEv], row.f[kPAddEv].empty() ? row.f[kPDef] : row.f[kPAddEv]};
    if (ev.text.empty()) {
      if (!row.f[kDescription].empty()) {
        ev.text = row.f[kDescription];
        warn(report_, at_rec, "repaired: quote found in 'Description' instead of 'Additional ev.'");
      } else {
        warn(report_, at_rec, "additional evidence has no quote text: kept with its page reference only");
      }
    }
    risk.evidence.push_back(std::move(ev));
    ++merged_;
  }

  // The file name, and the data rows summed over every export file loaded.
  // A risk row whose QuickRef is not its paper row's (the published export has one G'sell2025 among
  // the G'sell2024 rows of Paper_ID 47) would make its paper two sources: the source facet, the
  // citation and the related records' same-paper rule all go by QuickRef.
  void take_paper_quickrefs() {
    const auto& sources = report_.atlas.sources;
    std::unordered_map<std::string_view, std::string_view> quickref_of;  // Paper_ID -> its Paper row's QuickRef
    for (std::size_t i = sources.size() - sources_added_; i < sources.size(); ++i)
      if (!sources[i].paper_id.empty() && !sources[i].quickref.empty())
        quickref_of.emplace(sources[i].paper_id, sources[i].quickref);
    auto& risks = report_.atlas.risks;
    for (std::size_t i = risks_before_; i < risks.size(); ++i) {
      model::Risk& r = risks[i];
      const auto it = quickref_of.find(r.paper_id);
      if (it == quickref_of.end() || it->second == r.quickref) continue;
      warn(report_, r.origin + " (record " + r.ev_id + ")",
           "repaired: QuickRef '" + r.quickref + "' is not its paper's: took '" + std::string(it->second) +
               "' of Paper_ID " + r.paper_id);
      r.quickref = it->second;
    }
  }

  void record_version() {
    auto& versions = report_.atlas.versions;
    detail::add_version(report_.atlas, "risk_repository_file", source_.name);
    std::size_t previous_rows = 0;
    if (auto it = versions.find("risk_repository_rows"); it != versions.end()) {
      const std::string& v = it->second;
      std::from_chars(v.data(), v.data() + v.size(), previous_rows);
    }
    versions["risk_repository_rows"] = std::to_string(previous_rows + data_rows_);
  }

  const detail::SourceFile source_;
  LoadReport& report_;
  std::size_t& skipped_;  // rows the CSV reader skipped
  CsvReader csv_;
  CsvRecord rec_;
  std::size_t header_line_ = 0;
  std::size_t data_rows_ = 0;
  std::size_t risks_before_ = 0;
  detail::IdRegistry ids_{report_.atlas};
  std::map<Key, std::vector<std::size_t>> risks_by_key_;  // -> indices into report_.atlas.risks
  std::map<std::string, std::size_t> ev_id_count_;
  std::vector<Row> evidence_rows_;
  std::size_t sources_added_ = 0;
  std::size_t merged_ = 0;
  std::size_t derived_domains_ = 0;
  std::string first_derived_;
};

}  // namespace

Status load_risk_repository_csv(const std::filesystem::path& file, LoadReport& report) {
  // Read in chunks: an export grows with its records. Only the additional evidence waits in memory
  // for its risk, and the atlas itself.
  std::size_t skipped = 0;
  auto csv = CsvReader::open(file, report.warnings, skipped);
  if (!csv.ok()) return csv.status();
  RepositoryReader reader(file, std::move(csv.value()), skipped, report);
  if (Status s = reader.read_header(); !s.ok()) return s;
  if (Status s = reader.read_rows(); !s.ok()) return s;
  reader.merge_additional_evidence();
  return reader.finish();
}

}  // namespace riskatlas::load
