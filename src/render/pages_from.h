// New PDF and OFD documents made from a picture (one page) or from plain text (A4 pages), for
// files that come to be sealed as neither PDF nor OFD. PDF pages are drawn with cairo (text as
// real, searchable text in Noto Serif CJK SC through pango); OFD pages are written with
// ofd::write_ofd and ofd::layout_text (GB/T 33190-2016 §11 text, §13 images).
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "render/picture.h"

namespace eseal::render {

struct PagesOptions {
  Time creation_time;  // the PDF's CreationDate and the OFD's DocInfo/CreationDate
  std::string title;   // the document's title; "" writes none
  // A picture whose file states no resolution is taken at this many pixels per inch.
  double default_dpi = 96;
  // Larger pictures are refused ([limits] picture_mpixels); at most kMaxPicturePixels.
  std::uint64_t max_picture_pixels = kMaxPicturePixels;
  // Text: the font size (4.2 mm is about 12 pt) and the page margins, on A4 pages.
  double font_size_mm = 4.2;
  double margin_mm = 25;
};

// One page holding the picture (PNG, JPEG, BMP or TIFF, as render/picture.h decodes). The page
// is the picture's own size at its resolution (the file's, else `default_dpi`); a picture larger
// than A4 is scaled down to fit inside an A4 page (landscape for a wide picture) with 10 mm
// margins, centred. kInvalidInput for what decode_picture refuses.
Result<Bytes> picture_to_pdf(ByteView picture, const PagesOptions& options);
Result<Bytes> picture_to_ofd(ByteView picture, const PagesOptions& options);

// Plain text set on A4 pages: each '\n' ends a paragraph, long lines wrap, "\r\n" is taken as
// '\n' and other control characters but the tab are dropped. The text is UTF-8 (a leading byte
// order mark is dropped), UTF-16 with a byte order mark, or else GB18030 (which includes GBK and
// GB2312); kInvalidInput when it is none of them. Empty text gives one blank page.
Result<Bytes> text_to_pdf(std::string_view text, const PagesOptions& options);
Result<Bytes> text_to_ofd(std::string_view text, const PagesOptions& options);

// The text as UTF-8 with control characters cleaned as described above: what the two functions
// above set. Exposed for callers that show the text (and for tests).
Result<std::string> plain_text_as_utf8(std::string_view text);

}  // namespace eseal::render
