#include "crypto/sm2_cipher.h"

#include <openssl/evp.h>

#include <string>

#include "asn1/der.h"
#include "crypto/openssl.h"

namespace eseal::crypto {
namespace {

constexpr std::size_t kCoordinate = 32;
constexpr std::size_t kHash = 32;
constexpr std::size_t kEccField = 64;  // GM/T 0018 ECCref_MAX_LEN
constexpr std::size_t kEccHeader = 2 * kEccField + kHash + 4;
constexpr std::size_t kC1 = 1 + 2 * kCoordinate;

Result<Bytes> fixed_coordinate(const Bytes& magnitude) {
  if (magnitude.size() > kCoordinate) {
    return Error::invalid_input("SM2 ciphertext coordinate is longer than 32 bytes");
  }
  Bytes out(kCoordinate - magnitude.size(), 0);
  append(out, magnitude);
  return out;
}

Result<Sm2Ciphertext> decode_der(ByteView encoded) {
  auto seq = asn1::parse_single(encoded, asn1::tag::kSequence);
  if (!seq) return seq.error().with_context("SM2Cipher");
  asn1::Reader reader(seq->content);
  auto x = reader.unsigned_integer();
  if (!x) return x.error().with_context("SM2Cipher x");
  auto y = reader.unsigned_integer();
  if (!y) return y.error().with_context("SM2Cipher y");
  auto hash = reader.octet_string();
  if (!hash) return hash.error().with_context("SM2Cipher hash");
  auto c2 = reader.octet_string();
  if (!c2) return c2.error().with_context("SM2Cipher cipherText");
  if (!reader.empty()) return Error::invalid_input("SM2Cipher has extra fields");
  if (hash->size() != kHash) return Error::invalid_input("SM2Cipher hash must be 32 bytes");
  auto x32 = fixed_coordinate(*x);
  if (!x32) return x32.error();
  auto y32 = fixed_coordinate(*y);
  if (!y32) return y32.error();
  return Sm2Ciphertext{std::move(*x32), std::move(*y32), std::move(*hash), std::move(*c2)};
}

Result<Sm2Ciphertext> decode_raw(ByteView encoded, bool c3_first) {
  if (encoded.size() < kC1 + kHash || encoded[0] != 0x04) {
    return Error::invalid_input(
        "raw SM2 ciphertext must start with 04||x||y and be at least 97 bytes");
  }
  ByteView body = encoded.subspan(kC1);
  ByteView c3 = c3_first ? body.first(kHash) : body.last(kHash);
  ByteView c2 = c3_first ? body.subspan(kHash) : body.first(body.size() - kHash);
  return Sm2Ciphertext{Bytes(encoded.begin() + 1, encoded.begin() + 1 + kCoordinate),
                       Bytes(encoded.begin() + 1 + kCoordinate, encoded.begin() + kC1),
                       Bytes(c3.begin(), c3.end()), Bytes(c2.begin(), c2.end())};
}

std::uint32_t read_le32(ByteView p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

Result<Sm2Ciphertext> decode_ecc_cipher(ByteView encoded) {
  if (encoded.size() < kEccHeader) {
    return Error::invalid_input("GM/T 0018 ECCCipher must be at least 164 bytes");
  }
  std::uint32_t length = read_le32(encoded.subspan(2 * kEccField + kHash, 4));
  // Some vendors pad C to a fixed size; anything beyond L is ignored.
  if (length == 0 || length > encoded.size() - kEccHeader) {
    return Error::invalid_input("GM/T 0018 ECCCipher length field L=" + std::to_string(length) +
                                " does not fit the " + std::to_string(encoded.size()) + " bytes");
  }
  for (std::size_t field : {std::size_t{0}, kEccField}) {
    for (std::size_t i = 0; i < kEccField - kCoordinate; ++i) {
      if (encoded[field + i] != 0) {
        return Error::invalid_input(
            "GM/T 0018 ECCCipher coordinate is not right-aligned in 64 bytes");
      }
    }
  }
  auto at = [&](std::size_t offset, std::size_t size) {
    return Bytes(encoded.begin() + static_cast<std::ptrdiff_t>(offset),
                 encoded.begin() + static_cast<std::ptrdiff_t>(offset + size));
  };
  return Sm2Ciphertext{at(kEccField - kCoordinate, kCoordinate),
                       at(2 * kEccField - kCoordinate, kCoordinate), at(2 * kEccField, kHash),
                       at(kEccHeader, length)};
}

Status check_parts(const Sm2Ciphertext& parts) {
  if (parts.x.size() != kCoordinate || parts.y.size() != kCoordinate || parts.c3.size() != kHash) {
    return Error::invalid_input("SM2 ciphertext parts have the wrong sizes");
  }
  return ok_status();
}

}  // namespace

Result<Sm2Ciphertext> sm2_ciphertext_decode(ByteView encoded, Sm2CipherFormat format) {
  switch (format) {
    case Sm2CipherFormat::kDer:
      return decode_der(encoded);
    case Sm2CipherFormat::kC1C3C2:
      return decode_raw(encoded, true);
    case Sm2CipherFormat::kC1C2C3:
      return decode_raw(encoded, false);
    case Sm2CipherFormat::kEccCipher:
      return decode_ecc_cipher(encoded);
  }
  return Error::invalid_input("unknown SM2 ciphertext format");
}

Bytes sm2_ciphertext_encode(const Sm2Ciphertext& parts, Sm2CipherFormat format) {
  Bytes out;
  switch (format) {
    case Sm2CipherFormat::kDer:
      return asn1::encode_sequence({asn1::encode_unsigned_integer(parts.x),
                                    asn1::encode_unsigned_integer(parts.y),
                                    asn1::encode(asn1::tag::kOctetString, parts.c3),
                                    asn1::encode(asn1::tag::kOctetString, parts.c2)});
    case Sm2CipherFormat::kC1C3C2:
    case Sm2CipherFormat::kC1C2C3:
      out.reserve(kC1 + kHash + parts.c2.size());
      out.push_back(0x04);
      append(out, parts.x);
      append(out, parts.y);
      append(out, format == Sm2CipherFormat::kC1C3C2 ? parts.c3 : parts.c2);
      append(out, format == Sm2CipherFormat::kC1C3C2 ? parts.c2 : parts.c3);
      return out;
    case Sm2CipherFormat::kEccCipher: {
      out.assign(kEccHeader, 0);
      std::copy(parts.x.begin(), parts.x.end(), out.begin() + (kEccField - kCoordinate));
      std::copy(parts.y.begin(), parts.y.end(), out.begin() + (2 * kEccField - kCoordinate));
      std::copy(parts.c3.begin(), parts.c3.end(), out.begin() + 2 * kEccField);
      auto length = static_cast<std::uint32_t>(parts.c2.size());
      for (int i = 0; i < 4; ++i)
        out[2 * kEccField + kHash + i] = static_cast<std::uint8_t>(length >> (8 * i));
      append(out, parts.c2);
      return out;
    }
  }
  return out;
}

Result<Sm2CipherFormat> sm2_ciphertext_detect(ByteView encoded) {
  if (encoded.empty()) return Error::invalid_input("empty SM2 ciphertext");
  if (encoded[0] == asn1::tag::kSequence) return Sm2CipherFormat::kDer;
  if (encoded.size() >= kEccHeader && encoded[0] == 0 && decode_ecc_cipher(encoded).ok()) {
    return Sm2CipherFormat::kEccCipher;
  }
  if (encoded[0] == 0x04 && encoded.size() >= kC1 + kHash) return Sm2CipherFormat::kC1C3C2;
  return Error::invalid_input("cannot tell the SM2 ciphertext format from its bytes");
}

Result<Bytes> sm2_encrypt(const Sm2PublicKey& key, ByteView plaintext, Sm2CipherFormat format) {
  if (plaintext.empty()) return Error::invalid_input("SM2 cannot encrypt an empty message");
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.native(), nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plaintext.data(), plaintext.size()) != 1) {
    return ossl::failure("SM2 encryption failed");
  }
  Bytes der(len);
  if (EVP_PKEY_encrypt(ctx.get(), der.data(), &len, plaintext.data(), plaintext.size()) != 1) {
    return ossl::failure("SM2 encryption failed");
  }
  der.resize(len);
  if (format == Sm2CipherFormat::kDer) return der;
  auto parts = decode_der(der);
  if (!parts) return parts.error();
  return sm2_ciphertext_encode(*parts, format);
}

