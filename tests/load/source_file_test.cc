#include <catch2/catch.hpp>

#include "load/load_test_support.h"
#include "load/source_file.h"

using namespace riskatlas;
using riskatlas::load::detail::EmptyFile;
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
  CHECK(source->at_path("risks.csv:3: bad quote") == file.string() + ":3: bad quote");
  CHECK(source->at_path("other message") == "other message");
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
    const auto file = write_file(dir.path(), "e.csv", text);
    const auto source = read_source(file, "an AI Risk Repository export");
    CHECK(source.status().code() == StatusCode::kInvalidArgument);
    CHECK(source.status().message() == file.string() + ": empty file, expected an AI Risk Repository export");
  }
}

TEST_CASE("a list format accepts an empty source file", "[load][source]") {
  ScratchDir dir("source-empty-list");
  auto source = read_source(write_file(dir.path(), "r.jsonl", "\xEF\xBB\xBF"), "records", EmptyFile::kAccepted);
  REQUIRE(source.ok());
  CHECK(source->text.empty());
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
