#include "keys/soft_common.h"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::keys::soft {

namespace {

constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kVerifierSize = 32;

constexpr std::size_t kPad = kField - kScalar;

bool padding_is_zero(const std::uint8_t* field) {
  return std::all_of(field, field + kPad, [](std::uint8_t b) { return b == 0; });
}

Bytes verifier_of(std::string_view password, ByteView salt, int iterations) {
  auto derived =
      crypto::pbkdf2(crypto::HashAlgorithm::kSm3, password, salt, iterations, kVerifierSize);
  return Bytes(derived.begin(), derived.end());
}

}  // namespace

Result<PasswordHash> hash_password(std::string_view password) {
  auto salt = crypto::random_bytes(kSaltSize);
  if (!salt) return salt.error();
  Bytes verifier = verifier_of(password, *salt, kPasswordIterations);
  return PasswordHash{std::move(*salt), std::move(verifier), kPasswordIterations};
}

bool password_matches(const PasswordHash& hash, std::string_view password) {
  return crypto::equal_constant_time(verifier_of(password, hash.salt, hash.iterations),
                                     hash.verifier);
}

std::filesystem::path device_dir(const char* variable, const char* leaf) {
  if (const char* dir = std::getenv(variable); dir && *dir) return dir;
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".local/share/eseal" / leaf;
  }
  return {};
}

Result<FileIdentity> identity_of(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return Error::not_found(file.string() + " does not exist");
  return FileIdentity{info.st_dev, info.st_ino, info.st_mtim, info.st_size};
}

std::string new_serial() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &utc);
  auto random = crypto::random_bytes(4);
  std::uint32_t number = 0;
  if (random) {
    for (auto b : *random) number = number << 8 | b;
  }
  char serial[32];
  std::snprintf(serial, sizeof serial, "%s001%05u", date, static_cast<unsigned>(number % 100000));
  return serial;
}

Result<FileIdentity> write_private(const std::filesystem::path& file,
                                   rapidjson::StringBuffer& buffer) {
  std::error_code ec;
  auto dir = file.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::io("cannot create " + dir.string() + ": " + ec.message());
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  auto written = write_file_atomic(
      file, as_bytes(std::string_view(buffer.GetString(), buffer.GetSize())), 0600);
  OPENSSL_cleanse(const_cast<char*>(buffer.GetString()), buffer.GetSize());
  if (!written) return written.error();
  return identity_of(file);
}

Result<rapidjson::Document> read_json(const std::filesystem::path& file, unsigned format) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return Error::not_found(file.string() + " does not exist");
  auto bytes = read_file(file);
  if (!bytes) return bytes.error();
  rapidjson::Document json;
  json.Parse(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  if (json.HasParseError() || !json.IsObject()) {
    return Error::invalid_input(file.string() + " is damaged: not a JSON object");
  }
  if (uint_member(json, "format", 0) != format) {
    return Error::invalid_input(file.string() + " is damaged: unknown format");
  }
  return json;
}

const rapidjson::Value* string_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return nullptr;
  return &it->value;
}

unsigned uint_member(const rapidjson::Value& object, const char* name, unsigned fallback) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsUint()) return fallback;
  return it->value.GetUint();
}

std::string_view view(const rapidjson::Value& string) {
  return {string.GetString(), string.GetStringLength()};
}

void write_string(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_member(JsonWriter& writer, const char* name, std::string_view text) {
  writer.Key(name);
  write_string(writer, text);
}

void write_password(JsonWriter& writer, const char* name, const PasswordHash& hash) {
  writer.Key(name);
  writer.StartObject();
  write_member(writer, "salt", crypto::to_hex(hash.salt));
  writer.Key("iterations");
  writer.Int(hash.iterations);
  write_member(writer, "hash", crypto::to_hex(hash.verifier));
  writer.EndObject();
}

Result<PasswordHash> read_password(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || !member->value.IsObject()) {
    return Error::invalid_input(std::string("no ") + name);
  }
  const auto& value = member->value;
  const auto* salt = string_member(value, "salt");
  const auto* hash = string_member(value, "hash");
  auto iterations = value.FindMember("iterations");
  if (!salt || !hash || iterations == value.MemberEnd() || !iterations->value.IsInt() ||
      iterations->value.GetInt() < 1) {
    return Error::invalid_input(std::string("incomplete ") + name);
  }
  auto salt_bytes = crypto::from_hex(view(*salt));
  auto hash_bytes = crypto::from_hex(view(*hash));
  if (!salt_bytes || !hash_bytes || hash_bytes->size() != kVerifierSize) {
    return Error::invalid_input(std::string("bad hash in ") + name);
  }
  return PasswordHash{std::move(*salt_bytes), std::move(*hash_bytes), iterations->value.GetInt()};
}

