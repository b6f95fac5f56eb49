// render/picture: each format made here by its own library (cairo PNG, libjpeg, libtiff) or by
// hand (BMP), decoded and checked pixel by pixel; damaged and oversized input is refused.
#include "render/picture.h"

#include <cairo/cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>
// clang-format off
#include <cstdio>  // jpeglib.h uses FILE and size_t without including their headers
#include <jpeglib.h>
// clang-format on
#include <tiffio.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace eseal::render {
namespace {

std::uint32_t pixel(const Picture& picture, int x, int y) {
  std::uint32_t value;
  std::memcpy(&value, picture.argb.data() + (std::size_t(y) * picture.width + x) * 4, 4);
  return value;
}

// ---- makers ----

Bytes make_png(bool alpha) {
  cairo_surface_t* surface =
      cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, 3, 2);
  cairo_surface_flush(surface);
  auto* data = reinterpret_cast<std::uint32_t*>(cairo_image_surface_get_data(surface));
  const int stride = cairo_image_surface_get_stride(surface) / 4;
  const std::uint32_t a = alpha ? 0x80000000u : 0xFF000000u;
  const std::uint32_t half = alpha ? 0x80 : 0xFF;
  data[0] = a | half << 16;          // red
  data[1] = a | half << 8;           // green
  data[2] = a | half;                // blue
  data[stride] = 0xFF000000u;        // black, opaque
  data[stride + 1] = 0xFFFFFFFFu;    // white, opaque
  data[stride + 2] = alpha ? 0 : a;  // transparent (black when opaque)
  cairo_surface_mark_dirty(surface);
  Bytes png;
  cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* bytes, unsigned int length) {
        append(*static_cast<Bytes*>(closure), ByteView(bytes, length));
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(surface);
  return png;
}

// A JPEG of width x height whose every pixel is `sample` (components as `space` says).
Bytes make_jpeg(J_COLOR_SPACE space, int components, std::vector<JSAMPLE> sample, int width = 16,
                int height = 8, int dpi = 0) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr errors{};
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = space;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 100, TRUE);
  if (dpi > 0) {
    cinfo.density_unit = 1;
    cinfo.X_density = cinfo.Y_density = static_cast<UINT16>(dpi);
  }
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<JSAMPLE> row;
  for (int x = 0; x < width; ++x) row.insert(row.end(), sample.begin(), sample.end());
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

void put16(Bytes& b, std::size_t at, std::uint32_t v) {
  b[at] = v & 0xFF;
  b[at + 1] = v >> 8 & 0xFF;
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = v >> (8 * i) & 0xFF;
}

// A BMP with a 40-byte header: `extra` (palette or masks) after it, then `rows` as stored.
Bytes make_bmp(int width, int height, int bits, std::uint32_t compression, const Bytes& extra,
               const std::vector<Bytes>& rows, std::uint32_t colours_used = 0) {
  const std::size_t stride = (std::size_t(width) * bits + 31) / 32 * 4;
  const std::size_t offset = 14 + 40 + extra.size();
  Bytes b(offset + stride * rows.size());
  b[0] = 'B';
  b[1] = 'M';
  put32(b, 2, static_cast<std::uint32_t>(b.size()));
  put32(b, 10, static_cast<std::uint32_t>(offset));
  put32(b, 14, 40);
  put32(b, 18, static_cast<std::uint32_t>(width));
  put32(b, 22, static_cast<std::uint32_t>(height));
  put16(b, 26, 1);
  put16(b, 28, bits);
  put32(b, 30, compression);
  put32(b, 38, 3780);  // 96 dpi in pixels per metre
  put32(b, 42, 3780);
  put32(b, 46, colours_used);
  std::copy(extra.begin(), extra.end(), b.begin() + 54);
  for (std::size_t y = 0; y < rows.size(); ++y) {
    std::copy(rows[y].begin(), rows[y].end(), b.begin() + offset + y * stride);
  }
  return b;
}

