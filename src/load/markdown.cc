#include "load/markdown.h"

#include <cctype>
#include <memory>

#include <cmark.h>

#include "util/text.h"

namespace riskatlas::load::detail {
namespace {

using model::TextNode;
using Kind = TextNode::Kind;

// Deeper nesting (lists in quotes in lists ...) is kept as the text of the subtree, so converting
// never recurses on the input's depth past this.
constexpr int kMaxDepth = 16;

std::string literal(cmark_node* node) {
  const char* s = cmark_node_get_literal(node);
  return s ? s : "";
}

// All text under `node`, without recursion: for subtrees nested too deep.
std::string flat_text(cmark_node* node) {
  std::string out;
  cmark_iter* iter = cmark_iter_new(node);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node* cur = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER) continue;
    switch (cmark_node_get_type(cur)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_CODE_BLOCK: out += literal(cur); break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
      case CMARK_NODE_PARAGRAPH: out += ' '; break;
      default: break;
    }
  }
  cmark_iter_free(iter);
  return out;
}

// Raw HTML keeps only what lies between its tags (ATLAS wraps citations in <sup> and a few
// passages in <div>/<span>): nothing of it is markup afterwards.
std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>' && in_tag) in_tag = false;
    else if (!in_tag) out += c;
  }
  return out;
}

// "[1]", "1", "[12]": the words of a link that is a citation.
bool is_citation_text(std::string_view s) {
  s = text::trim(s);
  if (s.starts_with('[') && s.ends_with(']') && s.size() >= 2) s = s.substr(1, s.size() - 2);
  if (s.empty() || s.size() > 4) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

void add_text(std::vector<TextNode>& out, std::string text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().kind == Kind::kText) {
    out.back().text += text;
    return;
  }
  TextNode node;
  node.text = std::move(text);
  out.push_back(std::move(node));
}

class Converter {
 public:
  explicit Converter(ReferenceNumbers& references) : references_(references) {}

  void blocks(cmark_node* parent, std::vector<TextNode>& out, int depth) {
    for (cmark_node* n = cmark_node_first_child(parent); n != nullptr; n = cmark_node_next(n)) block(n, out, depth);
  }

 private:
  void block(cmark_node* n, std::vector<TextNode>& out, int depth) {
    TextNode node;
    if (depth > kMaxDepth) {
      node.kind = Kind::kParagraph;
      add_text(node.children, flat_text(n));
      out.push_back(std::move(node));
      return;
    }
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_PARAGRAPH: node.kind = Kind::kParagraph; inlines(n, node.children, depth + 1); break;
      case CMARK_NODE_HEADING:
        node.kind = Kind::kHeading;
        node.number = cmark_node_get_heading_level(n);
        inlines(n, node.children, depth + 1);
        break;
      case CMARK_NODE_LIST:
        node.kind = Kind::kList;
        node.number = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? cmark_node_get_list_start(n) : 0;
        blocks(n, node.children, depth + 1);
        break;
      case CMARK_NODE_ITEM: node.kind = Kind::kItem; blocks(n, node.children, depth + 1); break;
      case CMARK_NODE_BLOCK_QUOTE: node.kind = Kind::kQuote; blocks(n, node.children, depth + 1); break;
      case CMARK_NODE_CODE_BLOCK: node.kind = Kind::kCodeBlock; node.text = literal(n); break;
      case CMARK_NODE_THEMATIC_BREAK: node.kind = Kind::kRule; break;
      case CMARK_NODE_HTML_BLOCK: {
        std::string text(text::trim(strip_tags(literal(n))));
        if (text.empty()) return;
        node.kind = Kind::kParagraph;
        add_text(node.children, std::move(text));
        break;
      }
      default: return;  // custom blocks: none in CommonMark input
    }
    out.push_back(std::move(node));
  }

  void inlines(cmark_node* parent, std::vector<TextNode>& out, int depth) {
    for (cmark_node* n = cmark_node_first_child(parent); n != nullptr; n = cmark_node_next(n)) inline_node(n, out, depth);
  }

  void inline_node(cmark_node* n, std::vector<TextNode>& out, int depth) {
    if (depth > kMaxDepth) {
      add_text(out, flat_text(n));
      return;
    }
    TextNode node;
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT: add_text(out, literal(n)); return;
      case CMARK_NODE_SOFTBREAK: add_text(out, " "); return;
      case CMARK_NODE_LINEBREAK: node.kind = Kind::kLineBreak; break;
      case CMARK_NODE_CODE: node.kind = Kind::kCode; node.text = literal(n); break;
      case CMARK_NODE_EMPH: node.kind = Kind::kEmphasis; inlines(n, node.children, depth + 1); break;
      case CMARK_NODE_STRONG: node.kind = Kind::kStrong; inlines(n, node.children, depth + 1); break;
      case CMARK_NODE_LINK: {
        const char* url = cmark_node_get_url(n);
        if (url == nullptr || !is_web_url(url)) {
          inlines(n, out, depth + 1);  // the words stay, the link goes
          return;
        }
        inlines(n, node.children, depth + 1);
        const std::string words = model::plain_text({TextNode{Kind::kParagraph, {}, {}, 0, node.children}});
        const char* title = cmark_node_get_title(n);
        const bool citation = is_citation_text(words);
        std::string ref_title = title != nullptr && *title != '\0' ? title : citation ? "" : words;
        node.url = url;
        node.number = references_.cite(node.url, ref_title);
        if (citation) {
          node.kind = Kind::kCitation;
          node.children.clear();
        } else {
          node.kind = Kind::kLink;
        }
        break;
      }
      case CMARK_NODE_IMAGE: inlines(n, out, depth + 1); return;  // the alt text; nothing is loaded
      default: return;  // raw inline HTML: the tags go, the text between them is its own nodes
    }
    out.push_back(std::move(node));
  }

  ReferenceNumbers& references_;
};

}  // namespace

bool is_web_url(std::string_view url) {
  auto starts = [&](std::string_view scheme) {
    if (url.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
    return true;
  };
  if (!starts("http://") && !starts("https://")) return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

ReferenceNumbers::ReferenceNumbers(std::vector<model::Reference>& references) : references_(references) {
  for (std::size_t i = 0; i < references_.size(); ++i)
    if (!references_[i].url.empty()) by_url_.emplace(references_[i].url, i);
}

int ReferenceNumbers::cite(const std::string& url, const std::string& title) {
  const auto [it, added] = by_url_.emplace(url, references_.size());
  if (added) {
    references_.push_back({static_cast<int>(references_.size()) + 1, title, url});
  } else if (references_[it->second].title.empty()) {
    references_[it->second].title = title;
  }
  return references_[it->second].number;
}

void ReferenceNumbers::add_unlinked(const std::string& title) {
  references_.push_back({static_cast<int>(references_.size()) + 1, title, ""});
}

MarkdownText read_markdown(std::string_view markdown, ReferenceNumbers& references) {
  MarkdownText out;
  if (markdown.empty()) return out;
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> doc(
      cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT), cmark_node_free);
  if (doc == nullptr) {  // out of memory inside libcmark: keep the text as written
    out.plain = std::string(markdown);
    out.rich.push_back({Kind::kParagraph, {}, {}, 0, {TextNode{Kind::kText, out.plain, {}, 0, {}}}});
    return out;
  }
  Converter(references).blocks(doc.get(), out.rich, 0);
  out.plain = model::plain_text(out.rich);
  return out;
}

}  // namespace riskatlas::load::detail
