#include <catch2/catch.hpp>

#include "csv_export.h"

using namespace riskatlas::server;
using nlohmann::json;

TEST_CASE("csv cells are quoted per RFC 4180 only when needed", "[http]") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("") == "");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(csv_cell("cr\r") == "\"cr\r\"");
}

TEST_CASE("csv cells that a spreadsheet would run as formulas are defused", "[http]") {
  CHECK(csv_cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(csv_cell("+1") == "'+1");
  CHECK(csv_cell("-2") == "'-2");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("a=b") == "a=b");
}

TEST_CASE("csv export has the documented header and facet labels", "[http]") {
  const json risk = {
      {"id", "01.02.00"},
      {"type", "risk"},
      {"title", "Bias, \"unfair\""},
      {"description", "=cmd|' /C calc'!A0"},
      {"source", {{"title", "A paper"}, {"quickref", "Doe2024"}}},
      {"facets",
       {{"domain", {{"value", "1"}, {"label", "1. Discrimination & Toxicity"}}},
        {"lifecycle", json::array({{{"value", "deployment"}, {"label", "Deployment"}},
                                   {{"value", "data-preparation"}, {"label", "Data Preparation"}}})}}},
  };
  const std::string csv = export_csv({risk});
  const std::string header =
      "id,type,title,domain,subdomain,entity,intent,timing,lifecycle,category,tactic,description,source,quickref\r\n";
  REQUIRE(csv.substr(0, header.size()) == header);
  CHECK(csv.substr(header.size()) ==
        "01.02.00,risk,\"Bias, \"\"unfair\"\"\",1. Discrimination & Toxicity,,,,,Deployment; Data Preparation,,,"
        "'=cmd|' /C calc'!A0,A paper,Doe2024\r\n");
}

TEST_CASE("csv export of nothing is the header alone", "[http]") {
  CHECK(export_csv({}).find("\r\n") == export_csv({}).size() - 2);
}
