// User-supplied pictures: synthetic scans and signatures (PNG drawn with cairo, JPEG written
// with libjpeg) come back transparent, opaque where the ink is, and cropped; damaged, forged,
// blank or non-picture input is refused without crashing.
#include <gtest/gtest.h>
// clang-format off
#include <cstdio>  // jpeglib.h uses FILE and size_t without including their headers
#include <jpeglib.h>
// clang-format on

#include <cstdlib>
#include <string>
#include <vector>

#include "image/pixels.h"
#include "image/seal_picture.h"

namespace eseal::image {
namespace {

using test::Cairo;
using test::decode_png;
using test::Pixels;
using test::Surface;

constexpr int kWidth = 600;
constexpr int kHeight = 400;

// White paper with a dark signature stroke from (100, 120) to (500, 300) (8 px wide, round
// caps) and a red ring, as a scanner would deliver them.
Surface draw_scan(bool ink = true) {
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, kWidth, kHeight));
  Cairo cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 0.98, 0.98, 0.97);
  cairo_paint(cr.get());
  if (ink) {
    cairo_set_line_cap(cr.get(), CAIRO_LINE_CAP_ROUND);
    cairo_set_line_width(cr.get(), 8);
    cairo_set_source_rgb(cr.get(), 0.1, 0.1, 0.2);
    cairo_move_to(cr.get(), 100, 120);
    cairo_curve_to(cr.get(), 250, 320, 350, 100, 500, 300);
    cairo_stroke(cr.get());
    cairo_set_line_width(cr.get(), 6);
    cairo_set_source_rgb(cr.get(), 0.85, 0.05, 0.1);
    cairo_arc(cr.get(), 300, 200, 60, 0, 6.3);
    cairo_stroke(cr.get());
  }
  cairo_surface_flush(surface.get());
  return surface;
}

// The surface's pixels as tightly packed RGB (components 3) or grey (components 1).
std::vector<std::uint8_t> packed(cairo_surface_t* surface, int components) {
  std::vector<std::uint8_t> out;
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  for (int y = 0; y < kHeight; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
    for (int x = 0; x < kWidth; ++x) {
      const std::uint8_t r = row[x] >> 16 & 0xFF, g = row[x] >> 8 & 0xFF, b = row[x] & 0xFF;
      if (components == 1) {
        out.push_back(static_cast<std::uint8_t>((r * 299 + g * 587 + b * 114) / 1000));
      } else {
        out.insert(out.end(), {r, g, b});
      }
    }
  }
  return out;
}

Bytes encode_jpeg(const std::vector<std::uint8_t>& pixels, int components, int quality = 90) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr errors{};
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = kWidth;
  cinfo.image_height = kHeight;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    auto* row = const_cast<JSAMPLE*>(pixels.data() +
                                     std::size_t(cinfo.next_scanline) * kWidth * components);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes jpeg(buffer, buffer + size);
  std::free(buffer);
  return jpeg;
}

// Checks a normalized synthetic scan: transparent paper, opaque strokes, cropped to the ink
// (the strokes span x 96..504 and y 116..304, plus the normalizer's small margin).
Pixels expect_normalized_scan(const Result<NormalizedPicture>& result) {
  EXPECT_TRUE(result.ok()) << result.error().message;
  if (!result) return {};
  const Pixels p = decode_png(result->png);
  EXPECT_EQ(p.width, result->width_px);
  EXPECT_EQ(p.height, result->height_px);
  EXPECT_NEAR(p.width, 408 + 2 * 8, 8);
  EXPECT_NEAR(p.height, 188 + 2 * 8, 8);
  if (p.width == 0) return p;
  EXPECT_EQ(p.alpha(0, 0), 0);
  EXPECT_EQ(p.alpha(p.width - 1, 0), 0);
  EXPECT_EQ(p.alpha(0, p.height - 1), 0);
  EXPECT_EQ(p.alpha(p.width - 1, p.height - 1), 0);
  int opaque = 0, partial = 0, transparent = 0;
  int left = p.width, right = -1, top = p.height, bottom = -1;
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      const int a = p.alpha(x, y);
      opaque += a == 255;
      partial += a > 0 && a < 255;
      transparent += a == 0;
      if (a >= 128) {
        left = std::min(left, x);
        right = std::max(right, x);
        top = std::min(top, y);
        bottom = std::max(bottom, y);
      }
    }
  }
  EXPECT_GT(opaque, 3000);
  EXPECT_GT(partial, 100);  // smooth edges, not a hard threshold
  EXPECT_GT(transparent, p.width * p.height / 2);
  // Cropped: the ink reaches within the margin of every side.
  EXPECT_LE(left, 12);
  EXPECT_LE(top, 12);
  EXPECT_GE(right, p.width - 13);
  EXPECT_GE(bottom, p.height - 13);
  return p;
}

TEST(NormalizePicture, PngScanBecomesTransparentAndCropped) {
  Surface scan = draw_scan();
  const Pixels p = expect_normalized_scan(normalize_picture(test::encode_png(scan.get())));
  ASSERT_GT(p.width, 0);
  // The red ring keeps its colour: its centre line in the picture is at (300, 140) -> crop.
  // Find opaque reddish pixels and dark bluish ones.
  int red = 0, dark = 0;
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      if (p.alpha(x, y) != 255) continue;
      if (p.red(x, y) > 180 && p.green(x, y) < 60 && p.blue(x, y) < 80) ++red;
      if (p.red(x, y) < 60 && p.green(x, y) < 60 && p.blue(x, y) < 90) ++dark;
    }
  }
  EXPECT_GT(red, 1000);
  EXPECT_GT(dark, 1000);
}

