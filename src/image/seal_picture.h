// Seal pictures (印章图像): the round official seal, the oval seal and the square name seal drawn
// with cairo + pango in a CJK font, and pictures supplied by users (scanned seals, handwritten
// signatures) normalized to transparent PNG. The result is what SES_ESPictrueInfo carries
// (GB/T 38540-2020 §7.1: type "PNG", data, display width and height in millimetres).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "image/picture_limits.h"

// Pure functions: bytes in, bytes out, no files. Safe to call from several threads (pango keeps a
// font map per thread).
namespace eseal::image {

enum class SealTemplate {
  kRound,   // "round": 公章 and its special-purpose variants
  kOval,    // "oval": e.g. 发票专用章
  kSquare,  // "square": personal name seal, 2 to 4 characters in a grid
};

Result<SealTemplate> parse_template(std::string_view name);
std::string_view template_name(SealTemplate t);

// How a seal is drawn. Every field has a default; sizes are millimetres on the printed seal.
struct SealStyle {
  std::uint32_t color = 0xE60012;  // 0xRRGGBB, seal red
  // 0: the template's default, 1.2 round, 1.0 oval, 0.8 square (thinner on smaller seals)
  double ring_width_mm = 0;
  std::string font_family = "Noto Serif CJK SC";  // a Song (宋体) face, as seals are cut
  int font_weight = 700;  // CSS-style weight, 100 to 1000: bold strokes read like engraved ones
  // Em sizes; 0 derives them from the seal size (and the name's length). Square seals ignore
  // them: their characters fill their cells.
  double name_size_mm = 0;
  double purpose_size_mm = 0;
  double code_size_mm = 0;
  double dpi = 300;  // resolution of PNG output, 72 to 1200
};

// What to draw. Start from default_spec(kind), which carries the template's usual size.
struct SealPictureSpec {
  SealTemplate kind = SealTemplate::kRound;
  double width_mm = 42;   // 5 to 200; round: the diameter, height_mm is ignored and the picture
  double height_mm = 42;  // is width_mm square; oval: 1 to 2 times as wide as tall; square:
                          // sides within a factor of 2
  std::string name;       // organization name (round, oval) or person name (square); required
  std::string purpose;    // horizontal text under the star (round) or at the bottom (oval)
  std::string code;       // round: seal code along the lower arc; oval: tax number in the middle
  bool star = true;       // round only
  bool frame = true;      // square only: draw the border
  SealStyle style;
};

// A spec of the given kind at its usual size: round 42 mm (the standard 公章), oval 40 x 30 mm
// (发票专用章), square 20 x 20 mm.
SealPictureSpec default_spec(SealTemplate kind);

// Renders the seal as a PNG with a transparent background, width_mm x height_mm at style.dpi.
// Characters are Unicode code points of the UTF-8 text; leading and trailing spaces are dropped.
// kInvalidInput: an empty or over-long name (round/oval at most 40 characters; square 2 to 4),
// a purpose over 20 or a code over 32 characters, a purpose or code on a square seal, invalid
// UTF-8, control characters or characters no installed font can draw, sizes outside 5 to 200 mm
// or proportions the template cannot take, dpi outside 72 to 1200, a picture over `max_pixels`,
// or style values out of range. Long names are condensed and then set smaller so
// that they fit. The same spec always gives the same bytes on the same machine and fonts.
Result<Bytes> render_png(const SealPictureSpec& spec,
                         std::uint64_t max_pixels = kSealPicturePixels);
// The same drawing as SVG, sized in millimetres, text as outlines (no font needed to view it).
Result<std::string> render_svg(const SealPictureSpec& spec);

// A picture supplied by the user, as stored in a seal.
struct NormalizedPicture {
  Bytes png;  // RGBA PNG, background transparent
  int width_px = 0;
  int height_px = 0;
};

// Reads a PNG or JPEG (a scanned seal or a handwritten signature), makes the near-white
// background transparent (alpha follows the ink's darkness, so edges stay smooth, and the ink
// keeps its colour), crops to the ink with a small margin and returns a PNG. kInvalidInput:
// data that is neither PNG nor JPEG, damaged or truncated data, more than `max_pixels` (checked
// before decoding), a dark background, or no ink (blank or too faint).
Result<NormalizedPicture> normalize_picture(ByteView data,
                                            std::uint64_t max_pixels = kSealPicturePixels);

}  // namespace eseal::image
