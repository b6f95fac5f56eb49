#include "image/raster.h"

#include <cstring>

#include "image/cairo_support.h"

namespace eseal::image {

Result<Raster> decode_png(ByteView png, std::uint64_t max_pixels) {
  // The size is in IHDR, which comes first: check it before cairo allocates.
  if (png.size() < 33 || std::memcmp(png.data() + 12, "IHDR", 4) != 0) {
    return Error::invalid_input("not a PNG picture");
  }
  auto be32 = [&png](std::size_t at) {
    return double(png[at]) * 16777216 + png[at + 1] * 65536 + png[at + 2] * 256 + png[at + 3];
  };
  if (be32(16) * be32(20) > static_cast<double>(max_pixels)) {
    return Error::invalid_input("the picture has more than " + pixels_text(max_pixels));
  }
  detail::SurfacePtr surface = detail::read_png(png);
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::invalid_input("the PNG picture cannot be read");
  }
  cairo_format_t format = cairo_image_surface_get_format(surface.get());
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
    return Error::invalid_input("the PNG picture's pixel format is not supported");
  }
  Raster r;
  r.width = cairo_image_surface_get_width(surface.get());
  r.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const std::size_t count = static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height);
  r.rgb.resize(count * 3);
  r.alpha.resize(count);
  std::size_t i = 0;
  for (int y = 0; y < r.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
    for (int x = 0; x < r.width; ++x, ++i) {
      std::uint32_t p = row[x];
      unsigned a = format == CAIRO_FORMAT_RGB24 ? 255 : p >> 24;
      auto straight = [a](unsigned c) {
        return static_cast<std::uint8_t>(a == 0 ? 0 : (c * 255 + a / 2) / a);
      };
      r.rgb[i * 3] = straight(p >> 16 & 0xFF);
      r.rgb[i * 3 + 1] = straight(p >> 8 & 0xFF);
      r.rgb[i * 3 + 2] = straight(p & 0xFF);
      r.alpha[i] = static_cast<std::uint8_t>(a);
    }
  }
  return r;
}

}  // namespace eseal::image
