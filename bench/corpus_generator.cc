#include "corpus_generator.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "index/record_document.h"
#include "load/corpus.h"
#include "model/link_graph.h"

namespace riskatlas::bench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// SplitMix64: tiny, fast and the same everywhere, which std::*_distribution is not.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0. The modulo bias is far below anything a benchmark notices.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  std::uint64_t state_;
};

// Share of words that become a new form of themselves.
constexpr double kNewFormRate = 0.03;
constexpr double kSpliceRate = 0.3;  // sentences made of the head of one and the tail of another

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

// Sentences as word lists: a break after '.', '?' or '!' followed by white space.
void add_sentences(std::string_view text, std::vector<std::vector<std::string>>& out) {
  std::vector<std::string> sentence;
  for (auto& w : split_words(text)) {
    const char last = w.back();
    sentence.push_back(std::move(w));
    if (last == '.' || last == '?' || last == '!') {
      out.push_back(std::move(sentence));
      sentence.clear();
    }
  }
  if (!sentence.empty()) out.push_back(std::move(sentence));
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// A new form of a word: the word plus syllables spelling k, where P(K >= k) = 1/k. New forms keep
// appearing as more words are drawn, ever more rarely (about as the square root of the draws).
std::string new_form(const std::string& word, Rng& rng) {
  static constexpr std::string_view kConsonants = "bdfgklmnprstvz";
  static constexpr std::string_view kVowels = "aeiou";
  auto k = static_cast<std::uint64_t>(1.0 / (1.0 - rng.unit()));
  std::string suffix;
  do {
    suffix += kConsonants[k % kConsonants.size()];
    k /= kConsonants.size();
    suffix += kVowels[k % kVowels.size()];
    k /= kVowels.size();
  } while (k > 0);
  return word + suffix;
}

// Each ASCII word of four letters or more becomes a new form of itself with probability kNewFormRate;
// punctuation around it stays.
void mutate(std::vector<std::string>& words, Rng& rng) {
  for (auto& w : words) {
    if (!rng.chance(kNewFormRate)) continue;
    std::size_t b = 0, e = w.size();
    while (b < e && !std::isalpha(static_cast<unsigned char>(w[b]))) ++b;
    while (e > b && !std::isalpha(static_cast<unsigned char>(w[e - 1]))) --e;
    const std::string core = w.substr(b, e - b);
    if (core.size() < 4 || !std::all_of(core.begin(), core.end(), [](char c) {
          return std::isalpha(static_cast<unsigned char>(c)) != 0;
        }))
      continue;
    w = w.substr(0, b) + new_form(core, rng) + w.substr(e);
  }
}

// Words of a query taken from a title: lower case letters and digits, three characters or more, no
// function words.
std::vector<std::string> query_words(std::string_view title) {
  static const std::vector<std::string_view> kStop = {"the", "and", "for", "with", "from", "into", "that", "this",
                                                       "its", "their", "are", "was", "via", "over", "not", "all"};
  std::vector<std::string> out;
  for (const auto& raw : split_words(title)) {
    std::string w;
    for (char c : raw)
      if (std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80)) w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (w.size() < 3 || std::find(kStop.begin(), kStop.end(), w) != kStop.end()) continue;
    out.push_back(std::move(w));
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class Generator {
 public:
  Generator(const load::LoadReport& source, std::uint64_t seed)
      : atlas_(source.atlas), graph_(atlas_), seed_(seed) {
    std::unordered_map<std::string, std::vector<std::string>> techniques_by_risk;
    for (const auto& link : atlas_.links) techniques_by_risk[link.risk_id].push_back(link.technique_id);
    for (std::size_t r = 0; r < atlas_.risks.size(); ++r) {
      const auto& risk = atlas_.risks[r];
      techniques_.push_back(techniques_by_risk[risk.id]);
      facets_.push_back(index::risk_facets(atlas_, graph_, r));
      titles_.push_back(split_words(risk.title()));
      add_sentences(risk.description, descriptions_);
      for (const auto& e : risk.evidence) add_sentences(e.text, quotes_);
    }
    // Queries come from every title a user sees: risks, techniques and mitigations.
    for (const auto& risk : atlas_.risks) query_titles_.push_back(risk.title());
    for (const auto& t : atlas_.techniques) query_titles_.push_back(t.name);
    for (const auto& m : atlas_.mitigations) query_titles_.push_back(m.name);
    if (descriptions_.empty()) descriptions_.push_back(split_words("No description."));
    if (quotes_.empty()) quotes_ = descriptions_;
  }

  // Record i of the corpus, drawn from its own stream so that record i is the same whatever N is.
  json record(std::size_t i) const {
    Rng rng(seed_ ^ (0x5DEECE66Dull * (i + 1)));
    const std::size_t s = rng.below(atlas_.risks.size());
    const auto& risk = atlas_.risks[s];
    json j;
    j["type"] = "risk";
    char id[32];
    std::snprintf(id, sizeof id, "G-%07zu", i + 1);
    j["id"] = id;
    j["title"] = title(s, rng);
    if (!risk.category.empty() && !risk.subcategory.empty()) j["category"] = risk.category;
    j["description"] = text(descriptions_, 1 + rng.below(3), rng);
    if (!risk.evidence.empty()) j["quote"] = text(quotes_, 1 + rng.below(2), rng);
    if (!risk.source_title.empty()) j["source"] = risk.source_title;
    if (!risk.quickref.empty()) j["quickref"] = risk.quickref;
    // The whole facet tuple of the source risk: the joint proportions stay the source's.
    if (!risk.domain.empty()) j["domain"] = risk.domain;
    if (!risk.subdomain.empty())
      j["subdomain"] = risk.subdomain_label.empty() ? risk.subdomain : risk.subdomain + " > " + risk.subdomain_label;
    if (!risk.entity.empty()) j["entity"] = risk.entity;
    if (!risk.intent.empty()) j["intent"] = risk.intent;
    if (!risk.timing.empty()) j["timing"] = risk.timing;
    if (!techniques_[s].empty()) j["techniques"] = techniques_[s];
    return j;
  }

  // The query sets, from a stream of their own: the same for every N.
  void queries(const GenerateOptions& o, std::vector<std::string>& search, std::vector<std::string>& prefix,
               std::vector<std::string>& browse) const {
    Rng rng(seed_ ^ 0xC0FFEE1234567ull);
    while (search.size() < o.search_queries) {
      const auto words = some_title_words(rng, 1 + weighted_length(rng));
      if (words.empty()) continue;
      std::string path = "/api/search?q=" + percent_encode(join(words));
      if (search.size() % 2 == 1) path += filters(rng, 1 + rng.below(2));
      search.push_back(std::move(path));
    }
    while (prefix.size() < o.prefix_queries) {
      auto words = some_title_words(rng, 1 + rng.below(2));
      if (words.empty() || words.back().size() < 3) continue;
      // Typing: the last word cut after 2 to all-but-one of its characters.
      std::string& last = words.back();
      last.resize(2 + rng.below(last.size() - 2));
      prefix.push_back("/api/suggest?q=" + percent_encode(join(words)));
    }
    while (browse.size() < o.browse_queries) browse.push_back("/api/search?" + filters(rng, 1 + rng.below(2)).substr(1));
  }

 private:
  // A source title, sometimes with its tail from another title, sometimes with new word forms.
  std::string title(std::size_t s, Rng& rng) const {
    std::vector<std::string> words = titles_[s];
    if (words.size() > 2 && rng.chance(0.3)) {
      const auto& other = rng.pick(titles_);
      if (other.size() > 1) {
        words.resize(1 + rng.below(words.size() - 1));
        words.insert(words.end(), other.begin() + static_cast<std::ptrdiff_t>(1 + rng.below(other.size() - 1)),
                     other.end());
      }
    }
    mutate(words, rng);
    return join(words);
  }

  // `n` sentences of a pool, some spliced at a word, some words new forms.
  std::string text(const std::vector<std::vector<std::string>>& pool, std::size_t n, Rng& rng) const {
    std::string out;
    for (std::size_t k = 0; k < n; ++k) {
      std::vector<std::string> sentence = rng.pick(pool);
      if (sentence.size() > 3 && rng.chance(kSpliceRate)) {
        const auto& other = rng.pick(pool);
        if (other.size() > 3) {
          sentence.resize(1 + rng.below(sentence.size() - 1));
          sentence.insert(sentence.end(), other.begin() + static_cast<std::ptrdiff_t>(rng.below(other.size())),
                          other.end());
        }
      }
      mutate(sentence, rng);
      if (!out.empty()) out += ' ';
      out += join(sentence);
    }
    return out;
  }

  // 0, 1 or 2 (one to three words): mostly two words, as people type.
  static std::size_t weighted_length(Rng& rng) {
    const double u = rng.unit();
    return u < 0.35 ? 0 : u < 0.75 ? 1 : 2;
  }

  // Up to `n` consecutive words of a real title.
  std::vector<std::string> some_title_words(Rng& rng, std::size_t n) const {
    const auto words = query_words(rng.pick(query_titles_));
    if (words.empty()) return {};
    n = std::min(n, words.size());
    const std::size_t start = rng.below(words.size() - n + 1);
    return {words.begin() + static_cast<std::ptrdiff_t>(start),
            words.begin() + static_cast<std::ptrdiff_t>(start + n)};
  }

  // "&facet=value..." with `n` facets of one source risk's values, so filters combine as records do.
  std::string filters(Rng& rng, std::size_t n) const {
    const auto& values = facets_[rng.below(facets_.size())];
    std::vector<std::pair<std::string, std::string>> choices;
    for (const auto& [facet, vals] : values)
      if (facet != "type" && facet != "source" && !vals.empty()) choices.emplace_back(facet, rng.pick(vals));
    std::string out;
    if (choices.empty()) return "&type=risk";
    for (std::size_t k = 0; k < n && !choices.empty(); ++k) {
      const std::size_t c = rng.below(choices.size());
      out += "&" + choices[c].first + "=" + percent_encode(choices[c].second);
      choices.erase(choices.begin() + static_cast<std::ptrdiff_t>(c));
    }
    return out;
  }

  const model::Atlas& atlas_;
  model::LinkGraph graph_;
  std::uint64_t seed_;
  std::vector<std::vector<std::string>> techniques_;  // by source risk
  std::vector<index::FacetValues> facets_;            // by source risk
  std::vector<std::vector<std::string>> titles_;      // by source risk, as words
  std::vector<std::vector<std::string>> descriptions_, quotes_;  // sentences
  std::vector<std::string> query_titles_;
};

Status write_lines(const fs::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const auto& l : lines) out << l << '\n';
  out.close();
  if (!out) return Status::IOError(file.string() + ": cannot write");
  return Status::OK();
}

Status copy_into(const fs::path& from, const fs::path& dir, const std::string& name) {
  std::error_code ec;
  fs::copy_file(from, dir / name, fs::copy_options::overwrite_existing, ec);
  // A read-only source (the published exports) gives a read-only copy, which a rerun must replace.
  if (!ec) fs::permissions(dir / name, fs::perms::owner_write, fs::perm_options::add, ec);
  if (ec) return Status::IOError(from.string() + ": cannot copy: " + ec.message());
  return Status::OK();
}

}  // namespace

