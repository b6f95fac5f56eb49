// How many pixels a seal's or signer's picture may have: drawn from a template, normalized from
// a user's scan, or decoded to be stamped. Each takes four bytes per pixel while it is worked
// on, so the ceiling bounds the memory one picture can take ([limits] seal_picture_mpixels).
#pragma once

#include <cstdint>
#include <string>

namespace eseal::image {

inline constexpr std::uint64_t kSealPicturePixels = 40'000'000;  // the default

// A limit as messages name it: "40 megapixels", or "250000 pixels" when not in whole millions.
inline std::string pixels_text(std::uint64_t pixels) {
  if (pixels >= 1'000'000 && pixels % 1'000'000 == 0)
    return std::to_string(pixels / 1'000'000) + " megapixels";
  return std::to_string(pixels) + " pixels";
}

}  // namespace eseal::image
