// Text with positions read from OFD pages (GB/T 33190-2016 §11.3 TextObject and TextCode, §7.7
// Page with its Template pages, §8.2.2 PageBlock), and the size of each page (§7.7 Area): what
// keyword placement needs, in the way ofdrw's KeywordExtractor reads it (docs/ENCODINGS.md
// §4.9). All lengths are millimetres on the page, origin top-left, y down.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "doc/placement.h"
#include "ofd/document.h"
#include "ofd/package.h"

namespace eseal::ofd {

struct TextChar {
  char32_t code = 0;  // Unicode scalar; U+FFFD for bytes that are not UTF-8
  // The glyph's em box: from its origin across its advance — the DeltaX to the next glyph when
  // that moves right along the baseline, else (the last glyph, a jump to a new line) the
  // default advance of ofd/glyphs.h, one em for CJK and half an em otherwise — and from
  // 0.8 Size above the baseline to 0.2 Size below it. Under a CTM, the box's corners are mapped
  // and their axis-aligned bounds kept.
  doc::RectMm box;
};

// The characters of one TextCode.
struct TextRun {
  int page = 0;      // 0-based
  std::string text;  // UTF-8
  std::vector<TextChar> chars;
  doc::RectMm box;           // the union of the characters' boxes
  double size_mm = 0;        // the TextObject's Size
  bool in_template = false;  // drawn by a Template page rather than the page itself
};

// Reads the text of every page of `body`, or of `page` alone (0-based). Per page, in drawing
// order: its Background templates (Page/Template with ZOrder Background, the default, found
// through Document.xml's CommonData/TemplatePage), its Content layers, then its Foreground
// templates; within them PageBlocks are followed to any depth up to 64. Glyph positions follow
// §11.3: a TextCode's X and Y (inherited from the previous TextCode of the object when absent)
// place its first glyph's baseline origin, DeltaX and DeltaY (with "g N value" expanded; the
// last value repeats when fewer are given; DeltaX defaults to the default advance) move each
// following glyph, the object's CTM maps those points and the Boundary's top-left corner
// offsets them. A page or template whose file is missing, or a Template whose ID names no
// TemplatePage, is skipped with a line in `warnings`. kInvalidInput for `page` out of range,
// malformed XML, a number that does not parse (X, Y, DeltaX, DeltaY, CTM, Boundary, Size),
// PageBlocks nested deeper than 64, or more than 2,000,000 characters on one page.
Result<std::vector<TextRun>> extract_text(const Package& package, const DocBody& body,
                                          std::optional<int> page = std::nullopt,
                                          std::vector<std::string>* warnings = nullptr);

// Every occurrence of `keyword` (UTF-8) among `runs`, in order: characters are compared
// exactly, consecutive in drawing order whichever TextCode or TextObject holds them, never
// across pages. Occurrences do not overlap: the search goes on after each match. The box is the
// union of the matched characters' boxes. An empty keyword matches nothing.
std::vector<doc::KeywordHit> find_text(const std::vector<TextRun>& runs, std::string_view keyword);

// extract_text then find_text.
Result<std::vector<doc::KeywordHit>> find_text(const Package& package, const DocBody& body,
                                               std::string_view keyword);

// Each page's size, in page order: the width and height of the page's own Area/PhysicalBox,
// else of Document.xml's CommonData/PageArea/PhysicalBox, else A4 (210 x 297). A page whose file
// is missing takes the document's size. kInvalidInput for malformed XML or a PhysicalBox that is
// not four numbers with a positive width and height.
Result<std::vector<doc::PageSize>> page_sizes(const Package& package, const DocBody& body);

}  // namespace eseal::ofd
