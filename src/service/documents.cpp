#include "service/documents.h"

#include <cstring>

#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/verify.h"
#include "pdf/verify.h"

namespace eseal::service {
namespace {

constexpr std::string_view kValid = "验证通过";
constexpr std::string_view kIndeterminate = "验证结果不确定：";

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
