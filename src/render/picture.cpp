// Picture decoding: PNG through cairo, JPEG through libjpeg, TIFF through libtiff (from memory)
// and BMP with a decoder of our own. Every decoder reads the picture's size from its header and
// checks it against the caller's limit before any pixel memory is allocated.
#include "render/picture.h"

#include <cairo.h>
// clang-format off
#include <cstdio>  // jpeglib.h uses FILE and size_t without including their headers
#include <jpeglib.h>
// clang-format on
#include <tiffio.h>

#include <algorithm>
#include <array>
#include <bit>
#include <csetjmp>
#include <cstdarg>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "image/cairo_support.h"

namespace eseal::render {
namespace {

constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

std::uint32_t be32(ByteView data, std::size_t at) {
  return static_cast<std::uint32_t>(data[at]) << 24 |
         static_cast<std::uint32_t>(data[at + 1]) << 16 |
         static_cast<std::uint32_t>(data[at + 2]) << 8 | data[at + 3];
}

std::uint16_t le16(ByteView data, std::size_t at) {
  return static_cast<std::uint16_t>(data[at] | data[at + 1] << 8);
}

std::uint32_t le32(ByteView data, std::size_t at) {
  return static_cast<std::uint32_t>(data[at]) | static_cast<std::uint32_t>(data[at + 1]) << 8 |
         static_cast<std::uint32_t>(data[at + 2]) << 16 |
         static_cast<std::uint32_t>(data[at + 3]) << 24;
}

Error refuse(PictureFormat format, const std::string& reason) {
  return Error::invalid_input(std::string(picture_format_name(format)) + " picture: " + reason);
}

// The size check every decoder makes before allocating.
Status check_size(PictureFormat format, std::uint64_t width, std::uint64_t height,
                  std::uint64_t max_pixels) {
  if (width == 0 || height == 0) return refuse(format, "it has no pixels");
  // Each side is below 2^32, so the product fits in 64 bits; int bounds what callers index with.
  if (width > kMaxPictureSide || height > kMaxPictureSide || width * height > max_pixels) {
    return refuse(format, std::to_string(width) + " x " + std::to_string(height) +
                              " pixels is more than the limit of " + std::to_string(max_pixels) +
                              " pixels or " + std::to_string(kMaxPictureSide) + " on a side")
        .with_code(kLimitExceeded);
  }
  return ok_status();
}

Picture blank_picture(std::uint64_t width, std::uint64_t height) {
  Picture picture;
  picture.width = static_cast<int>(width);
  picture.height = static_cast<int>(height);
  picture.argb.resize(static_cast<std::size_t>(width) * height * 4);
  return picture;
}

std::uint32_t* pixel_row(Picture& picture, int y) {
  return reinterpret_cast<std::uint32_t*>(picture.argb.data() +
                                          static_cast<std::size_t>(y) * picture.width * 4);
}

std::uint32_t opaque(std::uint32_t r, std::uint32_t g, std::uint32_t b) {
  return 0xFF000000u | r << 16 | g << 8 | b;
}

std::uint32_t premultiplied(std::uint32_t r, std::uint32_t g, std::uint32_t b, std::uint32_t a) {
  auto scale = [a](std::uint32_t c) { return (c * a + 127) / 255; };
  return a << 24 | scale(r) << 16 | scale(g) << 8 | scale(b);
}

// ---- PNG ----

// The resolution from pHYs when it comes before the image data, as the PNG specification
// requires; 0 otherwise. Damaged chunk lengths simply end the search.
double png_dpi(ByteView data) {
  std::size_t at = 8;
  while (at + 12 <= data.size()) {
    const std::uint32_t length = be32(data, at);
    const char* type = reinterpret_cast<const char*>(data.data() + at + 4);
    if (std::memcmp(type, "IDAT", 4) == 0 || length > data.size() - at - 12) break;
    if (std::memcmp(type, "pHYs", 4) == 0 && length == 9 && data[at + 16] == 1) {
      return be32(data, at + 8) * 0.0254;  // pixels per metre
    }
    at += 12 + static_cast<std::size_t>(length);
  }
  return 0;
}

Result<Picture> decode_png(ByteView data, std::uint64_t max_pixels) {
  // IHDR must come first; its size is checked here so cairo never allocates for a forged one.
  if (data.size() < 33 || std::memcmp(data.data() + 12, "IHDR", 4) != 0) {
    return refuse(PictureFormat::kPng, "it is truncated or has no IHDR header");
  }
  const std::uint32_t width = be32(data, 16);
  const std::uint32_t height = be32(data, 20);
  if (Status s = check_size(PictureFormat::kPng, width, height, max_pixels); !s) return s.error();

  image::detail::SurfacePtr surface = image::detail::read_png(data);
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return refuse(PictureFormat::kPng,
                  std::string("it cannot be read: ") + cairo_status_to_string(status));
  }
  const cairo_format_t format = cairo_image_surface_get_format(surface.get());
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
    return refuse(PictureFormat::kPng, "its pixel format is not supported");
  }
  const int w = cairo_image_surface_get_width(surface.get());
  const int h = cairo_image_surface_get_height(surface.get());
  if (static_cast<std::uint32_t>(w) != width || static_cast<std::uint32_t>(h) != height) {
    return refuse(PictureFormat::kPng, "its size differs from its header");
  }
  Picture picture = blank_picture(width, height);
  picture.dpi = png_dpi(data);
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* pixels = cairo_image_surface_get_data(surface.get());
  // RGB24 leaves the top byte undefined; ARGB32 is already premultiplied.
  const std::uint32_t alpha = format == CAIRO_FORMAT_RGB24 ? 0xFF000000u : 0;
  for (int y = 0; y < h; ++y) {
    const auto* in = reinterpret_cast<const std::uint32_t*>(pixels + std::size_t(y) * stride);
    std::uint32_t* out = pixel_row(picture, y);
    for (int x = 0; x < w; ++x) out[x] = in[x] | alpha;
  }
  return picture;
}

