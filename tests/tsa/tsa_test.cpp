// The time-stamp authority's engine: requests read and written (OpenSSL's among them), tokens
// issued in both signature forms and verified by us and, for the no-Z form, by `openssl ts
// -verify`; every refusal answered with its failInfo; the legacy GM/T 0010 profile read.
#include <gtest/gtest.h>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "pki/signed_data.h"
#include "pki/test_ca.h"
#include "support/process.h"
#include "tsa/request.h"
#include "tsa/token.h"
#include "tsa/verify.h"

namespace eseal::tsa {
namespace {

namespace oid = asn1::oid;
using pki::test::issue;
using pki::test::IssuedKey;
using pki::test::kNow;
using ses::CheckResult;

constexpr std::string_view kPolicy = "1.2.156.112562.1.1.1";

struct Authority {
  IssuedKey root = issue(pki::CertificateProfile::kRootCa, "C=CN,CN=时间戳测试根", nullptr,
                         kNow - std::chrono::days(30), kNow + std::chrono::days(3650));
  IssuedKey tsa = issue(pki::CertificateProfile::kTsa, "C=CN,O=eseal,CN=时间戳服务", &root);
  IssuedKey user = issue(pki::CertificateProfile::kUser, "C=CN,CN=不是时间戳服务", &root);
};

const Authority& authority() {
  static const Authority a;
  return a;
}

ses::TrustPolicy trust() {
  static const std::vector<pki::Certificate> roots{authority().root.cert};
  return {roots, {}, {}};
}

Settings policy_settings() {
  Settings s;
  s.policy = kPolicy;
  return s;
}

const Bytes& data() {
  static const Bytes d = to_bytes("a document to be time-stamped");
  return d;
}

Request request_for(ByteView bytes, std::optional<Bytes> nonce = Bytes{0x01, 0x23, 0x45},
                    bool cert_req = true) {
  auto der = encode_request({std::string(oid::kSm3), crypto::sm3(bytes), nonce, cert_req, {}});
  EXPECT_TRUE(der.ok());
  auto r = parse_request(*der);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return *r;
}

Result<Bytes> issue_token(const Request& request, Settings settings = {},
                          const IssuedKey& signer = authority().tsa, Time at = kNow) {
  if (settings.policy.empty()) settings.policy = kPolicy;
  auto prepared = prepare_token(request, settings, Bytes{0x0A, 0x0B, 0x0C}, at, signer.cert);
  if (!prepared) return prepared.error();
  auto signature = prepared->z ? crypto::sm2_sign(signer.key, prepared->to_be_signed)
                               : crypto::sm2_sign_digest(signer.key, prepared->to_be_signed);
  if (!signature) return signature.error();
  return complete_token(*prepared, *signature);
}

// The check `name` (ses::Verdict::find), failing the test when there is none.
const ses::Check& check(const TokenReport& r, std::string_view name) {
  static const ses::Check none;
  const ses::Check* found = r.verdict.find(name);
  if (!found) ADD_FAILURE() << "no check " << name;
  return found ? *found : none;
}

TEST(TsaRequest, OursRoundTripsAndOpenSslReadsIt) {
  auto der = encode_request(
      {std::string(oid::kSm3), crypto::sm3(data()), Bytes{0x7F, 0x01}, true, std::string(kPolicy)});
  ASSERT_TRUE(der.ok());
  auto r = parse_request(*der);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->imprint.hash_oid, oid::kSm3);
  EXPECT_EQ(r->imprint.hashed_message, crypto::sm3(data()));
  EXPECT_EQ(r->policy, std::string(kPolicy));
  EXPECT_EQ(r->nonce, asn1::encode_unsigned_integer(Bytes{0x7F, 0x01}));
  EXPECT_TRUE(r->cert_req);

  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "q.tsq", *der, 0644).ok());
  auto text = test::run_command(test::openssl_binary() + " ts -query -in " +
                                (dir / "q.tsq").string() + " -text 2>&1");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Nonce: 0x7F01"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Certificate required: yes"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find(std::string(kPolicy)), std::string::npos) << text.output;
}

