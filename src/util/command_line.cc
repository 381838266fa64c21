#include "util/command_line.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace riskatlas {

bool CommandLine::next() {
  if (index_ + 1 >= argc_) return false;
  flag_ = argv_[++index_];
  return true;
}

std::string CommandLine::value() {
  if (!given_.insert(flag_).second) fail(flag_ + " is given twice");
  return repeatable_value();
}

std::string CommandLine::repeatable_value() {
  if (index_ + 1 >= argc_) fail(flag_ + " needs a value");
  return argv_[++index_];
}

long CommandLine::whole_number(long min, long max) {
  const std::string text = value();
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || n < min || n > max)
    fail(flag_ + " takes a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return n;
}

double CommandLine::number(double min, double max) {
  const std::string text = value();
  char* end = nullptr;
  const double n = std::strtod(text.c_str(), &end);
  // The range check refuses overflow (±HUGE_VAL) and NaN (`!(n >= min)`); errno is not consulted
  // because underflow (1e-320) sets ERANGE on a value that is merely tiny.
  if (text.empty() || *end != '\0' || !(n >= min && n <= max)) {
    std::ostringstream message;
    message << flag_ << " takes a number from " << min << " to " << max;
    fail(message.str());
  }
  return n;
}

void CommandLine::fail(const std::string& message) const {
  fail_(message);
  std::abort();  // `fail_` must not return; this keeps the promise if it does
}

}  // namespace riskatlas
