// Certificate path validation (RFC 5280 §6) at a given time, with SM3withSM2 signatures checked
// under the standard user ID, and optional revocation checking against CRLs.
#pragma once

#include <span>

#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace eseal::pki {

struct ChainPolicy {
  Time at;  // the time the chain must be valid at (signing time, or now)
  // When not empty, every certificate below the trust anchor is checked against the CRLs of its
  // issuer (see check_revocation), and the end certificate must be covered by one.
  std::span<const Crl> crls;
};

// Builds a path from `cert` through `intermediates` to one of `trusted` and validates it:
// signatures, validity at `policy.at`, CA constraints and, with CRLs, revocation. Failures are
// kVerificationFailed with the reason and the subject of the certificate concerned.
Status verify_chain(const Certificate& cert, std::span<const Certificate> intermediates,
                    std::span<const Certificate> trusted, const ChainPolicy& policy);

}  // namespace eseal::pki
