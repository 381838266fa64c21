#include <catch2/catch.hpp>

#include <string>

#include "load/corpus.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;
using riskatlas::load::LoadReport;
using riskatlas::load::load_risk_repository_csv;

namespace {

// One data row of the export, fields in header order (19).
std::string row(const std::string& ev_id, const std::string& paper, const std::string& cat, const std::string& sub,
                const std::string& level, const std::string& category, const std::string& subcategory,
                const std::string& quote, const std::string& domain = "", const std::string& subdomain = "") {
  return "Doc title,Ref2020," + ev_id + "," + paper + "," + cat + "," + sub + ",," + level + "," + category + "," +
         subcategory + ",A description," + quote + ",1,2,1 - Human,1 - Intentional,2 - Post-deployment," + domain +
         "," + subdomain + "\n";
}

// The fixture export (tests/data/load/corpus/risks.csv), loaded for one test.
struct FixtureExport {
  LoadReport report = load_ok(load_risk_repository_csv, load_fixture("corpus/risks.csv"));
  // The risk with this id; the test stops when there is none.
  const model::Risk& risk(const std::string& id) const {
    const auto* r = find_risk(report.atlas, id);
    REQUIRE(r != nullptr);
    return *r;
  }
};

}  // namespace

TEST_CASE_METHOD(FixtureExport, "risk repository fixture loads sources, risks and facets", "[load][csv]") {
  const auto& a = report.atlas;
  check_stats(report.stats, {.csv_rows = 11, .sources = 2, .risks = 6, .evidence_merged = 3});
  CHECK(a.risks.size() == 6);
  REQUIRE(a.sources.size() == 2);
  CHECK(a.sources[0].paper_id == "1");
  CHECK(a.sources[0].quickref == "Doe2020");

  const auto& r = risk("01.01.00");
  CHECK(r.title() == "Model theft");
  CHECK(r.level == "Risk Category");
  CHECK(r.source_title == "A Field Guide to Imaginary Hazards");
  CHECK(r.entity == "human");
  CHECK(r.intent == "intentional");
  CHECK(r.timing == "post-deployment");
  CHECK(r.domain == "2");
  CHECK(r.subdomain == "2.2");
  CHECK(r.subdomain_label == "AI system security vulnerabilities and attacks");
  CHECK(r.origin == "risks.csv:3");
  REQUIRE(!r.evidence.empty());
  CHECK(r.evidence[0].text == "The guide says \"copying is cheap\", and warns that stolen weights travel fast.");
  CHECK(r.evidence[0].page == "3");

  const auto& sub = risk("01.01.01");
  CHECK(sub.title() == "Weight exfiltration");
  CHECK(sub.category == "Model theft");
  CHECK(sub.evidence.empty());
  CHECK(a.versions.at("risk_repository_file") == "risks.csv");
  CHECK(a.versions.at("risk_repository_rows") == "11");
}

TEST_CASE_METHOD(FixtureExport, "risk repository merges additional evidence in file order", "[load][csv]") {
  CHECK(report.stats.evidence_merged == 3);
  const auto& r = risk("01.01.00");
  REQUIRE(r.evidence.size() == 3);
  CHECK(r.evidence[0].id == "01.01.00");
  CHECK(r.evidence[1].id == "01.01.00.a");
  CHECK(r.evidence[1].text == "A first extra quote,\nspread over two lines.");
  CHECK(r.evidence[1].page == "4");
  CHECK(r.evidence[2].id == "01.01.00.b");
  CHECK(r.evidence[2].page == "5");
}

TEST_CASE_METHOD(FixtureExport, "risk repository keeps a duplicated Ev_ID twice with distinct ids", "[load][csv]") {
  const auto& first = risk("01.02.01");
  const auto& second = risk("01.02.01-2");
  CHECK(first.ev_id == "01.02.01");
  CHECK(second.ev_id == "01.02.01");
  CHECK(first.title() == "Overtrust in answers");
  CHECK(second.title() == "Misplaced confidence");
  CHECK(has_warning(report.warnings, "risks.csv:10", "duplicate Ev_ID", "01.02.01-2"));
  // The evidence row names the second risk's subcategory, so it goes there.
  CHECK(first.evidence.empty());
  REQUIRE(second.evidence.size() == 1);
  CHECK(second.evidence[0].id == "01.02.01.a");
}