// ---- JPEG ----

// libjpeg reports fatal errors through error_exit, which must not return: it jumps back to
// decode_jpeg. Warnings (damaged data that libjpeg would patch over with grey) are kept so that
// a damaged picture is refused instead of drawn half grey.
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
  Picture picture;
  std::vector<JSAMPLE> row;

  ~JpegDecoder() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

Result<Picture> decode_jpeg(ByteView data, std::uint64_t max_pixels) {
  const auto decoder = std::make_unique<JpegDecoder>();
  jpeg_decompress_struct& cinfo = decoder->cinfo;
  cinfo.err = jpeg_std_error(&decoder->errors.manager);
  decoder->errors.manager.error_exit = on_jpeg_error;
  decoder->errors.manager.emit_message = on_jpeg_message;
  if (setjmp(decoder->errors.jump) != 0) {
    return refuse(PictureFormat::kJpeg,
                  std::string("it cannot be read: ") + decoder->errors.message);
  }
  jpeg_create_decompress(&cinfo);
  decoder->created = true;
  // Bounds libjpeg's own buffers (progressive images keep all coefficients in memory).
  cinfo.mem->max_memory_to_use = 512L * 1024 * 1024;
  jpeg_mem_src(&cinfo, data.data(), static_cast<unsigned long>(data.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (Status s =
          check_size(PictureFormat::kJpeg, cinfo.image_width, cinfo.image_height, max_pixels);
      !s) {
    return s.error();
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  Picture& picture = decoder->picture;
  picture = blank_picture(cinfo.output_width, cinfo.output_height);
  if (cinfo.saw_JFIF_marker && cinfo.X_density > 0) {
    if (cinfo.density_unit == 1) picture.dpi = cinfo.X_density;
    if (cinfo.density_unit == 2) picture.dpi = cinfo.X_density * 2.54;
  }
  const int components = cinfo.output_components;
  decoder->row.resize(static_cast<std::size_t>(picture.width) * components);
  // Adobe writes CMYK inverted (0 = full ink), which is what nearly every CMYK JPEG is.
  const bool inverted = cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = decoder->row.data();
    const int y = static_cast<int>(cinfo.output_scanline);
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    std::uint32_t* out = pixel_row(picture, y);
    for (int x = 0; x < picture.width; ++x) {
      const JSAMPLE* in = row + static_cast<std::size_t>(x) * components;
      if (components == 1) {
        out[x] = opaque(in[0], in[0], in[0]);
      } else if (components == 4) {
        const std::uint32_t key = inverted ? in[3] : 255 - in[3];
        std::array<std::uint32_t, 3> c{};
        for (int i = 0; i < 3; ++i) c[i] = (inverted ? in[i] : 255u - in[i]) * key / 255;
        out[x] = opaque(c[0], c[1], c[2]);
      } else {
        out[x] = opaque(in[0], in[1], in[2]);
      }
    }
  }
  jpeg_finish_decompress(&cinfo);
  if (decoder->errors.warned) {
    return refuse(PictureFormat::kJpeg, std::string("it is damaged: ") + decoder->errors.message);
  }
  return std::move(decoder->picture);
}

// ---- BMP ----

struct Channel {
  std::uint32_t mask = 0;
  int shift = 0;
  std::uint64_t max = 0;  // the mask's value range, shifted down

  static Result<Channel> of(std::uint32_t mask) {
    Channel c;
    c.mask = mask;
    if (mask == 0) return c;
    c.shift = std::countr_zero(mask);
    const std::uint32_t bits = mask >> c.shift;
    if ((bits & (bits + 1)) != 0) {
      return refuse(PictureFormat::kBmp, "a colour mask is not one run of bits");
    }
    c.max = bits;
    return c;
  }
  std::uint32_t value(std::uint32_t pixel, std::uint32_t absent) const {
    if (mask == 0) return absent;
    return static_cast<std::uint32_t>((((pixel & mask) >> shift) * 255 + max / 2) / max);
  }
};

Result<Picture> decode_bmp(ByteView data, std::uint64_t max_pixels) {
  constexpr auto kBmp = PictureFormat::kBmp;
  if (data.size() < 26) return refuse(kBmp, "it is truncated");
  const std::uint32_t pixel_offset = le32(data, 10);
  const std::uint32_t header_size = le32(data, 14);
  const bool core = header_size == 12;
  if (!core && header_size != 40 && header_size != 52 && header_size != 56 && header_size != 64 &&
      header_size != 108 && header_size != 124) {
    return refuse(kBmp, "its header of " + std::to_string(header_size) + " bytes is unknown");
  }
  if (data.size() < 14 + std::size_t(header_size)) return refuse(kBmp, "it is truncated");

  std::int64_t width = 0, height = 0;
  unsigned bits = 0;
  std::uint32_t compression = 0, colours_used = 0;
  double dpi = 0;
  if (core) {
    width = le16(data, 18);
    height = le16(data, 20);
    bits = le16(data, 24);
  } else {
    width = static_cast<std::int32_t>(le32(data, 18));
    height = static_cast<std::int32_t>(le32(data, 22));
    bits = le16(data, 28);
    compression = le32(data, 30);
    dpi = static_cast<std::int32_t>(le32(data, 38)) * 0.0254;
    colours_used = le32(data, 46);
  }
  if (dpi < 0) dpi = 0;
  const bool top_down = height < 0;
  if (top_down) height = -height;
  if (width < 0) return refuse(kBmp, "its width is negative");

  constexpr std::uint32_t kRgb = 0, kRle8 = 1, kRle4 = 2, kBitfields = 3, kAlphaBitfields = 6;
  if (compression == kRle8 || compression == kRle4) {
    return refuse(kBmp, "run-length compressed (RLE) bitmaps are not supported");
  }
  if (compression != kRgb && compression != kBitfields && compression != kAlphaBitfields) {
    return refuse(kBmp, "compression " + std::to_string(compression) + " is not supported");
  }
  const bool bitfields = compression != kRgb;
  if (bitfields ? bits != 16 && bits != 32
                : bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32) {
    return refuse(kBmp, std::to_string(bits) + " bits per pixel is not supported");
  }
  if (Status s = check_size(kBmp, width, height, max_pixels); !s) return s.error();

  // Masks: in the header from version 3 (52 bytes) on, else right after a 40-byte header.
  std::size_t after_header = 14 + std::size_t(header_size);
  std::array<std::uint32_t, 4> masks{};  // red, green, blue, alpha
  if (bitfields) {
    if (header_size >= 52) {
      for (int i = 0; i < 3; ++i) masks[i] = le32(data, 54 + 4 * i);
      if (header_size >= 56) masks[3] = le32(data, 66);
    } else {
      const int count = compression == kAlphaBitfields ? 4 : 3;
      if (data.size() < after_header + 4 * count) return refuse(kBmp, "it is truncated");
      for (int i = 0; i < count; ++i) masks[i] = le32(data, after_header + 4 * i);
      after_header += 4 * count;
    }
  } else if (bits == 16) {
    masks = {0x7C00, 0x03E0, 0x001F, 0};
  } else if (bits == 32) {
    masks = {0x00FF0000, 0x0000FF00, 0x000000FF, 0};  // the fourth byte is not alpha in BI_RGB
  }
  std::array<Channel, 4> channels;
  for (int i = 0; i < 4; ++i) {
    auto c = Channel::of(masks[i]);
    if (!c) return c.error();
    channels[i] = *c;
  }

  std::vector<std::uint32_t> palette;
  if (bits <= 8) {
    const std::size_t entry = core ? 3 : 4;
    std::size_t count = colours_used == 0 ? std::size_t(1) << bits : colours_used;
    if (count > (std::size_t(1) << bits)) count = std::size_t(1) << bits;
    if (after_header > data.size() || (data.size() - after_header) / entry < count) {
      return refuse(kBmp, "its palette is truncated");
    }
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t at = after_header + i * entry;
      palette.push_back(opaque(data[at + 2], data[at + 1], data[at]));
    }
  }

  const std::uint64_t stride = (std::uint64_t(width) * bits + 31) / 32 * 4;
  if (pixel_offset > data.size() || (data.size() - pixel_offset) / stride < std::uint64_t(height)) {
    return refuse(kBmp, "its pixel data is truncated");
  }
  Picture picture = blank_picture(width, height);
  picture.dpi = dpi;
  for (int y = 0; y < picture.height; ++y) {
    const int source_row = top_down ? y : picture.height - 1 - y;
    const std::uint8_t* in = data.data() + pixel_offset + source_row * stride;
    std::uint32_t* out = pixel_row(picture, y);
    for (int x = 0; x < picture.width; ++x) {
      if (bits <= 8) {
        const unsigned per_byte = 8 / bits;
        const unsigned shift = 8 - bits * (x % per_byte + 1);
        const unsigned index = in[x / per_byte] >> shift & ((1u << bits) - 1);
        if (index >= palette.size()) {
          return refuse(kBmp, "a pixel names palette entry " + std::to_string(index) + " of " +
                                  std::to_string(palette.size()));
        }
        out[x] = palette[index];
      } else if (bits == 24) {
        const std::uint8_t* p = in + std::size_t(x) * 3;
        out[x] = opaque(p[2], p[1], p[0]);
      } else {
        const std::uint32_t pixel = bits == 16 ? le16(ByteView(in, stride), std::size_t(x) * 2)
                                               : le32(ByteView(in, stride), std::size_t(x) * 4);
        out[x] = premultiplied(channels[0].value(pixel, 0), channels[1].value(pixel, 0),
                               channels[2].value(pixel, 0), channels[3].value(pixel, 255));
      }
    }
  }
  return picture;
}

// ---- TIFF ----

struct TiffSource {
  ByteView data;
  std::uint64_t at = 0;
  std::string error;
};

tmsize_t tiff_read(thandle_t handle, void* out, tmsize_t size) {
  auto* source = static_cast<TiffSource*>(handle);
  if (size < 0 || source->at > source->data.size()) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(size, source->data.size() - source->at);
  std::memcpy(out, source->data.data() + source->at, n);
  source->at += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t tiff_write(thandle_t, void*, tmsize_t) {
  return 0;
}

toff_t tiff_seek(thandle_t handle, toff_t offset, int whence) {
  auto* source = static_cast<TiffSource*>(handle);
  std::uint64_t base = whence == SEEK_CUR   ? source->at
                       : whence == SEEK_END ? source->data.size()
                                            : 0;
  source->at = base + offset;  // reads past the end return nothing
  return source->at;
}

int tiff_close(thandle_t) {
  return 0;
}

toff_t tiff_size(thandle_t handle) {
  return static_cast<TiffSource*>(handle)->data.size();
}

int tiff_map(thandle_t, void**, toff_t*) {
  return 0;
}

void tiff_unmap(thandle_t, void*, toff_t) {}

int tiff_on_error(TIFF*, void* user_data, const char* module, const char* format, va_list args) {
  auto* source = static_cast<TiffSource*>(user_data);
  if (source->error.empty()) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    source->error = std::string(module ? module : "libtiff") + ": " + text;
  }
  return 1;  // handled: libtiff's default handler would print to stderr
}

int tiff_on_warning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}

