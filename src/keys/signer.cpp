#include "keys/signer.h"

#include "base/file.h"
#include "keys/key_file.h"

namespace eseal::keys {

Result<std::unique_ptr<KeySigner>> KeySigner::make(crypto::Sm2PrivateKey key,
                                                   pki::Certificate certificate,
                                                   std::vector<pki::Certificate> chain) {
  auto public_key = certificate.public_key();
  if (!public_key) return public_key.error().with_context("the signer's certificate");
  if (!(key.public_key() == *public_key)) {
    return Error::invalid_input("the key is not the key of the certificate of " +
                                certificate.subject().to_string())
        .with_code(kKeyMismatch);
  }
  return std::unique_ptr<KeySigner>(
      new KeySigner(std::move(key), std::move(certificate), std::move(chain)));
}

Result<Bytes> Signer::sign(ByteView to_be_signed) {
  auto key = certificate().public_key();
  if (!key) return key.error().with_context("the signer's certificate");
  auto e = crypto::sm2_signing_digest(*key, to_be_signed);
  if (!e) return e.error();
  return sign_digest(*e);
}

Result<Bytes> KeySigner::sign(ByteView to_be_signed) {
  return crypto::sm2_sign(key_, to_be_signed);
}

Result<Bytes> KeySigner::sign_digest(ByteView digest) {
  return crypto::sm2_sign_digest(key_, digest);
}

namespace {

Result<std::unique_ptr<Signer>> signer_of(Result<crypto::Sm2PrivateKey> key,
                                          pki::Certificate certificate, const std::string& what) {
  if (!key) return key.error().with_context(what);
  auto signer = KeySigner::make(std::move(*key), std::move(certificate));
  if (!signer) return signer.error().with_context(what);
  return std::unique_ptr<Signer>(std::move(*signer));
}

}  // namespace

Result<std::unique_ptr<Signer>> key_file_signer(const std::filesystem::path& key_file,
                                                pki::Certificate certificate, const Kek& kek) {
  auto pem = read_file(key_file);
  if (!pem) return pem.error();
  return signer_of(decrypt_private_key(*pem, kek), std::move(certificate), key_file.string());
}

Result<std::unique_ptr<Signer>> keystore_signer(const SoftKeystore& keystore,
                                                const std::string& reference,
                                                pki::Certificate certificate) {
  return signer_of(keystore.get(reference), std::move(certificate), "key " + reference);
}

}  // namespace eseal::keys
