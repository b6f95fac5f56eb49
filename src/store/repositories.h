// The store's repositories, one per kind of record, each written once over the database-neutral
// layer (sql.h) and so the same on SQLite and PostgreSQL. Store (store.h) holds one of each.
//
// Every method is safe to call from many threads at once. State-changing methods take the
// AuditEntry that records them and append it in the same transaction, so a change and its audit
// row land together or not at all. Errors: kNotFound (unknown id), kInvalidInput (a duplicate,
// a refused status change, malformed ids), kIo/kInternal (the database or the disk).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/secure_buffer.h"
#include "store/blob_store.h"
#include "store/records.h"
#include "store/secret_box.h"
#include "store/sql.h"

namespace eseal::store {

// Appends `entry` to the audit chain inside a write transaction: the next id after the last row,
// its hash chained to that row's. Returns the id.
Result<std::int64_t> append_audit_row(sql::Session& s, const AuditEntry& entry);

// What every repository works with: the database, the blobs, and the KEK's box (null without a
// KEK, when sealed secrets can be neither written nor read).
struct Context {
  sql::Database& db;
  const BlobStore& blobs;
  const SecretBox* box;

  // The box, or kInvalidInput naming what needed it.
  Result<const SecretBox*> secrets() const;

  // Runs `body` and appends `audit` in one write transaction; either both land or neither.
  template <typename Body>
  auto write(const AuditEntry& audit, Body body) -> decltype(body(std::declval<sql::Session&>())) {
    return db.write([&](sql::Session& s) -> decltype(body(s)) {
      auto done = body(s);
      if (!done) return done;
      auto row = append_audit_row(s, audit);
      if (!row) return row.error();
      return done;
    });
  }
};

class Organizations {
 public:
  explicit Organizations(Context& c) : c_(c) {}
  Status add(const Organization& org, const AuditEntry& audit);
  Result<Organization> find(const std::string& id);
  // By name.
  Result<std::vector<Organization>> list();

 private:
  Context& c_;
};

class Apps {
 public:
  explicit Apps(Context& c) : c_(c) {}
  // Adds `app` with `secrets`: app.authcode_hash is computed from secrets.authcode, and the app
  // has the families whose secrets are given (app.coss and app.sz_app_key are not read). A taken
  // syscode or DB4403 appKey is kInvalidInput. Needs the KEK.
  Status add(const App& app, const AppSecrets& secrets, const AuditEntry& audit);
  Result<App> find(const std::string& syscode);
  Result<std::vector<App>> list();
  // The raw HMAC key, decrypted with the KEK (kInvalidInput when the KEK is wrong or absent).
  Result<crypto::SecureBytes> hmac_key(const std::string& syscode);
  // The COSS secureCode in the clear (kNotFound for an app without one). Needs the KEK.
  Result<crypto::SecureBytes> secure_code(const std::string& syscode);
  // The app whose DB4403 appKey this is (kNotFound when none, and for "").
  Result<App> find_by_sz_key(const std::string& app_key);
  // The app's DB4403 SM4 key and MAC key in the clear (kNotFound for an app without DB4403
  // credentials). Needs the KEK.
  Result<std::pair<crypto::SecureBytes, crypto::SecureBytes>> sz_keys(const std::string& syscode);
  // Replaces the authcode and HMAC key, the secureCode when one is given, and the DB4403 appKey
  // and keys when given (the old appKey is then no longer found). Needs the KEK.
  Status rotate_secrets(const std::string& syscode, const AppSecrets& secrets, Time now,
                        const AuditEntry& audit);
  Status set_enabled(const std::string& syscode, bool enabled, const AuditEntry& audit);

 private:
  Result<crypto::SecureBytes> open_secret(const std::string& syscode, const char* column,
                                          const char* what,
                                          std::string (*context)(const std::string&));
  Context& c_;
};

class Certificates {
 public:
  explicit Certificates(Context& c) : c_(c) {}
  // Adds the certificate unless present (same id); audited only when added.
  Status put(const CertificateRecord& cert, const AuditEntry& audit);
  Result<CertificateRecord> find(const std::string& id);
  // By subject, then newest first.
  Result<std::vector<CertificateRecord>> list();

 private:
  Context& c_;
};

class Keys {
 public:
  explicit Keys(Context& c) : c_(c) {}
  Status add(const KeyRecord& key, const AuditEntry& audit);
  Result<KeyRecord> find(const std::string& id);
  // Keys registered as key files outside the data folder (location set), as before the keystore.
  Result<std::vector<KeyRecord>> list_files();
  // Adds `key` in place of key `old_id`: every seal that used the old one uses it, and the old
  // one is forgotten. An unknown old_id is kNotFound.
  Status replace(const std::string& old_id, const KeyRecord& key, const AuditEntry& audit);

