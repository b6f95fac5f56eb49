#include "render/pdf_pixels.h"

#include <cairo.h>
#include <poppler/PDFDoc.h>
#include <poppler/SplashOutputDev.h>
#include <poppler/splash/SplashBitmap.h>

#include <cmath>
#include <cstring>
#include <string>

#include "render/picture.h"
#include "render/poppler_support.h"

namespace eseal::render {

Result<int> pdf_page_count(ByteView pdf) {
  auto doc = open_pdf(pdf);
  if (!doc) return doc.error();
  return (*doc)->getNumPages();
}

Result<Picture> pdf_page_pixels(ByteView pdf, int page, double dpi) {
  auto doc = open_pdf(pdf);
  if (!doc) return doc.error();
  const int pages = (*doc)->getNumPages();
  if (page < 0 || page >= pages) {
    return Error::invalid_input("page " + std::to_string(page + 1) + " does not exist; the " +
                                "document has " + std::to_string(pages));
  }
  if (!(dpi > 0 && dpi <= 2400)) return Error::invalid_input("the resolution must be 1-2400 dpi");
  const int number = page + 1;
  const bool turned = (*doc)->getPageRotate(number) % 180 != 0;
  double w = (*doc)->getPageCropWidth(number) / 72 * dpi;
  double h = (*doc)->getPageCropHeight(number) / 72 * dpi;
  if (turned) std::swap(w, h);
  if (!(w >= 1 && h >= 1) || w * h > static_cast<double>(kMaxPicturePixels)) {
    return Error::invalid_input("page " + std::to_string(number) + " at " +
                                std::to_string(static_cast<int>(dpi)) +
                                " dpi would exceed the picture size limit");
  }
  SplashColor white = {255, 255, 255};
  SplashOutputDev device(splashModeXBGR8, 4, false, white);
  device.setFontAntialias(true);
  device.setVectorAntialias(true);
  device.startDoc(doc->get());
  (*doc)->displayPage(&device, number, dpi, dpi, 0, false, true, false);
  SplashBitmap* bitmap = device.getBitmap();
  if (!bitmap) return Error::internal("poppler drew no picture");
  Picture out;
  out.width = bitmap->getWidth();
  out.height = bitmap->getHeight();
  out.argb.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 4);
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      SplashColor c;
      bitmap->getPixel(x, y, c);
      std::uint32_t px = 0xFF000000u | (std::uint32_t(c[0]) << 16) | (std::uint32_t(c[1]) << 8) |
                         std::uint32_t(c[2]);
      std::memcpy(&out.argb[(static_cast<std::size_t>(y) * out.width + x) * 4], &px, 4);
    }
  }
  return out;
}

Result<Bytes> pdf_page_png(ByteView pdf, int page, double dpi) {
  auto pixels = pdf_page_pixels(pdf, page, dpi);
  if (!pixels) return pixels.error();
  cairo_surface_t* surface = cairo_image_surface_create_for_data(
      pixels->argb.data(), CAIRO_FORMAT_ARGB32, pixels->width, pixels->height, pixels->width * 4);
  Bytes png;
  cairo_status_t st = cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        auto* out = static_cast<Bytes*>(closure);
        out->insert(out->end(), data, data + length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    return Error::internal(std::string("PNG encoding failed: ") + cairo_status_to_string(st));
  }
  return png;
}

}  // namespace eseal::render
