#include "crypto/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "crypto/openssl.h"

namespace eseal::crypto {
namespace {

const EVP_MD* evp_md(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSm3:
      return EVP_sm3();
    case HashAlgorithm::kSha1:
      return EVP_sha1();
    case HashAlgorithm::kSha256:
      return EVP_sha256();
  }
  return nullptr;
}

const char* md_name(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSm3:
      return "SM3";
    case HashAlgorithm::kSha1:
      return "SHA1";
    case HashAlgorithm::kSha256:
      return "SHA256";
  }
  return "";
}

// The digest algorithms are built into OpenSSL's default provider; a failure here means the
// library itself is broken, which no caller can handle, so it is reported as an exception.
[[noreturn]] void library_failure(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + ossl::drain_errors());
}

}  // namespace

std::size_t digest_size(HashAlgorithm algorithm) {
  return static_cast<std::size_t>(EVP_MD_get_size(evp_md(algorithm)));
}

struct Hasher::State {
  HashAlgorithm algorithm;
  ossl::MdCtxPtr ctx;
};

Hasher::Hasher(HashAlgorithm algorithm)
    : state_(new State{algorithm, ossl::MdCtxPtr(EVP_MD_CTX_new())}) {
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx.get(), evp_md(algorithm), nullptr) != 1) {
    library_failure("digest init failed");
  }
}

Hasher::Hasher(std::unique_ptr<State> state) : state_(std::move(state)) {}

Hasher Hasher::copy() const {
  auto state = std::make_unique<State>(State{state_->algorithm, ossl::MdCtxPtr(EVP_MD_CTX_new())});
  if (!state->ctx || EVP_MD_CTX_copy_ex(state->ctx.get(), state_->ctx.get()) != 1) {
    library_failure("digest copy failed");
  }
  return Hasher(std::move(state));
}

HashAlgorithm Hasher::algorithm() const {
  return state_->algorithm;
}

Bytes finish_hash(HashAlgorithm algorithm, const HashedPrefix& prefix, ByteView whole) {
  if (!prefix.state || prefix.state->algorithm() != algorithm || prefix.length > whole.size()) {
    return hash(algorithm, whole);
  }
  Hasher hasher = prefix.state->copy();
  hasher.update(whole.subspan(prefix.length));
  return hasher.finish();
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(ByteView data) {
  if (EVP_DigestUpdate(state_->ctx.get(), data.data(), data.size()) != 1) {
    library_failure("digest update failed");
  }
}

Bytes Hasher::finish() {
  Bytes out(digest_size(state_->algorithm));
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(state_->ctx.get(), out.data(), &size) != 1 ||
      EVP_DigestInit_ex(state_->ctx.get(), evp_md(state_->algorithm), nullptr) != 1) {
    library_failure("digest final failed");
  }
  return out;
}

Bytes hash(HashAlgorithm algorithm, ByteView data) {
  Bytes out(digest_size(algorithm));
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, evp_md(algorithm), nullptr) != 1) {
    library_failure("digest failed");
  }
  return out;
}

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data) {
  Bytes out(digest_size(algorithm));
  std::size_t size = 0;
  // OpenSSL rejects a null key pointer even for an empty key.
  static const unsigned char kEmpty = 0;
  const unsigned char* key_data = key.empty() ? &kEmpty : key.data();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, md_name(algorithm), nullptr, key_data, key.size(),
                data.data(), data.size(), out.data(), out.size(), &size) == nullptr) {
    library_failure("HMAC failed");
  }
  return out;
}

Bytes hmac(HashAlgorithm algorithm, ByteView key, std::initializer_list<ByteView> parts) {
  static const unsigned char kEmpty = 0;
  const unsigned char* key_data = key.empty() ? &kEmpty : key.data();
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(
      mac ? EVP_MAC_CTX_new(mac.get()) : nullptr, EVP_MAC_CTX_free);
  std::string digest = md_name(algorithm);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest.data(), 0),
                         OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), key_data, key.size(), params) != 1) {
    library_failure("HMAC init failed");
  }
  for (ByteView part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) {
      library_failure("HMAC update failed");
    }
  }
  Bytes out(digest_size(algorithm));
  std::size_t size = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &size, out.size()) != 1) {
    library_failure("HMAC failed");
  }
  return out;
}

SecureBytes pbkdf2(HashAlgorithm algorithm, std::string_view password, ByteView salt,
                   int iterations, std::size_t length) {
  SecureBytes out(length);
  const EVP_MD* md = evp_md(algorithm);
  if (md == nullptr || PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                         salt.data(), static_cast<int>(salt.size()), iterations, md,
                                         static_cast<int>(length), out.data()) != 1) {
    library_failure("PBKDF2 failed");
  }
  return out;
}

bool equal_constant_time(ByteView a, ByteView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace eseal::crypto
