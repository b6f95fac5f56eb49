// QR codes (ISO/IEC 18004) as PNG pictures: libqrencode lays out the modules (byte mode, error
// correction level M, the smallest version that holds the text), cairo draws them black on
// white with the standard four-module quiet zone. For the COSS activation page
// (getAuthCodeForH5Mini), the DB4403 QR tasks, and the modules alone for the verification
// code that the engines draw as vectors on a signed page.
#pragma once

#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::image {

// A QR code's modules: `side` × `side`, row by row from the top, true for dark; the quiet zone
// (kQrQuietZone modules on every side) is not included.
struct QrModules {
  int side = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * side + x)]; }
};
inline constexpr int kQrQuietZone = 4;

// kInvalidInput for an empty text or one too long for any QR version (2,331 bytes at level M).
Result<QrModules> qr_modules(std::string_view text);
Result<Bytes> qr_png(std::string_view text, int module_pixels = 6);

}  // namespace eseal::image
