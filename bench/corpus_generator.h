// A scaled corpus grown from a source corpus, for benchmarks: N risk records in our JSON Lines format
// whose text recombines the source's sentences and words, and seeded query sets over them.
//
// Deterministic: the same source, seed and N give byte-identical files (our own PRNG, no
// std::*_distribution, whose output differs between standard libraries).
//
// What is kept realistic, and how:
//  * term frequencies: text is made of the source's own sentences (some spliced at a word), so words
//    keep their Zipf-like frequencies and their neighbours;
//  * a vocabulary that keeps growing with N: a small share of words become a new form of themselves
//    (the word plus a syllable suffix drawn from a heavy-tailed distribution), so new words keep
//    appearing at a falling rate, as in Heaps' law;
//  * facets in the source's joint proportions: each record takes the whole facet tuple, source paper and
//    linked techniques of one source risk; lifecycle and category follow from those techniques'
//    mitigations, as they do for the real records.
//
// The output folder holds `risks.jsonl`, copies of the source's ATLAS YAML (techniques, mitigations
// and case studies, so the links resolve) and synonyms file, and `queries/`: `search.txt` (500
// search-box queries of 1-3 words from the source's titles, half with 1-2 facet filters), `prefix.txt`
// (200 typing prefixes) and `browse.txt` (100 filtered browses), one request path per line, as the
// HTTP API takes them (`/api/search?q=...&domain=2`, `/api/suggest?q=...`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "util/status.h"

namespace riskatlas::bench {

struct GenerateOptions {
  std::filesystem::path source;                       // a corpus folder (load_corpus)
  std::optional<std::filesystem::path> links;         // as riskatlas-index --links
  std::optional<std::filesystem::path> synonyms;      // as riskatlas-index --synonyms
  std::filesystem::path out;                          // created; must not hold a corpus already
  std::uint64_t seed = 1;
  std::size_t records = 10000;
  std::size_t search_queries = 500;
  std::size_t prefix_queries = 200;
  std::size_t browse_queries = 100;
};

struct GenerateSummary {
  std::size_t records = 0;
  std::size_t source_risks = 0;
  std::size_t bytes = 0;  // of risks.jsonl
};

Result<GenerateSummary> generate_corpus(const GenerateOptions& options);

}  // namespace riskatlas::bench
