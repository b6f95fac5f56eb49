// The two document formats eseal signs, one enumeration for every layer that names them (the
// store's records, the service's detection, the doors).
#pragma once

#include <string_view>

namespace eseal::doc {

enum class DocumentFormat { kPdf, kOfd };

// "PDF", "OFD"
constexpr std::string_view format_name(DocumentFormat f) {
  return f == DocumentFormat::kPdf ? "PDF" : "OFD";
}

}  // namespace eseal::doc
