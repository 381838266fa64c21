#include "search/query_builder.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "analysis/stopwords.h"
#include "index/schema.h"
#include "index/text_keys.h"
#include "model/taxonomy.h"
#include "search/ranking.h"
#include "search/request.h"
#include "search/wildcard.h"
#include "util/utf8.h"

namespace riskatlas::search {
namespace {

using analysis::Token;
using analysis::TokenKind;

enum class ItemKind { kWord, kPhrase, kOr, kAnd, kNot };

struct Item {
  ItemKind kind = ItemKind::kWord;
  std::string text;
  std::string field;  // "", "title", "source", "id" or a facet name
  bool facet = false;  // field:text filters by a facet value (see mark_facet_scopes)
  bool negate = false;
  bool required = false;  // +word
  bool wildcard = false;
  std::size_t begin = 0, end = 0;  // in the query, operator and field included
  std::size_t text_begin = 0;       // where the text starts, after any operator and field
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string field_prefix(std::string_view field) {
  for (const auto& f : schema::kScopedFields)
    if (f.name == field) return std::string(f.prefix);
  return {};
}

// Marks the items whose field names a facet. "source:" names both a text field (the words of a
// paper's title and QuickRef) and the source facet (one paper): a value the index holds as a source
// ("source:Okafor2024") filters by it, anything else ("source:survey") searches those words.
void mark_facet_scopes(std::vector<Item>& items, const Xapian::Database* db) {
  for (auto& item : items) {
    const model::FacetSpec* spec = model::find_facet(item.field);
    if (spec == nullptr || item.kind == ItemKind::kOr || item.kind == ItemKind::kAnd || item.kind == ItemKind::kNot) continue;
    item.facet = item.field != "source" ||
                 (db != nullptr && db->term_exists(std::string(spec->term_prefix) + item.text));
  }
}

// "chatgpt:jailbreak", "Note:privacy": a colon after a name that scopes nothing joins words as a space
// would. Read as one word, its words had to stand side by side in a record (as a hyphenated word's
// do), so such a query found nothing and, one word to relaxation, was never widened.
void push_split_at_colons(Item item, std::string_view q, std::vector<Item>& items) {
  const std::string_view raw = q.substr(item.text_begin, item.end - item.text_begin);
  const bool plain = item.kind == ItemKind::kWord && item.field.empty() && !item.negate && !item.required;
  if (!plain || raw.find(':') == std::string_view::npos || raw.find_first_of("()") != std::string_view::npos) {
    items.push_back(std::move(item));
    return;
  }
  std::vector<Item> words;
  for (std::size_t start = 0; start < raw.size();) {
    std::size_t stop = raw.find(':', start);
    if (stop == std::string_view::npos) stop = raw.size();
    std::string_view piece = raw.substr(start, stop - start);
    const bool last = stop == raw.size();
    if (last && item.wildcard) piece.remove_suffix(1);  // the '*' the item's text has lost
    if (!piece.empty()) {
      Item word;
      word.text = std::string(piece);
      word.begin = word.text_begin = item.text_begin + start;
      word.end = last ? item.end : word.begin + piece.size();
      word.wildcard = last && item.wildcard;
      words.push_back(std::move(word));
    }
    start = stop + 1;
  }
  if (words.empty()) {  // colons alone: nothing searchable, as before
    items.push_back(std::move(item));
    return;
  }
  if (item.wildcard && !words.back().wildcard) {  // "poiso:*": the star belongs to the last word
    words.back().wildcard = true;
    words.back().end = item.end;
  }
  for (Item& word : words) items.push_back(std::move(word));
}

// Splits the query into items. Sets `literal` when something that looks like syntax is taken as text.
std::vector<Item> lex(std::string_view q, bool& literal) {
  std::vector<Item> items;
  std::size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && is_space(q[i])) ++i;
    if (i >= q.size()) break;
    Item item;
    item.begin = i;
    if ((q[i] == '-' || q[i] == '+') && i + 1 < q.size() && !is_space(q[i + 1])) {
      item.negate = q[i] == '-';
      item.required = q[i] == '+';
      ++i;
    }
    // field: prefix
    std::size_t j = i;
    while (j < q.size() && (std::islower(static_cast<unsigned char>(q[j])) || q[j] == '_')) ++j;
    if (j > i && j + 1 < q.size() && q[j] == ':' && !is_space(q[j + 1]) && is_field_name(q.substr(i, j - i))) {
      item.field = std::string(q.substr(i, j - i));
      i = j + 1;
    }
    item.text_begin = i;
    if (q[i] == '"') {
      const std::size_t close = q.find('"', i + 1);
      if (close == std::string_view::npos) {
        literal = true;  // an unclosed quote: the rest are plain words
        ++i;
        continue;
      }
      item.kind = ItemKind::kPhrase;
      item.text = std::string(q.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      std::size_t end = i;
      while (end < q.size() && !is_space(q[end])) ++end;
      item.text = std::string(q.substr(i, end - i));
      i = end;
      // Parentheses are not grouping here; keep the words inside them.
      const auto paren = [](char c) { return c == '(' || c == ')'; };
      if (std::any_of(item.text.begin(), item.text.end(), paren)) {
        literal = true;
        std::erase_if(item.text, paren);
      }
      if (item.field.empty() && !item.negate && is_operator(item.text)) {
        item.kind = item.text == "OR" ? ItemKind::kOr : item.text == "AND" ? ItemKind::kAnd : ItemKind::kNot;
      }
      if (item.kind == ItemKind::kWord && item.text.size() > 1 && item.text.back() == '*') {
        item.wildcard = true;
        item.text.pop_back();
      }
    }
    item.end = i;
    if (item.kind != ItemKind::kWord || !item.text.empty()) push_split_at_colons(std::move(item), q, items);
  }
  return items;
}

// A whole token that names one thing (digits or dots: "aml.t0018", "gpt-4", "01.02.00"), unlike a
// hyphenated word ("fine-tuning").
bool is_identifier(const Token& t) {
  return is_whole(t) && t.text.find_first_of("0123456789._") != std::string::npos;
}

class Builder {
 public:
  Builder(analysis::Analyzer& analyzer, ParsedQuery& out, const Xapian::Database* db = nullptr)
      : analyzer_(analyzer), out_(out), db_(db) {}

