// The platform (service/platform.h) on the embedded store: apps, nonces, seals, documents and
// audit in store/, keys in the data folder's soft keystore D/keys (or, registered before it and
// not importable, an encrypted key file by path; see store::open_store), and the platform's own
// material in the data folder's platform/:
//   D/platform/ca.pem                trust anchors for verification (one or more certificates)
//   D/platform/seal-maker.pem, .key  the seal maker (制章者) that makes seals for apps
//   D/platform/lock.pem, .key        the platform's signer for lock signatures and certified copies
//   D/platform/tsa.pem, .key         the time-stamp authority (critical timeStamping EKU)
//   D/platform/user-ca.pem, .key     the CA of COSS users' certificates (their joint keys)
//   D/platform/escrow.pem, .key      where phones encrypt the shares they escrow for auto-sign
//                                    (made under the user CA when first needed)
// (`eseal demo` writes them all). Signers are made once per key and kept while the process runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "base/content_cache.h"
#include "keys/kek.h"
#include "service/auto_sign.h"
#include "service/coss_keys.h"
#include "service/device_keys.h"
#include "service/platform.h"
#include "service/time_stamping.h"
#include "store/store.h"

namespace eseal::service {

class StorePlatform final : public Credentials,
                            public SealRegistry,
                            public DocumentArchive,
                            public AuditLog,
                            public TrustStore,
                            public TimeStampLedger,
                            public UserCertificates,
                            public EscrowKeys {
 public:
  StorePlatform(store::Store& store, keys::Kek kek, std::filesystem::path data_dir);

  // Every part at once, for a door.
  Platform platform() { return {*this, *this, *this, *this, *this}; }

  // The caller an app of the store is (scopes, names); the family's credentials aside.
  static Caller caller_of(const store::App& app, std::string family);

  Result<LdtCredentials> ldt(const std::string& syscode) override;
  Result<CossCredentials> coss(const std::string& app_id) override;
  Result<SzCredentials> sz(const std::string& app_key) override;
  Result<SzCredentials> sz_by_system(const std::string& system_id) override;
  bool ldt_authcode_matches(const std::string& syscode, const std::string& authcode) override;
  Result<bool> nonce_seen(const Caller& caller, const std::string& nonce, Time now) override;
  Result<bool> remember_nonce(const Caller& caller, const std::string& nonce, Time now,
                              Time keep_until) override;
  Result<bool> remember_request(const Caller& caller, const std::string& nonce, Time now,
                                Time keep_until, const KeptRequest& kept) override;
  Result<std::optional<KeptRequest>> recall_request(const Caller& caller, const std::string& nonce,
                                                    Time now) override;

  Result<RegisteredSeal> find(const std::string& id, Time now) override;
  Result<RegisteredSeal> find_by_signer(const std::string& dn, const Caller& caller,
                                        Time now) override;
  Result<std::shared_ptr<keys::Signer>> signer_of(const RegisteredSeal& seal) override;
  Result<std::shared_ptr<keys::Signer>> lock_signer(const std::optional<std::string>& dn,
                                                    Time now) override;
  Result<RegisteredSeal> make_and_register(const Caller& caller, SealDesign design,
                                           const std::string& cert_dn, Time now) override;
  // With `required` ([filing] required), seals made from now on are registered unfiled: no door
  // signs with them until `eseal filing run` has filed them with the national platform.
  void require_filing(bool required) { require_filing_ = required; }
  // With [keys] provider = "sdf": the crypto device that signs for seals registered with a key
  // index. Without it, such a seal's signer is refused (kInvalidInput).
  void use_device_keys(std::shared_ptr<DeviceKeys> device) { device_keys_ = std::move(device); }
  // The pixels a seal's picture may have when it is made ([limits] seal_picture_mpixels).
  void limit_seal_pictures(std::uint64_t pixels) { seal_picture_pixels_ = pixels; }

  Result<std::string> record(const Caller& caller, const std::string& biznum, ByteView document,
                             const std::string& operation, Time now,
                             const std::string& verification_code, const std::string& request_key,
                             const crypto::HashedPrefix& sm3_prefix) override;
  Result<std::optional<KeptDocument>> answered(const Caller& caller,
                                               const std::string& request_key) override;

  Status append(const std::string& actor, const std::string& operation, const std::string& object,
                const std::string& detail, Time now, const std::string& biznum) override;
  Result<bool> append_with_nonce(const Caller& caller, const std::string& nonce, Time keep_until,
                                 const std::string& operation, const std::string& object,
                                 const std::string& detail, Time now, const std::string& biznum,
                                 const KeptRequest& kept) override;
  Status refusal(const std::string& actor, const std::string& operation, const std::string& reason,
                 const std::string& detail, Time now) override;

  ses::TrustPolicy trust() override;

  Status record_time_stamp(const std::string& serial_hex, Time gen_time,
                           const tsa::MessageImprint& imprint, const std::string& requester,
                           ByteView token, Time now) override;
  // The time-stamp authority's signer, from D/platform/tsa.pem and .key; kNotFound when the
  // data folder has none.
  Result<std::shared_ptr<keys::Signer>> tsa_signer();

  Result<pki::Certificate> issue_user_certificate(const pki::CertificateRequest& request) override;
  Result<ses::SesSeal> make_user_seal(const SealDesign& design, Time now) override;
  Result<std::vector<pki::Certificate>> user_ca_chain() override;
  Result<pki::Crl> issue_user_crl(const pki::CrlRequest& request) override;
  // D/platform/escrow.pem and .key, issued under the user CA the first time they are needed.
  Result<pki::Certificate> escrow_certificate() override;
  Result<crypto::Sm2PrivateKey> escrow_key() override;

 private:
  Result<RegisteredSeal> registered(const store::SealRecord& record, Time now);
  Result<SzCredentials> sz_of(const store::App& app);
  Result<std::shared_ptr<keys::Signer>> key_signer(const std::string& key_id,
                                                   const pki::Certificate& cert);
  Result<std::shared_ptr<keys::Signer>> file_signer(const std::string& prefix);

  store::Store& store_;
  keys::Kek kek_;
  std::filesystem::path dir_;
  bool require_filing_ = false;
  std::shared_ptr<DeviceKeys> device_keys_;
  std::uint64_t seal_picture_pixels_ = image::kSealPicturePixels;
  std::once_flag roots_once_;
  std::mutex escrow_mutex_;
  std::vector<pki::Certificate> roots_;
  std::vector<pki::Certificate> intermediates_;  // the user CA (D/platform/user-ca.pem)

  // Seals decoded and certificates parsed so far, by their content; registered certificates
  // also by their id, which is their SM3 fingerprint.
  ContentCache<ses::SesSeal> seals_;
  ContentCache<pki::Certificate> certificates_;
  ContentCache<pki::Certificate> registered_certificates_;
  Result<pki::Certificate> certificate(const std::string& pem);

  // Signers made so far, by key and certificate ("<key id> <cert id>") or platform file prefix.
  std::mutex signers_mutex_;
  std::map<std::string, std::shared_ptr<keys::Signer>> signers_;

  // Refusals of each (actor, reason) in the current minute, beyond the one written.
  struct RefusalMinute {
    std::int64_t minute = -1;
    std::uint64_t unwritten = 0;
  };
  std::mutex refusals_mutex_;
  std::map<std::pair<std::string, std::string>, RefusalMinute> refusals_;
};

}  // namespace eseal::service
