#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "util/command_line.h"

using riskatlas::CommandLine;

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void throw_usage(const std::string& message) { throw UsageError(message); }

// argv as main() gets it, program name first.
struct Argv {
  explicit Argv(std::vector<std::string> args) : strings(std::move(args)) {
    strings.insert(strings.begin(), "tool");
    for (auto& s : strings) pointers.push_back(s.data());
  }
  int argc() const { return static_cast<int>(pointers.size()); }
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};

}  // namespace

TEST_CASE("CommandLine walks flags and their values", "[util]") {
  Argv argv({"--index", "root", "--force", "--keep", "3"});
  CommandLine args(argv.argc(), argv.pointers.data(), throw_usage);
  REQUIRE(args.next());
  CHECK(args.is("--index"));
  CHECK(args.value() == "root");
  REQUIRE(args.next());
  CHECK(args.flag() == "--force");
  REQUIRE(args.next());
  CHECK(args.whole_number(1, 100) == 3);
  CHECK_FALSE(args.next());
}

TEST_CASE("CommandLine reports a missing value", "[util]") {
  Argv argv({"--index"});
  CommandLine args(argv.argc(), argv.pointers.data(), throw_usage);
  REQUIRE(args.next());
  CHECK_THROWS_WITH(args.value(), "--index needs a value");
}

TEST_CASE("CommandLine refuses numbers that are malformed or out of range", "[util]") {
  for (const char* bad : {"", "0", "101", "3x", "1e2", "99999999999999999999"}) {
    Argv argv({"--keep", bad});
    CommandLine args(argv.argc(), argv.pointers.data(), throw_usage);
    REQUIRE(args.next());
    CHECK_THROWS_WITH(args.whole_number(1, 100), "--keep takes a whole number from 1 to 100");
  }
  for (const char* bad : {"", "-0.1", "1.5", "nan", "inf", "1e400", "0.5x"}) {
    Argv argv({"--min-ratio", bad});
    CommandLine args(argv.argc(), argv.pointers.data(), throw_usage);
    REQUIRE(args.next());
    CHECK_THROWS_WITH(args.number(0.0, 1.0), "--min-ratio takes a number from 0 to 1");
  }
  Argv argv({"--min-ratio", "0.25"});
  CommandLine args(argv.argc(), argv.pointers.data(), throw_usage);
  REQUIRE(args.next());
  CHECK(args.number(0.0, 1.0) == 0.25);
  Argv tiny({"--min-ratio", "1e-320"});  // underflows to a denormal: tiny, but in range
  CommandLine tiny_args(tiny.argc(), tiny.pointers.data(), throw_usage);
  REQUIRE(tiny_args.next());
  CHECK(tiny_args.number(0.0, 1.0) < 1e-300);
}

TEST_CASE("CommandLine refuses a flag given twice unless it adds to a list", "[util]") {
  Argv argv({"--corpus", "a", "--extra", "x.jsonl", "--extra", "y.jsonl", "--corpus", "b"});
  CommandLine args(argv.argc(), argv.pointers.data(), throw_usage);
  REQUIRE(args.next());
  CHECK(args.value() == "a");
  REQUIRE(args.next());
  CHECK(args.repeatable_value() == "x.jsonl");
  REQUIRE(args.next());
  CHECK(args.repeatable_value() == "y.jsonl");
  REQUIRE(args.next());
  CHECK_THROWS_WITH(args.value(), "--corpus is given twice");
}
