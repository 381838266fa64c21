// Loading a corpus: the AI Risk Repository CSV export, the ATLAS YAML distribution, our JSON Lines
// records and the links file, into one model::Atlas.
//
// Contract: a file that cannot be used at all (missing, unreadable, not a regular file, a CSV without
// the export header, a YAML that is not ATLAS, a syntax error that loses the document) is a fatal
// error: the Status message names the file and line. A bad *record* is skipped with a Diagnostic that
// names it and says why; one bad record never aborts the load. A field that is partly wrong is
// repaired where the intent is clear, with a Diagnostic.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/record.h"
#include "util/diagnostic.h"
#include "util/status.h"

namespace riskatlas::load {

// Counts reported in the indexer's summary and stored as index metadata.
struct LoadStats {
  std::size_t csv_rows = 0;            // data rows read from the CSV (excluding the header)
  std::size_t sources = 0;             // 'Paper' rows
  std::size_t risks = 0;               // 'Risk Category' + 'Risk Sub-Category' rows kept, plus JSONL risks
  std::size_t evidence_merged = 0;     // 'Additional evidence' rows merged into a risk
  std::size_t tactics = 0;
  std::size_t techniques = 0;
  std::size_t mitigations = 0;
  std::size_t case_studies = 0;
  std::size_t procedure_steps = 0;     // steps of all case studies
  std::size_t links = 0;               // risk -> technique links after resolution
  std::size_t jsonl_records = 0;
  std::size_t synonym_groups = 0;      // groups of the synonyms file
  std::size_t skipped = 0;             // records skipped (each has a Diagnostic)
};

struct LoadReport {
  model::Atlas atlas;
  LoadStats stats;
  Diagnostics warnings;
};

// Each appends to `report`; returns non-OK only for a fatal error (then `report` may hold part of
// that file's records and must be discarded by the caller).
Status load_risk_repository_csv(const std::filesystem::path& file, LoadReport& report);
Status load_atlas_yaml(const std::filesystem::path& file, LoadReport& report);
Status load_jsonl(const std::filesystem::path& file, LoadReport& report);
// Resolves the file's selectors against the risks already loaded; call after the records are in.
Status load_links(const std::filesystem::path& file, LoadReport& report);
// The search vocabulary (synonyms.yaml) into atlas.synonyms. A malformed group is skipped with a
// Diagnostic; an expression already in another group is dropped from the later one.
Status load_synonyms(const std::filesystem::path& file, LoadReport& report);

struct CorpusOptions {
  std::filesystem::path corpus_dir;                  // *.csv, *.yaml/*.yml, *.jsonl, links.{yaml,yml,csv}, synonyms.{yaml,yml}
                                                     // (those two names in any case)
  std::vector<std::filesystem::path> extra_jsonl;    // --extra files
  std::optional<std::filesystem::path> links_file;   // --links; else corpus_dir/links.{yaml,yml,csv} if present
  std::optional<std::filesystem::path> synonyms_file;  // --synonyms; else corpus_dir/synonyms.{yaml,yml} if present
};

// Loads a whole corpus folder. Fatal if the folder is missing or holds no loadable file.
Result<LoadReport> load_corpus(const CorpusOptions& options);

}  // namespace riskatlas::load
