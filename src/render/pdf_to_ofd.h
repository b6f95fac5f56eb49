// PDF to OFD (GB/T 33190-2016), vector: poppler interprets each PDF page and what it draws
// becomes OFD page objects — text as TextObjects (§11.2-11.3) with every glyph placed by DeltaX
// and DeltaY, drawn by glyph index through CGTransform (§11.4) when the PDF embeds a TrueType
// program; paths as PathObjects (§9); images as PNG ImageObjects (§13); clips (§8.4) where they
// cut an object. Lengths are millimetres on the page, origin top-left, y down, after the PDF's
// CropBox and /Rotate.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"

namespace eseal::render {

struct PdfToOfdOptions {
  Time creation_time;  // DocInfo/CreationDate (its date) and the ZIP entries' times
  std::string doc_id;  // DocInfo/DocID; "" makes a random one, as ofd::WriteOptions
  std::string title;   // DocInfo/Title; "" takes the PDF's /Title
};

struct PdfToOfdReport {
  int pages = 0;
  // One line per PDF font: its name, its PDF type and how it was carried — "embedded" (the
  // TrueType program copied, glyphs drawn by index) or "named" (the OFD names a font and the
  // reader substitutes its own; positions stay exact).
  std::vector<std::string> fonts;
  // What could not be carried, "page N: ..." (Type 3 glyph shapes, shadings, blend modes, soft
  // masks, characters without Unicode, text used as a clip, oversized images).
  std::vector<std::string> warnings;
};

// The PDF's pages as an OFD package, in page order, each page the size of its CropBox (rotated
// by /Rotate). Glyphs without a Unicode value are dropped from the text (counted in
// `warnings`). The same PDF and options (with a DocID) always give the same bytes. Safe to call
// from several threads at once: poppler's global parameters are made once.
// kInvalidInput for a PDF poppler cannot open, an encrypted one (whatever its password), or one
// with no pages.
Result<Bytes> pdf_to_ofd(ByteView pdf, const PdfToOfdOptions& options,
                         PdfToOfdReport* report = nullptr);

}  // namespace eseal::render
