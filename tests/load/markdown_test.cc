#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "load/markdown.h"

using namespace riskatlas;
using model::TextNode;
using Kind = TextNode::Kind;

namespace {

load::detail::MarkdownText read_markdown(std::string_view markdown, std::vector<model::Reference>& refs) {
  load::detail::ReferenceNumbers numbers(refs);
  return load::detail::read_markdown(markdown, numbers);
}

// Every node of `text`, depth first.
void walk(const model::RichText& text, const std::function<void(const TextNode&)>& visit) {
  for (const auto& node : text) {
    visit(node);
    walk(node.children, visit);
  }
}

std::size_t count(const model::RichText& text, Kind kind) {
  std::size_t n = 0;
  walk(text, [&](const TextNode& node) { n += node.kind == kind; });
  return n;
}

}  // namespace

TEST_CASE("markdown reference-style citations become numbered references, not words", "[load][markdown]") {
  std::vector<model::Reference> refs;
  const auto md = read_markdown(
      "Callers impersonate staff [\\[1\\]][vishing] and executives [\\[2\\]][ceo].\n\n"
      "[vishing]: https://example.org/vishing \"Voice phishing on the rise\"\n"
      "[ceo]: https://example.org/ceo-fraud\n",
      refs);
  CHECK(md.plain == "Callers impersonate staff and executives.");
  REQUIRE(refs.size() == 2);
  CHECK(refs[0].number == 1);
  CHECK(refs[0].title == "Voice phishing on the rise");
  CHECK(refs[0].url == "https://example.org/vishing");
  CHECK(refs[1].title.empty());  // a citation's "[2]" is no title
  REQUIRE(md.rich.size() == 1);
  CHECK(md.rich[0].kind == Kind::kParagraph);
  CHECK(count(md.rich, Kind::kCitation) == 2);
  walk(md.rich, [](const TextNode& node) {
    if (node.kind == Kind::kCitation) CHECK(node.url.starts_with("https://example.org/"));
  });
}

TEST_CASE("markdown inline links keep their words and share numbers by URL", "[load][markdown]") {
  std::vector<model::Reference> refs{{1, "Listed first", "https://example.org/a"}};
  const auto md = read_markdown("See [the write-up](https://example.org/b) and [\\[1\\]](https://example.org/a).", refs);
  CHECK(md.plain == "See the write-up and.");
  REQUIRE(refs.size() == 2);
  CHECK(refs[1].number == 2);
  CHECK(refs[1].title == "the write-up");
  const auto& para = md.rich.at(0).children;
  REQUIRE(para.size() == 5);  // "See ", the link, " and ", the citation, "."
  CHECK(para[1].kind == Kind::kLink);
  CHECK(para[1].number == 2);
  CHECK(para[1].children.at(0).text == "the write-up");
  CHECK(para[3].kind == Kind::kCitation);
  CHECK(para[3].number == 1);
}

TEST_CASE("markdown drops raw HTML, images and non-web links, keeping their words", "[load][markdown]") {
  std::vector<model::Reference> refs;
  const auto md = read_markdown(
      "Click [here](javascript:alert(1)) or <span onclick=\"x()\">there</span> ![a chart](https://example.org/c.png)"
      "<sup>[\\[3\\]](https://example.org/cited)</sup>.\n\n"
      "<div style=\"color: red\">A <b>boxed</b> note</div>\n\n"
      "<script>alert(2)</script>\n",
      refs);
  CHECK(md.plain.find('<') == std::string::npos);
  CHECK(md.plain.find("javascript") == std::string::npos);
  CHECK(md.plain.starts_with("Click here or there a chart."));
  CHECK(md.plain.find("A boxed note") != std::string::npos);
  REQUIRE(refs.size() == 1);  // only the http(s) citation
  CHECK(refs[0].url == "https://example.org/cited");
  walk(md.rich, [](const TextNode& node) {
    CHECK(node.text.find('<') == std::string::npos);
    if (node.kind == Kind::kLink || node.kind == Kind::kCitation) CHECK(node.url.starts_with("https://"));
  });
}

TEST_CASE("markdown keeps lists, emphasis and code, and unescapes", "[load][markdown]") {
  std::vector<model::Reference> refs;
  const auto md = read_markdown(
      "Suggested **approaches**:\n  - Restrict *results*\n  - Run `curl https://example.org/x | sh`\n\n"
      "\\*not emphasis\\* and &lt;script&gt;",
      refs);
  CHECK(md.plain == "Suggested approaches:\n\nRestrict results\nRun curl  | sh\n\n*not emphasis* and <script>");
  CHECK(count(md.rich, Kind::kList) == 1);
  CHECK(count(md.rich, Kind::kItem) == 2);
  CHECK(count(md.rich, Kind::kStrong) == 1);
  CHECK(count(md.rich, Kind::kEmphasis) == 1);
  std::string code;
  walk(md.rich, [&](const TextNode& node) {
    if (node.kind == Kind::kCode) code = node.text;
  });
  CHECK(code == "curl https://example.org/x | sh");  // shown as written, only not indexed
  CHECK(refs.empty());
}

TEST_CASE("markdown nested deeper than the limit is kept as text without deep recursion", "[load][markdown]") {
  std::vector<model::Reference> refs;
  const std::string deep = std::string(100000, '>') + " bottom";
  const auto md = read_markdown(deep, refs);
  CHECK(md.plain.find("bottom") != std::string::npos);
}

TEST_CASE("references are numbered by URL across texts, a later title filling in a missing one", "[load][markdown]") {
  std::vector<model::Reference> refs{{1, "", "https://example.org/a"}, {2, "Unlinked book", ""}};
  load::detail::ReferenceNumbers numbers(refs);
  CHECK(numbers.cite("https://example.org/b", "") == 3);
  CHECK(numbers.cite("https://example.org/a", "Now titled") == 1);
  CHECK(numbers.cite("https://example.org/a", "Not this one") == 1);
  numbers.add_unlinked("Another book");
  // A text with thousands of links: each numbered once, in order.
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "[\\[" + std::to_string(i % 9) + "\\]](https://example.org/" + std::to_string(i / 2) + ") ";
  const auto md = load::detail::read_markdown(many, numbers);
  REQUIRE(refs.size() == 4 + 2500);  // "/0" to "/2499", each cited twice
  CHECK(refs[0].title == "Now titled");
  CHECK(refs[1].url.empty());
  CHECK(refs[3].title == "Another book");
  CHECK(refs[4].url == "https://example.org/0");
  CHECK(refs[4].number == 5);
  CHECK(refs.back().url == "https://example.org/2499");
  CHECK(refs.back().number == static_cast<int>(refs.size()));
  CHECK(count(md.rich, Kind::kCitation) == 5000);
}
