#include "search/query_builder.h"

#include <algorithm>
#include <cctype>

#include "index/schema.h"
#include "model/taxonomy.h"
#include "search/request.h"

namespace riskatlas::search {
namespace {

using analysis::Token;
using analysis::TokenKind;

enum class ItemKind { kWord, kPhrase, kOr, kAnd, kNot };

struct Item {
  ItemKind kind = ItemKind::kWord;
  std::string text;
  std::string field;  // "", "title", "source", "id" or a facet name
  bool negate = false;
  bool wildcard = false;
  std::size_t begin = 0, end = 0;
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string field_prefix(const std::string& field) {
  if (field == "title") return std::string(schema::kTitlePrefix);
  if (field == "source") return std::string(schema::kSourcePrefix);
  if (field == "id") return std::string(schema::kIdFieldPrefix);
  return {};
}

bool is_field_name(std::string_view name) {
  return name == "title" || name == "source" || name == "id" || model::find_facet(name) != nullptr;
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
      ++i;
    }
    // field: prefix
    std::size_t j = i;
    while (j < q.size() && (std::islower(static_cast<unsigned char>(q[j])) || q[j] == '_')) ++j;
    if (j > i && j + 1 < q.size() && q[j] == ':' && !is_space(q[j + 1]) && is_field_name(q.substr(i, j - i))) {
      item.field = std::string(q.substr(i, j - i));
      i = j + 1;
    }
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
      if (item.field.empty() && !item.negate) {
        if (item.text == "OR") item.kind = ItemKind::kOr;
        if (item.text == "AND") item.kind = ItemKind::kAnd;
        if (item.text == "NOT") item.kind = ItemKind::kNot;
      }
      if (item.kind == ItemKind::kWord && item.text.size() > 1 && item.text.back() == '*') {
        item.wildcard = true;
        item.text.pop_back();
      }
    }
    item.end = i;
    if (item.kind != ItemKind::kWord || !item.text.empty()) items.push_back(std::move(item));
  }
  return items;
}

// A token the analyzer also split into parts that follow it: an identifier ("aml.t0018", "gpt-4")
// or a dotted number ("01.02.00"). Queries match it whole or as a phrase of its parts.
bool is_whole(const Token& t) {
  if (t.kind == TokenKind::kCompound) return true;
  return t.kind == TokenKind::kNumber && t.text.find_first_of(".,") != std::string::npos;
}

