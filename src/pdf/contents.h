// What a PDF signature's /Contents carries, in the three per-deployment formats of
// STANDARDS_NOTES.md §4 (a GB/T 38540 SES_Signature, or a GM/T 0010 SignedData with GM or
// PKCS#7 OIDs), and the hex gap between the two byte ranges that holds it.
#pragma once

#include <array>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "ses/seal.h"

namespace eseal::pdf {

enum class ContentsFormat {
  kSes,    // "ses": a GB/T 38540 SES_Signature, dataHash = SM3 of the byte ranges (the default)
  kGmCms,  // "gmcms": GM/T 0010 SignedData with GM OIDs
  kPkcs7,  // "pkcs7": the same SignedData with RFC 2315 / 5652 OIDs
};
Result<ContentsFormat> parse_contents_format(std::string_view name);
std::string_view format_name(ContentsFormat format);

using ByteRange = std::array<std::size_t, 4>;

// What the signer signs — TBS_Sign, or the DER SET of signed attributes — and, until the
// signature arrives, a pending container holding it with the format and the signer's
// certificate. `final_size` bounds the finished container.
struct UnsignedContents {
  Bytes container;
  Bytes to_be_signed;
  std::size_t final_size = 0;
};
Result<UnsignedContents> build_unsigned_contents(ContentsFormat format, const ses::SesSeal& seal,
                                                 const pki::Certificate& signer, Time signing_time,
                                                 ByteView document_digest, std::string_view scope);

// The finished container for a pending one and the signer's signature (DER or r||s), after
// checking that the signature verifies with the signer's certificate.
Result<Bytes> complete_contents(ByteView pending_container, ByteView signature);

// The DER container held in the gap between the byte ranges (hex, zero-padded).
Result<Bytes> read_contents(ByteView pdf, const ByteRange& range);
// Writes `container` as hex into the gap, zero-padded; fails when it does not fit.
Status write_contents(Bytes& pdf, const ByteRange& range, ByteView container);

// The last signature of a prepared document: the /ByteRange that ends at the end of the file.
struct FoundContents {
  ByteRange byte_range{};
  Bytes container;
};
Result<FoundContents> find_last_contents(ByteView pdf);

}  // namespace eseal::pdf
