#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <thread>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "pki/test_ca.h"
#include "store/audit_chain.h"
#include "store/migrations.h"
#include "support/process.h"

namespace eseal::store {
namespace {

using eseal::test::TempDir;
using pki::test::kNow;

keys::Kek test_kek(const std::string& secret = "0123456789abcdef0123456789abcdef") {
  return *keys::load_or_create_kek(secret, {});
}

std::unique_ptr<Store> open_test_store(const std::filesystem::path& dir,
                                       std::optional<keys::Kek> kek = test_kek()) {
  auto store = open_store(dir, std::move(kek));
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return std::move(*store);
}

AuditEntry audit(const std::string& operation, const std::string& object) {
  return {kNow, "test", operation, object, "", ""};
}

App make_app(const std::string& syscode) {
  App app;
  app.id = *new_id();
  app.syscode = syscode;
  app.name = "业务系统 " + syscode;
  app.cert_pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
  app.scopes = {"applySeal", "positionSealSign"};
  app.created = app.rotated = kNow;
  return app;
}

// Runs one statement on the database file behind the store's back, as an attacker or an
// operator with the sqlite3 tool would.
void tamper(const std::filesystem::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "eseal.db").c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

std::int64_t count_rows(const std::filesystem::path& dir, const std::string& table) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((dir / "eseal.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string sql = "SELECT COUNT(*) FROM " + table;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  std::int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

struct StoredSeal {
  NewSeal record;
  Bytes bytes;
};

StoredSeal make_seal(Store& store, const std::string& id, const pki::Certificate& signer,
                     const std::string& app_id = "") {
  Bytes bytes = to_bytes("SES_Seal " + id);
  SealRecord seal;
  seal.id = id;
  seal.name = "某单位合同专用章";
  seal.type = 5;
  seal.app_id = app_id;
  seal.signer_dn = signer.subject().to_string();
  seal.seal_sm3 = *store.blobs().put(bytes);
  seal.cert_id = CertificateRecord::from(signer).id;
  seal.key_id = "soft:" + std::string(32, '0');
  seal.valid_start = kNow - std::chrono::hours(1);
  seal.valid_end = kNow + std::chrono::days(365);
  seal.created = seal.updated = kNow;
  KeyRecord key{seal.key_id, "", crypto::to_hex(signer.public_key()->point()), kNow};
  return {NewSeal{seal, CertificateRecord::from(signer), key}, bytes};
}

const pki::test::IssuedKey& signer() {
  static const auto root =
      pki::test::issue(pki::CertificateProfile::kRootCa, "C=CN,CN=测试根CA", nullptr,
                       kNow - std::chrono::days(30), kNow + std::chrono::days(3650));
  static const auto issued =
      pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,O=某单位,CN=合同章", &root);
  return issued;
}

TEST(Store, MigrationsAreAppliedOnceAndReopeningKeepsTheData) {
  TempDir dir;
  {
    auto store = open_test_store(dir.path());
    ASSERT_TRUE(
        store->add_app(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  }
  auto store = open_test_store(dir.path());
  EXPECT_TRUE(store->find_app("SYS1").ok());
  EXPECT_EQ(count_rows(dir.path(), "schema_migrations"),
            static_cast<std::int64_t>(migrations().size()));
  EXPECT_TRUE(store->verify_audit()->rows == 1);

  struct stat st {};
  ASSERT_EQ(::stat((dir / "eseal.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Store, RefusesADatabaseFromANewerVersion) {
  TempDir dir;
  open_test_store(dir.path());
  tamper(dir.path(), "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  auto reopened = open_store(dir.path(), test_kek());
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.error().message.find("newer"), std::string::npos);
}

TEST(Store, WalAndForeignKeysAreOn) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  // A nonce for an app that does not exist violates its foreign key.
  auto nonce = store->remember_nonce("no-such-app", "r1", kNow, kNow + std::chrono::seconds(300));
  ASSERT_FALSE(nonce.ok());
  EXPECT_EQ(nonce.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(std::filesystem::exists(dir / "eseal.db-wal"));
}

TEST(Store, OrganizationRoundTrips) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  Organization org{"org-1", "某某市测试单位", "91440300MA5XXXXX0Y", kNow};
  ASSERT_TRUE(store->add_organization(org, audit("org.add", org.id)).ok());
  auto found = store->find_organization("org-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, org.name);
  EXPECT_EQ(found->credit_code, org.credit_code);
  EXPECT_EQ(found->created, kNow);
  EXPECT_EQ(store->find_organization("org-2").error().kind, ErrorKind::kNotFound);
}

TEST(Store, AppRoundTripsWithItsSecretsKeptOutOfTheClear) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  Organization org{"org-1", "某某市测试单位", "", kNow};
  ASSERT_TRUE(store->add_organization(org, audit("org.add", org.id)).ok());
  App app = make_app("SYS1");
  app.org_id = org.id;
  AppSecrets secrets = *AppSecrets::generate();
  EXPECT_EQ(secrets.authcode.size(), 32u);
  EXPECT_EQ(secrets.hmac_key.size(), 32u);
  ASSERT_TRUE(store->add_app(app, secrets, audit("app.add", "SYS1")).ok());

  auto found = store->find_app("SYS1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, app.id);
  EXPECT_EQ(found->name, app.name);
  EXPECT_EQ(found->org_id, org.id);
  EXPECT_EQ(found->cert_pem, app.cert_pem);
  EXPECT_EQ(found->scopes, app.scopes);
  EXPECT_TRUE(found->enabled);
  EXPECT_EQ(found->created, kNow);
  auto key = store->app_hmac_key("SYS1");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, secrets.hmac_key);

  // Neither secret is in the database file in the clear.
  Bytes file = *read_file(dir / "eseal.db");
  std::string text = to_string(file) + to_string(*read_file(dir / "eseal.db-wal"));
  EXPECT_EQ(text.find(secrets.authcode), std::string::npos);
  EXPECT_EQ(text.find(crypto::to_base64(secrets.hmac_key)), std::string::npos);
  EXPECT_EQ(text.find(to_string(secrets.hmac_key)), std::string::npos);

  // The HMAC key needs the KEK it was sealed with.
  auto without = open_test_store(dir.path(), std::nullopt);
  EXPECT_EQ(without->app_hmac_key("SYS1").error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(without->find_app("SYS1").ok());
  EXPECT_EQ(store->app_hmac_key("SYS2").error().kind, ErrorKind::kNotFound);
}

// COSS credentials: the appId is the syscode; the secureCode is kept sealed, read back in the
// clear with the KEK, replaced on rotation, and absent for an app made without it.
TEST(Store, AnAppsCossSecureCodeIsSealedAndRotates) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  AppSecrets secrets = *AppSecrets::generate(true);
  EXPECT_EQ(secrets.secure_code.size(), 32u);
  ASSERT_TRUE(store->add_app(make_app("APP_COSS"), secrets, audit("app.add", "APP_COSS")).ok());
  ASSERT_TRUE(
      store->add_app(make_app("LDT_ONLY"), *AppSecrets::generate(), audit("app.add", "L")).ok());
  EXPECT_TRUE(store->find_app("APP_COSS")->coss);
  EXPECT_FALSE(store->find_app("LDT_ONLY")->coss);
  auto code = store->app_secure_code("APP_COSS");
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(to_string(*code), secrets.secure_code);
  EXPECT_EQ(store->app_secure_code("LDT_ONLY").error().kind, ErrorKind::kNotFound);
  std::string text =
      to_string(*read_file(dir / "eseal.db")) + to_string(*read_file(dir / "eseal.db-wal"));
  EXPECT_EQ(text.find(secrets.secure_code), std::string::npos);

  AppSecrets next = *AppSecrets::generate(true);
  ASSERT_TRUE(
      store->rotate_app_secrets("APP_COSS", next, kNow, audit("app.rotate", "APP_COSS")).ok());
  EXPECT_EQ(to_string(*store->app_secure_code("APP_COSS")), next.secure_code);
  auto without = open_test_store(dir.path(), std::nullopt);
  EXPECT_EQ(without->app_secure_code("APP_COSS").error().kind, ErrorKind::kInvalidInput);
}

// DB4403 credentials: the app is found by its appKey; the SM4 and MAC keys are kept sealed, read
// back in the clear with the KEK, and replaced with a new appKey on rotation.
TEST(Store, AnAppsDb4403KeysAreSealedFoundByAppKeyAndRotate) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  AppSecrets secrets = *AppSecrets::generate(false, true);
  EXPECT_EQ(secrets.sz_app_key.size(), 32u);
  EXPECT_EQ(secrets.sz_app_key, crypto::to_hex(*crypto::from_hex(secrets.sz_app_key)))
      << "lower-case hex";
  EXPECT_EQ(secrets.sz_sm4_key.size(), 16u);
  EXPECT_EQ(secrets.sz_mac_key.size(), 32u);
  EXPECT_TRUE(secrets.secure_code.empty());
  ASSERT_TRUE(store->add_app(make_app("SZ1"), secrets, audit("app.add", "SZ1")).ok());
  ASSERT_TRUE(
      store->add_app(make_app("LDT_ONLY"), *AppSecrets::generate(), audit("app.add", "L")).ok());

  EXPECT_EQ(store->find_app("SZ1")->sz_app_key, secrets.sz_app_key);
  EXPECT_FALSE(store->find_app("SZ1")->coss);
  EXPECT_EQ(store->find_app("LDT_ONLY")->sz_app_key, "");
  auto found = store->find_app_by_sz_key(secrets.sz_app_key);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->syscode, "SZ1");
  EXPECT_EQ(store->find_app_by_sz_key(std::string(32, '0')).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->find_app_by_sz_key("").error().kind, ErrorKind::kNotFound)
      << "apps without DB4403 credentials have no appKey";
  auto keys = store->app_sz_keys("SZ1");
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(keys->first, secrets.sz_sm4_key);
  EXPECT_EQ(keys->second, secrets.sz_mac_key);
  EXPECT_EQ(store->app_sz_keys("LDT_ONLY").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->app_sz_keys("NOPE").error().kind, ErrorKind::kNotFound);

  // Neither key is in the database file in the clear.
  std::string text =
      to_string(*read_file(dir / "eseal.db")) + to_string(*read_file(dir / "eseal.db-wal"));
  for (const auto* key : {&secrets.sz_sm4_key, &secrets.sz_mac_key}) {
    EXPECT_EQ(text.find(to_string(*key)), std::string::npos);
    EXPECT_EQ(text.find(crypto::to_hex(*key)), std::string::npos);
    EXPECT_EQ(text.find(crypto::to_base64(*key)), std::string::npos);
  }

  // Another app with the same appKey is refused, and nothing of it is stored.
  AppSecrets same = *AppSecrets::generate(false, true);
  same.sz_app_key = secrets.sz_app_key;
  EXPECT_EQ(store->add_app(make_app("SZ2"), same, audit("app.add", "SZ2")).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_EQ(store->find_app("SZ2").error().kind, ErrorKind::kNotFound);
  AppSecrets short_key = *AppSecrets::generate(false, true);
  short_key.sz_sm4_key.pop_back();
  EXPECT_EQ(store->add_app(make_app("SZ3"), short_key, audit("app.add", "SZ3")).error().kind,
            ErrorKind::kInvalidInput);

  // Rotation: a new appKey and new keys; the old appKey is no longer found.
  AppSecrets next = *AppSecrets::generate(false, true);
  ASSERT_TRUE(store->rotate_app_secrets("SZ1", next, kNow, audit("app.rotate", "SZ1")).ok());
  EXPECT_EQ(store->find_app_by_sz_key(secrets.sz_app_key).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->find_app_by_sz_key(next.sz_app_key)->syscode, "SZ1");
  EXPECT_EQ(store->app_sz_keys("SZ1")->first, next.sz_sm4_key);
  EXPECT_EQ(store->app_sz_keys("SZ1")->second, next.sz_mac_key);
  // Secrets without DB4403 ones leave the app's as they are.
  ASSERT_TRUE(
      store->rotate_app_secrets("SZ1", *AppSecrets::generate(), kNow, audit("app.rotate", "SZ1"))
          .ok());
  EXPECT_EQ(store->find_app("SZ1")->sz_app_key, next.sz_app_key);
  EXPECT_EQ(store->app_sz_keys("SZ1")->first, next.sz_sm4_key);

  // The keys need the KEK they were sealed with, and are bound to their app's row.
  auto without = open_test_store(dir.path(), std::nullopt);
  EXPECT_EQ(without->app_sz_keys("SZ1").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(without->find_app_by_sz_key(next.sz_app_key)->syscode, "SZ1");
  ASSERT_TRUE(store
                  ->rotate_app_secrets("LDT_ONLY", *AppSecrets::generate(false, true), kNow,
                                       audit("app.rotate", "LDT_ONLY"))
                  .ok());
  tamper(dir.path(),
         "UPDATE apps SET sz_keys_sealed = (SELECT sz_keys_sealed FROM apps WHERE syscode = 'SZ1') "
         "WHERE syscode = 'LDT_ONLY'");
  EXPECT_EQ(store->app_sz_keys("LDT_ONLY").error().kind, ErrorKind::kInvalidInput);
}

// A database from before migration 9 gains the DB4403 columns: its apps have none, and the
// partial index lets every one of them keep the empty appKey.
TEST(Store, Migration9AddsDb4403CredentialsToExistingApps) {
  TempDir dir;
  {
    auto store = open_test_store(dir.path());
    for (const char* syscode : {"OLD1", "OLD2"}) {
      ASSERT_TRUE(
          store->add_app(make_app(syscode), *AppSecrets::generate(), audit("app.add", syscode))
              .ok());
    }
  }
  tamper(
      dir.path(),
      "DROP INDEX apps_sz_app_key; ALTER TABLE apps DROP COLUMN sz_keys_sealed; "
      "ALTER TABLE apps DROP COLUMN sz_app_key; DELETE FROM schema_migrations WHERE version = 9");
  auto store = open_test_store(dir.path());
  EXPECT_EQ(count_rows(dir.path(), "schema_migrations WHERE version = 9"), 1);
  EXPECT_EQ(store->find_app("OLD1")->sz_app_key, "");
  EXPECT_EQ(store->app_sz_keys("OLD2").error().kind, ErrorKind::kNotFound);
  AppSecrets sz = *AppSecrets::generate(false, true);
  ASSERT_TRUE(store->rotate_app_secrets("OLD2", sz, kNow, audit("app.rotate", "OLD2")).ok());
  EXPECT_EQ(store->find_app_by_sz_key(sz.sz_app_key)->syscode, "OLD2");
  // The index itself refuses a second app with that appKey, whoever writes it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "eseal.db").c_str(), &db), SQLITE_OK);
  std::string sql = "UPDATE apps SET sz_app_key = '" + sz.sz_app_key + "' WHERE syscode = 'OLD1'";
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
  sqlite3_close(db);
}

TEST(Store, AKekThatIsNotTheFoldersIsRefusedAtOpen) {
  TempDir dir;
  open_test_store(dir.path());
  EXPECT_EQ(count_rows(dir.path(), "kek_check"), 1) << "recorded at the first open with a KEK";
  auto wrong = open_store(dir.path(), test_kek("another key-encryption key"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(wrong.error().message.find("the key-encryption key does not belong to data folder " +
                                       dir.path().string()),
            std::string::npos)
      << wrong.error().message;
  EXPECT_TRUE(open_store(dir.path(), test_kek()).ok());
  EXPECT_TRUE(open_store(dir.path(), std::nullopt).ok()) << "no KEK, nothing to check";

  // Moved elsewhere, the folder still opens with its own KEK.
  TempDir other;
  std::filesystem::copy(dir.path(), other / "moved", std::filesystem::copy_options::recursive);
  EXPECT_TRUE(open_store(other / "moved", test_kek()).ok());
  EXPECT_FALSE(open_store(other / "moved", test_kek("another key-encryption key")).ok());
}

TEST(Store, KeyFilesRegisteredByPathAreImportedIntoTheKeystoreAtOpen) {
  TempDir dir;
  TempDir elsewhere;
  auto key_file = elsewhere / "signer.key";
  ASSERT_TRUE(
      write_file_atomic(key_file, as_bytes(*keys::encrypt_private_key(signer().key, test_kek())))
          .ok());
  std::string public_key = crypto::to_hex(signer().cert.public_key()->point());
  {
    auto store = open_test_store(dir.path());
    for (const auto& [id, file] : {std::pair{"ES-1", key_file}, {"ES-2", elsewhere / "gone.key"}}) {
      StoredSeal s = make_seal(*store, id, signer().cert);
      s.record.seal.key_id = "file:" + file.string();
      s.record.key = KeyRecord{s.record.seal.key_id, file.string(), public_key, kNow};
      ASSERT_TRUE(store->add_seal(s.record, audit("seal.register", id)).ok());
    }
  }
  EXPECT_EQ(open_test_store(dir.path(), std::nullopt)->list_key_files()->size(), 2u)
      << "nothing is imported without the KEK";

  auto store = open_test_store(dir.path());
  std::string imported = store->find_seal("ES-1")->key_id;
  ASSERT_EQ(imported.rfind("soft:", 0), 0u) << imported;
  EXPECT_EQ(store->find_key(imported)->location, "");
  EXPECT_EQ(store->find_key(imported)->public_key, public_key);
  EXPECT_EQ(store->find_key("file:" + key_file.string()).error().kind, ErrorKind::kNotFound);
  auto keystore = keys::SoftKeystore::open(dir / "keys", test_kek());
  EXPECT_EQ(keystore->get(imported)->public_key(), signer().key.public_key());
  // A file that is gone stays referenced by its path.
  auto left = store->list_key_files();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().location, (elsewhere / "gone.key").string());
  EXPECT_EQ(store->find_seal("ES-2")->key_id, left->front().id);
  auto rows = store->list_audit(0, 10);
  EXPECT_EQ(rows->back().entry.operation, "key.import");
  EXPECT_TRUE(store->verify_audit()->first_broken == std::nullopt);
}

TEST(Store, AFolderFromBeforeTheCheckTakesItsKekOnlyIfItsAppsOpen) {
  TempDir dir;
  {
    auto store = open_test_store(dir.path());
    ASSERT_TRUE(
        store->add_app(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  }
  tamper(dir.path(), "DELETE FROM kek_check");
  auto wrong = open_store(dir.path(), test_kek("another key-encryption key"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("does not belong"), std::string::npos);
  EXPECT_EQ(count_rows(dir.path(), "kek_check"), 0) << "a wrong KEK is never recorded";
  auto right = open_store(dir.path(), test_kek());
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_TRUE((*right)->app_hmac_key("SYS1").ok());
  EXPECT_EQ(count_rows(dir.path(), "kek_check"), 1);
}

TEST(Store, AnHmacKeyCopiedToAnotherAppDoesNotOpen) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  ASSERT_TRUE(store->add_app(make_app("A"), *AppSecrets::generate(), audit("app.add", "A")).ok());
  ASSERT_TRUE(store->add_app(make_app("B"), *AppSecrets::generate(), audit("app.add", "B")).ok());
  tamper(dir.path(),
         "UPDATE apps SET hmac_key_sealed = (SELECT hmac_key_sealed FROM apps WHERE syscode = 'A') "
         "WHERE syscode = 'B'");
  EXPECT_TRUE(store->app_hmac_key("A").ok());
  EXPECT_EQ(store->app_hmac_key("B").error().kind, ErrorKind::kInvalidInput);
}

TEST(Store, SyscodesAreUnique) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  ASSERT_TRUE(
      store->add_app(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  Status again =
      store->add_app(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(again.error().message.find("already taken"), std::string::npos);
  EXPECT_EQ(store->list_apps()->size(), 1u);
  EXPECT_EQ(store->verify_audit()->rows, 1);
}

TEST(Store, AuthcodeIsCheckedAgainstASaltedHashAndRotates) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  AppSecrets first = *AppSecrets::generate();
  ASSERT_TRUE(store->add_app(make_app("SYS1"), first, audit("app.add", "SYS1")).ok());
  App app = *store->find_app("SYS1");
  EXPECT_TRUE(app.authcode_matches(first.authcode));
  EXPECT_FALSE(app.authcode_matches(first.authcode + "0"));
  EXPECT_FALSE(app.authcode_matches(""));
  EXPECT_EQ(app.authcode_hash.find(first.authcode), std::string::npos);
  // The same authcode hashes differently each time (a fresh salt).
  EXPECT_NE(*hash_authcode(first.authcode), *hash_authcode(first.authcode));

  AppSecrets second = *AppSecrets::generate();
  Time later = kNow + std::chrono::hours(1);
  ASSERT_TRUE(store->rotate_app_secrets("SYS1", second, later, audit("app.rotate", "SYS1")).ok());
  app = *store->find_app("SYS1");
  EXPECT_FALSE(app.authcode_matches(first.authcode));
  EXPECT_TRUE(app.authcode_matches(second.authcode));
  EXPECT_EQ(app.rotated, later);
  EXPECT_EQ(*store->app_hmac_key("SYS1"), second.hmac_key);
  EXPECT_EQ(
      store->rotate_app_secrets("NONE", second, later, audit("app.rotate", "NONE")).error().kind,
      ErrorKind::kNotFound);
}

TEST(Store, AppsAreDisabledAndEnabled) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  ASSERT_TRUE(
      store->add_app(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  ASSERT_TRUE(store->set_app_enabled("SYS1", false, audit("app.disable", "SYS1")).ok());
  EXPECT_FALSE(store->find_app("SYS1")->enabled);
  ASSERT_TRUE(store->set_app_enabled("SYS1", true, audit("app.enable", "SYS1")).ok());
  EXPECT_TRUE(store->find_app("SYS1")->enabled);
  EXPECT_EQ(store->set_app_enabled("NONE", false, audit("app.disable", "NONE")).error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(store->verify_audit()->rows, 3);
}

TEST(Store, CertificatesKeysSealsAndDocumentsRoundTrip) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  App app = make_app("SYS1");
  ASSERT_TRUE(store->add_app(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  const pki::Certificate& cert = signer().cert;
  StoredSeal s = make_seal(*store, "ES-1", cert, app.id);
  ASSERT_TRUE(store->add_seal(s.record, audit("seal.register", "ES-1")).ok());

  auto seal = store->find_seal("ES-1");
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->name, s.record.seal.name);
  EXPECT_EQ(seal->type, 5);
  EXPECT_EQ(seal->app_id, app.id);
  EXPECT_EQ(seal->signer_dn, "C=CN,O=某单位,CN=合同章");
  EXPECT_EQ(seal->valid_end, s.record.seal.valid_end);
  EXPECT_EQ(seal->status, SealStatus::kValid);
  EXPECT_EQ(seal->effective_status(kNow), SealStatus::kValid);
  EXPECT_EQ(*store->blobs().get(seal->seal_sm3), s.bytes);

  auto stored_cert = store->find_certificate(seal->cert_id);
  ASSERT_TRUE(stored_cert.ok());
  EXPECT_EQ(stored_cert->subject, cert.subject().to_string());
  EXPECT_EQ(stored_cert->serial, cert.serial_hex());
  EXPECT_EQ(stored_cert->not_after, cert.not_after());
  EXPECT_EQ(store->list_certificates()->size(), 1u);
  EXPECT_EQ(store->list_certificates()->front().id, seal->cert_id);
  EXPECT_EQ(pki::Certificate::from_pem(stored_cert->pem)->der(), cert.der());
  auto key = store->find_key(seal->key_id);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key, crypto::to_hex(cert.public_key()->point()));

  auto by_signer = store->find_seals_by_signer(cert.subject().to_string());
  ASSERT_TRUE(by_signer.ok());
  ASSERT_EQ(by_signer->size(), 1u);
  EXPECT_EQ(by_signer->front().id, "ES-1");
  EXPECT_TRUE(store->find_seals_by_signer("C=CN,CN=别人")->empty());
  EXPECT_EQ(store->find_seal("ES-2").error().kind, ErrorKind::kNotFound);
  // A second seal for the same signer shares the certificate and key rows.
  StoredSeal second = make_seal(*store, "ES-2", cert);
  ASSERT_TRUE(store->add_seal(second.record, audit("seal.register", "ES-2")).ok());
  EXPECT_EQ(store->find_seals_by_signer(cert.subject().to_string())->size(), 2u);
  EXPECT_EQ(store->list_seals()->size(), 2u);
  EXPECT_EQ(store->add_seal(s.record, audit("seal.register", "ES-1")).error().kind,
            ErrorKind::kInvalidInput);

  Bytes pdf = to_bytes("%PDF-1.7 test");
  DocumentRecord doc{
      "doc-1", app.id, "BIZ-1", *store->blobs().put(pdf), std::ssize(pdf), DocumentFormat::kOfd,
      kNow};
  ASSERT_TRUE(
      store->add_document(doc, {kNow, "app:SYS1", "positionSealSign", "doc-1", "", "BIZ-1"}).ok());
  auto found = store->find_document("doc-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->biznum, "BIZ-1");
  EXPECT_EQ(found->size, std::ssize(pdf));
  EXPECT_EQ(found->format, DocumentFormat::kOfd);
  EXPECT_EQ(*store->blobs().get(found->blob_sm3), pdf);
  EXPECT_EQ(store->find_documents_by_biznum(app.id, "BIZ-1")->size(), 1u);
  EXPECT_TRUE(store->find_documents_by_biznum(app.id, "BIZ-2")->empty());
  EXPECT_EQ(store->list_audit(0, 100)->back().entry.biznum, "BIZ-1");

  DocumentRecord later = doc;
  later.id = "doc-2";
  later.created = kNow + std::chrono::seconds(5);
  ASSERT_TRUE(store->add_document(later, audit("document.upload", "doc-2")).ok());
  auto listed = store->list_documents(0, 10);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().id, "doc-2");
  EXPECT_EQ(store->list_documents(1, 10)->front().id, "doc-1");
  EXPECT_EQ(store->list_documents(0, 1)->size(), 1u);

  // A verification code finds its document, and no two documents share one; the SHA-256 is
  // kept when given.
  DocumentRecord coded = doc;
  coded.id = "doc-3";
  coded.verification_code = "0123456789ABCDEF";
  coded.sha256 = std::string(64, 'a');
  ASSERT_TRUE(store->add_document(coded, audit("document.sign", "doc-3")).ok());
  auto by_code = store->find_document_by_code("0123456789ABCDEF");
  ASSERT_TRUE(by_code.ok());
  EXPECT_EQ(by_code->id, "doc-3");
  EXPECT_EQ(by_code->sha256, coded.sha256);
  EXPECT_EQ(store->find_document("doc-1")->sha256, "");
  EXPECT_EQ(store->find_document_by_code("0123456789ABCDEG").error().kind, ErrorKind::kNotFound);
  DocumentRecord twin = coded;
  twin.id = "doc-4";
  EXPECT_FALSE(store->add_document(twin, audit("document.sign", "doc-4")).ok());
  EXPECT_EQ(store->find_document("doc-4").error().kind, ErrorKind::kNotFound);
}

TEST(Store, AuditRowsAreFoundByActorObjectAndOperationPrefixEitherWay) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  for (const auto& [actor, operation, object] :
       std::vector<std::array<std::string, 3>>{{"console:a", "seal.status", "ES-1"},
                                               {"console:b", "seal.make", "ES-2"},
                                               {"app:X", "positionSealSign", "doc-1"},
                                               {"console:a", "seal_x", "ES-1"},
                                               {"console:a", "seal.status", "ES-1"}}) {
    ASSERT_TRUE(store->append_audit({kNow, actor, operation, object, "", ""}).ok());
  }
  auto ids = [&](const AuditQuery& q) {
    std::vector<std::int64_t> out;
    auto rows = store->find_audit(q);
    for (const auto& row : *rows) out.push_back(row.id);
    return out;
  };
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(ids({}), (V{1, 2, 3, 4, 5}));
  EXPECT_EQ(ids({.object = "ES-1"}), (V{1, 4, 5}));
  EXPECT_EQ(ids({.actor = "console:a", .operation = "seal."}), (V{1, 5}));  // not seal_x
  EXPECT_EQ(ids({.operation = "seal.make"}), (V{2}));
  EXPECT_EQ(ids({.operation = "seal"}), (V{}));
  EXPECT_EQ(ids({.limit = 2, .newest_first = true}), (V{5, 4}));
  EXPECT_EQ(ids({.before_id = 4, .limit = 2, .newest_first = true}), (V{3, 2}));
  EXPECT_EQ(ids({.after_id = 3}), (V{4, 5}));
}

TEST(Store, ConsoleAccountsRoundTripWithUniqueLoginsAndAuditedChanges) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  ConsoleAccount account{*new_id(), "zhang", "张三",       "operator", "$argon2id$v=19$x",
                         true,      0,       std::nullopt, kNow,       kNow};
  ASSERT_TRUE(store->add_console_account(account, audit("console.account.add", "zhang")).ok());
  ConsoleAccount twin = account;
  twin.id = *new_id();
  EXPECT_EQ(store->add_console_account(twin, audit("console.account.add", "zhang")).error().kind,
            ErrorKind::kInvalidInput);

  // A failure counted, then a change of role and state: the change leaves the count alone.
  ASSERT_TRUE(
      store->count_console_failure(account.id, 5, kNow, kNow, audit("console.failure", "zhang"))
          .ok());
  ASSERT_TRUE(store
                  ->change_console_account(account.id, {.role = "auditor", .enabled = false},
                                           kNow + std::chrono::seconds(1),
                                           audit("console.account.change", "zhang"))
                  .ok());
  auto found = store->find_console_account("zhang");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "张三");
  EXPECT_EQ(found->role, "auditor");
  EXPECT_FALSE(found->enabled);
  EXPECT_EQ(found->failures, 1);
  EXPECT_EQ(found->password_hash, "$argon2id$v=19$x");
  EXPECT_EQ(found->updated, kNow + std::chrono::seconds(1));
  // A new password ends the count.
  ASSERT_TRUE(store
                  ->change_console_account(account.id, {.password_hash = "$argon2id$v=19$y"}, kNow,
                                           audit("console.account.change", "zhang"))
                  .ok());
  found = store->find_console_account("zhang");
  EXPECT_EQ(found->password_hash, "$argon2id$v=19$y");
  EXPECT_EQ(found->failures, 0);
  EXPECT_FALSE(found->locked_until.has_value());
  EXPECT_EQ(store->list_console_accounts()->size(), 1u);
  EXPECT_EQ(store->find_console_account("li").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->change_console_account(twin.id, {.enabled = true}, kNow, audit("x", "li"))
                .error()
                .kind,
            ErrorKind::kNotFound);
  auto rows = store->list_audit(0, 10);
  ASSERT_EQ(rows->size(), 4u);  // the add, the failure and two changes; the refused left nothing
  EXPECT_EQ(rows->back().entry.operation, "console.account.change");
}

TEST(Store, NonceReplayIsRefusedUntilItExpires) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  App app = make_app("SYS1");
  ASSERT_TRUE(store->add_app(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  Time until = kNow + std::chrono::seconds(300);
  EXPECT_TRUE(*store->remember_nonce(app.id, "r1", kNow, until));
  EXPECT_FALSE(*store->remember_nonce(app.id, "r1", kNow + std::chrono::seconds(10), until));
  EXPECT_TRUE(*store->remember_nonce(app.id, "r2", kNow, until));
  // Kept through its last second, inclusive.
  EXPECT_FALSE(*store->remember_nonce(app.id, "r1", until, until));
  // Expired: accepted again, and the old row is gone.
  Time later = until + std::chrono::seconds(1);
  EXPECT_TRUE(*store->remember_nonce(app.id, "r1", later, later));
  EXPECT_EQ(count_rows(dir.path(), "nonces"), 1);
}

TEST(Store, ConcurrentNoncesHaveOneWinnerEach) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  App app = make_app("SYS1");
  ASSERT_TRUE(store->add_app(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  // Two threads on one store, and a second store on the same file (another process's view).
  auto other = open_test_store(dir.path());
  constexpr int kNonces = 200;
  std::atomic<int> wins{0}, errors{0};
  auto race = [&](Store* s) {
    for (int i = 0; i < kNonces; ++i) {
      auto won =
          s->remember_nonce(app.id, "r" + std::to_string(i), kNow, kNow + std::chrono::hours(1));
      if (!won) ++errors;
      if (won && *won) ++wins;
    }
  };
  std::thread a(race, store.get()), b(race, store.get()), c(race, other.get());
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(wins, kNonces);
}

TEST(Blobs, AreContentAddressedWrittenAtomicallyAndCheckedOnRead) {
  TempDir dir;
  auto blobs = BlobStore::open(dir / "blobs");
  ASSERT_TRUE(blobs.ok());
  Bytes content = to_bytes("a document");
  auto name = blobs->put(content);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, crypto::to_hex(crypto::sm3(content)));
  auto path = dir / "blobs" / name->substr(0, 2) / name->substr(2);
  EXPECT_EQ(*blobs->path_of(*name), path);
  EXPECT_EQ(*read_file(path), content);
  EXPECT_EQ(*blobs->put(content), *name);
  EXPECT_TRUE(*blobs->contains(*name));
  EXPECT_EQ(*blobs->get(*name), content);
  // Nothing but the blob itself is left in its folder.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
    ++files;
    EXPECT_EQ(entry.path(), path);
  }
  EXPECT_EQ(files, 1);

  std::string unknown(64, 'a');
  EXPECT_FALSE(*blobs->contains(unknown));
  EXPECT_EQ(blobs->get(unknown).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(blobs->get("../../etc/passwd").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(blobs->get(std::string(64, 'A')).error().kind, ErrorKind::kInvalidInput);

  // A damaged file is reported, and putting the content again repairs it.
  ASSERT_TRUE(write_file_atomic(path, to_bytes("a documenT"), 0600).ok());
  auto damaged = blobs->get(*name);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().kind, ErrorKind::kInternal);
  ASSERT_TRUE(write_file_atomic(path, to_bytes("short"), 0600).ok());
  ASSERT_TRUE(blobs->put(content).ok());
  EXPECT_EQ(*blobs->get(*name), content);
}

TEST(Audit, TheChainVerifiesAndATamperedRowIsNamed) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  for (int i = 1; i <= 5; ++i) {
    auto id = store->append_audit({kNow + std::chrono::seconds(i), "app:SYS1", "verifyFile",
                                   "doc-" + std::to_string(i), "ok", "BIZ"});
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(*id, i);
  }
  auto check = store->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 5);
  EXPECT_FALSE(check->first_broken);

  auto rows = *store->list_audit(0, 10);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].hash, chain_audit_hash("", 1, rows[0].entry));
  EXPECT_EQ(rows[1].hash, chain_audit_hash(rows[0].hash, 2, rows[1].entry));
  EXPECT_EQ(store->list_audit(3, 10)->front().id, 4);
  EXPECT_EQ(store->list_audit(0, 2)->size(), 2u);

  tamper(dir.path(), "UPDATE audit SET detail = 'forged' WHERE id = 3");
  check = store->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 5);
  EXPECT_EQ(check->first_broken, 3);
}

TEST(Audit, ARemovedRowBreaksTheChainAfterIt) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(store->append_audit(audit("op", "x")).ok());
  tamper(dir.path(), "DELETE FROM audit WHERE id = 2");
  EXPECT_EQ(store->verify_audit()->first_broken, 3);
}

TEST(Audit, CanonicalRowsAreLengthPrefixedFields) {
  AuditEntry e{Time{std::chrono::seconds{1700000000}}, "a", "op", "", "d", "b"};
  Bytes want{0,   0,   0,   1,   '7', 0, 0, 0, 10,  '1', '7', '0', '0', '0', '0',
             '0', '0', '0', '0', 0,   0, 0, 1, 'a', 0,   0,   0,   2,   'o', 'p',
             0,   0,   0,   0,   0,   0, 0, 1, 'd', 0,   0,   0,   1,   'b'};
  EXPECT_EQ(canonical_audit_row(7, e), want);
  // Moving a character between fields changes the bytes.
  AuditEntry moved = e;
  moved.actor = "ao";
  moved.operation = "p";
  EXPECT_NE(canonical_audit_row(7, moved), want);
}

TEST(Seals, StatusChangesFollowTheTable) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  StoredSeal s = make_seal(*store, "ES-1", signer().cert);
  ASSERT_TRUE(store->add_seal(s.record, audit("seal.register", "ES-1")).ok());
  auto set = [&](SealStatus to) {
    return store->set_seal_status("ES-1", to, kNow, audit("seal.status", "ES-1"));
  };
  EXPECT_TRUE(set(SealStatus::kFrozen).ok());
  EXPECT_EQ(store->find_seal("ES-1")->effective_status(kNow), SealStatus::kFrozen);
  EXPECT_FALSE(set(SealStatus::kFrozen).ok());
  EXPECT_TRUE(set(SealStatus::kValid).ok());
  EXPECT_TRUE(set(SealStatus::kLost).ok());
  Status back = set(SealStatus::kValid);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(back.error().message.find("is lost and cannot become valid"), std::string::npos);
  EXPECT_TRUE(set(SealStatus::kRevoked).ok());
  for (SealStatus to : {SealStatus::kValid, SealStatus::kFrozen, SealStatus::kLost,
                        SealStatus::kExpired, SealStatus::kRevoked}) {
    EXPECT_FALSE(set(to).ok()) << status_name(to);
  }
  EXPECT_EQ(store->find_seal("ES-1")->status, SealStatus::kRevoked);
  EXPECT_EQ(store->set_seal_status("ES-9", SealStatus::kFrozen, kNow, audit("seal.status", "ES-9"))
                .error()
                .kind,
            ErrorKind::kNotFound);
  // register + frozen, valid, lost, revoked: the refused changes left no rows.
  EXPECT_EQ(store->verify_audit()->rows, 5);

  EXPECT_EQ(*parse_seal_status("frozen"), SealStatus::kFrozen);
  EXPECT_FALSE(parse_seal_status("FROZEN").ok());
}

TEST(Seals, AValidOrFrozenSealPastItsEndIsExpired) {
  SealRecord seal;
  seal.valid_start = kNow;
  seal.valid_end = kNow + std::chrono::days(1);
  EXPECT_EQ(seal.effective_status(kNow), SealStatus::kValid);
  EXPECT_EQ(seal.effective_status(kNow + std::chrono::days(2)), SealStatus::kExpired);
  seal.status = SealStatus::kFrozen;
  EXPECT_EQ(seal.effective_status(kNow + std::chrono::days(2)), SealStatus::kExpired);
  seal.status = SealStatus::kRevoked;
  EXPECT_EQ(seal.effective_status(kNow + std::chrono::days(2)), SealStatus::kRevoked);
}

TEST(Store, AFailedChangeLeavesNoRowAndNoAuditEntry) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  // The seal refers to an app that does not exist: the foreign key fails at the last insert,
  // after its certificate and key rows went in.
  StoredSeal s = make_seal(*store, "ES-1", signer().cert, "no-such-app");
  Status added = store->add_seal(s.record, audit("seal.register", "ES-1"));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(count_rows(dir.path(), "seals"), 0);
  EXPECT_EQ(count_rows(dir.path(), "certificates"), 0);
  EXPECT_EQ(count_rows(dir.path(), "keys"), 0);
  EXPECT_EQ(count_rows(dir.path(), "audit"), 0);

  // A document whose blob was never stored is refused before anything is written.
  DocumentRecord doc{"doc-1", "", "BIZ", std::string(64, 'b'), 1, DocumentFormat::kPdf, kNow};
  EXPECT_EQ(store->add_document(doc, audit("document.add", "doc-1")).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_EQ(count_rows(dir.path(), "documents"), 0);
  EXPECT_EQ(count_rows(dir.path(), "audit"), 0);

  // An audit row that cannot be written undoes the change it records.
  ASSERT_TRUE(store->add_organization({"org-1", "A", "", kNow}, audit("org.add", "org-1")).ok());
  tamper(dir.path(),
         "CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN "
         "SELECT RAISE(ABORT, 'audit refused'); END");
  EXPECT_FALSE(store->add_organization({"org-2", "B", "", kNow}, audit("org.add", "org-2")).ok());
  EXPECT_FALSE(store->find_organization("org-2").ok());
  EXPECT_EQ(count_rows(dir.path(), "organizations"), 1);
}

}  // namespace
}  // namespace eseal::store
