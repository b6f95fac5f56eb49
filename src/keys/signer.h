// Who signs. A Signer is a certificate (with the chain above it) and the power to make an
// SM3withSM2 signature with that certificate's key; nothing above keys/ ever holds a private key,
// only a Signer. Today's signers hold the key in this process (an encrypted key file, the soft
// keystore); a crypto device, a USB key, a phone holding half a key or a person far away are
// further implementations of the same interface, and the two-phase signing of service/signing.h
// lets a signer answer from another process, or much later.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/sm2.h"
#include "keys/kek.h"
#include "keys/soft_keystore.h"
#include "pki/certificate.h"

namespace eseal::keys {

// Error::code of a key that is not the key of the certificate it was given for.
inline constexpr const char* kKeyMismatch = "key-mismatch";

class Signer {
 public:
  virtual ~Signer() = default;

  // The certificate signatures are made for, and the certificates above it (may be empty).
  virtual const pki::Certificate& certificate() const = 0;
  virtual std::span<const pki::Certificate> chain() const { return {}; }

  // The DER SM2Signature over `to_be_signed` (SM3withSM2 with Z over the default user ID). By
  // default e = SM3(Z ‖ to_be_signed) is computed here and signed with sign_digest(); a signer
  // that holds the key may sign the message itself. Implementations say whether they may be
  // called from several threads at once.
  virtual Result<Bytes> sign(ByteView to_be_signed);

  // The DER SM2Signature over a 32-byte e, as is (nothing more is hashed): what a digest-only
  // signer (a crypto device, a phone) is given, and how a time-stamp token for relying parties
  // on OpenSSL 3.0 (no Z) is signed.
  virtual Result<Bytes> sign_digest(ByteView digest) = 0;
};

// A signer whose key is in this process's memory, decrypted once when the signer is made and
// wiped when the last copy of it goes (crypto::Sm2PrivateKey). Safe for concurrent use.
class KeySigner final : public Signer {
 public:
  // kInvalidInput (code kKeyMismatch) when `key` is not the key of `certificate`: a signature
  // made with another key would not verify, so the mismatch is found before anything is signed.
  static Result<std::unique_ptr<KeySigner>> make(crypto::Sm2PrivateKey key,
                                                 pki::Certificate certificate,
                                                 std::vector<pki::Certificate> chain = {});

  const pki::Certificate& certificate() const override { return certificate_; }
  std::span<const pki::Certificate> chain() const override { return chain_; }
  Result<Bytes> sign(ByteView to_be_signed) override;
  Result<Bytes> sign_digest(ByteView digest) override;

 private:
  KeySigner(crypto::Sm2PrivateKey key, pki::Certificate certificate,
            std::vector<pki::Certificate> chain)
      : key_(std::move(key)), certificate_(std::move(certificate)), chain_(std::move(chain)) {}

  crypto::Sm2PrivateKey key_;
  pki::Certificate certificate_;
  std::vector<pki::Certificate> chain_;
};

// The signer of an encrypted key file (keys/key_file.h; unencrypted PKCS#8 or SEC1 PEM is read
// too) for `certificate`. kNotFound or kIo for a file that cannot be read; kInvalidInput for a
// wrong KEK, a damaged file, or a key that is not the certificate's.
Result<std::unique_ptr<Signer>> key_file_signer(const std::filesystem::path& key_file,
                                                pki::Certificate certificate, const Kek& kek);

// The signer of the soft keystore's key `reference` for `certificate`; errors as
// SoftKeystore::get, and kInvalidInput for a key that is not the certificate's.
Result<std::unique_ptr<Signer>> keystore_signer(const SoftKeystore& keystore,
                                                const std::string& reference,
                                                pki::Certificate certificate);

}  // namespace eseal::keys
