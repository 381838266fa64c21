#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "csv_export.h"

using namespace riskatlas::server;
using nlohmann::json;

namespace {

const std::string kHeader =
    "id,type,title,domain,subdomain,entity,intent,timing,lifecycle,category,tactic,description,source,quickref,"
    "kind,year,incident_date\r\n";

struct CellCase {
  std::string text;
  std::string cell;
};

void check_cells(const std::vector<CellCase>& cases) {
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(csv_cell(c.text) == c.cell);
  }
}

}  // namespace

TEST_CASE("csv cells are quoted per RFC 4180 only when needed", "[http]") {
  check_cells({{"plain", "plain"},
               {"", ""},
               {"a,b", "\"a,b\""},
               {"say \"hi\"", "\"say \"\"hi\"\"\""},
               {"two\nlines", "\"two\nlines\""},
               {"cr\r", "\"cr\r\""}});
}

TEST_CASE("csv cells that a spreadsheet would run as formulas are defused", "[http]") {
  check_cells({{"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
               {"+1", "'+1"},
               {"-2", "'-2"},
               {"@SUM(A1)", "'@SUM(A1)"},
               {"\tx", "'\tx"},
               {"a=b", "a=b"}});
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
  CHECK(export_csv({risk}) == kHeader +
                                  "01.02.00,risk,\"Bias, \"\"unfair\"\"\",1. Discrimination & Toxicity,,,,,"
                                  "Deployment; Data Preparation,,,'=cmd|' /C calc'!A0,A paper,Doe2024,,,\r\n");
}

TEST_CASE("csv export of nothing is the header alone", "[http]") { CHECK(export_csv({}) == kHeader); }

TEST_CASE("csv export titles a sub-technique by its full name", "[http]") {
  const json sub = {{"id", "AML.T0051.000"}, {"type", "technique"}, {"title", "Direct"},
                    {"full_title", "LLM Prompt Injection: Direct"},
                    {"parent", {{"id", "AML.T0051"}, {"name", "LLM Prompt Injection"}}}};
  CHECK(export_csv({sub}) == kHeader + "AML.T0051.000,technique,LLM Prompt Injection: Direct,,,,,,,,,,,,,,\r\n");
}
