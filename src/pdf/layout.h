// The bridge between a PDF and the format-neutral placement rules of doc/placement.h: page
// sizes and keyword hits in millimetres from the displayed page's top-left corner.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "doc/placement.h"
#include "pdf/document.h"

namespace eseal::pdf {

std::vector<doc::PageSize> page_sizes(const Document& doc);

// Every hit of `keyword` in document order (see pdf/text.h for how text is matched).
Result<std::vector<doc::KeywordHit>> keyword_hits(const Document& doc, std::string_view keyword);

// The 0-based page the first outline item (bookmark) titled `title` goes to, depth first; nullopt
// when there is none or it goes to no page of the document.
std::optional<int> bookmark_page(const Document& doc, std::string_view title);

}  // namespace eseal::pdf
