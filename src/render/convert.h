// Document conversion, the one implementation the CLI (`eseal convert`, `eseal ofd render`), the
// server (DB4403 genFormatFile) and the console share: OFD to PDF (vector) or PNG pages; PDF to
// OFD (vector) or PNG pages; office and web files to PDF through LibreOffice, then to OFD or PNG
// as asked; pictures and plain text straight to pages.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "pdf/attach.h"
#include "render/picture.h"

namespace eseal::render {

class OfficeConverter;

enum class SourceKind { kOfd, kPdf, kOffice, kPicture, kText };
enum class TargetKind { kPdf, kOfd, kPng };

// What `bytes` are: by their leading bytes (ZIP with OFD.xml, %PDF, a picture), else by the file
// name's extension (office and web files, .txt). kInvalidInput names what is not supported.
Result<SourceKind> source_kind(ByteView bytes, std::string_view file_name);
// "pdf", "ofd" or "png"; kInvalidInput for anything else.
Result<TargetKind> parse_target(std::string_view name);
const char* target_extension(TargetKind kind);

struct ConvertOptions {
  TargetKind to = TargetKind::kPdf;
  // Pages to convert, 0-based and inclusive; all when absent. PNG output gives one file each.
  // Only PNG output and OFD -> PDF take a range; for the others it is refused.
  std::optional<int> first_page, last_page;
  double dpi = 150;  // PNG output
  // Pixels of a picture converted, or of one inside an OFD drawn ([limits] picture_mpixels; at
  // most kMaxPicturePixels).
  std::uint64_t max_picture_pixels = kMaxPicturePixels;
  // Pixels of all the pictures of an OFD drawn ([limits] render_mpixels; at most
  // kMaxDocumentPixels).
  std::uint64_t max_document_pixels = kMaxDocumentPixels;
  Time now;  // creation times written into the result
  std::string title;
  // Office and web files go through this (LibreOffice); without it they are refused.
  OfficeConverter* office = nullptr;
  // Embedded in PDF output (an OFD's verification report, say); ignored for other outputs.
  std::optional<pdf::Attachment> attach_to_pdf;
  // Called after each page of PNG output: pages done, pages to do.
  std::function<void(int, int)> progress;
};

struct Converted {
  std::vector<Bytes> files;        // one PDF or OFD, or one PNG per page
  int pages = 0;                   // pages in the source document
  std::vector<std::string> notes;  // font substitutions and what could not be carried
};

// Converts `input` (named `file_name`, for its extension) as `options` say. kInvalidInput for an
// unsupported or damaged input, a page range outside the document, or a conversion to the
// input's own format.
Result<Converted> convert(ByteView input, std::string_view file_name,
                          const ConvertOptions& options);

}  // namespace eseal::render
