// Seal keys on the server's crypto device ([keys] provider = "sdf"): a GM/T 0018 device opened
// through its vendor's library (keys/sdf.h) — eseal's software device by default — whose key
// indexes sign for registered seals. A seal's key record names its index as the location
// "sdf:N"; every signature is made inside the device, through the same Signer as a key in the
// keystore.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "keys/sdf.h"
#include "keys/signer.h"
#include "pki/certificate.h"

namespace eseal::service {

// The path of `file` in the folder of the running program (eseal's software devices are
// installed beside it).
std::string beside_program(const std::string& file);

// The key record location of device key index `index`, and back (nullopt when `location` is not
// one: a key file's path, or empty for the keystore).
std::string device_key_location(unsigned index);
std::optional<unsigned> device_key_index(std::string_view location);
// A new key record id for index `index` (one per registration: several seals may share an
// index), and whether a key id is one (the seal signs on the crypto device).
Result<std::string> new_device_key_id(unsigned index);
bool is_device_key_id(std::string_view key_id);

struct DeviceKeySettings {
  std::string library;   // empty: libeseal-softsdf.so beside the program
  std::string password;  // the key indexes' access password
};

class DeviceKeys {
 public:
  explicit DeviceKeys(DeviceKeySettings settings);

  // The device, opened on first use and kept (errors as keys::SdfDevice::open).
  Result<std::shared_ptr<keys::SdfDevice>> device();
  // The signer of key index `index` for `certificate`: kInvalidInput (keys::kKeyMismatch) when
  // the index's key is not the certificate's, kVerificationFailed (keys::kDevicePinIncorrect)
  // when the password does not open it, kNotFound for an empty index.
  Result<std::unique_ptr<keys::Signer>> signer(unsigned index, pki::Certificate certificate);

 private:
  DeviceKeySettings settings_;
  std::mutex mutex_;
  std::shared_ptr<keys::SdfDevice> device_;
};

}  // namespace eseal::service
