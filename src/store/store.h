// The server's storage: organizations, apps and their credentials, certificates, keys, seals,
// documents, replay nonces and the hash-chained audit log, behind one backend-neutral interface
// (SQLite today, PostgreSQL later; see sqlite_store.h), plus content-addressed blobs on disk.
//
// API summary, for the LD/T 01.4 server:
//   auto store = open_store(data_dir, kek);             // D/eseal.db, D/blobs/; migrates
//   store->find_app(syscode)           -> App            // kNotFound when unknown
//     app.enabled, app.authcode_matches(authcode), app.scopes, app.cert_pem
//   store->app_hmac_key(syscode)      -> SecureBytes    // needs the KEK
//   store->find_app_by_sz_key(appKey) / app_sz_keys(syscode)  // DB4403: SM4 key, MAC key
//   store->remember_nonce(app.id, random, now, until)   // false: a replay
//   store->find_seal(es_id) / find_seals_by_signer(dn)  // seal.effective_status(now)
//   store->blobs().get(seal.seal_sm3)                   // the SES_Seal bytes
//   store->blobs().put(bytes) + add_document(record, audit)
//   store->append_audit(entry)                          // or pass an entry to a state change
//
// Every method is safe to call from many threads at once. State-changing entity methods take the
// AuditEntry that records them and append it in the same transaction, so a change and its audit
// row land together or not at all. Errors: kNotFound (unknown id), kInvalidInput (a duplicate,
// a refused status change, malformed ids), kIo/kInternal (the database or the disk).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/secure_buffer.h"
#include "doc/document_format.h"
#include "keys/kek.h"
#include "pki/certificate.h"
#include "store/blob_store.h"

namespace eseal::store {

// A fresh id for a row: 32 random hex digits.
Result<std::string> new_id();

struct Organization {
  std::string id;
  std::string name;
  std::string credit_code;  // unified social credit code (统一社会信用代码); "" when unknown
  Time created{};
};

// The credentials an app presents: shown to the operator once, never stored in the clear.
struct AppSecrets {
  std::string authcode;          // 32 hex digits; stored as a salted SM3 hash
  crypto::SecureBytes hmac_key;  // 32 bytes; stored encrypted under the KEK
  // The COSS secureCode (32 hex digits; its text is the HMAC-SHA256 key of the app's requests),
  // stored encrypted under the KEK; "" for an app without COSS credentials.
  std::string secure_code = {};
  // DB4403/T 383.4 credentials, "" and empty for an app without them: the transport encryption
  // key number (appKey, 32 lower-case hex digits, which encrypted requests name the app by), the
  // SM4 key of the content (16 bytes) and the HMAC-SM3 key of bsign/asign (32 bytes); the two
  // keys are stored sealed under the KEK.
  std::string sz_app_key = {};
  crypto::SecureBytes sz_sm4_key = {};
  crypto::SecureBytes sz_mac_key = {};
  // LD/T credentials, with `coss` a secureCode too and with `sz` the DB4403 ones.
  static Result<AppSecrets> generate(bool coss = false, bool sz = false);
};

// An integrating business system (LD/T 01.4 `syscode`).
struct App {
  std::string id;       // internal id, 32 hex digits
  std::string syscode;  // unique
  std::string name;
  std::string org_id;               // "" when none
  std::string authcode_hash;        // "sm3:<salt hex>:<digest hex>", see hash_authcode
  std::string cert_pem;             // the app's SM2 certificate: verifies the LD/T `sign`
  std::vector<std::string> scopes;  // operation names (e.g. "positionSealSign"), or "*" for all
  bool enabled = true;
  bool coss = false;  // has COSS credentials: appId = syscode, and a secureCode
  // Its DB4403 appKey ("" when it has no DB4403 credentials); systemID = syscode.
  std::string sz_app_key;
  Time created{};
  Time rotated{};  // when the secrets were last replaced (created at first)

