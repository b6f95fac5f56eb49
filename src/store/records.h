// The records the store keeps (organizations, apps, certificates, keys, seals, documents, time
// stamps, COSS users and keys, tasks, console accounts, audit rows), the queries that find them,
// and the rules that belong to a record itself (authcode hashing, seal status changes). The
// repositories that read and write them are in repositories.h.
#pragma once

#include <chrono>
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
#include "doc/document_format.h"
#include "pki/certificate.h"

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
  // Lower-case hex, for the public verification page; "" for documents without a verification
  // code and those archived before it was kept.
  std::string sha256 = {};
  // The door's digest of the request that made it, unique per app (an idempotent retry finds
  // it); "" when the request named no business number.
  std::string request_key = {};
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
// share is destroyed (the sealed bytes overwritten: SQLite's secure delete on; PostgreSQL's old
// row version, still sealed, until VACUUM) when the key is revoked or abandoned.
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

// What a nonce keeps of the request that sent it, so that a door can tell a retry (the same
// request sent again) from a replay (another request under a used nonce): the door's digest of
// the request and, when the door keeps it, the answer the request got.
struct KeptRequest {
  std::string digest;  // "" for a nonce recorded without one
  std::string answer;  // "" when not kept
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

}  // namespace eseal::store
