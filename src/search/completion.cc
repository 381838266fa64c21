#include "search/completion.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "analysis/stopwords.h"
#include "index/hit_summary.h"
#include "index/schema.h"
#include "search/hits.h"
#include "search/query_builder.h"
#include "search/wildcard.h"
#include "util/utf8.h"

namespace riskatlas::search {
namespace {

// 1M records, a one-word prefix: "pr" took 40 ms expanded, "pri" under 10.
constexpr std::size_t kMinExpandedPrefix = 3;

// The word being typed at the end of a search box, apart from what precedes it and from its
// operator ('-', '+', '"', "title:"); empty when the text ends in white space.
struct TypedWord {
  std::string_view before;  // the words before it
  std::string_view head;    // kept as typed in completions: `before` and the word's operator
  std::string_view word;
};

TypedWord typed_word(std::string_view text) {
  std::size_t start = text.size();
  while (start > 0 && !std::isspace(static_cast<unsigned char>(text[start - 1]))) --start;
  std::size_t op = start;
  while (op < text.size() && (text[op] == '-' || text[op] == '+' || text[op] == '"')) ++op;
  std::size_t field = op;
  while (field < text.size() && (std::islower(static_cast<unsigned char>(text[field])) || text[field] == '_')) ++field;
  if (field > op && field < text.size() && text[field] == ':' && is_field_name(text.substr(op, field - op))) {
    op = field + 1;
  } else if (op == start) {
    // A plain word after "name:" that scopes nothing ("chatgpt:jailbr") is a word of its own, as the
    // query reads it: the words before it include what precedes the colon.
    if (const std::size_t colon = text.rfind(':'); colon != std::string_view::npos && colon >= start)
      start = op = colon + 1;
  }
  return {text.substr(0, start), text.substr(0, op), text.substr(op)};
}

// Completions checked against the words before them at most, so a keystroke costs a bounded number
// of small matches.
constexpr std::size_t kCheckedCompletions = 24;

// What the words before a plain word being typed ask for (their synonyms, phrases and exclusions
// included), for keeping only completions some record holds beside them: "emergent beh" completes
// to "behaviour", not to the more frequent "behind" that no record holds with "emergent". Empty
// (nothing to check) when there are no such words, or the word being typed has an operator.
Xapian::Query words_before(const Xapian::Database& db, analysis::Analyzer& analyzer, const TypedWord& typed) {
  if (typed.head.size() != typed.before.size()) return {};
  const auto parsed = parse_query(typed.before, analyzer, QueryOptions{&db, false});
  if (!parsed.ok()) return {};
  const Xapian::Query strict = parsed->strict();
  return strict.empty() ? strict : parsed->exclude(strict);
}

bool held_beside(const Xapian::Database& db, const Xapian::Query& before, const std::string& term) {
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_AND, before, Xapian::Query(term)));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return enquire.get_mset(0, 0, 1).get_matches_lower_bound() > 0;
}

// Vocabulary expressions offered in a list at most: the index words completing the word typed follow.
constexpr std::size_t kMaxPhraseCompletions = 3;

// The words of `text` as the index holds them (a hyphenated word's parts, not the whole).
std::vector<std::string> indexed_words(std::string_view text, analysis::Analyzer& analyzer) {
  std::vector<std::string> out;
  for (auto& t : analyzer.analyze(text))
    if (t.kind != analysis::TokenKind::kCompound) out.push_back(std::move(t.text));
  return out;
}

// Whether `phrase` (indexed words joined by spaces) begins with `typed`, the last of them a prefix,
// and goes on past it.
bool begins_with(std::string_view phrase, const std::vector<std::string>& typed) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    const std::size_t end = std::min(phrase.find(' ', at), phrase.size());
    const std::string_view word = phrase.substr(at, end - at);
    if (i + 1 < typed.size() ? word != typed[i] : !word.starts_with(typed[i])) return false;
    if (i + 1 == typed.size()) return end < phrase.size() || word.size() > typed[i].size();
    if (end == phrase.size()) return false;
    at = end + 1;
  }
  return false;
}

