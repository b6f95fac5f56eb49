// QR codes (ISO/IEC 18004) as PNG pictures: libqrencode lays out the modules (byte mode, error
// correction level M, the smallest version that holds the text), cairo draws them black on
// white with the standard four-module quiet zone. For the COSS activation page
// (getAuthCodeForH5Mini) and later the DB4403 QR tasks.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::image {

// kInvalidInput for an empty text or one too long for any QR version (2,331 bytes at level M).
Result<Bytes> qr_png(std::string_view text, int module_pixels = 6);

}  // namespace eseal::image
