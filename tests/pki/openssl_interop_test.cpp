// Cross-checks with the OpenSSL command line, an implementation we did not write.
#include <gtest/gtest.h>

#include "base/file.h"
#include "keys/key_file.h"
#include "pki/crl.h"
#include "pki/test_ca.h"
#include "pki/verify.h"
#include "support/process.h"

namespace eseal::pki {
namespace {

using eseal::test::openssl_binary;
using eseal::test::run_command;
using eseal::test::TempDir;
using eseal::test::write_text;

// openssl checks validity against the real clock, so these certificates are issued around now.
struct LiveHierarchy {
  test::IssuedKey root =
      test::issue(CertificateProfile::kRootCa, "C=CN,O=电子印章测试,CN=测试根CA", nullptr,
                  now_utc() - std::chrono::days(1), now_utc() + std::chrono::days(3650));
  test::IssuedKey sub =
      test::issue(CertificateProfile::kSubCa, "C=CN,O=电子印章测试,CN=测试二级CA", &root,
                  now_utc() - std::chrono::hours(1), now_utc() + std::chrono::days(1000));
  test::IssuedKey leaf =
      test::issue(CertificateProfile::kSeal, "C=CN,O=某某局,CN=公章", &sub,
                  now_utc() - std::chrono::hours(1), now_utc() + std::chrono::days(365));
};

// OpenSSL 3.0 verifies certificate signatures under the empty SM2 user ID unless told otherwise,
// and `openssl verify -vfyopt distid:...` applies the ID to the end certificate only. So each link
// of our three-level chain is checked on its own, with the standard ID.
TEST(OpensslInterop, OpensslVerifyAcceptsEveryLinkOfOurChain) {
  LiveHierarchy h;
  TempDir dir;
  write_text(dir / "root.pem", h.root.cert.pem());
  write_text(dir / "sub.pem", h.sub.cert.pem());
  write_text(dir / "leaf.pem", h.leaf.cert.pem());
  const std::string verify = openssl_binary() + " verify -vfyopt distid:1234567812345678 ";
  auto sub = run_command(verify + "-CAfile " + (dir / "root.pem").string() + " " +
                         (dir / "sub.pem").string());
  EXPECT_EQ(sub.exit_code, 0) << sub.output;
  auto leaf = run_command(verify + "-partial_chain -CAfile " + (dir / "sub.pem").string() + " " +
                          (dir / "leaf.pem").string());
  EXPECT_EQ(leaf.exit_code, 0) << leaf.output;

  auto wrong_issuer = run_command(verify + "-partial_chain -CAfile " + (dir / "root.pem").string() +
                                  " " + (dir / "leaf.pem").string());
  EXPECT_NE(wrong_issuer.exit_code, 0) << "the leaf was not issued by the root";
}

TEST(OpensslInterop, OpensslParsesOurCertificateText) {
  LiveHierarchy h;
  TempDir dir;
  write_text(dir / "leaf.pem", h.leaf.cert.pem());
  auto text =
      run_command(openssl_binary() + " x509 -noout -text -nameopt utf8,sep_comma_plus -in " +
                  (dir / "leaf.pem").string());
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected :
       {"SM2-with-SM3", "CN=公章", "O=某某局", "Digital Signature", "Non Repudiation", "CA:FALSE",
        "Subject Key Identifier", "Authority Key Identifier", "ASN1 OID: SM2"}) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << expected << "\n" << text.output;
  }
}

// Lenient in: a chain made by the OpenSSL 3.0 command line without -sigopt distid is signed under
// the empty ID, and must still verify.
TEST(OpensslInterop, ChainsMadeByTheOpensslCommandLineVerify) {
  TempDir dir;
  const std::string o = openssl_binary();
  const std::string d = dir.path().string() + "/";
  auto made = run_command(
      o + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + d + "ca.key && " + o +
      " req -x509 -new -key " + d + "ca.key -sm3 -subj /CN=cli-root -days 30 -addext " +
      "keyUsage=critical,keyCertSign,cRLSign -out " + d + "ca.pem && " + o +
      " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + d + "leaf.key && " + o +
      " req -new -key " + d + "leaf.key -sm3 -subj /CN=cli-leaf -out " + d + "leaf.csr && " + o +
      " x509 -req -in " + d + "leaf.csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -sm3 -days 10 " +
      "-out " + d + "leaf.pem");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto root = Certificate::parse(*read_file(dir / "ca.pem"));
  auto leaf = Certificate::parse(*read_file(dir / "leaf.pem"));
  ASSERT_TRUE(root.ok() && leaf.ok());
  std::vector<Certificate> roots{*root};
  auto result = verify_chain(*leaf, {}, roots, {now_utc(), {}});
  EXPECT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(leaf->signed_by(*root->public_key(), true));
  EXPECT_FALSE(leaf->signed_by(*root->public_key(), false)) << "it is not a standard-ID signature";
}

