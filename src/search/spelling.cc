#include "search/spelling.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "analysis/english_words.h"
#include "index/schema.h"
#include "util/utf8.h"

namespace riskatlas::search {

namespace {

// A word the index holds only through its stem ("bais": the stem of the author name "Bai") is still
// corrected when its closest spelling is held by this many times more records ("bias"). An inflection
// ("deepfakes") never is: its closest spelling ("deepfake") shares its stem, so no more records.
constexpr Xapian::doccount kCommonerSpelling = 10;

// The first code point of valid UTF-8 `s`.
std::string_view first_letter(std::string_view s) {
  std::size_t end = std::min<std::size_t>(1, s.size());
  while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
  return s.substr(0, end);
}

// The closest word the spelling table holds, the most frequent of equally close ones: one edit away
// (insertion, deletion, substitution or swap), two for a word of more than five letters; "" when none.
// A short word keeps its first letter: people rarely mistype it, and a lower-case acronym ("nist") is
// one letter from many words ("list").
std::string closest_spelling(const Xapian::Database& db, const std::string& word) {
  const std::size_t length = utf8::char_count(word);
  std::string better = db.get_spelling_suggestion(word, length <= 5 ? 1 : 2);
  if (better == word) return "";
  if (length <= 4 && !better.empty() && first_letter(better) != first_letter(word)) return "";
  return better;
}

}  // namespace

// An acronym as typed ("CVEs", two capitals or more) is never a misspelling, and a short word is at
// most one edit from its correction: two edits turn "cves" into "cies".
std::optional<Correction> correct_spelling(const Xapian::Database& db, const std::string& q, const ParsedQuery& parsed) {
  std::string out = q;
  bool changed = false, unasked = true;
  // Replace from the end so earlier byte ranges stay valid.
  for (auto it = parsed.spell_words.rbegin(); it != parsed.spell_words.rend(); ++it) {
    if (it->term.size() < 3) continue;
    const std::string_view typed = std::string_view(q).substr(it->begin, it->end - it->begin);
    if (std::count_if(typed.begin(), typed.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }) >= 2)
      continue;
    if (db.get_termfreq(it->term) > 0) continue;
    // A word of the vocabulary ("cot", "ttp") means its synonyms, whatever the records spell.
    const std::string key = it->stem.empty() ? it->term : it->stem;
    if (db.synonyms_begin(key) != db.synonyms_end(key)) continue;
    if (it->last && db.allterms_begin(it->term) != db.allterms_end(it->term)) continue;
    // A real word the records do not hold is what the user meant: "particles" would otherwise
    // become "articles", a word they hold, and change the question.
    if (analysis::is_english_word(it->term)) continue;
    const Xapian::doccount stem_records =
        it->stem.empty() ? 0 : db.get_termfreq(std::string(schema::kStemPrefix) + it->stem);
    const std::string better = closest_spelling(db, it->term);
    if (better.empty() || db.get_termfreq(better) < kCommonerSpelling * stem_records) continue;
    out.replace(it->begin, it->end - it->begin, better);
    changed = true;
    unasked = unasked && it->optional;
  }
  if (!changed) return std::nullopt;
  return Correction{out, unasked};
}

}  // namespace riskatlas::search
