#include "pki/crl.h"

#include <gtest/gtest.h>

#include "pki/test_ca.h"

namespace eseal::pki {
namespace {

using test::kNow;

TEST(Crl, IssuedFieldsReadBack) {
  test::Hierarchy h;
  auto other = test::issue(CertificateProfile::kUser, "C=CN,CN=李四", &h.sub);
  CrlRequest request{
      {{h.seal.cert.serial(), kNow - std::chrono::hours(2), RevocationReason::kKeyCompromise},
       {other.cert.serial(), kNow - std::chrono::hours(1), RevocationReason::kUnspecified}},
      kNow,
      kNow + std::chrono::days(7),
      42};
  auto crl = issue_crl(request, h.sub.cert, h.sub.key);
  ASSERT_TRUE(crl.ok()) << crl.error().message;
  EXPECT_EQ(crl->issuer(), h.sub.cert.subject());
  EXPECT_EQ(crl->this_update(), kNow);
  EXPECT_EQ(crl->next_update(), kNow + std::chrono::days(7));
  EXPECT_EQ(crl->number(), 42u);
  EXPECT_EQ(crl->revoked().size(), 2u);
  auto entry = crl->find(h.seal.cert.serial());
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->reason, RevocationReason::kKeyCompromise);
  EXPECT_EQ(entry->revoked_at, kNow - std::chrono::hours(2));
  EXPECT_FALSE(crl->find(h.sub.cert.serial()).has_value());
  EXPECT_TRUE(crl->verify_signature(h.sub.cert).ok());

  auto reparsed = Crl::parse(as_bytes(crl->pem()));
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(reparsed->der(), crl->der());
}

TEST(Crl, CheckRevocationReportsRevokedStaleAndForeignCrls) {
  test::Hierarchy h;
  auto crl = issue_crl(
      {{{h.seal.cert.serial(), kNow - std::chrono::hours(2), RevocationReason::kSuperseded}},
       kNow - std::chrono::hours(1),
       kNow + std::chrono::days(1),
       1},
      h.sub.cert, h.sub.key);
  ASSERT_TRUE(crl.ok());
  auto revoked = check_revocation(h.seal.cert, *crl, h.sub.cert, kNow);
  EXPECT_EQ(revoked.error().kind, ErrorKind::kVerificationFailed);
  EXPECT_NE(revoked.error().message.find("superseded"), std::string::npos);

  auto fine = test::issue(CertificateProfile::kSeal, "C=CN,CN=good", &h.sub);
  EXPECT_TRUE(check_revocation(fine.cert, *crl, h.sub.cert, kNow).ok());
  EXPECT_FALSE(check_revocation(fine.cert, *crl, h.sub.cert, kNow + std::chrono::days(2)).ok())
      << "past nextUpdate";
  EXPECT_FALSE(crl->verify_signature(h.root.cert).ok()) << "other issuer";
  EXPECT_FALSE(crl->verify_signature(h.seal.cert).ok()) << "no cRLSign";
}

TEST(Crl, RejectsBadRequestsAndInput) {
  test::Hierarchy h;
  EXPECT_FALSE(issue_crl({{}, kNow, kNow, 1}, h.sub.cert, h.sub.key).ok());
  EXPECT_FALSE(issue_crl({{}, kNow, kNow + std::chrono::days(1), 1}, h.seal.cert, h.seal.key).ok());
  EXPECT_FALSE(issue_crl({{}, kNow, kNow + std::chrono::days(1), 1}, h.sub.cert, h.root.key).ok());
  EXPECT_FALSE(Crl::parse(as_bytes("garbage!")).ok());
  EXPECT_EQ(*parse_revocation_reason("keyCompromise"), RevocationReason::kKeyCompromise);
  EXPECT_FALSE(parse_revocation_reason("bored").ok());
}

TEST(Crl, TamperedCrlFailsItsSignature) {
  test::Hierarchy h;
  auto crl = issue_crl({{}, kNow, kNow + std::chrono::days(1), 7}, h.sub.cert, h.sub.key);
  ASSERT_TRUE(crl.ok());
  Bytes der = crl->der();
  // Change one character of the issuer's name: the structure stays valid, the signature does not.
  Bytes needle = to_bytes("二级");
  auto at = std::search(der.begin(), der.end(), needle.begin(), needle.end());
  ASSERT_NE(at, der.end());
  *(at + 2) ^= 0x01;
  auto tampered = Crl::from_der(der);
  ASSERT_TRUE(tampered.ok());
  EXPECT_EQ(tampered->verify_signature(h.sub.cert).error().kind, ErrorKind::kVerificationFailed);
}

}  // namespace
}  // namespace eseal::pki