Bytes palette(std::initializer_list<std::uint32_t> rgbs) {
  Bytes p;
  for (std::uint32_t rgb : rgbs) {
    p.insert(p.end(), {static_cast<std::uint8_t>(rgb), static_cast<std::uint8_t>(rgb >> 8),
                       static_cast<std::uint8_t>(rgb >> 16), 0});
  }
  return p;
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// A 4 x 3 TIFF written by libtiff: RGB, or RGBA with unassociated alpha.
Bytes make_tiff(bool alpha, std::uint16_t compression = COMPRESSION_LZW) {
  char path[] = "/tmp/eseal-picture-test-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  TIFF* tiff = TIFFOpen(path, "w");
  const int channels = alpha ? 4 : 3;
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, 4);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, 3);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, channels);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tiff, TIFFTAG_COMPRESSION, compression);
  TIFFSetField(tiff, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
  TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 1);
  TIFFSetField(tiff, TIFFTAG_XRESOLUTION, 300.0f);
  TIFFSetField(tiff, TIFFTAG_YRESOLUTION, 300.0f);
  TIFFSetField(tiff, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  if (alpha) {
    const std::uint16_t extra[] = {EXTRASAMPLE_UNASSALPHA};
    TIFFSetField(tiff, TIFFTAG_EXTRASAMPLES, 1, extra);
  }
  for (std::uint32_t y = 0; y < 3; ++y) {
    std::vector<std::uint8_t> row;
    for (int x = 0; x < 4; ++x) {
      // Row 0 red, row 1 green, row 2 blue; column x has alpha 255 - 64 x.
      row.push_back(y == 0 ? 200 : 0);
      row.push_back(y == 1 ? 200 : 0);
      row.push_back(y == 2 ? 200 : 0);
      if (alpha) row.push_back(static_cast<std::uint8_t>(255 - 64 * x));
    }
    TIFFWriteScanline(tiff, row.data(), y, 0);
  }
  TIFFClose(tiff);
  Bytes bytes = read_file(path);
  std::remove(path);
  return bytes;
}

void expect_refused(const Result<Picture>& result, const std::string& part) {
  ASSERT_FALSE(result.ok()) << "accepted, expected: " << part;
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput) << result.error().message;
  EXPECT_NE(result.error().message.find(part), std::string::npos) << result.error().message;
}

// ---- tests ----

TEST(PictureTest, SniffsFormats) {
  EXPECT_EQ(sniff_picture(make_png(false)), PictureFormat::kPng);
  EXPECT_EQ(sniff_picture(make_jpeg(JCS_GRAYSCALE, 1, {0})), PictureFormat::kJpeg);
  EXPECT_EQ(sniff_picture(as_bytes("BM....")), PictureFormat::kBmp);
  EXPECT_EQ(sniff_picture(make_tiff(false)), PictureFormat::kTiff);
  EXPECT_EQ(sniff_picture(as_bytes(std::string_view("MM\0*", 4))), PictureFormat::kTiff);
  EXPECT_EQ(sniff_picture(as_bytes("GIF89a...")), PictureFormat::kGif);
  EXPECT_EQ(sniff_picture(as_bytes("hello")), PictureFormat::kUnknown);
  EXPECT_EQ(sniff_picture({}), PictureFormat::kUnknown);
  EXPECT_STREQ(picture_format_name(PictureFormat::kTiff), "TIFF");
}

TEST(PictureTest, DecodesPngWithAlphaPremultiplied) {
  auto picture = decode_picture(make_png(true));
  ASSERT_TRUE(picture.ok()) << picture.error().message;
  ASSERT_EQ(picture->width, 3);
  ASSERT_EQ(picture->height, 2);
  ASSERT_EQ(picture->argb.size(), 3u * 2 * 4);
  EXPECT_EQ(pixel(*picture, 0, 0), 0x80800000u);
  EXPECT_EQ(pixel(*picture, 1, 0), 0x80008000u);
  EXPECT_EQ(pixel(*picture, 2, 0), 0x80000080u);
  EXPECT_EQ(pixel(*picture, 0, 1), 0xFF000000u);
  EXPECT_EQ(pixel(*picture, 1, 1), 0xFFFFFFFFu);
  EXPECT_EQ(pixel(*picture, 2, 1), 0u);
}

TEST(PictureTest, DecodesOpaquePngWithFullAlpha) {
  auto picture = decode_picture(make_png(false));
  ASSERT_TRUE(picture.ok()) << picture.error().message;
  EXPECT_EQ(pixel(*picture, 0, 0), 0xFFFF0000u);
  EXPECT_EQ(pixel(*picture, 2, 1), 0xFF000000u);
  EXPECT_EQ(picture->dpi, 0);
}

