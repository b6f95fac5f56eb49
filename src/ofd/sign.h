// Electronic seal signatures and licence lock signatures in OFD (GB/T 33190-2016 §18, GB/T
// 38540-2020, GB/T 35275; docs/ENCODINGS.md §4 and §5). Signing writes new files — the
// signature's Signature.xml, SignedValue.dat and Seal.esl — and new whole versions of the two
// files no seal covers, Signatures.xml and (for the first signature) OFD.xml; every other entry
// is copied byte for byte. Like PDF, two phases: prepare writes everything and returns what the
// signer signs, keeping a pending record in SignedValue.dat; complete puts the value in its place.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/placement.h"
#include "doc/signature_value.h"
#include "pki/certificate.h"
#include "ses/seal.h"

namespace eseal::ofd {

enum class SignatureKind {
  // Type="Seal": an SES_Signature whose References cover every file but Signatures.xml, so
  // that more seals may follow (OFDRW ContinueSign, as the tax bureau's files do).
  kSeal,
  // Type="Sign": the licence lock signature (锁定签名), a GB/T 35275 SignedData in the PKCS#9
  // form whose References cover every file including Signatures.xml; nothing may follow it.
  kLock,
};

struct SignRequest {
  SignatureKind kind = SignatureKind::kSeal;
  std::vector<doc::Stamp> stamps;      // kSeal: where the seal shows, one StampAnnot each
  const ses::SesSeal* seal = nullptr;  // kSeal: the seal, also written to Seal.esl
  pki::Certificate signer;
  Time signing_time{};
  int document = 0;  // 0-based DocBody
  // kSeal: verification codes printed with the signature, as Stamp annotations of their pages
  // that the signature's References cover. Earlier seals cover Document.xml, which lists the
  // annotations, so only the document's first signature can print them.
  std::vector<doc::CodeMark> marks = {};
};

struct PreparedSignature {
  Bytes ofd;           // the new package, SignedValue.dat holding the pending record
  Bytes to_be_signed;  // what the signer signs with SM3withSM2: TBS_Sign or the attribute SET
  std::string id;      // Signatures.xml Signature/@ID
  std::string signature_path;  // the new Signature.xml's entry name
  Bytes document_digest;       // SM3 of that Signature.xml: the dataHash or messageDigest
};

// kInvalidInput for a package that cannot be read, a document or page that does not exist, marks
// on a document already signed or that doc::check_mark refuses, a
// seal request without a seal or stamps or whose seal does not list the signer's certificate,
// and a document that is locked (some signature covers its Signatures.xml) or still has a
// prepared signature waiting for completion.
Result<PreparedSignature> prepare_signature(ByteView ofd, const SignRequest& request);

// Puts `signature` — the signer's SM3withSM2 signature over to_be_signed, DER or r||s — into the
// package prepare_signature made, after checking it against the signer's certificate; with a
// time stamper, its token is added to the value (doc/signature_value.h). `at` is the rewritten
// entry's modification time.
Result<Bytes> complete_signature(ByteView prepared_ofd, ByteView signature, Time at,
                                 const doc::TimeStamper& time_stamper = {});

// LD/T delLockSign: removes the lock signature — the document's last signature, which must
// cover Signatures.xml — its files and its Signatures.xml entry, so that the package is again
// open to seals and the earlier seals verify as before. MaxSignId keeps its value (it records
// the largest ID ever used). kInvalidInput when the document has no lock.
// `at` is the rewritten entries' modification time.
Result<Bytes> remove_lock(ByteView ofd, Time at, int document = 0);

}  // namespace eseal::ofd