Result<Picture> decode_tiff(ByteView data, std::uint64_t max_pixels) {
  constexpr auto kTiff = PictureFormat::kTiff;
  TiffSource source{data, 0, {}};
  std::unique_ptr<TIFFOpenOptions, decltype(&TIFFOpenOptionsFree)> options(TIFFOpenOptionsAlloc(),
                                                                           &TIFFOpenOptionsFree);
  if (!options) return Error::internal("libtiff cannot allocate its options");
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), tiff_on_error, &source);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), tiff_on_warning, &source);
  // Bounds libtiff's own buffers (strips, tiles, tag arrays) against forged sizes.
  TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), 256 * 1024 * 1024);
  // "m": no memory mapping; the source is already in memory.
  std::unique_ptr<TIFF, decltype(&TIFFClose)> tiff(
      TIFFClientOpenExt("memory", "rm", &source, tiff_read, tiff_write, tiff_seek, tiff_close,
                        tiff_size, tiff_map, tiff_unmap, options.get()),
      &TIFFClose);
  if (!tiff) return refuse(kTiff, "it cannot be opened: " + source.error);
  std::uint32_t width = 0, height = 0;
  if (!TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width) ||
      !TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height)) {
    return refuse(kTiff, "it has no image size");
  }
  if (Status s = check_size(kTiff, width, height, max_pixels); !s) return s.error();
  char reason[1024] = {};
  if (!TIFFRGBAImageOK(tiff.get(), reason)) {
    return refuse(kTiff, std::string("its pixels cannot be read: ") + reason);
  }
  Picture picture = blank_picture(width, height);
  float resolution = 0;
  std::uint16_t unit = RESUNIT_INCH;
  if (TIFFGetField(tiff.get(), TIFFTAG_XRESOLUTION, &resolution) && resolution > 0) {
    TIFFGetFieldDefaulted(tiff.get(), TIFFTAG_RESOLUTIONUNIT, &unit);
    if (unit == RESUNIT_INCH) picture.dpi = resolution;
    if (unit == RESUNIT_CENTIMETER) picture.dpi = resolution * 2.54;
  }
  auto* raster = reinterpret_cast<std::uint32_t*>(picture.argb.data());
  // stop_on_error = 1: a damaged strip is refused instead of drawn as a gap.
  if (!TIFFReadRGBAImageOriented(tiff.get(), width, height, raster, ORIENTATION_TOPLEFT, 1) ||
      !source.error.empty()) {
    return refuse(kTiff, "its pixels cannot be read: " +
                             (source.error.empty() ? std::string("damaged data") : source.error));
  }
  // libtiff gives premultiplied ABGR in its packing; cairo's is ARGB.
  const std::size_t count = std::size_t(width) * height;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t p = raster[i];
    raster[i] = TIFFGetA(p) << 24 | TIFFGetR(p) << 16 | TIFFGetG(p) << 8 | TIFFGetB(p);
  }
  return picture;
}

}  // namespace

