// Internal glue for the OpenSSL 3 C API: owning pointers and error-queue messages.
// Used by crypto/ and pki/ only; nothing above them sees OpenSSL types.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::crypto::ossl {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;

// Drains OpenSSL's thread-local error queue into one readable line ("" when empty).
std::string drain_errors();

// An internal error whose message is `what` followed by OpenSSL's queued reasons.
Error failure(const std::string& what);

// A read-only memory BIO over `data`, which must outlive the BIO.
BioPtr memory_bio(const void* data, std::size_t size);

// The DER encoding produced by an OpenSSL i2d_* function (empty if encoding fails).
template <typename I2d, typename T>
Bytes to_der(I2d i2d, T* object) {
  unsigned char* der = nullptr;
  int len = i2d(object, &der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// Everything written to a memory BIO so far.
std::string bio_contents(BIO* bio);

// The SM2 curve group (sm2p256v1).
EcGroupPtr sm2_group();

// A digest-sign (or digest-verify) context for SM3withSM2 with the user ID set, for OpenSSL
// functions that sign structures themselves (X509_sign_ctx, X509_CRL_sign_ctx).
Result<MdCtxPtr> sm3_with_sm2_context(EVP_PKEY* key, std::string_view user_id, bool sign);

}  // namespace eseal::crypto::ossl