TEST(NormalizePicture, ColourJpegScan) {
  Surface scan = draw_scan();
  expect_normalized_scan(normalize_picture(encode_jpeg(packed(scan.get(), 3), 3)));
}

TEST(NormalizePicture, GreyJpegScan) {
  Surface scan = draw_scan();
  expect_normalized_scan(normalize_picture(encode_jpeg(packed(scan.get(), 1), 1, 75)));
}

TEST(NormalizePicture, TransparentSealPictureStaysASeal) {
  SealPictureSpec spec = default_spec(SealTemplate::kSquare);
  spec.name = "张三";
  spec.style.dpi = 150;
  auto seal = render_png(spec);
  ASSERT_TRUE(seal.ok());
  auto normalized = normalize_picture(*seal);
  ASSERT_TRUE(normalized.ok()) << normalized.error().message;
  const Pixels p = decode_png(normalized->png);
  EXPECT_NEAR(p.width, 118, 4);
  EXPECT_NEAR(p.height, 118, 4);
  int opaque_red = 0;
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      if (p.alpha(x, y) == 255 && p.red(x, y) > 200 && p.green(x, y) < 30) ++opaque_red;
    }
  }
  EXPECT_GT(opaque_red, 2000);
}

void expect_refused(ByteView data, const std::string& message_part) {
  auto result = normalize_picture(data);
  ASSERT_FALSE(result.ok()) << "accepted: " << message_part;
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

TEST(NormalizePicture, GarbageIsNotAPicture) {
  expect_refused(as_bytes("definitely not a picture"), "unknown or unsupported");
  expect_refused({}, "unknown or unsupported");
  Bytes png_junk = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (int i = 0; i < 100; ++i) png_junk.push_back(static_cast<std::uint8_t>(i * 37));
  expect_refused(png_junk, "PNG");
  Bytes jpeg_junk = {0xFF, 0xD8, 0xFF};
  for (int i = 0; i < 100; ++i) jpeg_junk.push_back(static_cast<std::uint8_t>(i * 37));
  expect_refused(jpeg_junk, "JPEG");
}

TEST(NormalizePicture, TruncatedPicturesAreRefused) {
  Surface scan = draw_scan();
  const Bytes png = test::encode_png(scan.get());
  expect_refused(ByteView(png).first(png.size() / 2), "PNG");
  expect_refused(ByteView(png).first(40), "PNG");
  const Bytes jpeg = encode_jpeg(packed(scan.get(), 3), 3);
  expect_refused(ByteView(jpeg).first(jpeg.size() / 2), "JPEG");
  expect_refused(ByteView(jpeg).first(200), "JPEG");
}

TEST(NormalizePicture, ForgedHugeSizesAreRefusedBeforeDecoding) {
  Surface scan = draw_scan();
  Bytes png = test::encode_png(scan.get());
  // IHDR width and height (big-endian) at bytes 16 and 20: 100000 x 100000.
  for (std::size_t at : {16u, 20u}) {
    png[at] = 0;
    png[at + 1] = 0x01;
    png[at + 2] = 0x86;
    png[at + 3] = 0xA0;
  }
  expect_refused(png, "more than the limit");

  Bytes jpeg = encode_jpeg(packed(scan.get(), 3), 3);
  // SOF0: FF C0, length (2), precision (1), height (2), width (2): 60000 x 60000.
  bool patched = false;
  for (std::size_t i = 0; i + 8 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 5] = jpeg[i + 7] = 0xEA;
      jpeg[i + 6] = jpeg[i + 8] = 0x60;
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  expect_refused(jpeg, "more than the limit");
}

TEST(NormalizePicture, TheCallerSetsHowManyPixelsAPictureMayHave) {
  Surface scan = draw_scan();
  const Bytes png = test::encode_png(scan.get());
  const Bytes jpeg = encode_jpeg(packed(scan.get(), 3), 3);
  constexpr std::uint64_t kPixels = kWidth * kHeight;
  for (const Bytes& picture : {png, jpeg}) {
    EXPECT_TRUE(normalize_picture(picture, kPixels).ok());
    auto refused = normalize_picture(picture, kPixels - 1);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(refused.error().message.find("more than the limit"), std::string::npos)
        << refused.error().message;
  }
}

TEST(NormalizePicture, BlankOrDarkPicturesHaveNoInk) {
  Surface blank = draw_scan(false);
  expect_refused(test::encode_png(blank.get()), "no ink");
  expect_refused(encode_jpeg(packed(blank.get(), 3), 3), "no ink");
  // One speck of dust is not a signature.
  {
    Cairo cr(cairo_create(blank.get()));
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    cairo_rectangle(cr.get(), 10, 10, 2, 2);
    cairo_fill(cr.get());
  }
  expect_refused(test::encode_png(blank.get()), "no ink");

  Surface dark(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 50, 50));
  {
    Cairo cr(cairo_create(dark.get()));
    cairo_set_source_rgb(cr.get(), 0.05, 0.05, 0.05);
    cairo_paint(cr.get());
  }
  expect_refused(test::encode_png(dark.get()), "not light");
}

}  // namespace
}  // namespace eseal::image
