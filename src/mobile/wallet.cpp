#include "mobile/wallet.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdlib>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm4.h"

namespace eseal::mobile {
namespace {

constexpr int kIterations = 100000;

struct PinKeys {
  crypto::SecureBytes encryption, mac;
};

PinKeys pin_keys(std::string_view pin, ByteView salt) {
  crypto::SecureBytes both =
      crypto::pbkdf2(crypto::HashAlgorithm::kSm3, pin, salt, kIterations, 48);
  return {crypto::SecureBytes(both.begin(), both.begin() + 16),
          crypto::SecureBytes(both.begin() + 16, both.end())};
}

Bytes mac_over(const PinKeys& keys, const Account& a) {
  Bytes covered = to_bytes(a.key_id);
  append(covered, a.iv);
  append(covered, a.sealed_share);
  return crypto::hmac_sm3(keys.mac, covered);
}

std::string text_of(const rapidjson::Document& d, const char* name) {
  return d.HasMember(name) && d[name].IsString() ? d[name].GetString() : "";
}

Result<Bytes> b64_of(const rapidjson::Document& d, const char* name) {
  std::string text = text_of(d, name);
  if (text.empty()) return Bytes{};
  return crypto::from_base64(text);
}

Result<Account> read_account(const std::filesystem::path& file) {
  auto raw = read_file(file);
  if (!raw) return raw.error();
  rapidjson::Document d;
  d.Parse(reinterpret_cast<const char*>(raw->data()), raw->size());
  if (d.HasParseError() || !d.IsObject()) {
    return Error::invalid_input(file.string() + " is not an account file");
  }
  Account a;
  a.server = text_of(d, "server");
  a.app_id = text_of(d, "appId");
  a.key_id = text_of(d, "keyId");
  a.mssp_id = text_of(d, "msspId");
  a.user_name = text_of(d, "userName");
  a.device_id = text_of(d, "deviceId");
  a.token = text_of(d, "token");
  a.token_expires = text_of(d, "tokenExpires");
  a.pin_failures =
      d.HasMember("pinFailures") && d["pinFailures"].IsInt() ? d["pinFailures"].GetInt() : 0;
  auto p = b64_of(d, "p");
  auto cert = b64_of(d, "certificate");
  auto device_key = b64_of(d, "deviceKey");
  auto salt = b64_of(d, "salt");
  auto iv = b64_of(d, "iv");
  auto share = b64_of(d, "share");
  auto mac = b64_of(d, "mac");
  if (!p || !cert || !device_key || !salt || !iv || !share || !mac) {
    return Error::invalid_input(file.string() + ": a field is not base64");
  }
  a.p = std::move(*p);
  a.certificate = std::move(*cert);
  a.device_key = crypto::SecureBytes(device_key->begin(), device_key->end());
  a.salt = std::move(*salt);
  a.iv = std::move(*iv);
  a.sealed_share = std::move(*share);
  a.mac = std::move(*mac);
  return a;
}

}  // namespace

Status check_pin(std::string_view pin) {
  if (pin.size() < 6) return Error::invalid_input("the PIN must be at least 6 characters");
  return ok_status();
}

Status seal_share(Account& account, const crypto::SecureBytes& d1, std::string_view pin) {
  if (Status ok = check_pin(pin); !ok) return ok;
  auto salt = crypto::random_bytes(16);
  auto iv = crypto::random_bytes(16);
  if (!salt || !iv) return Error::internal("no random bytes");
  PinKeys keys = pin_keys(pin, *salt);
  auto sealed = crypto::sm4_cbc_encrypt(keys.encryption, *iv, d1);
  if (!sealed) return sealed.error();
  account.salt = std::move(*salt);
  account.iv = std::move(*iv);
  account.sealed_share = std::move(*sealed);
  account.mac = mac_over(keys, account);
  account.pin_failures = 0;
  return ok_status();
}

Result<crypto::SecureBytes> open_share(Account& account, std::string_view pin) {
  if (account.sealed_share.empty()) {
    return Error::invalid_input(
               "this phone's share was wiped after too many wrong PINs; "
               "activate it again")
        .with_code(kShareWiped);
  }
  PinKeys keys = pin_keys(pin, account.salt);
  if (!crypto::equal_constant_time(mac_over(keys, account), account.mac)) {
    ++account.pin_failures;
    if (account.pin_failures >= kMaxPinTries) {
      account.sealed_share.clear();
      account.mac.clear();
      return Error::invalid_input("wrong PIN " + std::to_string(kMaxPinTries) +
                                  " times: the share is wiped; activate this phone again")
          .with_code(kShareWiped);
    }
    return Error::invalid_input(
               "wrong PIN (" + std::to_string(kMaxPinTries - account.pin_failures) + " tries left)")
        .with_code(kWrongPin);
  }
  account.pin_failures = 0;
  return crypto::sm4_cbc_decrypt(keys.encryption, account.iv, account.sealed_share);
}

std::filesystem::path Wallet::default_dir() {
  if (const char* home = std::getenv("ESEAL_MOBILE_HOME"); home && *home) return home;
  const char* user_home = std::getenv("HOME");
  return std::filesystem::path(user_home && *user_home ? user_home : ".") / ".eseal-mobile";
}

Result<std::vector<Account>> Wallet::accounts() const {
  std::vector<Account> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return Error::io("cannot list " + dir_.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto a = read_account(f);
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  return out;
}

Result<Account> Wallet::find(const std::string& which) const {
  auto all = accounts();
  if (!all) return all.error();
  if (which.empty()) {
    if (all->size() == 1) return all->front();
    return Error::invalid_input(all->empty() ? "no account on this phone: activate one first"
                                             : "several accounts: say which (--user)");
  }
  for (auto& a : *all) {
    if (a.key_id == which || a.mssp_id == which) return a;
  }
  return Error::not_found("no account " + which + " on this phone");
}

Status Wallet::save(const Account& a) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error::io("cannot create " + dir_.string() + ": " + ec.message());
  rapidjson::StringBuffer out;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(out);
  auto field = [&w](const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  field("server", a.server);
  field("appId", a.app_id);
  field("keyId", a.key_id);
  field("msspId", a.mssp_id);
  field("userName", a.user_name);
  field("deviceId", a.device_id);
  field("p", crypto::to_base64(a.p));
  field("certificate", crypto::to_base64(a.certificate));
  field("deviceKey", crypto::to_base64(a.device_key));
  field("salt", crypto::to_base64(a.salt));
  field("iv", crypto::to_base64(a.iv));
  field("share", crypto::to_base64(a.sealed_share));
  field("mac", crypto::to_base64(a.mac));
  w.Key("pinFailures");
  w.Int(a.pin_failures);
  field("token", a.token);
  field("tokenExpires", a.token_expires);
  w.EndObject();
  return write_file_atomic(
      dir_ / (a.key_id + ".json"),
      ByteView(reinterpret_cast<const std::uint8_t*>(out.GetString()), out.GetSize()), 0600);
}

Status Wallet::remove(const Account& a) const {
  std::error_code ec;
  std::filesystem::remove(dir_ / (a.key_id + ".json"), ec);
  if (ec) return Error::io("cannot remove the account: " + ec.message());
  return ok_status();
}

}  // namespace eseal::mobile