  // The query for one word item or phrase; empty when it analyses to nothing.
  Xapian::Query item_query(const Item& item, bool partial, bool positive) {
    const std::string prefix = field_prefix(item.field);
    const Xapian::Query exact_id(std::string(schema::kIdPrefix) + item.text);
    std::vector<Token> tokens = analyzer_.analyze(item.text);
    // A word with nothing searchable (all symbols, or longer than any indexed word) cannot match.
    if (tokens.empty()) return item.field == "id" ? exact_id : match_nothing();
    if (positive) remember(tokens, item.field);

    if (item.wildcard) {
      // An identifier or dotted number typed whole ("01.01*", "aml.t0051*") begins the whole terms
      // it names; its last part alone ("01*") would match any number.
      if (const std::string whole = prefix + tokens.front().text;
          is_whole(tokens.front()) && db_ != nullptr && db_->allterms_begin(whole) != db_->allterms_end(whole)) {
        if (positive) out_.highlight.prefixes.push_back(tokens.front().text);
        return expand_wildcard(db_, whole, kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_ERROR);
      }
      // Moved out, not referenced: pop_back() destroys the element (its text freed when long).
      const Token last = std::move(tokens.back());
      tokens.pop_back();
      if (positive) out_.highlight.prefixes.push_back(last.text);
      Xapian::Query wild = expand_wildcard(db_, prefix + last.text, kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_ERROR);
      return tokens.empty() ? wild : Xapian::Query(Xapian::Query::OP_AND, words_query(tokens, prefix, false), wild);
    }
    Xapian::Query q = words_query(tokens, prefix, item.kind == ItemKind::kPhrase);
    if (item.field == "id") q = any_of({q, exact_id});
    // A word still being typed matches its completions too; an identifier or hyphenated word
    // ("aml.t005", "fine-tun") is completed whole, as a wildcard would be.
    const bool completable = tokens.size() == 1 ? tokens[0].kind == TokenKind::kWord && tokens[0].text.size() >= 2
                                                : is_whole(tokens.front());
    if (partial && completable) {
      out_.highlight.prefixes.push_back(tokens.front().text);
      Xapian::Query completions = expand_wildcard(db_, prefix + tokens.front().text, kMaxPartialTerms,
                                                  Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      q = Xapian::Query(Xapian::Query::OP_OR, q, completions);
    }
    return q;
  }

 private:
  void remember(const std::vector<Token>& tokens, const std::string& field) {
    for (const auto& t : tokens) {
      out_.highlight.words.insert(t.text);
      if (!t.stem.empty()) out_.highlight.words.insert(t.stem);
      if (field.empty() || field == "id" || field == "title") {
        // Identifiers typed whole get their own record first.
        if (is_whole(t) || tokens.size() == 1)
          boost_terms_.push_back(std::string(schema::kIdFieldPrefix) + t.text);
      }
    }
  }

 public:
  std::vector<std::string> boost_terms_;

  // A single word: its stem or the exact word; the exact word adds weight, so it ranks higher.
  static Xapian::Query word_query(const Token& t, const std::string& prefix) {
    if (t.kind == TokenKind::kWord && !t.stem.empty()) {
      return Xapian::Query(Xapian::Query::OP_OR,
                           Xapian::Query(std::string(schema::kStemPrefix) + prefix + t.stem),
                           Xapian::Query(prefix + t.text));
    }
    return Xapian::Query(prefix + t.text);
  }

  // Several tokens of one word or phrase ("GPT-4", "AML.T0010.002", "data poisoning", CJK text).
  static Xapian::Query words_query(const std::vector<Token>& tokens, const std::string& prefix, bool phrase) {
    std::vector<Xapian::Query> compounds, parts, cjk;
    const Token* only_part = nullptr;
    for (const auto& t : tokens) {
      if (is_whole(t)) {
        compounds.emplace_back(prefix + t.text);
      } else if (t.kind == TokenKind::kCjk) {
        // Bigrams cover every two adjacent characters whatever the dictionary segmentation said.
        if (utf8::char_count(t.text) <= 2) cjk.emplace_back(prefix + t.text);
      } else {
        parts.emplace_back(prefix + t.text);
        only_part = &t;
      }
    }
    Xapian::Query result;
    if (parts.size() == 1) {
      // A quoted single word is exact; otherwise its stem matches too.
      result = phrase ? parts[0] : word_query(*only_part, prefix);
    } else if (parts.size() > 1) {
      result = Xapian::Query(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(), parts.size());
    }
    if (!cjk.empty()) {
      Xapian::Query all_cjk(Xapian::Query::OP_AND, cjk.begin(), cjk.end());
      result = result.empty() ? all_cjk : Xapian::Query(Xapian::Query::OP_AND, result, all_cjk);
    }
    if (!compounds.empty()) {
      // The parts decide the match (every part, in order); the identifier typed whole adds weight.
      Xapian::Query whole(Xapian::Query::OP_AND, compounds.begin(), compounds.end());
      whole = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, whole, 2.0);
      result = result.empty() ? whole : Xapian::Query(Xapian::Query::OP_AND_MAYBE, result, whole);
    }
    return result;
  }