  // Compares in constant time against the stored hash.
  bool authcode_matches(std::string_view authcode) const;
};

// A fresh random salt each call.
Result<std::string> hash_authcode(std::string_view authcode);

// A certificate kept for seals and apps, addressed by its SM3 fingerprint.
struct CertificateRecord {
  std::string id;       // SM3 of the DER, lower-case hex
  std::string subject;  // pki::DistinguishedName::to_string()
  std::string issuer;
  std::string serial;  // upper-case hex
  Time not_before{};
  Time not_after{};
  std::string pem;
  static CertificateRecord from(const pki::Certificate& cert);
};

// Where a signing key lives: a soft-keystore reference ("soft:<32 hex>"), the data folder's
// D/keys; or, in folders from before the keystore, an encrypted key file ("file:<absolute
// path>"), which open_store imports. The key material itself never enters the database.
struct KeyRecord {
  std::string id;          // the reference
  std::string location;    // the key file's path; "" for the soft keystore
  std::string public_key;  // hex 04||x||y, to match certificates without the KEK
  Time created{};
};

// kUnfiled: made while filing is required ([filing] required), not usable until filed.
enum class SealStatus { kValid, kFrozen, kLost, kRevoked, kExpired, kUnfiled };
std::string_view status_name(SealStatus status);  // "valid", "frozen", ...
Result<SealStatus> parse_seal_status(std::string_view name);
// The one table of allowed changes: valid <-> frozen; valid or frozen -> lost or expired;
// unfiled -> valid (its filing completed); anything but revoked -> revoked. Revoked is final;
// lost and expired only go on to revoked.
bool status_change_allowed(SealStatus from, SealStatus to);

struct SealRecord {
  std::string id;  // esID
  std::string name;
  std::int64_t type = 0;  // ses/seal_type.h code
  std::string org_id;     // "" when none
  std::string app_id;     // the owning app; "" when none
  std::string signer_dn;  // subject of the signer's certificate, DistinguishedName::to_string()
  std::string seal_sm3;   // the SES_Seal bytes, a blob
  std::string cert_id;    // the signer's certificate (CertificateRecord::id); "" when none
  std::string key_id;     // the signer's key (KeyRecord::id); "" when none
  Time valid_start{};
  Time valid_end{};
  SealStatus status = SealStatus::kValid;  // as set; see effective_status
  Time created{};
  Time updated{};

