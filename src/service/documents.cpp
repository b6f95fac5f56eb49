#include "service/documents.h"

#include <algorithm>
#include <cstring>

#include "ofd/document.h"
#include "ofd/package.h"

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

}  // namespace eseal::service
