// Pictures decoded for drawing: PNG, JPEG, BMP and TIFF (GB/T 33190 §13 lists them for
// ImageObjects) to premultiplied ARGB32 pixels, the layout cairo's image surfaces use. Hostile
// input is refused with kInvalidInput before anything large is allocated.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::render {

enum class PictureFormat { kUnknown, kPng, kJpeg, kBmp, kTiff, kGif };

// The format the leading bytes announce, whatever a file name says.
PictureFormat sniff_picture(ByteView bytes);
const char* picture_format_name(PictureFormat format);  // "PNG", "JPEG", ...

struct Picture {
  int width = 0;
  int height = 0;
  // width * height native-endian 32-bit pixels, alpha in the top byte, colour premultiplied
  // (CAIRO_FORMAT_ARGB32 with a stride of width * 4).
  Bytes argb;
  // Pixels per inch the file states (PNG pHYs, JPEG JFIF, BMP, TIFF), 0 when it says nothing.
  double dpi = 0;
};

// Larger pictures are refused: 100 megapixels is 400 MB of pixels.
inline constexpr std::uint64_t kMaxPicturePixels = 100'000'000;
// Pixels of all the pictures one rendered document keeps decoded (1 GB of ARGB).
inline constexpr std::uint64_t kMaxDocumentPixels = 250'000'000;
// cairo's image surfaces are at most 32767 pixels on a side.
inline constexpr std::uint64_t kMaxPictureSide = 32767;

// Decodes `bytes` by its sniffed format. kInvalidInput names the format and the reason: unknown
// or unsupported format, damaged data, more than `max_pixels` pixels or more than
// kMaxPictureSide on a side.
Result<Picture> decode_picture(ByteView bytes, std::uint64_t max_pixels = kMaxPicturePixels);

// The picture as a PNG file (cairo's encoder: the same pixels always give the same bytes).
// kInternal when cairo cannot encode it.
Result<Bytes> encode_png(const Picture& picture);

}  // namespace eseal::render
