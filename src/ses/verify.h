// Verification of seals and seal signatures (GB/T 38540-2020 §8, the flow restated in
// docs/ENCODINGS.md §2.5): every check is run and reported with its result, so a caller can
// show exactly what held and what did not. Time is a parameter: seals are judged at the signing
// time of a signature, or at a time the caller chooses.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "ses/seal.h"
#include "ses/signature.h"

namespace eseal::ses {

enum class CheckResult { kPassed, kFailed, kSkipped };
std::string_view result_name(CheckResult r);  // "passed", "failed", "skipped"

struct Check {
  std::string name;  // stable key, e.g. "maker-signature", "seal.validity"
  CheckResult result = CheckResult::kSkipped;
  std::string detail;  // what was compared, or why it failed or was skipped

  static Check passed(std::string n, std::string d) {
    return {std::move(n), CheckResult::kPassed, std::move(d)};
  }
  static Check failed(std::string n, std::string d) {
    return {std::move(n), CheckResult::kFailed, std::move(d)};
  }
  static Check skipped(std::string n, std::string d) {
    return {std::move(n), CheckResult::kSkipped, std::move(d)};
  }
};

struct Verdict {
  std::vector<Check> checks;
  // True when no check failed. Skipped checks (nothing to check against) do not fail a verdict.
  bool valid() const;
  const Check* find(std::string_view name) const;
};

// Trust anchors and revocation data for certificate paths. With no anchors, paths are not
// checked (reported as skipped) but certificate validity periods still are.
struct TrustPolicy {
  std::span<const pki::Certificate> trusted;
  std::span<const pki::Certificate> intermediates;
  std::span<const pki::Crl> crls;
};

// The checks every signature format shares (PDF and OFD use them for CMS signatures too):
// `cert` was valid at `at` (the `when` names that moment in the detail) and may sign; and it
// chains to a trust anchor at `at` through the policy's intermediates and `carried` (the
// certificates the signature itself carries), skipped without anchors.
Check certificate_check(std::string name, const pki::Certificate& cert, Time at,
                        std::string_view when);
Check chain_check(std::string name, const pki::Certificate& cert, Time at, const TrustPolicy& trust,
                  std::span<const pki::Certificate> carried = {});

// Checks a seal as of `at`:
//   structure          header "ES", a version matching the structure, SM3withSM2
//   maker-signature    the maker's signature over the exact signed bytes
//   maker-certificate  the maker's certificate parses, was valid at createDate, may sign
//   maker-chain        the maker's certificate chains to a trust anchor at createDate
//   validity           validStart <= at <= validEnd
//   picture            a picture with data and a positive size
//   signer-list        the signer list is present and readable
Verdict verify_seal(const SesSeal& seal, Time at, const TrustPolicy& trust);

// Checks a seal signature; the seal's checks are included with the prefix "seal.", judged at
// the signing time:
//   structure           versions agree, SM3withSM2, a signing time
//   signer-signature    the signer's signature over the exact TBS_Sign bytes
//   signer-in-seal      the signer's certificate is in the seal's list (bytes or digest)
//   signer-certificate  the signer's certificate was valid at the signing time
//   signer-chain        it chains to a trust anchor at the signing time
//   time-stamp          a time-stamp token, when present, is well-formed
//   data-hash           dataHash equals `data_hash` (SM3 of the protected data) when given
Verdict verify_signature(const SesSignature& signature, const TrustPolicy& trust,
                         std::optional<ByteView> data_hash = std::nullopt);

}  // namespace eseal::ses
