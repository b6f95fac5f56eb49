// The built-in CA: issues SM2 certificates (SM3withSM2, default user ID) for the roles an
// e-seal system needs. Profiles follow GM/T 0015-2012 and RFC 5280; the table is in issue.cpp.
#pragma once

#include <optional>
#include <string_view>

#include "base/time.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"

namespace eseal::pki {

enum class CertificateProfile {
  kRootCa,          // "root-ca": self-signed trust anchor
  kSubCa,           // "sub-ca": intermediate CA, path length 0
  kSealMaker,       // "seal-maker": signs SES_Seal (制章者)
  kSeal,            // "seal": signs documents with a seal (签章者 signing certificate)
  kSealEncryption,  // "seal-enc": the encryption half of a seal's dual certificates
  kUser,            // "user": a person's signing certificate
  kTsa,             // "tsa": time-stamp authority (critical EKU timeStamping)
};

Result<CertificateProfile> parse_profile(std::string_view name);
std::string_view profile_name(CertificateProfile profile);

struct CertificateRequest {
  CertificateProfile profile = CertificateProfile::kUser;
  DistinguishedName subject;
  crypto::Sm2PublicKey subject_key;
  Time not_before;
  Time not_after;
  Bytes serial;  // empty: 16 random bytes (positive, as RFC 5280 §4.1.2.2 requires)
};

// Issues `request` signed by `issuer_key`. `issuer` is the issuing CA's certificate, or nullopt
// for a self-signed root (then `issuer_key` must be the subject's own key).
Result<Certificate> issue_certificate(const CertificateRequest& request,
                                      const std::optional<Certificate>& issuer,
                                      const crypto::Sm2PrivateKey& issuer_key);

}  // namespace eseal::pki
