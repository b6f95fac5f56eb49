// Draws OFD pages (GB/T 33190-2016) with cairo: to pixels (PNG) or to a vector PDF whose text
// stays text. Everything a page can hold is drawn in the standard's order — background
// templates, the page's layers, foreground templates, then annotations (§15) and the seals of
// the document's signatures (§18.2 StampAnnot, the seal's picture from its SES_Signature,
// clipped for cross-page slices) — with PageBlocks, CTMs, Clips, DrawParams, paths
// (AbbreviatedData), text (TextCode, CGTransform, HScale, weight, italics, read and character
// direction), images (PNG, JPEG, BMP, TIFF, with masks), composite units and colour spaces (RGB,
// gray, CMYK; palettes; axial and radial shadings). An engine: bytes in, bytes out.
//
// Choices where the standard is silent or producers differ (docs/ENCODINGS.md §4.11):
// - A Boundary places an object and does not clip it (producers often write text boundaries
//   smaller than their glyphs); only Clips clip.
// - CMYK is converted as R = 255·(1−C)(1−K), G = 255·(1−M)(1−K), B = 255·(1−Y)(1−K), the
//   components scaled to 0–1 by their BitsPerComponent.
// - Seals are drawn as ink: multiplied onto the page, so the text under a seal stays readable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/placement.h"
#include "render/picture.h"

typedef struct _cairo cairo_t;

namespace eseal::render {

struct RenderOptions {
  bool annotations = true;  // draw Annotations.xml's visible annotations
  bool seals = true;        // draw the seals of the document's signatures
  // Seals whose picture is an OFD are drawn by rendering that OFD; deeper nesting is refused.
  int max_nesting = 2;
  // Pixels of one picture of the document ([limits] picture_mpixels); at most kMaxPicturePixels.
  std::uint64_t max_picture_pixels = kMaxPicturePixels;
  // Pixels of all its pictures, seal pictures included ([limits] render_mpixels); at most
  // kMaxDocumentPixels. A picture beyond what is left is not drawn, with a warning.
  std::uint64_t max_document_pixels = kMaxDocumentPixels;
};

// What drawing met that a reader should know: fonts drawn with a substitute face, and anything
// skipped (an unsupported image, a missing resource), each said once.
struct RenderReport {
  std::vector<std::string> substitutions;
  std::vector<std::string> warnings;
};

struct PdfOutput {
  std::string title;  // the PDF's /Title; "" takes the OFD's DocInfo/Title
  // The PDF's /Subject and /Keywords: a converted document carries no signature, and says so.
  std::string subject = "Converted from OFD by eseal; carries no signature";
  std::optional<Time> creation_time;  // /CreationDate
};

class OfdRenderer {
 public:
  // Opens the first document of an OFD package (copied). kInvalidInput for anything that is not
  // a readable OFD or has no pages.
  static Result<OfdRenderer> open(ByteView ofd, const RenderOptions& options = {});
  OfdRenderer(OfdRenderer&&) noexcept;
  OfdRenderer& operator=(OfdRenderer&&) noexcept;
  ~OfdRenderer();

  int page_count() const;
  // The page's size in mm (its Area/PhysicalBox, else the document's, else A4). kInvalidInput for
  // a page out of range or a page file that cannot be read.
  Result<doc::PageSize> page_size(int page);

  // Draws page `page` (0-based) on `cr`, whose user space must be millimetres with the origin at
  // the page's top-left corner. kInvalidInput for a page out of range or content that cannot be
  // read (malformed XML, a number that does not parse, nesting beyond kMaxBlockDepth).
  Status draw(cairo_t* cr, int page);

  // The page at `dpi` on white, as pixels or as a PNG file. kInvalidInput when the page would
  // exceed kMaxPicturePixels.
  Result<Picture> render_pixels(int page, double dpi);
  Result<Bytes> render_png(int page, double dpi);
  // Pages [first, last] (0-based, inclusive; all when absent) as a vector PDF.
  Result<Bytes> render_pdf(const PdfOutput& output, std::optional<int> first = std::nullopt,
                           std::optional<int> last = std::nullopt);

  // Everything noted so far, by every page drawn.
  const RenderReport& report() const;

  struct Impl;  // the document and its caches (render/ofd_render.cpp)

 private:
  explicit OfdRenderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eseal::render
