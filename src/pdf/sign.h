// Electronic seal signatures in PDF (ISO 32000-1 §12.8, with the Chinese practices of
// docs/ENCODINGS.md §3), always as an incremental update so that earlier bytes — and earlier
// signatures — are never touched. Two phases: prepare lays out the seal, adds the signature
// field and its widgets, reserves /Contents and returns what the signer signs; complete puts the
// signature in place without changing the file's length. One-call signing is prepare, sign,
// complete: there is no second path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "doc/placement.h"
#include "doc/signature_value.h"
#include "image/picture_limits.h"
#include "pdf/contents.h"
#include "pki/certificate.h"
#include "ses/seal.h"

namespace eseal::pdf {

struct SignRequest {
  std::vector<doc::Stamp> stamps;      // where the seal shows; all stamps belong to one signature
  const ses::SesSeal* seal = nullptr;  // its picture is drawn; kSes also embeds the seal
  pki::Certificate signer;
  doc::SignatureFormat format = doc::SignatureFormat::kSes;
  Time signing_time{};
  std::string reason;    // optional /Reason
  std::string location;  // optional /Location
  // Verification codes printed with the signature: /Stamp annotations (print, read-only, locked)
  // in the signature's revision, so its byte range covers them.
  std::vector<doc::CodeMark> marks = {};
  // A seal picture with more pixels is refused rather than decoded ([limits] seal_picture_mpixels).
  std::uint64_t max_picture_pixels = image::kSealPicturePixels;
};

struct PreparedSignature {
  Bytes pdf;  // the input plus the incremental update; /Contents holds the unsigned container
  std::array<std::size_t, 4> byte_range{};
  Bytes document_digest;  // SM3 over the byte ranges
  Bytes to_be_signed;     // what the signer signs with SM3withSM2: TBS_Sign, or the DER SET of
                          // signed attributes
  std::string field_name;
  // SM3 over the bytes before /Contents, which completing leaves as they are: the signed
  // document's SM3 (its blob's name) needs one pass over the rest only.
  crypto::HashedPrefix sm3_prefix = {};
};

// Encrypted or unreadable input, stamps or marks on pages that do not exist, a mark that
// doc::check_mark refuses, a seal that does not list the signer's certificate, a seal picture
// that is not PNG or has more than max_picture_pixels, and a document whose last
// cross-reference section cannot be found are kInvalidInput.
Result<PreparedSignature> prepare_signature(ByteView pdf, const SignRequest& request);

// Puts `signature` — the signer's SM3withSM2 signature over to_be_signed, DER or r||s — into
// the document prepare_signature made (its last signature, whose byte range ends at the end of
// the file). The signature is checked against the signer's certificate first; the length of the
// document does not change. A time stamper's token is added to the value (doc/signature_value.h);
// a value that no longer fits the room prepare reserved is kInvalidInput.
Result<Bytes> complete_signature(ByteView prepared_pdf, ByteView signature,
                                 const doc::TimeStamper& time_stamper = {});
// The same, completing `prepared_pdf` where it is instead of a copy of it.
Result<Bytes> complete_signature(Bytes&& prepared_pdf, ByteView signature,
                                 const doc::TimeStamper& time_stamper = {});

}  // namespace eseal::pdf