TEST(TsaRequest, OpenSslsSm3RequestWithNullParametersIsAccepted) {
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "d.txt", data(), 0644).ok());
  auto made =
      test::run_command(test::openssl_binary() + " ts -query -sm3 -cert -data " +
                        (dir / "d.txt").string() + " -out " + (dir / "q.tsq").string() + " 2>&1");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto der = read_file(dir / "q.tsq");
  ASSERT_TRUE(der.ok());
  auto r = parse_request(*der);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->imprint.hashed_message, crypto::sm3(data()));
  EXPECT_TRUE(r->nonce.has_value());  // openssl adds one by default
  // The imprint is echoed as received, NULL parameters and all.
  auto token = issue_token(*r);
  ASSERT_TRUE(token.ok()) << token.error().message;
  TokenReport report = verify_token(*token, trust(), {{data()}, std::nullopt, r->nonce, {}});
  EXPECT_TRUE(report.verdict.valid()) << report.verdict.checks.size();
  EXPECT_EQ(report.info->imprint.encoded, r->imprint.encoded);
}

TEST(TsaRequest, EachRefusalNamesItsFailInfo) {
  auto refusal = [](ByteView der) {
    auto r = parse_request(der);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string("accepted") : r.error().code;
  };
  EXPECT_EQ(refusal(to_bytes("not DER at all")), "badDataFormat");
  auto imprint = [](std::string_view hash, std::size_t size) {
    return asn1::encode_sequence({asn1::encode_sequence({oid::encode(hash)}),
                                  asn1::encode(asn1::tag::kOctetString, Bytes(size, 0x11))});
  };
  EXPECT_EQ(refusal(asn1::encode_sequence({asn1::encode_integer(1), imprint(oid::kSm3, 20)})),
            "badAlg");
  EXPECT_EQ(refusal(asn1::encode_sequence({asn1::encode_integer(1), imprint(oid::kSha1, 20)})),
            "badAlg");
  EXPECT_EQ(refusal(asn1::encode_sequence({asn1::encode_integer(2), imprint(oid::kSm3, 32)})),
            "badRequest");
  EXPECT_TRUE(
      parse_request(asn1::encode_sequence({asn1::encode_integer(1), imprint(oid::kSha256, 32)}))
          .ok());

  Request policy = request_for(data());
  policy.policy = "1.2.3.4";
  auto p = prepare_token(policy, policy_settings(), Bytes{1}, kNow, authority().tsa.cert);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "unacceptedPolicy");
  EXPECT_TRUE(prepare_token(policy, {std::string(kPolicy), {"1.2.3.4"}}, Bytes{1}, kNow,
                            authority().tsa.cert)
                  .ok());

  Request extension = request_for(data());
  extension.extensions = {{"1.2.3.5", false}};
  EXPECT_TRUE(
      prepare_token(extension, policy_settings(), Bytes{1}, kNow, authority().tsa.cert).ok());
  extension.extensions = {{"1.2.3.5", true}};
  auto e = prepare_token(extension, policy_settings(), Bytes{1}, kNow, authority().tsa.cert);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "unacceptedExtension");
  EXPECT_EQ(fail_info_of(e.error()), FailInfo::kUnacceptedExtension);
  EXPECT_EQ(fail_info_of(Error::io("disk")), FailInfo::kSystemFailure);
}

TEST(TsaResponse, ARejectionCarriesItsFailInfoAndOpenSslReadsIt) {
  for (FailInfo f :
       {FailInfo::kBadAlg, FailInfo::kBadRequest, FailInfo::kBadDataFormat,
        FailInfo::kUnacceptedPolicy, FailInfo::kUnacceptedExtension, FailInfo::kSystemFailure}) {
    Bytes der = rejection_response(f, "why");
    auto r = parse_response(der);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 2);
    EXPECT_EQ(r->fail_info, f);
    EXPECT_EQ(r->status_text, std::vector<std::string>{"why"});
    EXPECT_FALSE(r->token);
  }
  test::TempDir dir;
  ASSERT_TRUE(
      write_file_atomic(dir / "r.tsr", rejection_response(FailInfo::kUnacceptedPolicy, "no"), 0644)
          .ok());
  auto text = test::run_command(test::openssl_binary() + " ts -reply -in " +
                                (dir / "r.tsr").string() + " -text 2>&1");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Status: Rejected"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("the requested TSA policy is not supported"), std::string::npos)
      << text.output;
}

