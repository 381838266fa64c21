// Fuzzes the JSON Lines loader (load_jsonl): any bytes as a file of our records.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static riskatlas::fuzz::InputFile file("records.jsonl");
  riskatlas::fuzz::run_loader(riskatlas::load::load_jsonl, file, riskatlas::fuzz::as_text(data, size));
  return 0;
}
