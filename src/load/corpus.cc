// load_corpus: every loadable file of a corpus folder, then the extra JSONL files, then the links.
#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "load/corpus.h"
#include "load/atlas_merge.h"
#include "load/clean_text.h"
#include "load/warnings.h"
#include "util/text.h"

namespace riskatlas::load {

namespace fs = std::filesystem;

namespace {

// The names a corpus folder's vocabulary files may have, in order of preference (lower case; a
// file's name in any case).
constexpr std::array<std::string_view, 3> kLinksNames{"links.yaml", "links.yml", "links.csv"};
constexpr std::array<std::string_view, 2> kSynonymsNames{"synonyms.yaml", "synonyms.yml"};

bool is_one_of(std::string_view lower_name, std::span<const std::string_view> names) {
  return std::find(names.begin(), names.end(), lower_name) != names.end();
}

// Drops links (from JSONL records) whose technique is not in the atlas.
void drop_unknown_technique_links(LoadReport& report) {
  std::unordered_set<std::string> techniques;
  for (const auto& t : report.atlas.techniques) techniques.insert(t.id);
  auto& links = report.atlas.links;
  std::vector<model::Link> kept;
  kept.reserve(links.size());
  for (auto& l : links) {
    if (techniques.count(l.technique_id)) {
      kept.push_back(std::move(l));
    } else {
      detail::warn(report, l.origin + " (record " + l.risk_id + ")",
                   "unknown technique '" + l.technique_id + "': link dropped");
    }
  }
  links = std::move(kept);
}

// The first of `files` named one of `candidates` (kLinksNames, kSynonymsNames); a warning names each
// other one found.
std::optional<fs::path> first_found(const std::vector<fs::path>& files, std::span<const std::string_view> candidates,
                                    LoadReport& report) {
  std::optional<fs::path> first;
  for (const std::string_view candidate : candidates)
    for (const auto& f : files) {
      if (text::ascii_lowered(f.filename().string()) != candidate) continue;
      if (!first) {
        first = f;
      } else {
        detail::warn(report, f.filename().string(), "ignored: " + first->filename().string() + " is read instead");
      }
    }
  return first;
}

// How many records of each kind the atlas holds: a file's records are those past the counts taken
// before it was loaded.
struct RecordCounts {
  std::size_t risks, techniques, mitigations, tactics, case_studies;
  explicit RecordCounts(const model::Atlas& a)
      : risks(a.risks.size()), techniques(a.techniques.size()), mitigations(a.mitigations.size()),
        tactics(a.tactics.size()), case_studies(a.case_studies.size()) {}
  std::size_t total() const { return risks + techniques + mitigations + tactics + case_studies; }
};

// A file whose entries were mostly skipped is the wrong file (another export given as --extra) or
// one whose format changed (renamed keys); publishing what little it gave would silently lose the
// rest. Refused when it skipped 10 or more entries and more than it kept.
Status refuse_mostly_skipped(const fs::path& file, std::size_t kept, std::size_t skipped) {
  if (skipped < 10 || skipped <= kept) return Status::OK();
  return Status::InvalidArgument(file.string() + ": " + std::to_string(skipped) + " entries skipped and " +
                                 std::to_string(kept) +
                                 " kept (the warnings say why): is it the right file, in the format expected?");
}

// A second copy of an export in the folder (an old download beside the new one) loads every record
// again under "<id>-2": refused, since which copy is current cannot be told. A file counts as one
// when most of its records (and at least 10) repeat the ids of files loaded before it.
Status refuse_second_copy(const fs::path& file, const model::Atlas& atlas, const RecordCounts& before) {
  std::unordered_set<std::string_view> earlier;
  std::vector<std::string_view> added;
  const auto split = [&](const auto& records, std::size_t first) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (i < first) earlier.insert(records[i].id);
      else added.push_back(records[i].id);
    }
  };
  split(atlas.risks, before.risks);
  split(atlas.techniques, before.techniques);
  split(atlas.mitigations, before.mitigations);
  split(atlas.tactics, before.tactics);
  split(atlas.case_studies, before.case_studies);
  if (earlier.empty()) return Status::OK();
  const auto repeats = std::count_if(added.begin(), added.end(), [&](std::string_view id) {
    const std::size_t dash = id.rfind('-');
    return dash != std::string_view::npos && dash + 1 < id.size() &&
           std::all_of(id.begin() + dash + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           earlier.count(id.substr(0, dash)) != 0;
  });
  if (repeats < 10 || static_cast<std::size_t>(repeats) * 2 <= added.size()) return Status::OK();
  return Status::InvalidArgument(file.string() + ": " + std::to_string(repeats) + " of its " +
                                 std::to_string(added.size()) +
                                 " records repeat the ids of a file loaded before it: a second copy of an export? "
                                 "Keep one copy of each export in the folder");
}

}  // namespace

