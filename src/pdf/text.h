// Text with positions, read from page content streams (ISO 32000-1 §9 "Text"): the text state
// and matrices, the text-showing operators, Form XObjects, simple and composite fonts and their
// /ToUnicode CMaps (§9.10). Keyword placement finds its anchors here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pdf/document.h"

namespace eseal::pdf {

struct TextChar {
  char32_t code = 0;  // Unicode scalar; U+FFFD when the font gives no mapping
  // The glyph's box in the page's default user space (points, y up): from the glyph's origin
  // along its advance (Tc and Tw excluded), and across from the font's descent to its ascent
  // (/Ascent and /Descent of the font descriptor, else 0.8 and -0.2 em). The axis-aligned bounds
  // when the text is rotated. A glyph mapped to several characters (a ligature) is split evenly.
  Rect box;
  // The text jumped to a new line before this character: its baseline moved across by more than
  // half the font size, went back by more than the font size, or turned. Never set on a page's
  // first character.
  bool starts_line = false;
};

struct PageText {
  int page = 0;  // 0-based
  // In content-stream order. Where a line jumps forward by more than 0.15 em between two
  // characters that are neither whitespace nor CJK (writers such as TeX draw word spaces as
  // gaps), a space is added with the gap as its box; CJK text never gets spaces added.
  std::vector<TextChar> chars;
  // The page's text as UTF-8, with '\n' before each character that starts a line.
  std::string utf8() const;
};

// Reads the text of every page, or of `page` alone (0-based; out of range is kInvalidInput).
// Boxes stay in default user space: /Rotate and the crop box are not applied (PageGeometry maps
// boxes to what the reader sees). Damaged content never fails the call: what cannot be read
// (undecodable streams, bad operands, missing fonts or XObjects, Form XObjects that draw
// themselves or nest deeper than 12, more than 2,000,000 characters or 10,000 Form XObjects on a
// page) is skipped with a line in `warnings`, prefixed "page N: " (1-based), together with
// QPDF's own warnings raised while reading. Text in annotation appearances is not read.
Result<std::vector<PageText>> extract_text(const Document& doc,
                                           std::optional<int> page = std::nullopt,
                                           std::vector<std::string>* warnings = nullptr);

struct TextMatch {
  int page = 0;  // 0-based
  Rect box;      // the union of the matched characters' boxes, user space
};

// Every occurrence of `keyword` (UTF-8), in document order. Characters are compared exactly
// (no case or whitespace folding), consecutive in content-stream order whichever operator drew
// them; a match never spans pages or a line start. Occurrences do not overlap: the search goes
// on after the end of each match. An empty keyword matches nothing.
std::vector<TextMatch> find_text(const std::vector<PageText>& pages, std::string_view keyword);

}  // namespace eseal::pdf
