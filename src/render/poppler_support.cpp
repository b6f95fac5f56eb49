#include "render/poppler_support.h"

#include <poppler/Error.h>
#include <poppler/GlobalParams.h>
#include <poppler/PDFDoc.h>
#include <poppler/Stream.h>

#include <mutex>
#include <string>

namespace eseal::render {
namespace {

void quiet_errors(ErrorCategory, Goffset, const char*) {}

}  // namespace

void init_poppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!globalParams) globalParams = std::make_unique<GlobalParams>();
    globalParams->setErrQuiet(true);
    setErrorCallback(quiet_errors);
  });
}

Result<std::unique_ptr<PDFDoc>> open_pdf(ByteView pdf) {
  init_poppler();
  if (pdf.empty()) return Error::invalid_input("the PDF is empty");
  // PDFDoc owns the stream, which views `pdf` without copying.
  auto* stream = new MemStream(reinterpret_cast<const char*>(pdf.data()), 0,
                               static_cast<Goffset>(pdf.size()), Object(objNull));
  auto doc = std::make_unique<PDFDoc>(stream);
  if (!doc->isOk()) {
    if (doc->getErrorCode() == errEncrypted) return Error::invalid_input("the PDF is encrypted");
    return Error::invalid_input("poppler cannot open the PDF (error " +
                                std::to_string(doc->getErrorCode()) + ")");
  }
  if (doc->isEncrypted()) return Error::invalid_input("the PDF is encrypted");
  if (doc->getNumPages() <= 0) return Error::invalid_input("the PDF has no pages");
  return doc;
}

}  // namespace eseal::render
