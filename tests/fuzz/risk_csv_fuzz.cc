// Fuzzes the AI Risk Repository CSV loader (load_risk_repository_csv): any bytes as an export file.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static riskatlas::fuzz::InputFile file("ai-risk-repository.csv");
  riskatlas::fuzz::run_loader(riskatlas::load::load_risk_repository_csv, file, riskatlas::fuzz::as_text(data, size));
  return 0;
}
