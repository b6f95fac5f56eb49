// The certificates of COSS users' joint keys, as the business system asks about them
// (getCertInfo, queryCert, validationCert) and as the COSS verifications trust them: the user
// CA's revocation list is made from the keys that ended (a deleted device, a found-back phone's
// lost keys: their certificates are revoked from the moment the key ended), and a certificate is
// good when it is within its validity, chains to the platform's anchors or the user CA, and — for
// the user CA's own certificates — is not on that list.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "service/coss_keys.h"
#include "service/platform.h"
#include "ses/verify.h"
#include "store/store.h"

namespace eseal::service {

// Why a certificate is not good (Error::code of check()).
namespace cert_code {
inline constexpr const char* kExpired = "cert-expired";
inline constexpr const char* kNotYetValid = "cert-not-yet-valid";
inline constexpr const char* kRevoked = "cert-revoked";
inline constexpr const char* kUntrusted = "cert-untrusted";  // no path to an anchor
inline constexpr const char* kChain = "cert-chain";          // a path that does not validate
inline constexpr const char* kRevocationUnknown = "cert-revocation-unknown";
inline constexpr const char* kNoDevice = "cert-no-device";  // no such device, or no certificate
}  // namespace cert_code

// Trust anchors, intermediates and CRLs held together, for a ses::TrustPolicy that points into
// them.
struct TrustMaterial {
  std::vector<pki::Certificate> trusted, intermediates;
  std::vector<pki::Crl> crls;
  // Revocation is asked of the certificates whose issuer's CRL is here (the user CA's), not of
  // every other CA's.
  ses::TrustPolicy policy() const { return {trusted, intermediates, crls, false}; }
};

class CossCertificates {
 public:
  CossCertificates(store::Store& store, CossKeys& keys, TrustStore& trust, UserCertificates& ca)
      : store_(store), keys_(keys), trust_(trust), ca_(ca) {}

  // The user CA's CRL as of `now` (valid for a day): every REVOKED key's certificate, revoked
  // when its key ended. kNotFound without a user CA.
  Result<pki::Crl> revocation_list(Time now);

  // The platform's anchors, the user CA (a self-signed one as an anchor, any other as an
  // intermediate) and its CRL as of `now`.
  Result<TrustMaterial> trust(Time now);

  // `cert` at `now`: valid, chained and (for the user CA's) not revoked; otherwise kInvalidInput
  // or kVerificationFailed with a cert_code and the reason.
  Status check(const pki::Certificate& cert, Time now);

  // The certificate of the app's user's device (kNotFound with kNoDevice when there is none,
  // or when the device's key has no certificate yet).
  Result<CossKey> device(const Caller& app, const std::string& user_id,
                         const std::string& device_id);

 private:
  store::Store& store_;
  CossKeys& keys_;
  TrustStore& trust_;
  UserCertificates& ca_;
};

}  // namespace eseal::service