TEST(PictureTest, ReadsPngResolution) {
  Bytes png = make_png(false);
  // pHYs of 11811 pixels per metre (300 dpi), inserted after IHDR (8 + 25 bytes).
  const std::uint8_t phys[] = {0, 0,    0,    9, 'p', 'H',  'Y',  's', 0,
                               0, 0x2E, 0x23, 0, 0,   0x2E, 0x23, 1};
  Bytes chunk(std::begin(phys), std::end(phys));
  std::uint32_t crc = 0xFFFFFFFFu;  // CRC-32 over type and data, as PNG requires
  for (std::size_t i = 4; i < chunk.size(); ++i) {
    crc ^= chunk[i];
    for (int k = 0; k < 8; ++k) crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  crc ^= 0xFFFFFFFFu;
  for (int i = 3; i >= 0; --i) chunk.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  png.insert(png.begin() + 33, chunk.begin(), chunk.end());
  auto picture = decode_picture(png);
  ASSERT_TRUE(picture.ok()) << picture.error().message;
  EXPECT_NEAR(picture->dpi, 300, 0.1);
}

TEST(PictureTest, DecodesJpegRgbGreyAndCmyk) {
  auto rgb = decode_picture(make_jpeg(JCS_RGB, 3, {200, 30, 40}, 16, 8, 150));
  ASSERT_TRUE(rgb.ok()) << rgb.error().message;
  EXPECT_EQ(rgb->width, 16);
  EXPECT_EQ(rgb->height, 8);
  EXPECT_EQ(rgb->dpi, 150);
  const std::uint32_t p = pixel(*rgb, 5, 5);
  EXPECT_EQ(p >> 24, 0xFFu);
  EXPECT_NEAR(int(p >> 16 & 0xFF), 200, 4);
  EXPECT_NEAR(int(p >> 8 & 0xFF), 30, 4);
  EXPECT_NEAR(int(p & 0xFF), 40, 4);

  auto grey = decode_picture(make_jpeg(JCS_GRAYSCALE, 1, {100}));
  ASSERT_TRUE(grey.ok()) << grey.error().message;
  const std::uint32_t g = pixel(*grey, 3, 3);
  EXPECT_NEAR(int(g & 0xFF), 100, 2);
  EXPECT_EQ(g >> 16 & 0xFF, g & 0xFF);
  EXPECT_EQ(g >> 24, 0xFFu);

  // libjpeg writes CMYK with an Adobe marker, so the samples are read as inverted (255 = no
  // ink): cyan 0 (full), magenta 255, yellow 255, black 255 (none) is cyan.
  auto cmyk = decode_picture(make_jpeg(JCS_CMYK, 4, {0, 255, 255, 255}));
  ASSERT_TRUE(cmyk.ok()) << cmyk.error().message;
  const std::uint32_t c = pixel(*cmyk, 1, 1);
  EXPECT_NEAR(int(c >> 16 & 0xFF), 0, 4);
  EXPECT_NEAR(int(c >> 8 & 0xFF), 255, 4);
  EXPECT_NEAR(int(c & 0xFF), 255, 4);
}

TEST(PictureTest, DecodesBmp24BottomUp) {
  // 2 x 2: the first stored row is the bottom one. Rows pad to 8 bytes.
  Bytes bottom = {0, 0, 255, 0, 255, 0, 0, 0};   // red, green (BGR)
  Bytes top = {255, 0, 0, 255, 255, 255, 0, 0};  // blue, white
  auto picture = decode_picture(make_bmp(2, 2, 24, 0, {}, {bottom, top}));
  ASSERT_TRUE(picture.ok()) << picture.error().message;
  EXPECT_EQ(pixel(*picture, 0, 0), 0xFF0000FFu);
  EXPECT_EQ(pixel(*picture, 1, 0), 0xFFFFFFFFu);
  EXPECT_EQ(pixel(*picture, 0, 1), 0xFFFF0000u);
  EXPECT_EQ(pixel(*picture, 1, 1), 0xFF00FF00u);
  EXPECT_NEAR(picture->dpi, 96, 0.1);
}

TEST(PictureTest, DecodesBmpPalettesTopDown) {
  const Bytes colours = palette({0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00});
  // 8-bit, top-down (negative height): indices 2 3 1 / 0 1 2.
  auto eight = decode_picture(make_bmp(3, -2, 8, 0, colours, {{2, 3, 1, 0}, {0, 1, 2, 0}}, 4));
  ASSERT_TRUE(eight.ok()) << eight.error().message;
  EXPECT_EQ(pixel(*eight, 0, 0), 0xFFFF0000u);
  EXPECT_EQ(pixel(*eight, 1, 0), 0xFF00FF00u);
  EXPECT_EQ(pixel(*eight, 2, 0), 0xFFFFFFFFu);
  EXPECT_EQ(pixel(*eight, 0, 1), 0xFF000000u);
  EXPECT_EQ(pixel(*eight, 2, 1), 0xFFFF0000u);

  // 4-bit: high nibble first; indices 3 2 1.
  auto four = decode_picture(make_bmp(3, -1, 4, 0, colours, {{0x32, 0x10, 0, 0}}, 4));
  ASSERT_TRUE(four.ok()) << four.error().message;
  EXPECT_EQ(pixel(*four, 0, 0), 0xFF00FF00u);
  EXPECT_EQ(pixel(*four, 1, 0), 0xFFFF0000u);
  EXPECT_EQ(pixel(*four, 2, 0), 0xFFFFFFFFu);

  // 1-bit, 10 pixels wide, bottom-up: 1010000011 in the single row.
  auto one = decode_picture(
      make_bmp(10, 1, 1, 0, palette({0x000000, 0xFFFFFF}), {{0b10100000, 0b11000000, 0, 0}}));
  ASSERT_TRUE(one.ok()) << one.error().message;
  const int expected[] = {1, 0, 1, 0, 0, 0, 0, 0, 1, 1};
  for (int x = 0; x < 10; ++x) {
    EXPECT_EQ(pixel(*one, x, 0), expected[x] ? 0xFFFFFFFFu : 0xFF000000u) << x;
  }
}

TEST(PictureTest, DecodesBmp16And32Bit) {
  // 16-bit BI_RGB is 5-5-5: pure red 0x7C00, pure blue 0x001F.
  auto rgb555 = decode_picture(make_bmp(2, 1, 16, 0, {}, {{0x00, 0x7C, 0x1F, 0x00}}));
  ASSERT_TRUE(rgb555.ok()) << rgb555.error().message;
  EXPECT_EQ(pixel(*rgb555, 0, 0), 0xFFFF0000u);
  EXPECT_EQ(pixel(*rgb555, 1, 0), 0xFF0000FFu);

  // 16-bit BI_BITFIELDS 5-6-5: pure green 0x07E0.
  Bytes masks565(12);
  put32(masks565, 0, 0xF800);
  put32(masks565, 4, 0x07E0);
  put32(masks565, 8, 0x001F);
  auto rgb565 = decode_picture(make_bmp(1, 1, 16, 3, masks565, {{0xE0, 0x07, 0, 0}}));
  ASSERT_TRUE(rgb565.ok()) << rgb565.error().message;
  EXPECT_EQ(pixel(*rgb565, 0, 0), 0xFF00FF00u);

  // 32-bit BI_RGB: the fourth byte is padding, not alpha.
  auto rgb32 = decode_picture(make_bmp(1, 1, 32, 0, {}, {{10, 20, 30, 0}}));
  ASSERT_TRUE(rgb32.ok()) << rgb32.error().message;
  EXPECT_EQ(pixel(*rgb32, 0, 0), 0xFF1E140Au);

  // 32-bit BI_ALPHABITFIELDS with alpha: red at half alpha comes out premultiplied.
  Bytes masks(16);
  put32(masks, 0, 0x00FF0000);
  put32(masks, 4, 0x0000FF00);
  put32(masks, 8, 0x000000FF);
  put32(masks, 12, 0xFF000000);
  auto argb = decode_picture(make_bmp(1, 1, 32, 6, masks, {{0, 0, 255, 128}}));
  ASSERT_TRUE(argb.ok()) << argb.error().message;
  EXPECT_EQ(pixel(*argb, 0, 0), 0x80800000u);
}

TEST(PictureTest, DecodesTiff) {
  auto rgb = decode_picture(make_tiff(false));
  ASSERT_TRUE(rgb.ok()) << rgb.error().message;
  EXPECT_EQ(rgb->width, 4);
  EXPECT_EQ(rgb->height, 3);
  EXPECT_NEAR(rgb->dpi, 300, 0.01);
  EXPECT_EQ(pixel(*rgb, 0, 0), 0xFFC80000u);
  EXPECT_EQ(pixel(*rgb, 3, 1), 0xFF00C800u);
  EXPECT_EQ(pixel(*rgb, 2, 2), 0xFF0000C8u);

  auto rgba = decode_picture(make_tiff(true, COMPRESSION_NONE));
  ASSERT_TRUE(rgba.ok()) << rgba.error().message;
  EXPECT_EQ(pixel(*rgba, 0, 0), 0xFFC80000u);
  // Alpha 127 on red 200: premultiplied to about 100.
  const std::uint32_t p = pixel(*rgba, 2, 0);
  EXPECT_EQ(p >> 24, 127u);
  EXPECT_NEAR(int(p >> 16 & 0xFF), 100, 1);
}

TEST(PictureTest, RefusesUnknownAndGif) {
  expect_refused(decode_picture(as_bytes("not a picture at all")), "unknown");
  expect_refused(decode_picture({}), "unknown");
  expect_refused(decode_picture(as_bytes("GIF89a\x01\x00\x01\x00")), "GIF");
}

TEST(PictureTest, RefusesTruncatedPictures) {
  const Bytes png = make_png(true);
  const Bytes jpeg = make_jpeg(JCS_RGB, 3, {1, 2, 3}, 64, 64);
  const Bytes bmp = make_bmp(2, 2, 24, 0, {}, {Bytes(8), Bytes(8)});
  const Bytes tiff = make_tiff(false, COMPRESSION_NONE);
  for (const Bytes* whole : {&png, &jpeg, &bmp, &tiff}) {
    for (std::size_t cut : {std::size_t(10), whole->size() / 2, whole->size() - 6}) {
      auto result = decode_picture(ByteView(whole->data(), cut));
      ASSERT_FALSE(result.ok()) << picture_format_name(sniff_picture(*whole)) << " cut at " << cut;
      EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput) << result.error().message;
    }
  }
}

