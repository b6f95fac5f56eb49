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

// The verdict of a verification, as EU DSS gives it (the main indications of ETSI EN 319 102-1),
// from best to worst:
//   valid          every check that bears on it passed
//   indeterminate  cryptographically sound, but something could not be established: a check
//                  skipped for want of a trust anchor, a certificate or the signed data, a root
//                  that was not given, a certificate outside its validity at a time that only
//                  the signer claims (no time stamp proves it)
//   failed         a signature does not verify, a covered byte changed or a file is uncovered,
//                  a digest or seal does not match, a certificate was revoked
// A document's verdict is the worst of its signatures'.
enum class Indication { kValid, kIndeterminate, kFailed };
std::string_view indication_name(Indication i);  // "valid", "indeterminate", "failed"

enum class CheckResult { kPassed, kFailed, kSkipped, kIndeterminate };
// "passed", "failed", "skipped", "indeterminate"
std::string_view result_name(CheckResult r);

struct Check {
  std::string name;  // stable key, e.g. "maker-signature", "seal.validity"
  CheckResult result = CheckResult::kSkipped;
  std::string detail;  // what was compared, or why it failed or was skipped
  // A stable name for what this check found, e.g. "unknown-root", "no-chain-checked". An
  // indeterminate check always has one; a skipped check has one when what it skipped leaves the
  // verdict open (a skipped time stamp that nothing relies on does not); a failed check may have
  // a more specific one than its name ("cert-revoked").
  std::string finding;

  static Check passed(std::string n, std::string d) {
    return {std::move(n), CheckResult::kPassed, std::move(d), {}};
  }
  static Check failed(std::string n, std::string d) {
    return {std::move(n), CheckResult::kFailed, std::move(d), {}};
  }
  // Skipped with no bearing on the verdict, or, given a finding, leaving it indeterminate.
  static Check skipped(std::string n, std::string d) {
    return {std::move(n), CheckResult::kSkipped, std::move(d), {}};
  }
  static Check indeterminate(std::string n, std::string finding, std::string d) {
    return {std::move(n), CheckResult::kIndeterminate, std::move(d), std::move(finding)};
  }
  // This check with its finding named: skipped("signer-chain", …).with_finding("no-chain-…").
  Check with_finding(std::string f) && {
    finding = std::move(f);
    return std::move(*this);
  }

  // kFailed for a failed check; kIndeterminate for an indeterminate one or a skipped one with a
  // finding; else kValid.
  Indication indication() const;
  // The finding this check adds to a verdict: `finding`, or a failed check's name; "" if none.
  std::string finding_name() const;
};

// What some checks, signatures or documents add up to: the worst indication and every finding
// that made it so, each once, in the order met.
struct Outcome {
  Indication indication = Indication::kValid;
  std::vector<std::string> findings;

  void add(Indication i, const std::string& finding);
  void add(const Outcome& other);
};

struct Verdict {
  std::vector<Check> checks;
  Outcome outcome() const;
  // Every check that bears on it passed: the outcome is kValid.
  bool valid() const;
  const Check* find(std::string_view name) const;
};

// Trust anchors and revocation data for certificate paths. With no anchors, paths are not
// checked (skipped, finding "no-chain-checked": the verdict is at best indeterminate) but
// certificate validity periods still are.
struct TrustPolicy {
  std::span<const pki::Certificate> trusted;
  std::span<const pki::Certificate> intermediates;
  std::span<const pki::Crl> crls;
  // pki::ChainPolicy::end_crl_required: false holds only the issuers whose CRL is given to it.
  bool end_crl_required = true;
};