  // The stored status, or kExpired once a valid or frozen seal is past valid_end.
  SealStatus effective_status(Time now) const;
};

// A seal with what it refers to, registered in one transaction; the certificate and key are
// added unless already present.
struct NewSeal {
  SealRecord seal;
  std::optional<CertificateRecord> signer_cert;
  std::optional<KeyRecord> key;
};

using doc::DocumentFormat;
std::string_view column_name(DocumentFormat format);  // "pdf", "ofd": the documents.format column

struct DocumentRecord {
  std::string id;
  std::string app_id;  // "" when none
  std::string biznum;  // LD/T BIZNUM
  std::string blob_sm3;
  std::int64_t size = 0;
  DocumentFormat format = DocumentFormat::kPdf;
  Time created{};
  // The code its printed QR code carries to the public verification page; "" when none.
  std::string verification_code = {};
  std::string sha256 = {};  // lower-case hex; "" for documents archived before it was kept
};

// A time-stamp token the authority issued.
struct TimeStampRecord {
  std::string serial;  // lower-case hex of the serial number
  Time gen_time{};
  std::string hash_algorithm;  // dotted OID of the imprint's hash
  std::string imprint;         // lower-case hex
  std::string requester;       // "http:<address>", "cli:<user>", "app:<syscode>"
  Bytes token;
};

// A person who signs from a phone (COSS 用户), added by an app: its users are its own. The id
// number is kept sealed under the KEK, with a keyed index to find the user by it.
struct CossUser {
  std::string id;      // userId, the MSSPID: 64 hex digits
  std::string app_id;  // apps.id of the app that added the user
  std::string name;
  std::string id_type;  // SF, GA, HZ, QT
  std::string mobile;
  std::string department;
  std::string unique_id;   // the app's own id for the user; "" when none
  std::string sign_image;  // the signature picture's blob (SM3); "" when none
  bool require_cert = true;
  std::string status = "ACTIVE";  // ACTIVE, LOCKED, DELETE
  Time created{};
  Time updated{};
};

// Error::code of add_coss_user refusals.
inline constexpr const char* kCossIdentityTaken = "coss-identity-taken";
inline constexpr const char* kCossUniqueIdTaken = "coss-unique-id-taken";

// A two-party SM2 key (协同签名密钥) of a COSS user on one device: the phone holds d1, the store
// the server's share d2 sealed under the KEK, and the joint public key P is the user's. The
// share is destroyed (the sealed bytes overwritten, SQLite's secure delete on) when the key is
// revoked or abandoned.
struct CossKey {
  std::string id;       // 32 hex digits
  std::string user_id;  // the user's msspId
  std::string app_id;
  std::string device_id;      // "DEVICE_<uuid>"
  std::string device_name;    // as the phone gave it
  Bytes device_key;           // the device's own SM2 public key (65 bytes), for login
  Bytes public_key;           // P, 65 bytes uncompressed
  std::string scheme;         // "sm2-2p-inv-3n"
  std::string state;          // PENDING (no certificate yet), ACTIVE, LOCKED, REVOKED, ABANDONED
  Bytes certificate;          // DER; empty until issued
  std::int64_t failures = 0;  // final signatures that did not verify, in a row
  Time created{};
  Time updated{};
};

// Which keys: every field set narrows.
struct CossKeyQuery {
  std::string user_id;
  std::vector<std::string> states;
  std::optional<Time> created_before;
};

// A piece of work that waits on someone else — a COSS sign job, a DB4403 QR task, a filing task,
// a callback to deliver — as the store keeps it. What the states mean and which changes are
// allowed is the kind's (service/tasks.h); the store compares and sets.
struct TaskRecord {
  std::string id;       // 32 hex digits
  std::string kind;     // "coss.sign", "callback", ...
  std::string app_id;   // the app that asked for it; "" when none
  std::string subject;  // whom it waits on (a user id, …); "" when anyone
  // What else it is found by (a short code's keyed index, …); "" when nothing.
  std::string reference;
  std::string state;
  std::string payload;  // what the task is about, the kind's JSON
  std::string result;   // what came of it, the kind's JSON; "" until then
  Time created{};
  Time updated{};
  std::optional<Time> expires;       // open until this time inclusive; none: never expires
  std::int64_t attempts = 0;         // deliveries tried, for tasks that retry
  std::optional<Time> next_attempt;  // when to try again; none: not waiting to
};

// Which tasks of one kind: every field but `kind` narrows when set.
struct TaskQuery {
  std::string kind;
  std::string app_id, subject, reference;
  std::vector<std::string> states;
  std::optional<Time> expired_by;                // expires before this time (expired at it)
  std::optional<Time> due_by;                    // next_attempt at or before this time
  std::optional<Time> updated_from, updated_to;  // last changed in [from, to)
  std::int64_t offset = 0;
  std::int64_t limit = 100;
  bool newest_first = false;  // else oldest first
};

// A change of a task's state: allowed only from one of `from` (compared and set in one
// transaction); the other fields are replaced when given.
struct TaskChange {
  std::vector<std::string> from;
  std::string to;
  // When set, the subject must be .first (else kTaskStateChanged) and becomes .second.
  std::optional<std::pair<std::string, std::string>> subject;
  std::optional<std::string> payload, result;
  std::optional<std::optional<Time>> expires, next_attempt;
  bool count_attempt = false;
};

// Error::code of a task change refused because the task is no longer in a state it may leave
// that way (another request changed it first).
inline constexpr const char* kTaskStateChanged = "task-state-changed";

// A person who signs in to the web console. Roles and what they allow are the service's
// (service/console.h); the store keeps the name.
struct ConsoleAccount {
  std::string id;     // 32 hex digits
  std::string login;  // unique, compared as given
  std::string name;   // shown in the console
  std::string role;
  std::string password_hash;  // the KDF's encoded string (algorithm, parameters, salt, hash)
  bool enabled = true;
  std::int64_t failures = 0;         // failed sign-ins in a row
  std::optional<Time> locked_until;  // refused until then after too many failures
  Time created{};
  Time updated{};
};

// What may change of a console account; what is absent stays as it is. A new password hash also
// ends a lockout (failures 0, unlocked).
struct ConsoleAccountChange {
  std::optional<std::string> name = {}, role = {}, password_hash = {};
  std::optional<bool> enabled = {};
};

// One state-changing call. The canonical bytes hashed into the chain are in audit_chain.h.
struct AuditEntry {
  Time time{};
  std::string actor;      // "app:<syscode>", "cli:<user>"
  std::string operation;  // "app.add", "seal.status", "positionSealSign", ...
  std::string object;     // what it acted on: a syscode, an esID, a document id
  std::string detail;
  std::string biznum;
};

struct AuditRow {
  std::int64_t id = 0;  // 1, 2, 3, ... in chain order
  AuditEntry entry;
  std::string hash;  // lower-case hex
};

// Which audit rows: every field set narrows.
struct AuditQuery {
  std::int64_t after_id = 0;            // id > after_id
  std::int64_t before_id = 0;           // id < before_id, when positive
  std::string actor = {}, object = {};  // equal
  std::string operation = {};           // equal, or a prefix when it ends with '.' ("seal.")
  std::size_t limit = 100;
  bool newest_first = false;  // else in chain order
};

struct AuditCheck {
  std::int64_t rows = 0;
  std::optional<std::int64_t> first_broken;  // the first row whose hash does not follow
};

class Store {
 public:
  virtual ~Store() = default;

