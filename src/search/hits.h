// One page's hits: a matched document's stored record made into a Hit, with its snippet and, when
// asked, which words matched it and what each weighs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "search/query_builder.h"
#include "search/request.h"

namespace riskatlas::search {

// A document's packed hit summary (index/hit_summary.h) from its value slot, a few hundred bytes where
// the stored record may list thousands of linked records; from an older index, packed again from the
// summary it stored there (index::repack_hit_summary) or from the stored record. Empty when none of
// them reads; damaged bytes of the present form are returned as they are, for
// index::unpack_hit_summary to refuse.
std::string read_hit_summary(const Xapian::Document& doc);

// The hit of a matched document; nullopt when its stored record cannot be read. In a relaxed match
// the score shown is the BM25 part, apart from the bonus for the words held.
std::optional<Hit> make_hit(const Xapian::MSetIterator& match, bool relaxed, const HighlightTerms& highlight,
                            analysis::Analyzer& analyzer);

// Each matched word of `match` with the field of the record that holds it and the weight it adds
// alone, heaviest first. Costs one match per word. Throws Xapian::Error.
std::vector<TermExplanation> explain_match(const Xapian::Database& db, const Xapian::Enquire& enquire,
                                           const Xapian::MSetIterator& match, const std::string& id);

}  // namespace riskatlas::search
