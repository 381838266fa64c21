// Case studies, formatted ATLAS text and the source facet through the API, on the default corpus.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/server_fixture.h"

using namespace riskatlas::testing;
using Json = nlohmann::json;

namespace {

Json get_json(httplib::Client& cli, const std::string& path) {
  const auto r = cli.Get(path.c_str());
  REQUIRE(r);
  INFO(path << " -> " << r->body.substr(0, 300));
  REQUIRE(r->status == 200);
  return Json::parse(r->body);
}

// Every node of a formatted text, depth first.
void walk(const Json& nodes, const std::function<void(const Json&)>& visit) {
  for (const auto& node : nodes) {
    visit(node);
    if (node.contains("children")) walk(node["children"], visit);
  }
}

std::size_t facet_count(const Json& body, const std::string& facet, const std::string& value) {
  for (const auto& v : body["facets"][facet])
    if (v["value"] == value) return v["count"].get<std::size_t>();
  return 0;
}

}  // namespace

TEST_CASE_METHOD(ServerTest, "a case study record holds its procedure as an attack chain", "[http][slow]") {
  const Json cs = get_json(*cli, "/api/records/AML.CS0000");
  CHECK(cs["type"] == "case-study");
  CHECK(cs["kind"] == "incident");
  CHECK(cs["incident_date"] == "2025-09-01");
  CHECK(cs["date_precision"] == "month");
  CHECK(cs["reporter"] == "Harbour Line security desk");
  CHECK(cs["facets"]["kind"]["value"] == "incident");
  CHECK(cs["facets"]["year"]["value"] == "2025");
  REQUIRE(cs["procedure"].size() == 4);
  const Json& step = cs["procedure"][2];
  CHECK(step["step"] == 3);
  CHECK(step["tactic"]["id"] == "AML.TA0004");
  CHECK(step["tactic"]["name"] == "Initial Access");
  CHECK(step["technique"]["id"] == "AML.T0052.001");
  CHECK(step["technique"]["name"] == "Phishing: Deepfake-Assisted Phishing");  // a sub-technique, by its full name
  CHECK(step["technique"]["known"] == true);
  // The listed reference and the summary's citation of it are one entry; a step's link adds one.
  REQUIRE(cs["references"].size() == 2);
  CHECK(cs["references"][0]["number"] == 1);
  CHECK(cs["references"][0]["title"] == "Harbour Line incident note");
  CHECK(cs["description"].get<std::string>().find("http") == std::string::npos);
}

TEST_CASE_METHOD(ServerTest, "a technique lists the case studies that used it, incidents first, newest first", "[http][slow]") {
  const Json t = get_json(*cli, "/api/records/AML.T0015");
  REQUIRE(t["case_studies"].size() == 2);
  CHECK(t["case_studies"][0]["id"] == "AML.CS0001");  // 2024 exercise before the 2023 one
  CHECK(t["case_studies"][1]["id"] == "AML.CS0004");
  CHECK(t["counts"]["case_studies"] == 2);
  const Json phishing = get_json(*cli, "/api/records/AML.T0052.001");
  REQUIRE(phishing["case_studies"].size() == 1);
  CHECK(phishing["case_studies"][0]["kind"] == "incident");
  // Its own page and its parent's list of sub-techniques name it alone; both show the parent.
  CHECK(phishing["title"] == "Deepfake-Assisted Phishing");
  CHECK(phishing["parent"]["name"] == "Phishing");
  const Json parent = get_json(*cli, "/api/records/AML.T0052");
  bool listed = false;
  for (const auto& sub : parent["subtechniques"])
    if (sub["id"] == "AML.T0052.001") listed = sub["name"] == "Deepfake-Assisted Phishing";
  CHECK(listed);
}

TEST_CASE_METHOD(ServerTest, "a risk names the case studies that used its techniques and which ones", "[http][slow]") {
  // ORG-004 (deepfake call) is linked to the techniques of the cloned-voice incident.
  const Json risk = get_json(*cli, "/api/records/ORG-004");
  REQUIRE_FALSE(risk["case_studies"].empty());
  const Json& first = risk["case_studies"][0];
  CHECK(first["id"] == "AML.CS0000");
  CHECK(first["kind"] == "incident");
  std::set<std::string> ties;
  for (const auto& t : first["techniques"]) ties.insert(t["id"].get<std::string>());
  CHECK(ties.count("AML.T0052.001") == 1);
  // Incidents come before exercises.
  bool exercise_seen = false;
  for (const auto& c : risk["case_studies"]) {
    if (c["kind"] == "exercise") exercise_seen = true;
    else CHECK_FALSE(exercise_seen);
  }
}

