// The SKF driver against eseal's software USB key (libeseal-softskf.so) through the real C ABI:
// provisioning a key, PINs counted down to locked and unblocked, files, a key made inside the
// USB key with a certificate, and signatures the key makes verified here and by OpenSSL.
#include "keys/skf.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <thread>

#include "base/file.h"
#include "crypto/encoding.h"
#include "pki/test_ca.h"
#include "support/process.h"

namespace eseal::keys {
namespace {

using pki::test::issue;

const Bytes kFactoryAuthKey = to_bytes("1234567812345678");

// A folder of software keys for one test, named by ESEAL_SOFTSKF_DIR while it lives.
class SoftKeys {
 public:
  SoftKeys() { ::setenv("ESEAL_SOFTSKF_DIR", dir_.path().c_str(), 1); }
  ~SoftKeys() { ::unsetenv("ESEAL_SOFTSKF_DIR"); }
  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  test::TempDir dir_;
};

std::shared_ptr<SkfLibrary> library() {
  auto loaded = SkfLibrary::load(ESEAL_SOFTSKF_PATH);
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
  return *loaded;
}

// A new key "key1" with the application "HRSS" (admin PIN 88888888, user PIN 12345678, three
// tries), logged in.
std::shared_ptr<SkfApplication> provisioned(SkfLibrary& skf) {
  EXPECT_TRUE(skf.make_device("key1", "测试钥匙").ok());
  auto device = skf.connect("key1");
  EXPECT_TRUE(device.ok()) << (device.ok() ? "" : device.error().message);
  auto authenticated = (*device)->authenticate(kFactoryAuthKey);
  EXPECT_TRUE(authenticated.ok()) << (authenticated.ok() ? "" : authenticated.error().message);
  EXPECT_TRUE((*device)->create_application("HRSS", "88888888", "12345678", 3).ok());
  auto app = (*device)->open_application();
  EXPECT_TRUE(app.ok());
  EXPECT_TRUE((*app)->verify_pin("12345678").ok());
  return *app;
}

TEST(Skf, AMissingLibraryOrFunctionIsAClearError) {
  auto missing = SkfLibrary::load("/nonexistent/libvendor-skf.so");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kDeviceLibraryMissing);
  EXPECT_NE(missing.error().message.find("/nonexistent/libvendor-skf.so"), std::string::npos);

  auto not_skf = SkfLibrary::load("libz.so.1");
  ASSERT_FALSE(not_skf.ok());
  EXPECT_EQ(not_skf.error().code, kDeviceFunctionMissing);
  EXPECT_NE(not_skf.error().message.find("SKF_EnumDev"), std::string::npos)
      << not_skf.error().message;
}

TEST(Skf, AKeyIsProvisionedWithAnApplicationAndListed) {
  SoftKeys keys;
  auto skf = library();
  ASSERT_TRUE(skf->makes_devices());
  ASSERT_TRUE(skf->make_device("key1", "测试钥匙").ok());
  ASSERT_TRUE(skf->make_device("key2", "second").ok());
  EXPECT_FALSE(skf->make_device("key1", "again").ok());
  auto present = skf->devices();
  ASSERT_TRUE(present.ok()) << present.error().message;
  EXPECT_EQ(*present, (std::vector<std::string>{"key1", "key2"}));

  auto device = skf->connect();  // the first present
  ASSERT_TRUE(device.ok());
  EXPECT_EQ((*device)->name(), "key1");
  auto info = (*device)->info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->label, "测试钥匙");
  EXPECT_FALSE(info->serial.empty());

  // Without device authentication, and with a wrong key, no application can be made.
  EXPECT_FALSE((*device)->create_application("HRSS", "88888888", "12345678", 3).ok());
  EXPECT_FALSE((*device)->authenticate(to_bytes("8765432187654321")).ok());
  ASSERT_TRUE((*device)->authenticate(kFactoryAuthKey).ok());
  ASSERT_TRUE((*device)->create_application("HRSS", "88888888", "12345678", 3).ok());
  auto apps = (*device)->applications();
  ASSERT_TRUE(apps.ok());
  EXPECT_EQ(*apps, std::vector<std::string>{"HRSS"});
  auto app = (*device)->open_application();
  ASSERT_TRUE(app.ok());
  EXPECT_EQ((*app)->name(), "HRSS");

  auto absent = (*device)->open_application("OTHER");
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(absent.error().message.find("SAR_APPLICATION_NOT_EXISTS"), std::string::npos);
}

TEST(Skf, WrongPinsCountDownToALockThatTheAdminPinLifts) {
  SoftKeys keys;
  auto skf = library();
  auto app = provisioned(*skf);
  auto info = app->pin_info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->max_retries, 3u);
  EXPECT_EQ(info->retries_left, 3u);
  EXPECT_TRUE(info->default_pin);

  for (unsigned left : {2u, 1u}) {
    auto wrong = app->verify_pin("00000000");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, kDevicePinIncorrect);
    EXPECT_NE(wrong.error().message.find(std::to_string(left) + (left == 1 ? " try" : " tries") +
                                         " left"),
              std::string::npos)
        << wrong.error().message;
  }
  auto last = app->verify_pin("00000000");
  ASSERT_FALSE(last.ok());
  auto locked = app->verify_pin("12345678");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, kDevicePinLocked);
  EXPECT_EQ(app->pin_info()->retries_left, 0u);

  // The count is the key's, not this process's: a new connection sees it locked.
  app.reset();
  auto again = (*skf->connect("key1"))->open_application("HRSS");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->verify_pin("12345678").error().code, kDevicePinLocked);

  ASSERT_TRUE((*again)->unblock_pin("88888888", "24681357").ok());
  EXPECT_TRUE((*again)->verify_pin("24681357").ok());
  ASSERT_TRUE((*again)->change_pin("24681357", "11223344").ok());
  EXPECT_FALSE((*again)->pin_info()->default_pin);
  EXPECT_TRUE((*again)->verify_pin("11223344").ok());
}

