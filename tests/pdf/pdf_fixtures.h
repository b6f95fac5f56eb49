// PDFs made in the tests themselves: text drawn by cairo + pango (subset CID fonts with
// ToUnicode CMaps and a classic xref table, as real documents have), and QPDF rewrites of them
// (an xref stream, a rotated page). Failures throw std::runtime_error, which fails the test.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"

namespace eseal::pdf::test {

struct PlacedText {
  int page = 0;               // 0-based
  std::string text;           // UTF-8, Chinese welcome; one line
  double x_pt = 0, y_pt = 0;  // left end of the baseline, points from the page's top-left
  double size_pt = 12;
};

// `pages` pages of `width_pt` x `height_pt` points (default A4) with `texts` drawn by pango in
// "Noto Serif CJK SC" at their size, each starting exactly at its baseline point, through
// cairo's PDF surface. The same input always gives the same bytes.
Bytes make_text_pdf(int pages, const std::vector<PlacedText>& texts, double width_pt = 595.276,
                    double height_pt = 841.89);

// The same document rewritten by QPDF with object streams and an xref stream.
Bytes with_xref_stream(ByteView pdf);

// The same document with page `page` (0-based) given /Rotate `degrees`, rewritten by QPDF.
Bytes with_rotation(ByteView pdf, int page, int degrees);

}  // namespace eseal::pdf::test
