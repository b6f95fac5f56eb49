#include "service/documents.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/text.h"
#include "pdf/document.h"
#include "pdf/layout.h"

namespace eseal::service {

Result<DocumentFormat> detect_format(ByteView document) {
  std::string_view head(reinterpret_cast<const char*>(document.data()),
                        std::min<std::size_t>(document.size(), 1024));
  if (head.find("%PDF-") != std::string_view::npos) return DocumentFormat::kPdf;
  if (document.size() >= 4 && std::memcmp(document.data(), "PK\x03\x04", 4) == 0) {
    // A ZIP archive: an OFD package that breaks the package rules (a zip bomb, a path that
    // escapes the package) is refused for what it is, not as a document of no known format.
    auto package = ofd::Package::open(document);
    if (!package) return package.error().with_context("OFD package refused");
    if (package->contains(ofd::kOfdXml)) return DocumentFormat::kOfd;
  }
  return Error::invalid_input(std::string(kNotPdfOrOfd));
}

namespace {

// `on_pdf` over the opened PDF, or `on_ofd` over the OFD's package and its first document.
template <typename Pdf, typename Ofd>
auto with_document(ByteView document, Pdf on_pdf, Ofd on_ofd)
    -> decltype(on_pdf(std::declval<pdf::Document&>())) {
  auto format = detect_format(document);
  if (!format) return format.error();
  if (*format == DocumentFormat::kPdf) {
    auto pdf = pdf::Document::open(document);
    if (!pdf) return pdf.error();
    return on_pdf(*pdf);
  }
  auto package = ofd::Package::open(document);
  if (!package) return package.error();
  auto structure = ofd::read_structure(*package);
  if (!structure) return structure.error();
  if (structure->documents.empty()) return Error::invalid_input("the OFD has no document");
  return on_ofd(*package, structure->documents.front());
}

}  // namespace

Result<std::vector<doc::PageSize>> page_sizes(ByteView document) {
  return with_document(
      document,
      [](pdf::Document& pdf) -> Result<std::vector<doc::PageSize>> { return pdf::page_sizes(pdf); },
      [](const ofd::Package& package, const ofd::DocBody& body) {
        return ofd::page_sizes(package, body);
      });
}

Result<std::optional<int>> bookmark_page(ByteView document, const std::string& name) {
  return with_document(
      document,
      [&](pdf::Document& pdf) -> Result<std::optional<int>> {
        return pdf::bookmark_page(pdf, name);
      },
      [&](const ofd::Package&, const ofd::DocBody& body) -> Result<std::optional<int>> {
        for (const auto& [mark, page_id] : body.bookmarks) {
          if (mark != name) continue;
          for (std::size_t i = 0; i < body.pages.size(); ++i) {
            if (body.pages[i].id == page_id) return std::optional<int>(static_cast<int>(i));
          }
        }
        return std::optional<int>();
      });
}

Result<std::vector<doc::KeywordHit>> keyword_hits(ByteView document, const std::string& keyword) {
  return with_document(
      document, [&](pdf::Document& pdf) { return pdf::keyword_hits(pdf, keyword); },
      [&](const ofd::Package& package, const ofd::DocBody& body) {
        return ofd::find_text(package, body, keyword);
      });
}

}  // namespace eseal::service