TEST(Skf, FilesAreWrittenReadReplacedAndDeleted) {
  SoftKeys keys;
  auto skf = library();
  auto app = provisioned(*skf);
  Bytes seal(40000);
  for (std::size_t i = 0; i < seal.size(); ++i) seal[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_TRUE(app->write_file("HRSS_ESEAL", seal).ok());
  ASSERT_TRUE(app->write_file("GA_ENCFILE", to_bytes("police file")).ok());
  auto names = app->files();
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), 2u);
  auto read = app->read_file("HRSS_ESEAL");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, seal);
  auto info = app->file_info("HRSS_ESEAL");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, seal.size());
  EXPECT_EQ(info->read, SkfRights::kAnyone);
  EXPECT_EQ(info->write, SkfRights::kUser);

  ASSERT_TRUE(app->write_file("GA_ENCFILE", to_bytes("a newer police file")).ok());
  EXPECT_EQ(*app->read_file("GA_ENCFILE"), to_bytes("a newer police file"));
  ASSERT_TRUE(app->delete_file("GA_ENCFILE").ok());
  auto gone = app->read_file("GA_ENCFILE");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
}

// A key made inside the USB key, certified, signs; the signature verifies here and in OpenSSL.
TEST(Skf, AContainersKeySignsForItsCertificate) {
  SoftKeys keys;
  auto skf = library();
  auto app = provisioned(*skf);
  ASSERT_TRUE(app->create_container("SIGN").ok());
  auto key = app->generate_key("SIGN");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(app->public_key("SIGN")->point(), key->point());

  pki::test::Hierarchy ca;
  pki::CertificateRequest request{pki::CertificateProfile::kSeal,
                                  *pki::DistinguishedName::parse("C=CN,O=某某局,CN=钥匙公章"),
                                  *key,
                                  pki::test::kNow - std::chrono::hours(1),
                                  pki::test::kNow + std::chrono::days(365),
                                  {}};
  auto cert = pki::issue_certificate(request, ca.sub.cert, ca.sub.key);
  ASSERT_TRUE(cert.ok());
  ASSERT_TRUE(app->import_certificate("SIGN", *cert).ok());
  EXPECT_EQ(app->certificate("SIGN")->der(), cert->der());
  EXPECT_EQ(app->certificate("SIGN", false).error().kind, ErrorKind::kNotFound);

  auto signer = skf_signer(app, "SIGN", {ca.sub.cert});
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  EXPECT_EQ((*signer)->certificate().der(), cert->der());
  ASSERT_EQ((*signer)->chain().size(), 1u);

  Bytes message = to_bytes("TBS_Sign of a seal signature");
  auto e = app->signing_digest(*key, message);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, *crypto::sm2_signing_digest(*key, message));
  auto signature = (*signer)->sign(message);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  EXPECT_TRUE(crypto::sm2_verify(*key, message, *signature).ok());
  auto by_digest = (*signer)->sign_digest(*e);
  ASSERT_TRUE(by_digest.ok());
  EXPECT_TRUE(crypto::sm2_verify_digest(*key, *e, *by_digest).ok());

  test::TempDir dir;
  test::write_text(dir / "key.pem", key->pem());
  ASSERT_TRUE(write_file_atomic(dir / "message", message).ok());
  ASSERT_TRUE(write_file_atomic(dir / "sig.der", *signature).ok());
  auto verified = test::run_command(
      test::openssl_binary() + " pkeyutl -verify -pubin -inkey " + (dir / "key.pem").string() +
      " -rawin -digest sm3 -in " + (dir / "message").string() + " -sigfile " +
      (dir / "sig.der").string() + " -pkeyopt distid:1234567812345678");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;

  // Several threads sign through one application at once.
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        Bytes m = to_bytes("thread " + std::to_string(t) + " message " + std::to_string(i));
        auto s = (*signer)->sign(m);
        if (s && crypto::sm2_verify(*key, m, *s).ok()) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 20);
}

TEST(Skf, SigningNeedsTheUserPinAndTheRightCertificate) {
  SoftKeys keys;
  auto skf = library();
  auto app = provisioned(*skf);
  ASSERT_TRUE(app->create_container("SIGN").ok());
  ASSERT_TRUE(app->generate_key("SIGN").ok());
  auto other = issue(pki::CertificateProfile::kSeal, "C=CN,CN=别人", nullptr);
  ASSERT_TRUE(app->import_certificate("SIGN", other.cert).ok());
  auto mismatch = skf_signer(app, "SIGN");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, kKeyMismatch);

  // A fresh application handle is not logged in: the key refuses to sign.
  auto fresh = (*skf->connect("key1"))->open_application("HRSS");
  ASSERT_TRUE(fresh.ok());
  auto refused = (*fresh)->sign_digest("SIGN", Bytes(32, 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("SAR_USER_NOT_LOGGED_IN"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace eseal::keys
