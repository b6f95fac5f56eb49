// Signed documents kept on the store (the documents table and its blob): the one way every door
// and job records one, so that any of them can be found again — by business number, or by the
// verification code printed on it (the public verification page).
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"
#include "store/store.h"

namespace eseal::service {

struct ArchivedDocument {
  std::string actor;      // who, for the audit row ("app:…", "console:…", "mobile:…")
  std::string app_id;     // the owning app; "" for none
  std::string biznum;     // the business number it is kept under; may be ""
  std::string operation;  // the audit row's operation
  std::string verification_code = {};  // the code printed on it, when one is
  // The door's digest of the request that made it (DocumentArchive::record); "" for none.
  std::string request_key = {};
};

// Stores `document` as a blob and its record, audited in the same transaction; returns the
// record's id. kInvalidInput with code kRequestAnswered when `what.request_key` is taken.
// `sm3_prefix`: SM3 over the document's first bytes when its signing had one
// (PendingSignature::sm3_prefix), so that the blob's name hashes only the rest.
Result<std::string> archive_document(store::Store& store, const ArchivedDocument& what,
                                     ByteView document, Time now,
                                     const crypto::HashedPrefix& sm3_prefix = {});

}  // namespace eseal::service
