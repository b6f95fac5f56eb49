// The SDF driver against eseal's software crypto device (libeseal-softsdf.so), loaded by path
// as a vendor's library would be: a key index signs for a certificate issued by eseal's CA —
// the device hashing with Z and signing — and the signature verifies here and with OpenSSL;
// wrong passwords, wrong certificates, missing libraries and functions are clear errors; files,
// random numbers and decryption go through the device; several threads sign at once.
#include "keys/sdf.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <thread>

#include "base/file.h"
#include "crypto/sm2_cipher.h"
#include "keys/gmt0018.h"
#include "pki/test_ca.h"
#include "support/process.h"

namespace eseal::keys {
namespace {

const std::string kPassword = "12345678";

// A device folder for one test, named by ESEAL_SOFTSDF_DIR while it lives, and the software
// device's own key management (ESEAL_SDF_GenerateKeyPair), found in the library by name.
class SoftDevice {
 public:
  SoftDevice() { ::setenv("ESEAL_SOFTSDF_DIR", dir_.path().c_str(), 1); }
  ~SoftDevice() { ::unsetenv("ESEAL_SOFTSDF_DIR"); }

  crypto::Sm2PublicKey generate_key(unsigned index, const std::string& password) {
    auto library = DeviceLibrary::open(ESEAL_SOFTSDF_PATH);
    EXPECT_TRUE(library.ok());
    int (*generate)(unsigned, const char*, ECCrefPublicKey*) = nullptr;
    EXPECT_TRUE(library->bind(generate, "ESEAL_SDF_GenerateKeyPair").ok());
    ECCrefPublicKey ref;
    EXPECT_EQ(generate(index, password.c_str(), &ref), SDR_OK);
    Bytes point{0x04};
    point.insert(point.end(), ref.x + 32, ref.x + 64);
    point.insert(point.end(), ref.y + 32, ref.y + 64);
    return *crypto::Sm2PublicKey::from_point(point);
  }

 private:
  test::TempDir dir_;
};

std::shared_ptr<SdfDevice> open_device() {
  auto device = SdfDevice::open(ESEAL_SOFTSDF_PATH);
  EXPECT_TRUE(device.ok()) << (device.ok() ? "" : device.error().message);
  return device.ok() ? *device : nullptr;
}

pki::Certificate certificate_for(const crypto::Sm2PublicKey& key, const pki::test::Hierarchy& ca) {
  pki::CertificateRequest request{pki::CertificateProfile::kSeal,
                                  *pki::DistinguishedName::parse("C=CN,O=某某局,CN=密码机公章"),
                                  key,
                                  pki::test::kNow - std::chrono::hours(1),
                                  pki::test::kNow + std::chrono::days(365),
                                  {}};
  auto cert = pki::issue_certificate(request, ca.sub.cert, ca.sub.key);
  EXPECT_TRUE(cert.ok());
  return *cert;
}

TEST(Sdf, AMissingLibraryOrFunctionIsAClearError) {
  auto missing = SdfDevice::open("/nonexistent/libvendor-sdf.so");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kDeviceLibraryMissing);
  EXPECT_NE(missing.error().message.find("/nonexistent/libvendor-sdf.so"), std::string::npos);

  auto not_sdf = SdfDevice::open("libz.so.1");
  ASSERT_FALSE(not_sdf.ok());
  EXPECT_EQ(not_sdf.error().code, kDeviceFunctionMissing);
  EXPECT_NE(not_sdf.error().message.find("SDF_OpenDevice"), std::string::npos)
      << not_sdf.error().message;
}

TEST(Sdf, ADeviceThatDoesNotOpenIsAClearError) {
  test::TempDir dir;
  ::setenv("ESEAL_SOFTSDF_DIR", dir.path().c_str(), 1);
  test::write_text(dir / "device.json", "{ damaged");
  auto device = SdfDevice::open(ESEAL_SOFTSDF_PATH);
  ::unsetenv("ESEAL_SOFTSDF_DIR");
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(device.error().kind, ErrorKind::kIo);
  EXPECT_NE(device.error().message.find("SDF_OpenDevice"), std::string::npos);
  EXPECT_NE(device.error().message.find("SDR_OPENDEVICE (0x01000005)"), std::string::npos)
      << device.error().message;
}

TEST(Sdf, AKeyIndexSignsForItsCertificateOnTheDevice) {
  SoftDevice soft;
  auto key = soft.generate_key(1, kPassword);
  auto device = open_device();
  ASSERT_TRUE(device);
  EXPECT_EQ(device->sign_public_key(1)->point(), key.point());
  EXPECT_FALSE(device->encryption_public_key(1)->point() == key.point());

  pki::test::Hierarchy ca;
  auto cert = certificate_for(key, ca);
  auto signer = sdf_signer(device, 1, kPassword, cert, {ca.sub.cert});
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  EXPECT_EQ((*signer)->certificate().der(), cert.der());
  ASSERT_EQ((*signer)->chain().size(), 1u);

  Bytes message = to_bytes("TBS_Sign of a seal signature made by a crypto device");
  auto e = device->hash_for_signing(key, message);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(*e, *crypto::sm2_signing_digest(key, message));
  auto signature = (*signer)->sign(message);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  EXPECT_TRUE(crypto::sm2_verify(*cert.public_key(), message, *signature).ok());
  auto by_digest = (*signer)->sign_digest(*e);
  ASSERT_TRUE(by_digest.ok());
  EXPECT_TRUE(crypto::sm2_verify_digest(key, *e, *by_digest).ok());

  // OpenSSL agrees (SM3withSM2 with the standard user ID).
  test::TempDir dir;
  test::write_text(dir / "key.pem", cert.public_key()->pem());
  ASSERT_TRUE(write_file_atomic(dir / "message", message).ok());
  ASSERT_TRUE(write_file_atomic(dir / "sig.der", *signature).ok());
  auto verified = test::run_command(
      test::openssl_binary() + " pkeyutl -verify -pubin -inkey " + (dir / "key.pem").string() +
      " -rawin -digest sm3 -in " + (dir / "message").string() + " -sigfile " +
      (dir / "sig.der").string() + " -pkeyopt distid:1234567812345678");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("Signature Verified Successfully"), std::string::npos)
      << verified.output;

