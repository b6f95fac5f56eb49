// A signature over data or over a digest, checked against the signer's certificate, for the
// algorithms business systems send signatures in: SM3withSM2 (with Z over the standard user ID),
// and for signatures made elsewhere SHA1withRSA and SHA256withRSA (PKCS#1 v1.5).
#pragma once

#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/digest.h"
#include "pki/certificate.h"

namespace eseal::pki {

// Error::code of what check_signature refuses before any arithmetic.
namespace signature_code {
inline constexpr const char* kUnknownAlgorithm = "signature-algorithm";  // none of the three
inline constexpr const char* kKeyMismatch = "signature-key-algorithm";   // RSA name, SM2 key …
inline constexpr const char* kBadSignature = "signature-form";           // not a signature value
}  // namespace signature_code

enum class KeyAlgorithm { kSm2, kRsa };

struct SignatureAlgorithm {
  KeyAlgorithm key;
  crypto::HashAlgorithm hash;
};

// "SM3withSM2", "SHA1withRSA", "SHA256withRSA" (any case); nullopt for another name.
std::optional<SignatureAlgorithm> parse_signature_algorithm(std::string_view name);

// What was signed: the data itself, or its digest (for SM2 the e = SM3(Z ‖ M) of 32 bytes; for
// RSA the hash the DigestInfo carries).
enum class Signed { kData, kDigest };

// kVerificationFailed when the signature does not verify; kInvalidInput with a signature_code
// for a signature value that is none, or an algorithm the certificate's key cannot have made.
// SM2 signatures may be DER or r ‖ s.
Status check_signature(const Certificate& cert, const SignatureAlgorithm& algorithm, Signed what,
                       ByteView data, ByteView signature);

}  // namespace eseal::pki
