// Fuzzes the synonyms file loader (load_synonyms): any bytes as synonyms.yaml.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static riskatlas::fuzz::InputFile file("synonyms.yaml");
  riskatlas::fuzz::run_loader(riskatlas::load::load_synonyms, file, riskatlas::fuzz::as_text(data, size));
  return 0;
}
