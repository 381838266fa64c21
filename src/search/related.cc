#include "search/related.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "analysis/stopwords.h"
#include "index/record_document.h"
#include "index/schema.h"
#include "model/taxonomy.h"
#include "search/ranking.h"

namespace riskatlas::search {
namespace {

using nlohmann::json;

// Plain words only: no field, stem, id or facet terms (they carry prefixes in capitals), no
// numbers, no parts of record ids ("aml", "org"), no function words.
class WordDecider : public Xapian::ExpandDecider {
 public:
  explicit WordDecider(const Xapian::Database& db) : db_(db) {}
  bool operator()(const std::string& term) const override {
    const auto first = static_cast<unsigned char>(term.empty() ? 'A' : term[0]);
    if (term.size() < 3 || !(std::islower(first) || first >= 0x80)) return false;
    const bool letters = std::all_of(term.begin(), term.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c)) || c == '-' || (c & 0x80) != 0;
    });
    return letters && !analysis::is_stopword(term) && db_.get_termfreq(std::string(schema::kIdFieldPrefix) + term) == 0;
  }

 private:
  const Xapian::Database& db_;
};

struct Expansion {
  Xapian::Query query;
  std::map<std::string, std::size_t> rank;  // term -> position in the ESet (0 = most telling)
};

// The record's most telling words, its title's words weighing double: an ESet over one document
// favours its rarest words, which alone drift towards accidents of wording.
Expansion expand(Xapian::Database& db, Xapian::docid doc) {
  Xapian::Enquire enquire(db);
  Xapian::RSet rset;
  rset.add_document(doc);
  const WordDecider words(db);
  // Exact term frequencies: over shards Xapian otherwise scales those of the document's own shard,
  // and the words would differ from one database's.
  const Xapian::ESet eset = enquire.get_eset(kRelatedTerms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &words);
  Expansion out;
  std::vector<Xapian::Query> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) {
    out.rank.emplace(*it, out.rank.size());
    terms.emplace_back(*it);
  }
  // Title words are indexed with the title prefix as well; a record's own terms are its only source.
  const std::string title_prefix(schema::kTitlePrefix);
  const Xapian::Document document = db.get_document(doc);
  for (auto t = document.termlist_begin(); t != document.termlist_end(); ++t) {
    const std::string term = *t;
    if (term.compare(0, title_prefix.size(), title_prefix) != 0) continue;
    const std::string word = term.substr(title_prefix.size());
    if (!words(word)) continue;
    out.rank.emplace(word, out.rank.size());
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(word), 2.0);
  }
  out.query = Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  return out;
}

// The expansion terms a hit holds, most telling first.
std::vector<std::string> tying_words(const Xapian::Enquire& enquire, const Xapian::MSetIterator& hit,
                                     const Expansion& expansion) {
  std::vector<std::string> words;
  for (auto t = enquire.get_matching_terms_begin(hit); t != enquire.get_matching_terms_end(hit); ++t)
    if (expansion.rank.count(*t)) words.push_back(*t);
  std::sort(words.begin(), words.end(),
            [&](const std::string& a, const std::string& b) { return expansion.rank.at(a) < expansion.rank.at(b); });
  // A hyphenated word stands for its parts ("fine-tuning", not also "fine" and "tuning").
  const auto part_of_another = [&](const std::string& w) {
    return std::any_of(words.begin(), words.end(), [&](const std::string& whole) {
      if (whole.size() <= w.size() || whole.find('-') == std::string::npos) return false;
      const std::string padded = "-" + whole + "-";
      return padded.find("-" + w + "-") != std::string::npos;
    });
  };
  std::erase_if(words, part_of_another);
  if (words.size() > kTyingWords) words.resize(kTyingWords);
  return words;
}

double rounded(double w) { return std::round(w * 1000.0) / 1000.0; }

// Records read beyond the limit so that ties at it are broken by id (find_related); a tie running
// further past the limit than this is still cut in Xapian's order.
constexpr std::size_t kTieMargin = 8;

// Equal shown scores by id, not by the last bits of a weight, which depend on how the index is
// sharded (a sum of many term weights is added up in another order on each shard).
void by_score_then_id(std::vector<RelatedRecord>& records) {
  std::stable_sort(records.begin(), records.end(), [](const RelatedRecord& a, const RelatedRecord& b) {
    return a.score != b.score ? a.score > b.score : index::natural_sort_key(a.id) < index::natural_sort_key(b.id);
  });
}

