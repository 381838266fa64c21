// "Did you mean": spelling corrections of a query's plain words from the index's spelling table.
#pragma once

#include <optional>
#include <string>

#include <xapian.h>

#include "search/query_builder.h"

namespace riskatlas::search {

struct Correction {
  std::string text;  // the query with each misspelt word replaced
  bool unasked;      // only plain words changed: answer the corrected query without asking
};

// Each plain word of `parsed` that neither the index nor its vocabulary holds, replaced in `q` by the
// closest spelling; nullopt when nothing changes. Throws Xapian::Error (callers guard index reads).
std::optional<Correction> correct_spelling(const Xapian::Database& db, const std::string& q, const ParsedQuery& parsed);

}  // namespace riskatlas::search
