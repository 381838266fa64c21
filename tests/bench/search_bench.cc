// riskatlas-bench: latency of the search core over an index, without HTTP.
//   riskatlas-bench INDEX_ROOT [rounds]
// Prints per-query-kind p50/p99/mean in milliseconds. A benchmark, not a test: it asserts nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "search/index_service.h"
#include "search/searcher.h"

using namespace riskatlas;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: riskatlas-bench INDEX_ROOT [rounds]\n");
    return 1;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 200;
  search::IndexService service(argv[1]);
  const auto gen = service.current();
  if (!gen) {
    std::fprintf(stderr, "no index: %s\n", service.status().problem.c_str());
    return 1;
  }
  struct Case {
    const char* name;
    search::SearchRequest request;
  };
  std::vector<Case> cases;
  auto add = [&](const char* name, std::string q, search::FacetFilters filters = {}) {
    search::SearchRequest r;
    r.q = std::move(q);
    r.filters = std::move(filters);
    cases.push_back({name, std::move(r)});
  };
  add("browse", "");
  add("one word", "poisoning ");
  add("two words", "model bias ");
  add("phrase", "\"training data\"");
  add("prefix", "manip");
  add("identifier", "AML.T0020");
  add("misspelt", "poisning ");
  add("question", "how can attackers steal a model ");
  add("relaxed", "fine-tuning dataset poisoning ");
  add("filtered", "data ", {{"domain", {"2"}}, {"timing", {"pre-deployment"}}});
  add("3 facets", "", {{"type", {"risk"}}, {"entity", {"human", "ai"}}, {"lifecycle", {"deployment"}}});

  analysis::Analyzer analyzer;
  std::printf("index %s: %zu documents, %d rounds\n", gen->info().name.c_str(), gen->info().documents, rounds);
  std::printf("%-12s %8s %8s %8s %8s\n", "query", "p50 ms", "p99 ms", "mean ms", "total");
  for (const auto& c : cases) {
    std::vector<double> ms;
    std::size_t total = 0;
    for (int i = 0; i < rounds; ++i) {
      const auto start = std::chrono::steady_clock::now();
      search::Searcher searcher(gen, analyzer);
      auto r = searcher.search(c.request);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      if (r.ok()) total = r->total;
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double m : ms) sum += m;
    std::printf("%-12s %8.2f %8.2f %8.2f %8zu\n", c.name, ms[ms.size() / 2], ms[ms.size() * 99 / 100],
                sum / static_cast<double>(ms.size()), total);
  }
  return 0;
}
