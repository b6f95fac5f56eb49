#include "keys/soft_sdf/store.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/stat.h>

#include <cstdio>
#include <system_error>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::keys::soft_sdf {

namespace {

constexpr unsigned kFormat = 1;
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kVerifierSize = 32;

Bytes verifier_of(std::string_view password, ByteView salt, int iterations) {
  auto derived =
      crypto::pbkdf2(crypto::HashAlgorithm::kSm3, password, salt, iterations, kVerifierSize);
  return Bytes(derived.begin(), derived.end());
}

Error damaged(const std::filesystem::path& dir, const std::string& what) {
  return Error::invalid_input(store_file(dir).string() + " is damaged: " + what);
}

// The member `name` of `object` as a string, or null.
const rapidjson::Value* string_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return nullptr;
  return &it->value;
}

std::string_view view(const rapidjson::Value& string) {
  return {string.GetString(), string.GetStringLength()};
}

Result<crypto::Sm2PrivateKey> key_from_hex(const rapidjson::Value& object, const char* name) {
  auto* text = string_member(object, name);
  if (!text) return Error::invalid_input(std::string("no ") + name + " key");
  auto scalar = crypto::from_hex(view(*text));
  if (!scalar) return scalar.error();
  auto key = crypto::Sm2PrivateKey::from_scalar(*scalar);
  std::fill(scalar->begin(), scalar->end(), 0);
  return key;
}

// A key or KEK index member in 1..kMaxIndex, or 0.
unsigned index_of(const rapidjson::Value& object) {
  auto it = object.FindMember("index");
  if (it == object.MemberEnd() || !it->value.IsUint()) return 0;
  unsigned index = it->value.GetUint();
  return index >= 1 && index <= kMaxIndex ? index : 0;
}

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_member(Writer& writer, const char* name, std::string_view text) {
  writer.Key(name);
  write_string(writer, text);
}

}  // namespace

Result<KeySlot> make_slot(std::string_view password) {
  auto sign = crypto::Sm2PrivateKey::generate();
  if (!sign) return sign.error();
  auto enc = crypto::Sm2PrivateKey::generate();
  if (!enc) return enc.error();
  auto salt = crypto::random_bytes(kSaltSize);
  if (!salt) return salt.error();
  Bytes verifier = verifier_of(password, *salt, kPasswordIterations);
  return KeySlot{std::move(*sign), std::move(*enc), std::move(*salt), std::move(verifier),
                 kPasswordIterations};
}

bool password_matches(const KeySlot& slot, std::string_view password) {
  return crypto::equal_constant_time(verifier_of(password, slot.salt, slot.iterations),
                                     slot.verifier);
}

std::filesystem::path store_file(const std::filesystem::path& dir) {
  return dir / "device.json";
}

Result<FileIdentity> identity_of(const std::filesystem::path& dir) {
  struct stat info {};
  if (::stat(store_file(dir).c_str(), &info) != 0) {
    return Error::not_found(store_file(dir).string() + " does not exist");
  }
  return FileIdentity{info.st_dev, info.st_ino, info.st_mtim, info.st_size};
}

Store new_store() {
  Store store;
  store.issuer = "eseal";
  store.name = "eseal-softsdf";
  // The standard's serial: a date (8), a batch (3) and a number (5).
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
  store.serial = serial;
  return store;
}

