#include "service/documents.h"

#include <cstring>

#include "ofd/copy.h"
#include "ofd/package.h"
#include "ofd/sign.h"
#include "ofd/text.h"
#include "ofd/verify.h"
#include "pdf/document.h"
#include "pdf/layout.h"
#include "pdf/sign.h"
#include "pdf/verify.h"

namespace eseal::service {
namespace {

constexpr std::string_view kValid = "验证通过";
constexpr std::string_view kIndeterminate = "验证结果不确定：";

// The stamps of a placement for `seal`'s picture size, at most `limits.max_stamps` of them.
Result<std::vector<doc::Stamp>> place(const Placement& placement,
                                      const std::vector<doc::PageSize>& pages,
                                      const doc::KeywordFinder& find, const ses::SesSeal& seal,
                                      const Limits& limits) {
  auto stamps = doc::place(placement, pages, find, static_cast<double>(seal.info.picture.width_mm),
                           static_cast<double>(seal.info.picture.height_mm));
  if (stamps && stamps->size() > limits.max_stamps) {
    return Error::invalid_input("the placement makes " + std::to_string(stamps->size()) +
                                " stamps, more than the limit of " +
                                std::to_string(limits.max_stamps));
  }
  return stamps;
}

Result<Bytes> within_output_limit(Result<Bytes> signed_document, const Limits& limits) {
  if (signed_document && signed_document->size() > limits.max_output_bytes) {
    return Error::invalid_input(
        "the signed document would be " + std::to_string(signed_document->size()) +
        " bytes, more than the limit of " + std::to_string(limits.max_output_bytes));
  }
  return signed_document;
}

Result<Bytes> stamp_pdf(ByteView pdf, const Placement& placement, const SealSigner& signer, Time at,
                        const StampOptions& options) {
  auto document = pdf::Document::open(pdf);
  if (!document) return document.error();
  auto find = [&](const std::string& keyword) { return pdf::keyword_hits(*document, keyword); };
  auto stamps = place(placement, pdf::page_sizes(*document), find, signer.seal, options.limits);
  if (!stamps) return stamps.error();
  pdf::SignRequest request{
      std::move(*stamps), &signer.seal, signer.cert, options.pdf_format, at, "", ""};
  auto prepared = pdf::prepare_signature(pdf, request);
  if (!prepared) return prepared.error();
  auto signature = crypto::sm2_sign(signer.key, prepared->to_be_signed);
  if (!signature) return signature.error();
  return pdf::complete_signature(prepared->pdf, *signature);
}

// Signs what prepare laid out in an OFD and completes it.
Result<Bytes> complete_ofd(Result<ofd::PreparedSignature> prepared,
                           const crypto::Sm2PrivateKey& key) {
  if (!prepared) return prepared.error();
  auto signature = crypto::sm2_sign(key, prepared->to_be_signed);
  if (!signature) return signature.error();
  return ofd::complete_signature(prepared->ofd, *signature);
}

Result<Bytes> stamp_ofd(ByteView ofd, const Placement& placement, const SealSigner& signer, Time at,
                        const StampOptions& options) {
  auto package = ofd::Package::open(ofd);
  if (!package) return package.error();
  auto structure = ofd::read_structure(*package);
  if (!structure) return structure.error();
  const ofd::DocBody& body = structure->documents.front();
  auto pages = ofd::page_sizes(*package, body);
  if (!pages) return pages.error();
  auto find = [&](const std::string& keyword) { return ofd::find_text(*package, body, keyword); };
  auto stamps = place(placement, *pages, find, signer.seal, options.limits);
  if (!stamps) return stamps.error();
  ofd::SignRequest request{
      ofd::SignatureKind::kSeal, std::move(*stamps), &signer.seal, signer.cert, at, 0};
  return complete_ofd(ofd::prepare_signature(ofd, request), signer.key);
}

Status require_ofd(ByteView document) {
  auto format = detect_format(document);
  if (!format) return format.error();
  if (*format != DocumentFormat::kOfd)
    return Error::invalid_input("this operation applies to OFD documents only");
  return ok_status();
}

std::string failed_checks(const ses::Verdict& verdict) {
  std::string out;
  for (const auto& c : verdict.checks) {
    if (c.result != ses::CheckResult::kFailed) continue;
    out += (out.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  return out;
}

std::string info_of(const ses::Verdict& verdict, const ses::Outcome& outcome) {
  switch (outcome.indication) {
    case ses::Indication::kValid:
      return std::string(kValid);
    case ses::Indication::kIndeterminate: {
      std::string findings;
      for (const auto& f : outcome.findings) findings += (findings.empty() ? "" : ", ") + f;
      return std::string(kIndeterminate) + findings;
    }
    case ses::Indication::kFailed:
      break;
  }
  std::string failed = failed_checks(verdict);
  return failed.empty() ? "验证未通过" : failed;
}

SignatureSummary summary_of(std::string kind, const std::string& signer, const std::string& seal_id,
                            const std::string& seal_name, const ses::Verdict& verdict) {
  ses::Outcome outcome = verdict.outcome();
  std::string info = info_of(verdict, outcome);
  return {std::move(outcome), std::move(kind), signer, seal_id, seal_name, std::move(info)};
}

}  // namespace

std::string_view format_name(DocumentFormat f) {
  return f == DocumentFormat::kPdf ? "PDF" : "OFD";
}

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

Result<Bytes> stamp(ByteView document, const Placement& placement, const SealSigner& signer,
                    Time at, const StampOptions& options) {
  auto format = detect_format(document);
  if (!format) return format.error();
  return within_output_limit(*format == DocumentFormat::kPdf
                                 ? stamp_pdf(document, placement, signer, at, options)
                                 : stamp_ofd(document, placement, signer, at, options),
                             options.limits);
}

Result<Bytes> add_lock(ByteView ofd, const pki::Certificate& cert, const crypto::Sm2PrivateKey& key,
                       Time at) {
  if (auto s = require_ofd(ofd); !s) return s.error();
  ofd::SignRequest request{ofd::SignatureKind::kLock, {}, nullptr, cert, at, 0};
  return complete_ofd(ofd::prepare_signature(ofd, request), key);
}

Result<Bytes> remove_lock(ByteView ofd) {
  if (auto s = require_ofd(ofd); !s) return s.error();
  return ofd::remove_lock(ofd);
}

Result<Bytes> certified_copy(ByteView ofd, const std::string& creator, const std::string& cause,
                             int years, const pki::Certificate& cert,
                             const crypto::Sm2PrivateKey& key, Time at) {
  if (auto s = require_ofd(ofd); !s) return s.error();
  ofd::CopyRequest request{creator, cause, years, at, cert};
  return complete_ofd(ofd::prepare_certified_copy(ofd, request), key);
}

Result<VerifySummary> verify(ByteView document, const ses::TrustPolicy& trust) {
  auto format = detect_format(document);
  if (!format) return format.error();
  VerifySummary out;
  out.format = *format;
  if (*format == DocumentFormat::kPdf) {
    auto report = pdf::verify_pdf(document, trust);
    if (!report) return report.error();
    out.outcome = report->outcome();
    for (const auto& s : report->signatures) {
      out.signatures.push_back(summary_of(s.seal_id.empty() ? "signature" : "seal", s.signer,
                                          s.seal_id, s.seal_name, s.verdict));
    }
    return out;
  }
  auto report = ofd::verify_ofd(document, trust);
  if (!report) return report.error();
  out.outcome = report->outcome();
  out.locked = report->locked();
  for (const auto& s : report->signatures) {
    std::string kind = s.locked && s.type == "Sign" ? "lock"
                       : s.type == "Seal"           ? "seal"
                                                    : "signature";
    out.signatures.push_back(summary_of(kind, s.signer, s.seal_id, s.seal_name, s.verdict));
  }
  return out;
}

}  // namespace eseal::service