Result<LoadReport> load_corpus(const CorpusOptions& options) {
  const fs::path& dir = options.corpus_dir;
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (!fs::exists(st)) return Status::NotFound(dir.string() + ": corpus folder not found");
  if (!fs::is_directory(st)) return Status::InvalidArgument(dir.string() + ": not a folder");

  std::vector<fs::path> csv, yaml, jsonl;
  std::vector<fs::path> vocabulary_files;  // links and synonyms files
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::IOError(dir.string() + ": cannot list: " + ec.message());
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.front() == '.') continue;  // hidden files, editor backups
    const std::string lname = text::ascii_lowered(name);
    if (is_one_of(lname, kLinksNames) || is_one_of(lname, kSynonymsNames)) {
      vocabulary_files.push_back(entry.path());
      continue;
    }
    const std::string ext = text::ascii_lowered(entry.path().extension().string());
    if (ext == ".csv") csv.push_back(entry.path());
    else if (ext == ".yaml" || ext == ".yml") yaml.push_back(entry.path());
    else if (ext == ".jsonl") jsonl.push_back(entry.path());
  }
  if (csv.empty() && yaml.empty() && jsonl.empty())
    return Status::InvalidArgument(dir.string() + ": no corpus files (*.csv, *.yaml, *.yml, *.jsonl) in the folder");
  const auto by_name = [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); };
  std::sort(csv.begin(), csv.end(), by_name);
  std::sort(yaml.begin(), yaml.end(), by_name);
  std::sort(jsonl.begin(), jsonl.end(), by_name);
  std::sort(vocabulary_files.begin(), vocabulary_files.end(), by_name);

  LoadReport report;
  const auto load = [&](const fs::path& f, Status (*loader)(const fs::path&, LoadReport&)) {
    const RecordCounts before(report.atlas);
    const LoadStats stats_before = report.stats;
    if (Status s = loader(f, report); !s.ok()) return s;
    // Paper rows and additional evidence of the export are kept too, though not as records.
    const std::size_t kept = RecordCounts(report.atlas).total() - before.total() +
                             (report.stats.sources - stats_before.sources) +
                             (report.stats.evidence_merged - stats_before.evidence_merged);
    if (Status s = refuse_mostly_skipped(f, kept, report.stats.skipped - stats_before.skipped); !s.ok()) return s;
    return refuse_second_copy(f, report.atlas, before);
  };
  for (const auto& f : csv)
    if (Status s = load(f, load_risk_repository_csv); !s.ok()) return s;
  for (const auto& f : yaml)
    if (Status s = load(f, load_atlas_yaml); !s.ok()) return s;
  for (const auto& f : jsonl)
    if (Status s = load(f, load_jsonl); !s.ok()) return s;
  for (const auto& f : options.extra_jsonl)
    if (Status s = load(f, load_jsonl); !s.ok()) return s;
  drop_unknown_technique_links(report);

  const std::optional<fs::path> links =
      options.links_file ? options.links_file : first_found(vocabulary_files, kLinksNames, report);
  if (links) {
    const std::size_t links_before = report.atlas.links.size(), skipped_before = report.stats.skipped;
    if (Status s = load_links(*links, report); !s.ok()) return s;
    if (Status s = refuse_mostly_skipped(*links, report.atlas.links.size() - links_before,
                                         report.stats.skipped - skipped_before);
        !s.ok())
      return s;
  }
  detail::dedupe_links(report);

  const std::optional<fs::path> synonyms =
      options.synonyms_file ? options.synonyms_file : first_found(vocabulary_files, kSynonymsNames, report);
  if (synonyms) {
    if (Status s = load_synonyms(*synonyms, report); !s.ok()) return s;
  }
  return report;
}

}  // namespace riskatlas::load
