// Planning a seal picture: the spec checked and every default resolved, before anything is
// measured or drawn. Internal to src/image.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "image/seal_picture.h"

namespace eseal::image::detail {

// Text after checking: one entry per Unicode code point, each holding its UTF-8 bytes.
using CodePoints = std::vector<std::string>;

// The spec after checking, with every default resolved.
struct Plan {
  SealTemplate kind = SealTemplate::kRound;
  double width = 0;  // mm
  double height = 0;
  CodePoints name;
  CodePoints purpose;
  CodePoints code;
  bool star = true;
  bool frame = true;
  double ring = 0;  // mm
  double red = 0, green = 0, blue = 0;
  std::string font_family;
  int font_weight = 700;
  double name_size = 0;  // mm, 0: derive
  double purpose_size = 0;
  double code_size = 0;
};

// The spec checked: kInvalidInput for each refusal render_png documents (image/seal_picture.h)
// that does not need the fonts or the pixel count.
Result<Plan> make_plan(const SealPictureSpec& spec);

}  // namespace eseal::image::detail
