// riskatlas-gencorpus: a scaled corpus for the benchmarks (bench/corpus_generator.h says what it
// holds and how it stays realistic).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "corpus_generator.h"
#include "util/command_line.h"

namespace {

constexpr const char* kUsage =
    "usage: riskatlas-gencorpus --out DIR [--records N] [--seed S] [--source DIR] [--links FILE] [--synonyms FILE]\n"
    "  Writes DIR/risks.jsonl (N risk records, default 10000), copies of the source's ATLAS YAML and\n"
    "  synonyms, and DIR/queries/{search,prefix,browse}.txt. Same source, seed and N: the same bytes.\n"
    "  The source is --source, else $RISKATLAS_REAL_DATA (the published exports, with the links and\n"
    "  synonyms of corpus/), else corpus/ of the source tree.\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "riskatlas-gencorpus: " << message << '\n' << kUsage;
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace riskatlas;
  bench::GenerateOptions o;
  std::optional<std::filesystem::path> source;
  CommandLine cl(argc, argv, usage_error);
  while (cl.next()) {
    if (cl.is("--out")) o.out = cl.value();
    else if (cl.is("--records")) o.records = static_cast<std::size_t>(cl.whole_number(1, 100000000));
    else if (cl.is("--seed")) o.seed = static_cast<std::uint64_t>(cl.whole_number(0, 2147483647));
    else if (cl.is("--source")) source = cl.value();
    else if (cl.is("--links")) o.links = cl.value();
    else if (cl.is("--synonyms")) o.synonyms = cl.value();
    else if (cl.is("--help")) {
      std::cout << kUsage;
      return 0;
    } else usage_error("unknown option " + cl.flag());
  }
  if (o.out.empty()) usage_error("--out is required");
  const std::filesystem::path tree_corpus = std::filesystem::path(RISKATLAS_SOURCE_DIR) / "corpus";
  if (source) {
    o.source = *source;
  } else if (const char* real = std::getenv("RISKATLAS_REAL_DATA"); real != nullptr && *real != '\0') {
    o.source = real;
    if (!o.links) o.links = tree_corpus / "links.yaml";
    if (!o.synonyms) o.synonyms = tree_corpus / "synonyms.yaml";
  } else {
    o.source = tree_corpus;
  }
  auto done = bench::generate_corpus(o);
  if (!done.ok()) {
    std::cerr << "riskatlas-gencorpus: " << done.status().message() << '\n';
    return 2;
  }
  std::cout << "wrote " << done->records << " records (" << done->bytes << " bytes) grown from " << done->source_risks
            << " risks of " << o.source.string() << " into " << o.out.string() << '\n';
  return 0;
}