Result<SecureBytes> sm2_decrypt(const Sm2PrivateKey& key, ByteView ciphertext,
                                Sm2CipherFormat format) {
  auto parts = sm2_ciphertext_decode(ciphertext, format);
  if (!parts) return parts.error();
  if (auto s = check_parts(*parts); !s) return s.error();
  if (parts->c2.empty()) return Error::invalid_input("SM2 ciphertext carries no data");
  // OpenSSL decrypts the DER form; re-encoding also canonicalises a lenient DER input.
  Bytes der = sm2_ciphertext_encode(*parts, Sm2CipherFormat::kDer);
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.native(), nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &len, der.data(), der.size()) != 1) {
    return ossl::failure("SM2 decryption failed");
  }
  SecureBytes plain(len);
  if (EVP_PKEY_decrypt(ctx.get(), plain.data(), &len, der.data(), der.size()) != 1) {
    ossl::drain_errors();
    return Error::invalid_input("SM2 decryption failed: wrong key or corrupted ciphertext");
  }
  plain.resize(len);
  return plain;
}

Result<SecureBytes> sm2_decrypt(const Sm2PrivateKey& key, ByteView ciphertext) {
  auto format = sm2_ciphertext_detect(ciphertext);
  if (!format) return format.error();
  return sm2_decrypt(key, ciphertext, *format);
}

}  // namespace eseal::crypto
