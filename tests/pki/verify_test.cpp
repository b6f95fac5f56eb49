#include "pki/verify.h"

#include <gtest/gtest.h>

#include "pki/test_ca.h"

namespace eseal::pki {
namespace {

using test::kNow;

TEST(VerifyChain, AcceptsAValidPathThroughAnIntermediate) {
  test::Hierarchy h;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert};
  EXPECT_TRUE(verify_chain(h.seal.cert, chain, roots, {kNow, {}}).ok());
  EXPECT_TRUE(verify_chain(h.sub.cert, {}, roots, {kNow, {}}).ok());
}

TEST(VerifyChain, RejectsMissingIntermediateForeignRootAndWrongTime) {
  test::Hierarchy h, other;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert}, foreign{other.root.cert};
  auto missing = verify_chain(h.seal.cert, {}, roots, {kNow, {}});
  EXPECT_EQ(missing.error().kind, ErrorKind::kVerificationFailed);
  EXPECT_NE(missing.error().message.find("issuer"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(verify_chain(h.seal.cert, chain, foreign, {kNow, {}}).ok());
  auto expired = verify_chain(h.seal.cert, chain, roots, {kNow + std::chrono::days(400), {}});
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos) << expired.error().message;
  EXPECT_FALSE(verify_chain(h.seal.cert, chain, roots, {kNow - std::chrono::days(2), {}}).ok());
}

// What verdicts grade (ses/verify.h): why a path failed.
TEST(VerifyChain, SaysWhyAPathFailed) {
  test::Hierarchy h, other;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert}, foreign{other.root.cert};
  auto problem_of = [&](std::span<const Certificate> trusted, Time at, std::span<const Crl> crls) {
    ChainProblem problem = ChainProblem::kInvalid;
    EXPECT_FALSE(verify_chain(h.seal.cert, chain, trusted, {at, crls}, &problem).ok());
    return problem;
  };
  EXPECT_EQ(problem_of(foreign, kNow, {}), ChainProblem::kUntrusted);
  EXPECT_EQ(problem_of(roots, kNow + std::chrono::days(400), {}), ChainProblem::kExpired);
  EXPECT_EQ(problem_of(roots, kNow - std::chrono::days(2), {}), ChainProblem::kNotYetValid);
  auto crl = issue_crl(
      {{{h.seal.cert.serial(), kNow - std::chrono::hours(1), RevocationReason::kKeyCompromise}},
       kNow - std::chrono::hours(2),
       kNow + std::chrono::days(1),
       1},
      h.sub.cert, h.sub.key);
  ASSERT_TRUE(crl.ok());
  std::vector<Crl> crls{*crl};
  EXPECT_EQ(problem_of(roots, kNow, crls), ChainProblem::kRevoked);
  EXPECT_EQ(problem_of(roots, kNow + std::chrono::days(2), crls), ChainProblem::kRevocationUnknown)
      << "out of date";
  std::vector<Crl> root_only{
      *issue_crl({{}, kNow, kNow + std::chrono::days(1), 1}, h.root.cert, h.root.key)};
  EXPECT_EQ(problem_of(roots, kNow, root_only), ChainProblem::kRevocationUnknown)
      << "no CRL for the end certificate";
  // Not required of an issuer that gave none: the root's CRL still covers the intermediate, and
  // the intermediate's, when given, still revokes.
  EXPECT_TRUE(verify_chain(h.seal.cert, chain, roots, {kNow, root_only, false}).ok());
  ChainProblem problem = ChainProblem::kInvalid;
  EXPECT_FALSE(verify_chain(h.seal.cert, chain, roots, {kNow, crls, false}, &problem).ok());
  EXPECT_EQ(problem, ChainProblem::kRevoked);
}

