// What the poppler-based parts of render/ share: poppler's process-wide set-up (done once, its
// error messages silenced) and opening a PDF held in memory.
#pragma once

#include <memory>

#include "base/bytes.h"
#include "base/result.h"

class PDFDoc;

namespace eseal::render {

// Sets up poppler's globalParams once per process; safe to call from any thread.
void init_poppler();

// A PDFDoc viewing `pdf` (which must outlive it). kInvalidInput for an empty, damaged or
// encrypted PDF, or one with no pages.
Result<std::unique_ptr<PDFDoc>> open_pdf(ByteView pdf);

}  // namespace eseal::render
