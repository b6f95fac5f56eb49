// Signatures laid out now and signed later by a signer that is not here — a phone holding half a
// key, a USB key in the business system's hands — then completed: DB4403 genCalculateFileHash
// holds them, genDetachedFile completes them. Each is a task of kind "held.signature" (HELD →
// DONE; EXPIRED at its time) owned by the app that laid it out and found by the app's own file
// id; the prepared and the signed documents are blobs. The digest a remote signer signs is
// e = SM3(Z ‖ to-be-signed), Z of the signer certificate's key with the standard user ID, so that
// signing e as a hash gives the standard SM3withSM2 signature the document's value carries.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"
#include "service/signing.h"
#include "service/tasks.h"

namespace eseal::service {

const TaskKind& held_signature_kind();

struct HeldSignature {
  std::string id;       // the task id
  std::string file_id;  // the app's name for the file (DB4403 fileUniqueId)
  std::string title;
  DocumentFormat format = DocumentFormat::kPdf;
  Bytes digest;       // e, 32 bytes
  Bytes certificate;  // DER of the signer's certificate the signature was laid out for
  std::string seal_id;
  std::int64_t seal_type = 0;
  std::string state;  // HELD, DONE, EXPIRED
  Time expires{};
  std::string prepared_blob, signed_blob;  // SM3 of the documents in the blob store
};

class HeldSignatures {
 public:
  explicit HeldSignatures(store::Store& store) : store_(store), tasks_(store) {}

  // Keeps `pending` (laid out for `signer` with `seal`) until `expires`, under `file_id`; a file
  // id the app used before now names this one.
  Result<HeldSignature> hold(const Caller& app, const std::string& file_id,
                             const std::string& title, const PendingSignature& pending,
                             const pki::Certificate& signer, const RegisteredSeal& seal,
                             Time expires, Time now);
  // The app's newest held signature under `file_id` as of `now`; kNotFound when it has none.
  Result<HeldSignature> find(const Caller& app, const std::string& file_id, Time now);
  // The app's newest held signature whose digest is `digest`, as of `now`; kNotFound when none:
  // a remote signer is only asked to sign what the platform laid out.
  Result<HeldSignature> find_by_digest(const Caller& app, ByteView digest, Time now);
  // The document completed with `signature` (SM3withSM2 over the to-be-signed bytes by the
  // certificate held, DER or r‖s; complete() checks it) and a time stamp from `stamper`: DONE,
  // the signed document kept. A held signature already DONE answers its document again.
  // kInvalidInput (code "held-expired") once it has expired; complete()'s refusals otherwise.
  Result<Bytes> complete(const Caller& app, const HeldSignature& held, ByteView signature,
                         const doc::TimeStamper& stamper, Time now);

 private:
  Result<HeldSignature> held_of(const store::TaskRecord& task);
  Result<HeldSignature> newest(store::TaskQuery query, Time now, const std::string& what);
  store::Store& store_;
  Tasks tasks_;
};

}  // namespace eseal::service
