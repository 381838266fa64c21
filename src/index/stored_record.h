// A stored record (document data) holds what is its own. What it shows of the ATLAS records it links
// to (a technique's or tactic's name; a case study's name, kind and date; a mitigation's name,
// categories and lifecycle) and the labels of its facet values are stored once per index, in its
// metadata, and filled back in when the record is read: a risk linked to many techniques was mostly
// copies of them, written and compressed once per risk (bench/NOTES.md).
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace riskatlas::index {

// facet name -> value -> display label, for every value that occurs in the atlas.
using FacetLabels = std::map<std::string, std::map<std::string, std::string>>;

// `linked`: by kind ("technique", "tactic", "mitigation", "case_study"), ATLAS id -> the fields a
// link to that record shows (record_document.h, linked_fields()). Stripping removes from `record`'s
// links and facet values only what equals the shared copy, and filling adds only what is missing, so
// fill_shared(strip_shared(r)) == r, and filling a record stored whole (an index of schema 2 or 3)
// changes nothing, except that a technique stored without its full_title (schema 4 and older) gets it.
void strip_shared(nlohmann::json& record, const nlohmann::json& linked, const FacetLabels& labels);
void fill_shared(nlohmann::json& record, const nlohmann::json& linked, const FacetLabels& labels);

// JSON as the index stores it (records, metadata): compact, with invalid UTF-8 replaced rather than
// thrown on (dirty data reaches the index).
inline std::string stored_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace riskatlas::index
