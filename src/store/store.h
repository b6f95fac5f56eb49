// The server's storage: organizations, apps and their credentials, certificates, keys, seals,
// documents, time stamps, replay nonces, COSS users and keys, tasks, console accounts and the
// hash-chained audit log, as repositories (repositories.h) over one database (SQLite by default,
// PostgreSQL for several nodes), plus content-addressed blobs.
//
// API summary, for the LD/T 01.4 server:
//   auto store = open_store(data_dir, kek);             // D/eseal.db, D/blobs/; migrates
//   store->apps().find(syscode)        -> App            // kNotFound when unknown
//     app.enabled, app.authcode_matches(authcode), app.scopes, app.cert_pem
//   store->apps().hmac_key(syscode)    -> SecureBytes    // needs the KEK
//   store->apps().find_by_sz_key(appKey) / sz_keys(syscode)  // DB4403: SM4 key, MAC key
//   store->nonces().remember(app.id, random, now, until)     // false: a replay
//   store->seals().find(es_id) / find_by_signer(dn)     // seal.effective_status(now)
//   store->blobs().get(seal.seal_sm3)                   // the SES_Seal bytes
//   store->blobs().put(bytes) + documents().add(record, audit)
//   store->audit().append(entry)                        // or pass an entry to a state change
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "keys/kek.h"
#include "keys/key_files.h"
#include "store/blob_store.h"
#include "store/records.h"
#include "store/repositories.h"
#include "store/secret_box.h"
#include "store/sql.h"

namespace eseal::store {

class Store {
 public:
  // Applies pending migrations to `db` (a database migrated by a newer eseal, an unknown
  // version, is refused) and keeps it with `blobs` and the soft keystore's `key_files` (null:
  // the database's blobs and key_files tables).
  static Result<std::unique_ptr<Store>> open(std::unique_ptr<sql::Database> db,
                                             std::unique_ptr<BlobStore> blobs,
                                             std::shared_ptr<keys::KeyFiles> key_files,
                                             std::optional<keys::Kek> kek);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const BlobStore& blobs() const { return *blobs_; }
  // Where the soft keystore keeps its keys: keys::SoftKeystore(store.key_files(), kek).
  const std::shared_ptr<keys::KeyFiles>& key_files() const { return key_files_; }
  sql::Database& database() { return *db_; }

  Organizations& organizations() { return organizations_; }
  Apps& apps() { return apps_; }
  Certificates& certificates() { return certificates_; }
  Keys& keys() { return keys_; }
  Seals& seals() { return seals_; }
  Documents& documents() { return documents_; }
  TimeStamps& time_stamps() { return time_stamps_; }
  Nonces& nonces() { return nonces_; }
  CossUsers& coss_users() { return coss_users_; }
  CossKeys& coss_keys() { return coss_keys_; }
  Tasks& tasks() { return tasks_; }
  ConsoleAccounts& console_accounts() { return console_accounts_; }
  AuditLog& audit() { return audit_; }

  // A keyed fingerprint of `value` (SecretBox::index under `context`) to find a record by a
  // secret it was made for, such as a short code, without storing the secret. Needs the KEK.
  Result<std::string> keyed_index(std::string_view context, ByteView value) const;

  // Whether the store's KEK is the data folder's: the check value kept in the database (see
  // secret_box.h) matches it. A folder without one yet (new, or older than the check) records
  // this KEK's, unless its first app's HMAC key does not open with it. Needs the KEK.
  Result<bool> kek_belongs(Time now);

 private:
  Store(std::unique_ptr<sql::Database> db, std::unique_ptr<BlobStore> blobs,
        std::shared_ptr<keys::KeyFiles> key_files, std::optional<keys::Kek> kek);
  Status migrate();

  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<BlobStore> blobs_;
  std::shared_ptr<keys::KeyFiles> key_files_;
  std::optional<SecretBox> box_;
  std::optional<Bytes> kek_check_;  // with the KEK
  Context context_;
  Organizations organizations_{context_};
  Apps apps_{context_};
  Certificates certificates_{context_};
  Keys keys_{context_};
  Seals seals_{context_};
  Documents documents_{context_};
  TimeStamps time_stamps_{context_};
  Nonces nonces_{context_};
  CossUsers coss_users_{context_};
  CossKeys coss_keys_{context_};
  Tasks tasks_{context_};
  ConsoleAccounts console_accounts_{context_};
  AuditLog audit_{context_};
};

// Where a store keeps its rows and blobs.
struct StoreOptions {
  // "" for data_dir/eseal.db (SQLite, the embedded default); "sqlite:<file>"; or a PostgreSQL
  // connection URI, "postgresql://user:password@host:port/database?…".
  std::string url = {};
  std::size_t pool = 0;  // connections; 0: 4 for SQLite, 16 for PostgreSQL
  // Blobs in data_dir/blobs and the soft keystore in data_dir/keys (kFolder), or both in the
  // database (kDatabase), for nodes that share no file system.
  enum class Blobs { kFolder, kDatabase } blobs = Blobs::kFolder;
};

// Opens (creating and migrating) the store of data folder `data_dir` with `options`: by default
// data_dir/eseal.db (SQLite) and data_dir/blobs/. Without a KEK, the app secrets cannot be written
// or read; everything else works. A KEK that does not belong to the folder (kek_belongs) is
// refused, kInvalidInput: "the key-encryption key does not belong to data folder D". With the KEK,
// key files registered by path (list_key_files) are imported into the folder's soft keystore,
// data_dir/keys, and the seals that use them switched to the imported key; a file that cannot be
// read or decrypted stays referenced by its path.
Result<std::unique_ptr<Store>> open_store(const std::filesystem::path& data_dir,
                                          std::optional<keys::Kek> kek,
                                          const StoreOptions& options = {});
// The store's database alone, migrated: what open_store opens for `options`, without blobs or
// keys (for moving a deployment, store_migration.h).
Result<std::unique_ptr<sql::Database>> open_database(const std::filesystem::path& data_dir,
                                                     const StoreOptions& options);

}  // namespace eseal::store
