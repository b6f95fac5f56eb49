// SM2 encryption and signatures cross-checked with the OpenSSL command line in both directions.
#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/sm2_cipher.h"
#include "support/process.h"

namespace eseal::crypto {
namespace {

using eseal::test::openssl_binary;
using eseal::test::run_command;
using eseal::test::TempDir;
using eseal::test::write_text;

class OpensslSm2 : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made =
        run_command(openssl_binary() +
                    " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + key_path());
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto pem = read_file(dir_ / "key.pem");
    ASSERT_TRUE(pem.ok());
    auto key = Sm2PrivateKey::from_pem(to_string(*pem));
    ASSERT_TRUE(key.ok()) << key.error().message;
    key_ = std::make_unique<Sm2PrivateKey>(*key);
    write_text(dir_ / "message.txt", message_);
  }

  std::string key_path() const { return (dir_ / "key.pem").string(); }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  TempDir dir_;
  std::unique_ptr<Sm2PrivateKey> key_;
  const std::string message_ = "SM4 会话密钥 0123456789abcdef";
};

TEST_F(OpensslSm2, OpensslDecryptsOurDerCiphertext) {
  auto ct = sm2_encrypt(key_->public_key(), as_bytes(message_));
  ASSERT_TRUE(ct.ok());
  ASSERT_TRUE(write_file_atomic(dir_ / "ct.der", *ct).ok());
  auto plain = run_command(openssl_binary() + " pkeyutl -decrypt -inkey " + key_path() + " -in " +
                           path("ct.der"));
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(plain.output, message_);
}

TEST_F(OpensslSm2, WeDecryptOpensslCiphertextInEveryEncoding) {
  auto made = run_command(openssl_binary() + " pkeyutl -encrypt -inkey " + key_path() + " -in " +
                          path("message.txt") + " -out " + path("ct.der"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  Bytes der = *read_file(dir_ / "ct.der");
  auto parts = sm2_ciphertext_decode(der, Sm2CipherFormat::kDer);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  for (auto format : {Sm2CipherFormat::kDer, Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kC1C2C3,
                      Sm2CipherFormat::kEccCipher}) {
    auto plain = sm2_decrypt(*key_, sm2_ciphertext_encode(*parts, format), format);
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_EQ(std::string(plain->begin(), plain->end()), message_);
  }
}

TEST_F(OpensslSm2, SignaturesVerifyBothWaysUnderTheStandardId) {
  auto ours = sm2_sign(*key_, as_bytes(message_));
  ASSERT_TRUE(ours.ok());
  ASSERT_TRUE(write_file_atomic(dir_ / "ours.sig", *ours).ok());
  const std::string base =
      openssl_binary() + " pkeyutl -rawin -digest sm3 -in " + path("message.txt");
  auto verified = run_command(base + " -verify -inkey " + key_path() + " -sigfile " +
                              path("ours.sig") + " -pkeyopt distid:1234567812345678");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;

  auto signed_by_openssl = run_command(base + " -sign -inkey " + key_path() + " -out " +
                                       path("theirs.sig") + " -pkeyopt distid:1234567812345678");
  ASSERT_EQ(signed_by_openssl.exit_code, 0) << signed_by_openssl.output;
  Bytes theirs = *read_file(dir_ / "theirs.sig");
  EXPECT_TRUE(sm2_verify(key_->public_key(), as_bytes(message_), theirs).ok());
  auto raw = sm2_signature_der_to_raw(theirs);
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE(sm2_verify(key_->public_key(), as_bytes(message_), *raw).ok());
}

}  // namespace
}  // namespace eseal::crypto