  analysis::Analyzer& analyzer_;
  ParsedQuery& out_;
  const Xapian::Database* db_;  // where wildcards expand; null: by Xapian
};



// One AND-ed part of the query: a word, phrase or scoped word, or several joined by OR.
struct Group {
  std::vector<const Item*> members;
  bool strict = false;  // joined by AND, never relaxed
  bool plain() const {
    const Item& item = *members.front();
    return members.size() == 1 && !strict && item.kind == ItemKind::kWord && item.field.empty() && !item.required &&
           !item.wildcard;
  }
};

struct Grouped {
  std::vector<Group> positive;
  std::vector<const Item*> negative;
};

// Applies OR, AND and NOT to the items. An operator with nothing to join is ignored while the user
// types ("poisoning AND"); a query of operators only ("OR") is searched as the words they spell.
// A typed filter is a filter: values of one facet are ORed anyway ("domain:2 OR domain:3"), AND
// beside one is what a filter does (an AND still joins the words on either side of it), and an OR
// between a filter and anything else, which a filter cannot express, is ignored (so the query is
// read literally).
Grouped group_items(std::vector<Item>& items, ParsedQuery& out) {
  const bool only_operators = std::all_of(items.begin(), items.end(), [](const Item& item) {
    return item.kind == ItemKind::kOr || item.kind == ItemKind::kAnd || item.kind == ItemKind::kNot;
  });
  Grouped g;
  if (only_operators && !items.empty()) {
    out.literal = true;
    for (Item& item : items) {
      item.kind = ItemKind::kWord;
      g.positive.push_back({{&item}, false});
    }
    return g;
  }
  bool pending_or = false, pending_not = false, pending_and = false;
  const Item* filter_before = nullptr;  // the last word or phrase, when it was a typed filter
  for (std::size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    const bool has_next = i + 1 < items.size();
    const bool after_operand = !g.positive.empty() || filter_before != nullptr;
    bool dangling = false;
    switch (item.kind) {
      case ItemKind::kOr:
        if (!after_operand || !has_next || pending_or || pending_not) dangling = true;
        else pending_or = true;
        break;
      case ItemKind::kNot:
        if (!has_next || pending_not) dangling = true;
        else pending_not = true;
        break;
      case ItemKind::kAnd:
        if (!after_operand || !has_next) dangling = true;
        else pending_and = true;
        break;
      default:
        break;
    }
    if (item.kind != ItemKind::kWord && item.kind != ItemKind::kPhrase) {
      out.literal = out.literal || dangling;
      continue;
    }
    const bool negative = item.negate || pending_not;
    const bool filter = item.facet && !negative;
    if (pending_or && (filter || filter_before) && !(filter && filter_before && filter_before->field == item.field))
      out.literal = true;
    if (filter) {
      out.facet_scopes[item.field].push_back(item.text);
    } else if (negative) {
      g.negative.push_back(&item);
    } else if (pending_or && !filter_before && !g.positive.empty()) {
      g.positive.back().members.push_back(&item);
    } else {
      // An AND joins the words around it, whatever filter stands between ("a AND domain:2 AND b").
      const bool strict = pending_and && !g.positive.empty();
      if (strict) g.positive.back().strict = true;
      g.positive.push_back({{&item}, strict});
    }
    filter_before = filter ? &item : nullptr;
    pending_or = pending_not = pending_and = false;
  }
  return g;
}

// The analysed single word of a plain group; nullptr when it is several tokens or no word.
const Token* single_word(const std::vector<Token>& tokens) {
  return tokens.size() == 1 && tokens[0].kind == TokenKind::kWord ? &tokens[0] : nullptr;
}

// A synonym as a query: a word by stem or form, several words as a phrase whose words may also
// carry a plural "s" (stems have no positions to phrase-match on).
Xapian::Query synonym_query(const std::vector<Token>& tokens) {
  std::vector<Xapian::Query> words;
  for (const auto& t : tokens) {
    if (t.kind == TokenKind::kCompound) continue;
    if (t.kind != TokenKind::kWord || t.text.back() == 's') {
      words.emplace_back(t.text);
    } else {
      words.emplace_back(Xapian::Query::OP_OR, Xapian::Query(t.text), Xapian::Query(t.text + "s"));
    }
  }
  if (words.empty()) return {};
  if (words.size() == 1) {
    const Token& t = tokens.back();
    if (t.kind == TokenKind::kWord && !t.stem.empty())
      return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(std::string(schema::kStemPrefix) + t.stem),
                           Xapian::Query(t.text));
    return words[0];
  }
  return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end(), words.size());
}

}  // namespace

