#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "load/load_test_support.h"
#include "load/source_file.h"

using namespace riskatlas;
using riskatlas::load::detail::read_source;
using riskatlas::testing::ScratchDir;
using riskatlas::testing::write_file;

TEST_CASE("a source file is named by its path for errors and by its file name for warnings", "[load][source]") {
  ScratchDir dir("source-names");
  const auto file = write_file(dir.path() / "sub", "risks.csv", "a,b\n");
  auto source = read_source(file, "an export");
  REQUIRE(source.ok());
  CHECK(source->path == file.string());
  CHECK(source->name == "risks.csv");
  CHECK(source->text == "a,b\n");
}

TEST_CASE("a source file's byte order mark is skipped, only at the start", "[load][source]") {
  ScratchDir dir("source-bom");
  auto with_bom = read_source(write_file(dir.path(), "a.yaml", "\xEF\xBB\xBFid: x\n"), "a file");
  REQUIRE(with_bom.ok());
  CHECK(with_bom->text == "id: x\n");
  auto inner = read_source(write_file(dir.path(), "b.yaml", "id: \xEF\xBB\xBFx\n"), "a file");
  REQUIRE(inner.ok());
  CHECK(inner->text == "id: \xEF\xBB\xBFx\n");
}

TEST_CASE("an empty, blank or byte-order-mark-only source file is refused, naming what was expected",
          "[load][source]") {
  ScratchDir dir("source-empty");
  for (const char* text : {"", " \n\t\r\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n"}) {
    const auto file = write_file(dir.path(), "e.yaml", text);
    const auto source = read_source(file, "an ATLAS distribution");
    CHECK(source.status().code() == StatusCode::kInvalidArgument);
    CHECK(source.status().message() == file.string() + ": empty file, expected an ATLAS distribution");
    // The export CSV is read in chunks, by its own reader: the same refusal.
    const auto csv = write_file(dir.path(), "e.csv", text);
    riskatlas::load::LoadReport report;
    const Status s = riskatlas::load::load_risk_repository_csv(csv, report);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message() == csv.string() + ": empty file, expected an AI Risk Repository export");
  }
}

TEST_CASE("a missing source file or a directory is refused before anything is read", "[load][source]") {
  ScratchDir dir("source-missing");
  CHECK(read_source(dir.path() / "nope.yaml", "a file").status().code() == StatusCode::kNotFound);
  CHECK(read_source(dir.path(), "a file").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a source file that is not what the loader reads is refused with its path, line and reason",
          "[load][source]") {
  ScratchDir dir("source-not-expected");
  const auto file = write_file(dir.path(), "links.yaml", "- a\n");
  auto source = read_source(file, "a links file");
  REQUIRE(source.ok());
  const Status s = source->not_expected(1, "expected a mapping");
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == file.string() + ":1: not a links file: expected a mapping");
}

namespace {

using riskatlas::load::detail::LineReader;

struct ReadLine {
  std::size_t number;
  std::string text;
  bool too_long;
  bool operator==(const ReadLine&) const = default;
};

// Every line of `file` through a LineReader with the given buffer and limit; the read must end cleanly.
std::vector<ReadLine> read_lines(const std::filesystem::path& file, std::size_t buffer, std::size_t max_line = 1 << 20) {
  auto reader = LineReader::open(file, max_line, buffer);
  REQUIRE(reader.ok());
  std::vector<ReadLine> lines;
  std::string_view line;
  while (reader->next(line)) lines.push_back({reader->line_number(), std::string(line), reader->too_long()});
  INFO(reader->status().to_string());
  CHECK(reader->status().ok());
  return lines;
}

}  // namespace

TEST_CASE("a line reader gives every line whatever the buffer size: CRLF, LF, blank, no final break",
          "[load][source]") {
  ScratchDir dir("line-reader");
  const auto file = write_file(dir.path(), "r.jsonl", "\xEF\xBB\xBF" "a\r\nbb\nccc\r\n\n\xEF\xBB\xBF" "d\r\nlast");
  const std::vector<ReadLine> want{
      {1, "a", false}, {2, "bb", false}, {3, "ccc", false}, {4, "", false}, {5, "\xEF\xBB\xBF" "d", false},
      {6, "last", false}};
  // Buffers of 3 to 40 bytes split lines, line breaks and the CR of CRLF at every position.
  for (std::size_t buffer = 3; buffer <= 40; ++buffer) {
    INFO("buffer " << buffer);
    CHECK(read_lines(file, buffer) == want);
  }
}

TEST_CASE("a line reader gives a line far longer than its buffer whole", "[load][source]") {
  ScratchDir dir("line-reader-long");
  const std::string long_line(300000, 'x');
  const auto file = write_file(dir.path(), "r.jsonl", "first\n" + long_line + "\r\nafter\n");
  CHECK(read_lines(file, 64) == std::vector<ReadLine>{{1, "first", false}, {2, long_line, false}, {3, "after", false}});
}

TEST_CASE("a line reader skips a line over its limit without holding it and goes on", "[load][source]") {
  ScratchDir dir("line-reader-limit");
  const std::string over(1000, 'y');
  for (const std::string last : {"", "\n"}) {
    const auto file = write_file(dir.path(), "r.jsonl", "ok\n" + over + "\nfine\n" + over + last);
    CHECK(read_lines(file, 16, 100) ==
          std::vector<ReadLine>{{1, "ok", false}, {2, "", true}, {3, "fine", false}, {4, "", true}});
  }
  // A line of exactly the limit is kept.
  const auto exact = write_file(dir.path(), "e.jsonl", std::string(100, 'z') + "\r\n");
  CHECK(read_lines(exact, 16, 100) == std::vector<ReadLine>{{1, std::string(100, 'z'), false}});
}

TEST_CASE("a line reader refuses what read_file refuses and reads an empty file as no lines", "[load][source]") {
  ScratchDir dir("line-reader-refused");
  CHECK(LineReader::open(dir.path() / "nope.jsonl").status().code() == StatusCode::kNotFound);
  CHECK(LineReader::open(dir.path()).status().code() == StatusCode::kInvalidArgument);
  CHECK(read_lines(write_file(dir.path(), "empty.jsonl", ""), 8).empty());
}
