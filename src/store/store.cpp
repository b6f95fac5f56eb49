// The records' rules (authcode hashing, seal status changes), the store's opening (migrations,
// the KEK check, key files moved into the keystore) and open_store, the embedded default.
#include "store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "store/database_key_files.h"
#include "store/migrations.h"
#include "store/pg_db.h"
#include "store/repository_support.h"
#include "store/sqlite_db.h"

namespace eseal::store {
namespace {

// Readers at once beside the one writer; SQLite in WAL mode lets them all read while it writes.
constexpr std::size_t kSqlitePoolSize = 4;
// PostgreSQL serves each connection with a process of its own; a node's workers share these.
constexpr std::size_t kPostgresqlPoolSize = 16;
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kAuthcodeBytes = 16;
constexpr std::size_t kHmacKeySize = 32;
constexpr std::size_t kSzAppKeyBytes = 16;
constexpr std::size_t kSzSm4KeySize = 16;
constexpr std::size_t kSzMacKeySize = 32;

constexpr std::array<std::pair<SealStatus, std::string_view>, 6> kStatusNames{{
    {SealStatus::kValid, "valid"},
    {SealStatus::kFrozen, "frozen"},
    {SealStatus::kLost, "lost"},
    {SealStatus::kRevoked, "revoked"},
    {SealStatus::kExpired, "expired"},
    {SealStatus::kUnfiled, "unfiled"},
}};

Bytes salted_sm3(ByteView salt, std::string_view authcode) {
  Bytes input(salt.begin(), salt.end());
  append(input, as_bytes(authcode));
  return crypto::sm3(input);
}

// Moves each key registered by path into the keystore, so the data folder holds every key it
// signs with. A file that is gone, or is not that key under this KEK, stays as it is.
Status import_key_files(Store& store, const keys::Kek& kek) {
  auto files = store.keys().list_files();
  if (!files) return files.error();
  if (files->empty()) return ok_status();
  keys::SoftKeystore keystore(store.key_files(), kek);
  for (const KeyRecord& old : *files) {
    auto pem = read_file(old.location);
    if (!pem) continue;
    auto key = keys::decrypt_private_key(*pem, kek);
    if (!key || crypto::to_hex(key->public_key().point()) != old.public_key) continue;
    auto reference = keystore.put(*key);
    if (!reference) return reference.error();
    Time now = now_utc();
    Status replaced = store.keys().replace(
        old.id, {*reference, "", old.public_key, now},
        {now, "store", "key.import", old.id, "imported into the keystore as " + *reference, ""});
    if (!replaced) {
      (void)keystore.remove(*reference);
      // kNotFound: another process imported it first.
      if (replaced.error().kind != ErrorKind::kNotFound) return replaced;
    }
  }
  return ok_status();
}

}  // namespace

Result<std::string> new_id() {
  auto raw = crypto::random_bytes(16);
  if (!raw) return raw.error();
  return crypto::to_hex(*raw);
}

Result<AppSecrets> AppSecrets::generate(bool coss, bool sz) {
  auto code = crypto::random_bytes(kAuthcodeBytes);
  if (!code) return code.error();
  auto key = crypto::random_secret(kHmacKeySize);
  if (!key) return key.error();
  AppSecrets out{crypto::to_hex(*code), std::move(*key)};
  if (coss) {
    auto secure = crypto::random_bytes(kAuthcodeBytes);
    if (!secure) return secure.error();
    out.secure_code = crypto::to_hex_upper(*secure);
  }
  if (sz) {
    auto app_key = crypto::random_bytes(kSzAppKeyBytes);
    if (!app_key) return app_key.error();
    auto sm4_key = crypto::random_secret(kSzSm4KeySize);
    if (!sm4_key) return sm4_key.error();
    auto mac_key = crypto::random_secret(kSzMacKeySize);
    if (!mac_key) return mac_key.error();
    out.sz_app_key = crypto::to_hex(*app_key);
    out.sz_sm4_key = std::move(*sm4_key);
    out.sz_mac_key = std::move(*mac_key);
  }
  return out;
}

Result<std::string> hash_authcode(std::string_view authcode) {
  auto salt = crypto::random_bytes(kSaltSize);
  if (!salt) return salt.error();
  return "sm3:" + crypto::to_hex(*salt) + ":" + crypto::to_hex(salted_sm3(*salt, authcode));
}

bool App::authcode_matches(std::string_view authcode) const {
  // "sm3:<salt hex>:<digest hex>"
  std::string_view stored = authcode_hash;
  if (!stored.starts_with("sm3:")) return false;
  stored.remove_prefix(4);
  auto colon = stored.find(':');
  if (colon == std::string_view::npos) return false;
  auto salt = crypto::from_hex(stored.substr(0, colon));
  auto digest = crypto::from_hex(stored.substr(colon + 1));
  if (!salt || !digest) return false;
  return crypto::equal_constant_time(salted_sm3(*salt, authcode), *digest);
}

CertificateRecord CertificateRecord::from(const pki::Certificate& cert) {
  return {crypto::to_hex(cert.sm3_fingerprint()),
          cert.subject().to_string(),
          cert.issuer().to_string(),
          cert.serial_hex(),
          cert.not_before(),
          cert.not_after(),
          cert.pem()};
}

std::string_view status_name(SealStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

Result<SealStatus> parse_seal_status(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return Error::invalid_input("unknown seal status \"" + std::string(name) +
                              "\" (valid, frozen, lost, revoked, expired, unfiled)");
}

bool status_change_allowed(SealStatus from, SealStatus to) {
  using enum SealStatus;
  if (from == to || from == kRevoked) return false;
  if (to == kRevoked) return true;
  switch (from) {
    case kValid:
      return to == kFrozen || to == kLost || to == kExpired;
    case kFrozen:
      return to == kValid || to == kLost || to == kExpired;
    case kUnfiled:
      return to == kValid;
    default:
      return false;
  }
}

SealStatus SealRecord::effective_status(Time now) const {
  bool live = status == SealStatus::kValid || status == SealStatus::kFrozen;
  return live && now > valid_end ? SealStatus::kExpired : status;
}

Result<const SecretBox*> Context::secrets() const {
  if (!box) {
    return Error::invalid_input("app secrets need the key-encryption key, and the store has none");
  }
  return box;
}

Store::Store(std::unique_ptr<sql::Database> db, std::unique_ptr<BlobStore> blobs,
             std::shared_ptr<keys::KeyFiles> key_files, std::optional<keys::Kek> kek)
    : db_(std::move(db)),
      blobs_(blobs ? std::move(blobs) : open_database_blobs(*db_)),
      key_files_(key_files ? std::move(key_files) : open_database_key_files(*db_)),
      context_{*db_, *blobs_, nullptr} {
  if (kek) {
    box_.emplace(*kek);
    kek_check_ = kek_check_value(*kek);
    context_.box = &*box_;
  }
}

Result<std::unique_ptr<Store>> Store::open(std::unique_ptr<sql::Database> db,
                                           std::unique_ptr<BlobStore> blobs,
                                           std::shared_ptr<keys::KeyFiles> key_files,
                                           std::optional<keys::Kek> kek) {
  std::unique_ptr<Store> store(
      new Store(std::move(db), std::move(blobs), std::move(key_files), std::move(kek)));
  Status migrated = store->migrate();
  if (!migrated) return migrated.error().with_context(store->db_->description());
  return store;
}

Status Store::migrate() {
  Status created = db_->write([](sql::Session& s) { return s.run(kCreateSchemaMigrations); });
  if (!created) return created;
  auto applied = db_->read([](sql::Session& s) {
    return s.all<std::int64_t>("SELECT version FROM schema_migrations", first_integer);
  });
  if (!applied) return applied.error();
  for (std::int64_t version : *applied) {
    if (version > migrations().back().version) {
      return Error::invalid_input("the database has schema version " + std::to_string(version) +
                                  ", newer than this eseal knows (" +
                                  std::to_string(migrations().back().version) + ")");
    }
  }
  for (const Migration& m : migrations()) {
    if (std::find(applied->begin(), applied->end(), m.version) != applied->end()) continue;
    Status done = db_->write([&](sql::Session& s) -> Status {
      // Checked inside the transaction: another process may have just applied it.
      auto present = s.exists("SELECT 1 FROM schema_migrations WHERE version = ?", m.version);
      if (!present) return present.error();
      if (*present) return ok_status();
      Status ran = s.connection().script(m.sql);
      if (!ran) return ran.error().with_context("migration " + std::to_string(m.version));
      return s.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version,
                   epoch(now_utc()));
    });
    if (!done) return done;
  }
  return ok_status();
}

Result<std::string> Store::keyed_index(std::string_view context, ByteView value) const {
  auto box = context_.secrets();
  if (!box) return box.error();
  return crypto::to_hex((*box)->index(context, value));
}

Result<bool> Store::kek_belongs(Time now) {
  auto box = context_.secrets();
  if (!box) return box.error();
  // Whether the recorded check value is this KEK's; kNotFound when none is recorded.
  auto stored_check = [&](sql::Session& s) -> Result<bool> {
    auto stored = s.one<std::string>("SELECT value FROM kek_check WHERE id = 1", first_text,
                                     "no KEK check value");
    if (!stored) return stored.error();
    auto value = crypto::from_hex(*stored);
    return value && crypto::equal_constant_time(*value, *kek_check_);
  };
  auto stored = db_->read(stored_check);
  if (stored || stored.error().kind != ErrorKind::kNotFound) return stored;
  return db_->write([&](sql::Session& s) -> Result<bool> {
    // Checked again inside the transaction: another process may have just recorded one.
    auto recorded = stored_check(s);
    if (recorded || recorded.error().kind != ErrorKind::kNotFound) return recorded;
    struct Sealed {
      std::string id, value;
    };
    auto first_app = s.one<Sealed>(
        "SELECT id, hmac_key_sealed FROM apps ORDER BY created_at, id LIMIT 1",
        [](const sql::Row& r) -> Result<Sealed> {
          return Sealed{r.text(0), r.text(1)};
        },
        "");
    if (first_app) {
      auto raw = crypto::from_base64(first_app->value);
      if (!raw || !(*box)->open(app_hmac_context(first_app->id), *raw)) return false;
    } else if (first_app.error().kind != ErrorKind::kNotFound) {
      return first_app.error();
    }
    Status added = s.run("INSERT INTO kek_check (id, value, created_at) VALUES (1, ?, ?)",
                         crypto::to_hex(*kek_check_), epoch(now));
    if (!added) return added.error();
    return true;
  });
}

std::string_view column_name(DocumentFormat format) {
  return format == DocumentFormat::kOfd ? "ofd" : "pdf";
}

Result<std::unique_ptr<sql::Database>> open_database(const std::filesystem::path& data_dir,
                                                     const StoreOptions& options) {
  const std::string& url = options.url;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return sql::open_postgresql(url, options.pool ? options.pool : kPostgresqlPoolSize);
  }
  std::filesystem::path file = data_dir / "eseal.db";
  if (url.starts_with("sqlite:")) {
    file = url.substr(7);
  } else if (!url.empty()) {
    return Error::invalid_input("[store] url: \"" + sql::redacted_url(url) +
                                "\" is neither sqlite:<file> nor postgresql://…");
  }
  return sql::open_sqlite(file, options.pool ? options.pool : kSqlitePoolSize);
}