bool is_field_name(std::string_view name) {
  return std::any_of(schema::kScopedFields.begin(), schema::kScopedFields.end(),
                     [&](const auto& f) { return f.name == name; }) ||
         model::find_facet(name) != nullptr;
}

bool is_operator(std::string_view word) { return word == "OR" || word == "AND" || word == "NOT"; }

bool is_whole(const Token& t) {
  if (t.kind == TokenKind::kCompound) return true;
  return t.kind == TokenKind::kNumber && t.text.find_first_of(".,") != std::string::npos;
}

bool HighlightTerms::matches(const std::vector<std::string>& span_terms) const {
  for (const auto& t : span_terms) {
    if (words.count(t)) return true;
    for (const auto& p : prefixes)
      if (t.size() >= p.size() && t.compare(0, p.size(), p) == 0) return true;
  }
  return false;
}

namespace {

bool is_shielded(const Xapian::Query& q) {
  if (q.get_type() != Xapian::Query::OP_AND_MAYBE || q.get_num_subqueries() != 2) return false;
  const Xapian::Query zero = q.get_subquery(1);
  return zero.get_type() == Xapian::Query::OP_SCALE_WEIGHT && zero.get_num_subqueries() == 1 &&
         zero.get_subquery(0).get_type() == Xapian::Query::LEAF_MATCH_ALL;
}

// Whether `q` tests positions somewhere an OR would see it fail (any_of).
bool positional(const Xapian::Query& q) {
  const auto type = q.get_type();
  if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR) return true;
  if (is_shielded(q)) return false;
  for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
    if (positional(q.get_subquery(i))) return true;
  return false;
}

}  // namespace

