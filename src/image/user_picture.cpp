// Pictures supplied by users (scanned seals, handwritten signatures): decodes PNG (cairo) or
// JPEG (libjpeg) defensively, turns the paper transparent with alpha following the ink's
// darkness, crops to the ink and returns a transparent PNG.
#include <cairo.h>
// clang-format off
#include <cstdio>  // jpeglib.h uses FILE and size_t without including their headers
#include <jpeglib.h>
// clang-format on

#include <algorithm>
#include <array>
#include <cmath>
#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "image/cairo_support.h"
#include "image/seal_picture.h"

namespace eseal::image {
namespace {

using detail::SurfacePtr;

// Decoded pixels, 8-bit RGB, already composited over white where the source had transparency.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3
};

std::string megapixels_message(double width, double height) {
  return "picture is " + std::to_string(static_cast<long long>(width)) + " x " +
         std::to_string(static_cast<long long>(height)) + " pixels; at most 40 megapixels";
}

std::uint32_t read_be32(ByteView data, std::size_t at) {
  return static_cast<std::uint32_t>(data[at]) << 24 |
         static_cast<std::uint32_t>(data[at + 1]) << 16 |
         static_cast<std::uint32_t>(data[at + 2]) << 8 | data[at + 3];
}

constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

bool is_png(ByteView data) {
  return data.size() >= kPngSignature.size() &&
         std::equal(kPngSignature.begin(), kPngSignature.end(), data.begin());
}

bool is_jpeg(ByteView data) {
  return data.size() >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

Result<RgbImage> decode_png(ByteView data) {
  // The size comes from IHDR, which must come first; checking it here keeps cairo from
  // allocating for a forged header.
  if (data.size() < 33 || std::memcmp(data.data() + 12, "IHDR", 4) != 0) {
    return Error::invalid_input("PNG is truncated or has no IHDR header");
  }
  const double width = read_be32(data, 16);
  const double height = read_be32(data, 20);
  if (width == 0 || height == 0) return Error::invalid_input("PNG has no pixels");
  if (width * height > detail::kMaxPixels) {
    return Error::invalid_input(megapixels_message(width, height));
  }

  SurfacePtr surface = detail::read_png(data);
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return Error::invalid_input(std::string("PNG cannot be read: ") +
                                cairo_status_to_string(status));
  }
  const cairo_format_t format = cairo_image_surface_get_format(surface.get());
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
    return Error::invalid_input("PNG pixel format is not supported");
  }
  RgbImage image;
  image.width = cairo_image_surface_get_width(surface.get());
  image.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* pixels = cairo_image_surface_get_data(surface.get());
  image.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
  std::uint8_t* out = image.rgb.data();
  for (int y = 0; y < image.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(pixels + std::size_t(y) * stride);
    for (int x = 0; x < image.width; ++x) {
      const std::uint32_t p = row[x];
      // Premultiplied: over white, each channel gains the uncovered share of white.
      const std::uint32_t uncovered = format == CAIRO_FORMAT_ARGB32 ? 255 - (p >> 24) : 0;
      *out++ =
          static_cast<std::uint8_t>(std::min<std::uint32_t>(255, (p >> 16 & 0xFF) + uncovered));
      *out++ = static_cast<std::uint8_t>(std::min<std::uint32_t>(255, (p >> 8 & 0xFF) + uncovered));
      *out++ = static_cast<std::uint8_t>(std::min<std::uint32_t>(255, (p & 0xFF) + uncovered));
    }
  }
  return image;
}

// libjpeg reports fatal errors through error_exit, which must not return: it jumps back to
// decode_jpeg. Warnings (damaged data that libjpeg would patch over with grey) are kept so that
// a damaged picture is refused instead of turning into a grey smear of "ink".
struct JpegErrors {
  jpeg_error_mgr manager;  // first, so libjpeg's pointer to it is a pointer to this
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool warned;
};

[[noreturn]] void on_jpeg_error(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

void on_jpeg_message(j_common_ptr cinfo, int level) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  if (level < 0 && !errors->warned) {
    (*cinfo->err->format_message)(cinfo, errors->message);
    errors->warned = true;
  }
}

