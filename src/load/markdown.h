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
#include <vector>

#include "model/rich_text.h"

namespace riskatlas::load::detail {

struct MarkdownText {
  std::string plain;      // the words only: no URLs, reference definitions, escapes or markup
  model::RichText rich;   // for display
};

// REQUIRES: `markdown` is valid UTF-8 (clean_text() output).
MarkdownText read_markdown(std::string_view markdown, std::vector<model::Reference>& references);

// The number of the reference to `url` in `references`, adding it (with `title`) when new; a title
// fills in an earlier entry that had none.
int cite(std::vector<model::Reference>& references, const std::string& url, const std::string& title);

// http:// or https:// and nothing that could break out of a URL (white space, control characters).
bool is_web_url(std::string_view url);

}  // namespace riskatlas::load::detail
