// Files attached to a PDF (ISO 32000-1 §7.11.4 embedded file streams, listed in the catalog's
// /Names /EmbeddedFiles): how a converted document carries its original's verification report.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::pdf {

struct Attachment {
  std::string name;  // the file name, also the name tree's key (UTF-8)
  Bytes data;
  std::string mime_type;    // /Subtype, e.g. "application/json"; "" for none
  std::string description;  // /Desc
};

// `pdf` rewritten in full (not an incremental update: for documents eseal has just made) with
// `attachment` embedded, replacing one of the same name. kInvalidInput for a PDF QPDF cannot read.
Result<Bytes> attach_file(ByteView pdf, const Attachment& attachment);

}  // namespace eseal::pdf
