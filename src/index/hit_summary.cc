#include "index/hit_summary.h"

namespace riskatlas::index {
namespace {

using nlohmann::json;

// The first byte of a packed summary; JSON, which older indexes stored, starts with '{'.
constexpr char kPackedMark = '\x01';

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
  std::optional<std::string_view> text() {
    const auto n = size();
    if (!n || *n > in_.size() - pos_) return std::nullopt;
    const std::string_view out = in_.substr(pos_, *n);
    pos_ += *n;
    return out;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string pack_hit_summary(const json& record) {
  std::vector<std::string_view> text;
  auto add = [&](const json& object, const char* key) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) text.push_back(it->get_ref<const std::string&>());
  };
  add(record, "description");
  if (const auto ev = record.find("evidence"); ev != record.end() && ev->is_array())
    for (const auto& e : *ev) add(e, "text");
  const std::string type = record.value("type", "");
  if (type == "mitigation")
    if (const auto ts = record.find("techniques"); ts != record.end() && ts->is_array())
      for (const auto& t : *ts) add(t, "use");
  if (type == "case-study")
    if (const auto steps = record.find("procedure"); steps != record.end() && steps->is_array())
      for (const auto& step : *steps) add(step, "description");
  if (text.empty()) add(record, "title");
  const std::string id = record.value("id", ""), title = record.value("title", "");
  const std::string facets =
      record.value("facets", json::object()).dump(-1, ' ', false, json::error_handler_t::replace);
  return pack_hit_summary(HitSummary{id, type, title, facets, std::move(text)});
}

std::string pack_hit_summary(const HitSummary& summary) {
  std::string out(1, kPackedMark);
  for (std::string_view field : {summary.id, summary.type, summary.title, summary.facets}) put_text(out, field);
  put_size(out, summary.text.size());
  for (std::string_view text : summary.text) put_text(out, text);
  return out;
}

bool is_packed_hit_summary(std::string_view bytes) { return !bytes.empty() && bytes[0] == kPackedMark; }

std::optional<HitSummary> unpack_hit_summary(std::string_view packed) {
  if (!is_packed_hit_summary(packed)) return std::nullopt;
  Reader in(packed.substr(1));
  HitSummary out;
  for (std::string_view* field : {&out.id, &out.type, &out.title, &out.facets}) {
    const auto text = in.text();
    if (!text) return std::nullopt;
    *field = *text;
  }
  const auto count = in.size();
  // Each text takes at least its length byte: a larger count is damage, not a reason to allocate.
  if (!count || *count > packed.size()) return std::nullopt;
  out.text.reserve(*count);
  for (std::size_t i = 0; i < *count; ++i) {
    const auto text = in.text();
    if (!text) return std::nullopt;
    out.text.push_back(*text);
  }
  if (!in.at_end()) return std::nullopt;
  return out;
}

}  // namespace riskatlas::index
