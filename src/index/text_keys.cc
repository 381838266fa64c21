#include "index/text_keys.h"

#include "analysis/stopwords.h"
#include "index/schema.h"

namespace riskatlas::index {
namespace {

template <typename Form>
std::string join(const std::vector<analysis::Token>& tokens, bool function_words, Form form) {
  std::string out;
  for (const auto& t : tokens) {
    if (t.kind == analysis::TokenKind::kCompound) continue;  // its parts follow it
    if (!function_words && t.kind == analysis::TokenKind::kWord && analysis::is_stopword(t.text)) continue;
    if (!out.empty()) out += ' ';
    out += form(t);
  }
  return out;
}

}  // namespace

// Function words are left out of the key because queries leave them out ("denial of service"), and
// kept in the words because records hold them between the others ("human in the loop").
std::string synonym_key(const std::vector<analysis::Token>& tokens) {
  return join(tokens, false, [](const analysis::Token& t) -> const std::string& { return t.stem.empty() ? t.text : t.stem; });
}

std::string synonym_words(const std::vector<analysis::Token>& tokens) {
  return join(tokens, true, [](const analysis::Token& t) -> const std::string& { return t.text; });
}

std::string title_key(const std::vector<analysis::Token>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  if (out.size() + schema::kExactTitlePrefix.size() > schema::kMaxXapianTermBytes) return {};
  return out;
}

}  // namespace riskatlas::index
