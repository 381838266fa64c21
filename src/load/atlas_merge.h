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

// Warns about the tactics and techniques that techniques[first_technique..], mitigations[first_mitigation..]
// and case_studies[first_case_study..] name but no record loaded so far is; they are kept.
void warn_unknown_references(LoadReport& report, std::size_t first_technique, std::size_t first_mitigation,
                             std::size_t first_case_study);

// Adds `value` to versions[key], joined with ", " when the key already holds another value.
void add_version(model::Atlas& atlas, const std::string& key, const std::string& value);

// Removes links that repeat an earlier (risk, technique) pair; updates stats.links.
void dedupe_links(LoadReport& report);

}  // namespace riskatlas::load::detail
