// Private keys at rest: PKCS#8 EncryptedPrivateKeyInfo (RFC 5958) in PEM, protected with
// PKCS#5 PBES2 (PBKDF2-HMAC-SHA256, SM4-CBC) under the KEK. Any OpenSSL reads it back with
// `openssl pkey -in P.key -passin file:var/kek`.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/sm2.h"
#include "keys/kek.h"

namespace eseal::keys {

Result<std::string> encrypt_private_key(const crypto::Sm2PrivateKey& key, const Kek& kek);

// Decrypts an "ENCRYPTED PRIVATE KEY" PEM. A wrong KEK or a damaged file is kInvalidInput.
// An unencrypted PKCS#8 or SEC1 PEM (e.g. made by `openssl genpkey`) is accepted as well, so
// integrators can bring their own keys.
Result<crypto::Sm2PrivateKey> decrypt_private_key(ByteView pem, const Kek& kek);

}  // namespace eseal::keys
