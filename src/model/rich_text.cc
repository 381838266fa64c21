#include "model/rich_text.h"

#include <string_view>

namespace riskatlas::model {
namespace {

bool is_url_word(std::string_view word) { return word.starts_with("http://") || word.starts_with("https://"); }

// Appends `text` without the words that are URLs (a URL in a code span is still a URL).
void append_words(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = text.find_first_of(" \t\n\"'<>(", i);
    if (end == std::string_view::npos) end = text.size();
    if (end == i) {
      out += text[i++];
      continue;
    }
    if (!is_url_word(text.substr(i, end - i))) out.append(text.substr(i, end - i));
    i = end;
  }
}

void trim_trailing_spaces(std::string& out) {
  while (!out.empty() && out.back() == ' ') out.pop_back();
}

void end_block(std::string& out) {
  trim_trailing_spaces(out);
  if (!out.empty() && !out.ends_with("\n\n")) out += out.ends_with('\n') ? "\n" : "\n\n";
}

void append_plain(std::string& out, const TextNode& node) {
  using Kind = TextNode::Kind;
  switch (node.kind) {
    case Kind::kText: append_words(out, node.text); return;
    case Kind::kCode: append_words(out, node.text); return;
    case Kind::kLineBreak: trim_trailing_spaces(out); out += '\n'; return;
    // A citation is a pointer, not words: "packages [1]." reads "packages."
    case Kind::kCitation: trim_trailing_spaces(out); return;
    case Kind::kRule: end_block(out); return;
    case Kind::kCodeBlock:
      end_block(out);
      append_words(out, node.text);
      end_block(out);
      return;
    case Kind::kItem:
      // One line per item: the paragraphs of an item are its lines, not blocks of their own.
      for (const auto& child : node.children) {
        trim_trailing_spaces(out);
        if (!out.empty() && !out.ends_with('\n')) out += '\n';
        if (child.kind != Kind::kParagraph) {
          append_plain(out, child);
          continue;
        }
        for (const auto& inline_node : child.children) append_plain(out, inline_node);
      }
      return;
    case Kind::kParagraph:
    case Kind::kHeading:
    case Kind::kList:
    case Kind::kQuote:
      end_block(out);
      for (const auto& child : node.children) append_plain(out, child);
      end_block(out);
      return;
    case Kind::kEmphasis:
    case Kind::kStrong:
    case Kind::kLink:
      for (const auto& child : node.children) append_plain(out, child);
      return;
  }
}

}  // namespace

std::string plain_text(const RichText& text) {
  std::string out;
  for (const auto& block : text) append_plain(out, block);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace riskatlas::model
