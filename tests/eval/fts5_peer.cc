#include "eval/fts5_peer.h"

#include <sqlite3.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace riskatlas::eval {

namespace {

constexpr const char* kSchema =
    "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, description, quotes,"
    " tokenize = 'porter unicode61 remove_diacritics 2')";
// Weights mirror riskatlas's field weights (schema.h: title 6, description 3, quotes 1); the id
// column gets 0. bm25() is lower for better matches. Ties fall back to load order so runs repeat.
constexpr const char* kSearch =
    "SELECT id FROM t WHERE t MATCH ?1 ORDER BY bm25(t, 0, 6.0, 3.0, 1.0), rowid LIMIT ?2";

Status sqlite_error(sqlite3* db, const std::string& what) {
  return Status::Internal("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

std::string join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out += '\n';
    out += part;
  }
  return out;
}

bool is_token_char(UChar32 c) {
  return c >= 0 && (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

}  // namespace

std::vector<std::string> fts5_tokens(std::string_view query) {
  std::vector<std::string> tokens;
  std::string current;
  const auto* s = reinterpret_cast<const uint8_t*>(query.data());
  const auto length = static_cast<int32_t>(query.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (is_token_char(c)) {
      current.append(query.substr(start, i - start));
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::string fts5_match_expression(const std::vector<std::string>& tokens, Fts5Mode mode) {
  std::string out;
  for (const auto& token : tokens) {
    if (!out.empty()) out += mode == Fts5Mode::kAnd ? " " : " OR ";
    out += '"';
    for (char c : token) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

Result<std::unique_ptr<Fts5Peer>> Fts5Peer::build(const model::Atlas& atlas) {
  std::unique_ptr<Fts5Peer> peer(new Fts5Peer);
  if (sqlite3_open(":memory:", &peer->db_) != SQLITE_OK) return sqlite_error(peer->db_, "open");
  sqlite3* db = peer->db_;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) return sqlite_error(db, "create table");

  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO t (id, title, description, quotes) VALUES (?1, ?2, ?3, ?4)", -1, &insert,
                         nullptr) != SQLITE_OK)
    return sqlite_error(db, "prepare insert");
  auto add = [&](const std::string& id, const std::string& title, const std::string& description,
                 const std::string& quotes) {
    sqlite3_reset(insert);
    sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, title.data(), static_cast<int>(title.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, description.data(), static_cast<int>(description.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, quotes.data(), static_cast<int>(quotes.size()), SQLITE_TRANSIENT);
    return sqlite3_step(insert) == SQLITE_DONE;
  };
  bool ok = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
  for (const auto& risk : atlas.risks) {
    std::vector<std::string_view> quotes;
    for (const auto& e : risk.evidence) quotes.push_back(e.text);
    ok = ok && add(risk.id, risk.title(), risk.description, join(quotes));
  }
  for (const auto& tech : atlas.techniques) ok = ok && add(tech.id, tech.name, tech.description, "");
  for (const auto& mit : atlas.mitigations) {
    std::vector<std::string_view> uses;
    for (const auto& use : mit.techniques) uses.push_back(use.use);
    ok = ok && add(mit.id, mit.name, mit.description, join(uses));
  }
  ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_finalize(insert);
  if (!ok) return sqlite_error(db, "load records");

  if (sqlite3_prepare_v2(db, kSearch, -1, &peer->search_, nullptr) != SQLITE_OK)
    return sqlite_error(db, "prepare search");
  return peer;
}

Fts5Peer::~Fts5Peer() {
  sqlite3_finalize(search_);
  sqlite3_close(db_);
}

Result<std::vector<std::string>> Fts5Peer::search(std::string_view query, Fts5Mode mode, std::size_t limit) {
  std::vector<std::string> ids;
  const std::string match = fts5_match_expression(fts5_tokens(query), mode);
  if (match.empty()) return ids;
  sqlite3_reset(search_);
  sqlite3_bind_text(search_, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(search_, 2, static_cast<sqlite3_int64>(limit));
  int rc;
  while ((rc = sqlite3_step(search_)) == SQLITE_ROW) {
    const auto* id = sqlite3_column_text(search_, 0);
    ids.emplace_back(id ? reinterpret_cast<const char*>(id) : "");
  }
  if (rc != SQLITE_DONE) return sqlite_error(db_, "search '" + match + "'");
  return ids;
}

}  // namespace riskatlas::eval
