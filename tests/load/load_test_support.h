// Helpers for the loader tests: writing small files into a scratch folder, finding diagnostics.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "load/corpus.h"
#include "model/record.h"
#include "test_support.h"

namespace riskatlas::testing {

// Runs one loader (load_atlas_yaml, load_jsonl, ...) on `file` into a fresh report; the test stops,
// naming the error, unless the file loads.
using Loader = Status (*)(const std::filesystem::path&, load::LoadReport&);
inline load::LoadReport load_ok(Loader loader, const std::filesystem::path& file) {
  load::LoadReport report;
  const Status s = loader(file, report);
  INFO(s.to_string());
  REQUIRE(s.ok());
  return report;
}

// Every count of a load: what `want` leaves out is expected to be zero.
inline void check_stats(const load::LoadStats& got, const load::LoadStats& want) {
  CHECK(got.csv_rows == want.csv_rows);
  CHECK(got.sources == want.sources);
  CHECK(got.risks == want.risks);
  CHECK(got.evidence_merged == want.evidence_merged);
  CHECK(got.tactics == want.tactics);
  CHECK(got.techniques == want.techniques);
  CHECK(got.mitigations == want.mitigations);
  CHECK(got.case_studies == want.case_studies);
  CHECK(got.procedure_steps == want.procedure_steps);
  CHECK(got.links == want.links);
  CHECK(got.jsonl_records == want.jsonl_records);
  CHECK(got.synonym_groups == want.synonym_groups);
  CHECK(got.skipped == want.skipped);
}

inline std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                        std::string_view content) {
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return path;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::filesystem::path load_fixture(const std::string& rel) { return test_data("load/" + rel); }

// True when some diagnostic's "where: message" text contains every one of the given pieces.
template <typename... Pieces>
bool has_warning(const Diagnostics& warnings, const Pieces&... pieces) {
  return std::any_of(warnings.begin(), warnings.end(), [&](const Diagnostic& d) {
    const std::string s = d.to_string();
    return ((s.find(pieces) != std::string::npos) && ...);
  });
}

inline const model::Risk* find_risk(const model::Atlas& atlas, const std::string& id) {
  for (const auto& r : atlas.risks)
    if (r.id == id) return &r;
  return nullptr;
}
inline const model::Technique* find_technique(const model::Atlas& atlas, const std::string& id) {
  for (const auto& t : atlas.techniques)
    if (t.id == id) return &t;
  return nullptr;
}
inline const model::Mitigation* find_mitigation(const model::Atlas& atlas, const std::string& id) {
  for (const auto& m : atlas.mitigations)
    if (m.id == id) return &m;
  return nullptr;
}
inline bool has_link(const model::Atlas& atlas, const std::string& risk, const std::string& technique) {
  return std::any_of(atlas.links.begin(), atlas.links.end(),
                     [&](const model::Link& l) { return l.risk_id == risk && l.technique_id == technique; });
}

// The export header of the AI Risk Repository CSV.
inline constexpr std::string_view kRiskHeader =
    "Title,QuickRef,Ev_ID,Paper_ID,Cat_ID,SubCat_ID,AddEv_ID,Category level,Risk category,Risk subcategory,"
    "Description,Additional ev.,P.Def,p.AddEv,Entity,Intent,Timing,Domain,Sub-domain";

}  // namespace riskatlas::testing
