// Fuzzes the links file loader (load_links): any bytes as links.yaml and as links.csv (the extension
// picks the reader), resolved against the records of the in-code atlas of the search tests, so that
// selectors find risks and techniques to link.
#include "fuzz_support.h"
#include "search/fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskatlas;
  static fuzz::InputFile yaml_file("links.yaml");
  static fuzz::InputFile csv_file("links.csv");
  static const load::LoadReport loaded = [] {
    load::LoadReport report;
    report.atlas = testing::tiny_atlas();
    report.atlas.links.clear();  // the file under test supplies the links
    return report;
  }();
  const std::string_view input = fuzz::as_text(data, size);
  fuzz::run_loader(load::load_links, yaml_file, input, loaded);
  fuzz::run_loader(load::load_links, csv_file, input, loaded);
  return 0;
}
