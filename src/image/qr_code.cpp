#include "image/qr_code.h"

#include <qrencode.h>

#include <memory>

#include "image/cairo_support.h"

namespace eseal::image {
namespace {

struct QrDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

constexpr int kQuietZone = kQrQuietZone;

}  // namespace

Result<QrModules> qr_modules(std::string_view text) {
  if (text.empty()) return Error::invalid_input("a QR code needs a text");
  std::unique_ptr<QRcode, QrDeleter> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (!code) {
    return Error::invalid_input("the text (" + std::to_string(text.size()) +
                                " bytes) does not fit in a QR code");
  }
  QrModules out{code->width,
                std::vector<bool>(static_cast<std::size_t>(code->width * code->width))};
  for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = code->data[i] & 1;
  return out;
}

Result<Bytes> qr_png(std::string_view text, int module_pixels) {
  if (module_pixels < 1 || module_pixels > 64) {
    return Error::invalid_input("a QR module is 1 to 64 pixels");
  }
  auto code = qr_modules(text);
  if (!code) return code.error();
  int side = (code->side + 2 * kQuietZone) * module_pixels;
  detail::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side));
  detail::CairoPtr cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  for (int y = 0; y < code->side; ++y) {
    for (int x = 0; x < code->side; ++x) {
      if (code->at(x, y)) {
        cairo_rectangle(cr.get(), (x + kQuietZone) * module_pixels,
                        (y + kQuietZone) * module_pixels, module_pixels, module_pixels);
      }
    }
  }
  cairo_fill(cr.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return detail::cairo_error("drawing the QR code", cairo_status(cr.get()));
  }
  return detail::encode_png(surface.get());
}

}  // namespace eseal::image