Xapian::Query any_of(const std::vector<Xapian::Query>& queries) {
  std::vector<Xapian::Query> children;
  children.reserve(queries.size());
  for (const auto& q : queries)
    children.push_back(positional(q) ? Xapian::Query(Xapian::Query::OP_AND_MAYBE, q,
                                                     Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, match_all(), 0.0))
                                     : q);
  return Xapian::Query(Xapian::Query::OP_OR, children.begin(), children.end());
}

Xapian::Query ParsedQuery::strict() const {
  std::vector<Xapian::Query> all, common;
  for (const auto& c : clauses) (c.optional && !c.counted ? common : all).push_back(c.query);
  if (all.empty()) return {};
  Xapian::Query query = all.size() == 1 ? all[0] : Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
  if (common.empty()) return query;
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, any_of(common));
}

Xapian::Query ParsedQuery::finish(const Xapian::Query& core) const {
  Xapian::Query text = exclude(core);
  if (core.empty()) return text;
  for (const auto& boost : boosts) text = Xapian::Query(Xapian::Query::OP_AND_MAYBE, text, boost);
  return text;
}

Xapian::Query ParsedQuery::exclude(const Xapian::Query& core) const {
  if (exclusions.empty()) return core;
  return Xapian::Query(Xapian::Query::OP_AND_NOT, core.empty() ? match_all() : core, exclusions);
}

std::size_t ParsedQuery::counted_count() const {
  return static_cast<std::size_t>(std::count_if(clauses.begin(), clauses.end(), [](const Clause& c) { return c.counted; }));
}

namespace {

// What parse_query knows of one positive group while it builds the clauses.
struct GroupText {
  const Group* group;
  std::vector<Token> tokens;  // of a plain group's word
  bool stopword = false;
};

// Leaves out function words when anything else is asked for, so they neither block nor rank.
void drop_stopwords(std::vector<GroupText>& groups, ParsedQuery& out) {
  const bool content = std::any_of(groups.begin(), groups.end(), [](const GroupText& g) { return !g.stopword; });
  if (!content) return;
  for (const auto& g : groups)
    if (g.stopword) out.ignored_words.push_back(g.group->members.front()->text);
  std::erase_if(groups, [](const GroupText& g) { return g.stopword; });
}

// The words of a plain group a synonym may replace: its word tokens (a hyphenated word's parts);
// empty when it holds anything else.
std::vector<Token> synonym_words(const GroupText& g, const Clause& clause) {
  std::vector<Token> words;
  if (!clause.optional) return words;
  for (const auto& t : g.tokens) {
    if (t.kind == TokenKind::kCompound) continue;
    if (t.kind != TokenKind::kWord) return {};
    words.push_back(t);
  }
  return words;
}

// Adds the synonyms of each run of plain words (up to kMaxSynonymWords words) to the clauses of that run.
void add_synonyms(const Xapian::Database& db, const std::vector<GroupText>& groups, ParsedQuery& out,
                  analysis::Analyzer& analyzer) {
  for (std::size_t begin = 0; begin < groups.size(); ++begin) {
    std::vector<Token> run;
    for (std::size_t end = begin; end < groups.size(); ++end) {
      const std::vector<Token> words = synonym_words(groups[end], out.clauses[end]);
      if (words.empty() || run.size() + words.size() > kMaxSynonymWords) break;
      run.insert(run.end(), words.begin(), words.end());
      const std::string key = index::synonym_key(run);
      std::vector<Xapian::Query> expansions;
      for (auto s = db.synonyms_begin(key); s != db.synonyms_end(key); ++s) {
        Xapian::Query q = synonym_query(analyzer.analyze(*s));
        if (!q.empty()) expansions.push_back(std::move(q));
      }
      if (expansions.empty()) continue;
      const Xapian::Query scaled(Xapian::Query::OP_SCALE_WEIGHT, any_of(expansions), ranking::kSynonymScale);
      for (std::size_t i = begin; i <= end; ++i) out.clauses[i].query = any_of({out.clauses[i].query, scaled});
    }
  }
}

// Plain words most records hold, and light words, are not counted by relaxation, unless no other
// word that some record holds is left to count.
void mark_common_words(const Xapian::Database& db, const std::vector<GroupText>& groups, ParsedQuery& out) {
  const double documents = db.get_doccount();
  bool any_counted = false;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    Clause& c = out.clauses[i];
    if (!c.optional) continue;
    bool held = !groups[i].tokens.empty();
    if (const Token* word = single_word(groups[i].tokens)) {
      const std::string term = word->stem.empty() ? word->text : std::string(schema::kStemPrefix) + word->stem;
      const Xapian::doccount freq = db.get_termfreq(term);
      c.counted = freq <= ranking::kCommonWordShare * documents && !analysis::is_light_word(word->text);
      held = freq > 0;
    }
    any_counted = any_counted || (c.counted && held);
  }
  if (!any_counted)
    for (auto& c : out.clauses) c.counted = c.optional;
}