RelatedRecord from_hit(const Xapian::Enquire& enquire, const Xapian::MSetIterator& hit, const Expansion& expansion) {
  const json stored = json::parse(hit.get_document().get_data(), nullptr, false);
  RelatedRecord r;
  if (stored.is_object()) {
    r.id = stored.value("id", "");
    r.type = stored.value("type", "");
    r.title = stored.value("title", "");
    if (const auto s = stored.find("source"); s != stored.end() && s->is_object()) {
      r.source = s->value("quickref", "");
      if (r.source.empty()) r.source = s->value("title", "");
    }
  }
  r.score = rounded(hit.get_weight());
  r.words = tying_words(enquire, hit, expansion);
  return r;
}

// The records listed under `key` of `record` ({id, name|title}), those sharing telling words first,
// by how much they share; the rest after them in stored order.
std::vector<RelatedRecord> order_linked(Xapian::Database& db, const json& record, const char* key,
                                        const Expansion& expansion) {
  std::vector<RelatedRecord> linked;
  const auto list = record.find(key);
  if (list == record.end() || !list->is_array()) return linked;
  std::vector<Xapian::Query> ids;
  for (const auto& item : *list) {
    if (!item.is_object()) continue;
    RelatedRecord r;
    r.id = item.value("id", "");
    r.title = item.value("name", item.value("title", ""));
    r.type = model::type_value(std::string_view(key) == "techniques" ? model::RecordType::kTechnique
                                                                      : model::RecordType::kMitigation);
    ids.emplace_back(std::string(schema::kIdPrefix) + r.id);
    linked.push_back(std::move(r));
  }
  if (linked.empty() || expansion.query.empty()) return linked;
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, expansion.query,
                                  Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end())));
  enquire.set_weighting_scheme(ranking::weighting());
  enquire.set_sort_by_relevance_then_value(schema::kSlotSortId, false);  // as below: not by docid
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(linked.size()));
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < linked.size(); ++i) position.emplace(linked[i].id, i);
  std::vector<RelatedRecord> ordered;
  std::vector<bool> placed(linked.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const RelatedRecord hit = from_hit(enquire, it, expansion);
    const auto p = position.find(hit.id);
    if (p == position.end() || placed[p->second]) continue;
    placed[p->second] = true;
    RelatedRecord r = linked[p->second];
    r.score = hit.score;
    r.words = hit.words;
    ordered.push_back(std::move(r));
  }
  by_score_then_id(ordered);
  for (std::size_t i = 0; i < linked.size(); ++i)
    if (!placed[i]) ordered.push_back(std::move(linked[i]));
  return ordered;
}

}  // namespace

RelatedRecords find_related(Xapian::Database& db, Xapian::docid doc, const json& record, std::size_t limit) {
  RelatedRecords out;
  const Expansion expansion = expand(db, doc);
  if (!expansion.query.empty()) {
    // Not the record itself, nor another record of its own source paper.
    std::vector<Xapian::Query> excluded{Xapian::Query(std::string(schema::kIdPrefix) + record.value("id", ""))};
    if (const auto s = record.find("source"); s != record.end() && s->is_object()) {
      std::string paper = s->value("quickref", "");
      if (paper.empty()) paper = s->value("paper_id", "");
      if (!paper.empty()) excluded.emplace_back(std::string(schema::kSourcePaperPrefix) + paper);
    }
    const Xapian::Query risks(std::string(schema::kTypeFacet.term_prefix) + model::type_value(model::RecordType::kRisk));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(
        Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_FILTER, expansion.query, risks),
        Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end())));
    enquire.set_weighting_scheme(ranking::weighting());
    enquire.set_sort_by_relevance_then_value(schema::kSlotSortId, false);
    // A few more than asked are read, so that records tied at the limit are taken by id.
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit + kTieMargin));
    // A record tied by a fraction of what ties the best one shares words, not a risk.
    const double floor = mset.empty() ? 0 : rounded(kRelatedFloor * mset.begin().get_weight());
    for (auto it = mset.begin(); it != mset.end() && rounded(it.get_weight()) >= floor; ++it)
      out.related.push_back(from_hit(enquire, it, expansion));
    by_score_then_id(out.related);
    if (out.related.size() > limit) out.related.resize(limit);
  }
  out.techniques = order_linked(db, record, "techniques", expansion);
  out.mitigations = order_linked(db, record, "mitigations", expansion);
  return out;
}

}  // namespace riskatlas::search
