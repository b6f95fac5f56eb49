// JBIG2 pictures (ISO/IEC 14492; GB/T 33190 §13 lists JB2 among ImageObject formats, and the tax
// e-invoices' QR codes are JBIG2 files), decoded by poppler's JBIG2 decoder.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "render/picture.h"

namespace eseal::render {

// True when `bytes` start with the JBIG2 file header (97 4A 42 32 0D 0A 1A 0A).
bool is_jbig2(ByteView bytes);

// The first page of a JBIG2 file in the sequential organization (the one producers write), black
// on white. kInvalidInput for a damaged file, the random-access organization, a striped page of
// unknown height, or more than `max_pixels` pixels.
Result<Picture> decode_jbig2(ByteView file, std::uint64_t max_pixels = kMaxPicturePixels);

}  // namespace eseal::render
