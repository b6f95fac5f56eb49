#include "service/verification.h"

#include <algorithm>
#include <cstdint>

#include "crypto/random.h"
#include "ofd/verify.h"
#include "pdf/verify.h"
#include "service/documents.h"

namespace eseal::service {
namespace {

// How much of the seal's width an appearance shows.
double visible_width(const pdf::Appearance& a) {
  return a.rect.width;
}
double visible_width(const ofd::Appearance& a) {
  return a.clip ? a.clip->width : a.boundary.width;
}

template <typename Report>
SignatureSummary summary_of(const Report& report, std::string kind, std::string name) {
  SignatureSummary out;
  static_cast<doc::ValueReport&>(out) = report;
  out.kind = std::move(kind);
  out.name = std::move(name);
  if (!report.appearances.empty()) out.page = report.appearances.front().page + 1;
  for (const auto& appearance : report.appearances) {
    if (std::find(out.pages.begin(), out.pages.end(), appearance.page + 1) == out.pages.end()) {
      out.pages.push_back(appearance.page + 1);
    }
  }
  std::sort(out.pages.begin(), out.pages.end());
  out.cross_page =
      out.pages.size() > 1 && report.seal_width_mm > 0 &&
      std::all_of(report.appearances.begin(), report.appearances.end(),
                  [&](const auto& a) { return visible_width(a) < report.seal_width_mm - 0.5; });
  out.changed_regions = report.changed_regions;
  return out;
}

std::string kind_of(const ofd::SignatureReport& s) {
  if (s.locked && s.type == "Sign") return "lock";
  return s.type == "Seal" ? "seal" : "signature";
}

}  // namespace

Result<VerifySummary> verify(ByteView document, const ses::TrustPolicy& trust, Time at) {
  auto format = detect_format(document);
  if (!format) return format.error();
  VerifySummary out;
  out.format = *format;
  if (*format == DocumentFormat::kPdf) {
    auto report = pdf::verify_pdf(document, trust);
    if (!report) return report.error();
    out.outcome = report->outcome();
    for (const auto& s : report->signatures) {
      std::string kind = s.format == "doc-time-stamp" ? "time-stamp"
                         : s.seal_id.empty()          ? "signature"
                                                      : "seal";
      out.signatures.push_back(summary_of(s, std::move(kind), s.field_name));
      out.signatures.back().reason = s.reason;
    }
    return out;
  }
  ofd::VerifyOptions options;
  options.at = at;
  auto report = ofd::verify_ofd(document, trust, options);
  if (!report) return report.error();
  out.outcome = report->outcome();
  out.locked = report->locked();
  for (const auto& s : report->signatures) {
    out.signatures.push_back(summary_of(s, kind_of(s), s.signature_path));
  }
  return out;
}

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kCodeLength = 16;

Result<NewVerificationCode> new_verification_code(const std::string& public_url) {
  auto bits = crypto::random_bytes(10);
  if (!bits) return bits.error();
  std::string code;
  std::uint64_t buffer = 0;
  int held = 0;
  for (std::uint8_t byte : *bits) {
    buffer = (buffer << 8) | byte;
    held += 8;
    while (held >= 5) {
      held -= 5;
      code += kCrockford[(buffer >> held) & 31];
    }
  }
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return NewVerificationCode{code, base + "/console/#/verify/" + code};
}

bool is_verification_code(std::string_view text) {
  return text.size() == kCodeLength && std::all_of(text.begin(), text.end(), [](char c) {
           return kCrockford.find(c) != std::string_view::npos;
         });
}

}  // namespace eseal::service
