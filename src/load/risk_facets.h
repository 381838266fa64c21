// The facet fields of a risk from the spellings of an export or a JSON Lines record (internal to
// src/load).
#pragma once

#include <string>

#include "load/corpus.h"
#include "model/record.h"

namespace riskatlas::load::detail {

// The raw facet spellings of a risk, as found in the export or a JSONL record.
struct RawFacets {
  std::string entity, intent, timing, domain, subdomain;
};

// Sets risk.entity/intent/timing/domain/subdomain/subdomain_label from export spellings or stable
// values. Empty stays ""; an unknown spelling is kept slugged, with a warning. When the domain is
// empty and a subdomain is given, the domain is that of the subdomain and `domain_derived` is set.
void apply_risk_facets(const RawFacets& raw, model::Risk& risk, LoadReport& report, const std::string& where,
                       bool& domain_derived);

}  // namespace riskatlas::load::detail