  // A large message is hashed in pieces.
  Bytes large(200 * 1024, 0x42);
  auto large_signature = (*signer)->sign(large);
  ASSERT_TRUE(large_signature.ok());
  EXPECT_TRUE(crypto::sm2_verify(key, large, *large_signature).ok());
}

TEST(Sdf, AWrongPasswordOrAnotherCertificateIsRefused) {
  SoftDevice soft;
  auto key = soft.generate_key(1, kPassword);
  auto device = open_device();
  ASSERT_TRUE(device);
  pki::test::Hierarchy ca;
  auto cert = certificate_for(key, ca);

  auto wrong = sdf_signer(device, 1, "87654321", cert);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kVerificationFailed);
  EXPECT_EQ(wrong.error().code, kDevicePinIncorrect);
  EXPECT_NE(wrong.error().message.find("SDR_PARDENY (0x01000007)"), std::string::npos)
      << wrong.error().message;

  Bytes e = *crypto::sm2_signing_digest(key, as_bytes("message"));
  auto refused = device->sign_digest(1, "87654321", e);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kDevicePinIncorrect);
  EXPECT_FALSE(device->check_password(1, "87654321").ok());
  EXPECT_TRUE(device->check_password(1, kPassword).ok());
  // The pool's sessions keep no right: a wrong password after a right one is still refused.
  EXPECT_EQ(device->sign_digest(1, "87654321", e).error().code, kDevicePinIncorrect);
  EXPECT_EQ(device->sign_digest(1, kPassword, Bytes(31)).error().kind, ErrorKind::kInvalidInput);

  // A certificate for another key.
  auto other = ca.seal.cert;
  auto mismatch = sdf_signer(device, 1, kPassword, other);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(mismatch.error().code, kKeyMismatch);

  // An empty key index.
  auto empty = sdf_signer(device, 2, kPassword, cert);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(empty.error().message.find("SDF_ExportSignPublicKey_ECC"), std::string::npos);
  EXPECT_NE(empty.error().message.find("SDR_KEYNOTEXIST (0x01000008)"), std::string::npos)
      << empty.error().message;
}

TEST(Sdf, SeveralThreadsSignAtOnce) {
  SoftDevice soft;
  auto key = soft.generate_key(3, kPassword);
  auto device = open_device();
  ASSERT_TRUE(device);
  pki::test::Hierarchy ca;
  auto signer = sdf_signer(device, 3, kPassword, certificate_for(key, ca));
  ASSERT_TRUE(signer.ok()) << signer.error().message;

  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        Bytes m = to_bytes("thread " + std::to_string(t) + " message " + std::to_string(i));
        auto s = (*signer)->sign(m);
        if (s && crypto::sm2_verify(key, m, *s).ok()) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 20);
}

TEST(Sdf, DeviceInformationRandomFilesAndDecryption) {
  SoftDevice soft;
  soft.generate_key(1, kPassword);
  auto device = open_device();
  ASSERT_TRUE(device);

  auto info = device->info();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->issuer, "eseal");
  EXPECT_EQ(info->name, "eseal-softsdf");
  EXPECT_EQ(info->serial.size(), 16u);
  EXPECT_EQ(info->hash_algorithms, unsigned(SGD_SM3));

  auto a = device->random(32), b = device->random(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);

  // A file larger than one read.
  Bytes content(10000);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i);
  ASSERT_TRUE(device->create_file("seal.ofd", content.size()).ok());
  auto exists = device->create_file("seal.ofd", 10);
  ASSERT_FALSE(exists.ok());
  EXPECT_NE(exists.error().message.find("SDR_FILEEXSITS"), std::string::npos);
  ASSERT_TRUE(device->write_file("seal.ofd", 0, content).ok());
  EXPECT_EQ(*device->read_file("seal.ofd"), content);
  EXPECT_EQ(*device->read_file("seal.ofd", 9990, 100),
            Bytes(content.begin() + 9990, content.end()));
  EXPECT_EQ(device->write_file("seal.ofd", 9999, Bytes(2)).error().kind, ErrorKind::kInvalidInput);
  ASSERT_TRUE(device->delete_file("seal.ofd").ok());
  EXPECT_EQ(device->read_file("seal.ofd").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(device->create_file(std::string(129, 'x'), 1).error().kind, ErrorKind::kInvalidInput);

  // Ciphertexts for the index's encryption key, in the encodings peers send.
  auto enc = device->encryption_public_key(1);
  ASSERT_TRUE(enc.ok());
  for (auto format : {crypto::Sm2CipherFormat::kDer, crypto::Sm2CipherFormat::kC1C3C2,
                      crypto::Sm2CipherFormat::kEccCipher}) {
    auto ciphertext = crypto::sm2_encrypt(*enc, as_bytes("a session key"), format);
    ASSERT_TRUE(ciphertext.ok());
    auto plain = device->decrypt(1, kPassword, *ciphertext);
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_EQ(std::string(plain->begin(), plain->end()), "a session key");
    EXPECT_EQ(device->decrypt(1, "wrong", *ciphertext).error().code, kDevicePinIncorrect);
  }
}

}  // namespace
}  // namespace eseal::keys
