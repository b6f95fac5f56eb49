// Registering a seal made elsewhere (by another seal maker, or by `eseal seal make` on another
// machine) so that the platform knows its status, verifies with it and, when it holds the key,
// signs with it: the one way for every door that registers one (the CLI, the REST door, the
// demo).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "keys/kek.h"
#include "keys/soft_keystore.h"
#include "pki/certificate.h"
#include "service/device_keys.h"
#include "service/platform.h"
#include "ses/seal.h"
#include "store/store.h"

namespace eseal::service {

// A seal's signing key file, imported into the data folder's keystore as it is registered.
struct SealKeyFile {
  keys::SoftKeystore& keystore;
  std::filesystem::path file;
  const keys::Kek& kek;
};

// A seal's signing key on the server's crypto device: key index `index`.
struct SealDeviceKey {
  DeviceKeys& device;
  unsigned index;
};

struct SealToRegister {
  ses::SesSeal seal;
  // The signer's certificate: required when the seal lists its signers by digest; else it must
  // be one the seal lists. Without it, the seal's first listed certificate.
  std::optional<pki::Certificate> signer = {};
  std::string app_id = {};  // the owning app's id; "" for any caller
  std::string note = {};    // appended to the audit detail
  std::string org_id = {};  // the organization it is registered to (DB4403); "" for none
};

// The seal decoded from `der`, refused unless its structure and its maker's signature hold
// (kVerificationFailed, seal_code::kBadSeal, naming the check that failed); its validity and
// chains are judged when it is used.
Result<ses::SesSeal> checked_seal(ByteView der, Time now);

// Registers the seal (its bytes as a blob), its signer's certificate and, when given, the key
// that signs with it (imported into the keystore, and removed again if the registration fails):
// audited as "seal.register" by `actor`. kInvalidInput with seal_code::kRegistered when its
// esID is registered already, kNotItsSigner for a certificate it does not list,
// keys::kKeyMismatch for a key that is not the certificate's.
Result<store::SealRecord> register_seal(store::Store& store, const SealToRegister& what,
                                        const std::optional<SealKeyFile>& key,
                                        const std::string& actor, Time now);
// The same with the key on the crypto device: the index's public key must be the certificate's
// and the configured password must open it (keys::kKeyMismatch, keys::kDevicePinIncorrect).
Result<store::SealRecord> register_seal(store::Store& store, const SealToRegister& what,
                                        const SealDeviceKey& key, const std::string& actor,
                                        Time now);

}  // namespace eseal::service
