// Two-phase signing, the one signing path of every door and the CLI: `prepare` lays out a
// signature in a document and returns what the signer signs; a signer (keys/signer.h: a key held
// here, a device, a phone, a person far away) signs it, now or much later, here or in another
// process; `complete` puts the signature in place, with a hook that adds a time stamp. The
// prepared document carries everything completion needs (the engines keep a pending record in
// it, with the signer's certificate), so a pending signature is just bytes that can be stored and
// resumed. `sign` is prepare + signer + complete. Format-neutral: PDF or OFD is decided here,
// once per call, by content. Time is a parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "doc/placement.h"
#include "doc/signature_value.h"
#include "image/picture_limits.h"
#include "keys/signer.h"
#include "ofd/package.h"
#include "pdf/document.h"
#include "pki/certificate.h"
#include "service/documents.h"
#include "service/time_stamping.h"
#include "ses/seal.h"

namespace eseal::service {

// What one signature may make the engines do, so that a small request cannot ask for unbounded
// work or output. Every door takes these from the configuration ([limits]).
struct Limits {
  std::size_t max_stamps = 500;              // pictures one signature places (hits, slices)
  std::size_t max_output_bytes = 64u << 20;  // a signed document
  // What the document to sign may hold, checked when it is first opened. The engines' own
  // defaults are the ceilings: these can only be lower.
  pdf::OpenLimits pdf;
  ofd::PackageLimits ofd;
  std::uint64_t seal_picture_pixels = image::kSealPicturePixels;  // a seal picture stamped on a PDF
};

// How the server signs, from the configuration ([signing], [limits]): the same for every door.
struct SigningSettings {
  doc::SignatureFormat pdf_format = doc::SignatureFormat::kSes;  // /Contents of a PDF signature
  Limits limits;
  // Where the time stamps of the server's signatures come from ([signing] time_stamp, [tsa]);
  // none when null. Not owned.
  TimeStampAuthority* time_stamps = nullptr;
  // The time stamper for one signing by `requester` at `now`; empty without an authority.
  doc::TimeStamper stamper(const std::string& requester, Time now) const;
};

// A verification code (核验码): a QR code that opens the public verification page for the signed
// document's record, printed with the seal and covered by its signature (doc::CodeMark). An OFD
// takes one only with its first seal.
struct VerificationCode {
  std::string url;      // what the code holds
  double size_mm = 20;  // the square's side, quiet zone included
  // Its top-left corner; none: the bottom-right corner of the first stamp's page.
  std::optional<doc::PositionRule> at = {};
};

// A seal signature: the seal whose picture is stamped and what the signature value is.
struct SealSignature {
  // Where the seal shows; the stamps of all placements belong to the one signature.
  std::vector<Placement> placements;
  const ses::SesSeal* seal = nullptr;
  doc::SignatureFormat pdf_format = doc::SignatureFormat::kSes;  // OFD seals are always SES
  std::string reason, location;                                  // PDF /Reason and /Location
  std::optional<VerificationCode> code = {};
};

// A certified copy (加注件, ofd/copy.h): who makes it, what for, for how many years.
struct CopyRequest {
  std::string creator, cause;
  int years = 1;
};

// A signature laid out and waiting for its value.
struct PendingSignature {
  DocumentFormat format = DocumentFormat::kPdf;
  Bytes document;         // the prepared document; complete() needs nothing else
  Bytes to_be_signed;     // what the signer signs with SM3withSM2
  Bytes document_digest;  // SM3 of what the signature covers (see digest_of)
  std::string name;       // "field Signature1"; "signature s003, Doc_0/Signs/Sign_2/Signature.xml"
  std::string digest_of;  // "the byte ranges"; "Signature.xml"
  Time prepared_at{};     // the signing time prepare wrote; sign() completes at it
  std::vector<doc::Stamp> stamps = {};  // where a seal's pictures went (none for a lock)
  // SM3 over the document's first bytes, which completing leaves as they are (PDF only): the
  // signed document's SM3 from it (crypto::finish_hash) passes over the rest only.
  crypto::HashedPrefix sm3_prefix = {};
};

// Stamps `request.seal` where its placements say, for `signer`'s certificate (which the seal
// must list). kInvalidInput for a document of neither format, no placement, a placement the
// document cannot meet (no such page, keyword not found, a cross-page seal on one page) with the
// rule's message, a verification code the engines refuse (off its page, an OFD already sealed),
// more than limits.max_stamps pictures ("the placement makes N stamps, more than
// the limit of M") or a prepared document over limits.max_output_bytes ("the signed document
// would be N bytes, more than the limit of M").
Result<PendingSignature> prepare_seal(ByteView document, const SealSignature& request,
                                      const pki::Certificate& signer, Time at,
                                      const Limits& limits = {});

// Where prepare_seal would put the seal's pictures in `document`, by the same rules and limits,
// without preparing anything: a placement's preview. The same refusals as prepare_seal's.
Result<std::vector<doc::Stamp>> plan_stamps(ByteView document, const SealSignature& request,
                                            const Limits& limits = {});

// OFD only (kInvalidInput for PDF): the licence lock signature (锁定签名) and a certified copy,
// closed by `signer`'s lock signature.
Result<PendingSignature> prepare_lock(ByteView ofd, const pki::Certificate& signer, Time at);
Result<PendingSignature> prepare_certified_copy(ByteView ofd, const CopyRequest& request,
                                                const pki::Certificate& signer, Time at);

// Puts `signature` (SM3withSM2 over the pending to_be_signed, DER or r||s) into a prepared
// document, after checking it against the signer's certificate; with `time_stamper`, its token
// over the signature value goes into the value as well. `at` is when (an OFD's rewritten entry
// is dated then).
Result<Bytes> complete(ByteView prepared_document, ByteView signature, Time at,
                       const doc::TimeStamper& time_stamper = {});

// A prepare's result signed by `signer` and completed: the one-call form of each prepare. A
// signer that signs for another certificate than the one prepared for is caught by complete.
// With `sm3_prefix`, the pending signature's (empty for OFD) is handed on with the signed
// document, which begins with the bytes it hashed: for archive_document.
Result<Bytes> sign(Result<PendingSignature> pending, keys::Signer& signer,
                   const doc::TimeStamper& time_stamper = {},
                   crypto::HashedPrefix* sm3_prefix = nullptr);

// OFD only: LD/T delLockSign, the lock signature removed at `at` (ofd::remove_lock).
Result<Bytes> remove_lock(ByteView ofd, Time at);

}  // namespace eseal::service
