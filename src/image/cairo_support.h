// Owning handles for cairo objects and PNG encoding into memory, shared by the seal renderer and
// the user-picture normalizer. Internal to src/image: nothing outside includes it.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::image::detail {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;

// Pictures larger than this are refused before any pixel memory is allocated.
inline constexpr double kMaxPixels = 40e6;

inline Error cairo_error(const char* what, cairo_status_t status) {
  return Error::internal(std::string(what) + ": " + cairo_status_to_string(status));
}

// The surface's pixels as PNG bytes; cairo writes no timestamps, so equal pixels give equal bytes.
inline Result<Bytes> encode_png(cairo_surface_t* surface) {
  Bytes png;
  auto write = [](void* closure, const unsigned char* data, unsigned int length) {
    append(*static_cast<Bytes*>(closure), ByteView(data, length));
    return CAIRO_STATUS_SUCCESS;
  };
  cairo_surface_flush(surface);
  cairo_status_t status = cairo_surface_write_to_png_stream(surface, write, &png);
  if (status != CAIRO_STATUS_SUCCESS) return cairo_error("PNG encoding failed", status);
  return png;
}

}  // namespace eseal::image::detail
