// A warning about input that was repaired or skipped. The library returns these; the indexer and
// the server decide how to print them.
#pragma once

#include <string>
#include <vector>

namespace riskatlas {

struct Diagnostic {
  std::string where;    // "file:line" or "file:line (record 01.02.00)"
  std::string message;  // what is wrong and what was done about it ("skipped: ...", "repaired: ...")
  std::string to_string() const { return where.empty() ? message : where + ": " + message; }
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace riskatlas
