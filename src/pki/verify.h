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
  // issuer (see check_revocation), and the end certificate must be covered by one...
  std::span<const Crl> crls;
  // ...unless this is false: then only issuers with a CRL among `crls` are held to it (a
  // platform that publishes the CRL of its own CA and verifies others' certificates too).
  bool end_crl_required = true;
};

// Why a path did not validate. Callers that grade failures (ses/verify.h's verdicts) need to
// tell a revoked certificate or a forged signature from what could merely not be established.
enum class ChainProblem {
  kUntrusted,          // no path to a trusted root: an unknown root or a missing intermediate
  kExpired,            // a certificate of the path had expired at policy.at
  kNotYetValid,        // a certificate of the path was not yet valid at policy.at
  kBadSignature,       // a certificate's signature does not verify under its issuer's key
  kRevoked,            // a certificate was listed as revoked at or before policy.at
  kRevocationUnknown,  // no CRL for the end certificate, or one out of date or not its issuer's
  kInvalid,            // anything else: CA constraints, path length, an unreadable certificate
};

// Builds a path from `cert` through `intermediates` to one of `trusted` and validates it:
// signatures, validity at `policy.at`, CA constraints and, with CRLs, revocation. Failures are
// kVerificationFailed with the reason and the subject of the certificate concerned; `problem`,
// when given, is set to why.
Status verify_chain(const Certificate& cert, std::span<const Certificate> intermediates,
                    std::span<const Certificate> trusted, const ChainPolicy& policy,
                    ChainProblem* problem = nullptr);

}  // namespace eseal::pki
