// Signers: a key held here signs for its certificate and nothing else, whether it comes from an
// encrypted key file or the soft keystore; a key that is not the certificate's is refused before
// anything is signed.
#include "keys/signer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file.h"
#include "keys/key_file.h"
#include "keys/key_pair_files.h"
#include "pki/test_ca.h"

namespace eseal::keys {
namespace {

using pki::test::issue;

Kek signer_kek(const char* text = "0123456789abcdef0123456789abcdef") {
  std::string_view s(text);
  return Kek(crypto::SecureBytes(s.begin(), s.end()));
}

class Folder {
 public:
  Folder()
      : path_(std::filesystem::temp_directory_path() /
              ("eseal-signer-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~Folder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void expect_signs_for(Signer& signer, const pki::Certificate& cert) {
  EXPECT_EQ(signer.certificate().der(), cert.der());
  Bytes message = to_bytes("what the signer signs");
  auto signature = signer.sign(message);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  EXPECT_TRUE(crypto::sm2_verify(*cert.public_key(), message, *signature).ok());
}

TEST(Signer, AKeySignerSignsForItsCertificateOnly) {
  auto mine = issue(pki::CertificateProfile::kSeal, "C=CN,CN=签章人", nullptr);
  auto other = issue(pki::CertificateProfile::kSeal, "C=CN,CN=别人", nullptr);
  auto signer = KeySigner::make(mine.key, mine.cert, {other.cert});
  ASSERT_TRUE(signer.ok());
  expect_signs_for(**signer, mine.cert);
  ASSERT_EQ((*signer)->chain().size(), 1u);
  EXPECT_EQ((*signer)->chain()[0].der(), other.cert.der());

  auto mismatch = KeySigner::make(other.key, mine.cert);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(mismatch.error().code, kKeyMismatch);
}

TEST(Signer, FromAnEncryptedKeyFile) {
  Folder folder;
  auto party = issue(pki::CertificateProfile::kSeal, "C=CN,CN=签章人", nullptr);
  auto pem = encrypt_private_key(party.key, signer_kek());
  ASSERT_TRUE(pem.ok());
  auto file = folder.path() / "signer.key";
  ASSERT_TRUE(write_file_atomic(file, to_bytes(*pem), 0600).ok());

  auto signer = key_file_signer(file, party.cert, signer_kek());
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  expect_signs_for(**signer, party.cert);

  auto wrong_kek = key_file_signer(file, party.cert, signer_kek("another kek of 32 characters.."));
  ASSERT_FALSE(wrong_kek.ok());
  EXPECT_EQ(wrong_kek.error().kind, ErrorKind::kInvalidInput);
  auto other = issue(pki::CertificateProfile::kSeal, "C=CN,CN=别人", nullptr);
  auto wrong_cert = key_file_signer(file, other.cert, signer_kek());
  ASSERT_FALSE(wrong_cert.ok());
  EXPECT_EQ(wrong_cert.error().code, kKeyMismatch);
  EXPECT_FALSE(key_file_signer(folder.path() / "none.key", party.cert, signer_kek()).ok());
}

TEST(Signer, FromTheSoftKeystore) {
  Folder folder;
  auto party = issue(pki::CertificateProfile::kSeal, "C=CN,CN=签章人", nullptr);
  auto keystore = SoftKeystore::open(folder.path() / "keys", signer_kek());
  ASSERT_TRUE(keystore.ok());
  auto reference = keystore->put(party.key);
  ASSERT_TRUE(reference.ok());
  auto signer = keystore_signer(*keystore, *reference, party.cert);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  expect_signs_for(**signer, party.cert);

  auto unknown = keystore_signer(*keystore, "soft:" + std::string(32, '0'), party.cert);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace eseal::keys

namespace eseal::keys {
namespace {

TEST(KeyPairFiles, IssueSignAndImportWithoutHandingOutTheKey) {
  Folder folder;
  const auto& dir = folder.path();
  KeyPairFiles root{dir / "root.pem", dir / "root.key"};
  KeyPairRequest root_request{
      pki::CertificateProfile::kRootCa, *pki::DistinguishedName::parse("C=CN,CN=根"),
      pki::test::kNow - std::chrono::days(1), pki::test::kNow + std::chrono::days(365)};
  auto root_cert = issue_key_pair(root_request, std::nullopt, root, signer_kek());
  ASSERT_TRUE(root_cert.ok()) << root_cert.error().message;
  EXPECT_EQ(std::filesystem::status(root.key).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  KeyPairFiles leaf{dir / "leaf.pem", dir / "leaf.key"};
  KeyPairRequest leaf_request = root_request;
  leaf_request.profile = pki::CertificateProfile::kSeal;
  leaf_request.subject = *pki::DistinguishedName::parse("C=CN,CN=合同章");
  auto leaf_cert = issue_key_pair(leaf_request, root, leaf, signer_kek());
  ASSERT_TRUE(leaf_cert.ok()) << leaf_cert.error().message;
  EXPECT_EQ(leaf_cert->issuer(), root_cert->subject());

  Bytes data = to_bytes("data");
  auto signature = sign_with_key_file(leaf.key, data, crypto::kSm2DefaultUserId, signer_kek());
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(crypto::sm2_verify(*leaf_cert->public_key(), data, *signature).ok());

  auto keystore = SoftKeystore::open(dir / "keys", signer_kek());
  ASSERT_TRUE(keystore.ok());
  auto imported = import_key(*keystore, leaf.key, *leaf_cert, signer_kek());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_TRUE(keystore_signer(*keystore, *imported, *leaf_cert).ok());
  auto mismatch = import_key(*keystore, root.key, *leaf_cert, signer_kek());
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, kKeyMismatch);
}

}  // namespace
}  // namespace eseal::keys