  virtual const BlobStore& blobs() const = 0;

  virtual Status add_organization(const Organization& org, const AuditEntry& audit) = 0;
  virtual Result<Organization> find_organization(const std::string& id) = 0;
  // By name.
  virtual Result<std::vector<Organization>> list_organizations() = 0;

  // Adds `app` with `secrets`: app.authcode_hash is computed from secrets.authcode, and the app
  // has the families whose secrets are given (app.coss and app.sz_app_key are not read). A taken
  // syscode or DB4403 appKey is kInvalidInput. Needs the KEK.
  virtual Status add_app(const App& app, const AppSecrets& secrets, const AuditEntry& audit) = 0;
  virtual Result<App> find_app(const std::string& syscode) = 0;
  virtual Result<std::vector<App>> list_apps() = 0;
  // The raw HMAC key, decrypted with the KEK (kInvalidInput when the KEK is wrong or absent).
  virtual Result<crypto::SecureBytes> app_hmac_key(const std::string& syscode) = 0;
  // The COSS secureCode in the clear (kNotFound for an app without one). Needs the KEK.
  virtual Result<crypto::SecureBytes> app_secure_code(const std::string& syscode) = 0;
  // The app whose DB4403 appKey this is (kNotFound when none, and for "").
  virtual Result<App> find_app_by_sz_key(const std::string& app_key) = 0;
  // The app's DB4403 SM4 key and MAC key in the clear (kNotFound for an app without DB4403
  // credentials). Needs the KEK.
  virtual Result<std::pair<crypto::SecureBytes, crypto::SecureBytes>> app_sz_keys(
      const std::string& syscode) = 0;
  // Replaces the authcode and HMAC key, the secureCode when one is given, and the DB4403 appKey
  // and keys when given (the old appKey is then no longer found). Needs the KEK.
  virtual Status rotate_app_secrets(const std::string& syscode, const AppSecrets& secrets, Time now,
                                    const AuditEntry& audit) = 0;
  virtual Status set_app_enabled(const std::string& syscode, bool enabled,
                                 const AuditEntry& audit) = 0;

  // Adds the certificate unless present (same id).
  virtual Status put_certificate(const CertificateRecord& cert, const AuditEntry& audit) = 0;
  virtual Result<CertificateRecord> find_certificate(const std::string& id) = 0;
  // By subject, then newest first.
  virtual Result<std::vector<CertificateRecord>> list_certificates() = 0;
  virtual Status add_key(const KeyRecord& key, const AuditEntry& audit) = 0;
  virtual Result<KeyRecord> find_key(const std::string& id) = 0;
  // Keys registered as key files outside the data folder (location set), as before the keystore.
  virtual Result<std::vector<KeyRecord>> list_key_files() = 0;
  // Adds `key` in place of key `old_id`: every seal that used the old one uses it, and the old
  // one is forgotten. An unknown old_id is kNotFound.
  virtual Status replace_key(const std::string& old_id, const KeyRecord& key,
                             const AuditEntry& audit) = 0;

  // A registered esID is kInvalidInput; the blob must be stored first.
  virtual Status add_seal(const NewSeal& seal, const AuditEntry& audit) = 0;
  virtual Result<SealRecord> find_seal(const std::string& id) = 0;
  // Seals whose signer certificate has this subject, oldest first.
  virtual Result<std::vector<SealRecord>> find_seals_by_signer(const std::string& dn) = 0;
  virtual Result<std::vector<SealRecord>> list_seals() = 0;
  // Changes the stored status when status_change_allowed (else kInvalidInput, nothing changed).
  virtual Status set_seal_status(const std::string& id, SealStatus status, Time now,
                                 const AuditEntry& audit) = 0;

