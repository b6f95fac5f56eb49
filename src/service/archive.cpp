#include "service/archive.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "service/documents.h"

namespace eseal::service {

Result<std::string> archive_document(store::Store& store, const ArchivedDocument& what,
                                     ByteView document, Time now,
                                     const crypto::HashedPrefix& sm3_prefix) {
  auto sm3 = store.blobs().put(document, sm3_prefix);
  if (!sm3) return sm3.error();
  auto id = store::new_id();
  if (!id) return id.error();
  auto format = detect_format(document);
  store::DocumentRecord record{
      *id, what.app_id, what.biznum, *sm3, static_cast<std::int64_t>(document.size()),
      format ? *format : DocumentFormat::kPdf, now, what.verification_code,
      // The SHA-256 is for the public verification page, which finds a document by the code
      // printed on it: another pass over the document only for those that have one.
      what.verification_code.empty()
          ? std::string()
          : crypto::to_hex(crypto::hash(crypto::HashAlgorithm::kSha256, document)),
      what.request_key};
  std::string detail = "document " + *sm3;
  if (!what.verification_code.empty()) detail += ", verification code " + what.verification_code;
  auto added =
      store.documents().add(record, {now, what.actor, what.operation, *id, detail, what.biznum});
  if (!added && !what.request_key.empty()) {
    auto earlier = store.documents().find_by_request(what.app_id, what.request_key);
    if (earlier && *earlier) return added.error().with_code(kRequestAnswered);
  }
  if (!added) return added.error();
  return *id;
}

}  // namespace eseal::service
