// The LD/T door's words for the service's results: a verified signature's info, why a document
// is not valid, and the seal registry's and the engines' refusals, with no internal text.
#include <gtest/gtest.h>

#include "api/ldt/wording.h"

namespace eseal::api::ldt {
namespace {

using ses::Check;

service::SignatureSummary signature(std::vector<Check> checks) {
  service::SignatureSummary s;
  s.verdict.checks = std::move(checks);
  return s;
}

TEST(LdtWording, AValidSignatureReadsPassed) {
  auto s = signature({Check::passed("digest", "matches"), Check::passed("signer-chain", "ok")});
  EXPECT_EQ(verification_info(s), "验证通过");
}

TEST(LdtWording, AnIndeterminateSignatureNamesItsFindings) {
  auto s = signature({Check::passed("digest", "matches"),
                      Check::skipped("signer-chain", "no anchor").with_finding("unknown-root"),
                      Check::indeterminate("seal.maker-chain", "no-chain-checked", "none")});
  EXPECT_EQ(verification_info(s), "验证结果不确定：unknown-root, no-chain-checked");
}

TEST(LdtWording, AFailedSignatureListsTheFailedChecksWithTheirDetails) {
  auto s = signature({Check::failed("digest", "SM3 differs"), Check::passed("signer-chain", "ok"),
                      Check::failed("changes-after", "page 1 changed")});
  EXPECT_EQ(verification_info(s), "digest: SM3 differs; changes-after: page 1 changed");
}

TEST(LdtWording, ADocumentIsInvalidForWhatItsSignaturesSay) {
  service::VerifySummary none;
  none.outcome.add(ses::Indication::kFailed, "no-signature");
  EXPECT_EQ(invalid_reason(none), "文件中没有签章");
  service::VerifySummary unsure;
  unsure.signatures.push_back(signature({}));
  unsure.outcome.add(ses::Indication::kIndeterminate, "unknown-root");
  EXPECT_EQ(invalid_reason(unsure), "签章验证结果不确定");
  service::VerifySummary failed = unsure;
  failed.outcome.add(ses::Indication::kFailed, "digest");
  EXPECT_EQ(invalid_reason(failed), "签章验证未通过");
}

TEST(LdtWording, RefusalsKeepInternalTextOut) {
  EXPECT_EQ(document_refusal(Error::invalid_input("第3页不存在")), "第3页不存在");
  EXPECT_EQ(document_refusal(Error::io("SQLITE_BUSY: database is locked")), "服务器存储错误");
  EXPECT_EQ(document_refusal(Error::internal("std::bad_alloc")), "服务器内部错误");
  EXPECT_EQ(document_refusal(
                Error::io("tsa: connection refused").with_code(service::kTimeStampUnavailable)),
            "时间戳服务不可用");
  namespace code = service::seal_code;
  EXPECT_EQ(seal_refusal(Error::not_found("x").with_code(code::kNotFound), "S-1"),
            "印章不存在：S-1");
  service::RegisteredSeal seal;
  seal.status = "revoked";
  EXPECT_EQ(seal_refusal(Error::invalid_input("x").with_code(code::kStatus), "S-1", &seal),
            "印章状态不可用：S-1（revoked）");
  seal.status = "unfiled";
  EXPECT_EQ(seal_refusal(Error::invalid_input("x").with_code(code::kStatus), "S-1", &seal),
            "印章尚未完成备案：S-1");
  EXPECT_EQ(seal_refusal(Error::io("disk full"), "S-1"), "服务器存储错误");
}

}  // namespace
}  // namespace eseal::api::ldt
