#include "filing/package.h"

#include <algorithm>
#include <array>

#include "asn1/der.h"
#include "base/utf8.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2_cipher.h"
#include "crypto/sm4.h"

namespace eseal::filing {
namespace {

struct FieldSpec {
  const char* name;
  std::string GaData::*member;
  std::uint8_t tag;
};

constexpr std::uint8_t kIa5 = asn1::tag::kIa5String;
constexpr std::uint8_t kUtf8 = asn1::tag::kUtf8String;

const std::array<FieldSpec, 16>& specs() {
  static const std::array<FieldSpec, 16> table{{
      {"deviceCode", &GaData::device_code, kIa5},
      {"yzmc", &GaData::yzmc, kUtf8},
      {"yzbm", &GaData::yzbm, kIa5},
      {"yzzzdwbm", &GaData::yzzzdwbm, kIa5},
      {"yzlxdm", &GaData::yzlxdm, kIa5},
      {"jbr_xm", &GaData::jbr_xm, kUtf8},
      {"jbr_zjlx", &GaData::jbr_zjlx, kIa5},
      {"jbr_zjhm", &GaData::jbr_zjhm, kIa5},
      {"zzrq", &GaData::zzrq, kIa5},
      {"yzsydw_dwmc", &GaData::yzsydw_dwmc, kUtf8},
      {"yzsydw_dwssmzwzmc", &GaData::yzsydw_dwssmzwzmc, kUtf8},
      {"yzsydw_dwywmc", &GaData::yzsydw_dwywmc, kUtf8},
      {"yzzzdw_dwmc", &GaData::yzzzdw_dwmc, kUtf8},
      {"yzzzdw_dwssmzwzmc", &GaData::yzzzdw_dwssmzwzmc, kUtf8},
      {"yzzzdw_dwywmc", &GaData::yzzzdw_dwywmc, kUtf8},
      {"yzsydw_tyshxydm", &GaData::yzsydw_tyshxydm, kUtf8},
  }};
  return table;
}

Status check_text(const FieldSpec& spec, const std::string& value) {
  bool fits = spec.tag == kIa5
                  ? std::all_of(value.begin(), value.end(),
                                [](char c) { return static_cast<unsigned char>(c) < 0x80; })
                  : decode_utf8_strict(value).has_value();
  if (fits) return ok_status();
  return Error::invalid_input(
      std::string("GAData ") + spec.name +
      (spec.tag == kIa5 ? " is not ASCII (IA5String)" : " is not UTF-8 (UTF8String)"));
}

Result<crypto::SecureBytes> open_key(const crypto::Sm2PrivateKey& key, std::string_view text,
                                     const char* name) {
  auto blob = crypto::from_base64(text);
  if (!blob) return Error::invalid_input(std::string(name) + " is not base64");
  auto plain = crypto::sm2_decrypt(key, *blob);
  if (!plain)
    return Error::invalid_input(
        std::string(name) +
        " does not decrypt with the seal's encryption key: " + plain.error().message);
  if (plain->size() != kSymmetricKeySize)
    return Error::invalid_input(std::string(name) + " does not hold a 16-byte SM4 key");
  return plain;
}

}  // namespace

const std::vector<std::string>& ga_data_field_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& s : specs()) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

std::string* ga_data_field(GaData& data, std::string_view name) {
  for (const auto& s : specs())
    if (name == s.name) return &(data.*s.member);
  return nullptr;
}

const std::string* ga_data_field(const GaData& data, std::string_view name) {
  for (const auto& s : specs())
    if (name == s.name) return &(data.*s.member);
  return nullptr;
}

Result<Bytes> encode_ga_data(const GaData& data) {
  std::vector<Bytes> elements;
  for (const auto& s : specs()) {
    const std::string& value = data.*s.member;
    if (auto c = check_text(s, value); !c) return c.error();
    elements.push_back(asn1::encode(s.tag, as_bytes(value)));
  }
  return asn1::encode_sequence_of(elements);
}