TEST(TsaToken, ProfileRWithZVerifiesAndSaysSo) {
  Request request = request_for(data());
  auto token = issue_token(request);
  ASSERT_TRUE(token.ok()) << token.error().message;
  TokenReport r = verify_token(*token, trust(), {{data()}, std::nullopt, request.nonce, {}});
  for (const auto& c : r.verdict.checks) SCOPED_TRACE(c.name + ": " + c.detail);
  EXPECT_TRUE(r.verdict.valid());
  EXPECT_EQ(r.profile, "RFC 3161");
  EXPECT_EQ(r.signature_form, "z-default-id");
  EXPECT_EQ(r.tsa, authority().tsa.cert.subject().to_string());
  EXPECT_EQ(r.info->gen_time, kNow);
  EXPECT_EQ(r.info->serial, (Bytes{0x0A, 0x0B, 0x0C}));
  EXPECT_EQ(r.info->policy, kPolicy);
  EXPECT_EQ(r.info->accuracy_seconds, 1);
  EXPECT_EQ(r.proven_time(), kNow);
  EXPECT_EQ(check(r, "ess-cert-id").result, CheckResult::kPassed);

  // Other bytes, another nonce: each check says so, and nothing is proven.
  TokenReport other = verify_token(*token, trust(), {{to_bytes("other")}, std::nullopt, {}, {}});
  EXPECT_EQ(check(other, "imprint").result, CheckResult::kFailed);
  EXPECT_FALSE(other.proven_time());
  TokenReport nonce =
      verify_token(*token, trust(), {{data()}, std::nullopt, Bytes{0x02, 0x01, 0x09}, {}});
  EXPECT_EQ(check(nonce, "nonce").result, CheckResult::kFailed);
  // Without trust anchors the chain is not checked: indeterminate.
  TokenReport untrusted = verify_token(*token, {}, {{data()}, std::nullopt, {}, {}});
  EXPECT_EQ(untrusted.verdict.outcome().indication, ses::Indication::kIndeterminate);
}

TEST(TsaToken, TheNoZFormIsWhatOpenSslVerifies) {
  Request request = request_for(data());
  Settings no_z;
  no_z.z = false;
  no_z.include_name = true;
  auto token = issue_token(request, no_z);
  ASSERT_TRUE(token.ok()) << token.error().message;
  TokenReport r = verify_token(*token, trust(), {{data()}, std::nullopt, request.nonce, {}});
  EXPECT_TRUE(r.verdict.valid());
  EXPECT_EQ(r.signature_form, "no-z");
  EXPECT_TRUE(r.info->has_tsa_name);

  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "d.txt", data(), 0644).ok());
  ASSERT_TRUE(write_file_atomic(dir / "r.tsr", granted_response(*token), 0644).ok());
  // OpenSSL 3.0 checks certificate signatures under the empty SM2 ID and `ts -verify` takes no
  // -vfyopt distid, so the TSA certificate itself is the anchor (-partial_chain): what OpenSSL
  // checks is the token's own signature, its ESS certificate id and the EKU.
  ASSERT_TRUE(write_file_atomic(dir / "tsa.pem", to_bytes(authority().tsa.cert.pem()), 0644).ok());
  std::string openssl = test::openssl_binary();
  auto text =
      test::run_command(openssl + " ts -reply -in " + (dir / "r.tsr").string() + " -text 2>&1");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Status: Granted"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Serial number: 0x0A0B0C"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Nonce: 0x012345"), std::string::npos) << text.output;
  auto verified = test::run_command(
      openssl + " ts -verify -data " + (dir / "d.txt").string() + " -in " +
      (dir / "r.tsr").string() + " -partial_chain -CAfile " + (dir / "tsa.pem").string() + " 2>&1");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("Verification: OK"), std::string::npos) << verified.output;

  // The default form (with Z) is the one OpenSSL 3.0 cannot check: why it is a switch.
  auto with_z = issue_token(request);
  ASSERT_TRUE(write_file_atomic(dir / "z.tsr", granted_response(*with_z), 0644).ok());
  auto refused = test::run_command(openssl + " ts -verify -data " + (dir / "d.txt").string() +
                                   " -in " + (dir / "z.tsr").string() + " -partial_chain -CAfile " +
                                   (dir / "tsa.pem").string() + " 2>&1");
  EXPECT_NE(refused.exit_code, 0) << refused.output;
}

