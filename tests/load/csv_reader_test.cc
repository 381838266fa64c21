#include "load/csv_reader.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "load_test_support.h"

using riskatlas::Diagnostics;
using riskatlas::StatusCode;
using riskatlas::load::CsvReader;
using riskatlas::load::CsvRecord;
using riskatlas::load::CsvLimits;
using riskatlas::testing::has_warning;
using riskatlas::testing::ScratchDir;

namespace {

struct Parsed {
  std::vector<CsvRecord> records;
  Diagnostics warnings;
  std::size_t skipped = 0;
  riskatlas::Status status;
};

// Every record into `p`, whose warnings and skipped count the reader was given.
void read_all(CsvReader& reader, Parsed& p) {
  CsvRecord rec;
  while (reader.next(rec)) p.records.push_back(rec);
  p.status = reader.status();
}

// `text` read from memory, and from a file in chunks of a few sizes (lines, quotes, CR LF and the
// byte-order mark cut at every place): each read must give the same records, warnings and status.
Parsed parse(const std::string& text, std::size_t columns = 0, std::size_t max_open = 200) {
  Parsed whole;
  CsvReader reader(text, "t.csv", whole.warnings, whole.skipped, {.max_open_quote_lines = max_open});
  reader.set_expected_columns(columns);
  read_all(reader, whole);

  ScratchDir dir("csv_reader");
  const auto file = riskatlas::testing::write_file(dir.path(), "t.csv", text);
  for (const std::size_t chunk : {1, 2, 3, 7, 4096}) {
    INFO("chunk " << chunk);
    Parsed p;
    auto opened = CsvReader::open(file, p.warnings, p.skipped, {.max_open_quote_lines = max_open, .chunk_bytes = chunk});
    REQUIRE(opened.ok());
    opened->set_expected_columns(columns);
    read_all(*opened, p);
    CHECK(p.status.code() == whole.status.code());
    if (!p.status.ok())  // a fatal error names the path where the text had only a name
      CHECK(p.status.message() == file.string() + whole.status.message().substr(std::string("t.csv").size()));
    REQUIRE(p.records.size() == whole.records.size());
    for (std::size_t i = 0; i < p.records.size(); ++i) {
      CHECK(p.records[i].line == whole.records[i].line);
      CHECK(p.records[i].fields == whole.records[i].fields);
    }
    CHECK(p.skipped == whole.skipped);
    REQUIRE(p.warnings.size() == whole.warnings.size());
    for (std::size_t i = 0; i < p.warnings.size(); ++i) CHECK(p.warnings[i].to_string() == whole.warnings[i].to_string());
  }
  return whole;
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

TEST_CASE("CSV says what it skipped past the first hundred warnings in one line", "[load][csv]") {
  // A long field read again line by line after it was skipped for its length looks like this.
  std::string text = "a,b,c\n1,2,3\n";
  for (int i = 0; i < 150; ++i) text += "word word word\n";
  text += "4,5,6\n";
  const auto p = parse(text, 3);
  REQUIRE(p.records.size() == 3);  // the header, then 1,2,3 and 4,5,6
  CHECK(p.skipped == 150);
  REQUIRE(p.warnings.size() == CsvReader::kMaxWarnings + 1);
  CHECK(has_warning(p.warnings, "t.csv:3", "1 columns, expected 3"));
  CHECK(p.warnings.back().to_string() == "t.csv: 50 more warnings like those above");
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

TEST_CASE("CSV skips a record longer than the limit and resumes on the next line", "[load][csv]") {
  const std::string long_field(100, 'x');
  for (const std::string& text : {"a,b\n1," + long_field + "\n2,y\n",
                                  "a,b\n1,\"" + long_field + "\n2,y\n"}) {
    Parsed p;
    CsvReader reader(text, "t.csv", p.warnings, p.skipped, {.max_record_bytes = 50});
    read_all(reader, p);
    REQUIRE(p.status.ok());
    REQUIRE(p.records.size() == 2);
    CHECK(p.records[1].fields == Fields{"2", "y"});
    CHECK(p.skipped == 1);
    CHECK(has_warning(p.warnings, "t.csv:2", "longer than 50 bytes"));
  }
}

TEST_CASE("CSV from a file holds at most a record and two chunks, however large the file", "[load][csv]") {
  ScratchDir dir("csv_reader_bounded");
  std::string text = "id,text\n";
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + ",\"a quoted, field\nover two lines\"\r\n";
  text += "last," + std::string(5000, 'z') + "\n";  // over the limit: skipped
  text += "end,1\n";
  const auto file = riskatlas::testing::write_file(dir.path(), "big.csv", text);
  Parsed p;
  auto reader = CsvReader::open(file, p.warnings, p.skipped, {.max_record_bytes = 1000, .chunk_bytes = 256});
  REQUIRE(reader.ok());
  reader->set_expected_columns(2);
  read_all(*reader, p);
  REQUIRE(p.status.ok());
  REQUIRE(p.records.size() == 2002);
  CHECK(p.records[2000].fields == Fields{"1999", "a quoted, field\nover two lines"});
  CHECK(p.records[2001].fields == Fields{"end", "1"});
  CHECK(p.skipped == 1);
  CHECK(text.size() > 70000);
  CHECK(reader->peak_buffered_bytes() <= 1000 + 2 * 256 + 2);
}
