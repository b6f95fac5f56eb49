#include "service/documents.h"

#include <algorithm>
#include <cstring>

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

Result<std::vector<doc::PageSize>> page_sizes(ByteView document) {
  auto format = detect_format(document);
  if (!format) return format.error();
  if (*format == DocumentFormat::kPdf) {
    auto pdf = pdf::Document::open(document);
    if (!pdf) return pdf.error();
    return pdf::page_sizes(*pdf);
  }
  auto package = ofd::Package::open(document);
  if (!package) return package.error();
  auto structure = ofd::read_structure(*package);
  if (!structure) return structure.error();
  if (structure->documents.empty()) return Error::invalid_input("the OFD has no document");
  return ofd::page_sizes(*package, structure->documents.front());
}

}  // namespace eseal::service
