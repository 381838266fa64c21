#include "load/yaml_tree.h"

#include <catch2/catch.hpp>

#include <string>

#include "load_test_support.h"

using namespace riskatlas;
using riskatlas::load::parse_yaml;
using riskatlas::load::YamlLimits;
using riskatlas::load::YamlNode;
using riskatlas::testing::has_warning;

TEST_CASE("YAML tree keeps mapping order, lines and scalar text", "[load][yaml]") {
  Diagnostics w;
  const auto r = parse_yaml("b: 1\na:\n  - x\n  - 'y'\nwhen: 2024-05-06\nflag: no\nempty:\n", "t.yaml", w);
  REQUIRE(r.ok());
  const YamlNode& root = *r;
  REQUIRE(root.is_mapping());
  REQUIRE(root.entries.size() == 5);
  CHECK(root.entries[0].first == "b");
  CHECK(root.entries[1].first == "a");
  const YamlNode* a = root.find("a");
  REQUIRE(a != nullptr);
  REQUIRE(a->is_sequence());
  CHECK(a->items.size() == 2);
  CHECK(a->items[1].value == "y");
  CHECK_FALSE(a->items[1].plain);
  CHECK(a->items[1].line == 4);
  CHECK(root.find("when")->value == "2024-05-06");
  CHECK(root.find("flag")->value == "no");
  CHECK(root.find("empty")->is_null());
  CHECK(root.find("missing") == nullptr);
  CHECK(w.empty());
}

TEST_CASE("YAML duplicate keys keep the first value with a warning naming the line", "[load][yaml]") {
  Diagnostics w;
  const auto r = parse_yaml("id: first\nname: n\nid: second\n", "d.yaml", w);
  REQUIRE(r.ok());
  CHECK(r->find("id")->value == "first");
  CHECK(r->entries.size() == 2);
  CHECK(has_warning(w, "d.yaml:3", "duplicate key 'id'", "first on line 1"));
}

TEST_CASE("YAML aliases are refused at the first one, which defuses an alias bomb", "[load][yaml]") {
  Diagnostics w;
  const std::string data = riskatlas::testing::read_text(riskatlas::testing::load_fixture("alias_bomb.yaml"));
  const auto r = parse_yaml(data, "bomb.yaml", w);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("bomb.yaml:2:") == 0);
  CHECK(r.status().message().find("aliases are not supported") != std::string::npos);
  CHECK(r.status().message().find("(*a") != std::string::npos);
  // Refused, not expanded: the 14 nodes before the first alias stay under a limit of 20.
  YamlLimits tiny;
  tiny.max_nodes = 20;
  const auto bounded = parse_yaml(data, "bomb.yaml", w, tiny);
  REQUIRE_FALSE(bounded.ok());
  CHECK(bounded.status().message().find("aliases are not supported") != std::string::npos);
}

TEST_CASE("YAML nesting deeper than the limit is refused without recursion", "[load][yaml]") {
  Diagnostics w;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto r = parse_yaml(deep, "deep.yaml", w);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("nesting deeper than 64") != std::string::npos);
  std::string ok_depth = std::string(64, '[') + std::string(64, ']');
  CHECK(parse_yaml(ok_depth, "ok.yaml", w).ok());
}

TEST_CASE("YAML with more nodes than the limit is refused", "[load][yaml]") {
  Diagnostics w;
  std::string many = "[";
  for (int i = 0; i < 100; ++i) many += "1,";
  many += "1]";
  YamlLimits limits;
  limits.max_nodes = 50;
  const auto r = parse_yaml(many, "many.yaml", w, limits);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("more than 50 YAML nodes") != std::string::npos);
}

TEST_CASE("YAML syntax error is fatal with line, column and the parser's problem", "[load][yaml]") {
  Diagnostics w;
  const auto r = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "s.yaml", w);
  REQUIRE_FALSE(r.ok());
  const std::string& m = r.status().message();
  CHECK(m.find("s.yaml:3:") == 0);
  CHECK(m.find("YAML syntax error") != std::string::npos);
}

TEST_CASE("YAML tab indentation is a syntax error", "[load][yaml]") {
  Diagnostics w;
  const auto r = parse_yaml("a:\n\tb: 1\n", "tab.yaml", w);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("tab.yaml:2:") == 0);
}

TEST_CASE("YAML invalid UTF-8 and control characters are repaired with a warning", "[load][yaml]") {
  Diagnostics w;
  const auto r = parse_yaml("a: ok\nb: bad \xFF byte\x01 here\n", "u.yaml", w);
  REQUIRE(r.ok());
  CHECK(r->find("b")->value == "bad \xEF\xBF\xBD byte here");
  CHECK(has_warning(w, "u.yaml:2", "1 invalid UTF-8", "1 control"));
}

TEST_CASE("YAML empty input is an error and only the first document is read", "[load][yaml]") {
  Diagnostics w;
  CHECK_FALSE(parse_yaml("", "e.yaml", w).ok());
  CHECK_FALSE(parse_yaml("# just a comment\n", "e.yaml", w).ok());
  const auto r = parse_yaml("a: 1\n---\nb: 2\n", "m.yaml", w);
  REQUIRE(r.ok());
  CHECK(r->find("a") != nullptr);
  CHECK(has_warning(w, "m.yaml:2", "only the first YAML document"));
}

TEST_CASE("YAML anchors without aliases are accepted", "[load][yaml]") {
  Diagnostics w;
  const auto r = parse_yaml("a: &x 1\nb: 2\n", "anchor.yaml", w);
  REQUIRE(r.ok());
  CHECK(r->find("a")->value == "1");
}
