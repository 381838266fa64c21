// Fuzzes the ATLAS YAML loader (load_atlas_yaml, on our libyaml tree): any bytes as a distribution.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static riskatlas::fuzz::InputFile file("atlas.yaml");
  // Ended by a line break, as the loader requires of a whole file: the bytes then reach the parser.
  std::string text(riskatlas::fuzz::as_text(data, size));
  text += '\n';
  riskatlas::fuzz::run_loader(riskatlas::load::load_atlas_yaml, file, text);
  return 0;
}
