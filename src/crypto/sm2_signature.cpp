// GM/T 0009 SM2Signature <-> raw r||s (docs/ENCODINGS.md §1.2).
#include <algorithm>
#include <array>

#include "asn1/der.h"
#include "crypto/encoding.h"
#include "crypto/openssl.h"
#include "crypto/sm2.h"

namespace eseal::crypto {
namespace {

constexpr std::size_t kHalf = kSm2RawSignatureSize / 2;

const std::array<std::uint8_t, kHalf>& group_order() {
  static const std::array<std::uint8_t, kHalf> order = [] {
    std::array<std::uint8_t, kHalf> n{};
    auto group = ossl::sm2_group();
    BN_bn2binpad(EC_GROUP_get0_order(group.get()), n.data(), kHalf);
    return n;
  }();
  return order;
}

// `value` is a 32-byte big-endian integer; true when 1 <= value <= n-1.
bool in_signature_range(ByteView value) {
  bool zero = std::all_of(value.begin(), value.end(), [](std::uint8_t b) { return b == 0; });
  const auto& n = group_order();
  return !zero && std::lexicographical_compare(value.begin(), value.end(), n.begin(), n.end());
}

Result<Bytes> left_pad(const Bytes& magnitude, const char* name) {
  if (magnitude.size() > kHalf) {
    return Error::invalid_input(std::string("SM2 signature ") + name + " is longer than 32 bytes");
  }
  Bytes out(kHalf - magnitude.size(), 0);
  append(out, magnitude);
  if (!in_signature_range(out)) {
    return Error::invalid_input(std::string("SM2 signature ") + name + " is outside [1, n-1]");
  }
  return out;
}

}  // namespace

Result<Bytes> sm2_signature_der_to_raw(ByteView der) {
  auto seq = asn1::parse_single(der, asn1::tag::kSequence);
  if (!seq) return seq.error().with_context("SM2 signature");
  asn1::Reader reader(seq->content);
  auto r = reader.unsigned_integer();
  if (!r) return r.error().with_context("SM2 signature r");
  auto s = reader.unsigned_integer();
  if (!s) return s.error().with_context("SM2 signature s");
  if (!reader.empty()) return Error::invalid_input("SM2 signature has extra fields");
  auto r32 = left_pad(*r, "r");
  if (!r32) return r32;
  auto s32 = left_pad(*s, "s");
  if (!s32) return s32;
  append(*r32, *s32);
  return r32;
}

Result<Bytes> sm2_signature_raw_to_der(ByteView raw) {
  if (raw.size() != kSm2RawSignatureSize) {
    return Error::invalid_input("raw SM2 signature must be 64 bytes (r||s), got " +
                                std::to_string(raw.size()));
  }
  ByteView r = raw.first(kHalf);
  ByteView s = raw.subspan(kHalf);
  if (!in_signature_range(r) || !in_signature_range(s)) {
    return Error::invalid_input("SM2 signature r or s is outside [1, n-1]");
  }
  return asn1::encode_sequence(
      {asn1::encode_unsigned_integer(r), asn1::encode_unsigned_integer(s)});
}

Result<Bytes> sm2_signature_to_der(ByteView signature) {
  if (!signature.empty() && signature[0] == asn1::tag::kSequence) {
    if (auto raw = sm2_signature_der_to_raw(signature); raw) {
      return Bytes(signature.begin(), signature.end());
    } else if (signature.size() != kSm2RawSignatureSize) {
      return raw.error();
    }
  }
  if (signature.size() == kSm2RawSignatureSize) return sm2_signature_raw_to_der(signature);
  return Error::invalid_input("SM2 signature is neither DER SM2Signature nor 64-byte r||s (" +
                              std::to_string(signature.size()) + " bytes)");
}

Result<Bytes> parse_sm2_signature(ByteView data) {
  if (auto der = sm2_signature_to_der(data)) return der;
  std::string text(data.begin(), data.end());
  for (auto decode : {from_hex, from_base64}) {
    auto decoded = decode(text);
    if (!decoded) continue;
    if (auto der = sm2_signature_to_der(*decoded)) return der;
  }
  return Error::invalid_input("no SM2 signature (DER, 64-byte r||s, or their hex or base64)");
}

}  // namespace eseal::crypto
