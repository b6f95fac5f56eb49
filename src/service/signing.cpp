#include "service/signing.h"

#include "image/qr_code.h"
#include "ofd/copy.h"
#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/sign.h"
#include "ofd/text.h"
#include "pdf/document.h"
#include "pdf/layout.h"
#include "pdf/sign.h"

namespace eseal::service {
namespace {

// The stamps of every placement for `seal`'s picture size, at most `limits.max_stamps`.
Result<std::vector<doc::Stamp>> place(const SealSignature& request,
                                      const std::vector<doc::PageSize>& pages,
                                      const doc::KeywordFinder& find, const Limits& limits) {
  if (request.placements.empty()) return Error::invalid_input("no placement for the seal");
  const ses::SealPicture& picture = request.seal->info.picture;
  std::vector<doc::Stamp> stamps;
  for (const Placement& placement : request.placements) {
    auto placed = doc::place(placement, pages, find, static_cast<double>(picture.width_mm),
                             static_cast<double>(picture.height_mm));
    if (!placed) return placed.error();
    stamps.insert(stamps.end(), placed->begin(), placed->end());
    if (stamps.size() > limits.max_stamps) {
      return Error::invalid_input("the placement makes " + std::to_string(stamps.size()) +
                                  " stamps, more than the limit of " +
                                  std::to_string(limits.max_stamps))
          .with_code(kLimitExceeded);
    }
  }
  return stamps;
}

Result<PendingSignature> within_output_limit(Result<PendingSignature> pending,
                                             const Limits& limits) {
  if (pending && pending->document.size() > limits.max_output_bytes) {
    return Error::invalid_input(
               "the signed document would be " + std::to_string(pending->document.size()) +
               " bytes, more than the limit of " + std::to_string(limits.max_output_bytes))
        .with_code(kLimitExceeded);
  }
  return pending;
}

Result<PendingSignature> pending_pdf(Result<pdf::PreparedSignature> prepared, Time at) {
  if (!prepared) return prepared.error();
  return PendingSignature{DocumentFormat::kPdf,
                          std::move(prepared->pdf),
                          std::move(prepared->to_be_signed),
                          std::move(prepared->document_digest),
                          "field " + prepared->field_name,
                          "the byte ranges",
                          at,
                          {},
                          std::move(prepared->sm3_prefix)};
}

Result<PendingSignature> pending_ofd(Result<ofd::PreparedSignature> prepared, Time at) {
  if (!prepared) return prepared.error();
  return PendingSignature{DocumentFormat::kOfd,
                          std::move(prepared->ofd),
                          std::move(prepared->to_be_signed),
                          std::move(prepared->document_digest),
                          "signature " + prepared->id + ", " + prepared->signature_path,
                          "Signature.xml",
                          at};
}

// Where a signature's pictures and verification code go.
struct Layout {
  std::vector<doc::Stamp> stamps;
  std::vector<doc::CodeMark> marks;
};

Result<Layout> lay_out(const SealSignature& request, const std::vector<doc::PageSize>& pages,
                       const doc::KeywordFinder& find, const Limits& limits) {
  auto stamps = place(request, pages, find, limits);
  if (!stamps) return stamps.error();
  Layout layout{std::move(*stamps), {}};
  if (!request.code) return layout;
  const VerificationCode& code = *request.code;
  auto modules = image::qr_modules(code.url);
  if (!modules) return modules.error().with_context("verification code");
  int page = code.at ? code.at->page : layout.stamps.front().page;
  if (page < 0 || page >= static_cast<int>(pages.size()))
    return Error::invalid_input("verification code: page " + std::to_string(page + 1) +
                                " does not exist");
  doc::RectMm area = code.at ? doc::RectMm{code.at->x_mm, code.at->y_mm, code.size_mm, code.size_mm}
                             : doc::default_code_area(pages[page], code.size_mm);
  layout.marks.push_back(
      {page, area, modules->side, std::move(modules->dark), image::kQrQuietZone});
  return layout;
}

Result<Layout> pdf_layout(ByteView pdf, const SealSignature& request, const Limits& limits) {
  auto document = pdf::Document::open(pdf, "document.pdf", limits.pdf);
  if (!document) return document.error();
  auto find = [&](const std::string& keyword) { return pdf::keyword_hits(*document, keyword); };
  return lay_out(request, pdf::page_sizes(*document), find, limits);
}

Result<Layout> ofd_layout(ByteView ofd, const SealSignature& request, const Limits& limits) {
  auto package = ofd::Package::open(ofd, limits.ofd);
  if (!package) return package.error();
  auto structure = ofd::read_structure(*package);
  if (!structure) return structure.error();
  const ofd::DocBody& body = structure->documents.front();
  auto pages = ofd::page_sizes(*package, body);
  if (!pages) return pages.error();
  auto find = [&](const std::string& keyword) { return ofd::find_text(*package, body, keyword); };
  return lay_out(request, *pages, find, limits);
}

Result<PendingSignature> prepare_pdf_seal(ByteView pdf, const SealSignature& request,
                                          const pki::Certificate& signer, Time at,
                                          const Limits& limits) {
  auto layout = pdf_layout(pdf, request, limits);
  if (!layout) return layout.error();
  pdf::SignRequest sign{
      layout->stamps, request.seal,     signer,        request.pdf_format,        at,
      request.reason, request.location, layout->marks, limits.seal_picture_pixels};
  auto pending = pending_pdf(pdf::prepare_signature(pdf, sign), at);
  if (pending) pending->stamps = std::move(layout->stamps);
  return pending;
}

Result<PendingSignature> prepare_ofd_seal(ByteView ofd, const SealSignature& request,
                                          const pki::Certificate& signer, Time at,
                                          const Limits& limits) {
  auto layout = ofd_layout(ofd, request, limits);
  if (!layout) return layout.error();
  ofd::SignRequest sign{
      ofd::SignatureKind::kSeal, layout->stamps, request.seal, signer, at, 0, layout->marks};
  auto pending = pending_ofd(ofd::prepare_signature(ofd, sign), at);
  if (pending) pending->stamps = std::move(layout->stamps);
  return pending;
}

Status require_ofd(ByteView document) {
  auto format = detect_format(document);
  if (!format) return format.error();
  if (*format != DocumentFormat::kOfd)
    return Error::invalid_input("this operation applies to OFD documents only");
  return ok_status();
}

Result<Bytes> complete_as(DocumentFormat format, ByteView prepared_document, ByteView signature,
                          Time at, const doc::TimeStamper& time_stamper) {
  return format == DocumentFormat::kPdf
             ? pdf::complete_signature(prepared_document, signature, time_stamper)
             : ofd::complete_signature(prepared_document, signature, at, time_stamper);
}

}  // namespace

Result<std::vector<doc::Stamp>> plan_stamps(ByteView document, const SealSignature& request,
                                            const Limits& limits) {
  if (!request.seal) return Error::invalid_input("no seal to stamp");
  auto format = detect_format(document);
  if (!format) return format.error();
  auto layout = *format == DocumentFormat::kPdf ? pdf_layout(document, request, limits)
                                                : ofd_layout(document, request, limits);
  if (!layout) return layout.error();
  return std::move(layout->stamps);
}

Result<PendingSignature> prepare_seal(ByteView document, const SealSignature& request,
                                      const pki::Certificate& signer, Time at,
                                      const Limits& limits) {
  if (!request.seal) return Error::invalid_input("no seal to stamp");
  auto format = detect_format(document);
  if (!format) return format.error();
  return within_output_limit(*format == DocumentFormat::kPdf
                                 ? prepare_pdf_seal(document, request, signer, at, limits)
                                 : prepare_ofd_seal(document, request, signer, at, limits),
                             limits);
}

Result<PendingSignature> prepare_lock(ByteView ofd, const pki::Certificate& signer, Time at) {
  if (auto s = require_ofd(ofd); !s) return s.error();
  ofd::SignRequest request{ofd::SignatureKind::kLock, {}, nullptr, signer, at, 0};
  return pending_ofd(ofd::prepare_signature(ofd, request), at);
}

Result<PendingSignature> prepare_certified_copy(ByteView ofd, const CopyRequest& request,
                                                const pki::Certificate& signer, Time at) {
  if (auto s = require_ofd(ofd); !s) return s.error();
  ofd::CopyRequest copy{request.creator, request.cause, request.years, at, signer};
  return pending_ofd(ofd::prepare_certified_copy(ofd, copy), at);
}

Result<Bytes> complete(ByteView prepared_document, ByteView signature, Time at,
                       const doc::TimeStamper& time_stamper) {
  auto format = detect_format(prepared_document);
  if (!format) return format.error();
  return complete_as(*format, prepared_document, signature, at, time_stamper);
}

Result<Bytes> sign(Result<PendingSignature> pending, keys::Signer& signer,
                   const doc::TimeStamper& time_stamper, crypto::HashedPrefix* sm3_prefix) {
  if (!pending) return pending.error();
  auto signature = signer.sign(pending->to_be_signed);
  if (!signature) return signature.error();
  // The format is known: complete without sniffing the document again. A PDF is completed where
  // it lies (the pending signature is not needed after), rather than in a copy.
  auto done = pending->format == DocumentFormat::kPdf
                  ? pdf::complete_signature(std::move(pending->document), *signature, time_stamper)
                  : complete_as(pending->format, pending->document, *signature,
                                pending->prepared_at, time_stamper);
  if (done && sm3_prefix) *sm3_prefix = std::move(pending->sm3_prefix);
  return done;
}

Result<Bytes> remove_lock(ByteView ofd, Time at) {
  if (auto s = require_ofd(ofd); !s) return s.error();
  return ofd::remove_lock(ofd, at);
}

doc::TimeStamper SigningSettings::stamper(const std::string& requester, Time now) const {
  if (!time_stamps) return {};
  return time_stamper(*time_stamps, requester, now);
}

}  // namespace eseal::service
