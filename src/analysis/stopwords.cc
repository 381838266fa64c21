#include "analysis/stopwords.h"

#include <iterator>

#include "util/text.h"

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

// Words that carry little of a question's topic, though they may be all it holds. Verbs: the
// delexical verbs and their like ("will ai take my job", "can attackers use a chatbot to ..."). Adverb
// particles, whose meaning lies in their verb ("machines take over", "make things up", "shut down"; up,
// down, out and over are on Snowball's English stop list). General nouns ("things", "stuff", "ways").
// Every form is written out (take, takes, took, ...): the word is looked up as typed, not by its stem.
constexpr std::string_view kLightWords[] = {
    "become", "becomes", "becoming", "became", "come",    "comes",   "coming",  "came",   "get",
    "gets",   "getting", "got",      "gotten", "give",    "gives",   "giving",  "gave",   "given",
    "go",     "goes",    "going",    "went",   "gone",    "happen",  "happens", "happening", "happened",
    "keep",   "keeps",   "keeping",  "kept",   "let",     "lets",    "letting", "make",   "makes",
    "making", "made",    "need",     "needs",  "needing", "needed",  "put",     "puts",   "putting",
    "seem",   "seems",   "seeming",  "seemed", "take",    "takes",   "taking",  "took",   "taken",
    "try",    "tries",   "trying",   "tried",  "use",     "uses",    "using",   "used",   "want",
    "wants",  "wanting", "wanted",
    "up",     "down",    "out",      "over",   "away",
    "thing",  "things",  "stuff",    "way",    "ways",
};

}  // namespace

bool is_light_word(std::string_view folded_word) {
  static const text::WordSet words({std::begin(kLightWords), std::end(kLightWords)});
  return words.contains(folded_word);
}

bool is_stopword(std::string_view folded_word) {
  static const text::WordSet stopwords({std::begin(kStopwords), std::end(kStopwords)});
  return stopwords.contains(folded_word);
}

}  // namespace riskatlas::analysis
