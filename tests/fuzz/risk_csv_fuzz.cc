// Fuzzes the AI Risk Repository CSV loader (load_risk_repository_csv): any bytes as an export file.
// The CSV reader under it is also checked differentially: the file read in small chunks (the first
// byte picks 1-8) gives exactly the records, warnings and status of the same bytes read whole.
#include "fuzz_support.h"

#include "load/csv_reader.h"

namespace {

struct Read {
  std::vector<riskatlas::load::CsvRecord> records;
  riskatlas::Diagnostics warnings;
  std::size_t skipped = 0;
  riskatlas::StatusCode code = riskatlas::StatusCode::kOk;
};

void read_all(riskatlas::load::CsvReader& reader, Read& out) {
  riskatlas::load::CsvRecord rec;
  while (reader.next(rec)) out.records.push_back(rec);
  out.code = reader.status().code();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using riskatlas::fuzz::check;
  static riskatlas::fuzz::InputFile file("ai-risk-repository.csv");
  const std::string_view text = riskatlas::fuzz::as_text(data, size);
  riskatlas::fuzz::run_loader(riskatlas::load::load_risk_repository_csv, file, text);

  // Small limits, so the fuzzer reaches the open-quote and overlong-record paths.
  riskatlas::load::CsvLimits limits{.max_open_quote_lines = 8, .max_record_bytes = 256};
  Read whole, chunked;
  riskatlas::load::CsvReader in_memory(text, "ai-risk-repository.csv", whole.warnings, whole.skipped, limits);
  read_all(in_memory, whole);
  limits.chunk_bytes = size == 0 ? 1 : 1 + data[0] % 8;
  auto opened = riskatlas::load::CsvReader::open(file.write(text), chunked.warnings, chunked.skipped, limits);
  check(opened.ok(), "the input file opens");
  read_all(*opened, chunked);
  check(whole.code == chunked.code, "chunked and whole reads end alike");
  check(whole.records.size() == chunked.records.size(), "chunked and whole reads give as many records");
  for (std::size_t i = 0; i < whole.records.size(); ++i)
    check(whole.records[i].line == chunked.records[i].line && whole.records[i].fields == chunked.records[i].fields,
          "chunked and whole reads give the same records");
  check(whole.skipped == chunked.skipped && whole.warnings.size() == chunked.warnings.size(),
        "chunked and whole reads skip alike");
  for (std::size_t i = 0; i < whole.warnings.size(); ++i)
    check(whole.warnings[i].to_string() == chunked.warnings[i].to_string(), "chunked and whole reads warn alike");
  return 0;
}
