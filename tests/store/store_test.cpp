#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <future>
#include <thread>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "pki/test_ca.h"
#include "store/audit_chain.h"
#include "store/migrations.h"
#include "store/store_transfer.h"
#include "support/process.h"
#include "support/test_database.h"

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

// Every test of this suite runs on SQLite and on PostgreSQL.
class StoreTest : public testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    db_ = test::TestDatabase::make(GetParam());
    if (!db_) GTEST_SKIP() << "no test PostgreSQL (ESEAL_TEST_POSTGRES)";
  }

  bool sqlite() const { return GetParam() == test::StoreBackend::kSqlite; }
  const std::filesystem::path& dir() const { return db_->dir(); }

  std::unique_ptr<Store> open(std::optional<keys::Kek> kek = test_kek()) {
    auto store = db_->open(std::move(kek));
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Runs statements behind the store's back, as an attacker or an operator with psql would.
  void tamper(const std::string& sql) { db_->exec(sql); }
  std::int64_t count_rows(const std::string& from) { return db_->count(from); }

  std::unique_ptr<test::TestDatabase> db_;
};

INSTANTIATE_TEST_SUITE_P(, StoreTest, testing::ValuesIn(test::store_backends()),
                         test::backend_name);

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

TEST_P(StoreTest, MigrationsAreAppliedOnceAndReopeningKeepsTheData) {
  {
    auto store = open();
    ASSERT_TRUE(store->apps()
                    .add(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1"))
                    .ok());
  }
  auto store = open();
  EXPECT_TRUE(store->apps().find("SYS1").ok());
  EXPECT_EQ(count_rows("schema_migrations"), static_cast<std::int64_t>(migrations().size()));
  EXPECT_TRUE(store->audit().verify()->rows == 1);

  if (sqlite()) {
    struct stat st {};
    ASSERT_EQ(::stat((dir() / "eseal.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST_P(StoreTest, RefusesADatabaseFromANewerVersion) {
  open();
  tamper("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  auto reopened = db_->open(test_kek());
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.error().message.find("newer"), std::string::npos);
}

TEST(Store, WalAndForeignKeysAreOn) {
  TempDir dir;
  auto store = open_test_store(dir.path());
  // A nonce for an app that does not exist violates its foreign key.
  auto nonce =
      store->nonces().remember("no-such-app", "r1", kNow, kNow + std::chrono::seconds(300));
  ASSERT_FALSE(nonce.ok());
  EXPECT_EQ(nonce.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(std::filesystem::exists(dir / "eseal.db-wal"));
}

TEST_P(StoreTest, OrganizationRoundTrips) {
  auto store = open();
  Organization org{"org-1", "某某市测试单位", "91440300MA5XXXXX0Y", kNow};
  ASSERT_TRUE(store->organizations().add(org, audit("org.add", org.id)).ok());
  auto found = store->organizations().find("org-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, org.name);
  EXPECT_EQ(found->credit_code, org.credit_code);
  EXPECT_EQ(found->created, kNow);
  EXPECT_EQ(store->organizations().find("org-2").error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, AppRoundTripsWithItsSecretsKeptOutOfTheClear) {
  auto store = open();
  Organization org{"org-1", "某某市测试单位", "", kNow};
  ASSERT_TRUE(store->organizations().add(org, audit("org.add", org.id)).ok());
  App app = make_app("SYS1");
  app.org_id = org.id;
  AppSecrets secrets = *AppSecrets::generate();
  EXPECT_EQ(secrets.authcode.size(), 32u);
  EXPECT_EQ(secrets.hmac_key.size(), 32u);
  ASSERT_TRUE(store->apps().add(app, secrets, audit("app.add", "SYS1")).ok());

  auto found = store->apps().find("SYS1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, app.id);
  EXPECT_EQ(found->name, app.name);
  EXPECT_EQ(found->org_id, org.id);
  EXPECT_EQ(found->cert_pem, app.cert_pem);
  EXPECT_EQ(found->scopes, app.scopes);
  EXPECT_TRUE(found->enabled);
  EXPECT_EQ(found->created, kNow);
  auto key = store->apps().hmac_key("SYS1");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, secrets.hmac_key);

  // Neither secret is in the database in the clear.
  std::string text = db_->stored_text("apps");
  EXPECT_NE(text.find(app.cert_pem.substr(0, 20)), std::string::npos) << "the row is there";
  EXPECT_EQ(text.find(secrets.authcode), std::string::npos);
  EXPECT_EQ(text.find(crypto::to_base64(secrets.hmac_key)), std::string::npos);
  EXPECT_EQ(text.find(to_string(secrets.hmac_key)), std::string::npos);

  // The HMAC key needs the KEK it was sealed with.
  auto without = open(std::nullopt);
  EXPECT_EQ(without->apps().hmac_key("SYS1").error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(without->apps().find("SYS1").ok());
  EXPECT_EQ(store->apps().hmac_key("SYS2").error().kind, ErrorKind::kNotFound);
}

// COSS credentials: the appId is the syscode; the secureCode is kept sealed, read back in the
// clear with the KEK, replaced on rotation, and absent for an app made without it.
TEST_P(StoreTest, AnAppsCossSecureCodeIsSealedAndRotates) {
  auto store = open();
  AppSecrets secrets = *AppSecrets::generate(true);
  EXPECT_EQ(secrets.secure_code.size(), 32u);
  ASSERT_TRUE(store->apps().add(make_app("APP_COSS"), secrets, audit("app.add", "APP_COSS")).ok());
  ASSERT_TRUE(
      store->apps().add(make_app("LDT_ONLY"), *AppSecrets::generate(), audit("app.add", "L")).ok());
  EXPECT_TRUE(store->apps().find("APP_COSS")->coss);
  EXPECT_FALSE(store->apps().find("LDT_ONLY")->coss);
  auto code = store->apps().secure_code("APP_COSS");
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(to_string(*code), secrets.secure_code);
  EXPECT_EQ(store->apps().secure_code("LDT_ONLY").error().kind, ErrorKind::kNotFound);
  std::string text = db_->stored_text("apps");
  EXPECT_EQ(text.find(secrets.secure_code), std::string::npos);

  AppSecrets next = *AppSecrets::generate(true);
  ASSERT_TRUE(
      store->apps().rotate_secrets("APP_COSS", next, kNow, audit("app.rotate", "APP_COSS")).ok());
  EXPECT_EQ(to_string(*store->apps().secure_code("APP_COSS")), next.secure_code);
  auto without = open(std::nullopt);
  EXPECT_EQ(without->apps().secure_code("APP_COSS").error().kind, ErrorKind::kInvalidInput);
}

// DB4403 credentials: the app is found by its appKey; the SM4 and MAC keys are kept sealed, read
// back in the clear with the KEK, and replaced with a new appKey on rotation.
TEST_P(StoreTest, AnAppsDb4403KeysAreSealedFoundByAppKeyAndRotate) {
  auto store = open();
  AppSecrets secrets = *AppSecrets::generate(false, true);
  EXPECT_EQ(secrets.sz_app_key.size(), 32u);
  EXPECT_EQ(secrets.sz_app_key, crypto::to_hex(*crypto::from_hex(secrets.sz_app_key)))
      << "lower-case hex";
  EXPECT_EQ(secrets.sz_sm4_key.size(), 16u);
  EXPECT_EQ(secrets.sz_mac_key.size(), 32u);
  EXPECT_TRUE(secrets.secure_code.empty());
  ASSERT_TRUE(store->apps().add(make_app("SZ1"), secrets, audit("app.add", "SZ1")).ok());
  ASSERT_TRUE(
      store->apps().add(make_app("LDT_ONLY"), *AppSecrets::generate(), audit("app.add", "L")).ok());

  EXPECT_EQ(store->apps().find("SZ1")->sz_app_key, secrets.sz_app_key);
  EXPECT_FALSE(store->apps().find("SZ1")->coss);
  EXPECT_EQ(store->apps().find("LDT_ONLY")->sz_app_key, "");
  auto found = store->apps().find_by_sz_key(secrets.sz_app_key);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->syscode, "SZ1");
  EXPECT_EQ(store->apps().find_by_sz_key(std::string(32, '0')).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->apps().find_by_sz_key("").error().kind, ErrorKind::kNotFound)
      << "apps without DB4403 credentials have no appKey";
  auto keys = store->apps().sz_keys("SZ1");
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(keys->first, secrets.sz_sm4_key);
  EXPECT_EQ(keys->second, secrets.sz_mac_key);
  EXPECT_EQ(store->apps().sz_keys("LDT_ONLY").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->apps().sz_keys("NOPE").error().kind, ErrorKind::kNotFound);

  // Neither key is in the database in the clear.
  std::string text = db_->stored_text("apps");
  for (const auto* key : {&secrets.sz_sm4_key, &secrets.sz_mac_key}) {
    EXPECT_EQ(text.find(to_string(*key)), std::string::npos);
    EXPECT_EQ(text.find(crypto::to_hex(*key)), std::string::npos);
    EXPECT_EQ(text.find(crypto::to_base64(*key)), std::string::npos);
  }

  // Another app with the same appKey is refused, and nothing of it is stored.
  AppSecrets same = *AppSecrets::generate(false, true);
  same.sz_app_key = secrets.sz_app_key;
  EXPECT_EQ(store->apps().add(make_app("SZ2"), same, audit("app.add", "SZ2")).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_EQ(store->apps().find("SZ2").error().kind, ErrorKind::kNotFound);
  AppSecrets short_key = *AppSecrets::generate(false, true);
  short_key.sz_sm4_key.pop_back();
  EXPECT_EQ(store->apps().add(make_app("SZ3"), short_key, audit("app.add", "SZ3")).error().kind,
            ErrorKind::kInvalidInput);

  // Rotation: a new appKey and new keys; the old appKey is no longer found.
  AppSecrets next = *AppSecrets::generate(false, true);
  ASSERT_TRUE(store->apps().rotate_secrets("SZ1", next, kNow, audit("app.rotate", "SZ1")).ok());
  EXPECT_EQ(store->apps().find_by_sz_key(secrets.sz_app_key).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->apps().find_by_sz_key(next.sz_app_key)->syscode, "SZ1");
  EXPECT_EQ(store->apps().sz_keys("SZ1")->first, next.sz_sm4_key);
  EXPECT_EQ(store->apps().sz_keys("SZ1")->second, next.sz_mac_key);
  // Secrets without DB4403 ones leave the app's as they are.
  ASSERT_TRUE(store->apps()
                  .rotate_secrets("SZ1", *AppSecrets::generate(), kNow, audit("app.rotate", "SZ1"))
                  .ok());
  EXPECT_EQ(store->apps().find("SZ1")->sz_app_key, next.sz_app_key);
  EXPECT_EQ(store->apps().sz_keys("SZ1")->first, next.sz_sm4_key);

  // The keys need the KEK they were sealed with, and are bound to their app's row.
  auto without = open(std::nullopt);
  EXPECT_EQ(without->apps().sz_keys("SZ1").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(without->apps().find_by_sz_key(next.sz_app_key)->syscode, "SZ1");
  ASSERT_TRUE(store->apps()
                  .rotate_secrets("LDT_ONLY", *AppSecrets::generate(false, true), kNow,
                                  audit("app.rotate", "LDT_ONLY"))
                  .ok());
  tamper(
      "UPDATE apps SET sz_keys_sealed = (SELECT sz_keys_sealed FROM apps WHERE syscode = 'SZ1') "
      "WHERE syscode = 'LDT_ONLY'");
  EXPECT_EQ(store->apps().sz_keys("LDT_ONLY").error().kind, ErrorKind::kInvalidInput);
}

// A database from before migration 9 gains the DB4403 columns: its apps have none, and the
// partial index lets every one of them keep the empty appKey.
TEST(Store, Migration9AddsDb4403CredentialsToExistingApps) {
  TempDir dir;
  {
    auto store = open_test_store(dir.path());
    for (const char* syscode : {"OLD1", "OLD2"}) {
      ASSERT_TRUE(store->apps()
                      .add(make_app(syscode), *AppSecrets::generate(), audit("app.add", syscode))
                      .ok());
    }
  }
  tamper(
      dir.path(),
      "DROP INDEX apps_sz_app_key; ALTER TABLE apps DROP COLUMN sz_keys_sealed; "
      "ALTER TABLE apps DROP COLUMN sz_app_key; DELETE FROM schema_migrations WHERE version = 9");
  auto store = open_test_store(dir.path());
  EXPECT_EQ(count_rows(dir.path(), "schema_migrations WHERE version = 9"), 1);
  EXPECT_EQ(store->apps().find("OLD1")->sz_app_key, "");
  EXPECT_EQ(store->apps().sz_keys("OLD2").error().kind, ErrorKind::kNotFound);
  AppSecrets sz = *AppSecrets::generate(false, true);
  ASSERT_TRUE(store->apps().rotate_secrets("OLD2", sz, kNow, audit("app.rotate", "OLD2")).ok());
  EXPECT_EQ(store->apps().find_by_sz_key(sz.sz_app_key)->syscode, "OLD2");
  // The index itself refuses a second app with that appKey, whoever writes it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "eseal.db").c_str(), &db), SQLITE_OK);
  std::string sql = "UPDATE apps SET sz_app_key = '" + sz.sz_app_key + "' WHERE syscode = 'OLD1'";
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
  sqlite3_close(db);
}

TEST_P(StoreTest, AKekThatIsNotTheFoldersIsRefusedAtOpen) {
  open();
  EXPECT_EQ(count_rows("kek_check"), 1) << "recorded at the first open with a KEK";
  auto wrong = db_->open(test_kek("another key-encryption key"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(wrong.error().message.find("the key-encryption key does not belong to data folder " +
                                       dir().string()),
            std::string::npos)
      << wrong.error().message;
  EXPECT_TRUE(db_->open(test_kek()).ok());
  EXPECT_TRUE(db_->open(std::nullopt).ok()) << "no KEK, nothing to check";

  // Moved elsewhere, the folder still opens with its own KEK.
  TempDir other;
  std::filesystem::copy(dir(), other / "moved", std::filesystem::copy_options::recursive);
  EXPECT_TRUE(open_store(other / "moved", test_kek()).ok());
  EXPECT_FALSE(open_store(other / "moved", test_kek("another key-encryption key")).ok());
}

TEST_P(StoreTest, KeyFilesRegisteredByPathAreImportedIntoTheKeystoreAtOpen) {
  TempDir elsewhere;
  auto key_file = elsewhere / "signer.key";
  ASSERT_TRUE(
      write_file_atomic(key_file, as_bytes(*keys::encrypt_private_key(signer().key, test_kek())))
          .ok());
  std::string public_key = crypto::to_hex(signer().cert.public_key()->point());
  {
    auto store = open();
    for (const auto& [id, file] : {std::pair{"ES-1", key_file}, {"ES-2", elsewhere / "gone.key"}}) {
      StoredSeal s = make_seal(*store, id, signer().cert);
      s.record.seal.key_id = "file:" + file.string();
      s.record.key = KeyRecord{s.record.seal.key_id, file.string(), public_key, kNow};
      ASSERT_TRUE(store->seals().add(s.record, audit("seal.register", id)).ok());
    }
  }
  EXPECT_EQ(open(std::nullopt)->keys().list_files()->size(), 2u)
      << "nothing is imported without the KEK";

  auto store = open();
  std::string imported = store->seals().find("ES-1")->key_id;
  ASSERT_EQ(imported.rfind("soft:", 0), 0u) << imported;
  EXPECT_EQ(store->keys().find(imported)->location, "");
  EXPECT_EQ(store->keys().find(imported)->public_key, public_key);
  EXPECT_EQ(store->keys().find("file:" + key_file.string()).error().kind, ErrorKind::kNotFound);
  auto keystore = keys::SoftKeystore::open(dir() / "keys", test_kek());
  EXPECT_EQ(keystore->get(imported)->public_key(), signer().key.public_key());
  // A file that is gone stays referenced by its path.
  auto left = store->keys().list_files();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().location, (elsewhere / "gone.key").string());
  EXPECT_EQ(store->seals().find("ES-2")->key_id, left->front().id);
  auto rows = store->audit().list(0, 10);
  EXPECT_EQ(rows->back().entry.operation, "key.import");
  EXPECT_TRUE(store->audit().verify()->first_broken == std::nullopt);
}

TEST_P(StoreTest, AFolderFromBeforeTheCheckTakesItsKekOnlyIfItsAppsOpen) {
  {
    auto store = open();
    ASSERT_TRUE(store->apps()
                    .add(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1"))
                    .ok());
  }
  tamper("DELETE FROM kek_check");
  auto wrong = db_->open(test_kek("another key-encryption key"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("does not belong"), std::string::npos);
  EXPECT_EQ(count_rows("kek_check"), 0) << "a wrong KEK is never recorded";
  auto right = db_->open(test_kek());
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_TRUE((*right)->apps().hmac_key("SYS1").ok());
  EXPECT_EQ(count_rows("kek_check"), 1);
}

TEST_P(StoreTest, AnHmacKeyCopiedToAnotherAppDoesNotOpen) {
  auto store = open();
  ASSERT_TRUE(
      store->apps().add(make_app("A"), *AppSecrets::generate(), audit("app.add", "A")).ok());
  ASSERT_TRUE(
      store->apps().add(make_app("B"), *AppSecrets::generate(), audit("app.add", "B")).ok());
  tamper(
      "UPDATE apps SET hmac_key_sealed = (SELECT hmac_key_sealed FROM apps WHERE syscode = 'A') "
      "WHERE syscode = 'B'");
  EXPECT_TRUE(store->apps().hmac_key("A").ok());
  EXPECT_EQ(store->apps().hmac_key("B").error().kind, ErrorKind::kInvalidInput);
}

TEST_P(StoreTest, SyscodesAreUnique) {
  auto store = open();
  ASSERT_TRUE(
      store->apps().add(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  Status again =
      store->apps().add(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(again.error().message.find("already taken"), std::string::npos);
  EXPECT_EQ(store->apps().list()->size(), 1u);
  EXPECT_EQ(store->audit().verify()->rows, 1);
}

TEST_P(StoreTest, AuthcodeIsCheckedAgainstASaltedHashAndRotates) {
  auto store = open();
  AppSecrets first = *AppSecrets::generate();
  ASSERT_TRUE(store->apps().add(make_app("SYS1"), first, audit("app.add", "SYS1")).ok());
  App app = *store->apps().find("SYS1");
  EXPECT_TRUE(app.authcode_matches(first.authcode));
  EXPECT_FALSE(app.authcode_matches(first.authcode + "0"));
  EXPECT_FALSE(app.authcode_matches(""));
  EXPECT_EQ(app.authcode_hash.find(first.authcode), std::string::npos);
  // The same authcode hashes differently each time (a fresh salt).
  EXPECT_NE(*hash_authcode(first.authcode), *hash_authcode(first.authcode));

  AppSecrets second = *AppSecrets::generate();
  Time later = kNow + std::chrono::hours(1);
  ASSERT_TRUE(
      store->apps().rotate_secrets("SYS1", second, later, audit("app.rotate", "SYS1")).ok());
  app = *store->apps().find("SYS1");
  EXPECT_FALSE(app.authcode_matches(first.authcode));
  EXPECT_TRUE(app.authcode_matches(second.authcode));
  EXPECT_EQ(app.rotated, later);
  EXPECT_EQ(*store->apps().hmac_key("SYS1"), second.hmac_key);
  EXPECT_EQ(
      store->apps().rotate_secrets("NONE", second, later, audit("app.rotate", "NONE")).error().kind,
      ErrorKind::kNotFound);
}

TEST_P(StoreTest, AppsAreDisabledAndEnabled) {
  auto store = open();
  ASSERT_TRUE(
      store->apps().add(make_app("SYS1"), *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  ASSERT_TRUE(store->apps().set_enabled("SYS1", false, audit("app.disable", "SYS1")).ok());
  EXPECT_FALSE(store->apps().find("SYS1")->enabled);
  ASSERT_TRUE(store->apps().set_enabled("SYS1", true, audit("app.enable", "SYS1")).ok());
  EXPECT_TRUE(store->apps().find("SYS1")->enabled);
  EXPECT_EQ(store->apps().set_enabled("NONE", false, audit("app.disable", "NONE")).error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(store->audit().verify()->rows, 3);
}

TEST_P(StoreTest, CertificatesKeysSealsAndDocumentsRoundTrip) {
  auto store = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  const pki::Certificate& cert = signer().cert;
  StoredSeal s = make_seal(*store, "ES-1", cert, app.id);
  ASSERT_TRUE(store->seals().add(s.record, audit("seal.register", "ES-1")).ok());

  auto seal = store->seals().find("ES-1");
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->name, s.record.seal.name);
  EXPECT_EQ(seal->type, 5);
  EXPECT_EQ(seal->app_id, app.id);
  EXPECT_EQ(seal->signer_dn, "C=CN,O=某单位,CN=合同章");
  EXPECT_EQ(seal->valid_end, s.record.seal.valid_end);
  EXPECT_EQ(seal->status, SealStatus::kValid);
  EXPECT_EQ(seal->effective_status(kNow), SealStatus::kValid);
  EXPECT_EQ(*store->blobs().get(seal->seal_sm3), s.bytes);

  auto stored_cert = store->certificates().find(seal->cert_id);
  ASSERT_TRUE(stored_cert.ok());
  EXPECT_EQ(stored_cert->subject, cert.subject().to_string());
  EXPECT_EQ(stored_cert->serial, cert.serial_hex());
  EXPECT_EQ(stored_cert->not_after, cert.not_after());
  EXPECT_EQ(store->certificates().list()->size(), 1u);
  EXPECT_EQ(store->certificates().list()->front().id, seal->cert_id);
  EXPECT_EQ(pki::Certificate::from_pem(stored_cert->pem)->der(), cert.der());
  auto key = store->keys().find(seal->key_id);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key, crypto::to_hex(cert.public_key()->point()));

  auto by_signer = store->seals().find_by_signer(cert.subject().to_string());
  ASSERT_TRUE(by_signer.ok());
  ASSERT_EQ(by_signer->size(), 1u);
  EXPECT_EQ(by_signer->front().id, "ES-1");
  EXPECT_TRUE(store->seals().find_by_signer("C=CN,CN=别人")->empty());
  EXPECT_EQ(store->seals().find("ES-2").error().kind, ErrorKind::kNotFound);
  // A second seal for the same signer shares the certificate and key rows.
  StoredSeal second = make_seal(*store, "ES-2", cert);
  ASSERT_TRUE(store->seals().add(second.record, audit("seal.register", "ES-2")).ok());
  EXPECT_EQ(store->seals().find_by_signer(cert.subject().to_string())->size(), 2u);
  EXPECT_EQ(store->seals().list()->size(), 2u);
  EXPECT_EQ(store->seals().add(s.record, audit("seal.register", "ES-1")).error().kind,
            ErrorKind::kInvalidInput);

  Bytes pdf = to_bytes("%PDF-1.7 test");
  DocumentRecord doc{
      "doc-1", app.id, "BIZ-1", *store->blobs().put(pdf), std::ssize(pdf), DocumentFormat::kOfd,
      kNow};
  ASSERT_TRUE(store->documents()
                  .add(doc, {kNow, "app:SYS1", "positionSealSign", "doc-1", "", "BIZ-1"})
                  .ok());
  auto found = store->documents().find("doc-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->biznum, "BIZ-1");
  EXPECT_EQ(found->size, std::ssize(pdf));
  EXPECT_EQ(found->format, DocumentFormat::kOfd);
  EXPECT_EQ(*store->blobs().get(found->blob_sm3), pdf);
  EXPECT_EQ(store->documents().find_by_biznum(app.id, "BIZ-1")->size(), 1u);
  EXPECT_TRUE(store->documents().find_by_biznum(app.id, "BIZ-2")->empty());
  EXPECT_EQ(store->audit().list(0, 100)->back().entry.biznum, "BIZ-1");

  DocumentRecord later = doc;
  later.id = "doc-2";
  later.created = kNow + std::chrono::seconds(5);
  ASSERT_TRUE(store->documents().add(later, audit("document.upload", "doc-2")).ok());
  auto listed = store->documents().list(0, 10);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().id, "doc-2");
  EXPECT_EQ(store->documents().list(1, 10)->front().id, "doc-1");
  EXPECT_EQ(store->documents().list(0, 1)->size(), 1u);

  // A verification code finds its document, and no two documents share one; the SHA-256 is
  // kept when given.
  DocumentRecord coded = doc;
  coded.id = "doc-3";
  coded.verification_code = "0123456789ABCDEF";
  coded.sha256 = std::string(64, 'a');
  ASSERT_TRUE(store->documents().add(coded, audit("document.sign", "doc-3")).ok());
  auto by_code = store->documents().find_by_code("0123456789ABCDEF");
  ASSERT_TRUE(by_code.ok());
  EXPECT_EQ(by_code->id, "doc-3");
  EXPECT_EQ(by_code->sha256, coded.sha256);
  EXPECT_EQ(store->documents().find("doc-1")->sha256, "");
  EXPECT_EQ(store->documents().find_by_code("0123456789ABCDEG").error().kind, ErrorKind::kNotFound);
  DocumentRecord twin = coded;
  twin.id = "doc-4";
  EXPECT_FALSE(store->documents().add(twin, audit("document.sign", "doc-4")).ok());
  EXPECT_EQ(store->documents().find("doc-4").error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, AuditRowsAreFoundByActorObjectAndOperationPrefixEitherWay) {
  auto store = open();
  for (const auto& [actor, operation, object] :
       std::vector<std::array<std::string, 3>>{{"console:a", "seal.status", "ES-1"},
                                               {"console:b", "seal.make", "ES-2"},
                                               {"app:X", "positionSealSign", "doc-1"},
                                               {"console:a", "seal_x", "ES-1"},
                                               {"console:a", "seal.status", "ES-1"}}) {
    ASSERT_TRUE(store->audit().append({kNow, actor, operation, object, "", ""}).ok());
  }
  auto ids = [&](const AuditQuery& q) {
    std::vector<std::int64_t> out;
    auto rows = store->audit().query(q);
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

TEST_P(StoreTest, ConsoleAccountsRoundTripWithUniqueLoginsAndAuditedChanges) {
  auto store = open();
  ConsoleAccount account{*new_id(), "zhang", "张三",       "operator", "$argon2id$v=19$x",
                         true,      0,       std::nullopt, kNow,       kNow};
  ASSERT_TRUE(store->console_accounts().add(account, audit("console.account.add", "zhang")).ok());
  ConsoleAccount twin = account;
  twin.id = *new_id();
  EXPECT_EQ(store->console_accounts().add(twin, audit("console.account.add", "zhang")).error().kind,
            ErrorKind::kInvalidInput);

  // A failure counted, then a change of role and state: the change leaves the count alone.
  ASSERT_TRUE(store->console_accounts()
                  .count_failure(account.id, 5, kNow, kNow, audit("console.failure", "zhang"))
                  .ok());
  ASSERT_TRUE(store->console_accounts()
                  .change(account.id, {.role = "auditor", .enabled = false},
                          kNow + std::chrono::seconds(1), audit("console.account.change", "zhang"))
                  .ok());
  auto found = store->console_accounts().find("zhang");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "张三");
  EXPECT_EQ(found->role, "auditor");
  EXPECT_FALSE(found->enabled);
  EXPECT_EQ(found->failures, 1);
  EXPECT_EQ(found->password_hash, "$argon2id$v=19$x");
  EXPECT_EQ(found->updated, kNow + std::chrono::seconds(1));
  // A new password ends the count.
  ASSERT_TRUE(store->console_accounts()
                  .change(account.id, {.password_hash = "$argon2id$v=19$y"}, kNow,
                          audit("console.account.change", "zhang"))
                  .ok());
  found = store->console_accounts().find("zhang");
  EXPECT_EQ(found->password_hash, "$argon2id$v=19$y");
  EXPECT_EQ(found->failures, 0);
  EXPECT_FALSE(found->locked_until.has_value());
  EXPECT_EQ(store->console_accounts().list()->size(), 1u);
  EXPECT_EQ(store->console_accounts().find("li").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store->console_accounts()
                .change(twin.id, {.enabled = true}, kNow, audit("x", "li"))
                .error()
                .kind,
            ErrorKind::kNotFound);
  auto rows = store->audit().list(0, 10);
  ASSERT_EQ(rows->size(), 4u);  // the add, the failure and two changes; the refused left nothing
  EXPECT_EQ(rows->back().entry.operation, "console.account.change");
}

TEST_P(StoreTest, NonceReplayIsRefusedUntilItExpires) {
  auto store = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  Time until = kNow + std::chrono::seconds(300);
  EXPECT_TRUE(*store->nonces().remember(app.id, "r1", kNow, until));
  EXPECT_FALSE(*store->nonces().remember(app.id, "r1", kNow + std::chrono::seconds(10), until));
  EXPECT_TRUE(*store->nonces().remember(app.id, "r2", kNow, until));
  // Kept through its last second, inclusive.
  EXPECT_FALSE(*store->nonces().remember(app.id, "r1", until, until));
  // Expired: accepted again, and the old row is gone.
  Time later = until + std::chrono::seconds(1);
  EXPECT_TRUE(*store->nonces().remember(app.id, "r1", later, later));
  EXPECT_EQ(count_rows("nonces"), 1);
}

// seen reads what remember keeps: a random kept through its last second, another app's not.
TEST_P(StoreTest, ASeenRandomIsOneStillKept) {
  auto store = open();
  App app = make_app("SYS1"), other = make_app("SYS2");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  ASSERT_TRUE(store->apps().add(other, *AppSecrets::generate(), audit("app.add", "SYS2")).ok());
  Time until = kNow + std::chrono::seconds(300);
  EXPECT_FALSE(*store->nonces().seen(app.id, "r1", kNow));
  ASSERT_TRUE(*store->nonces().remember(app.id, "r1", kNow, until));
  EXPECT_TRUE(*store->nonces().seen(app.id, "r1", kNow));
  EXPECT_TRUE(*store->nonces().seen(app.id, "r1", until));
  EXPECT_FALSE(*store->nonces().seen(app.id, "r1", until + std::chrono::seconds(1)));
  EXPECT_FALSE(*store->nonces().seen(other.id, "r1", kNow));
}

// A random keeps what its door gave it of the request (its digest and answer) while it is kept;
// one remembered without them recalls empty ones, and a replay changes nothing kept.
TEST_P(StoreTest, ARandomKeepsItsRequestsDigestAndAnswer) {
  auto store = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  Time until = kNow + std::chrono::seconds(300);
  EXPECT_EQ(*store->nonces().recall(app.id, "r1", kNow), std::nullopt);
  std::string answer = std::string("{\"status\":200}") + '\0' + "\xff";
  ASSERT_TRUE(*store->nonces().remember_audited(app.id, "r1", kNow, until,
                                                audit("genGetLoginQRCode", "R1"), {"d1", answer}));
  EXPECT_FALSE(*store->nonces().remember(app.id, "r1", kNow, until, {"d2", "other"}));
  auto kept = store->nonces().recall(app.id, "r1", kNow);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->digest, "d1");
  EXPECT_EQ((*kept)->answer, answer);
  ASSERT_TRUE(*store->nonces().remember(app.id, "r2", kNow, until));
  kept = store->nonces().recall(app.id, "r2", kNow);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->digest, "");
  EXPECT_EQ((*kept)->answer, "");
  EXPECT_EQ(*store->nonces().recall(app.id, "r1", until + std::chrono::seconds(1)), std::nullopt);
}

// A read-only call records its random and its audit row in one transaction: a replay adds no
// row, and two nodes racing with one random leave one row between them.
TEST_P(StoreTest, ARandomAndItsAuditRowLandTogetherOrNotAtAll) {
  auto store = open();
  auto other = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  Time until = kNow + std::chrono::seconds(300);
  EXPECT_TRUE(
      *store->nonces().remember_audited(app.id, "r1", kNow, until, audit("getSealStatus", "B1")));
  EXPECT_FALSE(
      *other->nonces().remember_audited(app.id, "r1", kNow, until, audit("getSealStatus", "B1")));
  // A random remembered alone is a replay here too.
  EXPECT_TRUE(*store->nonces().remember(app.id, "r2", kNow, until));
  EXPECT_FALSE(
      *store->nonces().remember_audited(app.id, "r2", kNow, until, audit("getSealStatus", "B2")));
  std::atomic<int> wins{0};
  auto race = [&](Store* s) {
    auto won = s->nonces().remember_audited(app.id, "r3", kNow, until, audit("getSeal", "B3"));
    if (won && *won) ++wins;
  };
  std::thread a(race, store.get()), b(race, other.get());
  a.join();
  b.join();
  EXPECT_EQ(wins, 1);
  auto rows = store->audit().list(0, 10);
  ASSERT_EQ(rows->size(), 3u);  // the app, r1's call and r3's
  EXPECT_EQ((*rows)[1].entry.object, "B1");
  EXPECT_EQ((*rows)[2].entry.object, "B3");
  EXPECT_EQ(store->audit().verify()->first_broken, std::nullopt);
}

TEST_P(StoreTest, ConcurrentNoncesHaveOneWinnerEach) {
  auto store = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  // Two threads on one store, and a second store on the same file (another process's view).
  auto other = open();
  constexpr int kNonces = 200;
  std::atomic<int> wins{0}, errors{0};
  auto race = [&](Store* s) {
    for (int i = 0; i < kNonces; ++i) {
      auto won =
          s->nonces().remember(app.id, "r" + std::to_string(i), kNow, kNow + std::chrono::hours(1));
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

// Two stores on one database are two nodes: each appends from several threads at once, and the
// chain stays gapless and in order.
TEST_P(StoreTest, TwoNodesAppendingAtOnceKeepTheAuditChainWhole) {
  auto a = open();
  auto b = open();
  constexpr int kThreads = 3, kRows = 40;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (Store* node : {a.get(), b.get()}) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, node, t] {
        for (int i = 0; i < kRows; ++i) {
          if (!node->audit().append(
                  audit("test.append", std::to_string(t) + ":" + std::to_string(i))))
            ++errors;
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors, 0);
  auto check = a->audit().verify();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 2 * kThreads * kRows);
  EXPECT_FALSE(check->first_broken);
}

// A task two nodes try to claim at the same moment is claimed by exactly one of them.
TEST_P(StoreTest, ATaskIsClaimedByExactlyOneNode) {
  auto a = open();
  auto b = open();
  constexpr int kTasks = 30;
  for (int i = 0; i < kTasks; ++i) {
    TaskRecord task{"task-" + std::to_string(i),
                    "callback",
                    "",
                    "",
                    "",
                    "PENDING",
                    "{}",
                    "",
                    kNow,
                    kNow,
                    std::nullopt,
                    0,
                    std::nullopt};
    ASSERT_TRUE(a->tasks().add(task, audit("task.add", task.id)).ok());
  }
  std::atomic<int> claimed{0}, refused{0}, errors{0};
  auto claim = [&](Store* node, const std::string& name) {
    for (int i = 0; i < kTasks; ++i) {
      TaskChange change;
      change.from = {"PENDING"};
      change.to = "DELIVERING";
      change.count_attempt = true;
      auto done = node->tasks().change("task-" + std::to_string(i), change, kNow,
                                       audit("task.claim", name));
      if (done) {
        ++claimed;
      } else if (done.error().code == kTaskStateChanged) {
        ++refused;
      } else {
        ++errors;
      }
    }
  };
  std::thread x(claim, a.get(), "a"), y(claim, b.get(), "b"), z(claim, b.get(), "b2");
  x.join();
  y.join();
  z.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(claimed, kTasks);
  EXPECT_EQ(refused, 2 * kTasks);
  TaskQuery query;
  query.kind = "callback";
  auto tasks = a->tasks().query(query);
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ(tasks->size(), static_cast<std::size_t>(kTasks));
  for (const TaskRecord& t : *tasks) EXPECT_EQ(t.attempts, 1) << t.id;
}

// A time-stamp serial is issued once, whichever node drew it.
TEST_P(StoreTest, ATimeStampSerialIsTakenOnceAcrossNodes) {
  auto a = open();
  auto b = open();
  TimeStampRecord r{"0a1b2c",         kNow, "1.2.156.10197.1.401", std::string(64, '0'), "cli:test",
                    to_bytes("token")};
  ASSERT_TRUE(a->time_stamps().add(r, audit("tsa.issue", r.serial)).ok());
  Status again = b->time_stamps().add(r, audit("tsa.issue", r.serial));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(b->time_stamps().find("0a1b2c")->token, to_bytes("token"));
  EXPECT_EQ(b->audit().verify()->rows, 1) << "the refused one left no audit row";
}

// Group commit: writers that arrive while a transaction runs are committed together in the next
// one, and one that fails halfway is undone alone, its batch-mates kept.
TEST_P(StoreTest, WritersWaitingTogetherShareOneCommitAndAFailureIsUndoneAlone) {
  auto store = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(store->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  sql::Database& db = store->database();
  auto insert = [&](sql::Session& s, int i) {
    return s.run("INSERT INTO nonces (app_id, random, expires_at) VALUES (?, ?, ?)", app.id,
                 "n" + std::to_string(i), std::int64_t{4102444800});
  };
  auto before = db.write_counts();
  std::promise<void> entered, release;
  std::thread first([&] {
    Status s = db.write([&](sql::Session& session) -> Status {
      entered.set_value();
      release.get_future().wait();
      return insert(session, 0);
    });
    EXPECT_TRUE(s.ok());
  });
  entered.get_future().wait();
  constexpr int kWaiting = 6;
  std::vector<Status> results(kWaiting, ok_status());
  std::vector<std::thread> waiting;
  for (int i = 1; i <= kWaiting; ++i) {
    waiting.emplace_back([&, i] {
      results[i - 1] = db.write([&](sql::Session& session) -> Status {
        if (Status s = insert(session, i); !s) return s;
        if (i == 3) return Error::invalid_input("refused after its insert");
        return ok_status();
      });
    });
  }
  // Let them queue behind the running transaction.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  release.set_value();
  first.join();
  for (auto& t : waiting) t.join();
  for (int i = 1; i <= kWaiting; ++i) EXPECT_EQ(results[i - 1].ok(), i != 3) << i;
  EXPECT_EQ(count_rows("nonces"), kWaiting);
  EXPECT_EQ(count_rows("nonces WHERE random = 'n3'"), 0);
  auto after = db.write_counts();
  EXPECT_EQ(after.bodies - before.bodies, std::uint64_t{kWaiting});
  EXPECT_EQ(after.transactions - before.transactions, 2u) << "the six waiting writers in one";
}

// An idempotent retry's key: one document per (app, request key) whichever node records it; a
// key taken is refused without an audit row, and finds the document that took it.
TEST_P(StoreTest, ARequestKeyMakesOneDocumentPerAppAcrossNodes) {
  auto a = open();
  auto b = open();
  App app = make_app("SYS1");
  ASSERT_TRUE(a->apps().add(app, *AppSecrets::generate(), audit("app.add", "SYS1")).ok());
  App other = make_app("SYS2");
  ASSERT_TRUE(a->apps().add(other, *AppSecrets::generate(), audit("app.add", "SYS2")).ok());
  Bytes pdf = to_bytes("%PDF-1.7 retried");
  std::string key(64, '7');
  DocumentRecord first{
      "doc-1", app.id, "BIZ-R", *a->blobs().put(pdf), std::ssize(pdf), DocumentFormat::kPdf, kNow};
  first.request_key = key;
  EXPECT_FALSE(a->documents().find_by_request(app.id, key)->has_value());
  ASSERT_TRUE(a->documents().add(first, audit("sign", "doc-1")).ok());
  DocumentRecord retry = first;
  retry.id = "doc-2";
  Status again = b->documents().add(retry, audit("sign", "doc-2"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kInvalidInput);
  auto found = b->documents().find_by_request(app.id, key);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, "doc-1");
  EXPECT_EQ((*found)->request_key, key);
  // Another app's request with the same key is its own; documents without a key never collide.
  DocumentRecord others = retry;
  others.app_id = other.id;
  EXPECT_TRUE(b->documents().add(others, audit("sign", "doc-2")).ok());
  DocumentRecord plain{
      "doc-3", app.id, "BIZ-R", first.blob_sm3, std::ssize(pdf), DocumentFormat::kPdf, kNow};
  DocumentRecord plain_too = plain;
  plain_too.id = "doc-4";
  EXPECT_TRUE(a->documents().add(plain, audit("sign", "doc-3")).ok());
  EXPECT_TRUE(b->documents().add(plain_too, audit("sign", "doc-4")).ok());
  EXPECT_EQ(a->documents().find_by_biznum(app.id, "BIZ-R")->size(), 3u);
  EXPECT_EQ(a->audit().verify()->rows, 6) << "two apps and four documents; the refused none";
}

// Blobs kept in the database, for nodes without a shared folder: content-addressed, stored once,
// checked on read, and seen by every node.
TEST_P(StoreTest, BlobsInTheDatabaseAreSharedAndCheckedOnRead) {
  auto a = db_->open(test_kek(), StoreOptions::Blobs::kDatabase);
  auto b = db_->open(test_kek(), StoreOptions::Blobs::kDatabase);
  ASSERT_TRUE(a.ok() && b.ok());
  Bytes content(3 * 1024 * 1024);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 7);
  auto name = (*a)->blobs().put(content);
  ASSERT_TRUE(name.ok()) << name.error().message;
  EXPECT_EQ(*name, crypto::to_hex(crypto::sm3(content)));
  EXPECT_EQ(*(*a)->blobs().put(content), *name);
  EXPECT_EQ(count_rows("blobs"), 1);
  EXPECT_TRUE(*(*b)->blobs().contains(*name));
  EXPECT_EQ(*(*b)->blobs().get(*name), content);
  EXPECT_EQ(*(*b)->blobs().names(), std::vector<std::string>{*name});
  EXPECT_FALSE(std::filesystem::exists(dir() / "blobs" / name->substr(0, 2)));
  std::string unknown(64, 'a');
  EXPECT_FALSE(*(*b)->blobs().contains(unknown));
  EXPECT_EQ((*b)->blobs().get(unknown).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ((*b)->blobs().get("../x").error().kind, ErrorKind::kInvalidInput);
  tamper("UPDATE blobs SET size = size + 0, content = content || content");
  EXPECT_EQ((*b)->blobs().get(*name).error().kind, ErrorKind::kInternal);

  // The soft keystore goes with them: a key one node stores, another signs with.
  keys::SoftKeystore first((*a)->key_files(), test_kek());
  auto key = crypto::Sm2PrivateKey::generate();
  auto reference = first.put(*key);
  ASSERT_TRUE(reference.ok()) << reference.error().message;
  keys::SoftKeystore second((*b)->key_files(), test_kek());
  EXPECT_EQ(second.public_key(*reference)->point(), key->public_key().point());
  EXPECT_TRUE((*b)->key_files()->ready().ok());
  EXPECT_EQ(count_rows("key_files"), 1);
  std::string kept = db_->stored_text("key_files");
  EXPECT_NE(kept.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(kept.find("BEGIN PRIVATE KEY"), std::string::npos) << "encrypted under the KEK";
  EXPECT_TRUE(second.remove(*reference).ok());
  EXPECT_EQ(first.get(*reference).error().kind, ErrorKind::kNotFound);
}

TEST(Store, AnUnknownOrUnreachableDatabaseIsAClearErrorWithoutItsPassword) {
  TempDir dir;
  auto unknown = open_store(dir.path(), test_kek(), {"mysql://eseal@db/eseal"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(unknown.error().message.find("[store] url"), std::string::npos);
  auto unreachable =
      open_store(dir.path(), test_kek(), {"postgresql://eseal:s3cret@127.0.0.1:1/eseal"});
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().kind, ErrorKind::kIo);
  EXPECT_NE(unreachable.error().message.find("postgresql://eseal@127.0.0.1:1/eseal"),
            std::string::npos)
      << unreachable.error().message;
  EXPECT_EQ(unreachable.error().message.find("s3cret"), std::string::npos);
}

// tables() names every table of the schema, so that a move copies them all.
TEST_P(StoreTest, TheListOfTablesIsTheSchemasOwn) {
  auto store = open();
  for (std::string_view table : tables()) EXPECT_GE(count_rows(std::string(table)), 0) << table;
  EXPECT_EQ(
      count_rows(sqlite() ? "sqlite_master WHERE type = 'table'"
                          : "information_schema.tables WHERE table_schema = current_schema()"),
      static_cast<std::int64_t>(tables().size()) + 1)
      << "tables() and schema_migrations";
}

// A deployment moved from the embedded SQLite (blobs in its folder) to this backend (blobs in
// the database): every row and blob arrives unchanged, the chain verifies, and a target that
// already holds rows is refused.
TEST_P(StoreTest, AStoreMovesToAnotherDatabaseWithEveryRowAndBlob) {
  TempDir source_dir;
  auto source = open_store(source_dir.path(), test_kek());
  ASSERT_TRUE(source.ok());
  Store& from = **source;
  App app = make_app("SYS1");
  AppSecrets secrets = *AppSecrets::generate(true, true);
  ASSERT_TRUE(from.apps().add(app, secrets, audit("app.add", "SYS1")).ok());
  StoredSeal seal = make_seal(from, "ES-1", signer().cert, app.id);
  ASSERT_TRUE(from.seals().add(seal.record, audit("seal.register", "ES-1")).ok());
  ASSERT_TRUE(from.seals()
                  .set_status("ES-1", SealStatus::kFrozen, kNow, audit("seal.status", "ES-1"))
                  .ok());
  Bytes pdf(200000, 0x25);
  DocumentRecord doc{"doc-1",
                     app.id,
                     "BIZ-1",
                     *from.blobs().put(pdf),
                     200000,
                     DocumentFormat::kPdf,
                     kNow,
                     "CODE-1",
                     std::string(64, 'c')};
  ASSERT_TRUE(from.documents().add(doc, audit("document.add", "doc-1")).ok());
  ASSERT_TRUE(*from.nonces().remember(app.id, "r1", kNow, kNow + std::chrono::hours(1)));
  ASSERT_TRUE(from.tasks()
                  .add({"task-1", "callback", app.id, "", "", "PENDING", "{\"a\":1}", "", kNow,
                        kNow, kNow + std::chrono::hours(1), 0, std::nullopt},
                       audit("task.add", "task-1"))
                  .ok());

  auto key = crypto::Sm2PrivateKey::generate();
  auto reference = keys::SoftKeystore(from.key_files(), test_kek()).put(*key);
  ASSERT_TRUE(reference.ok());

  auto target = db_->open(std::nullopt, StoreOptions::Blobs::kDatabase);
  ASSERT_TRUE(target.ok());
  std::vector<std::string> progress;
  auto report =
      transfer(from, **target, [&](const std::string& what, std::int64_t done, std::int64_t total) {
        progress.push_back(what + " " + std::to_string(done) + "/" + std::to_string(total));
      });
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->audit.rows, 5);
  EXPECT_EQ(report->blobs, 2);
  EXPECT_FALSE(report->blobs_shared);
  EXPECT_EQ(report->key_files, 1);
  EXPECT_NE(std::find(progress.begin(), progress.end(), "table audit 5/5"), progress.end());

  // The moved store, opened with the KEK, reads everything back, secrets included.
  auto moved = db_->open(test_kek(), StoreOptions::Blobs::kDatabase);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  Store& to = **moved;
  EXPECT_EQ(to.apps().hmac_key("SYS1").value(), secrets.hmac_key);
  EXPECT_EQ(to.apps().find_by_sz_key(secrets.sz_app_key)->syscode, "SYS1");
  EXPECT_EQ(to.seals().find("ES-1")->status, SealStatus::kFrozen);
  EXPECT_EQ(*to.blobs().get(to.seals().find("ES-1")->seal_sm3), seal.bytes);
  EXPECT_EQ(*to.blobs().get(to.documents().find_by_code("CODE-1")->blob_sm3), pdf);
  EXPECT_FALSE(*to.nonces().remember(app.id, "r1", kNow, kNow + std::chrono::hours(1)));
  EXPECT_EQ(to.tasks().find("task-1")->payload, "{\"a\":1}");
  EXPECT_EQ(keys::SoftKeystore(to.key_files(), test_kek()).public_key(*reference)->point(),
            key->public_key().point());
  EXPECT_EQ(to.audit().verify()->rows, 5) << "the chain is the source's, row for row";

  auto again = transfer(from, to, {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(again.error().message.find("is not empty"), std::string::npos);
}

TEST(Blobs, AreContentAddressedWrittenAtomicallyAndCheckedOnRead) {
  TempDir dir;
  auto opened = open_folder_blobs(dir / "blobs");
  ASSERT_TRUE(opened.ok());
  auto& blobs = *opened;
  Bytes content = to_bytes("a document");
  auto name = blobs->put(content);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, crypto::to_hex(crypto::sm3(content)));
  auto path = dir / "blobs" / name->substr(0, 2) / name->substr(2);
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

  // A caller that hashed the first bytes already (a signing engine) gets the same name.
  crypto::Hasher first(crypto::HashAlgorithm::kSm3);
  first.update(ByteView(content).first(4));
  Bytes longer = to_bytes("a document, signed");
  auto named = blobs->put(longer, {std::make_shared<const crypto::Hasher>(std::move(first)), 4});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, crypto::to_hex(crypto::sm3(longer)));
  EXPECT_EQ(*blobs->get(*named), longer);

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

TEST_P(StoreTest, AuditTheChainVerifiesAndATamperedRowIsNamed) {
  auto store = open();
  for (int i = 1; i <= 5; ++i) {
    auto id = store->audit().append({kNow + std::chrono::seconds(i), "app:SYS1", "verifyFile",
                                     "doc-" + std::to_string(i), "ok", "BIZ"});
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(*id, i);
  }
  auto check = store->audit().verify();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 5);
  EXPECT_FALSE(check->first_broken);

  auto rows = *store->audit().list(0, 10);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].hash, chain_audit_hash("", 1, rows[0].entry));
  EXPECT_EQ(rows[1].hash, chain_audit_hash(rows[0].hash, 2, rows[1].entry));
  EXPECT_EQ(store->audit().list(3, 10)->front().id, 4);
  EXPECT_EQ(store->audit().list(0, 2)->size(), 2u);

  tamper("UPDATE audit SET detail = 'forged' WHERE id = 3");
  check = store->audit().verify();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 5);
  EXPECT_EQ(check->first_broken, 3);
}

TEST_P(StoreTest, AuditARemovedRowBreaksTheChainAfterIt) {
  auto store = open();
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(store->audit().append(audit("op", "x")).ok());
  tamper("DELETE FROM audit WHERE id = 2");
  EXPECT_EQ(store->audit().verify()->first_broken, 3);
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
  ASSERT_TRUE(store->seals().add(s.record, audit("seal.register", "ES-1")).ok());
  auto set = [&](SealStatus to) {
    return store->seals().set_status("ES-1", to, kNow, audit("seal.status", "ES-1"));
  };
  EXPECT_TRUE(set(SealStatus::kFrozen).ok());
  EXPECT_EQ(store->seals().find("ES-1")->effective_status(kNow), SealStatus::kFrozen);
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
  EXPECT_EQ(store->seals().find("ES-1")->status, SealStatus::kRevoked);
  EXPECT_EQ(store->seals()
                .set_status("ES-9", SealStatus::kFrozen, kNow, audit("seal.status", "ES-9"))
                .error()
                .kind,
            ErrorKind::kNotFound);
  // register + frozen, valid, lost, revoked: the refused changes left no rows.
  EXPECT_EQ(store->audit().verify()->rows, 5);

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

TEST_P(StoreTest, AFailedChangeLeavesNoRowAndNoAuditEntry) {
  auto store = open();
  // The seal refers to an app that does not exist: the foreign key fails at the last insert,
  // after its certificate and key rows went in.
  StoredSeal s = make_seal(*store, "ES-1", signer().cert, "no-such-app");
  Status added = store->seals().add(s.record, audit("seal.register", "ES-1"));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(count_rows("seals"), 0);
  EXPECT_EQ(count_rows("certificates"), 0);
  EXPECT_EQ(count_rows("keys"), 0);
  EXPECT_EQ(count_rows("audit"), 0);

  // A document whose blob was never stored is refused before anything is written.
  DocumentRecord doc{"doc-1", "", "BIZ", std::string(64, 'b'), 1, DocumentFormat::kPdf, kNow};
  EXPECT_EQ(store->documents().add(doc, audit("document.add", "doc-1")).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_EQ(count_rows("documents"), 0);
  EXPECT_EQ(count_rows("audit"), 0);

  // An audit row that cannot be written undoes the change it records.
  ASSERT_TRUE(store->organizations().add({"org-1", "A", "", kNow}, audit("org.add", "org-1")).ok());
  tamper(sqlite() ? "CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN "
                    "SELECT RAISE(ABORT, 'audit refused'); END"
                  : "ALTER TABLE audit ADD CONSTRAINT refuse CHECK (id < 0) NOT VALID");
  EXPECT_FALSE(
      store->organizations().add({"org-2", "B", "", kNow}, audit("org.add", "org-2")).ok());
  EXPECT_FALSE(store->organizations().find("org-2").ok());
  EXPECT_EQ(count_rows("organizations"), 1);
}

}  // namespace
}  // namespace eseal::store
