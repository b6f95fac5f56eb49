#include "keys/key_file.h"

#include <openssl/pem.h>

#include "crypto/openssl.h"

namespace eseal::keys {

Result<std::string> encrypt_private_key(const crypto::Sm2PrivateKey& key, const Kek& kek) {
  crypto::ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key.native(), EVP_sm4_cbc(), kek.c_str(),
                                            static_cast<int>(kek.size()), nullptr, nullptr) != 1) {
    return crypto::ossl::failure("cannot encrypt the private key");
  }
  return crypto::ossl::bio_contents(bio.get());
}

Result<crypto::Sm2PrivateKey> decrypt_private_key(ByteView pem, const Kek& kek) {
  std::string_view text(reinterpret_cast<const char*>(pem.data()), pem.size());
  if (text.find("-----BEGIN") == std::string_view::npos) {
    return Error::invalid_input("not a PEM private key file");
  }
  auto bio = crypto::ossl::memory_bio(pem.data(), pem.size());
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(kek.c_str()));
  if (!key) {
    crypto::ossl::drain_errors();
    if (text.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos) {
      return Error::invalid_input(
          "cannot decrypt the private key: wrong key-encryption key (ESEAL_KEK or the KEK file) "
          "or a damaged key file");
    }
    return Error::invalid_input("cannot read the PEM private key");
  }
  auto out = crypto::Sm2PrivateKey::from_native(key);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace eseal::keys
