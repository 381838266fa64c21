#include "eval/fts5_peer.h"

#include <sqlite3.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "index/record_document.h"
#include "model/link_graph.h"

namespace riskatlas::eval {

namespace {

constexpr const char* kSchema =
    "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, description, quotes,"
    " tokenize = 'porter unicode61 remove_diacritics 2')";
// Field weights title 6, description 3, quotes 1 (the id column 0): FTS5's best of those tried on the
// query sets (title 9 or 12 with description 2 or 3 score 0.526-0.535 on the published data against
// 0.536), and riskatlas's own until it moved to 9/2/1 (schema.h). bm25() is lower for better
// matches. Ties fall back to load order so runs repeat.
const std::string kRankOrder = "bm25(t, 0, 6.0, 3.0, 1.0), rowid";
const std::string kSearch = "SELECT id FROM t WHERE t MATCH ?1 ORDER BY " + kRankOrder + " LIMIT ?2";

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

// Facet values in a table of their own, rowid-aligned with t (records were inserted in this order).
bool load_facets(sqlite3* db, const model::Atlas& atlas) {
  if (sqlite3_exec(db, "CREATE TABLE f (doc INTEGER, facet TEXT, value TEXT)", nullptr, nullptr, nullptr) != SQLITE_OK)
    return false;
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO f VALUES (?1, ?2, ?3)", -1, &insert, nullptr) != SQLITE_OK) return false;
  bool ok = true;
  sqlite3_int64 doc = 0;
  auto add = [&](const std::string& facet, const std::string& value) {
    sqlite3_reset(insert);
    sqlite3_bind_int64(insert, 1, doc);
    sqlite3_bind_text(insert, 2, facet.data(), static_cast<int>(facet.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    ok = ok && sqlite3_step(insert) == SQLITE_DONE;
  };
  const model::LinkGraph graph(atlas);
  for (std::size_t r = 0; r < atlas.risks.size(); ++r) {
    ++doc;
    for (const auto& [facet, values] : index::risk_facets(atlas, graph, r))
      for (const auto& v : values) add(facet, v);
  }
  for (std::size_t i = 0; i < atlas.techniques.size(); ++i) ++doc, add("type", "technique");
  for (std::size_t i = 0; i < atlas.mitigations.size(); ++i) ++doc, add("type", "mitigation");
  sqlite3_finalize(insert);
  return ok &&
         sqlite3_exec(db, "CREATE INDEX f_value ON f (facet, value, doc); CREATE INDEX f_doc ON f (doc)", nullptr,
                      nullptr, nullptr) == SQLITE_OK;
}

// " AND <column> IN (SELECT doc FROM f WHERE facet = 'x' AND value IN (...))" for every filter but
// `except`. On t the column is written "+t.rowid", which keeps SQLite from handing the rowid list to
// FTS5 as its access path (a MATCH per listed row, seconds per query); the match runs first instead.
std::string filter_sql(const std::map<std::string, std::vector<std::string>>& filters, const std::string& except,
                       const std::string& column) {
  std::string out;
  for (const auto& [facet, values] : filters) {
    if (facet == except || values.empty()) continue;
    char* f = sqlite3_mprintf("%Q", facet.c_str());
    out += " AND " + column + " IN (SELECT doc FROM f WHERE facet = " + f + " AND value IN (";
    sqlite3_free(f);
    for (std::size_t i = 0; i < values.size(); ++i) {
      char* v = sqlite3_mprintf("%Q", values[i].c_str());
      out += (i ? ", " : "") + std::string(v);
      sqlite3_free(v);
    }
    out += "))";
  }
  return out;
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

std::string fts5_match_expression(const std::vector<std::string>& tokens, Fts5Mode mode, bool prefix_last) {
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
  if (prefix_last && !out.empty()) out += '*';
  return out;
}

Result<std::unique_ptr<Fts5Peer>> Fts5Peer::build(const model::Atlas& atlas, bool facets) {
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
  // A sub-technique's title after its parent's name, as riskatlas indexes it.
  const model::LinkGraph graph(atlas);
  for (std::size_t t = 0; t < atlas.techniques.size(); ++t)
    ok = ok && add(atlas.techniques[t].id, index::technique_full_name(atlas, graph, t),
                   atlas.techniques[t].description, "");
  for (const auto& mit : atlas.mitigations) {
    std::vector<std::string_view> uses;
    for (const auto& use : mit.techniques) uses.push_back(use.use);
    ok = ok && add(mit.id, mit.name, mit.description, join(uses));
  }
  sqlite3_finalize(insert);
  if (ok && facets) ok = load_facets(db, atlas);
  ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  if (!ok) return sqlite_error(db, "load records");

  if (sqlite3_prepare_v2(db, kSearch.c_str(), -1, &peer->search_, nullptr) != SQLITE_OK)
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

Result<Fts5Answer> Fts5Peer::search_faceted(std::string_view query,
                                            const std::map<std::string, std::vector<std::string>>& filters,
                                            std::size_t limit, bool prefix_last) {
  Fts5Answer answer;
  const std::string match = fts5_match_expression(fts5_tokens(query), Fts5Mode::kAnd, prefix_last);
  std::string matched = "1";
  if (!match.empty()) {
    char* m = sqlite3_mprintf("t MATCH %Q", match.c_str());
    matched = m;
    sqlite3_free(m);
  }
  // Runs `sql`, calling `row` on each result row.
  auto run = [&](const std::string& sql, auto&& row) -> Status {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return sqlite_error(db_, sql);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? Status::OK() : sqlite_error(db_, sql);
  };
  auto text = [](sqlite3_stmt* stmt, int col) {
    const auto* s = sqlite3_column_text(stmt, col);
    return std::string(s ? reinterpret_cast<const char*>(s) : "");
  };
  const std::string page =
      match.empty()
          ? "SELECT id, '' FROM t WHERE 1" + filter_sql(filters, "", "+t.rowid") + " ORDER BY rowid LIMIT " +
                std::to_string(limit)
          : "SELECT id, snippet(t, 2, '<mark>', '</mark>', '...', 24) FROM t WHERE " + matched +
                filter_sql(filters, "", "+t.rowid") + " ORDER BY " + kRankOrder + " LIMIT " +
                std::to_string(limit);
  Status s = run(page, [&](sqlite3_stmt* stmt) {
    answer.ids.push_back(text(stmt, 0));
    answer.snippets.push_back(text(stmt, 1));
  });
  if (!s.ok()) return s;
  // Counted on the facet table: its rows of the matched records (the match set computed once).
  const std::string in_match = match.empty() ? "" : " AND doc IN (SELECT rowid FROM t WHERE " + matched + ")";
  s = run("SELECT facet, value, count(*) FROM f WHERE 1" + in_match + filter_sql(filters, "", "doc") +
              " GROUP BY facet, value",
          [&](sqlite3_stmt* stmt) {
            const std::string facet = text(stmt, 0);
            const auto n = static_cast<std::size_t>(sqlite3_column_int64(stmt, 2));
            if (facet == "type") answer.total += n;  // every record has one type
            if (filters.count(facet) && !filters.at(facet).empty()) return;  // counted below, without its own filter
            answer.facets[facet][text(stmt, 1)] = n;
          });
  if (!s.ok()) return s;
  for (const auto& [facet, values] : filters) {
    if (values.empty()) continue;
    char* f = sqlite3_mprintf("%Q", facet.c_str());
    const std::string sql = "SELECT value, count(*) FROM f WHERE facet = " + std::string(f) + in_match +
                            filter_sql(filters, facet, "doc") + " GROUP BY value";
    sqlite3_free(f);
    s = run(sql, [&](sqlite3_stmt* stmt) {
      answer.facets[facet][text(stmt, 0)] = static_cast<std::size_t>(sqlite3_column_int64(stmt, 1));
    });
    if (!s.ok()) return s;
  }
  return answer;
}

}  // namespace riskatlas::eval
