// load_corpus: every loadable file of a corpus folder, then the extra JSONL files, then the links.
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "load/corpus.h"
#include "load/atlas_merge.h"
#include "load/clean_text.h"
#include "load/warnings.h"

namespace riskatlas::load {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_links_name(const std::string& lower_name) {
  return lower_name == "links.yaml" || lower_name == "links.yml" || lower_name == "links.csv";
}

bool is_synonyms_name(const std::string& lower_name) {
  return lower_name == "synonyms.yaml" || lower_name == "synonyms.yml";
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

// The first of `files` named one of `candidates` (lower-case names, in order of preference; a file's
// name in any case); a warning names each other one found.
std::optional<fs::path> first_found(const std::vector<fs::path>& files, std::initializer_list<const char*> candidates,
                                    LoadReport& report) {
  std::optional<fs::path> first;
  for (const char* candidate : candidates)
    for (const auto& f : files) {
      if (lower(f.filename().string()) != candidate) continue;
      if (!first) {
        first = f;
      } else {
        detail::warn(report, f.filename().string(), "ignored: " + first->filename().string() + " is read instead");
      }
    }
  return first;
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
    const std::string lname = lower(name);
    if (is_links_name(lname) || is_synonyms_name(lname)) {
      vocabulary_files.push_back(entry.path());
      continue;
    }
    const std::string ext = lower(entry.path().extension().string());
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
  for (const auto& f : csv)
    if (Status s = load_risk_repository_csv(f, report); !s.ok()) return s;
  for (const auto& f : yaml)
    if (Status s = load_atlas_yaml(f, report); !s.ok()) return s;
  for (const auto& f : jsonl)
    if (Status s = load_jsonl(f, report); !s.ok()) return s;
  for (const auto& f : options.extra_jsonl)
    if (Status s = load_jsonl(f, report); !s.ok()) return s;
  drop_unknown_technique_links(report);

  const std::optional<fs::path> links =
      options.links_file ? options.links_file : first_found(vocabulary_files, {"links.yaml", "links.yml", "links.csv"}, report);
  if (links) {
    if (Status s = load_links(*links, report); !s.ok()) return s;
  }
  detail::dedupe_links(report);

  const std::optional<fs::path> synonyms =
      options.synonyms_file ? options.synonyms_file : first_found(vocabulary_files, {"synonyms.yaml", "synonyms.yml"}, report);
  if (synonyms) {
    if (Status s = load_synonyms(*synonyms, report); !s.ok()) return s;
  }
  return report;
}

}  // namespace riskatlas::load
