#include "analysis/stopwords.h"

#include <algorithm>
#include <vector>

namespace riskatlas::analysis {
namespace {

// Articles, pronouns, auxiliaries, prepositions and conjunctions.
// Left out on purpose: negations ("no", "not", "without"), words that are also domain terms ("us";
// "it" stays in because "IT" as a field is rarer than "it" in a question), and verbs, however light.
constexpr std::string_view kStopwords[] = {
    "a",       "about",   "above",     "after",  "again",    "against", "all",     "also",   "am",
    "an",      "and",     "any",       "are",    "as",       "at",      "be",      "because", "been",
    "before",  "being",   "below",     "between", "both",    "but",     "by",      "can",    "could",
    "did",     "do",      "does",      "doing",  "during",   "each",    "either",  "for",    "from",
    "further", "had",     "has",       "have",   "having",   "he",      "her",     "here",   "hers",
    "herself", "him",     "himself",   "his",    "how",      "i",       "if",      "in",     "into",
    "is",      "it",      "its",       "itself", "just",     "may",     "me",      "might",  "must",
    "my",      "myself",  "of",        "off",    "on",       "once",    "onto",    "or",     "our",
    "ours",    "ourselves", "shall",   "she",    "should",   "so",      "some",    "such",   "than",
    "that",    "the",     "their",     "theirs", "them",     "themselves", "then", "there",  "these",
    "they",    "this",    "those",     "through", "to",      "too",     "until",   "upon",   "very",
    "via",     "was",     "we",        "were",   "what",     "when",    "where",   "whether", "which",
    "while",   "who",     "whom",      "whose",  "why",      "will",    "with",    "within", "would",
    "you",     "your",    "yours",     "yourself", "yourselves", "ve",  "ll",      "re",      "s",
    // Indefinite pronouns and the rest of the prepositions and conjunctions.
    "another", "anybody", "anyone",    "anything", "anywhere", "every",   "everybody", "everyone",
    "everything", "everywhere", "somebody", "someone", "something", "somewhere", "nobody", "nothing",
    "across",  "along",   "although",  "among",  "around",   "behind",  "beside",  "beyond", "despite",
    "though",  "toward",  "towards",   "unless", "whereas",  "ought",   "yet",     "else",
};

}  // namespace

bool is_stopword(std::string_view folded_word) {
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> words(std::begin(kStopwords), std::end(kStopwords));
    std::sort(words.begin(), words.end());
    return words;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), folded_word);
}

}  // namespace riskatlas::analysis
