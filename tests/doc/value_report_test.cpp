// The signature-value checks both engines share: an SES_Signature and a SignedData in each of
// its forms, judged over the digest of what they protect and named in that document's words.
#include "doc/value_report.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "support/sealing_parties.h"

namespace eseal::doc {
namespace {

using ses::CheckResult;
using test::kNow;
using test::parties;
using test::trust;

constexpr Protected kRanges{"digest", "the byte ranges"};
constexpr Protected kXml{"data-hash", "Signature.xml"};

const Bytes& protected_bytes() {
  static const Bytes b = to_bytes("the protected bytes");
  return b;
}

Bytes digest() {
  return crypto::sm3(protected_bytes());
}

std::vector<std::string> names(const ValueReport& r) {
  std::vector<std::string> out;
  for (const auto& c : r.verdict.checks) out.push_back(c.name);
  return out;
}

// The check `name` (ses::Verdict::find), failing the test when there is none.
const ses::Check& check(const ValueReport& r, std::string_view name) {
  static const ses::Check none;
  const ses::Check* found = r.verdict.find(name);
  if (!found) ADD_FAILURE() << "no check " << name;
  return found ? *found : none;
}

pki::SignedData cms(ByteView der) {
  auto sd = pki::parse_signed_data(der);
  EXPECT_TRUE(sd.ok()) << sd.error().message;
  return sd.ok() ? *sd : pki::SignedData{};
}

TEST(ValueReport, ASignedDataWithAttributesIsCheckedInTheDocumentsWords) {
  const auto& p = parties();
  auto der = pki::sign_detached(pki::CmsProfile::kGm, digest(), kNow, p.signer.cert, p.signer.key);
  ASSERT_TRUE(der.ok());
  ValueReport r;
  check_cms(cms(*der), digest(), std::nullopt, trust(), kRanges, r);
  EXPECT_EQ(r.format, "gmcms");
  EXPECT_EQ(r.signer, p.signer.cert.subject().to_string());
  EXPECT_EQ(r.signing_time, kNow);
  EXPECT_EQ(names(r), (std::vector<std::string>{"digest", "signer-signature", "signer-certificate",
                                                "signer-chain", "time-stamp", "seal"}));
  EXPECT_TRUE(r.valid());
  EXPECT_EQ(check(r, "digest").detail, "messageDigest is SM3 of the byte ranges");

  ValueReport other;
  check_cms(cms(*der), crypto::sm3(to_bytes("other bytes")), std::nullopt, trust(), kXml, other);
  EXPECT_EQ(check(other, "data-hash").result, CheckResult::kFailed);
  EXPECT_EQ(check(other, "data-hash").detail, "messageDigest is not SM3 of Signature.xml");
  EXPECT_EQ(check(other, "signer-signature").result, CheckResult::kPassed);
  EXPECT_EQ(other.outcome().indication, ses::Indication::kFailed);
}

TEST(ValueReport, EachAttachedFormWithoutAttributesCommitsToTheDigest) {
  const auto& p = parties();
  Bytes base64 = to_bytes(crypto::to_base64(digest()));
  for (const auto& [content, detail] :
       {std::pair{digest(), "the signed content is SM3 of Signature.xml"},
        std::pair{base64, "the signed content is SM3 of Signature.xml, in base64"},
        std::pair{protected_bytes(), "the signed content is Signature.xml"}}) {
    SCOPED_TRACE(detail);
    auto der =
        pki::sign_without_attributes(pki::CmsProfile::kPkcs7, content, p.signer.cert, p.signer.key);
    ASSERT_TRUE(der.ok());
    ValueReport r;
    // No signingTime attribute: the time the document claims is taken.
    check_cms(cms(*der), digest(), kNow, trust(), kXml, r);
    EXPECT_EQ(r.format, "pkcs7");
    EXPECT_EQ(check(r, "data-hash").result, CheckResult::kPassed);
    EXPECT_EQ(check(r, "data-hash").detail, detail);
    EXPECT_TRUE(r.valid());
  }
  auto wrong = pki::sign_without_attributes(pki::CmsProfile::kGm, to_bytes("something else"),
                                            p.signer.cert, p.signer.key);
  ValueReport r;
  check_cms(cms(*wrong), digest(), kNow, trust(), kXml, r);
  EXPECT_EQ(check(r, "data-hash").result, CheckResult::kFailed);
}

TEST(ValueReport, WithoutASigningTimeTheCertificateCannotBeJudged) {
  const auto& p = parties();
  auto der =
      pki::sign_without_attributes(pki::CmsProfile::kGm, digest(), p.signer.cert, p.signer.key);
  ValueReport r;
  check_cms(cms(*der), digest(), std::nullopt, trust(), kRanges, r);
  EXPECT_EQ(check(r, "signer-certificate").finding, "no-signing-time");
  EXPECT_EQ(check(r, "signer-chain").result, CheckResult::kSkipped);
  // The value's remaining checks still run.
  EXPECT_EQ(check(r, "time-stamp").detail.rfind("none", 0), 0u);
  EXPECT_EQ(r.outcome().indication, ses::Indication::kIndeterminate);
}

TEST(ValueReport, AnSesSignatureCarriesItsSealAndNamesTheDigestCheckAsTheDocumentDoes) {
  const auto& p = parties();
  auto value = ses::make_signature(p.seal, kNow, digest(), "doc", p.signer.cert, p.signer.key);
  ASSERT_TRUE(value.ok()) << value.error().message;
  ValueReport r;
  check_ses(*value, digest(), trust(), kRanges, r);
  EXPECT_EQ(r.format, "ses");
  EXPECT_EQ(r.seal_id, "TEST-SEAL-1");
  EXPECT_EQ(r.seal_name, "某某市测试单位合同专用章");
  EXPECT_EQ(r.picture_type, "PNG");
  EXPECT_EQ(r.signer, p.signer.cert.subject().to_string());
  EXPECT_EQ(check(r, "digest").result, CheckResult::kPassed);
  for (const auto& c : r.verdict.checks) EXPECT_NE(c.name, "data-hash");
  EXPECT_TRUE(r.valid());

  ValueReport moved;
  check_ses(*value, crypto::sm3(to_bytes("x")), trust(), kXml, moved);
  EXPECT_EQ(check(moved, "data-hash").result, CheckResult::kFailed);
}

TEST(ValueReport, NoCertificateLeavesTheSignatureIndeterminate) {
  std::vector<ses::Check> checks;
  no_signer_certificate("nothing to check it against", checks);
  ValueReport r;
  r.verdict.checks = checks;
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].finding, "signer-cert-missing");
  EXPECT_EQ(r.outcome().indication, ses::Indication::kIndeterminate);
}

}  // namespace
}  // namespace eseal::doc