Result<GenerateSummary> generate_corpus(const GenerateOptions& o) {
  load::CorpusOptions corpus;
  corpus.corpus_dir = o.source;
  corpus.links_file = o.links;
  corpus.synonyms_file = o.synonyms;
  auto loaded = load::load_corpus(corpus);
  if (!loaded.ok()) return loaded.status();
  const load::LoadReport& source = *loaded;
  if (source.atlas.risks.empty()) return Status::InvalidArgument(o.source.string() + ": the source has no risks");

  std::error_code ec;
  fs::create_directories(o.out / "queries", ec);
  if (ec) return Status::IOError(o.out.string() + ": cannot create: " + ec.message());
  // The ATLAS side as it is: techniques, mitigations and case studies, which the links name.
  for (const auto& entry : fs::directory_iterator(o.source, ec)) {
    const std::string ext = entry.path().extension().string();
    const std::string name = entry.path().filename().string();
    if ((ext == ".yaml" || ext == ".yml") && name.rfind("links.", 0) != 0 && name.rfind("synonyms.", 0) != 0)
      if (Status s = copy_into(entry.path(), o.out, name); !s.ok()) return s;
  }
  if (ec) return Status::IOError(o.source.string() + ": cannot list: " + ec.message());
  const fs::path synonyms = o.synonyms ? *o.synonyms : o.source / "synonyms.yaml";
  if (fs::exists(synonyms))
    if (Status s = copy_into(synonyms, o.out, "synonyms.yaml"); !s.ok()) return s;

  const Generator generator(source, o.seed);
  GenerateSummary summary;
  summary.source_risks = source.atlas.risks.size();
  {
    const fs::path file = o.out / "risks.jsonl";
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    for (std::size_t i = 0; i < o.records; ++i) {
      const std::string line = generator.record(i).dump() + '\n';
      out << line;
      summary.bytes += line.size();
    }
    out.close();
    if (!out) return Status::IOError(file.string() + ": cannot write");
    summary.records = o.records;
  }
  std::vector<std::string> search, prefix, browse;
  generator.queries(o, search, prefix, browse);
  for (const auto& [name, lines] : {std::pair<const char*, const std::vector<std::string>*>{"search.txt", &search},
                                    {"prefix.txt", &prefix},
                                    {"browse.txt", &browse}})
    if (Status s = write_lines(o.out / "queries" / name, *lines); !s.ok()) return s;
  return summary;
}

}  // namespace riskatlas::bench
