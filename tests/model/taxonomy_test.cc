#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "index/schema.h"
#include "model/taxonomy.h"

using namespace riskatlas;
using namespace riskatlas::model;

namespace {

using Parse = std::optional<std::string> (*)(std::string_view);

// Each spelling with what the parser makes of it ("" for nullopt: not a spelling it knows).
struct Spelling {
  Parse parse;
  const char* raw;
  const char* parsed;
};

void check_spellings(std::initializer_list<Spelling> table) {
  for (const auto& [parse, raw, parsed] : table) {
    INFO("spelling '" << raw << "'");
    CHECK(parse(raw).value_or("") == parsed);
  }
}

}  // namespace

TEST_CASE("taxonomy parses the causal spellings of the export with or without their number", "[model]") {
  check_spellings({{parse_entity, "1 - Human", "human"},
                   {parse_entity, "Human", "human"},
                   {parse_entity, "2 - AI", "ai"},
                   {parse_entity, "4 - Not coded", "not-coded"},
                   {parse_entity, "not-coded", "not-coded"},
                   {parse_intent, "2 - Unintentional", "unintentional"},
                   {parse_intent, "Intentional", "intentional"},
                   {parse_timing, "1 - Pre-deployment", "pre-deployment"},
                   {parse_timing, "  Post-deployment ", "post-deployment"},
                   // Spellings it does not know stay unparsed.
                   {parse_entity, "robot", ""},
                   {parse_entity, "", ""},
                   {parse_intent, "1 - Human", ""},
                   {parse_timing, "during deployment", ""}});
}

TEST_CASE("taxonomy parses a domain or subdomain from its number, with or without its label", "[model]") {
  check_spellings({{parse_domain, "2. Privacy & Security", "2"},
                   {parse_domain, "7", "7"},
                   {parse_domain, "X. Excluded", "X"},
                   {parse_domain, "x", "X"},
                   {parse_domain, "", ""},
                   {parse_domain, "0", ""},
                   {parse_domain, "12", ""},
                   {parse_domain, "Privacy", ""},
                   {parse_subdomain, "2.2 > AI system security vulnerabilities and attacks", "2.2"},
                   {parse_subdomain, "2.2", "2.2"},
                   {parse_subdomain, "x.1 > Excluded", "X.1"},
                   {parse_subdomain, "7.10", "7.10"},
                   {parse_subdomain, "2", ""},
                   {parse_subdomain, "2.a", ""},
                   {parse_subdomain, "0.1", ""},
                   {parse_subdomain, "22.1", ""}});
}

TEST_CASE("taxonomy parses ATLAS lifecycle stages and mitigation categories by their names", "[model]") {
  check_spellings({{parse_lifecycle, "ML Model Evaluation", "ml-model-evaluation"},
                   {parse_lifecycle, "Data Preparation", "data-preparation"},
                   {parse_lifecycle, "monitoring-and-maintenance", "monitoring-and-maintenance"},
                   {parse_lifecycle, "Testing", ""},
                   {parse_category, "Technical - ML", "technical-ml"},
                   {parse_category, "Technical - Cyber", "technical-cyber"},
                   {parse_category, "Policy", "policy"},
                   {parse_category, "Technical", ""}});
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
    CHECK(std::string(f.term_prefix) == std::string(schema::kFacetPrefix).append(f.name).append(":"));
    CHECK(slots.insert(f.slot).second);
    CHECK(f.slot != schema::kSlotSortId);
    CHECK(f.slot != schema::kSlotSortTitle);
  }
  CHECK(facets().front().name == "type");
}
