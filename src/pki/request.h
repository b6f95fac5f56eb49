// PKCS#10 certification requests (RFC 2986) with SM2, built in two steps so that a key which
// exists in no one place — a two-party key (cosign/) — can sign one: first the to-be-signed
// CertificationRequestInfo, then the request around a signature made over it elsewhere.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/sm2.h"
#include "pki/distinguished_name.h"

namespace eseal::pki {

// The DER CertificationRequestInfo: version 0, `subject`, `key`, no attributes.
Result<Bytes> request_info(const DistinguishedName& subject, const crypto::Sm2PublicKey& key);

// The DER CertificationRequest: `info`, SM3withSM2 and `signature` (r ‖ s or DER; written DER).
Result<Bytes> assemble_request(ByteView info, ByteView signature);

struct CertificationRequest {
  DistinguishedName subject;
  crypto::Sm2PublicKey key;
};
// Reads a DER request (PEM "CERTIFICATE REQUEST" too) and checks it is signed by its own key
// under the standard user ID (or the empty one the OpenSSL 3.0 command line uses).
Result<CertificationRequest> read_request(ByteView data);

}  // namespace eseal::pki
