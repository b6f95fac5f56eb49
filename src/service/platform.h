// What the doors need from the platform's state, split along what each part does: who is calling
// (the caller and each family's credentials), the seal registry, the document archive, the audit
// log and the trust store. Doors see these interfaces and service types only, never the store;
// one implementation (service/store_platform.h) sits on store/. Each interface is small enough
// that a later door (DB4403, COSS, the console) uses the parts it needs and adds its family's
// credentials beside LD/T's without special cases elsewhere.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "keys/signer.h"
#include "pki/certificate.h"
#include "service/seal_maker.h"
#include "ses/seal.h"
#include "ses/verify.h"

namespace eseal::service {

// Who is calling: an app of one interface family, or the operator at the command line. Seals,
// documents and audit rows belong to callers, whatever family's credentials they came with.
struct Caller {
  // "ldt", "coss", "sz"; "cli" for the operator, "console" for the web console's staff.
  std::string family;
  std::string app_id;  // the app's id in the store; empty for the operator
  std::string name;    // how the family names the app (LD/T: the syscode); the operator: login
  std::vector<std::string> scopes;  // operations it may call, or "*"
  bool allows(const std::string& operation) const;
  // The platform's own staff (the operator at the command line, the console's accounts), who
  // act on every app's seals, users and jobs.
  bool staff() const { return family == "cli" || family == "console"; }
  // Its name in the audit log: "app:" + name, or "cli:" / "console:" + the person's login.
  std::string actor() const;
};

// LD/T 01.4 credentials of one app (syscode, authcode, HMAC key, request-signing certificate).
struct LdtCredentials {
  Caller caller;
  bool enabled = false;
  Bytes hmac_key;
  std::optional<pki::Certificate> cert;  // verifies the app's request signatures
};

// What the COSS door needs to authenticate an app: appId is the app's syscode.
struct CossCredentials {
  Caller caller;
  bool enabled = false;
  Bytes secure_code;  // the HMAC-SHA256 key of its requests (the secureCode's text)
};

// DB4403/T 383.4 credentials of one app: systemID is the app's syscode.
struct SzCredentials {
  Caller caller;  // family "sz", name = systemID (the syscode)
  bool enabled = false;
  std::string app_key;     // "" when the app has no DB4403 credentials
  Bytes sm4_key, mac_key;  // 16 and 32 bytes
};

// What a nonce keeps of the request that sent it (Credentials::recall_request), so that a door
// tells a retry (the same request sent again) from a replay (another request under a used
// nonce): the door's digest of the request and, when the door keeps it, the answer it got.
struct KeptRequest {
  std::string digest;  // "" for a nonce remembered without one
  std::string answer;  // "" when not kept
};

class Credentials {
 public:
  virtual ~Credentials() = default;
  // kNotFound for an unknown syscode.
  virtual Result<LdtCredentials> ldt(const std::string& syscode) = 0;
  // kNotFound for an unknown appId or an app without COSS credentials.
  virtual Result<CossCredentials> coss(const std::string& app_id) = 0;
  // A DB4403 request with an appKey (its content encrypted): kNotFound for an unknown appKey.
  virtual Result<SzCredentials> sz(const std::string& app_key) = 0;
  // A DB4403 request without one (plain content naming its systemID): kNotFound for an unknown
  // systemID or an app without DB4403 credentials.
  virtual Result<SzCredentials> sz_by_system(const std::string& system_id) = 0;
  virtual bool ldt_authcode_matches(const std::string& syscode, const std::string& authcode) = 0;
  // True the first time `nonce` is seen for the caller; false for a replay. The nonce is kept
  // until `keep_until` inclusive: the last moment the request carrying it could be accepted.
  virtual Result<bool> remember_nonce(const Caller& caller, const std::string& nonce, Time now,
                                      Time keep_until) = 0;
  // Whether `nonce` was remembered for the caller and is still kept at `now`: a read that
  // refuses most replays before their work, for calls that remember their nonce at the end
  // (AuditLog::append_with_nonce).
  virtual Result<bool> nonce_seen(const Caller& caller, const std::string& nonce, Time now) = 0;
  // remember_nonce, keeping `kept` with the nonce for recall_request.
  virtual Result<bool> remember_request(const Caller& caller, const std::string& nonce, Time now,
                                        Time keep_until, const KeptRequest& kept) = 0;
  // What the nonce, remembered for the caller and still kept at `now`, keeps of its request;
  // nullopt when it is not remembered.
  virtual Result<std::optional<KeptRequest>> recall_request(const Caller& caller,
                                                            const std::string& nonce, Time now) = 0;
};

// Why a seal cannot be used (Error::code of the refusals below); each door words them.
namespace seal_code {
inline constexpr const char* kNotFound = "seal-not-found";
inline constexpr const char* kNotYours = "seal-not-yours";  // owned by another app
inline constexpr const char* kStatus = "seal-status";       // frozen, lost, revoked, cancelled
// A status change the seal's status does not allow (a revoked seal cannot become valid).
inline constexpr const char* kStatusChange = "seal-status-change";
inline constexpr const char* kNotYetValid = "seal-not-yet-valid";
inline constexpr const char* kExpired = "seal-expired";
inline constexpr const char* kSignerCertificate = "seal-signer-certificate";  // not valid now
inline constexpr const char* kNoSigner = "seal-no-signer";  // no signer available to the server
inline constexpr const char* kCertificateNotFound = "certificate-not-found";
// Registering a seal (service/seal_registration.h): not an SES_Seal or its maker's signature
// broken; its esID taken; a signer certificate it does not list.
inline constexpr const char* kBadSeal = "seal-bad";
inline constexpr const char* kRegistered = "seal-registered";
inline constexpr const char* kNotItsSigner = "seal-not-its-signer";
}  // namespace seal_code

struct RegisteredSeal {
  std::string id, name;
  std::string owner_app_id;  // the app that may use it; empty for any caller
  // The effective status when it was found: "valid", "frozen", "lost", "revoked" or "expired".
  std::string status = "valid";
  ses::SesSeal seal;
  std::string signer_dn;  // subject of the signer certificate listed in the seal
  std::optional<pki::Certificate> signer_cert;  // registered with it, when it was
  std::string key_id;  // the registry's reference to the signer's key; empty when it holds none
  // The organization it is registered to, when it is: its id, credit code and name.
  std::string org_id = {}, organization_code = {}, organization_name = {};
};

// The one rule for whether `caller` may sign with `seal` at `now`: it is the caller's (or
// anyone's; the platform's staff, families "cli" and "console", may use every seal), its status is
// valid, `now` is inside both ends of its validity, and its signer's certificate is registered and
// valid at `now`. (That a signer is available is the registry's signer_of; SealRegistry::usable
// checks both.) The failure's code is one of seal_code; its message is English and names the seal.
Status check_usable(const RegisteredSeal& seal, const Caller& caller, Time now);

// A usable seal and the signer that signs with it.
struct SealInUse {
  RegisteredSeal seal;
  std::shared_ptr<keys::Signer> signer;
};

class SealRegistry {
 public:
  virtual ~SealRegistry() = default;
  // kNotFound (seal_code::kNotFound) when no seal has that id.
  virtual Result<RegisteredSeal> find(const std::string& id, Time now) = 0;
  // Of the seals listing the signer DN `dn` (any spacing): the newest `caller` may use
  // (check_usable), else the newest that is the caller's (or anyone's), else the newest — so
  // that a signer with seals of several apps finds the caller's, and a refusal names the seal
  // that stands in the way.
  virtual Result<RegisteredSeal> find_by_signer(const std::string& dn, const Caller& caller,
                                                Time now) = 0;
  // The signer of a seal's certificate; kNotFound (seal_code::kNoSigner) when the platform holds
  // no key for it. Keys are decrypted once and kept, wiped, while the process runs.
  virtual Result<std::shared_ptr<keys::Signer>> signer_of(const RegisteredSeal& seal) = 0;
  // The platform's own signer for lock signatures and certified copies, or the signer of the
  // seal whose signer certificate's subject is `dn` when given.
  virtual Result<std::shared_ptr<keys::Signer>> lock_signer(const std::optional<std::string>& dn,
                                                            Time now) = 0;
  // Makes a seal with the platform's seal maker (service/seal_maker.h) for the registered
  // certificate whose subject is `cert_dn` and registers it to the caller. kNotFound
  // (seal_code::kCertificateNotFound) when no such certificate is registered.
  virtual Result<RegisteredSeal> make_and_register(const Caller& caller, SealDesign design,
                                                   const std::string& cert_dn, Time now) = 0;

