// Warnings of a load run: where they point and how a skipped record is counted (internal to src/load).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "load/corpus.h"

namespace riskatlas::load::detail {

// "name:line"
std::string where(std::string_view name, std::size_t line);

void warn(LoadReport& report, std::string where, std::string message);
// A skipped record: a warning and one more in stats.skipped.
void skip(LoadReport& report, std::string where, std::string message);

}  // namespace riskatlas::load::detail