TEST_CASE_METHOD(ServerTest, "ATLAS Markdown arrives as safe nodes with numbered references", "[http][slow]") {
  const Json t = get_json(*cli, "/api/records/AML.T0052.001");
  const std::string description = t["description"];
  CHECK(description.find("voice-note") == std::string::npos);
  CHECK(description.find("https://") == std::string::npos);
  CHECK(description.find("\\[") == std::string::npos);
  REQUIRE(t["references"].size() == 2);
  CHECK(t["references"][0]["title"] == "Voice fraud in payment approval: a field note");
  std::size_t citations = 0, strong = 0;
  walk(t["description_doc"], [&](const Json& node) {
    citations += node["type"] == "citation";
    strong += node["type"] == "strong";
  });
  CHECK(citations == 3);
  CHECK(strong == 1);
  // The mitigation's markup and javascript: link are words only.
  const Json m = get_json(*cli, "/api/records/AML.M0034");
  walk(m["description_doc"], [&](const Json& node) {
    if (node.contains("text")) CHECK(node["text"].get<std::string>().find('<') == std::string::npos);
    if (node.contains("url")) CHECK(node["url"].get<std::string>().rfind("https://", 0) == 0);
  });
  CHECK(m["description"].get<std::string>().find("javascript") == std::string::npos);
}

TEST_CASE_METHOD(ServerTest, "URLs in ATLAS text are not indexed", "[http][slow]") {
  // Words of the technique's link targets and reference labels. A corrected answer means the typed
  // words matched nothing at all.
  for (const char* q : {"example.org", "voice-fraud-note", "clone-study"}) {
    INFO(q);
    const Json body = get_json(*cli, std::string("/api/search?type=technique&q=") + q);
    if (body["corrected"] == true) continue;
    for (const auto& hit : body["hits"]) CHECK(hit["id"] != "AML.T0052.001");
  }
}

TEST_CASE_METHOD(ServerTest, "case studies are searchable and have kind, year and tactic facets", "[http][slow]") {
  const Json all = get_json(*cli, "/api/search?type=case-study&per_page=1");
  CHECK(all["total"] == 5);
  CHECK(facet_count(all, "kind", "incident") == 3);
  CHECK(facet_count(all, "kind", "exercise") == 2);
  CHECK(facet_count(all, "year", "2025") == 2);
  CHECK(facet_count(all, "tactic", "AML.TA0001") == 3);
  // Disjunctive: ticking one kind still counts the other.
  const Json incidents = get_json(*cli, "/api/search?type=case-study&kind=incident&per_page=1");
  CHECK(incidents["total"] == 3);
  CHECK(facet_count(incidents, "kind", "exercise") == 2);
  const Json found = get_json(*cli, "/api/search?q=cloned%20voice%20freight&per_page=3");
  REQUIRE_FALSE(found["hits"].empty());
  CHECK(found["hits"][0]["id"] == "AML.CS0000");
  // Procedure text is indexed too.
  const Json step = get_json(*cli, "/api/search?q=gradient-boosted&type=case-study");
  REQUIRE(step["hits"].size() == 1);
  CHECK(step["hits"][0]["id"] == "AML.CS0004");
}

TEST_CASE_METHOD(ServerTest, "risks narrow by source paper, as a facet and as source: in the query", "[http][slow]") {
  const Json facets = get_json(*cli, "/api/facets");
  REQUIRE(facets["facets"].contains("source"));
  std::string quickref, title;
  std::size_t count = 0;
  for (const auto& v : facets["facets"]["source"]) {
    if (v["value"] == "OrgRegister2026") {
      quickref = v["value"];
      title = v["label"];
      count = v["count"];
    }
  }
  CHECK(quickref == "OrgRegister2026");
  CHECK(title == "Internal risk register 2026");
  CHECK(count == 4);
  const Json by_facet = get_json(*cli, "/api/search?source=OrgRegister2026&per_page=1");
  CHECK(by_facet["total"] == 4);
  const Json by_query = get_json(*cli, "/api/search?q=source:OrgRegister2026&per_page=1");
  CHECK(by_query["total"] == 4);
  // A word of a paper's title is still a text scope.
  const Json by_words = get_json(*cli, "/api/search?q=source:register&per_page=1");
  CHECK(by_words["total"].get<int>() >= 4);
  const Json excluded = get_json(*cli, "/api/search?type=risk&q=-source:OrgRegister2026&per_page=1");
  const Json risks = get_json(*cli, "/api/search?type=risk&per_page=1");
  CHECK(excluded["total"].get<int>() == risks["total"].get<int>() - 4);
}

TEST_CASE_METHOD(ServerTest, "CSV export carries case studies with kind, year and date", "[http][slow]") {
  const auto r = cli->Get("/api/export?type=case-study&format=csv&sort=id");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->body.starts_with("id,type,title,domain,subdomain,entity,intent,timing,lifecycle,category,tactic,"
                            "description,source,quickref,kind,year,incident_date\r\n"));
  CHECK(r->body.find("AML.CS0000,case-study,Cloned Voice Payment Request at a Freight Broker,") != std::string::npos);
  CHECK(r->body.find(",Incident,2025,2025-09-01\r\n") != std::string::npos);
  CHECK(r->body.find("https://") == std::string::npos);
}
