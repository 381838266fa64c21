#include "search/spelling.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "analysis/english_words.h"
#include "index/schema.h"
#include "util/utf8.h"

namespace riskatlas::search {

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
    if (!it->stem.empty() && db.get_termfreq(std::string(schema::kStemPrefix) + it->stem) > 0) continue;
    // A word of the vocabulary ("cot", "ttp") means its synonyms, whatever the records spell.
    const std::string key = it->stem.empty() ? it->term : it->stem;
    if (db.synonyms_begin(key) != db.synonyms_end(key)) continue;
    if (it->last && db.allterms_begin(it->term) != db.allterms_end(it->term)) continue;
    // A real word the records do not hold is what the user meant: "particles" would otherwise
    // become "articles", a word they hold, and change the question.
    if (analysis::is_english_word(it->term)) continue;
    const unsigned edits = utf8::char_count(it->term) <= 5 ? 1 : 2;
    const std::string better = db.get_spelling_suggestion(it->term, edits);
    if (better.empty() || better == it->term) continue;
    out.replace(it->begin, it->end - it->begin, better);
    changed = true;
    unasked = unasked && it->optional;
  }
  if (!changed) return std::nullopt;
  return Correction{out, unasked};
}

}  // namespace riskatlas::search
