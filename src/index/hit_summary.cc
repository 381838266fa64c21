#include "index/hit_summary.h"

#include "model/taxonomy.h"

namespace riskatlas::index {
namespace {

using nlohmann::json;

// The first byte of a packed summary; JSON, which older indexes stored, starts with '{'. Summaries
// marked kJsonFacetsMark were packed with their facets as JSON.
constexpr char kPackedMark = '\x02';
constexpr char kJsonFacetsMark = '\x01';

void put_size(std::string& out, std::size_t n) {
  do {
    const auto low = static_cast<unsigned char>(n & 0x7f);
    n >>= 7;
    out += static_cast<char>(n != 0 ? low | 0x80 : low);
  } while (n != 0);
}

void put_text(std::string& out, std::string_view text) {
  put_size(out, text.size());
  out += text;
}

// Reads what put_size and put_text wrote, never past the end of `in`.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::optional<std::size_t> size() {
    std::size_t n = 0;
    for (unsigned shift = 0; shift < 64 && pos_ < in_.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      n |= static_cast<std::size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return n;
    }
    return std::nullopt;
  }
  // A number of bytes, or of items that each take at least one byte, still to come: a larger one is
  // damage, not a reason to allocate.
  std::optional<std::size_t> count() {
    const auto n = size();
    if (!n || *n > in_.size() - pos_) return std::nullopt;
    return n;
  }
  std::optional<std::string_view> text() {
    const auto n = count();
    if (!n) return std::nullopt;
    const std::string_view out = in_.substr(pos_, *n);
    pos_ += *n;
    return out;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

// The texts that end every form of packed summary, then the end of the bytes.
bool read_texts(Reader& in, HitSummary& out) {
  const auto count = in.count();
  if (!count) return false;
  out.text.reserve(*count);
  for (std::size_t i = 0; i < *count; ++i) {
    const auto text = in.text();
    if (!text) return false;
    out.text.push_back(*text);
  }
  return in.at_end();
}

bool read_head(Reader& in, HitSummary& out) {
  for (std::string_view* field : {&out.id, &out.type, &out.title}) {
    const auto text = in.text();
    if (!text) return false;
    *field = *text;
  }
  return true;
}

bool read_facets(Reader& in, std::vector<SummaryFacet>& out) {
  const auto facets = in.count();
  if (!facets || *facets > model::facets().size()) return false;
  out.resize(*facets);
  for (auto& facet : out) {
    const auto name = in.text();
    const auto multi = in.size();
    const auto values = in.count();
    if (!name || !multi || *multi > 1 || !values) return false;
    facet.name = *name;
    facet.multi = *multi == 1;
    facet.values.reserve(*values);
    for (std::size_t i = 0; i < *values; ++i) {
      const auto value = in.text();
      const auto label = in.text();
      if (!value || !label) return false;
      facet.values.emplace_back(*value, *label);
    }
  }
  return true;
}

// The string `object` holds under `key` (an object of any kind), as a view of it; empty when there is
// none or it is not a string: older and damaged summaries are read, never thrown on.
std::string_view string_at(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view();
}

}  // namespace

std::vector<SummaryFacet> summary_facets(const json& facets) {
  std::vector<SummaryFacet> out;
  if (!facets.is_object()) return out;
  for (const auto& spec : model::facets()) {
    const auto it = facets.find(std::string(spec.name));
    if (it == facets.end()) continue;
    SummaryFacet facet{spec.name, it->is_array(), {}};
    auto add = [&](const json& v) {
      if (v.is_object()) facet.values.emplace_back(string_at(v, "value"), string_at(v, "label"));
    };
    if (facet.multi) {
      for (const json& v : *it) add(v);
    } else {
      add(*it);
    }
    if (!facet.values.empty()) out.push_back(std::move(facet));
  }
  return out;
}

namespace {

// The facets of a stored record or JSON summary, under its "facets" key.
std::vector<SummaryFacet> facets_of(const json& record) {
  const auto facets = record.find("facets");
  return facets != record.end() ? summary_facets(*facets) : std::vector<SummaryFacet>();
}

}  // namespace

std::string pack_hit_summary(const json& record, std::string_view title) {
  std::vector<std::string_view> text;
  auto add = [&](const json& object, const char* key) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) text.push_back(it->get_ref<const std::string&>());
  };
  const std::string_view type = string_at(record, "type");
  add(record, "description");
  if (const auto ev = record.find("evidence"); ev != record.end() && ev->is_array())
    for (const auto& e : *ev) add(e, "text");
  if (type == "mitigation")
    if (const auto ts = record.find("techniques"); ts != record.end() && ts->is_array())
      for (const auto& t : *ts) add(t, "use");
  if (type == "case-study")
    if (const auto steps = record.find("procedure"); steps != record.end() && steps->is_array())
      for (const auto& step : *steps) add(step, "description");
  if (text.empty()) add(record, "title");
  if (title.empty()) title = string_at(record, "title");
  return pack_hit_summary(HitSummary{string_at(record, "id"), type, title, facets_of(record), std::move(text)});
}

std::string pack_hit_summary(const HitSummary& summary) {
  std::string out(1, kPackedMark);
  for (std::string_view field : {summary.id, summary.type, summary.title}) put_text(out, field);
  put_size(out, summary.facets.size());
  for (const auto& facet : summary.facets) {
    put_text(out, facet.name);
    put_size(out, facet.multi ? 1 : 0);
    put_size(out, facet.values.size());
    for (const auto& [value, label] : facet.values) {
      put_text(out, value);
      put_text(out, label);
    }
  }
  put_size(out, summary.text.size());
  for (std::string_view text : summary.text) put_text(out, text);
  return out;
}

bool is_packed_hit_summary(std::string_view bytes) { return !bytes.empty() && bytes[0] == kPackedMark; }

std::optional<std::string> repack_hit_summary(std::string_view bytes) {
  HitSummary out;
  if (!bytes.empty() && bytes[0] == kJsonFacetsMark) {
    Reader in(bytes.substr(1));
    if (!read_head(in, out)) return std::nullopt;
    const auto facets_json = in.text();
    if (!facets_json || !read_texts(in, out)) return std::nullopt;
    const json facets = json::parse(*facets_json, nullptr, false);
    out.facets = summary_facets(facets);
    return pack_hit_summary(out);
  }
  // JSON: {"id", "type", "title", "facets", "text": [...]}.
  const json summary = json::parse(bytes, nullptr, false);
  if (!summary.is_object() || !summary.contains("text") || !summary["text"].is_array()) return std::nullopt;
  out = HitSummary{string_at(summary, "id"), string_at(summary, "type"), string_at(summary, "title"),
                   facets_of(summary), {}};
  for (const auto& text : summary["text"])
    if (text.is_string()) out.text.push_back(text.get_ref<const std::string&>());
  return pack_hit_summary(out);
}

std::optional<HitSummary> unpack_hit_summary(std::string_view packed) {
  if (!is_packed_hit_summary(packed)) return std::nullopt;
  Reader in(packed.substr(1));
  HitSummary out;
  if (!read_head(in, out) || !read_facets(in, out.facets) || !read_texts(in, out)) return std::nullopt;
  return out;
}

}  // namespace riskatlas::index