// Where the time a certificate or seal is judged at comes from, and so what a period that does
// not cover it means:
//   kChosen   the caller chose it (now, `seal verify --at`): outside the period is failed;
//   kClaimed  the signer claims it, nothing proves the signature was made then: outside the
//             period is indeterminate ("…-expired-no-timestamp", "…-not-yet-valid-no-timestamp");
//   kProven   a time stamp proves the signature existed then (ETSI EN 319 102-1 §5.2.8): a
//             period that starts after it is failed ("…-not-yet-valid": the signature is older
//             than the certificate or seal), one that ended before it is indeterminate
//             ("…-expired-before-time-stamp": it may have been made earlier, nothing shows when).
enum class TimeBasis { kChosen, kClaimed, kProven };

// The checks every signature format shares (PDF and OFD use them for CMS signatures too):
// `cert` was valid at `at` (the `when` names that moment in the detail) and may sign; and it
// chains to a trust anchor at `at` through the policy's intermediates and `carried` (the
// certificates the signature itself carries), skipped without anchors. A certificate outside
// its validity at `at` is judged by `basis` (findings "cert-…" for the certificate,
// "chain-cert-…" for one above it); a key usage that does not allow signing, an unknown root or
// a CRL that cannot say are indeterminate ("cert-key-usage", "unknown-root",
// "revocation-unknown", "chain-invalid"); a revoked certificate ("cert-revoked") or a
// certificate signature that does not verify ("chain-signature-invalid") fails.
Check certificate_check(std::string name, const pki::Certificate& cert, Time at,
                        std::string_view when, TimeBasis basis = TimeBasis::kClaimed);
Check chain_check(std::string name, const pki::Certificate& cert, Time at, const TrustPolicy& trust,
                  std::span<const pki::Certificate> carried = {},
                  TimeBasis basis = TimeBasis::kClaimed);

// Checks a seal as of `at`, a time the caller chose (now, or `seal verify --at`):
//   structure          header "ES", a version matching the structure, SM3withSM2
//   maker-signature    the maker's signature over the exact signed bytes
//   maker-certificate  the maker's certificate parses, was valid at createDate, may sign; the
//                      maker claims createDate, so a certificate not valid then is indeterminate
//                      ("seal-maker-cert-not-yet-valid-at-seal-making",
//                      "seal-maker-cert-expired-at-seal-making")
//   maker-chain        the maker's certificate chains to a trust anchor at createDate (the
//                      maker's own certificate outside its validity is named as above)
//   validity           validStart <= at <= validEnd (failed otherwise: the seal is not valid then)
//   picture            a picture with data and a positive size
//   signer-list        the signer list is present and readable
Verdict verify_seal(const SesSeal& seal, Time at, const TrustPolicy& trust);

// Checks a seal signature; the seal's checks are included with the prefix "seal.", judged at
// the signing time the signer claims (TimeBasis::kClaimed: a seal outside its validity then is
// indeterminate, "seal-expired-no-timestamp", "seal-not-yet-valid-no-timestamp"):
//   structure           versions agree, SM3withSM2, a signing time
//   signer-signature    the signer's signature over the exact TBS_Sign bytes
//   signer-in-seal      the signer's certificate is in the seal's list (bytes or digest)
//   signer-certificate  the signer's certificate was valid at the signing time
//   signer-chain        it chains to a trust anchor at the signing time
//   time-stamp          a time-stamp token, when present, is well-formed (see `stamp`)
//   data-hash           dataHash equals `data_hash` (SM3 of the protected data) when given;
//                       skipped without it ("signed-data-not-given")
//
// With `stamp` (the time-stamp token over the signature value, checked by the caller: ses/ sits
// below tsa/), its check is the time-stamp check, and when it proves a time the signer's
// certificate, its chain and the seal are judged at that genTime instead of the claimed
// signing time (TimeBasis::kProven).
struct ProvenTime {
  Check check;             // "time-stamp": passed, indeterminate or failed, with why
  std::optional<Time> at;  // genTime, when the token holds
  std::string tsa;         // who vouches for it
};
Verdict verify_signature(const SesSignature& signature, const TrustPolicy& trust,
                         std::optional<ByteView> data_hash = std::nullopt,
                         const std::optional<ProvenTime>& stamp = std::nullopt);

}  // namespace eseal::ses
