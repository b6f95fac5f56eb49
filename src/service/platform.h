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
  // True the first time `random` is seen for the app within `window`; false for a replay.
  virtual Result<bool> remember_nonce(const std::string& syscode, const std::string& random,
                                      Time now, std::chrono::seconds window) = 0;

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
  // Appends an audit row (hash-chained).
  virtual Status audit(const std::string& actor, const std::string& operation,
                       const std::string& object, const std::string& detail) = 0;
};

}  // namespace eseal::service
