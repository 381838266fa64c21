// The option walk shared by riskatlas-index and riskatlas-serve.
#pragma once

#include <set>
#include <string>

namespace riskatlas {

// Steps through argv one flag at a time. Every misuse (a missing value, a number out of range)
// is reported through `fail`, which must not return: the tools print it and exit with their usage code.
class CommandLine {
 public:
  using Fail = void (*)(const std::string& message);

  CommandLine(int argc, char** argv, Fail fail) : argc_(argc), argv_(argv), fail_(fail) {}

  // Moves to the next flag; false once every argument has been read.
  bool next();
  const std::string& flag() const { return flag_; }
  bool is(const char* name) const { return flag_ == name; }

  // The argument after the current flag. A flag given twice is an error: which of two --corpus
  // folders was meant cannot be guessed.
  std::string value();
  // The argument after a flag that may be given more than once (each value adds to a list).
  std::string repeatable_value();
  // The value as a whole number in [min, max].
  long whole_number(long min, long max);
  // The value as a number in [min, max].
  double number(double min, double max);

 private:
  [[noreturn]] void fail(const std::string& message) const;

  int argc_;
  char** argv_;
  Fail fail_;
  int index_ = 0;
  std::string flag_;
  std::set<std::string> given_;  // flags whose value() was read
};

}  // namespace riskatlas