TEST(PictureTest, RefusesDamagedPictures) {
  Bytes png = make_png(true);
  png[png.size() - 20] ^= 0xFF;  // inside IDAT: its CRC no longer matches
  expect_refused(decode_picture(png), "PNG");

  Bytes jpeg = make_jpeg(JCS_RGB, 3, {1, 2, 3}, 64, 64);
  for (std::size_t i = jpeg.size() / 2; i < jpeg.size() / 2 + 64; ++i) jpeg[i] = 0xFF;
  expect_refused(decode_picture(jpeg), "JPEG");

  // RLE bitmaps are refused by name; a palette index beyond the palette is damage.
  expect_refused(decode_picture(make_bmp(2, 1, 8, 1, palette({0, 0}), {{0, 0, 0, 0}}, 2)), "RLE");
  expect_refused(decode_picture(make_bmp(2, 1, 8, 0, palette({0, 0}), {{0, 5, 0, 0}}, 2)),
                 "palette entry 5");
  expect_refused(decode_picture(make_bmp(2, 1, 7, 0, {}, {{0, 0, 0, 0}})), "bits per pixel");

  Bytes tiff = make_tiff(false, COMPRESSION_NONE);
  tiff[2] = 43;  // BigTIFF's magic number with a classic header
  expect_refused(decode_picture(tiff), "TIFF");
}