Result<Store> load_store(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(store_file(dir), ec)) {
    return Error::not_found(store_file(dir).string() + " does not exist");
  }
  auto bytes = read_file(store_file(dir));
  if (!bytes) return bytes.error();
  rapidjson::Document json;
  json.Parse(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  if (json.HasParseError() || !json.IsObject()) return damaged(dir, "not a JSON object");
  auto format = json.FindMember("format");
  if (format == json.MemberEnd() || !format->value.IsUint() || format->value.GetUint() != kFormat) {
    return damaged(dir, "unknown format");
  }

  Store store;
  auto device = json.FindMember("device");
  if (device == json.MemberEnd() || !device->value.IsObject()) return damaged(dir, "no device");
  const auto* issuer = string_member(device->value, "issuer");
  const auto* name = string_member(device->value, "name");
  const auto* serial = string_member(device->value, "serial");
  if (!issuer || !name || !serial) return damaged(dir, "incomplete device information");
  store.issuer = view(*issuer);
  store.name = view(*name);
  store.serial = view(*serial);

  auto keys = json.FindMember("keys");
  if (keys == json.MemberEnd() || !keys->value.IsArray()) return damaged(dir, "no keys");
  for (const auto& entry : keys->value.GetArray()) {
    unsigned index = entry.IsObject() ? index_of(entry) : 0;
    if (index == 0) return damaged(dir, "a key without a valid index");
    std::string where = "key " + std::to_string(index);
    auto sign = key_from_hex(entry, "sign");
    if (!sign) return damaged(dir, where + ": " + sign.error().message);
    auto enc = key_from_hex(entry, "enc");
    if (!enc) return damaged(dir, where + ": " + enc.error().message);
    auto password = entry.FindMember("password");
    if (password == entry.MemberEnd() || !password->value.IsObject()) {
      return damaged(dir, where + ": no password");
    }
    const auto* salt = string_member(password->value, "salt");
    const auto* hash = string_member(password->value, "hash");
    auto iterations = password->value.FindMember("iterations");
    if (!salt || !hash || iterations == password->value.MemberEnd() || !iterations->value.IsInt() ||
        iterations->value.GetInt() < 1) {
      return damaged(dir, where + ": incomplete password");
    }
    auto salt_bytes = crypto::from_hex(view(*salt));
    auto hash_bytes = crypto::from_hex(view(*hash));
    if (!salt_bytes || !hash_bytes || hash_bytes->size() != kVerifierSize) {
      return damaged(dir, where + ": bad password hash");
    }
    store.keys.insert_or_assign(index,
                                KeySlot{std::move(*sign), std::move(*enc), std::move(*salt_bytes),
                                        std::move(*hash_bytes), iterations->value.GetInt()});
  }

  auto keks = json.FindMember("keks");
  if (keks == json.MemberEnd() || !keks->value.IsArray()) return damaged(dir, "no keks");
  for (const auto& entry : keks->value.GetArray()) {
    unsigned index = entry.IsObject() ? index_of(entry) : 0;
    const auto* key = index != 0 ? string_member(entry, "key") : nullptr;
    if (!key) return damaged(dir, "a KEK without a valid index or key");
    auto bytes_of_key = crypto::from_hex(view(*key));
    if (!bytes_of_key || bytes_of_key->size() != 16) {
      return damaged(dir, "KEK " + std::to_string(index) + " is not 16 bytes");
    }
    store.keks.insert_or_assign(index, crypto::to_secure(*bytes_of_key));
    std::fill(bytes_of_key->begin(), bytes_of_key->end(), 0);
  }

  auto files = json.FindMember("files");
  if (files == json.MemberEnd() || !files->value.IsObject()) return damaged(dir, "no files");
  for (const auto& file : files->value.GetObject()) {
    if (!file.value.IsString()) return damaged(dir, "a file that is not base64 text");
    auto data = crypto::from_base64(view(file.value));
    if (!data) return damaged(dir, "file " + std::string(view(file.name)) + " is not base64");
    store.files.insert_or_assign(std::string(view(file.name)), std::move(*data));
  }
  return store;
}

Result<FileIdentity> save_store(const std::filesystem::path& dir, const Store& store) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("format");
  writer.Uint(kFormat);
  write_member(writer, "note",
               "eseal software SDF device for development and tests, not an HSM: "
               "the keys below are in the clear");
  writer.Key("device");
  writer.StartObject();
  write_member(writer, "issuer", store.issuer);
  write_member(writer, "name", store.name);
  write_member(writer, "serial", store.serial);
  writer.EndObject();

  writer.Key("keys");
  writer.StartArray();
  for (const auto& [index, slot] : store.keys) {
    writer.StartObject();
    writer.Key("index");
    writer.Uint(index);
    writer.Key("password");
    writer.StartObject();
    write_member(writer, "salt", crypto::to_hex(slot.salt));
    writer.Key("iterations");
    writer.Int(slot.iterations);
    write_member(writer, "hash", crypto::to_hex(slot.verifier));
    writer.EndObject();
    write_member(writer, "sign", crypto::to_hex(slot.sign.scalar()));
    write_member(writer, "enc", crypto::to_hex(slot.enc.scalar()));
    writer.EndObject();
  }
  writer.EndArray();

  writer.Key("keks");
  writer.StartArray();
  for (const auto& [index, key] : store.keks) {
    writer.StartObject();
    writer.Key("index");
    writer.Uint(index);
    write_member(writer, "key", crypto::to_hex(key));
    writer.EndObject();
  }
  writer.EndArray();

  writer.Key("files");
  writer.StartObject();
  for (const auto& [name, data] : store.files) {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    write_string(writer, crypto::to_base64(data));
  }
  writer.EndObject();
  writer.EndObject();

  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::io("cannot create " + dir.string() + ": " + ec.message());
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  auto written = write_file_atomic(
      store_file(dir), as_bytes(std::string_view(buffer.GetString(), buffer.GetSize())), 0600);
  // The buffer held private keys: wipe it before it goes back to the heap.
  OPENSSL_cleanse(const_cast<char*>(buffer.GetString()), buffer.GetSize());
  if (!written) return written.error();
  return identity_of(dir);
}

}  // namespace eseal::keys::soft_sdf
