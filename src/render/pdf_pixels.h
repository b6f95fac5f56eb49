// PDF pages as pictures, drawn by poppler's Splash rasterizer (the engine of pdftoppm), for
// `eseal convert X.pdf --to png` and for office files converted through PDF.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "render/picture.h"

namespace eseal::render {

// The number of pages. kInvalidInput for a PDF poppler cannot open or an encrypted one.
Result<int> pdf_page_count(ByteView pdf);

// Page `page` (0-based) at `dpi` on white, as pixels or as a PNG file. kInvalidInput for a page out
// of range or a picture beyond kMaxPicturePixels.
Result<Picture> pdf_page_pixels(ByteView pdf, int page, double dpi);
Result<Bytes> pdf_page_png(ByteView pdf, int page, double dpi);

}  // namespace eseal::render