// The same below one of our intermediates: each signature is checked against the certificate
// directly above it, so a leaf that names the sub-CA but was signed by the root key fails.
TEST(OpensslInterop, CommandLineLeavesBelowOurIntermediateVerifyAndForgeriesDoNot) {
  LiveHierarchy h;
  TempDir dir;
  const std::string o = openssl_binary();
  const std::string d = dir.path().string() + "/";
  auto kek = keys::load_or_create_kek(std::string("interop-test-kek-0123456789"), {});
  ASSERT_TRUE(kek.ok());
  write_text(dir / "sub.pem", h.sub.cert.pem());
  write_text(dir / "root.pem", h.root.cert.pem());
  write_text(dir / "sub.enc", *keys::encrypt_private_key(h.sub.key, *kek));
  write_text(dir / "root.enc", *keys::encrypt_private_key(h.root.key, *kek));
  // The sub-CA's name over the root's key lets OpenSSL sign the forgery below.
  auto fake_sub = issue_certificate({CertificateProfile::kSubCa,
                                     h.sub.cert.subject(),
                                     h.root.key.public_key(),
                                     now_utc() - std::chrono::hours(1),
                                     now_utc() + std::chrono::days(100),
                                     {}},
                                    h.root.cert, h.root.key);
  ASSERT_TRUE(fake_sub.ok());
  write_text(dir / "fake-sub.pem", fake_sub->pem());
  auto made = run_command(
      o + " pkey -in " + d + "sub.enc -passin pass:" + kek->c_str() + " -out " + d + "sub.key && " +
      o + " pkey -in " + d + "root.enc -passin pass:" + kek->c_str() + " -out " + d +
      "root.key && " + o + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + d +
      "leaf.key && " + o + " req -new -key " + d + "leaf.key -sm3 -subj /CN=cli-leaf -out " + d +
      "leaf.csr && " + o + " x509 -req -in " + d + "leaf.csr -CA " + d + "sub.pem -CAkey " + d +
      "sub.key -sm3 -days 10 -out " + d + "leaf.pem && " +
      // A forgery: the sub-CA's name as issuer, the root's key as signer.
      o + " x509 -req -in " + d + "leaf.csr -CA " + d + "fake-sub.pem -CAkey " + d +
      "root.key -sm3 -days 10 -out " + d + "forged.pem");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  std::vector<Certificate> chain{h.sub.cert}, roots{h.root.cert};
  auto leaf = Certificate::parse(*read_file(dir / "leaf.pem"));
  auto forged = Certificate::parse(*read_file(dir / "forged.pem"));
  ASSERT_TRUE(leaf.ok() && forged.ok());
  auto good = verify_chain(*leaf, chain, roots, {now_utc(), {}});
  EXPECT_TRUE(good.ok()) << good.error().message;
  auto bad = verify_chain(*forged, chain, roots, {now_utc(), {}});
  EXPECT_EQ(bad.error().kind, ErrorKind::kVerificationFailed);
}

// OpenSSL 3.0 checks CRL signatures under the empty ID with no way to pass another, so the CRL
// is parsed by `openssl crl` and its signature checked by `openssl pkeyutl` over the
// TBSCertList that `openssl asn1parse` cuts out.
TEST(OpensslInterop, OpensslParsesOurCrlAndVerifiesItsSignature) {
  LiveHierarchy h;
  auto crl = issue_crl({{{h.leaf.cert.serial(), now_utc() - std::chrono::minutes(5),
                          RevocationReason::kKeyCompromise}},
                        now_utc() - std::chrono::minutes(1),
                        now_utc() + std::chrono::days(7),
                        3},
                       h.sub.cert, h.sub.key);
  ASSERT_TRUE(crl.ok());
  TempDir dir;
  write_text(dir / "crl.pem", crl->pem());
  write_text(dir / "sub.pub", h.sub.key.public_key().pem());
  auto text = run_command(openssl_binary() + " crl -noout -text -in " + (dir / "crl.pem").string());
  EXPECT_EQ(text.exit_code, 0) << text.output;
  for (const std::string& expected : {h.leaf.cert.serial_hex(), std::string("Key Compromise"),
                                      std::string("CRL Number"), std::string("SM2-with-SM3")}) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << expected << "\n" << text.output;
  }

  const std::string crl_path = (dir / "crl.pem").string();
  auto tbs = run_command(openssl_binary() + " asn1parse -in " + crl_path +
                         " -strparse 4 -noout -out " + (dir / "tbs.der").string());
  ASSERT_EQ(tbs.exit_code, 0) << tbs.output;
  auto layout =
      run_command(openssl_binary() + " asn1parse -in " + crl_path + " | tail -n 1 | cut -d: -f1");
  auto sig = run_command(openssl_binary() + " asn1parse -in " + crl_path + " -strparse " +
                         layout.output.substr(0, layout.output.find('\n')) + " -noout -out " +
                         (dir / "sig.der").string());
  ASSERT_EQ(sig.exit_code, 0) << sig.output;
  const std::string pkeyutl = openssl_binary() + " pkeyutl -verify -pubin -inkey " +
                              (dir / "sub.pub").string() + " -rawin -digest sm3 -in " +
                              (dir / "tbs.der").string() + " -sigfile " +
                              (dir / "sig.der").string();
  auto good = run_command(pkeyutl + " -pkeyopt distid:1234567812345678");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  auto empty_id = run_command(pkeyutl);
  EXPECT_NE(empty_id.exit_code, 0) << "signed under the standard ID, not the empty one";
}

}  // namespace
}  // namespace eseal::pki