// Completions from the vocabulary: the expressions that the last words typed begin, for the most
// words typed that begin any ("model st" completes to "model stealing", "membership" to "membership
// inference"; a word alone from its third character), each only if some record holds it beside the
// words before them. Up to `room`, in the vocabulary's order.
std::vector<std::string> phrase_completions(const Xapian::Database& db, analysis::Analyzer& analyzer,
                                            const std::vector<std::string>& phrases, std::string_view prefix,
                                            const TypedWord& typed, std::size_t room) {
  if (phrases.empty() || typed.head.size() != typed.before.size()) return {};
  const std::size_t typing = indexed_words(typed.word, analyzer).size();  // a hyphenated word's parts
  if (typing == 0) return {};
  // Where each plain word before the one being typed begins, after the last word that is not plain
  // (an operator, or a word with one: "-model st" completes no expression beginning "model"). A colon
  // that scopes nothing separates words, as in the query ("data:poi" completes as "data poi").
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < typed.before.size(); ++i) {
    if (space(typed.before[i]) || (i > 0 && !space(typed.before[i - 1]))) continue;
    std::size_t end = i;
    while (end < typed.before.size() && !space(typed.before[end])) ++end;
    const std::string_view word = typed.before.substr(i, end - i);
    const std::size_t colon = word.find(':');
    const bool plain = std::string_view("-+\"(").find(word.front()) == std::string_view::npos &&
                       word.find_first_of("\")") == std::string_view::npos && !is_operator(word) &&
                       (colon == std::string_view::npos || !is_field_name(word.substr(0, colon)));
    if (!plain) {
      starts.clear();
      continue;
    }
    for (std::size_t piece = i; piece < end; piece = std::min(typed.before.find(':', piece), end) + 1)
      if (typed.before[piece] != ':') starts.push_back(piece);
  }
  starts.push_back(typed.before.size());
  std::vector<std::string> out;
  constexpr std::size_t kMaxWords = 4;  // an expression's most words (corpus/README.md)
  for (std::size_t n = std::min(kMaxWords, starts.size()); n > 0 && out.empty(); --n) {
    const std::size_t start = starts[starts.size() - n];
    const auto words = indexed_words(prefix.substr(start), analyzer);
    if (words.empty() || (words.size() == 1 && utf8::char_count(words[0]) < kMinExpandedPrefix)) continue;
    std::size_t checked = 0;
    for (auto p = std::lower_bound(phrases.begin(), phrases.end(), words[0]);
         p != phrases.end() && p->starts_with(words[0]) && out.size() < room; ++p) {
      if (!begins_with(*p, words)) continue;
      if (checked++ == kCheckedCompletions) break;
      // What was typed before stays as typed; the expression follows from the word being typed on.
      std::string_view rest = *p;
      for (std::size_t skip = words.size() - typing; skip > 0; --skip) rest.remove_prefix(rest.find(' ') + 1);
      std::string text = std::string(typed.before) + std::string(rest);
      const auto parsed = parse_query(text, analyzer, QueryOptions{&db, false});
      if (!parsed.ok()) continue;
      Xapian::Enquire enquire(db);
      enquire.set_query(parsed->exclude(parsed->strict()));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      if (enquire.get_mset(0, 0, 1).get_matches_lower_bound() > 0) out.push_back(std::move(text));
    }
  }
  return out;
}

// The index word to complete: an identifier or dotted number whole ("aml.t00", "02.1"), else the
// last word.
std::string word_to_complete(std::string_view typed, analysis::Analyzer& analyzer) {
  if (typed.empty()) return {};
  const auto tokens = analyzer.analyze(typed);
  if (tokens.empty()) return {};
  return is_whole(tokens.front()) ? tokens.front().text : tokens.back().text;
}

// Records whose id begins with `prefix` (an identifier being typed: "aml.t005", "02.1"), in id order
// among the first kMaxWildcardTerms such ids in character order: all of them but for a prefix of more
// ids than that, whose first ones by number ("team-1" .. "team-9" after "team-10*") may then be missed.
void add_records_by_id(const Xapian::Database& db, const std::string& prefix, std::size_t limit,
                       std::vector<Suggestion>& out) {
  const std::string id_term = std::string(schema::kIdFieldPrefix) + prefix;
  if (db.allterms_begin(id_term) == db.allterms_end(id_term)) return;
  Xapian::Enquire enquire(db);
  enquire.set_query(expand_wildcard(&db, id_term, kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_FIRST));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_sort_by_value(schema::kSlotSortId, false);
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const std::string packed = read_hit_summary(it.get_document());
    if (const auto record = index::unpack_hit_summary(packed))
      out.push_back({std::string(record->title), "record", std::string(record->id), std::string(record->type)});
  }
}

// Moves a parent technique offered after its sub-technique (AML.T0051 after AML.T0051.000) to just
// before it, as ATLAS lists them. A sub-technique's title holds its parent's name and its record is
// shorter, so BM25 ranks it first.
void parents_first(std::vector<Suggestion>& records) {
  const auto is_parent_of = [](const Suggestion& parent, const Suggestion& child) {
    return parent.type == "technique" && child.type == "technique" && child.id.size() > parent.id.size() &&
           child.id.starts_with(parent.id) && child.id[parent.id.size()] == '.';
  };
  for (auto child = records.begin(); child != records.end(); ++child) {
    const auto parent = std::find_if(child + 1, records.end(), [&](const Suggestion& s) { return is_parent_of(s, *child); });
    if (parent != records.end()) std::rotate(child, parent, parent + 1);
  }
}

}  // namespace

