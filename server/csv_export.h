// CSV rendering of /api/export: RFC 4180 (quoted where needed, CRLF line ends), one row per record.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace riskatlas::server {

inline constexpr const char* kCsvContentType = "text/csv; charset=utf-8";

// Header: id,type,title,domain,subdomain,entity,intent,timing,lifecycle,category,tactic,description,
// source,quickref,kind,year,incident_date. Facet columns hold labels; several values are joined by "; ".
// The description is the plain text (ATLAS Markdown without links or markup).
std::string export_csv(const std::vector<nlohmann::json>& records);

// One cell: a cell starting with = + - @ (or a tab or CR) gets a leading ' so spreadsheets do not
// run it as a formula; quoted when it holds a comma, a quote or a line break.
std::string csv_cell(std::string_view text);

}  // namespace riskatlas::server
