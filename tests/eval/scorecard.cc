#include "eval/scorecard.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace riskatlas::eval {

namespace {

double share(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string rank_text(std::size_t rank) { return rank == 0 ? "-" : std::to_string(rank); }

// Whether riskatlas misses the top 10 or places the sought record below where FTS5 OR does.
bool is_loss(const QueryOutcome& o) {
  const std::size_t ours = o.rank[kRiskatlas], theirs = o.rank[kFts5Or];
  return ours == 0 || (theirs != 0 && ours > theirs);
}

}  // namespace

const char* system_name(System system) {
  switch (system) {
    case kRiskatlas: return "riskatlas";
    case kFts5And: return "fts5-and";
    case kFts5Or: return "fts5-or";
    case kSystemCount: break;
  }
  return "?";
}

Figures summarize(const std::vector<QueryOutcome>& outcomes) {
  Figures f;
  f.queries = outcomes.size();
  std::array<double, kSystemCount> reciprocal{};
  std::array<std::array<double, kQueryKindCount>, kSystemCount> reciprocal_by_kind{};
  std::array<std::size_t, kSystemCount> found{}, first{}, zero{}, zero_shared{};
  for (const auto& o : outcomes) {
    const auto kind = static_cast<std::size_t>(o.query->kind);
    const bool shared = !o.zero_hit[kFts5Or];
    f.shared += shared;
    ++f.queries_by_kind[kind];
    for (std::size_t s = 0; s < kSystemCount; ++s) {
      const double rr = o.rank[s] == 0 ? 0.0 : 1.0 / static_cast<double>(o.rank[s]);
      reciprocal[s] += rr;
      reciprocal_by_kind[s][kind] += rr;
      found[s] += o.rank[s] != 0;
      first[s] += o.rank[s] == 1;
      zero[s] += o.zero_hit[s];
      zero_shared[s] += o.zero_hit[s] && shared;
    }
  }
  for (std::size_t s = 0; s < kSystemCount; ++s) {
    auto& sf = f.system[s];
    sf.mrr = f.queries == 0 ? 0.0 : reciprocal[s] / static_cast<double>(f.queries);
    sf.success_at_10 = share(found[s], f.queries);
    sf.success_at_1 = share(first[s], f.queries);
    sf.zero_hit_rate = share(zero[s], f.queries);
    sf.zero_hit_rate_shared = share(zero_shared[s], f.shared);
    for (std::size_t k = 0; k < kQueryKindCount; ++k)
      sf.mrr_by_kind[k] =
          f.queries_by_kind[k] == 0 ? 0.0 : reciprocal_by_kind[s][k] / static_cast<double>(f.queries_by_kind[k]);
  }
  const double peer = std::max(f.system[kFts5And].mrr, f.system[kFts5Or].mrr);
  const double ours = f.system[kRiskatlas].mrr;
  if (peer > 0)
    f.margin = ours / peer - 1.0;
  else
    f.margin = ours > 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  return f;
}

std::string format_margin(double margin) {
  if (std::isnan(margin)) return "n/a";
  if (std::isinf(margin)) return "+inf%";
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", margin * 100.0);
  return text;
}

void print_figures(std::FILE* out, const std::string& title, const Figures& f) {
  std::fprintf(out, "\n== %s: %zu queries, %zu sharing a word with the corpus\n", title.c_str(), f.queries, f.shared);
  std::fprintf(out, "%-10s %7s %8s %10s %9s %9s %15s\n", "system", "queries", "MRR@10", "success@10", "success@1",
               "zero-hit", "zero-hit(words)");
  for (std::size_t s = 0; s < kSystemCount; ++s) {
    const auto& sf = f.system[s];
    std::fprintf(out, "%-10s %7zu %8.3f %9.1f%% %8.1f%% %8.1f%% %14.1f%%\n", system_name(static_cast<System>(s)),
                 f.queries, sf.mrr, sf.success_at_10 * 100, sf.success_at_1 * 100, sf.zero_hit_rate * 100,
                 sf.zero_hit_rate_shared * 100);
  }
  std::fprintf(out, "MRR@10 by kind:\n%-12s %7s %9s %9s %9s\n", "kind", "queries", "riskatlas", "fts5-and", "fts5-or");
  for (std::size_t k = 0; k < kQueryKindCount; ++k) {
    if (f.queries_by_kind[k] == 0) continue;
    std::fprintf(out, "%-12s %7zu %9.3f %9.3f %9.3f\n", kind_name(kQueryKinds[k]), f.queries_by_kind[k],
                 f.system[kRiskatlas].mrr_by_kind[k], f.system[kFts5And].mrr_by_kind[k],
                 f.system[kFts5Or].mrr_by_kind[k]);
  }
  std::fprintf(out, "margin over the better FTS5 mode: %s\n", format_margin(f.margin).c_str());
}

void print_losses(std::FILE* out, const QuerySet& set, const std::vector<QueryOutcome>& outcomes) {
  const auto losses = std::count_if(outcomes.begin(), outcomes.end(), is_loss);
  std::fprintf(out, "\n%s: %td queries missed by riskatlas or ranked below fts5-or\n", set.file.c_str(), losses);
  for (const auto& o : outcomes) {
    if (!is_loss(o)) continue;
    std::string top;
    for (std::size_t i = 0; i < o.riskatlas_top.size() && i < 3; ++i) top += (i ? " " : "") + o.riskatlas_top[i];
    std::fprintf(out, "  line %zu [%s] \"%s\" wants %s: riskatlas %s, fts5-and %s, fts5-or %s; riskatlas top: %s\n",
                 o.query->line, kind_name(o.query->kind), o.query->text.c_str(), o.query->relevant[0].c_str(),
                 rank_text(o.rank[kRiskatlas]).c_str(), rank_text(o.rank[kFts5And]).c_str(),
                 rank_text(o.rank[kFts5Or]).c_str(), top.empty() ? "(no hits)" : top.c_str());
  }
}

}  // namespace riskatlas::eval
