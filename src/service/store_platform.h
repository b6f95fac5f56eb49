// The Platform on the embedded store: apps, nonces, seals, documents and audit in store/, keys in
// the data folder's soft keystore D/keys (or, registered before it and not importable, an
// encrypted key file by path; see store::open_store), and the platform's own material in the
// data folder's platform/:
//   D/platform/ca.pem                trust anchors for verification (one or more certificates)
//   D/platform/seal-maker.pem, .key  the seal maker (制章者) applySeal uses
//   D/platform/lock.pem, .key        the platform's signer for lock signatures and certified copies
// (`eseal demo` writes all three).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>

#include "keys/kek.h"
#include "service/platform.h"
#include "store/store.h"

namespace eseal::service {

class StorePlatform : public Platform {
 public:
  StorePlatform(store::Store& store, keys::Kek kek, std::filesystem::path data_dir);

  Result<App> find_app(const std::string& syscode) override;
  bool authcode_matches(const std::string& syscode, const std::string& authcode) override;
  Result<bool> remember_nonce(const std::string& syscode, const std::string& random, Time now,
                              Time keep_until) override;
  Result<RegisteredSeal> find_seal(const std::string& id) override;
  Result<RegisteredSeal> find_seal_by_signer(const std::string& dn) override;
  Result<SealSigner> signer_of(const RegisteredSeal& seal) override;
  Result<SealSigner> lock_signer(const std::optional<std::string>& dn) override;
  Result<RegisteredSeal> apply_seal(const std::string& syscode, const std::string& name,
                                    const std::string& template_name, ByteView photo,
                                    const std::string& cert_dn, Time now) override;
  ses::TrustPolicy trust() override;
  Status record_document(const std::string& syscode, const std::string& biznum, ByteView document,
                         const std::string& operation) override;
  Status audit(const std::string& actor, const std::string& operation, const std::string& object,
               const std::string& detail, const std::string& biznum) override;
  Status audit_refusal(const std::string& actor, const std::string& operation,
                       const std::string& reason, const std::string& detail, Time now) override;

 private:
  Result<RegisteredSeal> registered(const store::SealRecord& record);
  Result<crypto::Sm2PrivateKey> key_of(const std::string& key_id);
  Result<SealSigner> file_signer(const std::string& prefix);

  store::Store& store_;
  keys::Kek kek_;
  std::filesystem::path dir_;
  std::once_flag roots_once_;
  std::vector<pki::Certificate> roots_;

  // Refusals of each (actor, reason) in the current minute, beyond the one written.
  struct RefusalMinute {
    std::int64_t minute = -1;
    std::uint64_t unwritten = 0;
  };
  std::mutex refusals_mutex_;
  std::map<std::pair<std::string, std::string>, RefusalMinute> refusals_;
};

}  // namespace eseal::service
