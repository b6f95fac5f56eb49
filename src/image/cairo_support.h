// Owning handles for cairo objects and PNG encoding and decoding in memory, shared by the seal
// renderer, the user-picture normalizer, the picture decoder of src/render and their tests.
#pragma once

// <cairo/cairo.h> rather than <cairo.h>, so that the tests need no pkg-config include path.
#include <cairo/cairo.h>

#include <cstring>
#include <memory>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

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

// Finishes a surface: a PDF surface writes its document. cairo 1.16 (Debian 12) loses one
// 768-byte array here while writing the subset of a CID-keyed CFF font (Noto CJK); a plain C
// program that frees everything leaks the same. LeakSanitizer cannot tell it apart by stack
// (cairo has no frame pointers, so the stack stops at the first cairo frame) short of unwinding
// every allocation the slow way, so in sanitizer builds the allocations made by this call, and
// only those, are not reported.
inline void finish_surface(cairo_surface_t* surface) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler cairo_leaks_a_font_subset_array;
#endif
  cairo_surface_finish(surface);
}

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

// Decodes PNG bytes into an image surface (ARGB32, or RGB24 when opaque). A damaged or
// truncated PNG gives a surface in an error state: check cairo_surface_status. Callers bound the
// pixel count from IHDR first when the bytes come from outside.
inline SurfacePtr read_png(ByteView png) {
  struct Reader {
    ByteView data;
    std::size_t at = 0;
  } reader{png};
  auto read = [](void* closure, unsigned char* out, unsigned int length) {
    auto* r = static_cast<Reader*>(closure);
    if (r->data.size() - r->at < length) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(out, r->data.data() + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
  };
  return SurfacePtr(cairo_image_surface_create_from_png_stream(read, &reader));
}

}  // namespace eseal::image::detail
