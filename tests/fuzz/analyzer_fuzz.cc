// Fuzzes the ICU analyzer (analysis/analyzer.h) with any bytes, checking what the index and the
// snippets rely on: tokens valid UTF-8, non-empty, within kMaxTokenBytes, positions in order;
// the same tokens every time; spans inside the text, in order; fold() valid UTF-8 and idempotent;
// on ASCII text, the path without ICU (ascii_words.h) gives what the ICU path gives.
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/ascii_words.h"
#include "fuzz_support.h"

namespace {

bool same_tokens(const std::vector<riskatlas::analysis::Token>& a, const std::vector<riskatlas::analysis::Token>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].text != b[i].text || a[i].stem != b[i].stem || a[i].position != b[i].position || a[i].kind != b[i].kind)
      return false;
  return true;
}

bool same_spans(const std::vector<riskatlas::analysis::Span>& a, const std::vector<riskatlas::analysis::Span>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].terms != b[i].terms) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskatlas;
  using fuzz::check;
  static analysis::Analyzer analyzer;
  const std::string_view text = fuzz::as_text(data, size);

  const auto tokens = analyzer.analyze(text);
  unsigned last_position = 0;
  for (const auto& t : tokens) {
    check(!t.text.empty() && t.text.size() <= analysis::kMaxTokenBytes, "token length within (0, kMaxTokenBytes]");
    check(utf8::is_valid(t.text) && utf8::is_valid(t.stem), "token and stem are valid UTF-8");
    check(t.position >= 1 && t.position >= last_position, "positions start at 1 and never go back");
    last_position = t.position;
  }
  check(same_tokens(tokens, analyzer.analyze(text)), "analysis is deterministic");

  std::size_t last_end = 0;
  for (const auto& s : analyzer.spans(text)) {
    check(s.begin < s.end && s.end <= text.size(), "a span is a non-empty range of the text");
    check(s.begin >= last_end, "spans are in order and do not overlap");
    last_end = s.end;
    for (const auto& term : s.terms) check(utf8::is_valid(term), "span terms are valid UTF-8");
  }

  // A bullet after ASCII text sends it down ICU's path and adds no token or span.
  if (analysis::is_ascii(text)) {
    const std::string icu_path = std::string(text) + " \xE2\x80\xA2";
    check(same_tokens(tokens, analyzer.analyze(icu_path)), "ASCII text analyses as on the ICU path");
    check(same_spans(analyzer.spans(text), analyzer.spans(icu_path)), "ASCII text has the spans of the ICU path");
  }

  const std::string folded = analyzer.fold(text);
  check(utf8::is_valid(folded), "fold() is valid UTF-8");
  check(analyzer.fold(folded) == folded, "fold() is idempotent");
  return 0;
}