TEST_CASE_METHOD(FixtureExport, "risk repository gives an empty Domain the domain of its subdomain", "[load][csv]") {
  const auto& r = risk("01.01.02");
  CHECK(r.subdomain == "X.1");
  CHECK(r.domain == "X");
  CHECK(r.subdomain_label == "Excluded");
  CHECK(r.entity == "not-coded");
  CHECK(has_warning(report.warnings, "1 risks with an empty Domain"));
}

TEST_CASE_METHOD(FixtureExport, "risk repository keeps an unknown facet spelling slugged with a warning", "[load][csv]") {
  const auto& r = risk("02.01.00");
  CHECK(r.timing == "sometime-later");
  CHECK(r.entity == "ai");
  CHECK(has_warning(report.warnings, "risks.csv:13", "unknown timing", "Sometime later"));
}

TEST_CASE("risk repository with a different header is fatal naming line 1", "[load][csv]") {
  ScratchDir dir("load_csv_header");
  const auto f = write_file(dir.path(), "other.csv", "name,value\nx,1\n");
  LoadReport report;
  const Status s = load_risk_repository_csv(f, report);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find(f.string() + ":1: not an AI Risk Repository export: expected header Title,QuickRef") == 0);
}

TEST_CASE("risk repository empty file and header-only file are fatal", "[load][csv]") {
  ScratchDir dir("load_csv_empty");
  LoadReport report;
  CHECK_FALSE(load_risk_repository_csv(write_file(dir.path(), "empty.csv", ""), report).ok());
  CHECK_FALSE(load_risk_repository_csv(write_file(dir.path(), "bom.csv", "\xEF\xBB\xBF\r\n"), report).ok());
  const Status s = load_risk_repository_csv(write_file(dir.path(), "h.csv", std::string(kRiskHeader) + "\r\n"), report);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("header only") != std::string::npos);
  CHECK_FALSE(load_risk_repository_csv(dir.path() / "missing.csv", report).ok());
}

TEST_CASE("risk repository reads a BOM, CRLF and no final newline", "[load][csv]") {
  ScratchDir dir("load_csv_bom");
  const std::string text = "\xEF\xBB\xBF" + std::string(kRiskHeader) + "\r\n" +
                           row("01.01.00", "1", "1", "0", "Risk Category", "Alpha", "", "q") +
                           row("01.01.00.a", "1", "1", "0", "Additional evidence", "Alpha", "", "more");
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  crlf.resize(crlf.size() - 2);  // no final CRLF
  LoadReport report = load_ok(load_risk_repository_csv, write_file(dir.path(), "r.csv", crlf));
  REQUIRE(report.atlas.risks.size() == 1);
  CHECK(report.atlas.risks[0].evidence.size() == 2);
  CHECK(report.atlas.risks[0].subdomain.empty());
  CHECK(report.atlas.risks[0].domain.empty());
  CHECK(report.warnings.empty());
}

TEST_CASE("risk repository reads rows of empty cells, which spreadsheets save below the data, as blank", "[load][csv]") {
  ScratchDir dir("load_csv_empty_rows");
  std::string text = std::string(kRiskHeader) + "\n" + row("01.01.00", "1", "1", "0", "Risk Category", "Alpha", "", "q");
  for (int i = 0; i < 30; ++i) text += std::string(18, ',') + "\n";
  LoadReport report = load_ok(load_risk_repository_csv, write_file(dir.path(), "r.csv", text));
  CHECK(report.atlas.risks.size() == 1);
  CHECK(report.stats.skipped == 0);
  CHECK(report.warnings.empty());
}

TEST_CASE("risk repository removes a U+0001 control and repairs invalid UTF-8 with a warning", "[load][csv]") {
  ScratchDir dir("load_csv_dirty");
  const std::string text = std::string(kRiskHeader) + "\n" +
                           row("01.01.00", "1", "1", "0", "Risk Category", "Alpha", "", "bad\x01quote \xC3(here") +
                           row("01.01.00.a", "1", "1", "0", "Additional evidence", "Alpha", "", "fine \xFF");
  LoadReport report = load_ok(load_risk_repository_csv, write_file(dir.path(), "d.csv", text));
  REQUIRE(report.atlas.risks.size() == 1);
  const auto& ev = report.atlas.risks[0].evidence;
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].text == "badquote \xEF\xBF\xBD(here");
  CHECK(ev[1].text == "fine \xEF\xBF\xBD");
  CHECK(has_warning(report.warnings, "d.csv:2 (record 01.01.00)", "1 invalid UTF-8 sequence", "1 control character"));
  CHECK(has_warning(report.warnings, "d.csv:3 (record 01.01.00.a)", "1 invalid UTF-8 sequence"));
}

