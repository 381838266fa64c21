// Turns the records of an Atlas into Xapian documents: weighted, positional text terms; stemmed
// terms; field-scoped terms; one boolean filter term and one value slot per facet; a unique id term;
// and the record as JSON for display (document data, its shared fields stripped: stored_record.h).
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "index/stored_record.h"
#include "model/link_graph.h"
#include "model/record.h"
#include "util/diagnostic.h"

namespace riskatlas::index {

// The label of every facet value that occurs in the atlas (FacetLabels: stored_record.h).
FacetLabels collect_labels(const model::Atlas& atlas);

// Facet values of one record, by facet name.
using FacetValues = std::map<std::string, std::vector<std::string>>;
// A risk's facet values as indexed (also what the corpus generator samples, whole, per record).
FacetValues risk_facets(const model::Atlas& atlas, const model::LinkGraph& graph, std::size_t risk);

struct BuiltDocument {
  std::string id;
  model::RecordType type;
  Xapian::Document document;
  std::vector<std::string> spelling_words;  // words worth suggesting for "did you mean"
};

// Records are built in one order: risks, then techniques, then mitigations, then case studies. A
// record's ordinal is its place in it (from 0 to record_count() - 1).
std::size_t record_count(const model::Atlas& atlas);
struct RecordAt {
  model::RecordType type;
  std::size_t index;  // in the Atlas vector of that type
};
RecordAt record_at(const model::Atlas& atlas, std::size_t ordinal);
const std::string& record_id(const model::Atlas& atlas, std::size_t ordinal);

// Whether a record with this id can be indexed at all (not empty, within Xapian's term limit).
bool indexable_id(std::string_view id);

// The records build_documents() builds: the ordinals in [begin, end) that `skip` does not mark.
struct RecordSelection {
  std::size_t begin = 0;
  std::size_t end = std::numeric_limits<std::size_t>::max();
  const std::vector<bool>* skip = nullptr;  // by ordinal; none skipped when null
};

// Builds the selected records' documents in order and hands each to `sink`; `linked` is
// linked_fields(atlas, graph, labels), the fields the stored records leave out. A record whose id cannot
// be indexed is skipped with a Diagnostic, and a facet value over Xapian's term limit is dropped with
// one, so neither reaches Xapian nor costs other records.
void build_documents(const model::Atlas& atlas, const model::LinkGraph& graph, const FacetLabels& labels,
                     const nlohmann::json& linked, analysis::Analyzer& analyzer, Diagnostics& warnings,
                     const std::function<void(BuiltDocument&&)>& sink, const RecordSelection& selection = {});

// A record's JSON as shown, before strip_shared() (exposed for tests).
nlohmann::json risk_json(const model::Atlas& atlas, const model::LinkGraph& graph, const FacetLabels& labels,
                         std::size_t risk);
nlohmann::json technique_json(const model::Atlas& atlas, const model::LinkGraph& graph, const FacetLabels& labels,
                              std::size_t technique);
nlohmann::json mitigation_json(const model::Atlas& atlas, const model::LinkGraph& graph,
                               const FacetLabels& labels, std::size_t mitigation);
nlohmann::json case_study_json(const model::Atlas& atlas, const model::LinkGraph& graph,
                               const FacetLabels& labels, std::size_t case_study);

// What a link to each ATLAS record shows of it, by kind and id (index/stored_record.h): stored
// once, as metadata, rather than in every record linking to it.
nlohmann::json linked_fields(const model::Atlas& atlas, const model::LinkGraph& graph, const FacetLabels& labels);

// The name technique `t` is searched and listed by (hits, suggestions, links from other records): a
// sub-technique's after its parent's name, as ATLAS writes it and people search for it ("LLM Prompt
// Injection: Indirect"). Its own record's title, and its parent's list of sub-techniques, keep its
// own name.
std::string technique_full_name(const model::Atlas& atlas, const model::LinkGraph& graph, std::size_t t);

// Formatted text as JSON for the UI to build with DOM calls: an array of nodes
// {"type": "paragraph" | "heading" | "list" | "item" | "quote" | "code_block" | "rule" | "text" | "code" |
// "emphasis" | "strong" | "link" | "citation" | "line_break", "children": [...], "text", "url",
// "number" (citation), "level" (heading), "start" (list: 0 for bullets)}.
nlohmann::json rich_json(const model::RichText& text);

// The natural sort key of an id: digit runs zero-padded so "AML.T2" sorts before "AML.T10".
std::string natural_sort_key(std::string_view id);

}  // namespace riskatlas::index
