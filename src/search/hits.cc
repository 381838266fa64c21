#include "search/hits.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <nlohmann/json.hpp>

#include "index/hit_summary.h"
#include "index/schema.h"
#include "search/ranking.h"
#include "search/relaxation.h"
#include "search/snippet.h"

namespace riskatlas::search {
namespace {

using nlohmann::json;

// The field an index term belongs to; `shown` gets the word as shown ("stem:<stem>" for stems).
std::string field_of_term(std::string_view term, std::string& shown) {
  const bool stemmed = term.starts_with(schema::kStemPrefix);
  if (stemmed) term.remove_prefix(schema::kStemPrefix.size());
  std::string field = "text";
  for (const auto& f : schema::kScopedFields) {
    if (term.starts_with(f.prefix)) {
      field = f.name;
      term.remove_prefix(f.prefix.size());
      break;
    }
  }
  shown = (stemmed ? "stem:" : "") + std::string(term);
  return field;
}

}  // namespace

std::string read_hit_summary(const Xapian::Document& doc) {
  std::string stored = doc.get_value(schema::kSlotHit);
  // The caller unpacks it (and refuses damaged bytes): unpacking here too cost every hit twice.
  if (index::is_packed_hit_summary(stored)) return stored;
  if (!stored.empty()) return index::repack_hit_summary(stored).value_or(std::string());
  // Built before the slot existed: summarise the whole record, if it parses.
  const json full = json::parse(doc.get_data(), nullptr, false);
  return full.is_object() ? index::pack_hit_summary(full) : std::string();
}

std::optional<Hit> make_hit(const Xapian::MSetIterator& match, bool relaxed, const HighlightTerms& highlight,
                            analysis::Analyzer& analyzer) {
  const std::string packed = read_hit_summary(match.get_document());
  const auto summary = index::unpack_hit_summary(packed);
  if (!summary) return std::nullopt;
  Hit hit;
  hit.id = summary->id;
  hit.type = summary->type;
  hit.title = summary->title;
  const double weight = match.get_weight();
  const double bm25 = relaxed ? weight - static_cast<double>(words_held(weight)) * ranking::kCoverageBonus : weight;
  hit.score = std::round(bm25 * 10000.0) / 10000.0;
  hit.facets.reserve(summary->facets.size());
  for (const auto& facet : summary->facets) {
    RecordFacet& out = hit.facets.emplace_back(RecordFacet{std::string(facet.name), facet.multi, {}});
    out.values.assign(facet.values.begin(), facet.values.end());
  }
  hit.snippet = make_snippet(summary->text, highlight, analyzer);
  return hit;
}

std::vector<TermExplanation> explain_match(const Xapian::Database& db, const Xapian::Enquire& enquire,
                                           const Xapian::MSetIterator& match, const std::string& id) {
  std::vector<TermExplanation> out;
  const Xapian::Document doc = match.get_document();
  auto holds = [&](const std::string& term) {
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    return t != doc.termlist_end() && *t == term;
  };
  for (auto t = enquire.get_matching_terms_begin(match); t != enquire.get_matching_terms_end(match); ++t) {
    const std::string term = *t;
    // Filter, id and exact-title terms are not words of the record; the title boost is told apart
    // by the score, not listed as a word.
    if (term.empty() || term.starts_with(schema::kFacetPrefix) || term.starts_with(schema::kIdPrefix) ||
        term.starts_with(schema::kExactTitlePrefix))
      continue;
    TermExplanation e;
    e.field = field_of_term(term, e.term);
    if (e.field == "text") {
      // Unscoped words are indexed once for all fields; name the scoped fields that also hold it.
      const bool stemmed = term.rfind(schema::kStemPrefix, 0) == 0;
      const std::string word = stemmed ? term.substr(schema::kStemPrefix.size()) : term;
      const std::string stem_prefix = stemmed ? std::string(schema::kStemPrefix) : std::string();
      if (holds(stem_prefix + std::string(schema::kTitlePrefix) + word)) e.field = "title";
      else if (holds(std::string(schema::kIdFieldPrefix) + word)) e.field = "id";
      else if (holds(stem_prefix + std::string(schema::kSourcePrefix) + word)) e.field = "source";
    }
    Xapian::Enquire one(db);
    one.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term),
                                Xapian::Query(std::string(schema::kIdPrefix) + id)));
    const Xapian::MSet m = one.get_mset(0, 1);
    e.weight = m.empty() ? 0.0 : std::round(m.begin().get_weight() * 1000.0) / 1000.0;
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
  return out;
}

}  // namespace riskatlas::search