TEST(VerifyChain, RejectsATamperedCertificate) {
  test::Hierarchy h;
  Bytes der = h.seal.cert.der();
  // Flip a bit inside the subject name: the structure stays valid, the signature does not.
  Bytes needle = to_bytes("公章");
  auto at = std::search(der.begin(), der.end(), needle.begin(), needle.end());
  ASSERT_NE(at, der.end());
  *at ^= 0x01;
  auto tampered = Certificate::from_der(der);
  ASSERT_TRUE(tampered.ok());
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert};
  ChainProblem problem = ChainProblem::kInvalid;
  auto result = verify_chain(*tampered, chain, roots, {kNow, {}}, &problem);
  EXPECT_NE(result.error().message.find("signature"), std::string::npos) << result.error().message;
  EXPECT_EQ(problem, ChainProblem::kBadSignature);
}

TEST(VerifyChain, RevocationIsJudgedAtTheCheckedTimeWithACurrentCrl) {
  test::Hierarchy h;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert};
  // Revoked an hour ago; today's CRL.
  auto crl = issue_crl({{{h.seal.cert.serial(), kNow - std::chrono::hours(1),
                          RevocationReason::kCessationOfOperation}},
                        kNow,
                        kNow + std::chrono::days(7),
                        5},
                       h.sub.cert, h.sub.key);
  ASSERT_TRUE(crl.ok());
  std::vector<Crl> crls{*crl};
  EXPECT_TRUE(verify_chain(h.seal.cert, chain, roots, {kNow - std::chrono::hours(2), crls}).ok())
      << "a signature made before the revocation stays valid";
  EXPECT_FALSE(
      verify_chain(h.seal.cert, chain, roots, {kNow - std::chrono::minutes(30), crls}).ok());
  auto stale = verify_chain(h.seal.cert, chain, roots, {kNow + std::chrono::days(8), crls});
  EXPECT_FALSE(stale.ok());
}

TEST(VerifyChain, ARevokedIntermediateBreaksTheChain) {
  test::Hierarchy h;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert};
  auto leaf_crl = issue_crl({{}, kNow - std::chrono::hours(1), kNow + std::chrono::days(7), 1},
                            h.sub.cert, h.sub.key);
  auto root_crl = issue_crl(
      {{{h.sub.cert.serial(), kNow - std::chrono::hours(2), RevocationReason::kCaCompromise}},
       kNow - std::chrono::hours(1),
       kNow + std::chrono::days(7),
       1},
      h.root.cert, h.root.key);
  ASSERT_TRUE(leaf_crl.ok() && root_crl.ok());
  std::vector<Crl> only_leaf{*leaf_crl}, both{*leaf_crl, *root_crl};
  EXPECT_TRUE(verify_chain(h.seal.cert, chain, roots, {kNow, only_leaf}).ok());
  auto result = verify_chain(h.seal.cert, chain, roots, {kNow, both});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("cACompromise"), std::string::npos)
      << result.error().message;
}

TEST(VerifyChain, ChecksTheEndCertificateAgainstCrls) {
  test::Hierarchy h;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert};
  auto good_crl = issue_crl({{}, kNow - std::chrono::hours(1), kNow + std::chrono::days(7), 1},
                            h.sub.cert, h.sub.key);
  ASSERT_TRUE(good_crl.ok());
  std::vector<Crl> crls{*good_crl};
  EXPECT_TRUE(verify_chain(h.seal.cert, chain, roots, {kNow, crls}).ok());

  auto revoking = issue_crl(
      {{{h.seal.cert.serial(), kNow - std::chrono::minutes(30), RevocationReason::kKeyCompromise}},
       kNow - std::chrono::minutes(10),
       kNow + std::chrono::days(7),
       2},
      h.sub.cert, h.sub.key);
  ASSERT_TRUE(revoking.ok());
  std::vector<Crl> revoked{*revoking};
  auto result = verify_chain(h.seal.cert, chain, roots, {kNow, revoked});
  EXPECT_NE(result.error().message.find("revoked"), std::string::npos) << result.error().message;

  std::vector<Crl> unrelated{*issue_crl(
      {{}, kNow - std::chrono::hours(1), kNow + std::chrono::days(1), 1}, h.root.cert, h.root.key)};
  EXPECT_FALSE(verify_chain(h.seal.cert, chain, roots, {kNow, unrelated}).ok())
      << "no CRL from the issuer";
}

}  // namespace
}  // namespace eseal::pki