TEST(PictureTest, RefusesOversizedPicturesBeforeAllocating) {
  // The limit argument is honoured for every format.
  expect_refused(decode_picture(make_png(false), 5), "limit");
  expect_refused(decode_picture(make_jpeg(JCS_GRAYSCALE, 1, {0}), 100), "limit");
  expect_refused(decode_picture(make_tiff(false), 11), "limit");
  expect_refused(decode_picture(make_bmp(2, 2, 24, 0, {}, {Bytes(8), Bytes(8)}), 3), "limit");

  // Forged headers claiming huge sizes are refused from the header alone.
  Bytes png = make_png(false);
  png[16] = png[20] = 0x7F;  // 2^31-ish each way
  expect_refused(decode_picture(png), "limit");
  Bytes bmp = make_bmp(2, 2, 24, 0, {}, {Bytes(8), Bytes(8)});
  put32(bmp, 18, 60000);
  put32(bmp, 22, 60000);
  expect_refused(decode_picture(bmp), "limit");
  put32(bmp, 18, 0x80000000u);  // negative width
  expect_refused(decode_picture(bmp), "negative");
  put32(bmp, 18, 5000);
  put32(bmp, 22, 5000);  // within the limit but far beyond the data
  expect_refused(decode_picture(bmp), "truncated");
}

}  // namespace
}  // namespace eseal::render
