// LinkGraph over a tiny atlas built here, every expectation worked out by hand from the lists below.
#include "model/link_graph.h"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace riskatlas::model;

namespace {

using Indices = std::vector<std::size_t>;
using Strings = std::vector<std::string>;

Technique technique(std::string id, Strings tactics, std::string parent = "") {
  Technique t;
  t.id = std::move(id);
  t.name = "Technique " + t.id;
  t.tactics = std::move(tactics);
  t.parent = std::move(parent);
  return t;
}

Mitigation mitigation(std::string id, Strings lifecycle, Strings categories, std::vector<TechniqueUse> uses) {
  Mitigation m;
  m.id = std::move(id);
  m.lifecycle = std::move(lifecycle);
  m.categories = std::move(categories);
  m.techniques = std::move(uses);
  return m;
}

Risk risk(std::string id, std::string ev_id) {
  Risk r;
  r.id = std::move(id);
  r.ev_id = std::move(ev_id);
  return r;
}

// Techniques: 0 AML.T0001, 1 AML.T0002, 2 AML.T0002.001 (sub-technique of 1), 3 AML.T0003 (parent
// unknown). Mitigations: 0 lists T0001 and T0002; 1 lists T0002.001 and an unknown technique; 2
// lists T0001 and T0003. Risks: 0 R-1 links T0002, T0001, T0002 again and an unknown technique;
// 1 R-2 links T0002.001; 2 R-3 has no link; 3 R-1-2 shares R-1's Ev_ID but is not named by a link.
// One link names a risk that does not exist.
Atlas tiny_atlas() {
  Atlas a;
  a.tactics = {{"AML.TA0001", "First", "", ""}, {"AML.TA0002", "Second", "", ""}};
  a.techniques = {technique("AML.T0001", {"AML.TA0002"}), technique("AML.T0002", {"AML.TA0001", "AML.TA0002"}),
                  technique("AML.T0002.001", {"AML.TA0001"}, "AML.T0002"),
                  technique("AML.T0003", {}, "AML.T9999")};
  a.mitigations = {
      mitigation("AML.M0001", {"deployment", "data-preparation"}, {"technical-ml"},
                 {{"AML.T0001", "a"}, {"AML.T0002", "b"}}),
      mitigation("AML.M0002", {"monitoring-and-maintenance"}, {"technical-cyber", "policy"},
                 {{"AML.T0002.001", "c"}, {"AML.T4040", "d"}}),
      mitigation("AML.M0003", {"deployment"}, {"technical-ml"}, {{"AML.T0001", "e"}, {"AML.T0003", "f"}}),
  };
  a.risks = {risk("R-1", "R-1"), risk("R-2", "R-2"), risk("R-3", "R-3"), risk("R-1-2", "R-1")};
  a.links = {{"R-1", "AML.T0002", "first"},     {"R-1", "AML.T0001", "second"}, {"R-1", "AML.T0002", "repeat"},
             {"R-1", "AML.T4040", "unknown"},   {"R-2", "AML.T0002.001", "sub"}, {"GHOST", "AML.T0001", "nobody"}};
  return a;
}

Indices techniques_of(const LinkGraph& g, std::size_t r) {
  Indices out;
  for (const auto& rt : g.techniques_of_risk(r)) out.push_back(rt.technique);
  return out;
}

std::vector<std::pair<std::size_t, std::string>> mitigations_of(const LinkGraph& g, std::size_t t) {
  std::vector<std::pair<std::size_t, std::string>> out;
  for (const auto& mu : g.mitigations_of_technique(t)) out.emplace_back(mu.mitigation, mu.use);
  return out;
}

}  // namespace

TEST_CASE("link graph lists a risk's techniques once each, in link order, with the first origin", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  CHECK(techniques_of(g, 0) == Indices{1, 0});
  REQUIRE(g.techniques_of_risk(0).size() == 2);
  CHECK(g.techniques_of_risk(0)[0].origin == "first");
  CHECK(g.techniques_of_risk(0)[1].origin == "second");
  CHECK(techniques_of(g, 1) == Indices{2});
  CHECK(techniques_of(g, 2).empty());
  CHECK(techniques_of(g, 3).empty());  // links name risks by id, not by Ev_ID
}