  // find, check_usable and signer_of: what every signing call does.
  Result<SealInUse> usable(const std::string& id, const Caller& caller, Time now);
};

// The code of DocumentArchive::record's refusal when the app already has a document made by a
// request with the same key: a retry that raced the first request and lost.
inline constexpr const char* kRequestAnswered = "document-request-answered";

// A document kept earlier, as a retried request gets it back.
struct KeptDocument {
  std::string id, biznum, verification_code;
  Bytes document;
};

class DocumentArchive {
 public:
  virtual ~DocumentArchive() = default;
  // Keeps a signed document under its business number, audited as `operation` by the caller;
  // returns the document's id. `verification_code`: the code of the QR code printed on it
  // (new_verification_code), by which the public page finds the record. `request_key`: the
  // door's digest of what the client asked (its operation, business number and content), unique
  // per app: when another request with that key recorded a document first (two nodes answering
  // the same retry at once), kInvalidInput with code kRequestAnswered (service/archive.h) and
  // nothing is kept; answered() then has the one that was. `sm3_prefix`: the signing's
  // (PendingSignature::sm3_prefix), when the document was just signed.
  virtual Result<std::string> record(const Caller& caller, const std::string& biznum,
                                     ByteView document, const std::string& operation, Time now,
                                     const std::string& verification_code = {},
                                     const std::string& request_key = {},
                                     const crypto::HashedPrefix& sm3_prefix = {}) = 0;
  // The caller's document made by the request whose key is `request_key`, read back and checked
  // against its SM3; nullopt when no request with that key made one.
  virtual Result<std::optional<KeptDocument>> answered(const Caller& caller,
                                                       const std::string& request_key) = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends a row (hash-chained) for `actor` (Caller::actor()); `biznum` has its own column.
  virtual Status append(const std::string& actor, const std::string& operation,
                        const std::string& object, const std::string& detail, Time now,
                        const std::string& biznum = {}) = 0;
  // What a call that writes nothing else does at its end, in one commit: remembers the caller's
  // `nonce` as Credentials::remember_nonce does and, when it is new, appends the row. False, and
  // no row, when the nonce was seen before: the call is a replay. `kept`: what the nonce keeps of
  // the request (Credentials::recall_request).
  virtual Result<bool> append_with_nonce(const Caller& caller, const std::string& nonce,
                                         Time keep_until, const std::string& operation,
                                         const std::string& object, const std::string& detail,
                                         Time now, const std::string& biznum = {},
                                         const KeptRequest& kept = {}) = 0;
  // Audits a refused request without letting a flood grow the chain: the first refusal of an
  // (actor, reason) pair in a minute is written at once, the rest of that minute are counted and
  // written as one row ("… ×N") with the next refusal of the pair after the minute. `reason` is
  // a short fixed code (e.g. "hmac", "unknown-app"); `actor` must come from a bounded set (an
  // app that exists, or "app:-" for callers that named none).
  virtual Status refusal(const std::string& actor, const std::string& operation,
                         const std::string& reason, const std::string& detail, Time now) = 0;
};

class TrustStore {
 public:
  virtual ~TrustStore() = default;
  // Trust anchors, intermediates and CRLs for verification.
  virtual ses::TrustPolicy trust() = 0;
};

// The platform as a door sees it.
struct Platform {
  Credentials& credentials;
  SealRegistry& seals;
  DocumentArchive& documents;
  AuditLog& audit;
  TrustStore& trust;
};

}  // namespace eseal::service
