// Decoded pictures as plain pixel planes, for formats that carry colour and transparency
// separately (a PDF image XObject and its /SMask).
#pragma once

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::image {

struct Raster {
  int width = 0;
  int height = 0;
  Bytes rgb;    // width * height * 3, not premultiplied
  Bytes alpha;  // width * height
};

// Decodes a PNG (any colour type cairo reads). Damaged data or more than 40 megapixels is
// kInvalidInput.
Result<Raster> decode_png(ByteView png);

}  // namespace eseal::image
