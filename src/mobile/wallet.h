// What a phone keeps (the `eseal-mobile` command's state): one account per enrolled key, a JSON
// file <keyId>.json (0600) in the phone's folder. The client share d1 is sealed under a key
// derived from the PIN — PBKDF2-HMAC-SM3 (100,000 iterations, a random salt) to an SM4-CBC key
// and an HMAC-SM3 key, encrypt then MAC — so a wrong PIN is found on the phone and never
// reaches the server. Five wrong PINs in a row wipe the share (the account must be activated
// again). The device key, which only logs the phone in, is kept in the clear like a phone's
// keystore key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::mobile {

inline constexpr int kMaxPinTries = 5;

// Error::code of a wrong PIN and of a share wiped after too many.
inline constexpr const char* kWrongPin = "wrong-pin";
inline constexpr const char* kShareWiped = "share-wiped";

struct Account {
  std::string server;  // http://host:port
  std::string app_id, key_id, mssp_id, user_name, device_id;
  Bytes p;                            // the joint public key
  Bytes certificate;                  // DER; empty until issued
  crypto::SecureBytes device_key;     // the device's SM2 private scalar
  Bytes salt, iv, sealed_share, mac;  // d1 under the PIN
  int pin_failures = 0;
  std::string token, token_expires;
};

// A PIN the wallet takes: at least 6 characters (kInvalidInput otherwise).
Status check_pin(std::string_view pin);
// Seals d1 under `pin` into the account.
Status seal_share(Account& account, const crypto::SecureBytes& d1, std::string_view pin);
// d1, when `pin` is right; a wrong one counts (Error::code kWrongPin, the tries left in the
// message), the fifth wipes the share (kShareWiped). The caller saves the account after.
Result<crypto::SecureBytes> open_share(Account& account, std::string_view pin);

class Wallet {
 public:
  explicit Wallet(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // The folder `ESEAL_MOBILE_HOME`, else ~/.eseal-mobile.
  static std::filesystem::path default_dir();

  Result<std::vector<Account>> accounts() const;
  // The account of a key id or msspId, or the only one when `which` is empty.
  Result<Account> find(const std::string& which) const;
  Status save(const Account& account) const;
  Status remove(const Account& account) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace eseal::mobile
