#include "api/ldt/wording.h"

namespace eseal::api::ldt {
namespace {

std::string findings_of(const ses::Outcome& outcome, const char* separator) {
  std::string out;
  for (const auto& f : outcome.findings) out += (out.empty() ? "" : separator) + f;
  return out;
}

}  // namespace

std::string internal_error(const Error& e) {
  return e.kind == ErrorKind::kIo ? "服务器存储错误" : "服务器内部错误";
}

std::string document_refusal(const Error& e) {
  if (e.code == service::kTimeStampUnavailable) return "时间戳服务不可用";
  if (e.code == kLimitExceeded) return "超出服务器限制：" + e.message;
  return e.kind == ErrorKind::kInvalidInput || e.kind == ErrorKind::kVerificationFailed
             ? e.message
             : internal_error(e);
}

std::string seal_refusal(const Error& e, const std::string& subject,
                         const service::RegisteredSeal* seal) {
  namespace code = service::seal_code;
  if (e.code == code::kNotFound) return "印章不存在：" + subject;
  if (e.code == code::kNotYours) return "应用无权使用该印章：" + subject;
  if (e.code == code::kStatus && seal && seal->status == "unfiled")
    return "印章尚未完成备案：" + subject;
  if (e.code == code::kStatus)
    return "印章状态不可用：" + subject + (seal ? "（" + seal->status + "）" : "");
  if (e.code == code::kExpired || e.code == code::kNotYetValid)
    return "印章不在有效期内：" + subject;
  if (e.code == code::kSignerCertificate) return "印章的签章人证书不在有效期内：" + subject;
  if (e.code == code::kNoSigner) return "平台没有该印章的签名密钥：" + subject;
  if (e.code == code::kCertificateNotFound) return "证书未登记：" + subject;
  return document_refusal(e);
}

std::string verification_info(const service::SignatureSummary& signature) {
  ses::Outcome outcome = signature.outcome();
  switch (outcome.indication) {
    case ses::Indication::kValid:
      return "验证通过";
    case ses::Indication::kIndeterminate:
      return "验证结果不确定：" + findings_of(outcome, ", ");
    case ses::Indication::kFailed:
      break;
  }
  std::string failed;
  for (const auto& c : signature.verdict.checks) {
    if (c.result != ses::CheckResult::kFailed) continue;
    failed += (failed.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  return failed.empty() ? "验证未通过" : failed;
}

std::string invalid_reason(const service::VerifySummary& summary) {
  if (summary.signatures.empty()) return "文件中没有签章";
  return summary.outcome.indication == ses::Indication::kIndeterminate ? "签章验证结果不确定"
                                                                       : "签章验证未通过";
}

}  // namespace eseal::api::ldt
