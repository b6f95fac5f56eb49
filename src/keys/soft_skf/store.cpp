#include "keys/soft_skf/store.h"

#include <algorithm>

#include "crypto/encoding.h"

namespace eseal::keys::soft_skf {

namespace {

constexpr unsigned kFormat = 1;

using soft::JsonWriter;
using soft::string_member;
using soft::uint_member;
using soft::view;
using soft::write_member;

// The object member `name` of `object`, or null.
const rapidjson::Value* object_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

Result<Pin> read_pin(const rapidjson::Value& application, const char* name) {
  const auto* pin = object_member(application, name);
  if (!pin) return Error::invalid_input(std::string("no ") + name);
  auto hash = soft::read_password(*pin, "hash");
  if (!hash) return hash.error();
  Pin out{std::move(*hash), uint_member(*pin, "maxRetries", 0), uint_member(*pin, "retriesLeft", 0),
          true};
  auto is_default = pin->FindMember("default");
  if (is_default != pin->MemberEnd() && is_default->value.IsBool()) {
    out.is_default = is_default->value.GetBool();
  }
  if (out.max_retries == 0 || out.max_retries > kMaxRetries || out.retries_left > out.max_retries) {
    return Error::invalid_input(std::string("bad retry counts in ") + name);
  }
  return out;
}

void write_pin(JsonWriter& writer, const char* name, const Pin& pin) {
  writer.Key(name);
  writer.StartObject();
  soft::write_password(writer, "hash", pin.hash);
  writer.Key("maxRetries");
  writer.Uint(pin.max_retries);
  writer.Key("retriesLeft");
  writer.Uint(pin.retries_left);
  writer.Key("default");
  writer.Bool(pin.is_default);
  writer.EndObject();
}

Result<KeyPair> read_key_pair(const rapidjson::Value& container, const char* name) {
  KeyPair pair;
  const auto* object = object_member(container, name);
  if (!object) return pair;
  if (const auto* key = string_member(*object, "key")) {
    auto scalar = crypto::from_hex(view(*key));
    if (!scalar) return scalar.error();
    auto private_key = crypto::Sm2PrivateKey::from_scalar(*scalar);
    std::fill(scalar->begin(), scalar->end(), 0);
    if (!private_key) return private_key.error();
    pair.key = std::move(*private_key);
  }
  if (const auto* certificate = string_member(*object, "certificate")) {
    auto der = crypto::from_base64(view(*certificate));
    if (!der) return der.error();
    pair.certificate = std::move(*der);
  }
  return pair;
}

void write_key_pair(JsonWriter& writer, const char* name, const KeyPair& pair) {
  writer.Key(name);
  writer.StartObject();
  if (pair.key) write_member(writer, "key", crypto::to_hex(pair.key->scalar()));
  if (!pair.certificate.empty()) {
    write_member(writer, "certificate", crypto::to_base64(pair.certificate));
  }
  writer.EndObject();
}

Result<Application> read_application(const rapidjson::Value& object) {
  Application app;
  auto admin = read_pin(object, "adminPin");
  if (!admin) return admin.error();
  auto user = read_pin(object, "userPin");
  if (!user) return user.error();
  app.admin = std::move(*admin);
  app.user = std::move(*user);
  app.create_file_rights = uint_member(object, "createFileRights", 0);
  const auto* files = object_member(object, "files");
  const auto* containers = object_member(object, "containers");
  if (!files || !containers) return Error::invalid_input("no files or containers");
  for (const auto& file : files->GetObject()) {
    const auto* data = file.value.IsObject() ? string_member(file.value, "data") : nullptr;
    if (!data) return Error::invalid_input("file " + std::string(view(file.name)) + " has no data");
    auto bytes = crypto::from_base64(view(*data));
    if (!bytes) return Error::invalid_input("file " + std::string(view(file.name)) + " is damaged");
    app.files.insert_or_assign(std::string(view(file.name)),
                               File{std::move(*bytes), uint_member(file.value, "read", 0),
                                    uint_member(file.value, "write", 0)});
  }
  for (const auto& container : containers->GetObject()) {
    std::string name(view(container.name));
    if (!container.value.IsObject())
      return Error::invalid_input("container " + name + " is damaged");
    auto sign = read_key_pair(container.value, "sign");
    auto enc = read_key_pair(container.value, "enc");
    if (!sign || !enc) return Error::invalid_input("container " + name + " is damaged");
    app.containers.insert_or_assign(name, Container{std::move(*sign), std::move(*enc)});
  }
  return app;
}

}  // namespace

std::size_t used_space(const Device& device) {
  std::size_t used = 0;
  for (const auto& [name, app] : device.applications) {
    for (const auto& [file_name, file] : app.files) used += file.data.size();
    for (const auto& [container_name, container] : app.containers) {
      used += container.sign.certificate.size() + container.enc.certificate.size();
    }
  }
  return used;
}

bool valid_device_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxName || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::filesystem::path device_file(const std::filesystem::path& dir, std::string_view name) {
  return dir / (std::string(name) + ".json");
}

Device new_device(std::string label) {
  Device device;
  device.label = std::move(label);
  device.serial = soft::new_serial();
  device.auth_key = crypto::to_secure(as_bytes(kFactoryAuthKey));
  return device;
}

Result<Device> load_device(const std::filesystem::path& file) {
  auto parsed = soft::read_json(file, kFormat);
  if (!parsed) return parsed.error();
  const rapidjson::Document& json = *parsed;
  auto damaged = [&](const std::string& what) {
    return Error::invalid_input(file.string() + " is damaged: " + what);
  };
  Device device;
  const auto* label = string_member(json, "label");
  const auto* serial = string_member(json, "serial");
  const auto* auth_key = string_member(json, "authKey");
  const auto* applications = object_member(json, "applications");
  if (!label || !serial || !auth_key || !applications) return damaged("incomplete key");
  device.label = view(*label);
  device.serial = view(*serial);
  auto key = crypto::from_hex(view(*auth_key));
  if (!key || key->size() != 16) return damaged("the authentication key is not 16 bytes");
  device.auth_key = crypto::to_secure(*key);
  std::fill(key->begin(), key->end(), 0);
  for (const auto& entry : applications->GetObject()) {
    std::string name(view(entry.name));
    if (!entry.value.IsObject()) return damaged("application " + name);
    auto app = read_application(entry.value);
    if (!app) return damaged("application " + name + ": " + app.error().message);
    device.applications.insert_or_assign(name, std::move(*app));
  }
  return device;
}

Result<soft::FileIdentity> save_device(const std::filesystem::path& file, const Device& device) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("format");
  writer.Uint(kFormat);
  write_member(writer, "note",
               "eseal software USB key for development and tests, not a USB key: "
               "the keys below are in the clear");
  write_member(writer, "label", device.label);
  write_member(writer, "serial", device.serial);
  write_member(writer, "authKey", crypto::to_hex(device.auth_key));
  writer.Key("applications");
  writer.StartObject();
  for (const auto& [name, app] : device.applications) {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    writer.StartObject();
    writer.Key("createFileRights");
    writer.Uint(app.create_file_rights);
    write_pin(writer, "adminPin", app.admin);
    write_pin(writer, "userPin", app.user);
    writer.Key("files");
    writer.StartObject();
    for (const auto& [file_name, data] : app.files) {
      writer.Key(file_name.data(), static_cast<rapidjson::SizeType>(file_name.size()));
      writer.StartObject();
      writer.Key("read");
      writer.Uint(data.read_rights);
      writer.Key("write");
      writer.Uint(data.write_rights);
      write_member(writer, "data", crypto::to_base64(data.data));
      writer.EndObject();
    }
    writer.EndObject();
    writer.Key("containers");
    writer.StartObject();
    for (const auto& [container_name, container] : app.containers) {
      writer.Key(container_name.data(), static_cast<rapidjson::SizeType>(container_name.size()));
      writer.StartObject();
      write_key_pair(writer, "sign", container.sign);
      write_key_pair(writer, "enc", container.enc);
      writer.EndObject();
    }
    writer.EndObject();
    writer.EndObject();
  }
  writer.EndObject();
  writer.EndObject();
  return soft::write_private(file, buffer);
}

}  // namespace eseal::keys::soft_skf
