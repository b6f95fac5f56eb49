#include "pki/signature_check.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include "crypto/openssl.h"
#include "crypto/sm2.h"

namespace eseal::pki {
namespace {

Error refused(const char* code, std::string message) {
  return Error::invalid_input(std::move(message)).with_code(code);
}

const EVP_MD* md_of(crypto::HashAlgorithm hash) {
  switch (hash) {
    case crypto::HashAlgorithm::kSha1:
      return EVP_sha1();
    case crypto::HashAlgorithm::kSha256:
      return EVP_sha256();
    default:
      return nullptr;
  }
}

Status check_rsa(EVP_PKEY* key, crypto::HashAlgorithm hash, Signed what, ByteView data,
                 ByteView signature) {
  const EVP_MD* md = md_of(hash);
  if (!md) return refused(signature_code::kUnknownAlgorithm, "no such RSA digest");
  int verified = 0;
  if (what == Signed::kData) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
      return crypto::ossl::failure("RSA verification");
    }
    verified =
        EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size());
  } else {
    if (data.size() != static_cast<std::size_t>(EVP_MD_get_size(md))) {
      return refused(signature_code::kBadSignature, "the digest is " + std::to_string(data.size()) +
                                                        " bytes, not " +
                                                        std::to_string(EVP_MD_get_size(md)));
    }
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key, nullptr),
                                                                    EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
      return crypto::ossl::failure("RSA verification");
    }
    verified =
        EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), data.data(), data.size());
  }
  crypto::ossl::drain_errors();
  if (verified != 1) return Error::verification_failed("the RSA signature does not verify");
  return ok_status();
}

}  // namespace

std::optional<SignatureAlgorithm> parse_signature_algorithm(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "sm3withsm2")
    return SignatureAlgorithm{KeyAlgorithm::kSm2, crypto::HashAlgorithm::kSm3};
  if (lower == "sha1withrsa")
    return SignatureAlgorithm{KeyAlgorithm::kRsa, crypto::HashAlgorithm::kSha1};
  if (lower == "sha256withrsa") {
    return SignatureAlgorithm{KeyAlgorithm::kRsa, crypto::HashAlgorithm::kSha256};
  }
  return std::nullopt;
}

Status check_signature(const Certificate& cert, const SignatureAlgorithm& algorithm, Signed what,
                       ByteView data, ByteView signature) {
  EVP_PKEY* key = X509_get0_pubkey(cert.native());
  if (!key) return refused(signature_code::kKeyMismatch, "the certificate's key cannot be read");
  bool rsa = EVP_PKEY_is_a(key, "RSA") == 1;
  if (algorithm.key == KeyAlgorithm::kRsa) {
    if (!rsa)
      return refused(signature_code::kKeyMismatch, "an RSA algorithm for a key that is not RSA");
    return check_rsa(key, algorithm.hash, what, data, signature);
  }
  auto sm2 = cert.public_key();
  if (rsa || !sm2)
    return refused(signature_code::kKeyMismatch, "SM3withSM2 for a key that is not SM2");
  auto der = crypto::sm2_signature_to_der(signature);
  if (!der) return refused(signature_code::kBadSignature, "not an SM2 signature (DER or r||s)");
  if (what == Signed::kDigest) {
    if (data.size() != 32) {
      return refused(signature_code::kBadSignature,
                     "the digest is " + std::to_string(data.size()) + " bytes, not 32");
    }
    return crypto::sm2_verify_digest(*sm2, data, *der);
  }
  return crypto::sm2_verify(*sm2, data, *der);
}

}  // namespace eseal::pki
