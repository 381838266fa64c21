// Formatted text of an ATLAS record, as read from its Markdown: a tree of a few safe kinds of node,
// never markup. Links hold only http(s) URLs; everything else a source may hold (raw HTML, images,
// other link schemes) has become text or nothing by the time it is here (load/markdown.h).
#pragma once

#include <string>
#include <vector>

namespace riskatlas::model {

struct TextNode {
  enum class Kind {
    // blocks
    kParagraph, kHeading, kList, kItem, kQuote, kCodeBlock, kRule,
    // inlines
    kText, kCode, kEmphasis, kStrong, kLink, kCitation, kLineBreak,
  };
  Kind kind = Kind::kText;
  std::string text;  // kText, kCode, kCodeBlock
  std::string url;   // kLink, kCitation: an http(s) URL
  // kCitation: the number of its Reference; kHeading: level 1-6; kList: first number of an ordered
  // list, 0 for bullets.
  int number = 0;
  std::vector<TextNode> children;
};

using RichText = std::vector<TextNode>;  // the blocks of one text

// The words of `text` for indexing and snippets: blocks apart by a blank line, list items by a line
// break; citations and words that are URLs (in code spans too) left out.
std::string plain_text(const RichText& text);

// A source a record cites: numbered from 1 in the order the record first cites it.
struct Reference {
  int number = 0;
  std::string title;  // may be empty (then the URL is all there is to show)
  std::string url;    // http or https
};

}  // namespace riskatlas::model
