#include <gtest/gtest.h>
#include <sys/stat.h>

#include <thread>

#include "base/file.h"
#include "keys/kek.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "support/process.h"

namespace eseal::keys {
namespace {

using eseal::test::openssl_binary;
using eseal::test::run_command;
using eseal::test::TempDir;

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

Kek test_kek() {
  return *load_or_create_kek(std::string("0123456789abcdef0123456789abcdef"), {});
}

TEST(Kek, CreatedOnFirstUseWithMode0600AndReusedAfter) {
  TempDir dir;
  auto path = dir / "var" / "kek";
  auto first = load_or_create_kek(std::nullopt, path);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(path.parent_path()), 0700u);
  EXPECT_EQ(first->size(), 64u);
  auto second = load_or_create_kek(std::nullopt, path);
  ASSERT_TRUE(second.ok());
  EXPECT_STREQ(first->c_str(), second->c_str());

  std::filesystem::permissions(dir.path(), std::filesystem::perms(0755));
  ASSERT_TRUE(load_or_create_kek(std::nullopt, dir / "another-kek").ok());
  EXPECT_EQ(mode_of(dir.path()), 0755u) << "an existing folder keeps its permissions";
}

TEST(Kek, MissingFileIsNotFoundUnlessCreationIsAsked) {
  TempDir dir;
  auto missing = load_or_create_kek(std::nullopt, dir / "kek", KekFile::kMustExist);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir / "kek"));
}

TEST(Kek, ConcurrentFirstUsesAgreeOnOneKek) {
  TempDir dir;
  std::vector<std::string> seen(6);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      auto kek = load_or_create_kek(std::nullopt, dir / "kek");
      if (kek) seen[i] = kek->c_str();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : seen) EXPECT_EQ(s, seen[0]);
  EXPECT_EQ(seen[0].size(), 64u);
}

TEST(Kek, EnvironmentWinsAndWeakOrExposedKeksAreRefused) {
  TempDir dir;
  auto from_env = load_or_create_kek(std::string("a-long-enough-passphrase"), dir / "kek");
  ASSERT_TRUE(from_env.ok());
  EXPECT_STREQ(from_env->c_str(), "a-long-enough-passphrase");
  EXPECT_FALSE(std::filesystem::exists(dir / "kek")) << "no file when the environment has the KEK";
  EXPECT_EQ(load_or_create_kek(std::string("short"), dir / "kek").error().kind,
            ErrorKind::kInvalidInput);
  ASSERT_TRUE(load_or_create_kek(std::nullopt, dir / "kek").ok());
  ::chmod((dir / "kek").c_str(), 0644);
  auto exposed = load_or_create_kek(std::nullopt, dir / "kek");
  EXPECT_FALSE(exposed.ok());
  EXPECT_NE(exposed.error().message.find("chmod 600"), std::string::npos);
}

TEST(KeyFile, RoundTripsAndRefusesTheWrongKek) {
  auto key = crypto::Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  auto pem = encrypt_private_key(*key, test_kek());
  ASSERT_TRUE(pem.ok());
  EXPECT_NE(pem->find("-----BEGIN ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  auto back = decrypt_private_key(as_bytes(*pem), test_kek());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->public_key(), key->public_key());
  auto wrong = decrypt_private_key(
      as_bytes(*pem), *load_or_create_kek(std::string("another-kek-entirely-000"), {}));
  EXPECT_EQ(wrong.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(wrong.error().message.find("key-encryption key"), std::string::npos);
  EXPECT_FALSE(decrypt_private_key(as_bytes("garbage"), test_kek()).ok());
}

TEST(KeyFile, AcceptsUnencryptedKeysFromOtherTools) {
  auto key = crypto::Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  TempDir dir;
  auto made =
      run_command(openssl_binary() + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " +
                  (dir / "plain.key").string());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto plain = decrypt_private_key(*read_file(dir / "plain.key"), test_kek());
  EXPECT_TRUE(plain.ok()) << plain.error().message;
}

// The at-rest format is standard PKCS#8 PBES2 with SM4-CBC: OpenSSL reads it with the KEK.
TEST(KeyFile, OpensslDecryptsItWithTheKek) {
  auto key = crypto::Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  TempDir dir;
  Kek kek = test_kek();
  eseal::test::write_text(dir / "p.key", *encrypt_private_key(*key, kek));
  eseal::test::write_text(dir / "kek", kek.c_str());
  auto structure = run_command(openssl_binary() + " asn1parse -in " + (dir / "p.key").string());
  EXPECT_NE(structure.output.find("PBES2"), std::string::npos) << structure.output;
  EXPECT_NE(structure.output.find("sm4-cbc"), std::string::npos) << structure.output;
  auto pub = run_command(openssl_binary() + " pkey -pubout -in " + (dir / "p.key").string() +
                         " -passin file:" + (dir / "kek").string());
  ASSERT_EQ(pub.exit_code, 0) << pub.output;
  EXPECT_EQ(pub.output, key->public_key().pem());
}

TEST(SoftKeystore, StoresKeysEncryptedUnderOpaqueReferences) {
  TempDir dir;
  auto store = SoftKeystore::open(dir / "keys", test_kek());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(mode_of(dir / "keys"), 0700u);
  auto ref = store->generate();
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->rfind("soft:", 0), 0u);
  auto other = store->generate();
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*ref, *other);

  auto file = dir / "keys" / (ref->substr(5) + ".key");
  EXPECT_EQ(mode_of(file), 0600u);
  std::string content = to_string(*read_file(file));
  EXPECT_NE(content.find("ENCRYPTED PRIVATE KEY"), std::string::npos);

  auto key = store->get(*ref);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*store->public_key(*ref), key->public_key());
  auto sig = crypto::sm2_sign(*key, as_bytes("data"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(crypto::sm2_verify(*store->public_key(*ref), as_bytes("data"), *sig).ok());

  auto reopened = SoftKeystore::open(dir / "keys", test_kek());
  EXPECT_EQ(reopened->get(*ref)->public_key(), key->public_key()) << "survives a restart";
  auto wrong_kek =
      SoftKeystore::open(dir / "keys", *load_or_create_kek(std::string("x-other-kek-1234567"), {}));
  EXPECT_FALSE(wrong_kek->get(*ref).ok());

  ASSERT_TRUE(store->remove(*ref).ok());
  EXPECT_EQ(store->get(*ref).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->remove(*ref).error().kind, ErrorKind::kNotFound);
  EXPECT_TRUE(store->get(*other).ok());
}

TEST(SoftKeystore, RejectsMalformedReferences) {
  TempDir dir;
  auto store = SoftKeystore::open(dir / "keys", test_kek());
  ASSERT_TRUE(store.ok());
  for (const char* bad :
       {"", "soft:", "soft:../../etc/passwd", "hsm:0123456789abcdef0123456789abcdef",
        "soft:0123456789ABCDEF0123456789ABCDEF"}) {
    EXPECT_EQ(store->get(bad).error().kind, ErrorKind::kInvalidInput) << bad;
  }
}

}  // namespace
}  // namespace eseal::keys
