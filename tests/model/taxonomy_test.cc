#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "index/schema.h"
#include "model/taxonomy.h"

using namespace riskatlas;
using namespace riskatlas::model;

TEST_CASE("taxonomy parses the causal spellings of the export with or without their number", "[model]") {
  CHECK(parse_entity("1 - Human") == "human");
  CHECK(parse_entity("Human") == "human");
  CHECK(parse_entity("2 - AI") == "ai");
  CHECK(parse_entity("4 - Not coded") == "not-coded");
  CHECK(parse_entity("not-coded") == "not-coded");
  CHECK(parse_intent("2 - Unintentional") == "unintentional");
  CHECK(parse_intent("Intentional") == "intentional");
  CHECK(parse_timing("1 - Pre-deployment") == "pre-deployment");
  CHECK(parse_timing("  Post-deployment ") == "post-deployment");
}

TEST_CASE("taxonomy leaves a causal spelling it does not know unparsed", "[model]") {
  CHECK_FALSE(parse_entity("robot"));
  CHECK_FALSE(parse_entity(""));
  CHECK_FALSE(parse_intent("1 - Human"));
  CHECK_FALSE(parse_timing("during deployment"));
}

TEST_CASE("taxonomy parses a domain from its number, its label or X", "[model]") {
  CHECK(parse_domain("2. Privacy & Security") == "2");
  CHECK(parse_domain("7") == "7");
  CHECK(parse_domain("X. Excluded") == "X");
  CHECK(parse_domain("x") == "X");
  CHECK_FALSE(parse_domain(""));
  CHECK_FALSE(parse_domain("0"));
  CHECK_FALSE(parse_domain("12"));
  CHECK_FALSE(parse_domain("Privacy"));
}

TEST_CASE("taxonomy parses a subdomain from its number with or without its label", "[model]") {
  CHECK(parse_subdomain("2.2 > AI system security vulnerabilities and attacks") == "2.2");
  CHECK(parse_subdomain("2.2") == "2.2");
  CHECK(parse_subdomain("x.1 > Excluded") == "X.1");
  CHECK(parse_subdomain("7.10") == "7.10");
  CHECK_FALSE(parse_subdomain("2"));
  CHECK_FALSE(parse_subdomain("2.a"));
  CHECK_FALSE(parse_subdomain("0.1"));
  CHECK_FALSE(parse_subdomain("22.1"));
}

TEST_CASE("taxonomy parses ATLAS lifecycle stages and mitigation categories by their names", "[model]") {
  CHECK(parse_lifecycle("ML Model Evaluation") == "ml-model-evaluation");
  CHECK(parse_lifecycle("Data Preparation") == "data-preparation");
  CHECK(parse_lifecycle("monitoring-and-maintenance") == "monitoring-and-maintenance");
  CHECK_FALSE(parse_lifecycle("Testing"));
  CHECK(parse_category("Technical - ML") == "technical-ml");
  CHECK(parse_category("Technical - Cyber") == "technical-cyber");
  CHECK(parse_category("Policy") == "policy");
  CHECK_FALSE(parse_category("Technical"));
}

TEST_CASE("taxonomy labels the known values of its fixed tables only", "[model]") {
  CHECK(known_label("domain", "2") == "2. Privacy & Security");
  CHECK(known_label("subdomain", "2.2") == "2.2 AI system security vulnerabilities and attacks");
  CHECK(known_label("entity", "ai") == "AI");
  CHECK(known_label("lifecycle", "ml-model-evaluation") == "ML Model Evaluation");
  CHECK(known_label("type", "mitigation") == "Mitigation");
  CHECK_FALSE(known_label("domain", "9"));
  CHECK_FALSE(known_label("tactic", "AML.TA0001"));  // tactic labels come from the ATLAS data
  CHECK_FALSE(known_label("no-such-facet", "2"));
}

TEST_CASE("taxonomy gives a subdomain's domain", "[model]") {
  CHECK(domain_of_subdomain("2.2") == "2");
  CHECK(domain_of_subdomain("7.10") == "7");
  CHECK(domain_of_subdomain("X.1") == "X");
}

TEST_CASE("every facet is found by name and laid out as the index schema says", "[model]") {
  CHECK(find_facet("nope") == nullptr);
  REQUIRE(find_facet("domain") != nullptr);
  CHECK(find_facet("domain")->slot == schema::kDomainFacet.slot);
  CHECK(find_facet("tactic")->term_prefix == schema::kTacticFacet.term_prefix);
  CHECK(find_facet("lifecycle")->multi);
  CHECK_FALSE(find_facet("type")->multi);
  std::set<unsigned> slots;
  for (const FacetSpec& f : facets()) {
    CHECK(find_facet(f.name) == &f);
    CHECK(std::string(f.term_prefix) == std::string(schema::kFacetPrefix) + std::string(f.name) + ":");
    CHECK(slots.insert(f.slot).second);
    CHECK(f.slot != schema::kSlotSortId);
    CHECK(f.slot != schema::kSlotSortTitle);
  }
  CHECK(facets().front().name == "type");
}