Result<GaData> decode_ga_data(ByteView der) {
  auto sequence = asn1::parse_single(der, asn1::tag::kSequence);
  if (!sequence) return Error::invalid_input("GAData is not one DER SEQUENCE");
  auto elements = asn1::read_all(sequence->content);
  if (!elements) return Error::invalid_input("GAData: " + elements.error().message);
  if (elements->size() != specs().size())
    return Error::invalid_input("GAData has " + std::to_string(elements->size()) +
                                " fields, not 16");
  GaData out;
  for (std::size_t i = 0; i < specs().size(); ++i) {
    const FieldSpec& s = specs()[i];
    const asn1::Element& e = (*elements)[i];
    if (e.tag != s.tag)
      return Error::invalid_input(std::string("GAData ") + s.name + " has the wrong type");
    std::string value(reinterpret_cast<const char*>(e.content.data()), e.content.size());
    if (auto c = check_text(s, value); !c) return c.error();
    out.*s.member = std::move(value);
  }
  return out;
}

Result<IssuedPackage> issue_package(const GaData& data,
                                    const crypto::Sm2PublicKey& seal_encryption_key) {
  auto der = encode_ga_data(data);
  if (!der) return der.error();
  auto data_key = crypto::random_secret(kSymmetricKeySize);
  if (!data_key) return data_key.error();
  auto app_key = crypto::random_secret(kSymmetricKeySize);
  if (!app_key) return app_key.error();
  auto file = crypto::sm4_ecb_encrypt(*data_key, *der);
  if (!file) return file.error();
  std::string enc_file = crypto::to_base64(*file);
  if (enc_file.size() > kMaxEncFileSize)
    return Error::invalid_input("encFile would be " + std::to_string(enc_file.size()) +
                                " bytes, more than 40 KiB");
  auto data_envelope =
      crypto::sm2_encrypt(seal_encryption_key, *data_key, crypto::Sm2CipherFormat::kEccCipher);
  if (!data_envelope) return data_envelope.error();
  auto app_envelope =
      crypto::sm2_encrypt(seal_encryption_key, *app_key, crypto::Sm2CipherFormat::kEccCipher);
  if (!app_envelope) return app_envelope.error();
  return IssuedPackage{{data.yzbm, std::move(enc_file), crypto::to_base64(*app_envelope),
                        crypto::to_base64(*data_envelope)},
                       std::move(*data_key),
                       std::move(*app_key)};
}

Result<OpenedPackage> open_package(const Package& package,
                                   const crypto::Sm2PrivateKey& seal_encryption_key) {
  if (package.enc_file.size() > kMaxEncFileSize)
    return Error::invalid_input("encFile is larger than 40 KiB");
  auto data_key = open_key(seal_encryption_key, package.data_sym_key_enc, "dataSymKeyEnc");
  if (!data_key) return data_key.error();
  auto app_key = open_key(seal_encryption_key, package.app_sym_key_enc, "appSymKeyEnc");
  if (!app_key) return app_key.error();
  auto file = crypto::from_base64(package.enc_file);
  if (!file) return Error::invalid_input("encFile is not base64");
  auto der = crypto::sm4_ecb_decrypt(*data_key, *file);
  if (!der) return Error::invalid_input("encFile does not decrypt with the data key");
  auto data = decode_ga_data(*der);
  if (!data) return data.error();
  return OpenedPackage{std::move(*data), std::move(*data_key), std::move(*app_key)};
}

Result<std::string> encrypt_device_code(ByteView data_key, std::string_view device_code) {
  auto sealed = crypto::sm4_ecb_encrypt(data_key, as_bytes(device_code));
  if (!sealed) return sealed.error();
  return crypto::to_base64(*sealed);
}

Result<std::string> decrypt_device_code(ByteView data_key, std::string_view enc_device_code) {
  auto blob = crypto::from_base64(enc_device_code);
  if (!blob) return Error::invalid_input("encDeviceCode is not base64");
  auto plain = crypto::sm4_ecb_decrypt(data_key, *blob);
  if (!plain) return Error::invalid_input("encDeviceCode does not decrypt with the data key");
  return std::string(plain->begin(), plain->end());
}

}  // namespace eseal::filing
