// Internal conversions between OpenSSL's X.509 types and ours, shared by pki/*.cpp.
#pragma once

#include <openssl/x509.h>

#include "base/result.h"
#include "base/time.h"
#include "crypto/openssl.h"
#include "crypto/sm2.h"
#include "pki/distinguished_name.h"

namespace eseal::pki::detail {

DistinguishedName from_x509_name(const X509_NAME* name);
Result<crypto::ossl::X509NamePtr> to_x509_name(const DistinguishedName& name);
Time from_asn1_time(const ASN1_TIME* t);
// UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). Fails for times that
// ASN.1 cannot carry (before 1950 or after 9999).
Result<crypto::ossl::Asn1TimePtr> to_asn1_time(Time t);
Bytes integer_magnitude(const ASN1_INTEGER* i);
// Checks the SM3withSM2 signature of a DER X.509 SIGNED{} structure (certificate, CRL) over its
// to-be-signed part exactly as encoded: under the standard user ID and, with `accept_empty_id`,
// also under the empty ID the OpenSSL 3.0 command line uses.
Status verify_signed_structure(ByteView der, const crypto::Sm2PublicKey& key, bool accept_empty_id);
// Finds the PEM or DER payload; base64 text without PEM armour is decoded first.
Result<Bytes> der_from_text_or_binary(ByteView data, std::string_view pem_label);

}  // namespace eseal::pki::detail