  virtual Status add_document(const DocumentRecord& doc, const AuditEntry& audit) = 0;
  virtual Result<DocumentRecord> find_document(const std::string& id) = 0;
  // The document whose verification code is `code`; kNotFound when none.
  virtual Result<DocumentRecord> find_document_by_code(const std::string& code) = 0;
  virtual Result<std::vector<DocumentRecord>> find_documents_by_biznum(
      const std::string& app_id, const std::string& biznum) = 0;
  // Newest first, skipping `offset`, at most `limit`.
  virtual Result<std::vector<DocumentRecord>> list_documents(std::int64_t offset,
                                                             std::int64_t limit) = 0;

  // Records that `app_id` sent `random` at `now`, kept until `keep_until` inclusive. Returns false
  // when the same random is already recorded and kept (a replay). Atomic across threads and
  // processes; purges the nonces whose keep_until has passed (strictly before `now`).
  // kInvalidInput when the serial was issued before (the caller draws another).
  virtual Status add_time_stamp(const TimeStampRecord& record, const AuditEntry& audit) = 0;
  virtual Result<TimeStampRecord> find_time_stamp(const std::string& serial) = 0;
  // Newest first, skipping `offset`, at most `limit`.
  virtual Result<std::vector<TimeStampRecord>> list_time_stamps(std::int64_t offset,
                                                                std::int64_t limit) = 0;

  virtual Result<bool> remember_nonce(const std::string& app_id, const std::string& random,
                                      Time now, Time keep_until) = 0;

  // A new user with `id_number` (sealed). Another user of the app with the same id type and
  // number, or the same unique id, is kInvalidInput coded kCossIdentityTaken or
  // kCossUniqueIdTaken. Needs the KEK.
  virtual Status add_coss_user(const CossUser& user, std::string_view id_number,
                               const AuditEntry& audit) = 0;
  virtual Result<CossUser> find_coss_user(const std::string& id) = 0;
  // Every app's users, newest first, skipping `offset`, at most `limit`.
  virtual Result<std::vector<CossUser>> list_coss_users(std::int64_t offset,
                                                        std::int64_t limit) = 0;
  // The app's user with this id type and number (kNotFound when none). Needs the KEK.
  virtual Result<CossUser> find_coss_user_by_identity(const std::string& app_id,
                                                      const std::string& id_type,
                                                      std::string_view id_number) = 0;
  virtual Result<CossUser> find_coss_user_by_unique_id(const std::string& app_id,
                                                       const std::string& unique_id) = 0;
  // The app's users with this mobile number.
  virtual Result<std::vector<CossUser>> find_coss_users_by_mobile(const std::string& app_id,
                                                                  const std::string& mobile) = 0;
  // The user's id number in the clear. Needs the KEK.
  virtual Result<std::string> coss_user_id_number(const std::string& id) = 0;
  // Replaces the user's mutable fields (name, mobile, department, unique id, picture, status).
  virtual Status update_coss_user(const CossUser& user, Time now, const AuditEntry& audit) = 0;

  // A new key with the server's share `d2` (sealed under the KEK). Needs the KEK.
  virtual Status add_coss_key(const CossKey& key, ByteView d2, const AuditEntry& audit) = 0;
  virtual Result<CossKey> find_coss_key(const std::string& id) = 0;
  // Oldest first.
  virtual Result<std::vector<CossKey>> find_coss_keys(const CossKeyQuery& query) = 0;
  // The key's server share in the clear; kNotFound once destroyed. Needs the KEK.
  virtual Result<crypto::SecureBytes> coss_key_share(const std::string& id) = 0;
  // Replaces the key's state, certificate, device name and failure count, if it is still in one
  // of `from` (kInvalidInput coded kTaskStateChanged otherwise); with `destroy_share`, the
  // sealed share is overwritten in the same transaction.
  virtual Status change_coss_key(const CossKey& key, const std::vector<std::string>& from,
                                 bool destroy_share, Time now, const AuditEntry& audit) = 0;

