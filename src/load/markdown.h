// Reading the Markdown of ATLAS text (descriptions, summaries, procedure steps, use notes) with the
// CommonMark reference library, libcmark (internal to src/load).
//
// A record's texts share one list of references: every http(s) link a text holds is numbered there
// once, by URL, in the order first seen. A link written as a citation ("[\[1\]][vishing]",
// "[<sup>[2]</sup>](https://...)") becomes a kCitation node with that number; any other http(s) link
// keeps its words as a kLink. Links of other schemes, images and raw HTML keep only their text.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/rich_text.h"

namespace riskatlas::load::detail {

struct MarkdownText {
  std::string plain;      // the words only: no URLs, reference definitions, escapes or markup
  model::RichText rich;   // for display
};

// A record's references, numbered by URL in the order first seen. Looking a URL up takes constant
// time, so a record of many links loads in time linear in them.
class ReferenceNumbers {
 public:
  // Numbers further references after those `references` holds; keeps a reference to it.
  explicit ReferenceNumbers(std::vector<model::Reference>& references);

  // The number of the reference to `url`, adding it (with `title`) when new; a title fills in an
  // earlier entry that had none.
  int cite(const std::string& url, const std::string& title);
  // A reference with no link: always a new number.
  void add_unlinked(const std::string& title);

 private:
  std::vector<model::Reference>& references_;
  std::unordered_map<std::string, std::size_t> by_url_;  // index into references_
};

// REQUIRES: `markdown` is valid UTF-8 (clean_text() output).
MarkdownText read_markdown(std::string_view markdown, ReferenceNumbers& references);

// http:// or https:// and nothing that could break out of a URL (white space, control characters).
bool is_web_url(std::string_view url);

}  // namespace riskatlas::load::detail