std::size_t char_count(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

class Builder {
 public:
  Builder(analysis::Analyzer& analyzer, ParsedQuery& out) : analyzer_(analyzer), out_(out) {}

  // The query for one word item or phrase; empty when it analyses to nothing.
  Xapian::Query item_query(const Item& item, bool partial, bool positive) {
    const std::string prefix = field_prefix(item.field);
    const Xapian::Query exact_id(std::string(schema::kIdPrefix) + item.text);
    std::vector<Token> tokens = analyzer_.analyze(item.text);
    // A word with nothing searchable (all symbols, or longer than any indexed word) cannot match.
    if (tokens.empty()) return item.field == "id" ? exact_id : match_nothing();
    if (positive) remember(tokens, item.field);

    if (item.wildcard) {
      const Token& last = tokens.back();
      if (positive) out_.highlight.prefixes.push_back(last.text);
      tokens.pop_back();
      Xapian::Query wild(Xapian::Query::OP_WILDCARD, prefix + last.text, kMaxWildcardTerms,
                         Xapian::Query::WILDCARD_LIMIT_ERROR);
      return tokens.empty() ? wild : Xapian::Query(Xapian::Query::OP_AND, words_query(tokens, prefix, false), wild);
    }
    Xapian::Query q = words_query(tokens, prefix, item.kind == ItemKind::kPhrase);
    if (item.field == "id") q = Xapian::Query(Xapian::Query::OP_OR, q, exact_id);
    if (partial && tokens.size() == 1 && tokens[0].kind == TokenKind::kWord && tokens[0].text.size() >= 2) {
      out_.highlight.prefixes.push_back(tokens[0].text);
      Xapian::Query completions(Xapian::Query::OP_WILDCARD, prefix + tokens[0].text, kMaxPartialTerms,
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

 private:
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
        if (char_count(t.text) <= 2) cjk.emplace_back(prefix + t.text);
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
};

}  // namespace

bool HighlightTerms::matches(const std::vector<std::string>& span_terms) const {
  for (const auto& t : span_terms) {
    if (words.count(t)) return true;
    for (const auto& p : prefixes)
      if (t.size() >= p.size() && t.compare(0, p.size(), p) == 0) return true;
  }
  return false;
}

Result<ParsedQuery> parse_query(std::string_view q, analysis::Analyzer& analyzer, bool partial_last_word) {
  ParsedQuery out;
  std::vector<Item> items = lex(q, out.literal);
  if (items.size() > kMaxQueryTerms)
    return Status::InvalidArgument("q: more than " + std::to_string(kMaxQueryTerms) + " words");

  // Only a trailing word the user is still typing is completed.
  const bool typing = partial_last_word && !q.empty() && !is_space(q.back());
  std::size_t last_word = items.size();
  for (std::size_t i = items.size(); i-- > 0;) {
    if (items[i].kind == ItemKind::kWord) {
      last_word = i;
      break;
    }
  }

  const bool only_operators = std::all_of(items.begin(), items.end(), [](const Item& item) {
    return item.kind == ItemKind::kOr || item.kind == ItemKind::kAnd || item.kind == ItemKind::kNot;
  });
  Builder builder(analyzer, out);
  std::vector<std::vector<Xapian::Query>> groups;  // AND of ORs
  std::vector<Xapian::Query> negatives;
  bool pending_or = false, pending_not = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    const bool has_next = i + 1 < items.size();
    // An operator with nothing to join is ignored while the user types ("poisoning AND"); a query of
    // operators only ("OR") is searched as the words they spell.
    bool dangling = false;
    switch (item.kind) {
      case ItemKind::kOr:
        if (groups.empty() || !has_next || pending_or || pending_not) dangling = true;
        else pending_or = true;
        break;
      case ItemKind::kNot:
        if (!has_next || pending_not) dangling = true;
        else pending_not = true;
        break;
      case ItemKind::kAnd:
        if (groups.empty() || !has_next) dangling = true;
        break;
      default:
        break;
    }
    if (item.kind != ItemKind::kWord && item.kind != ItemKind::kPhrase) {
      if (!dangling) continue;
      out.literal = true;
      if (!only_operators) continue;
      item.kind = ItemKind::kWord;
    }
    const bool negative = item.negate || pending_not;
    if (const model::FacetSpec* facet = model::find_facet(item.field)) {
      if (negative) {
        negatives.emplace_back(std::string(facet->term_prefix) + item.text);
      } else {
        out.facet_scopes[item.field].push_back(item.text);
      }
      pending_or = pending_not = false;
      continue;
    }
    const bool partial = typing && i == last_word && item.kind == ItemKind::kWord && !negative &&
                         !item.wildcard && item.end == q.size();
    Xapian::Query query = builder.item_query(item, partial, !negative);
    if (!negative && item.kind == ItemKind::kWord && item.field.empty() && !item.wildcard) {
      const auto tokens = analyzer.analyze(item.text);
      if (tokens.size() == 1 && tokens[0].kind == TokenKind::kWord)
        out.spell_words.push_back({item.begin, item.end, tokens[0].text, tokens[0].stem, partial});
    }
    if (query.empty()) {
      pending_or = pending_not = false;
      continue;
    }
    if (negative) {
      negatives.push_back(std::move(query));
    } else if (pending_or && !groups.empty()) {
      groups.back().push_back(std::move(query));
    } else {
      groups.push_back({std::move(query)});
    }
    pending_or = pending_not = false;
  }

  std::vector<Xapian::Query> ands;
  for (auto& group : groups)
    ands.push_back(group.size() == 1 ? group[0] : Xapian::Query(Xapian::Query::OP_OR, group.begin(), group.end()));
  if (!ands.empty()) out.query = Xapian::Query(Xapian::Query::OP_AND, ands.begin(), ands.end());
  if (!negatives.empty()) out.exclusions = Xapian::Query(Xapian::Query::OP_OR, negatives.begin(), negatives.end());
  if (!builder.boost_terms_.empty())
    out.id_boost = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                 Xapian::Query(Xapian::Query::OP_OR, builder.boost_terms_.begin(),
                                               builder.boost_terms_.end()),
                                 20.0);
  return out;
}

}  // namespace riskatlas::search
