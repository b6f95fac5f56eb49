// What the interface doors need from the platform's state: integrating apps and their
// credentials, replay protection, registered seals with their signers, documents and the audit
// log. One implementation (service/store_platform.h) sits on store/; the doors never see the
// database.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "service/documents.h"
#include "ses/seal.h"
#include "store/store.h"

namespace eseal::service {

struct App {
  std::string syscode, name;
  bool enabled = false;
  std::vector<std::string> scopes;  // operation names, or "*"
  Bytes hmac_key;
  std::optional<pki::Certificate> cert;  // verifies the app's request signatures
  bool allows(const std::string& operation) const;
};

struct RegisteredSeal {
  std::string id, name;
  std::string owner_app;  // syscode of the app that may use it; "" for any app
  store::SealStatus status = store::SealStatus::kValid;  // the effective status now
  ses::SesSeal seal;
  std::string signer_dn;  // subject of the signer certificate listed in the seal
};

class Platform {
 public:
  virtual ~Platform() = default;

  // kNotFound for an unknown syscode.
  virtual Result<App> find_app(const std::string& syscode) = 0;
  virtual bool authcode_matches(const std::string& syscode, const std::string& authcode) = 0;
  // True the first time `random` is seen for the app; false for a replay. The nonce is kept
  // until `keep_until` inclusive: the last moment the request carrying it could be accepted.
  virtual Result<bool> remember_nonce(const std::string& syscode, const std::string& random,
                                      Time now, Time keep_until) = 0;

  // kNotFound when no seal has that id or signer DN.
  virtual Result<RegisteredSeal> find_seal(const std::string& id) = 0;
  virtual Result<RegisteredSeal> find_seal_by_signer(const std::string& dn) = 0;
  // The server-held signer of a seal; kNotFound when the platform holds no key for it.
  virtual Result<SealSigner> signer_of(const RegisteredSeal& seal) = 0;
  // The platform's own signer for lock signatures and certified copies, or the signer whose
  // certificate subject is `dn` when given.
  virtual Result<SealSigner> lock_signer(const std::optional<std::string>& dn) = 0;
  // LD/T applySeal: the platform's seal maker makes a seal named `name` for the registered
  // certificate whose subject is `cert_dn` — drawn from `template_name` (a seal type's
  // template, image/seal_picture.h) or, when `photo` is given, that picture — and registers it
  // to the app. kNotFound when no certificate with that subject is registered.
  virtual Result<RegisteredSeal> apply_seal(const std::string& syscode, const std::string& name,
                                            const std::string& template_name, ByteView photo,
                                            const std::string& cert_dn, Time now) = 0;
  // Trust anchors for verification.
  virtual ses::TrustPolicy trust() = 0;

  // Records a signed document under its business number.
  virtual Status record_document(const std::string& syscode, const std::string& biznum,
                                 ByteView document, const std::string& operation) = 0;
  // Appends an audit row (hash-chained); `biznum` goes in its own column.
  virtual Status audit(const std::string& actor, const std::string& operation,
                       const std::string& object, const std::string& detail,
                       const std::string& biznum = {}) = 0;
  // Audits a refused request without letting a flood grow the chain: the first refusal of an
  // (actor, reason) pair in a minute is written at once, the rest of that minute are counted and
  // written as one row ("… ×N") with the next refusal of the pair after the minute. `reason` is
  // a short fixed code (e.g. "hmac", "unknown-app"); `actor` must come from a bounded set (an
  // app that exists, or "-" for callers that named none).
  virtual Status audit_refusal(const std::string& actor, const std::string& operation,
                               const std::string& reason, const std::string& detail, Time now) = 0;
};

}  // namespace eseal::service
