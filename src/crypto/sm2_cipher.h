// SM2 public-key encryption (GB/T 32918.4-2016) and the ciphertext encodings peers use:
// GM/T 0009 DER SM2Cipher (C1, C3, C2), the raw concatenations C1||C3||C2 (current) and
// C1||C2||C3 (the 2010 draft, still common), and GM/T 0018 ECCCipher (SDF devices; LD/T 01.4
// appSymKeyEnc). See docs/ENCODINGS.md §1.3.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"

namespace eseal::crypto {

enum class Sm2CipherFormat {
  kDer,        // SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, cipherText OCTET STRING }
  kC1C3C2,     // 04||x||y || C3(32) || C2
  kC1C2C3,     // 04||x||y || C2 || C3(32)
  kEccCipher,  // x[64] y[64] M[32] L(uint32 little-endian) C[L], coordinates right-aligned
};

// The parts of an SM2 ciphertext, independent of encoding.
struct Sm2Ciphertext {
  Bytes x;   // C1.x, 32 bytes
  Bytes y;   // C1.y, 32 bytes
  Bytes c3;  // SM3(x2 || M || y2), 32 bytes
  Bytes c2;  // M xor KDF, as long as M
};

Result<Sm2Ciphertext> sm2_ciphertext_decode(ByteView encoded, Sm2CipherFormat format);
Bytes sm2_ciphertext_encode(const Sm2Ciphertext& parts, Sm2CipherFormat format);

// Guesses the format: 0x30 -> DER; a plausible GM/T 0018 length field -> ECCCipher;
// 0x04 -> C1||C3||C2 (the order cannot be told from the bytes; C1||C2||C3 must be asked for).
Result<Sm2CipherFormat> sm2_ciphertext_detect(ByteView encoded);

Result<Bytes> sm2_encrypt(const Sm2PublicKey& key, ByteView plaintext,
                          Sm2CipherFormat format = Sm2CipherFormat::kDer);
// Decrypts; a ciphertext that fails its C3 check is kInvalidInput.
Result<SecureBytes> sm2_decrypt(const Sm2PrivateKey& key, ByteView ciphertext,
                                Sm2CipherFormat format);
// Decrypts after sm2_ciphertext_detect.
Result<SecureBytes> sm2_decrypt(const Sm2PrivateKey& key, ByteView ciphertext);

}  // namespace eseal::crypto
