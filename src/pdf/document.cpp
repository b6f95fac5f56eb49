#include "pdf/document.h"

#include <algorithm>
#include <cmath>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <string_view>

namespace eseal::pdf {

double PageGeometry::width_mm() const {
  double w = rotate % 180 == 0 ? crop_box.width() : crop_box.height();
  return w / kPointsPerMm;
}

double PageGeometry::height_mm() const {
  double h = rotate % 180 == 0 ? crop_box.height() : crop_box.width();
  return h / kPointsPerMm;
}

namespace {

// A point given in points from the displayed page's top-left corner (x right, y down), in user
// space. /Rotate turns the page clockwise for display.
void display_to_user(const PageGeometry& g, double dx, double dy, double& x, double& y) {
  const Rect& b = g.crop_box;
  switch (g.rotate) {
    case 90:
      x = b.llx + dy;
      y = b.lly + dx;
      return;
    case 180:
      x = b.urx - dx;
      y = b.lly + dy;
      return;
    case 270:
      x = b.urx - dy;
      y = b.ury - dx;
      return;
    default:
      x = b.llx + dx;
      y = b.ury - dy;
  }
}

void user_to_display(const PageGeometry& g, double x, double y, double& dx, double& dy) {
  const Rect& b = g.crop_box;
  switch (g.rotate) {
    case 90:
      dx = y - b.lly;
      dy = x - b.llx;
      return;
    case 180:
      dx = b.urx - x;
      dy = y - b.lly;
      return;
    case 270:
      dx = b.ury - y;
      dy = b.urx - x;
      return;
    default:
      dx = x - b.llx;
      dy = b.ury - y;
  }
}

Rect bounding(double x0, double y0, double x1, double y1) {
  return {std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
}

Rect rect_of(QPDFObjectHandle box) {
  if (!box.isRectangle()) return {0, 0, 612, 792};  // US Letter, QPDF's own fallback
  auto r = box.getArrayAsRectangle();
  return bounding(r.llx, r.lly, r.urx, r.ury);
}

}  // namespace

Rect PageGeometry::from_visual_mm(const doc::RectMm& v) const {
  double x0, y0, x1, y1;
  display_to_user(*this, v.x * kPointsPerMm, v.y * kPointsPerMm, x0, y0);
  display_to_user(*this, (v.x + v.width) * kPointsPerMm, (v.y + v.height) * kPointsPerMm, x1, y1);
  return bounding(x0, y0, x1, y1);
}

doc::RectMm PageGeometry::to_visual_mm(const Rect& user) const {
  double x0, y0, x1, y1;
  user_to_display(*this, user.llx, user.lly, x0, y0);
  user_to_display(*this, user.urx, user.ury, x1, y1);
  Rect d = bounding(x0, y0, x1, y1);
  return {d.llx / kPointsPerMm, d.lly / kPointsPerMm, d.width() / kPointsPerMm,
          d.height() / kPointsPerMm};
}

namespace {

// Our own words for why QPDF could not open a file; its messages (object numbers, offsets,
// internal names) mean nothing to the people who read ours.
Error unreadable(const QPDFExc& e) {
  switch (e.getErrorCode()) {
    case qpdf_e_password:
      return Error::invalid_input("the PDF is encrypted with a password; decrypt it first");
    case qpdf_e_unsupported:
      return Error::invalid_input("not a readable PDF: it uses a feature eseal does not support");
    default:
      return Error::invalid_input("not a readable PDF: damaged beyond repair");
  }
}

}  // namespace

Result<Document> Document::open(ByteView bytes, const std::string& name, const OpenLimits& limits) {
  std::string_view head(reinterpret_cast<const char*>(bytes.data()),
                        std::min<std::size_t>(bytes.size(), 1024));
  if (head.find("%PDF-") == std::string_view::npos) {
    return Error::invalid_input("not a PDF (no %PDF- header)");
  }
  Document doc;
  doc.qpdf_ = std::make_unique<QPDF>();
  doc.bytes_ = bytes;
  QPDF& q = *doc.qpdf_;
  q.setSuppressWarnings(true);
  try {
    q.processMemoryFile(name.c_str(), reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (q.isEncrypted()) {
      return Error::invalid_input("the PDF is encrypted; decrypt it before signing or verifying");
    }
    if (q.getObjectCount() > limits.max_objects) {
      return Error::invalid_input("the PDF has " + std::to_string(q.getObjectCount()) +
                                  " objects, more than the limit of " +
                                  std::to_string(limits.max_objects))
          .with_code(kLimitExceeded);
    }
    // Walk the page tree now so that damage there is found (and repaired) while opening.
    const std::size_t pages = q.getAllPages().size();
    if (pages == 0) return Error::invalid_input("the PDF has no pages");
    if (pages > limits.max_pages) {
      return Error::invalid_input("the PDF has " + std::to_string(pages) +
                                  " pages, more than the limit of " +
                                  std::to_string(limits.max_pages))
          .with_code(kLimitExceeded);
    }
  } catch (const QPDFExc& e) {
    return unreadable(e);
  } catch (const std::exception&) {
    return Error::invalid_input("not a readable PDF: damaged beyond repair");
  }
  for (const QPDFExc& w : q.getWarnings()) doc.warnings_.push_back(w.what());
  return doc;
}

Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

int Document::page_count() const {
  return static_cast<int>(qpdf_->getAllPages().size());
}

QPDFObjectHandle Document::page(int index) const {
  return qpdf_->getAllPages().at(static_cast<std::size_t>(index));
}

PageGeometry Document::geometry(int index) const {
  QPDFPageObjectHelper page(this->page(index));
  PageGeometry g;
  g.crop_box = rect_of(page.getCropBox(true));
  QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
  int degrees = rotate.isInteger() ? static_cast<int>(rotate.getIntValue()) : 0;
  degrees = ((degrees % 360) + 360) % 360;
  g.rotate = degrees % 90 == 0 ? degrees : 0;
  return g;
}

std::vector<std::size_t> Document::revision_ends() const {
  std::vector<std::size_t> ends;
  std::string_view text(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
  constexpr std::string_view kEof = "%%EOF";
  for (std::size_t at = text.find(kEof); at != std::string_view::npos;
       at = text.find(kEof, at + kEof.size())) {
    std::size_t end = at + kEof.size();
    if (end < text.size() && text[end] == '\r') ++end;
    if (end < text.size() && text[end] == '\n') ++end;
    ends.push_back(end);
  }
  return ends;
}

}  // namespace eseal::pdf
