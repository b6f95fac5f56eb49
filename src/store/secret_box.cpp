#include "store/secret_box.h"

#include "crypto/digest.h"
#include "crypto/random.h"
#include "crypto/sm4.h"

namespace eseal::store {
namespace {

constexpr std::uint8_t kFormatVersion = 1;
constexpr std::size_t kIvSize = crypto::kSm4BlockSize;
constexpr std::size_t kTagSize = 32;

crypto::SecureBytes derive(const keys::Kek& kek, std::string_view label, std::size_t size) {
  ByteView key(reinterpret_cast<const std::uint8_t*>(kek.c_str()), kek.size());
  Bytes full = crypto::hmac_sm3(key, as_bytes(label));
  crypto::SecureBytes out(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(size));
  std::fill(full.begin(), full.end(), 0);
  return out;
}

Bytes tag_of(ByteView mac_key, ByteView header_and_ciphertext, std::string_view context) {
  Bytes input(header_and_ciphertext.begin(), header_and_ciphertext.end());
  append(input, as_bytes(context));
  return crypto::hmac_sm3(mac_key, input);
}

}  // namespace

Bytes kek_check_value(const keys::Kek& kek) {
  ByteView key(reinterpret_cast<const std::uint8_t*>(kek.c_str()), kek.size());
  return crypto::hmac_sm3(key, as_bytes("eseal data folder key-encryption key check v1"));
}

SecretBox::SecretBox(const keys::Kek& kek)
    : encryption_key_(derive(kek, "eseal store secret encryption v1", crypto::kSm4KeySize)),
      mac_key_(derive(kek, "eseal store secret authentication v1", kTagSize)),
      index_key_(derive(kek, "eseal store lookup index v1", kTagSize)) {}

Bytes SecretBox::index(std::string_view context, ByteView value) const {
  Bytes input(context.begin(), context.end());
  input.push_back(0);
  append(input, value);
  return crypto::hmac_sm3(index_key_, input);
}

Result<Bytes> SecretBox::seal(std::string_view context, ByteView secret) const {
  auto iv = crypto::random_bytes(kIvSize);
  if (!iv) return iv.error();
  auto ciphertext = crypto::sm4_cbc_encrypt(encryption_key_, *iv, secret);
  if (!ciphertext) return ciphertext.error();
  Bytes out{kFormatVersion};
  append(out, *iv);
  append(out, *ciphertext);
  append(out, tag_of(mac_key_, out, context));
  return out;
}

Result<crypto::SecureBytes> SecretBox::open(std::string_view context, ByteView sealed) const {
  const Error refused = Error::invalid_input(
      "cannot open a stored secret: wrong key-encryption key, or the value was altered");
  if (sealed.size() < 1 + kIvSize + crypto::kSm4BlockSize + kTagSize ||
      sealed[0] != kFormatVersion) {
    return refused;
  }
  ByteView body = sealed.first(sealed.size() - kTagSize);
  if (!crypto::equal_constant_time(tag_of(mac_key_, body, context), sealed.last(kTagSize))) {
    return refused;
  }
  auto plain =
      crypto::sm4_cbc_decrypt(encryption_key_, body.subspan(1, kIvSize), body.subspan(1 + kIvSize));
  if (!plain) return refused;
  return plain;
}

}  // namespace eseal::store
