// Pictures supplied by users (scanned seals, handwritten signatures): decodes PNG, JPEG, BMP or
// TIFF defensively (render/picture.h), turns the paper transparent with alpha following the ink's
// darkness, crops to the ink and returns a transparent PNG.
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "image/cairo_support.h"
#include "image/seal_picture.h"
#include "render/picture.h"

namespace eseal::image {
namespace {

using detail::SurfacePtr;

// Decoded pixels, 8-bit RGB, already composited over white where the source had transparency.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3
};

// The picture (PNG, JPEG, BMP or TIFF, decoded defensively by render/picture.h) composited over
// white paper.
Result<RgbImage> decode(ByteView data, std::uint64_t max_pixels) {
  auto picture = render::decode_picture(data, max_pixels);
  if (!picture) return picture.error();
  RgbImage image;
  image.width = picture->width;
  image.height = picture->height;
  const std::size_t count = static_cast<std::size_t>(image.width) * image.height;
  image.rgb.resize(count * 3);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t p;
    std::memcpy(&p, &picture->argb[i * 4], 4);
    // Premultiplied: over white, each channel gains the uncovered share of white.
    const std::uint32_t uncovered = 255 - (p >> 24);
    for (int c = 0; c < 3; ++c) {
      image.rgb[i * 3 + c] = static_cast<std::uint8_t>(
          std::min<std::uint32_t>(255, ((p >> (16 - 8 * c)) & 0xFF) + uncovered));
    }
  }
  return image;
}

}  // namespace

Result<NormalizedPicture> normalize_picture(ByteView data, std::uint64_t max_pixels) {
  Result<RgbImage> decoded = decode(data, max_pixels);
  if (!decoded) return decoded.error();
  const RgbImage& image = *decoded;
  const std::size_t count = static_cast<std::size_t>(image.width) * image.height;

  // Lightness of a pixel as ink sees it: its darkest channel, so red seals and blue signatures
  // count as dark, while white or slightly tinted paper stays light.
  std::vector<std::uint8_t> light(count);
  std::array<std::size_t, 256> histogram{};
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t* p = &image.rgb[i * 3];
    light[i] = std::min({p[0], p[1], p[2]});
    ++histogram[light[i]];
  }
  auto percentile = [](const std::array<std::size_t, 256>& h, std::size_t total, double share) {
    const auto target = static_cast<std::size_t>(share * static_cast<double>(total));
    std::size_t seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += h[v];
      if (seen > target) return v;
    }
    return 255;
  };
  // Paper covers most of a scan or signature, so the median is the paper.
  const int paper = percentile(histogram, count, 0.5);
  if (paper < 128) {
    return Error::invalid_input("picture background is not light: expected dark ink on paper");
  }
  // Within this distance of the paper a pixel is paper (scanner noise, paper texture).
  const int background = paper - 28;
  std::array<std::size_t, 256> ink_histogram{};
  std::size_t ink_count = 0;
  for (int v = 0; v < background; ++v) {
    ink_histogram[v] = histogram[v];
    ink_count += histogram[v];
  }
  const std::size_t min_ink = std::max<std::size_t>(16, count / 10000);
  if (ink_count < min_ink) {
    return Error::invalid_input("picture has no ink: it is blank or too faint");
  }
  // Pixels as dark as the darker part of the ink are fully opaque; the ramp to the paper gives
  // antialiased edges their partial alpha.
  const int ink = percentile(ink_histogram, ink_count, 0.1);
  const double full = ink + 0.15 * (background - ink);
  auto alpha_of = [&](std::uint8_t v) {
    return std::clamp((background - v) / (background - full), 0.0, 1.0);
  };

  int x0 = image.width, y0 = image.height, x1 = -1, y1 = -1;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (light[std::size_t(y) * image.width + x] < background) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
      }
    }
  }
  const int margin =
      std::max(2, static_cast<int>(std::lround(0.02 * std::max(x1 - x0 + 1, y1 - y0 + 1))));
  x0 = std::max(0, x0 - margin);
  y0 = std::max(0, y0 - margin);
  x1 = std::min(image.width - 1, x1 + margin);
  y1 = std::min(image.height - 1, y1 + margin);

  const int out_w = x1 - x0 + 1;
  const int out_h = y1 - y0 + 1;
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out_w, out_h));
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return detail::cairo_error("cannot allocate the normalized picture", status);
  }
  cairo_surface_flush(surface.get());
  unsigned char* pixels = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < out_h; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(pixels + std::size_t(y) * stride);
    for (int x = 0; x < out_w; ++x) {
      const std::size_t i = std::size_t(y + y0) * image.width + (x + x0);
      const double alpha = alpha_of(light[i]);
      if (alpha <= 0) {
        row[x] = 0;
        continue;
      }
      // The pixel is ink laid over white paper with coverage `alpha`: take the paper back out
      // so that edges keep the ink's colour, then premultiply as cairo stores it.
      std::uint32_t value = static_cast<std::uint32_t>(std::lround(alpha * 255)) << 24;
      for (int c = 0; c < 3; ++c) {
        const double seen = image.rgb[i * 3 + c];
        const double ink_colour = std::clamp(255 - (255 - seen) / alpha, 0.0, 255.0);
        value |= static_cast<std::uint32_t>(std::lround(ink_colour * alpha)) << (16 - 8 * c);
      }
      row[x] = value;
    }
  }
  cairo_surface_mark_dirty(surface.get());
  auto png = detail::encode_png(surface.get());
  if (!png) return png.error();
  return NormalizedPicture{std::move(*png), out_w, out_h};
}

}  // namespace eseal::image
