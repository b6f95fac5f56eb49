#include "crypto/sm4.h"

#include <openssl/evp.h>

#include <limits>
#include <string>

#include "crypto/openssl.h"

namespace eseal::crypto {
namespace {

Status check_key(ByteView key) {
  if (key.size() != kSm4KeySize) {
    return Error::invalid_input("SM4 key must be 16 bytes, got " + std::to_string(key.size()));
  }
  return ok_status();
}

template <typename Out>
Result<Out> run(const EVP_CIPHER* cipher, bool encrypt, ByteView key, const std::uint8_t* iv,
                ByteView input, Padding padding) {
  if (auto s = check_key(key); !s) return s.error();
  if (padding == Padding::kNone && input.size() % kSm4BlockSize != 0) {
    return Error::invalid_input("SM4 without padding needs a multiple of 16 bytes, got " +
                                std::to_string(input.size()));
  }
  if (!encrypt && (input.empty() || input.size() % kSm4BlockSize != 0)) {
    return Error::invalid_input("SM4 ciphertext must be a non-empty multiple of 16 bytes, got " +
                                std::to_string(input.size()));
  }
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), iv, encrypt ? 1 : 0) != 1) {
    return ossl::failure("SM4 init failed");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), padding == Padding::kPkcs7 ? 1 : 0);
  Out out(input.size() + kSm4BlockSize);
  int n = 0;
  int tail = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &n, input.data(), static_cast<int>(input.size())) !=
      1) {
    return ossl::failure("SM4 update failed");
  }
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) != 1) {
    ossl::drain_errors();
    return Error::invalid_input("SM4 decryption failed: wrong key or corrupted data (bad padding)");
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

Status check_iv(ByteView iv) {
  if (iv.size() != kSm4BlockSize) {
    return Error::invalid_input("SM4-CBC IV must be 16 bytes, got " + std::to_string(iv.size()));
  }
  return ok_status();
}

}  // namespace

Result<Bytes> sm4_ecb_encrypt(ByteView key, ByteView plaintext, Padding padding) {
  return run<Bytes>(EVP_sm4_ecb(), true, key, nullptr, plaintext, padding);
}

Result<SecureBytes> sm4_ecb_decrypt(ByteView key, ByteView ciphertext, Padding padding) {
  return run<SecureBytes>(EVP_sm4_ecb(), false, key, nullptr, ciphertext, padding);
}

Result<Bytes> sm4_cbc_encrypt(ByteView key, ByteView iv, ByteView plaintext, Padding padding) {
  if (auto s = check_iv(iv); !s) return s.error();
  return run<Bytes>(EVP_sm4_cbc(), true, key, iv.data(), plaintext, padding);
}

Result<SecureBytes> sm4_cbc_decrypt(ByteView key, ByteView iv, ByteView ciphertext,
                                    Padding padding) {
  if (auto s = check_iv(iv); !s) return s.error();
  return run<SecureBytes>(EVP_sm4_cbc(), false, key, iv.data(), ciphertext, padding);
}

Result<std::size_t> sm4_cbc_decrypt_in_place(ByteView key, ByteView iv,
                                             std::span<std::uint8_t> data) {
  if (auto s = check_key(key); !s) return s.error();
  if (auto s = check_iv(iv); !s) return s.error();
  if (data.empty() || data.size() % kSm4BlockSize != 0 ||
      data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return Error::invalid_input("SM4 ciphertext must be a non-empty multiple of 16 bytes, got " +
                                std::to_string(data.size()));
  }
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_sm4_cbc(), nullptr, key.data(), iv.data()) != 1) {
    return ossl::failure("SM4 init failed");
  }
  // Without padding and in one update, OpenSSL decrypts CBC over the input itself; the padding
  // is then checked here, every byte of it.
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  int n = 0;
  if (EVP_DecryptUpdate(ctx.get(), data.data(), &n, data.data(), static_cast<int>(data.size())) !=
          1 ||
      static_cast<std::size_t>(n) != data.size()) {
    return ossl::failure("SM4 update failed");
  }
  std::uint8_t pad = data.back();
  bool good = pad >= 1 && pad <= kSm4BlockSize;
  for (std::size_t i = 0; good && i < pad; ++i) good = data[data.size() - 1 - i] == pad;
  if (!good) {
    return Error::invalid_input("SM4 decryption failed: wrong key or corrupted data (bad padding)");
  }
  return data.size() - pad;
}

struct Sm4BlockEncryptor::State {
  ossl::CipherCtxPtr ctx;
};

Sm4BlockEncryptor::Sm4BlockEncryptor(std::unique_ptr<State> state) : state_(std::move(state)) {}
Sm4BlockEncryptor::~Sm4BlockEncryptor() = default;
Sm4BlockEncryptor::Sm4BlockEncryptor(Sm4BlockEncryptor&&) noexcept = default;
Sm4BlockEncryptor& Sm4BlockEncryptor::operator=(Sm4BlockEncryptor&&) noexcept = default;

Result<Sm4BlockEncryptor> Sm4BlockEncryptor::create(ByteView key) {
  if (auto s = check_key(key); !s) return s.error();
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_sm4_ecb(), nullptr, key.data(), nullptr) != 1) {
    return ossl::failure("SM4 init failed");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  return Sm4BlockEncryptor(std::make_unique<State>(State{std::move(ctx)}));
}

void Sm4BlockEncryptor::encrypt_block(const std::uint8_t* in, std::uint8_t* out) {
  int n = 0;
  EVP_EncryptUpdate(state_->ctx.get(), out, &n, in, static_cast<int>(kSm4BlockSize));
}

}  // namespace eseal::crypto
