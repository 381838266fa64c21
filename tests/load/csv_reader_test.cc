#include "load/csv_reader.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "load_test_support.h"

using riskatlas::Diagnostics;
using riskatlas::StatusCode;
using riskatlas::load::CsvReader;
using riskatlas::load::CsvRecord;
using riskatlas::testing::has_warning;

namespace {

struct Parsed {
  std::vector<CsvRecord> records;
  Diagnostics warnings;
  std::size_t skipped = 0;
  riskatlas::Status status;
};

Parsed parse(const std::string& text, std::size_t columns = 0, std::size_t max_open = 200) {
  Parsed p;
  CsvReader reader(text, "t.csv", p.warnings, p.skipped, max_open);
  reader.set_expected_columns(columns);
  CsvRecord rec;
  while (reader.next(rec)) p.records.push_back(rec);
  p.status = reader.status();
  return p;
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_CASE("CSV quoted fields keep embedded commas and doubled quotes", "[load][csv]") {
  const auto p = parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"\"\n");
  REQUIRE(p.status.ok());
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[1].fields == Fields{"x, y", "say \"hi\"", ""});
  CHECK(p.warnings.empty());
}

TEST_CASE("CSV quoted fields keep embedded CR LF and LF newlines and report the starting line", "[load][csv]") {
  const auto p = parse("h1,h2\r\n\"one\r\ntwo\",x\r\n\"three\nfour\nfive\",y\r\nlast,z\r\n");
  REQUIRE(p.records.size() == 4);
  CHECK(p.records[1].fields == Fields{"one\r\ntwo", "x"});
  CHECK(p.records[1].line == 2);
  CHECK(p.records[2].fields == Fields{"three\nfour\nfive", "y"});
  CHECK(p.records[2].line == 4);
  CHECK(p.records[3].line == 7);
}

TEST_CASE("CSV accepts CRLF, LF, lone CR and mixed line endings", "[load][csv]") {
  for (const std::string text : {"a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4\n", "a,b\r\n1,2\n3,4\r\n", "a,b\r1,2\r3,4\r"}) {
    const auto p = parse(text, 2);
    REQUIRE(p.records.size() == 3);
    CHECK(p.records[1].fields == Fields{"1", "2"});
    CHECK(p.records[2].fields == Fields{"3", "4"});
    CHECK(p.records[2].line == 3);
    CHECK(p.warnings.empty());
  }
}

TEST_CASE("CSV reads the last line without a final newline", "[load][csv]") {
  const auto p = parse("a,b\n1,2\n3,\"4\"");
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[2].fields == Fields{"3", "4"});
}

TEST_CASE("CSV strips a UTF-8 byte order mark", "[load][csv]") {
  const auto p = parse("\xEF\xBB\xBFTitle,x\nv,w\n");
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[0].fields[0] == "Title");
}

TEST_CASE("CSV ignores blank lines", "[load][csv]") {
  const auto p = parse("a,b\n\n1,2\r\n\r\n3,4\n\n", 2);
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[2].line == 5);
  CHECK(p.skipped == 0);
}

TEST_CASE("CSV skips a record with the wrong column count and names its line", "[load][csv]") {
  const auto p = parse("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", 3);
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[2].fields == Fields{"10", "11", "12"});
  CHECK(p.skipped == 2);
  CHECK(has_warning(p.warnings, "t.csv:3", "2 columns, expected 3"));
  CHECK(has_warning(p.warnings, "t.csv:4", "4 columns, expected 3"));
}

TEST_CASE("CSV skips a record whose quote is never closed at end of file", "[load][csv]") {
  const auto p = parse("a,b\n1,2\n3,\"never closed\n", 2);
  REQUIRE(p.status.ok());
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[1].fields == Fields{"1", "2"});
  CHECK(p.skipped == 1);
  CHECK(has_warning(p.warnings, "t.csv:3", "never closed"));
}

TEST_CASE("CSV recovers the rows after a stray open quote instead of swallowing them", "[load][csv]") {
  const auto p = parse("a,b\n1,\"oops\n2,x\n3,y\n", 2);
  REQUIRE(p.status.ok());
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[1].fields == Fields{"2", "x"});
  CHECK(p.records[1].line == 3);
  CHECK(p.records[2].fields == Fields{"3", "y"});
  CHECK(has_warning(p.warnings, "t.csv:2", "never closed"));
}

TEST_CASE("CSV treats an open quote spanning too many lines as a corrupt file", "[load][csv]") {
  std::string text = "a,b\n1,2\n3,\"starts here\n";
  for (int i = 0; i < 300; ++i) text += "more text " + std::to_string(i) + "\n";
  const auto p = parse(text, 2);
  CHECK(p.status.code() == StatusCode::kCorruption);
  CHECK(p.status.message().find("t.csv:3") == 0);
}

TEST_CASE("CSV keeps text after a closing quote and warns", "[load][csv]") {
  const auto p = parse("a,b\n\"x\"y,z\n", 2);
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[1].fields == Fields{"xy", "z"});
  CHECK(has_warning(p.warnings, "t.csv:2", "stray quote"));
}