// Counted words typed next to each other that a record also holds close together rank it higher.
// Positional checks cost on every match: distinct pairs of counted words only, at most a few.
std::vector<Xapian::Query> proximity(const std::vector<GroupText>& groups, const ParsedQuery& out) {
  std::vector<Xapian::Query> pairs;
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i + 1 < groups.size() && pairs.size() < kMaxProximityPairs; ++i) {
    const Token* a = out.clauses[i].counted ? single_word(groups[i].tokens) : nullptr;
    const Token* b = out.clauses[i + 1].counted ? single_word(groups[i + 1].tokens) : nullptr;
    if (a == nullptr || b == nullptr || a->text == b->text || !seen.emplace(a->text, b->text).second) continue;
    const Xapian::Query words[] = {Xapian::Query(a->text), Xapian::Query(b->text)};
    pairs.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_NEAR, std::begin(words), std::end(words), ranking::kProximityWindow),
                       ranking::kProximityScale);
  }
  return pairs;
}

// A last word that the index holds as typed is complete: its completions would only add noise
// ("job" is not "jobless"), and its stem already matches its inflections.
bool complete_word(const Xapian::Database* db, analysis::Analyzer& analyzer, const std::string& text) {
  if (db == nullptr) return false;
  const auto tokens = analyzer.analyze(text);
  if (tokens.empty() || (tokens.size() > 1 && !is_whole(tokens.front()))) return false;
  return db->get_termfreq(tokens.front().text) > 0;
}

