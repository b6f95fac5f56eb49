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

using soft::string_member;
using soft::view;
using soft::write_member;
using soft::write_string;

Error damaged(const std::filesystem::path& dir, const std::string& what) {
  return Error::invalid_input(store_file(dir).string() + " is damaged: " + what);
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

}  // namespace

Result<KeySlot> make_slot(std::string_view password) {
  auto sign = crypto::Sm2PrivateKey::generate();
  if (!sign) return sign.error();
  auto enc = crypto::Sm2PrivateKey::generate();
  if (!enc) return enc.error();
  auto hash = soft::hash_password(password);
  if (!hash) return hash.error();
  return KeySlot{std::move(*sign), std::move(*enc), std::move(*hash)};
}

std::filesystem::path store_file(const std::filesystem::path& dir) {
  return dir / "device.json";
}

Result<FileIdentity> identity_of(const std::filesystem::path& dir) {
  return soft::identity_of(store_file(dir));
}

Store new_store() {
  Store store;
  store.issuer = "eseal";
  store.name = "eseal-softsdf";
  store.serial = soft::new_serial();
  return store;
}

Result<Store> load_store(const std::filesystem::path& dir) {
  auto parsed = soft::read_json(store_file(dir), kFormat);
  if (!parsed) return parsed.error();
  const rapidjson::Document& json = *parsed;

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
    auto password = soft::read_password(entry, "password");
    if (!password) return damaged(dir, where + ": " + password.error().message);
    store.keys.insert_or_assign(index,
                                KeySlot{std::move(*sign), std::move(*enc), std::move(*password)});
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
  soft::JsonWriter writer(buffer);
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
    soft::write_password(writer, "password", slot.password);
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

  return soft::write_private(store_file(dir), buffer);
}

}  // namespace eseal::keys::soft_sdf
