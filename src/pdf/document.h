// A PDF document opened for reading with QPDF (ISO 32000-1): the object model, its repair
// warnings, the pages, and where each revision (incremental update) ends. Everything in src/pdf
// starts here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "doc/placement.h"

class QPDF;
class QPDFObjectHandle;

namespace eseal::pdf {

// A rectangle in PDF user space (points, y up).
struct Rect {
  double llx = 0, lly = 0, urx = 0, ury = 0;
  double width() const { return urx - llx; }
  double height() const { return ury - lly; }
};

// How a page is shown: its crop box in default user space and its /Rotate (0, 90, 180, 270).
struct PageGeometry {
  Rect crop_box;
  int rotate = 0;
  // The displayed page's size in millimetres (rotation applied).
  double width_mm() const;
  double height_mm() const;
  // A rectangle in millimetres from the displayed page's top-left corner, as user space.
  Rect from_visual_mm(const doc::RectMm& visual) const;
  // A user-space rectangle in millimetres from the displayed page's top-left corner.
  doc::RectMm to_visual_mm(const Rect& user) const;
};

inline constexpr double kPointsPerMm = 72.0 / 25.4;

// What a PDF may hold before it is refused (kInvalidInput, code kLimitExceeded), checked while
// opening: QPDF keeps every object it reads, and the page tree is walked whole.
struct OpenLimits {
  std::size_t max_objects = 1'000'000;  // objects the cross-reference table numbers
  std::size_t max_pages = 10'000;
};

class Document {
 public:
  // Opens `bytes` (which must outlive the document: QPDF reads from them, and signatures refer to
  // byte offsets). Encrypted documents, and input that is not a PDF even after QPDF's repair, are
  // kInvalidInput, in our words rather than QPDF's and without a file name: the caller knows the
  // file and adds it as context. `name` is what QPDF's warnings call the document. A document
  // over `limits` is refused, saying which.
  static Result<Document> open(ByteView bytes, const std::string& name = "document.pdf",
                               const OpenLimits& limits = {});

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  QPDF& qpdf() const { return *qpdf_; }
  ByteView bytes() const { return bytes_; }
  // QPDF's repair and parse warnings, as text, in the order they happened.
  const std::vector<std::string>& warnings() const { return warnings_; }

  int page_count() const;
  // Pages in order; `index` is 0-based.
  QPDFObjectHandle page(int index) const;
  PageGeometry geometry(int index) const;

  // Offsets just past each "%%EOF" marker that ends a revision (the original file and each
  // incremental update), in file order.
  std::vector<std::size_t> revision_ends() const;

 private:
  Document() = default;
  std::unique_ptr<QPDF> qpdf_;
  ByteView bytes_;
  std::vector<std::string> warnings_;
};

}  // namespace eseal::pdf