 private:
  Context& c_;
};

class Seals {
 public:
  explicit Seals(Context& c) : c_(c) {}
  // A registered esID is kInvalidInput; the blob must be stored first.
  Status add(const NewSeal& seal, const AuditEntry& audit);
  Result<SealRecord> find(const std::string& id);
  // Seals whose signer certificate has this subject, oldest first.
  Result<std::vector<SealRecord>> find_by_signer(const std::string& dn);
  Result<std::vector<SealRecord>> list();
  // Changes the stored status when status_change_allowed (else kInvalidInput, nothing changed).
  Status set_status(const std::string& id, SealStatus status, Time now, const AuditEntry& audit);

 private:
  Context& c_;
};

class Documents {
 public:
  explicit Documents(Context& c) : c_(c) {}
  // The blob must be stored first.
  Status add(const DocumentRecord& doc, const AuditEntry& audit);
  Result<DocumentRecord> find(const std::string& id);
  // The document whose verification code is `code`; kNotFound when none.
  Result<DocumentRecord> find_by_code(const std::string& code);
  Result<std::vector<DocumentRecord>> find_by_biznum(const std::string& app_id,
                                                     const std::string& biznum);
  // The app's document made by the request whose key is `request_key`; nullopt when none.
  Result<std::optional<DocumentRecord>> find_by_request(const std::string& app_id,
                                                        const std::string& request_key);
  // Newest first, skipping `offset`, at most `limit`.
  Result<std::vector<DocumentRecord>> list(std::int64_t offset, std::int64_t limit);

 private:
  Context& c_;
};

class TimeStamps {
 public:
  explicit TimeStamps(Context& c) : c_(c) {}
  // kInvalidInput when the serial was issued before (the caller draws another).
  Status add(const TimeStampRecord& record, const AuditEntry& audit);
  Result<TimeStampRecord> find(const std::string& serial);
  // Newest first, skipping `offset`, at most `limit`.
  Result<std::vector<TimeStampRecord>> list(std::int64_t offset, std::int64_t limit);

 private:
  Context& c_;
};

class Nonces {
 public:
  explicit Nonces(Context& c) : c_(c) {}
  // Records that `app_id` sent `random` at `now`, kept until `keep_until` inclusive. Returns
  // false when the same random is already recorded and kept (a replay). Atomic across threads,
  // processes and nodes; purges the nonces whose keep_until has passed (strictly before `now`).
  Result<bool> remember(const std::string& app_id, const std::string& random, Time now,
                        Time keep_until, const KeptRequest& kept = {});
  // Whether `random` is recorded for `app_id` and still kept at `now`: a read, to refuse most
  // replays before their work; remember and remember_audited decide.
  Result<bool> seen(const std::string& app_id, const std::string& random, Time now);
  // remember, and when the random is new, `audit` appended in the same transaction: one commit
  // for a call that writes nothing else. A replay appends nothing. `kept`: what the random keeps
  // of its request (recall).
  Result<bool> remember_audited(const std::string& app_id, const std::string& random, Time now,
                                Time keep_until, const AuditEntry& audit,
                                const KeptRequest& kept = {});
  // What a random still kept at `now` keeps of the request that sent it; nullopt when it is not
  // recorded (or no longer kept).
  Result<std::optional<KeptRequest>> recall(const std::string& app_id, const std::string& random,
                                            Time now);

 private:
  Context& c_;
};

class CossUsers {
 public:
  explicit CossUsers(Context& c) : c_(c) {}
  // A new user with `id_number` (sealed). Another user of the app with the same id type and
  // number, or the same unique id, is kInvalidInput coded kCossIdentityTaken or
  // kCossUniqueIdTaken. Needs the KEK.
  Status add(const CossUser& user, std::string_view id_number, const AuditEntry& audit);
  Result<CossUser> find(const std::string& id);
  // Every app's users, newest first, skipping `offset`, at most `limit`.
  Result<std::vector<CossUser>> list(std::int64_t offset, std::int64_t limit);
  // The app's user with this id type and number (kNotFound when none). Needs the KEK.
  Result<CossUser> find_by_identity(const std::string& app_id, const std::string& id_type,
                                    std::string_view id_number);
  Result<CossUser> find_by_unique_id(const std::string& app_id, const std::string& unique_id);
  // The app's users with this mobile number.
  Result<std::vector<CossUser>> find_by_mobile(const std::string& app_id,
                                               const std::string& mobile);
  // The user's id number in the clear. Needs the KEK.
  Result<std::string> id_number(const std::string& id);
  // Replaces the user's mutable fields (name, mobile, department, unique id, picture, status).
  Status update(const CossUser& user, Time now, const AuditEntry& audit);