PictureFormat sniff_picture(ByteView bytes) {
  auto starts = [&](std::initializer_list<std::uint8_t> prefix) {
    return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
  };
  if (bytes.size() >= kPngSignature.size() &&
      std::equal(kPngSignature.begin(), kPngSignature.end(), bytes.begin())) {
    return PictureFormat::kPng;
  }
  if (starts({0xFF, 0xD8, 0xFF})) return PictureFormat::kJpeg;
  if (starts({'B', 'M'})) return PictureFormat::kBmp;
  if (starts({'I', 'I', 42, 0}) || starts({'M', 'M', 0, 42})) return PictureFormat::kTiff;
  if (starts({'G', 'I', 'F', '8', '7', 'a'}) || starts({'G', 'I', 'F', '8', '9', 'a'})) {
    return PictureFormat::kGif;
  }
  return PictureFormat::kUnknown;
}

const char* picture_format_name(PictureFormat format) {
  switch (format) {
    case PictureFormat::kPng:
      return "PNG";
    case PictureFormat::kJpeg:
      return "JPEG";
    case PictureFormat::kBmp:
      return "BMP";
    case PictureFormat::kTiff:
      return "TIFF";
    case PictureFormat::kGif:
      return "GIF";
    case PictureFormat::kUnknown:
      break;
  }
  return "unknown";
}

Result<Picture> decode_picture(ByteView bytes, std::uint64_t max_pixels) {
  switch (sniff_picture(bytes)) {
    case PictureFormat::kPng:
      return decode_png(bytes, max_pixels);
    case PictureFormat::kJpeg:
      return decode_jpeg(bytes, max_pixels);
    case PictureFormat::kBmp:
      return decode_bmp(bytes, max_pixels);
    case PictureFormat::kTiff:
      return decode_tiff(bytes, max_pixels);
    case PictureFormat::kGif:
      return refuse(PictureFormat::kGif, "GIF is not supported; convert it to PNG");
    case PictureFormat::kUnknown:
      break;
  }
  return Error::invalid_input(
      "the picture's format is unknown or unsupported: expected PNG, JPEG, BMP or TIFF");
}

Result<Bytes> encode_png(const Picture& picture) {
  image::detail::SurfacePtr surface(cairo_image_surface_create_for_data(
      const_cast<unsigned char*>(picture.argb.data()), CAIRO_FORMAT_ARGB32, picture.width,
      picture.height, picture.width * 4));
  return image::detail::encode_png(surface.get());
}

}  // namespace eseal::render