Result<std::unique_ptr<Store>> open_store(const std::filesystem::path& data_dir,
                                          std::optional<keys::Kek> kek,
                                          const StoreOptions& options) {
  std::error_code ec;
  if (std::filesystem::create_directories(data_dir, ec)) ::chmod(data_dir.c_str(), 0700);
  if (ec) return Error::io("cannot create data folder " + data_dir.string() + ": " + ec.message());
  std::unique_ptr<BlobStore> blobs;
  std::shared_ptr<keys::KeyFiles> key_files;
  if (options.blobs == StoreOptions::Blobs::kFolder) {
    auto folder = open_folder_blobs(data_dir / "blobs");
    if (!folder) return folder.error();
    blobs = std::move(*folder);
    auto keys_folder = keys::open_key_folder(data_dir / "keys");
    if (!keys_folder) return keys_folder.error();
    key_files = std::move(*keys_folder);
  }
  std::optional<keys::Kek> folder_kek = kek;
  auto db = open_database(data_dir, options);
  if (!db) return db.error();
  auto store = Store::open(std::move(*db), std::move(blobs), std::move(key_files), std::move(kek));
  if (!store || !folder_kek) return store;
  auto belongs = (*store)->kek_belongs(now_utc());
  if (!belongs) return belongs.error();
  if (!*belongs) {
    return Error::invalid_input(
        "the key-encryption key does not belong to data folder " + data_dir.string() +
        ": the folder's secrets are encrypted under another (its own is " +
        (data_dir / "kek").string() + ", unless it was set up with ESEAL_KEK)");
  }
  Status imported = import_key_files(**store, *folder_kek);
  if (!imported) return imported.error().with_context("importing key files into the keystore");
  return store;
}

}  // namespace eseal::store
