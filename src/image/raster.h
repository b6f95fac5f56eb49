// Decoded pictures as plain pixel planes, for formats that carry colour and transparency
// separately (a PDF image XObject and its /SMask).
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "image/picture_limits.h"

namespace eseal::image {

struct Raster {
  int width = 0;
  int height = 0;
  Bytes rgb;    // width * height * 3, not premultiplied
  Bytes alpha;  // width * height
};

// Decodes a PNG (any colour type cairo reads). Damaged data or more than `max_pixels` (checked
// before any pixel memory is allocated) is kInvalidInput.
Result<Raster> decode_png(ByteView png, std::uint64_t max_pixels = kSealPicturePixels);

}  // namespace eseal::image
