// Keeping a signed PDF verifiable for years (pdf/long_term.h): a document time stamp from the
// platform's or an outside authority, and the validation data its signatures need.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "pdf/long_term.h"
#include "service/time_stamping.h"

namespace eseal::service {

// `pdf` with a document time stamp in a new revision: the authority's token over the `hash` of
// the byte ranges (prepare, the authority, complete: the one signing path, with the authority
// as the signer). A refusal is kTimeStampUnavailable; nothing is written then.
Result<Bytes> time_stamp_pdf(ByteView pdf, TimeStampAuthority& authority,
                             const std::string& requester, Time now,
                             crypto::HashAlgorithm hash = crypto::HashAlgorithm::kSm3);

// `pdf` with a /DSS holding the certificates its signatures and time stamps carry and `extra`
// (the chain up to the trust anchors and the CRLs a verifier will need), in a new revision; the
// document as it is when the store holds all of them already.
Result<Bytes> add_long_term_data(ByteView pdf, const pdf::ValidationData& extra);

}  // namespace eseal::service
