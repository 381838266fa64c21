#include "load/warnings.h"

#include <utility>

namespace riskatlas::load::detail {

std::string where(std::string_view name, std::size_t line) {
  return std::string(name) + ":" + std::to_string(line);
}

void warn(LoadReport& report, std::string where, std::string message) {
  report.warnings.push_back(Diagnostic{std::move(where), std::move(message)});
}

void skip(LoadReport& report, std::string where, std::string message) {
  ++report.stats.skipped;
  warn(report, std::move(where), "skipped: " + std::move(message));
}

}  // namespace riskatlas::load::detail
