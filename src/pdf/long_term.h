// What keeps a signed PDF verifiable for years (ISO 32000-2 §12.8.4–12.8.5, ETSI EN 319 142-1
// PAdES B-LT and B-LTA): a document time stamp — a signature field whose value is a time-stamp
// token over the whole revision — and the document security store (/DSS) with the certificates
// and CRLs a verifier will need when they can no longer be fetched. Both are incremental
// updates that leave every earlier signature valid.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/digest.h"
#include "pdf/contents.h"

namespace eseal::pdf {

class Document;

// Room reserved for a document time-stamp token: ours is about 2 KiB with its certificate; an
// outside authority's with a long chain fits too.
inline constexpr std::size_t kDocumentTimeStampRoom = 16384;

// A document with an empty document time stamp: an invisible signature field on the first page
// whose value is /Type /DocTimeStamp /SubFilter /ETSI.RFC3161, /Contents reserved. The
// authority is asked for a token over `imprint`, the hash of the byte ranges.
struct PreparedTimeStamp {
  Bytes pdf;
  ByteRange byte_range{};
  crypto::HashAlgorithm hash = crypto::HashAlgorithm::kSm3;
  Bytes imprint;
  std::string field_name;
};

// Encrypted or unreadable input, or a document without pages, is kInvalidInput.
Result<PreparedTimeStamp> prepare_document_time_stamp(
    ByteView pdf, crypto::HashAlgorithm hash = crypto::HashAlgorithm::kSm3,
    std::size_t room = kDocumentTimeStampRoom);

// Puts `token` (a TimeStampToken, DER) into the prepared document. A token whose imprint is
// not the prepared one, or that does not fit, is kInvalidInput; the length does not change.
Result<Bytes> complete_document_time_stamp(const PreparedTimeStamp& prepared, ByteView token);

// Certificates and CRLs, DER, for the document security store.
struct ValidationData {
  std::vector<Bytes> certificates;
  std::vector<Bytes> crls;
};

// What the document's /DSS holds (empty without one); unreadable entries are left out.
ValidationData read_validation_data(const Document& doc);

// The certificates the document's signatures carry: each signer's, each seal maker's, those of
// a SignedData and those of every time-stamp token (in signatures and document time stamps).
ValidationData carried_validation_data(ByteView pdf);

// The document with `data` added to its /DSS in a new revision (/Certs and /CRLs, one stream
// each, what is there already kept, nothing listed twice). When there is nothing new to add the
// document is returned as it is.
Result<Bytes> add_validation_data(ByteView pdf, const ValidationData& data);

}  // namespace eseal::pdf
