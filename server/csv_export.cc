#include "csv_export.h"

#include <array>

namespace riskatlas::server {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 8> kFacetColumns{"domain", "subdomain", "entity", "intent",
                                                    "timing", "lifecycle", "category", "tactic"};

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The label(s) of one facet of a record: {value,label} or [{value,label}, ...].
std::string facet_labels(const json& record, const char* facet) {
  const auto facets = record.find("facets");
  if (facets == record.end() || !facets->is_object()) return {};
  const auto it = facets->find(facet);
  if (it == facets->end()) return {};
  auto label = [](const json& v) {
    std::string l = string_at(v, "label");
    return l.empty() ? string_at(v, "value") : l;
  };
  if (it->is_object()) return label(*it);
  std::string joined;
  if (it->is_array())
    for (const auto& v : *it) {
      if (!joined.empty()) joined += "; ";
      joined += label(v);
    }
  return joined;
}

void append_row(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_cell(cells[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string csv_cell(std::string_view text) {
  std::string cell;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r'))
    cell += '\'';
  cell.append(text);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string export_csv(const std::vector<json>& records) {
  std::string out;
  append_row(out, {"id", "type", "title", "domain", "subdomain", "entity", "intent", "timing", "lifecycle",
                   "category", "tactic", "description", "source", "quickref", "kind", "year", "incident_date"});
  for (const auto& record : records) {
    // A sub-technique by its full name, as hits list it: "Direct" alone is ambiguous in a spreadsheet.
    std::string title = string_at(record, "full_title");
    if (title.empty()) title = string_at(record, "title");
    std::vector<std::string> cells{string_at(record, "id"), string_at(record, "type"), std::move(title)};
    for (const char* facet : kFacetColumns) cells.push_back(facet_labels(record, facet));
    cells.push_back(string_at(record, "description"));
    const auto source = record.find("source");
    if (source != record.end() && source->is_object()) {
      cells.push_back(string_at(*source, "title"));
      cells.push_back(string_at(*source, "quickref"));
    } else {
      cells.push_back(string_at(record, "source"));
      cells.push_back(string_at(record, "quickref"));
    }
    // Case-study columns, last so the earlier columns keep their places.
    for (const char* facet : {"kind", "year"}) cells.push_back(facet_labels(record, facet));
    cells.push_back(string_at(record, "incident_date"));
    append_row(out, cells);
  }
  return out;
}

}  // namespace riskatlas::server