TEST_CASE("link graph lists a technique's risks, ignoring links to unknown risks", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  CHECK(g.risks_of_technique(0) == Indices{0});
  CHECK(g.risks_of_technique(1) == Indices{0});  // the repeated link counts once
  CHECK(g.risks_of_technique(2) == Indices{1});
  CHECK(g.risks_of_technique(3).empty());
}

TEST_CASE("link graph finds a risk's mitigations through its techniques, first seen first", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  // T0002 brings M0001; T0001 brings M0001 again and M0003.
  CHECK(g.mitigations_of_risk(0) == Indices{0, 2});
  CHECK(g.mitigations_of_risk(1) == Indices{1});
  CHECK(g.mitigations_of_risk(2).empty());
  CHECK(g.risks_of_mitigation(0) == Indices{0});
  CHECK(g.risks_of_mitigation(1) == Indices{1});
  CHECK(g.risks_of_mitigation(2) == Indices{0});
}

TEST_CASE("link graph gives a risk the lifecycle and categories of its mitigations, sorted and unique", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  CHECK(g.lifecycle_of_risk(0) == Strings{"data-preparation", "deployment"});
  CHECK(g.categories_of_risk(0) == Strings{"technical-ml"});
  CHECK(g.lifecycle_of_risk(1) == Strings{"monitoring-and-maintenance"});
  CHECK(g.categories_of_risk(1) == Strings{"policy", "technical-cyber"});
  CHECK(g.lifecycle_of_risk(2).empty());
  CHECK(g.categories_of_risk(2).empty());
}

TEST_CASE("link graph keeps each mitigation's uses of known techniques only", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  using Uses = std::vector<std::pair<std::size_t, std::string>>;
  CHECK(mitigations_of(g, 0) == Uses{{0, "a"}, {2, "e"}});
  CHECK(mitigations_of(g, 1) == Uses{{0, "b"}});
  CHECK(mitigations_of(g, 2) == Uses{{1, "c"}});
  CHECK(mitigations_of(g, 3) == Uses{{2, "f"}});
  CHECK(g.techniques_of_mitigation(0) == Uses{{0, "a"}, {1, "b"}});
  CHECK(g.techniques_of_mitigation(1) == Uses{{2, "c"}});  // AML.T4040 is not in the atlas
  CHECK(g.techniques_of_mitigation(2) == Uses{{0, "e"}, {3, "f"}});
}

TEST_CASE("link graph lists sub-techniques under a known parent only", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  CHECK(g.subtechniques_of(1) == Indices{2});
  CHECK(g.subtechniques_of(0).empty());
  CHECK(g.subtechniques_of(2).empty());
  CHECK(g.subtechniques_of(3).empty());
}

TEST_CASE("link graph finds techniques and tactics by id and answers npos for unknown ids", "[model]") {
  const Atlas atlas = tiny_atlas();
  const LinkGraph g(atlas);
  CHECK(g.find_technique("AML.T0001") == 0);
  CHECK(g.find_technique("AML.T0002.001") == 2);
  CHECK(g.find_technique("AML.T4040") == LinkGraph::npos);
  CHECK(g.find_technique("") == LinkGraph::npos);
  CHECK(g.find_technique("AML.TA0001") == LinkGraph::npos);  // a tactic is not a technique
  CHECK(g.find_tactic("AML.TA0002") == 1);
  CHECK(g.find_tactic("AML.T0001") == LinkGraph::npos);
  CHECK(g.find_tactic("") == LinkGraph::npos);
}

TEST_CASE("link graph over an empty atlas has nothing to find", "[model]") {
  const Atlas atlas;
  const LinkGraph g(atlas);
  CHECK(g.find_technique("AML.T0001") == LinkGraph::npos);
  CHECK(g.find_tactic("AML.TA0001") == LinkGraph::npos);
}