  // Escrowed shares (COSS auto-sign): a phone's share held for a grant, sealed under the KEK,
  // until the grant ends. Needs the KEK. A grant holds at most one (a second is kInvalidInput).
  virtual Status add_coss_escrow(const std::string& grant_id, const std::string& key_id,
                                 ByteView share, Time now, const AuditEntry& audit) = 0;
  // The share in the clear; kNotFound once destroyed.
  virtual Result<crypto::SecureBytes> coss_escrow_share(const std::string& grant_id) = 0;
  // Deletes the row (secure_delete overwrites it); nothing to delete is not an error, and then
  // no audit row is written.
  virtual Status destroy_coss_escrow(const std::string& grant_id, const AuditEntry& audit) = 0;
  // The grants that hold an escrowed share.
  virtual Result<std::vector<std::string>> coss_escrow_grants() = 0;

  // A keyed fingerprint of `value` (SecretBox::index under `context`) to find a record by a
  // secret it was made for, such as a short code, without storing the secret. Needs the KEK.
  virtual Result<std::string> keyed_index(std::string_view context, ByteView value) = 0;

  // A new task; a taken id is kInvalidInput.
  virtual Status add_task(const TaskRecord& task, const AuditEntry& audit) = 0;
  virtual Result<TaskRecord> find_task(const std::string& id) = 0;
  // Applies `change` at `now` and returns the task as it then is. A task not in one of
  // change.from is kInvalidInput with code kTaskStateChanged; nothing changes then.
  virtual Result<TaskRecord> change_task(const std::string& id, const TaskChange& change, Time now,
                                         const AuditEntry& audit) = 0;
  // Oldest first.
  virtual Result<std::vector<TaskRecord>> find_tasks(const TaskQuery& query) = 0;
  // How many tasks the query matches, ignoring its offset and limit.
  virtual Result<std::int64_t> count_tasks(const TaskQuery& query) = 0;

  // A taken login is kInvalidInput.
  virtual Status add_console_account(const ConsoleAccount& account, const AuditEntry& audit) = 0;
  virtual Result<ConsoleAccount> find_console_account(const std::string& login) = 0;
  virtual Result<std::vector<ConsoleAccount>> list_console_accounts() = 0;
  // Changes what `change` gives of the account with this id, in one statement, leaving the rest
  // (a failure counted at the same moment among it) as it is; kNotFound when none.
  virtual Status change_console_account(const std::string& id, const ConsoleAccountChange& change,
                                        Time now, const AuditEntry& audit) = 0;
  // One failed sign-in, counted in one statement whatever else runs at once: failures + 1, and
  // once they reach `threshold` the account is locked until `lock_until` and its count starts
  // again (audited by a second row, "console.lock"). Returns the account as it then is.
  virtual Result<ConsoleAccount> count_console_failure(const std::string& id,
                                                       std::int64_t threshold, Time lock_until,
                                                       Time now, const AuditEntry& audit) = 0;
  // No failures and no lock; the other fields untouched.
  virtual Status clear_console_failures(const std::string& id, Time now,
                                        const AuditEntry& audit) = 0;

  // Appends a row to the chain; returns its id.
  virtual Result<std::int64_t> append_audit(const AuditEntry& entry) = 0;
  // Rows with id > after_id, at most `limit`, in chain order.
  virtual Result<std::vector<AuditRow>> list_audit(std::int64_t after_id, std::size_t limit) = 0;
  virtual Result<std::vector<AuditRow>> find_audit(const AuditQuery& query) = 0;
  // Recomputes the whole chain.
  virtual Result<AuditCheck> verify_audit() = 0;

  // Whether the store's KEK is the data folder's: the check value kept in the database (see
  // secret_box.h) matches it. A folder without one yet (new, or older than the check) records
  // this KEK's, unless its first app's HMAC key does not open with it. Needs the KEK.
  virtual Result<bool> kek_belongs(Time now) = 0;
};

// Opens (creating and migrating) the embedded store in `data_dir`: data_dir/eseal.db (SQLite)
// and data_dir/blobs/. Without a KEK, the app secrets cannot be written or read; everything
// else works. A KEK that does not belong to the folder (kek_belongs) is refused, kInvalidInput:
// "the key-encryption key does not belong to data folder D". With the KEK, key files registered
// by path (list_key_files) are imported into the folder's soft keystore, data_dir/keys, and the
// seals that use them switched to the imported key; a file that cannot be read or decrypted
// stays referenced by its path.
Result<std::unique_ptr<Store>> open_store(const std::filesystem::path& data_dir,
                                          std::optional<keys::Kek> kek);

}  // namespace eseal::store