TEST_CASE("risk repository skips bad rows with a warning and keeps the rest", "[load][csv]") {
  ScratchDir dir("load_csv_bad_rows");
  const std::string text = std::string(kRiskHeader) + "\n" +
                           row("01.01.00", "1", "1", "0", "Risk Category", "Alpha", "", "q") +  // line 2
                           row("", "1", "1", "1", "Risk Sub-Category", "Alpha", "Beta", "q") +  // 3: empty Ev_ID
                           row("01.01.02", "1", "1", "2", "Risk Thing", "Alpha", "Gamma", "q") +  // 4: unknown level
                           "too,few,columns\n" +                                                 // 5
                           row("09.01.00.a", "9", "1", "0", "Additional evidence", "Zeta", "", "orphan") +  // 6
                           row("01.02.00", "1", "2", "0", "Risk Category", "Delta", "", "q") +  // 7
                           row("01.02.01/x", "1", "2", "1", "Risk Sub-Category", "Delta", "Eps", "q");  // 8: no URL
  LoadReport report = load_ok(load_risk_repository_csv, write_file(dir.path(), "b.csv", text));
  CHECK(report.atlas.risks.size() == 2);
  CHECK(report.stats.skipped == 5);
  CHECK(report.stats.csv_rows == 7);
  CHECK(has_warning(report.warnings, "b.csv:3", "empty Ev_ID"));
  CHECK(has_warning(report.warnings, "b.csv:8", "Ev_ID '01.02.01/x' must be"));
  CHECK(has_warning(report.warnings, "b.csv:4", "unknown 'Category level'"));
  CHECK(has_warning(report.warnings, "b.csv:5", "3 columns, expected 19"));
  CHECK(has_warning(report.warnings, "b.csv:6", "not in the file"));
}

TEST_CASE("risk repository gives a risk whose QuickRef is not its paper's the paper's, with a warning", "[load][csv]") {
  ScratchDir dir("load_csv_quickref");
  std::string typo = row("01.01.01", "1", "1", "1", "Risk Sub-Category", "Alpha", "Beta", "q");  // line 4
  typo.replace(typo.find("Ref2020"), 7, "Ref2021");
  std::string other_paper = row("02.01.00", "2", "1", "0", "Risk Category", "Gamma", "", "q");  // line 5
  other_paper.replace(other_paper.find("Ref2020"), 7, "Other2019");  // no Paper row: kept as written
  const std::string text = std::string(kRiskHeader) + "\n" + row("01.00.00", "1", "", "", "Paper", "", "", "") +
                           row("01.01.00", "1", "1", "0", "Risk Category", "Alpha", "", "q") + typo + other_paper;
  LoadReport report = load_ok(load_risk_repository_csv, write_file(dir.path(), "r.csv", text));
  REQUIRE(report.atlas.risks.size() == 3);
  CHECK(report.atlas.risks[0].quickref == "Ref2020");
  CHECK(report.atlas.risks[1].quickref == "Ref2020");
  CHECK(report.atlas.risks[2].quickref == "Other2019");
  CHECK(has_warning(report.warnings, "r.csv:4 (record 01.01.01)", "QuickRef 'Ref2021' is not its paper's: took 'Ref2020'"));
  CHECK_FALSE(has_warning(report.warnings, "r.csv:5"));
}

TEST_CASE("risk repository evidence prefers the risk whose Ev_ID prefixes the row's", "[load][csv]") {
  ScratchDir dir("load_csv_prefix");
  const std::string text = std::string(kRiskHeader) + "\n" +
                           row("05.02.01", "5", "2", "1", "Risk Sub-Category", "Cat", "Sub", "q") +
                           row("05.02.01.a", "5", "2", "1", "Risk Sub-Category", "Cat", "Sub", "q") +
                           row("05.02.01.a.1", "5", "2", "1", "Additional evidence", "Cat", "Sub", "e");
  LoadReport report = load_ok(load_risk_repository_csv, write_file(dir.path(), "p.csv", text));
  REQUIRE(report.atlas.risks.size() == 2);
  CHECK(report.atlas.risks[0].evidence.size() == 1);
  CHECK(report.atlas.risks[1].evidence.size() == 2);
}