TEST(TsaToken, WithoutCertificatesTheTsaCertificateIsGiven) {
  Request request = request_for(data(), std::nullopt, false);
  auto token = issue_token(request);
  ASSERT_TRUE(token.ok());
  TokenReport alone = verify_token(*token, trust(), {{data()}, std::nullopt, {}, {}});
  EXPECT_EQ(check(alone, "tsa-signature").finding, "tsa-cert-missing");
  std::vector<pki::Certificate> given{authority().user.cert, authority().tsa.cert};
  TokenReport r = verify_token(*token, trust(), {{data()}, std::nullopt, {}, given});
  EXPECT_TRUE(r.verdict.valid());
  EXPECT_EQ(check(r, "nonce").result, CheckResult::kSkipped);
}

TEST(TsaToken, OnlyATimeStampingCertificateMayStamp) {
  auto token = issue_token(request_for(data()), {}, authority().user);
  ASSERT_TRUE(token.ok());
  TokenReport r = verify_token(*token, trust(), {{data()}, std::nullopt, {}, {}});
  EXPECT_EQ(check(r, "tsa-signature").result, CheckResult::kPassed);
  EXPECT_EQ(check(r, "tsa-certificate").result, CheckResult::kFailed);
  EXPECT_FALSE(r.proven_time());
  // A genTime outside the TSA certificate's validity is not proven either.
  auto late = issue_token(request_for(data()), {}, authority().tsa, kNow + std::chrono::days(400));
  TokenReport l = verify_token(*late, trust(), {{data()}, std::nullopt, {}, {}});
  EXPECT_NE(check(l, "tsa-certificate").result, CheckResult::kPassed);
  EXPECT_FALSE(l.proven_time());
}

TEST(TsaToken, TheLegacyGmProfileIsReadButNotTrustedAlone) {
  Request request = request_for(data());
  auto prepared = prepare_token(request, policy_settings(), Bytes{9}, kNow, authority().tsa.cert);
  ASSERT_TRUE(prepared.ok());
  auto legacy = pki::sign_without_attributes(pki::CmsProfile::kGm, prepared->tst_info,
                                             authority().tsa.cert, authority().tsa.key);
  ASSERT_TRUE(legacy.ok());
  TokenReport r = verify_token(*legacy, trust(), {{data()}, std::nullopt, {}, {}});
  EXPECT_EQ(r.profile, "GM/T 0010 (legacy)");
  EXPECT_EQ(r.signature_form, "z-default-id");
  EXPECT_EQ(check(r, "ess-cert-id").finding, "tsa-legacy-profile");
  EXPECT_EQ(r.verdict.outcome().indication, ses::Indication::kIndeterminate);
}

TEST(TsaToken, BytesThatAreNoTokenFailTheStructureCheck) {
  TokenReport r = verify_token(to_bytes("junk"), trust());
  EXPECT_EQ(check(r, "structure").result, CheckResult::kFailed);
  EXPECT_FALSE(r.proven_time());
}

}  // namespace
}  // namespace eseal::tsa
