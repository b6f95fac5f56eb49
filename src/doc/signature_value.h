// A signature value between prepare and complete, shared by the PDF and OFD engines: what the
// signer signs for each value format (a GB/T 38540 SES_Signature, or a GM/T 0010 / GB/T 35275
// SignedData with GM or PKCS#7 OIDs), a pending record that holds it in the document until the
// signature arrives, and the finished value built from that record and the signature.
#pragma once

#include <functional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "ses/seal.h"

namespace eseal::doc {

enum class SignatureFormat {
  kSes,    // "ses": a GB/T 38540 SES_Signature over the document digest (the default)
  kGmCms,  // "gmcms": GM/T 0010 SignedData with GM OIDs and signed attributes (PKCS#9 form)
  kPkcs7,  // "pkcs7": the same SignedData with RFC 2315 / 5652 OIDs
};
Result<SignatureFormat> parse_signature_format(std::string_view name);
std::string_view format_name(SignatureFormat format);

// What the signer signs — TBS_Sign, or the DER SET of signed attributes — and, until the
// signature arrives, a pending record holding it with the format and the signer's certificate.
// `final_size` bounds the finished value.
struct UnsignedValue {
  Bytes pending;
  Bytes to_be_signed;
  std::size_t final_size = 0;
};
// `seal` is required for kSes and unused otherwise; `scope` is the SES propertyInfo.
Result<UnsignedValue> build_unsigned_value(SignatureFormat format, const ses::SesSeal* seal,
                                           const pki::Certificate& signer, Time signing_time,
                                           ByteView document_digest, std::string_view scope);

// Whether `value` is a pending record rather than a finished signature value.
bool is_pending(ByteView value);

// Trusted time for a finished signature: given the signature value (the DER SM2Signature), a
// DER time-stamp token over it. The hook complete_value calls when one is given.
using TimeStamper = std::function<Result<Bytes>(ByteView signature)>;

// The finished value for a pending record and the signer's signature (DER or r||s), after
// checking that the signature verifies with the signer's certificate. With `time_stamper`, its
// token is added: SES_Signature.timeStamp, or the SignerInfo's id-aa-timeStampToken.
Result<Bytes> complete_value(ByteView pending, ByteView signature,
                             const TimeStamper& time_stamper = {});

}  // namespace eseal::doc
