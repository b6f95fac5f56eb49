#include "render/convert.h"

#include <algorithm>
#include <cctype>

#include "render/ofd_render.h"
#include "render/office.h"
#include "render/pages_from.h"
#include "render/pdf_pixels.h"
#include "render/pdf_to_ofd.h"
#include "render/picture.h"

namespace eseal::render {
namespace {

std::string extension_of(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool starts_with(ByteView bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), bytes.begin(),
                    [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; });
}

// A ZIP whose names include OFD.xml: the name is stored in the clear in the local header.
bool looks_like_ofd(ByteView bytes) {
  if (!starts_with(bytes, "PK\x03\x04")) return false;
  const std::string_view name = "OFD.xml";
  auto it = std::search(bytes.begin(), bytes.end(), name.begin(), name.end(),
                        [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
  return it != bytes.end();
}

Result<std::pair<int, int>> page_range(const ConvertOptions& o, int pages) {
  int first = o.first_page.value_or(0), last = o.last_page.value_or(pages - 1);
  if (o.first_page && !o.last_page) last = o.to == TargetKind::kPng ? first : pages - 1;
  if (first < 0 || last >= pages || first > last) {
    return Error::invalid_input("pages " + std::to_string(first + 1) + "-" +
                                std::to_string(last + 1) + " are not in the document's 1-" +
                                std::to_string(pages));
  }
  return std::pair{first, last};
}

void add_report(Converted& out, const RenderReport& report) {
  for (const auto& s : report.substitutions) out.notes.push_back(s);
  for (const auto& w : report.warnings) out.notes.push_back(w);
}

Result<Converted> from_ofd(ByteView ofd, const ConvertOptions& o) {
  RenderOptions render;
  render.max_picture_pixels = o.max_picture_pixels;
  render.max_document_pixels = o.max_document_pixels;
  auto renderer = OfdRenderer::open(ofd, render);
  if (!renderer) return renderer.error();
  Converted out;
  out.pages = renderer->page_count();
  auto range = page_range(o, out.pages);
  if (!range) return range.error();
  if (o.to == TargetKind::kPdf) {
    PdfOutput pdf;
    pdf.title = o.title;
    pdf.creation_time = o.now;
    auto bytes = renderer->render_pdf(pdf, range->first, range->second);
    if (!bytes) return bytes.error();
    out.files.push_back(std::move(*bytes));
  } else if (o.to == TargetKind::kPng) {
    for (int p = range->first; p <= range->second; ++p) {
      auto png = renderer->render_png(p, o.dpi);
      if (!png) return png.error();
      out.files.push_back(std::move(*png));
      if (o.progress) o.progress(p - range->first + 1, range->second - range->first + 1);
    }
  } else {
    return Error::invalid_input("the document is already an OFD");
  }
  add_report(out, renderer->report());
  return out;
}

Result<Converted> from_pdf(ByteView pdf, const ConvertOptions& o) {
  Converted out;
  if (o.to != TargetKind::kOfd) {
    auto pages = pdf_page_count(pdf);
    if (!pages) return pages.error();
    out.pages = *pages;
  }
  if (o.to == TargetKind::kPdf) {
    out.files.push_back(Bytes(pdf.begin(), pdf.end()));
    return out;
  }
  if (o.to == TargetKind::kPng) {
    auto range = page_range(o, out.pages);
    if (!range) return range.error();
    for (int p = range->first; p <= range->second; ++p) {
      auto png = pdf_page_png(pdf, p, o.dpi);
      if (!png) return png.error();
      out.files.push_back(std::move(*png));
      if (o.progress) o.progress(p - range->first + 1, range->second - range->first + 1);
    }
    return out;
  }
  PdfToOfdOptions options;
  options.creation_time = o.now;
  options.title = o.title;
  PdfToOfdReport report;
  auto ofd = pdf_to_ofd(pdf, options, &report);
  if (!ofd) return ofd.error();
  out.pages = report.pages;
  out.files.push_back(std::move(*ofd));
  out.notes = report.fonts;
  out.notes.insert(out.notes.end(), report.warnings.begin(), report.warnings.end());
  return out;
}

}  // namespace

Result<SourceKind> source_kind(ByteView bytes, std::string_view file_name) {
  if (looks_like_ofd(bytes)) return SourceKind::kOfd;
  if (starts_with(bytes, "%PDF-")) return SourceKind::kPdf;
  if (sniff_picture(bytes) != PictureFormat::kUnknown) return SourceKind::kPicture;
  if (OfficeConverter::supports(file_name)) return SourceKind::kOffice;
  const std::string ext = extension_of(file_name);
  if (ext == "txt" || ext == "text") return SourceKind::kText;
  if (ext == "ofd" || ext == "pdf") {
    return Error::invalid_input(std::string(file_name) + " is not a readable " + ext + " document");
  }
  return Error::invalid_input(std::string(file_name) +
                              ": unsupported input; eseal converts OFD, PDF, office and web "
                              "documents (doc docx odt rtf wps xls xlsx ods csv ppt pptx odp "
                              "html htm), pictures (PNG, JPEG, BMP, TIFF) and plain text (.txt)");
}

Result<TargetKind> parse_target(std::string_view name) {
  if (name == "pdf") return TargetKind::kPdf;
  if (name == "ofd") return TargetKind::kOfd;
  if (name == "png") return TargetKind::kPng;
  return Error::invalid_input("--to " + std::string(name) + ": expected pdf, ofd or png");
}

const char* target_extension(TargetKind kind) {
  switch (kind) {
    case TargetKind::kPdf:
      return "pdf";
    case TargetKind::kOfd:
      return "ofd";
    case TargetKind::kPng:
      return "png";
  }
  return "";
}

namespace {

Result<Converted> convert_document(ByteView input, std::string_view file_name, SourceKind kind,
                                   const ConvertOptions& options) {
  switch (kind) {
    case SourceKind::kOfd:
      return from_ofd(input, options);
    case SourceKind::kPdf:
      if (options.to == TargetKind::kPdf) {
        return Error::invalid_input("the document is already a PDF");
      }
      return from_pdf(input, options);
    case SourceKind::kOffice: {
      if (!options.office) {
        return Error::invalid_input(std::string(file_name) +
                                    ": office documents need LibreOffice, which is not set up");
      }
      auto pdf = options.office->to_pdf(input, file_name);
      if (!pdf) return pdf.error();
      return from_pdf(*pdf, options);
    }
    case SourceKind::kPicture:
    case SourceKind::kText: {
      PagesOptions pages;
      pages.creation_time = options.now;
      pages.title = options.title;
      pages.max_picture_pixels = options.max_picture_pixels;
      const bool picture = kind == SourceKind::kPicture;
      const std::string text = picture ? std::string() : to_string(input);
      if (options.to == TargetKind::kPdf) {
        auto pdf = picture ? picture_to_pdf(input, pages) : text_to_pdf(text, pages);
        if (!pdf) return pdf.error();
        Converted out;
        out.pages = 1;
        out.files.push_back(std::move(*pdf));
        return out;
      }
      auto ofd = picture ? picture_to_ofd(input, pages) : text_to_ofd(text, pages);
      if (!ofd) return ofd.error();
      if (options.to == TargetKind::kOfd) {
        Converted out;
        out.pages = 1;
        out.files.push_back(std::move(*ofd));
        return out;
      }
      return from_ofd(*ofd, options);
    }
  }
  return Error::internal("unknown source kind");
}

}  // namespace

Result<Converted> convert(ByteView input, std::string_view file_name,
                          const ConvertOptions& options) {
  auto kind = source_kind(input, file_name);
  if (!kind) return kind.error();
  const bool paged = options.to == TargetKind::kPng ||
                     (*kind == SourceKind::kOfd && options.to == TargetKind::kPdf);
  if ((options.first_page || options.last_page) && !paged) {
    return Error::invalid_input(
        "a page range applies to PNG output and to an OFD converted to PDF; the whole "
        "document is converted otherwise");
  }
  auto out = convert_document(input, file_name, *kind, options);
  if (!out || !options.attach_to_pdf || options.to != TargetKind::kPdf) return out;
  auto attached = pdf::attach_file(out->files.front(), *options.attach_to_pdf);
  if (!attached) return attached.error();
  out->files.front() = std::move(*attached);
  return out;
}

}  // namespace eseal::render
