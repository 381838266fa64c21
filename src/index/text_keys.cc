#include "index/text_keys.h"

#include "analysis/stopwords.h"
#include "index/schema.h"

namespace riskatlas::index {
namespace {

// Function words are left out because queries leave them out ("denial of service").
template <typename Form>
std::string join(const std::vector<analysis::Token>& tokens, Form form) {
  std::string out;
  for (const auto& t : tokens) {
    if (t.kind == analysis::TokenKind::kCompound) continue;  // its parts follow it
    if (t.kind == analysis::TokenKind::kWord && analysis::is_stopword(t.text)) continue;
    if (!out.empty()) out += ' ';
    out += form(t);
  }
  return out;
}

}  // namespace

std::string synonym_key(const std::vector<analysis::Token>& tokens) {
  return join(tokens, [](const analysis::Token& t) -> const std::string& { return t.stem.empty() ? t.text : t.stem; });
}

std::string synonym_words(const std::vector<analysis::Token>& tokens) {
  return join(tokens, [](const analysis::Token& t) -> const std::string& { return t.text; });
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
