#include "eval/query_set.h"

#include <fstream>
#include <optional>

#include "util/text.h"
#include "util/utf8.h"

namespace riskatlas::eval {

namespace {

std::optional<QueryKind> parse_kind(std::string_view text) {
  for (QueryKind kind : kQueryKinds)
    if (text == kind_name(kind)) return kind;
  return std::nullopt;
}

std::vector<std::string> split_ids(std::string_view text) {
  std::vector<std::string> ids;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) ids.emplace_back(text.substr(start, i - start));
  }
  return ids;
}

// One non-comment, non-blank line; `where` is "file:line".
Result<KnownItemQuery> parse_line(std::string_view line, const std::string& where) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (fields.size() != 3)
    return Status::InvalidArgument(where + ": expected query<TAB>ids<TAB>kind, found " +
                                   std::to_string(fields.size()) + " tab-separated fields");
  KnownItemQuery q;
  if (text::trim(fields[0]).empty()) return Status::InvalidArgument(where + ": empty query");
  q.text = std::string(fields[0]);
  q.relevant = split_ids(fields[1]);
  if (q.relevant.empty()) return Status::InvalidArgument(where + ": no relevant record id");
  const auto kind = parse_kind(text::trim(fields[2]));
  if (!kind)
    return Status::InvalidArgument(where + ": unknown kind '" + std::string(fields[2]) +
                                   "' (keyword, paraphrase, question, abbreviation, misspelling)");
  q.kind = *kind;
  return q;
}

}  // namespace

const char* kind_name(QueryKind kind) {
  switch (kind) {
    case QueryKind::kKeyword: return "keyword";
    case QueryKind::kParaphrase: return "paraphrase";
    case QueryKind::kQuestion: return "question";
    case QueryKind::kAbbreviation: return "abbreviation";
    case QueryKind::kMisspelling: return "misspelling";
  }
  return "?";
}

Result<QuerySet> load_query_set(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(file.string() + ": cannot open query file");
  QuerySet set;
  set.file = file;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = file.string() + ":" + std::to_string(number);
    if (!utf8::is_valid(line)) return Status::InvalidArgument(where + ": not valid UTF-8");
    if (line.empty() || line[0] == '#' || text::trim(line).empty()) continue;
    auto query = parse_line(line, where);
    if (!query.ok()) return query.status();
    query->line = number;
    set.queries.push_back(std::move(query.value()));
  }
  if (in.bad()) return Status::IOError(file.string() + ": read error");
  if (set.queries.empty()) return Status::InvalidArgument(file.string() + ": no queries");
  return set;
}

Status check_ids(const QuerySet& set, const std::unordered_set<std::string>& known_ids) {
  for (const auto& q : set.queries)
    for (const auto& id : q.relevant)
      if (!known_ids.contains(id))
        return Status::InvalidArgument(set.file.string() + ":" + std::to_string(q.line) + ": record '" + id +
                                       "' is not in the corpus (stale query set?)");
  return Status::OK();
}

}  // namespace riskatlas::eval
