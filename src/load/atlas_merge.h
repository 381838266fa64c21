// Steps that make the records of several files one consistent Atlas (internal to src/load).
#pragma once

#include <cstddef>
#include <string>

#include "load/corpus.h"
#include "model/record.h"

namespace riskatlas::load::detail {

// A sub-technique (parent set) listing no tactics gets its parent's, for techniques[first..].
// Warns when a parent is not found.
void inherit_parent_tactics(model::Atlas& atlas, std::size_t first, LoadReport& report);

// Adds `value` to versions[key], joined with ", " when the key already holds another value.
void add_version(model::Atlas& atlas, const std::string& key, const std::string& value);

// Removes links that repeat an earlier (risk, technique) pair; updates stats.links.
void dedupe_links(LoadReport& report);

}  // namespace riskatlas::load::detail
