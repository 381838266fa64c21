#include "index/shards.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace riskatlas::index {
namespace fs = std::filesystem;

std::string shard_name(std::size_t k) { return "shard-" + std::to_string(k); }

std::string shard_meta_text(const ShardMeta& meta) {
  nlohmann::json j{{"generation", meta.generation}, {"shards", meta.shards}};
  if (meta.shard) j["shard"] = *meta.shard;
  if (meta.global_docids) j["docids"] = kGlobalDocids;
  return j.dump();
}

std::optional<ShardMeta> parse_shard_meta(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  ShardMeta meta;
  const auto whole = [&](const char* key) -> std::optional<std::size_t> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
    return it->get<std::size_t>();
  };
  if (const auto it = j.find("generation"); it != j.end() && it->is_string()) meta.generation = it->get<std::string>();
  meta.shards = whole("shards").value_or(0);
  meta.shard = whole("shard");
  if (const auto it = j.find("docids"); it != j.end() && it->is_string()) meta.global_docids = *it == kGlobalDocids;
  return meta;
}

std::size_t shard_of(std::string_view id, std::size_t shards) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a offset basis and prime (64 bit)
  for (const char c : id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return shards <= 1 ? 0 : static_cast<std::size_t>(h % shards);
}

Result<std::vector<ShardEntry>> parse_shard_stub(std::string_view text, const fs::path& base) {
  std::vector<ShardEntry> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line.erase(0, start);
    const std::size_t space = line.find_first_of(" \t");
    const std::string kind = line.substr(0, space);
    const std::size_t arg_at = space == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", space);
    const std::string arg = arg_at == std::string::npos ? std::string() : line.substr(arg_at);
    const auto bad = [&](const std::string& why) {
      return Status::InvalidArgument("stub line " + std::to_string(line_no) + " '" + line + "': " + why);
    };
    if (arg.empty()) return bad("no database named");
    ShardEntry e;
    e.line = line;
    if (kind == "auto" || kind == "glass") {
      e.path = fs::path(arg).is_absolute() ? fs::path(arg) : base / arg;
      e.path = e.path.lexically_normal();
    } else if (kind == "remote") {
      const std::size_t colon = arg.rfind(':');
      if (colon == 0 || colon == std::string::npos) return bad("only remote HOST:PORT (xapian-tcpsrv) is accepted");
      e.kind = ShardEntry::Kind::kRemote;
      e.host = arg.substr(0, colon);
      const std::string port = arg.substr(colon + 1);
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
      if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
        return bad("port is not a number from 1 to 65535");
      e.port = value;
    } else {
      return bad("unknown kind '" + kind + "' (auto, glass or remote)");
    }
    out.push_back(std::move(e));
  }
  if (out.empty()) return Status::InvalidArgument("stub names no database");
  return out;
}

Result<std::vector<ShardEntry>> read_shard_stub(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_shard_stub(text.str(), path.parent_path());
  if (!parsed.ok()) return Status::InvalidArgument(path.string() + ": " + parsed.status().message());
  return parsed;
}

std::string shard_stub_text(std::size_t shards) {
  std::string text = std::string("auto ") + kVocabularyName + "\n";
  for (std::size_t k = 0; k < shards; ++k) text += "auto " + shard_name(k) + "\n";
  return text;
}

}  // namespace riskatlas::index
