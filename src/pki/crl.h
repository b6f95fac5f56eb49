// X.509 v2 certificate revocation lists (RFC 5280 §5) signed with SM3withSM2: issue, parse,
// and look up a certificate.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"

namespace eseal::pki {

// CRLReason (RFC 5280 §5.3.1).
enum class RevocationReason {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,
  kSuperseded = 4,
  kCessationOfOperation = 5,
  kCertificateHold = 6,
  kRemoveFromCrl = 8,
  kPrivilegeWithdrawn = 9,
  kAaCompromise = 10,
};

Result<RevocationReason> parse_revocation_reason(std::string_view name);
std::string_view revocation_reason_name(RevocationReason reason);

struct RevokedCertificate {
  Bytes serial;  // big-endian magnitude
  Time revoked_at;
  RevocationReason reason = RevocationReason::kUnspecified;
};

// An immutable CRL. Cheap to copy.
class Crl {
 public:
  static Result<Crl> from_der(ByteView der);
  // PEM ("X509 CRL"), DER, or base64 of DER.
  static Result<Crl> parse(ByteView data);
  // Takes a reference on an OpenSSL CRL.
  static Crl from_native(X509_CRL* crl);

  Bytes der() const;
  std::string pem() const;
  DistinguishedName issuer() const;
  Time this_update() const;
  std::optional<Time> next_update() const;
  std::uint64_t number() const;  // cRLNumber; 0 when absent
  std::vector<RevokedCertificate> revoked() const;
  std::optional<RevokedCertificate> find(ByteView serial) const;

  // Checks that `issuer` issued and signed this CRL (SM3withSM2 under the standard user ID, or,
  // lenient in, the empty ID the OpenSSL 3.0 command line uses).
  Status verify_signature(const Certificate& issuer) const;

  X509_CRL* native() const { return crl_.get(); }

 private:
  explicit Crl(std::shared_ptr<X509_CRL> crl) : crl_(std::move(crl)) {}
  std::shared_ptr<X509_CRL> crl_;
};

struct CrlRequest {
  std::vector<RevokedCertificate> revoked;
  Time this_update;
  Time next_update;
  std::uint64_t number = 1;
};

Result<Crl> issue_crl(const CrlRequest& request, const Certificate& issuer,
                      const crypto::Sm2PrivateKey& issuer_key);

// Whether `cert` was revoked at time `at` according to `crl`: the CRL must be signed by
// `issuer` and still speak for `at` (at <= nextUpdate; a CRL issued after `at` is fine, so a
// signature made in the past is checked against today's list). The certificate counts as revoked
// when it is listed with a revocation date at or before `at`; that is kVerificationFailed with
// the date and reason in the message.
Status check_revocation(const Certificate& cert, const Crl& crl, const Certificate& issuer,
                        Time at);

// The two halves of check_revocation, for callers that must tell a revoked certificate from a
// CRL that cannot say (ses/verify.h weighs them differently): the CRL is `issuer`'s, signed by
// it and current at `at`; then `cert` is not listed as revoked at or before `at`.
Status check_crl_applies(const Certificate& cert, const Crl& crl, const Certificate& issuer,
                         Time at);
Status check_not_listed(const Certificate& cert, const Crl& crl, Time at);

}  // namespace eseal::pki