 private:
  Context& c_;
};

class CossKeys {
 public:
  explicit CossKeys(Context& c) : c_(c) {}
  // A new key with the server's share `d2` (sealed under the KEK). Needs the KEK.
  Status add(const CossKey& key, ByteView d2, const AuditEntry& audit);
  Result<CossKey> find(const std::string& id);
  // Oldest first.
  Result<std::vector<CossKey>> query(const CossKeyQuery& query);
  // The key's server share in the clear; kNotFound once destroyed. Needs the KEK.
  Result<crypto::SecureBytes> share(const std::string& id);
  // Replaces the key's state, certificate, device name and failure count, if it is still in one
  // of `from` (kInvalidInput coded kTaskStateChanged otherwise); with `destroy_share`, the
  // sealed share is overwritten in the same transaction.
  Status change(const CossKey& key, const std::vector<std::string>& from, bool destroy_share,
                Time now, const AuditEntry& audit);

  // Escrowed shares (COSS auto-sign): a phone's share held for a grant, sealed under the KEK,
  // until the grant ends. Needs the KEK. A grant holds at most one (a second is kInvalidInput).
  Status add_escrow(const std::string& grant_id, const std::string& key_id, ByteView share,
                    Time now, const AuditEntry& audit);
  // The share in the clear; kNotFound once destroyed.
  Result<crypto::SecureBytes> escrow_share(const std::string& grant_id);
  // Deletes the row; nothing to delete is not an error, and then no audit row is written.
  Status destroy_escrow(const std::string& grant_id, const AuditEntry& audit);
  // The grants that hold an escrowed share.
  Result<std::vector<std::string>> escrow_grants();

 private:
  Context& c_;
};

class Tasks {
 public:
  explicit Tasks(Context& c) : c_(c) {}
  // A new task; a taken id is kInvalidInput.
  Status add(const TaskRecord& task, const AuditEntry& audit);
  Result<TaskRecord> find(const std::string& id);
  // Applies `change` at `now` and returns the task as it then is. A task not in one of
  // change.from is kInvalidInput with code kTaskStateChanged; nothing changes then. Compared and
  // set under the write lock, so of two nodes claiming one task, exactly one succeeds.
  Result<TaskRecord> change(const std::string& id, const TaskChange& change, Time now,
                            const AuditEntry& audit);
  Result<std::vector<TaskRecord>> query(const TaskQuery& query);
  // How many tasks the query matches, ignoring its offset and limit.
  Result<std::int64_t> count(const TaskQuery& query);

 private:
  Context& c_;
};

class ConsoleAccounts {
 public:
  explicit ConsoleAccounts(Context& c) : c_(c) {}
  // A taken login is kInvalidInput.
  Status add(const ConsoleAccount& account, const AuditEntry& audit);
  Result<ConsoleAccount> find(const std::string& login);
  Result<std::vector<ConsoleAccount>> list();
  // Changes what `change` gives of the account with this id, in one statement, leaving the rest
  // (a failure counted at the same moment among it) as it is; kNotFound when none.
  Status change(const std::string& id, const ConsoleAccountChange& change, Time now,
                const AuditEntry& audit);
  // One failed sign-in, counted in one statement whatever else runs at once: failures + 1, and
  // once they reach `threshold` the account is locked until `lock_until` and its count starts
  // again (audited by a second row, "console.lock"). Returns the account as it then is.
  Result<ConsoleAccount> count_failure(const std::string& id, std::int64_t threshold,
                                       Time lock_until, Time now, const AuditEntry& audit);
  // No failures and no lock; the other fields untouched.
  Status clear_failures(const std::string& id, Time now, const AuditEntry& audit);

 private:
  Context& c_;
};

class AuditLog {
 public:
  explicit AuditLog(Context& c) : c_(c) {}
  // Appends a row to the chain; returns its id.
  Result<std::int64_t> append(const AuditEntry& entry);
  // Rows with id > after_id, at most `limit`, in chain order.
  Result<std::vector<AuditRow>> list(std::int64_t after_id, std::size_t limit);
  Result<std::vector<AuditRow>> query(const AuditQuery& query);
  // Recomputes the whole chain.
  Result<AuditCheck> verify();

 private:
  Context& c_;
};

}  // namespace eseal::store