std::vector<Suggestion> complete(const Xapian::Database& db, analysis::Analyzer& analyzer,
                                 const std::vector<std::string>& phrases, std::string_view prefix, std::size_t limit) {
  const auto tokens = analyzer.analyze(prefix);
  if (tokens.empty()) return {};
  const TypedWord typed = typed_word(prefix);
  const std::string completing = word_to_complete(typed.word, analyzer);
  std::vector<Suggestion> out;
  // An identifier typed alone: the records it begins, rather than words.
  if (typed.before.empty() && typed.head.empty() && !completing.empty() && is_whole(tokens.front())) {
    add_records_by_id(db, completing, limit, out);
    if (!out.empty()) return out;
  }
  const std::string title(schema::kTitlePrefix);
  // Records whose title holds every word, the one being typed as a prefix.
  std::vector<Xapian::Query> words;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == analysis::TokenKind::kCompound) continue;
    const std::string term = title + tokens[i].text;
    // A word typed so far shorter than kMinExpandedPrefix matches titles as a whole word only: its
    // expansions (every title word starting "pr") take most of the index to rank.
    if (i + 1 == tokens.size() && !completing.empty() && utf8::char_count(tokens[i].text) >= kMinExpandedPrefix) {
      words.emplace_back(Xapian::Query::OP_OR, Xapian::Query(term),
                         expand_wildcard(&db, term, kMaxPartialTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
    } else {
      words.emplace_back(term);
    }
  }
  if (!words.empty()) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()));
    // Equal weights by id: the same over any shard layout, as the docid order searches use is.
    enquire.set_sort_by_relevance_then_value(schema::kSlotSortId, false);
    const auto record_slots = [&](std::size_t of) { return completing.empty() ? of : (of + 1) / 2; };
    // As many as the longest list would show, so that a parent ranked below its sub-techniques is
    // there to move before them whatever the limit (it came first at 10 and not at all at 3).
    const auto ranked = static_cast<Xapian::doccount>(record_slots(kMaxSuggestions));
    const Xapian::MSet mset = enquire.get_mset(0, ranked);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const std::string packed = read_hit_summary(it.get_document());
      const auto record = index::unpack_hit_summary(packed);
      if (!record) continue;
      out.push_back({std::string(record->title), "record", std::string(record->id), std::string(record->type)});
    }
    parents_first(out);
    if (out.size() > record_slots(limit)) out.resize(record_slots(limit));
  }
  if (completing.empty()) return out;
  const auto offered = [&](const std::string& text) {
    return std::any_of(out.begin(), out.end(), [&](const Suggestion& s) { return s.text == text; });
  };
  const std::size_t room = std::min(kMaxPhraseCompletions, limit > out.size() ? limit - out.size() : 0);
  for (auto& text : phrase_completions(db, analyzer, phrases, prefix, typed, room))
    if (!offered(text)) out.push_back({std::move(text), "term", "", ""});
  // Then index words that complete the word being typed, most frequent first, and function words,
  // which a search leaves out, after the rest ("bias in h" completes to "human" and "hiring" before
  // "have" and "how"), unless one is the word as typed ("how do").
  struct Completion {
    bool function_word;
    Xapian::doccount freq;
    std::string term;
  };
  std::vector<Completion> terms;
  for (auto t = db.allterms_begin(completing); t != db.allterms_end(completing); ++t)
    terms.push_back({*t != completing && analysis::is_stopword(*t), t.get_termfreq(), *t});
  std::sort(terms.begin(), terms.end(), [](const Completion& a, const Completion& b) {
    if (a.function_word != b.function_word) return b.function_word;
    return a.freq != b.freq ? a.freq > b.freq : a.term < b.term;
  });
  const Xapian::Query before = words_before(db, analyzer, typed);
  std::size_t checked = 0;
  for (const auto& [function_word, freq, term] : terms) {
    if (out.size() >= limit) break;
    if (!before.empty()) {
      if (checked++ == kCheckedCompletions) break;
      if (!held_beside(db, before, term)) continue;
    }
    if (std::string text = std::string(typed.head) + term; !offered(text)) out.push_back({std::move(text), "term", "", ""});
  }
  return out;
}

}  // namespace riskatlas::search