// Everything the decoder touches lives on the heap behind one pointer that is set before
// setjmp, so nothing with a destructor is skipped by the jump and no local is left stale.
struct JpegDecoder {
  jpeg_decompress_struct cinfo{};
  JpegErrors errors{};
  bool created = false;
  RgbImage image;
  std::vector<JSAMPLE> row;

  ~JpegDecoder() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

Result<RgbImage> decode_jpeg(ByteView data) {
  const auto decoder = std::make_unique<JpegDecoder>();
  decoder->cinfo.err = jpeg_std_error(&decoder->errors.manager);
  decoder->errors.manager.error_exit = on_jpeg_error;
  decoder->errors.manager.emit_message = on_jpeg_message;
  if (setjmp(decoder->errors.jump) != 0) {
    return Error::invalid_input(std::string("JPEG cannot be read: ") + decoder->errors.message);
  }
  jpeg_create_decompress(&decoder->cinfo);
  decoder->created = true;
  // Bounds libjpeg's own buffers (progressive images keep all coefficients in memory).
  decoder->cinfo.mem->max_memory_to_use = 512L * 1024 * 1024;
  jpeg_mem_src(&decoder->cinfo, data.data(), static_cast<unsigned long>(data.size()));
  jpeg_read_header(&decoder->cinfo, TRUE);
  const double width = decoder->cinfo.image_width;
  const double height = decoder->cinfo.image_height;
  if (width * height > detail::kMaxPixels) {
    return Error::invalid_input(megapixels_message(width, height));
  }
  const bool cmyk =
      decoder->cinfo.jpeg_color_space == JCS_CMYK || decoder->cinfo.jpeg_color_space == JCS_YCCK;
  decoder->cinfo.out_color_space = cmyk                                 ? JCS_CMYK
                                   : decoder->cinfo.num_components == 1 ? JCS_GRAYSCALE
                                                                        : JCS_RGB;
  jpeg_start_decompress(&decoder->cinfo);
  RgbImage& image = decoder->image;
  image.width = static_cast<int>(decoder->cinfo.output_width);
  image.height = static_cast<int>(decoder->cinfo.output_height);
  const int components = decoder->cinfo.output_components;
  image.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
  decoder->row.resize(static_cast<std::size_t>(image.width) * components);
  // Adobe writes CMYK inverted (0 = full ink), which is what nearly every CMYK JPEG is.
  const bool inverted = decoder->cinfo.saw_Adobe_marker;
  while (decoder->cinfo.output_scanline < decoder->cinfo.output_height) {
    JSAMPROW row = decoder->row.data();
    const std::size_t y = decoder->cinfo.output_scanline;
    if (jpeg_read_scanlines(&decoder->cinfo, &row, 1) != 1) break;
    std::uint8_t* out = image.rgb.data() + y * image.width * 3;
    for (int x = 0; x < image.width; ++x) {
      const JSAMPLE* in = row + static_cast<std::size_t>(x) * components;
      if (components == 1) {
        out[0] = out[1] = out[2] = in[0];
      } else if (components == 4) {
        const int key = inverted ? in[3] : 255 - in[3];
        for (int c = 0; c < 3; ++c) {
          const int ink = inverted ? in[c] : 255 - in[c];
          out[c] = static_cast<std::uint8_t>(ink * key / 255);
        }
      } else {
        out[0] = in[0];
        out[1] = in[1];
        out[2] = in[2];
      }
      out += 3;
    }
  }
  jpeg_finish_decompress(&decoder->cinfo);
  if (decoder->errors.warned) {
    return Error::invalid_input(std::string("JPEG is damaged: ") + decoder->errors.message);
  }
  return std::move(decoder->image);
}

}  // namespace

Result<NormalizedPicture> normalize_picture(ByteView data) {
  Result<RgbImage> decoded =
      is_png(data)    ? decode_png(data)
      : is_jpeg(data) ? decode_jpeg(data)
                      : Result<RgbImage>(Error::invalid_input("picture is neither PNG nor JPEG"));
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