// The words of each positive group, and which are function words or hold nothing searchable.
std::vector<GroupText> analyze_groups(const std::vector<Group>& positive, analysis::Analyzer& analyzer) {
  std::vector<GroupText> groups;
  for (const Group& group : positive) {
    GroupText g{&group, {}, false};
    if (group.plain()) {
      g.tokens = analyzer.analyze(group.members.front()->text);
      const Token* word = single_word(g.tokens);
      // Nothing searchable ("?", "&") is left out like a function word.
      g.stopword = g.tokens.empty() || (word != nullptr && analysis::is_stopword(word->text));
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

// The word being typed at the end of q, completed as a prefix unless the index holds it whole.
const Item* partial_word(std::string_view q, const std::vector<Item>& items, analysis::Analyzer& analyzer,
                         const QueryOptions& options) {
  // Only a trailing word the user is still typing is completed.
  if (!options.partial_last_word || q.empty() || is_space(q.back())) return nullptr;
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    if (it->kind != ItemKind::kWord) continue;
    if (it->wildcard || it->end != q.size() || complete_word(options.database, analyzer, it->text)) return nullptr;
    return &*it;
  }
  return nullptr;
}

// The words of a phrase, which a correction may only offer: a phrase is never changed unasked.
void add_phrase_spell_words(const Item& phrase, analysis::Analyzer& analyzer, ParsedQuery& out) {
  const std::size_t offset = phrase.text_begin + 1;  // after the opening quote
  for (const auto& span : analyzer.spans(phrase.text)) {
    const auto tokens = analyzer.analyze(phrase.text.substr(span.begin, span.end - span.begin));
    if (const Token* word = single_word(tokens))
      out.spell_words.push_back({offset + span.begin, offset + span.end, word->text, word->stem, false, false});
  }
}

// One clause per group that matches anything (its members ORed), and the words a spelling correction
// may replace; returns the groups that made a clause, aligned with out.clauses.
std::vector<GroupText> build_clauses(std::string_view q, std::vector<GroupText> groups, const Item* partial,
                                     Builder& builder, analysis::Analyzer& analyzer, ParsedQuery& out) {
  std::vector<GroupText> kept;
  for (GroupText& g : groups) {
    std::vector<Xapian::Query> alternatives;
    for (const Item* item : g.group->members) {
      Xapian::Query query = builder.item_query(*item, item == partial, true);
      if (item->kind == ItemKind::kWord && item->field.empty() && !item->wildcard) {
        const auto tokens = analyzer.analyze(item->text);
        if (const Token* word = single_word(tokens))
          out.spell_words.push_back(
              {item->text_begin, item->end, word->text, word->stem, item == partial, g.group->plain()});
      } else if (item->kind == ItemKind::kPhrase && item->field.empty()) {
        add_phrase_spell_words(*item, analyzer, out);
      }
      if (!query.empty()) alternatives.push_back(std::move(query));
    }
    if (alternatives.empty()) continue;
    const std::size_t begin = g.group->members.front()->begin, end = g.group->members.back()->end;
    // An identifier is never relaxed: whoever types one wants that record.
    const bool optional = g.group->plain() && std::none_of(g.tokens.begin(), g.tokens.end(), is_identifier);
    out.clauses.push_back({alternatives.size() == 1 ? alternatives[0] : any_of(alternatives),
                           std::string(q.substr(begin, end - begin)), optional, optional});
    kept.push_back(std::move(g));
  }
  return kept;
}

// What any -word, -"phrase" or -facet:value excludes; empty when nothing is excluded.
Xapian::Query build_exclusions(const std::vector<const Item*>& negative, Builder& builder) {
  std::vector<Xapian::Query> negatives;
  for (const Item* item : negative) {
    if (item->facet) {
      negatives.emplace_back(std::string(model::find_facet(item->field)->term_prefix) + item->text);
    } else if (Xapian::Query query = builder.item_query(*item, false, false); !query.empty()) {
      negatives.push_back(std::move(query));
    }
  }
  if (negatives.empty()) return {};
  return any_of(negatives);
}

// Weight that decides no match: an exact id or title, then counted words typed side by side.
std::vector<Xapian::Query> build_boosts(std::string_view q, const std::vector<GroupText>& kept, const Builder& builder,
                                        analysis::Analyzer& analyzer, const ParsedQuery& out) {
  std::vector<Xapian::Query> exact;
  for (const auto& term : builder.boost_terms_) exact.emplace_back(term);
  if (std::all_of(out.clauses.begin(), out.clauses.end(), [](const Clause& c) { return c.optional; }) &&
      out.exclusions.empty() && !out.clauses.empty()) {
    if (const std::string key = index::title_key(analyzer.analyze(q)); !key.empty())
      exact.emplace_back(std::string(schema::kExactTitlePrefix) + key);
  }
  std::vector<Xapian::Query> boosts;
  if (!exact.empty())
    boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, exact.begin(), exact.end()),
                        ranking::kExactBoost);
  for (auto& near : proximity(kept, out)) boosts.push_back(std::move(near));
  return boosts;
}

}  // namespace

Result<ParsedQuery> parse_query(std::string_view q, analysis::Analyzer& analyzer, const QueryOptions& options) {
  ParsedQuery out;
  std::vector<Item> items = lex(q, out.literal);
  if (items.size() > kMaxQueryTerms)
    return Status::InvalidArgument("q: more than " + std::to_string(kMaxQueryTerms) + " words");
  mark_facet_scopes(items, options.database);
  const Item* partial = partial_word(q, items, analyzer, options);
  const Grouped grouped = group_items(items, out);

  std::vector<GroupText> groups = analyze_groups(grouped.positive, analyzer);
  drop_stopwords(groups, out);
  Builder builder(analyzer, out, options.database);
  const std::vector<GroupText> kept = build_clauses(q, std::move(groups), partial, builder, analyzer, out);
  if (options.database != nullptr) mark_common_words(*options.database, kept, out);
  out.exclusions = build_exclusions(grouped.negative, builder);
  if (options.database != nullptr) add_synonyms(*options.database, kept, out, analyzer);
  out.boosts = build_boosts(q, kept, builder, analyzer, out);
  return out;
}

}  // namespace riskatlas::search
