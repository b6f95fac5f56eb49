// Certified copies of electronic licences (加注件, LD/T watermarkAndLockSign). No published text
// defines one fully (docs/ENCODINGS.md §5); eseal's design, documented in the README:
//   - the copy is the original's document — pages, templates and resources byte for byte — with
//     the original's signatures taken off (their references could not hold on a copy);
//   - every page carries a Watermark annotation naming the creator, the cause and the expiry,
//     and a Stamp annotation showing each of the original's seals where it was shown;
//   - OFD.xml DocInfo/CustomDatas records 加注件制作时间, 加注件制作者, 加注件制作事由 and
//     加注件有效期截止时间;
//   - the original package is attached unchanged (Usage "original"), so that the issuer's seals
//     stay verifiable on it;
//   - the copy-maker's licence lock signature covers all of it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "ofd/sign.h"
#include "pki/certificate.h"

namespace eseal::ofd {

// CustomData names of the certified-copy metadata.
inline constexpr std::string_view kCopyCreatedName = "加注件制作时间";
inline constexpr std::string_view kCopyCreatorName = "加注件制作者";
inline constexpr std::string_view kCopyCauseName = "加注件制作事由";
inline constexpr std::string_view kCopyExpiresName = "加注件有效期截止时间";
// The attachment's Usage.
inline constexpr std::string_view kOriginalUsage = "original";

struct CopyRequest {
  std::string creator;      // 加注件制作者
  std::string cause;        // 加注件制作事由
  int years = 1;            // validity from `created`, in years (1..100)
  Time created{};           // 加注件制作时间, also the lock's signing time
  pki::Certificate signer;  // the copy-maker, whose lock signature closes the copy
};

// The copy, prepared: complete_signature() puts the copy-maker's lock signature in place.
// kInvalidInput for a package with several documents, an original whose signatures do not all
// verify (a copy certifies a valid original), an empty creator or cause, or years out of range.
Result<PreparedSignature> prepare_certified_copy(ByteView original, const CopyRequest& request);

class Package;
struct DocBody;
struct CertifiedCopy;
struct VerifyReport;

// The copy's own checks, for verify_ofd (CertifiedCopy in ofd/verify.h): copy.metadata (all four
// CustomDatas), copy.validity (not expired at `at`; without a time it is skipped with the finding
// "no-verification-time") and copy.original (attached, and its outcome as `verify_original`
// reports it: valid passes, indeterminate is "copy-original-indeterminate", failed fails).
CertifiedCopy verify_certified_copy(
    const Package& package, const DocBody& body, std::optional<Time> at,
    const std::function<Result<VerifyReport>(ByteView original)>& verify_original);

}  // namespace eseal::ofd
