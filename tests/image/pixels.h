// Test helpers for the image tests: PNG bytes decoded with cairo into plain pixels, pictures
// drawn with cairo and encoded to PNG in memory, and reference-image comparison.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/file.h"
#include "image/cairo_support.h"

namespace eseal::image::test {

// Decoded ARGB pixels (cairo's premultiplied ARGB32, or RGB24 with alpha 255).
struct Pixels {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> argb;

  std::uint32_t at(int x, int y) const { return argb[std::size_t(y) * width + x]; }
  int alpha(int x, int y) const { return static_cast<int>(at(x, y) >> 24); }
  int red(int x, int y) const { return static_cast<int>(at(x, y) >> 16 & 0xFF); }
  int green(int x, int y) const { return static_cast<int>(at(x, y) >> 8 & 0xFF); }
  int blue(int x, int y) const { return static_cast<int>(at(x, y) & 0xFF); }
};

using Surface = detail::SurfacePtr;
using Cairo = detail::CairoPtr;

// Returns empty Pixels (width 0) when the bytes are not a PNG cairo can read.
inline Pixels decode_png(ByteView png) {
  Surface surface = detail::read_png(png);
  Pixels pixels;
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return pixels;
  const bool opaque = cairo_image_surface_get_format(surface.get()) == CAIRO_FORMAT_RGB24;
  pixels.width = cairo_image_surface_get_width(surface.get());
  pixels.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int y = 0; y < pixels.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
    for (int x = 0; x < pixels.width; ++x) {
      pixels.argb.push_back(opaque ? (row[x] | 0xFF000000u) : row[x]);
    }
  }
  return pixels;
}

inline Bytes encode_png(cairo_surface_t* surface) {
  auto png = detail::encode_png(surface);
  EXPECT_TRUE(png.ok());
  return png.ok() ? *png : Bytes{};
}

// Compares `png` with tests/image/reference/<file>: same size, and at most 0.5% of pixels
// differing by more than 32 in any channel (room for font or cairo versions drawing edges a
// little differently).
//
// To regenerate the references after an intended change to the drawing, run the test with
// ESEAL_UPDATE_IMAGE_REFERENCES=1 (e.g. `ESEAL_UPDATE_IMAGE_REFERENCES=1
// build/image/tests/image_test --gtest_filter='Reference*'`): it writes the PNGs instead of
// comparing. Look at every changed picture before committing it.
inline void expect_matches_reference(const std::string& file, const Bytes& png) {
  const std::filesystem::path path = std::filesystem::path(ESEAL_IMAGE_REFERENCE_DIR) / file;
  const char* update = std::getenv("ESEAL_UPDATE_IMAGE_REFERENCES");
  if (update != nullptr && std::string(update) == "1") {
    ASSERT_TRUE(write_file_atomic(path, png).ok()) << path;
    std::cout << "wrote " << path << " (" << png.size() << " bytes)\n";
    return;
  }
  auto reference_bytes = read_file(path);
  ASSERT_TRUE(reference_bytes.ok())
      << "missing reference " << path << "; run with ESEAL_UPDATE_IMAGE_REFERENCES=1";
  const Pixels reference = decode_png(*reference_bytes);
  const Pixels actual = decode_png(png);
  ASSERT_GT(reference.width, 0) << path;
  ASSERT_EQ(actual.width, reference.width) << path;
  ASSERT_EQ(actual.height, reference.height) << path;
  std::size_t differing = 0;
  for (std::size_t i = 0; i < actual.argb.size(); ++i) {
    for (int shift = 0; shift < 32; shift += 8) {
      const int a = static_cast<int>(actual.argb[i] >> shift & 0xFF);
      const int r = static_cast<int>(reference.argb[i] >> shift & 0xFF);
      if (std::abs(a - r) > 32) {
        ++differing;
        break;
      }
    }
  }
  EXPECT_LE(static_cast<double>(differing), 0.005 * static_cast<double>(actual.argb.size()))
      << differing << " of " << actual.argb.size() << " pixels differ from " << path;
}

}  // namespace eseal::image::test
