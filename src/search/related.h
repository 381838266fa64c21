// Related records by Xapian relevance feedback: the terms that best tell a record apart (an ESet over
// the record itself) searched as one query. Serves "Related risks" (risks of other source papers that
// describe the same risk) and the ordering of a record's linked techniques and mitigations by how
// much of its text they share.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "search/request.h"

namespace riskatlas::search {

// Terms of the expansion query: more than a few, so paraphrases of one risk still overlap.
inline constexpr Xapian::termcount kRelatedTerms = 25;
// Tying words shown per related record.
inline constexpr std::size_t kTyingWords = 5;
// Related risks weigh at least this share of the most related one.
inline constexpr double kRelatedFloor = 0.3;

// REQUIRES: `record` is the stored JSON of document `doc` of `db`.
RelatedRecords find_related(Xapian::Database& db, Xapian::docid doc, const nlohmann::json& record,
                            std::size_t limit);

}  // namespace riskatlas::search
