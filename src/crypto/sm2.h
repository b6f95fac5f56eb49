// SM2 public-key cryptography (GB/T 32918.1-5-2016, GM/T 0003) over OpenSSL 3 EVP: keys,
// the Z value, SM3withSM2 signatures with an explicit user ID, and signature encodings
// (GM/T 0009 DER SM2Signature and raw r||s). Encryption lives in crypto/sm2_cipher.h.
//
// OpenSSL 3.0 hashes an empty user ID unless told otherwise; every function here passes the ID
// explicitly and defaults to the standard ID "1234567812345678" (GM/T 0009 §10).
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::crypto {

inline constexpr std::string_view kSm2DefaultUserId = "1234567812345678";
inline constexpr std::size_t kSm2ScalarSize = 32;
inline constexpr std::size_t kSm2PointSize = 65;         // 04 || x || y
inline constexpr std::size_t kSm2RawSignatureSize = 64;  // r || s

// An SM2 public key. Cheap to copy (shared, immutable).
class Sm2PublicKey {
 public:
  // Accepts the uncompressed point 04||x||y (65 bytes) or the vendor form x||y (64 bytes);
  // rejects points that are not on the curve.
  static Result<Sm2PublicKey> from_point(ByteView point);
  // DER SubjectPublicKeyInfo (id-ecPublicKey with the sm2p256v1 curve).
  static Result<Sm2PublicKey> from_spki_der(ByteView der);
  // PEM "PUBLIC KEY".
  static Result<Sm2PublicKey> from_pem(std::string_view pem);
  // Takes a reference on an OpenSSL key; fails unless it is an SM2 key.
  static Result<Sm2PublicKey> from_native(EVP_PKEY* key);

  Bytes point() const;  // 65 bytes, 04||x||y
  Bytes spki_der() const;
  std::string pem() const;
  EVP_PKEY* native() const { return key_.get(); }

  friend bool operator==(const Sm2PublicKey& a, const Sm2PublicKey& b) {
    return a.point() == b.point();
  }

 private:
  explicit Sm2PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
  friend class Sm2PrivateKey;
};

// An SM2 key pair. Cheap to copy (shared, immutable); OpenSSL wipes the scalar when the last
// copy goes away.
class Sm2PrivateKey {
 public:
  static Result<Sm2PrivateKey> generate();
  // The private scalar d, 32 bytes big-endian, 1 <= d <= n-2.
  static Result<Sm2PrivateKey> from_scalar(ByteView d);
  // Unencrypted PKCS#8 PEM ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"). Encrypted key files are
  // handled by keys/.
  static Result<Sm2PrivateKey> from_pem(std::string_view pem);
  static Result<Sm2PrivateKey> from_native(EVP_PKEY* key);

  SecureBytes scalar() const;
  Sm2PublicKey public_key() const { return Sm2PublicKey(key_); }
  EVP_PKEY* native() const { return key_.get(); }

 private:
  explicit Sm2PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2 §5.5). The ID may be at
// most 8191 bytes.
Result<Bytes> sm2_z_value(const Sm2PublicKey& key, std::string_view user_id = kSm2DefaultUserId);

// e = SM3(Z || message): the 32-byte value an SM2 signature actually signs. This is what a
// digest-only signer (a crypto device, a phone, the collaborative signing server) receives.
Result<Bytes> sm2_signing_digest(const Sm2PublicKey& key, ByteView message,
                                 std::string_view user_id = kSm2DefaultUserId);

// SM3withSM2 over `message`; returns the DER SM2Signature.
Result<Bytes> sm2_sign(const Sm2PrivateKey& key, ByteView message,
                       std::string_view user_id = kSm2DefaultUserId);
// Signs a precomputed e = SM3(Z || M) (32 bytes); returns the DER SM2Signature.
Result<Bytes> sm2_sign_digest(const Sm2PrivateKey& key, ByteView digest);

// Verifies `signature` over `message`. The signature may be DER or raw r||s (64 bytes).
// Returns kVerificationFailed when it does not verify and kInvalidInput when it is malformed.
Status sm2_verify(const Sm2PublicKey& key, ByteView message, ByteView signature,
                  std::string_view user_id = kSm2DefaultUserId);
// Verifies a signature over a precomputed e = SM3(Z || M).
Status sm2_verify_digest(const Sm2PublicKey& key, ByteView digest, ByteView signature);

// GM/T 0009 SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER } <-> r||s, each half 32 bytes.
// Both directions require 1 <= r, s <= n-1 and reject non-minimal DER and trailing bytes.
Result<Bytes> sm2_signature_der_to_raw(ByteView der);
Result<Bytes> sm2_signature_raw_to_der(ByteView raw);
// An SM2 signature in any form peers send — DER, 64-byte r||s, or the hex or base64 text of
// either — as DER. kInvalidInput for anything else.
Result<Bytes> parse_sm2_signature(ByteView data);
// Accepts either encoding and returns the canonical DER.
Result<Bytes> sm2_signature_to_der(ByteView signature);

}  // namespace eseal::crypto