std::optional<crypto::Sm2PublicKey> public_key_from(unsigned bits, const std::uint8_t* x,
                                                    const std::uint8_t* y) {
  if (bits != 256 || !padding_is_zero(x) || !padding_is_zero(y)) return std::nullopt;
  Bytes point{0x04};
  point.insert(point.end(), x + kPad, x + kField);
  point.insert(point.end(), y + kPad, y + kField);
  auto key = crypto::Sm2PublicKey::from_point(point);
  if (!key) return std::nullopt;
  return *key;
}

void public_key_to(const crypto::Sm2PublicKey& key, std::uint8_t* x, std::uint8_t* y) {
  Bytes point = key.point();  // 04 || x || y
  std::memset(x, 0, kField);
  std::memset(y, 0, kField);
  std::memcpy(x + kPad, point.data() + 1, kScalar);
  std::memcpy(y + kPad, point.data() + 1 + kScalar, kScalar);
}

std::optional<crypto::Sm2PrivateKey> private_key_from(unsigned bits, const std::uint8_t* k) {
  if (bits != 256 || !padding_is_zero(k)) return std::nullopt;
  auto key = crypto::Sm2PrivateKey::from_scalar(ByteView(k + kPad, kScalar));
  if (!key) return std::nullopt;
  return *key;
}

void private_key_to(const crypto::Sm2PrivateKey& key, std::uint8_t* k) {
  auto scalar = key.scalar();
  std::memset(k, 0, kField);
  std::memcpy(k + kPad, scalar.data(), kScalar);
}

bool signature_to(ByteView der, std::uint8_t* r, std::uint8_t* s) {
  auto raw = crypto::sm2_signature_der_to_raw(der);
  if (!raw || raw->size() != 2 * kScalar) return false;
  std::memset(r, 0, kField);
  std::memset(s, 0, kField);
  std::memcpy(r + kPad, raw->data(), kScalar);
  std::memcpy(s + kPad, raw->data() + kScalar, kScalar);
  return true;
}

std::optional<Bytes> signature_from(const std::uint8_t* r, const std::uint8_t* s) {
  if (!padding_is_zero(r) || !padding_is_zero(s)) return std::nullopt;
  Bytes raw(r + kPad, r + kField);
  raw.insert(raw.end(), s + kPad, s + kField);
  auto der = crypto::sm2_signature_raw_to_der(raw);
  if (!der) return std::nullopt;
  return std::move(*der);
}

Result<crypto::Sm2Ciphertext> sm2_encrypt_parts(const crypto::Sm2PublicKey& key, ByteView plain) {
  auto der = crypto::sm2_encrypt(key, plain, crypto::Sm2CipherFormat::kDer);
  if (!der) return der.error();
  auto parts = crypto::sm2_ciphertext_decode(*der, crypto::Sm2CipherFormat::kDer);
  if (!parts) return parts.error();
  if (parts->x.size() != kScalar || parts->y.size() != kScalar || parts->c3.size() != 32 ||
      parts->c2.size() != plain.size()) {
    return Error::internal("an SM2 ciphertext of unexpected shape");
  }
  return parts;
}

Result<crypto::SecureBytes> sm2_decrypt_fields(const crypto::Sm2PrivateKey& key,
                                               const std::uint8_t* x, const std::uint8_t* y,
                                               const std::uint8_t* hash, ByteView c2) {
  if (!padding_is_zero(x) || !padding_is_zero(y)) {
    return Error::invalid_input("C1 does not fit 256 bits");
  }
  crypto::Sm2Ciphertext parts{Bytes(x + kPad, x + kField), Bytes(y + kPad, y + kField),
                              Bytes(hash, hash + 32), Bytes(c2.begin(), c2.end())};
  auto der = crypto::sm2_ciphertext_encode(parts, crypto::Sm2CipherFormat::kDer);
  return crypto::sm2_decrypt(key, der, crypto::Sm2CipherFormat::kDer);
}

}  // namespace eseal::keys::soft
