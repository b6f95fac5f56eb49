#include "render/pdf_pixels.h"

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
  return encode_png(*pixels);
}

}  // namespace eseal::render
