#include "service/store_platform.h"

#include "asn1/oid.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "keys/key_file.h"
#include "keys/key_pair_files.h"
#include "keys/soft_keystore.h"
#include "pki/distinguished_name.h"
#include "service/archive.h"
#include "service/documents.h"

namespace eseal::service {
namespace {

// A DN as the store keeps it (DistinguishedName::to_string), whatever spacing a request used.
std::string normalized_dn(const std::string& dn) {
  auto parsed = pki::DistinguishedName::parse(dn);
  return parsed ? parsed->to_string() : dn;
}

// The signer of a stored key: in the soft keystore, an encrypted key file by path, or a key index
// of the crypto device (location sdf:N).
Result<std::unique_ptr<keys::Signer>> open_signer(const store::KeyRecord& key,
                                                  pki::Certificate cert, const keys::Kek& kek,
                                                  const std::shared_ptr<keys::KeyFiles>& key_files,
                                                  DeviceKeys* device) {
  if (auto index = device_key_index(key.location)) {
    if (!device) {
      return Error::invalid_input("the key of " + cert.subject().to_string() + " is key index " +
                                  std::to_string(*index) +
                                  " of a crypto device, and [keys] provider is not sdf");
    }
    return device->signer(*index, std::move(cert));
  }
  if (!key.location.empty()) return keys::key_file_signer(key.location, std::move(cert), kek);
  return keys::keystore_signer(keys::SoftKeystore(key_files, kek), key.id, std::move(cert));
}

Error not_found(const char* code, const std::string& what) {
  return Error::not_found(what).with_code(code);
}

}  // namespace

StorePlatform::StorePlatform(store::Store& store, keys::Kek kek, std::filesystem::path data_dir)
    : store_(store), kek_(std::move(kek)), dir_(std::move(data_dir)) {}

Result<pki::Certificate> StorePlatform::certificate(const std::string& pem) {
  return certificates_.get(pem, [&] { return pki::Certificate::from_pem(pem); });
}

Caller StorePlatform::caller_of(const store::App& app, std::string family) {
  return {std::move(family), app.id, app.syscode, app.scopes};
}

// --- credentials ----------------------------------------------------------------------------

Result<LdtCredentials> StorePlatform::ldt(const std::string& syscode) {
  auto app = store_.apps().find(syscode);
  if (!app) return app.error();
  LdtCredentials out{caller_of(*app, "ldt"), app->enabled, {}, std::nullopt};
  auto key = store_.apps().hmac_key(syscode);
  if (!key) return key.error();
  out.hmac_key.assign(key->begin(), key->end());
  if (!app->cert_pem.empty()) {
    auto cert = certificate(app->cert_pem);
    if (cert) out.cert = std::move(*cert);
  }
  return out;
}

Result<CossCredentials> StorePlatform::coss(const std::string& app_id) {
  auto app = store_.apps().find(app_id);
  if (!app) return app.error();
  auto code = store_.apps().secure_code(app_id);
  if (!code) return code.error();
  return CossCredentials{caller_of(*app, "coss"), app->enabled, Bytes(code->begin(), code->end())};
}

Result<SzCredentials> StorePlatform::sz(const std::string& app_key) {
  auto app = store_.apps().find_by_sz_key(app_key);
  if (!app) return app.error();
  return sz_of(*app);
}

Result<SzCredentials> StorePlatform::sz_by_system(const std::string& system_id) {
  auto app = store_.apps().find(system_id);
  if (!app) return app.error();
  return sz_of(*app);
}

Result<SzCredentials> StorePlatform::sz_of(const store::App& app) {
  auto keys = store_.apps().sz_keys(app.syscode);
  if (!keys) return keys.error();
  return SzCredentials{caller_of(app, "sz"), app.enabled, app.sz_app_key,
                       Bytes(keys->first.begin(), keys->first.end()),
                       Bytes(keys->second.begin(), keys->second.end())};
}

bool StorePlatform::ldt_authcode_matches(const std::string& syscode, const std::string& authcode) {
  auto app = store_.apps().find(syscode);
  return app && app->authcode_matches(authcode);
}

Result<bool> StorePlatform::nonce_seen(const Caller& caller, const std::string& nonce, Time now) {
  return store_.nonces().seen(caller.app_id, nonce, now);
}

Result<bool> StorePlatform::remember_nonce(const Caller& caller, const std::string& nonce, Time now,
                                           Time keep_until) {
  return store_.nonces().remember(caller.app_id, nonce, now, keep_until);
}

Result<bool> StorePlatform::remember_request(const Caller& caller, const std::string& nonce,
                                             Time now, Time keep_until, const KeptRequest& kept) {
  return store_.nonces().remember(caller.app_id, nonce, now, keep_until,
                                  {kept.digest, kept.answer});
}

Result<std::optional<KeptRequest>> StorePlatform::recall_request(const Caller& caller,
                                                                 const std::string& nonce,
                                                                 Time now) {
  auto kept = store_.nonces().recall(caller.app_id, nonce, now);
  if (!kept) return kept.error();
  if (!*kept) return std::optional<KeptRequest>();
  return std::optional<KeptRequest>(
      KeptRequest{std::move((*kept)->digest), std::move((*kept)->answer)});
}

// --- seal registry --------------------------------------------------------------------------

Result<RegisteredSeal> StorePlatform::registered(const store::SealRecord& record, Time now) {
  auto seal = seals_.get(record.seal_sm3, [&]() -> Result<ses::SesSeal> {
    auto bytes = store_.blobs().get(record.seal_sm3);
    if (!bytes) return bytes.error();
    return ses::decode_seal(*bytes);
  });
  if (!seal) return seal.error();
  RegisteredSeal out{
      record.id,        record.name,
      record.app_id,    std::string(store::status_name(record.effective_status(now))),
      std::move(*seal), record.signer_dn,
      std::nullopt,     record.key_id};
  if (!record.org_id.empty()) {
    auto org = store_.organizations().find(record.org_id);
    if (!org) return org.error();
    out.org_id = org->id;
    out.organization_code = org->credit_code;
    out.organization_name = org->name;
  }
  if (!record.cert_id.empty()) {
    // The id names the content (CertificateRecord::from), so the row need not be read again.
    auto cert = registered_certificates_.get(record.cert_id, [&]() -> Result<pki::Certificate> {
      auto cert_record = store_.certificates().find(record.cert_id);
      if (!cert_record) return cert_record.error();
      return certificate(cert_record->pem);
    });
    if (!cert) return cert.error();
    out.signer_cert = std::move(*cert);
  }
  return out;
}

Result<RegisteredSeal> StorePlatform::find(const std::string& id, Time now) {
  auto record = store_.seals().find(id);
  if (!record) {
    return record.error().kind == ErrorKind::kNotFound
               ? not_found(seal_code::kNotFound, "no seal " + id)
               : record.error();
  }
  return registered(*record, now);
}

Result<RegisteredSeal> StorePlatform::find_by_signer(const std::string& dn, const Caller& caller,
                                                     Time now) {
  auto records = store_.seals().find_by_signer(normalized_dn(dn));
  if (!records) return records.error();
  if (records->empty()) return not_found(seal_code::kNotFound, "no seal for " + dn);
  // Oldest first: each later one that qualifies replaces the earlier.
  std::vector<RegisteredSeal> seals;
  seals.reserve(records->size());
  std::optional<std::size_t> usable, own;
  for (const auto& r : *records) {
    auto seal = registered(r, now);
    if (!seal) return seal.error();
    Status fit = check_usable(*seal, caller, now);
    if (fit) usable = seals.size();
    if (fit || fit.error().code != seal_code::kNotYours) own = seals.size();
    seals.push_back(std::move(*seal));
  }
  return std::move(seals[usable ? *usable : own ? *own : seals.size() - 1]);
}

Result<std::shared_ptr<keys::Signer>> StorePlatform::key_signer(const std::string& key_id,
                                                                const pki::Certificate& cert) {
  std::string slot = key_id + " " + crypto::to_hex(cert.sm3_fingerprint());
  {
    std::lock_guard lock(signers_mutex_);
    if (auto it = signers_.find(slot); it != signers_.end()) return it->second;
  }
  auto key = store_.keys().find(key_id);
  if (!key) return key.error();
  auto made = open_signer(*key, cert, kek_, store_.key_files(), device_keys_.get());
  if (!made) return made.error();
  std::shared_ptr<keys::Signer> signer = std::move(*made);
  std::lock_guard lock(signers_mutex_);
  return signers_.emplace(slot, std::move(signer)).first->second;
}

Result<std::shared_ptr<keys::Signer>> StorePlatform::signer_of(const RegisteredSeal& seal) {
  if (seal.key_id.empty() || !seal.signer_cert)
    return not_found(seal_code::kNoSigner, "the platform holds no key for seal " + seal.id);
  return key_signer(seal.key_id, *seal.signer_cert);
}

Result<std::shared_ptr<keys::Signer>> StorePlatform::file_signer(const std::string& prefix) {
  {
    std::lock_guard lock(signers_mutex_);
    if (auto it = signers_.find(prefix); it != signers_.end()) return it->second;
  }
  auto pem = read_file(dir_ / "platform" / (prefix + ".pem"));
  if (!pem) return pem.error();
  auto cert = pki::Certificate::parse(*pem);
  if (!cert) return cert.error();
  auto made = keys::key_file_signer(dir_ / "platform" / (prefix + ".key"), std::move(*cert), kek_);
  if (!made) return made.error();
  std::shared_ptr<keys::Signer> signer = std::move(*made);
  std::lock_guard lock(signers_mutex_);
  return signers_.emplace(prefix, std::move(signer)).first->second;
}

Result<std::shared_ptr<keys::Signer>> StorePlatform::lock_signer(
    const std::optional<std::string>& dn, Time now) {
  if (!dn) return file_signer("lock");
  // The platform's own lock signature: any app's seal of that signer serves.
  auto seal = find_by_signer(*dn, Caller{"cli", "", "", {}}, now);
  if (!seal) return seal.error();
  return signer_of(*seal);
}

Result<RegisteredSeal> StorePlatform::make_and_register(const Caller& caller, SealDesign design,
                                                        const std::string& cert_dn, Time now) {
  // The signer's certificate: a registered seal of that subject names it.
  auto existing = store_.seals().find_by_signer(normalized_dn(cert_dn));
  if (!existing) return existing.error();
  if (existing->empty() || existing->back().cert_id.empty())
    return not_found(seal_code::kCertificateNotFound, "no certificate registered for " + cert_dn);
  const store::SealRecord& basis = existing->back();
  auto cert_record = store_.certificates().find(basis.cert_id);
  if (!cert_record) return cert_record.error();
  auto cert = pki::Certificate::from_pem(cert_record->pem);
  if (!cert) return cert.error();
  auto maker = file_signer("seal-maker");
  if (!maker) return maker.error();
  design.signers = {std::move(*cert)};
  auto seal = make_seal(design, **maker, now, seal_picture_pixels_);
  if (!seal) return seal.error();
  auto sm3 = store_.blobs().put(seal->encoded);
  if (!sm3) return sm3.error();
  store::SealRecord record = basis;
  record.id = seal->info.es_id;
  record.name = seal->info.name;
  record.type = seal->info.type;
  record.app_id = caller.app_id;
  record.seal_sm3 = *sm3;
  record.valid_start = seal->info.valid_start;
  record.valid_end = seal->info.valid_end;
  record.status = require_filing_ ? store::SealStatus::kUnfiled : store::SealStatus::kValid;
  record.created = record.updated = now;
  store::AuditEntry audit{now,
                          caller.actor(),
                          "seal.make",
                          record.id,
                          "name=" + record.name + (require_filing_ ? ", awaiting filing" : ""),
                          ""};
  if (auto s = store_.seals().add({record, std::nullopt, std::nullopt}, audit); !s)
    return s.error();
  return registered(record, now);
}

// --- documents, audit, trust ----------------------------------------------------------------

Result<std::string> StorePlatform::record(const Caller& caller, const std::string& biznum,
                                          ByteView document, const std::string& operation, Time now,
                                          const std::string& verification_code,
                                          const std::string& request_key,
                                          const crypto::HashedPrefix& sm3_prefix) {
  return archive_document(
      store_, {caller.actor(), caller.app_id, biznum, operation, verification_code, request_key},
      document, now, sm3_prefix);
}

Result<std::optional<KeptDocument>> StorePlatform::answered(const Caller& caller,
                                                            const std::string& request_key) {
  auto record = store_.documents().find_by_request(caller.app_id, request_key);
  if (!record) return record.error();
  if (!*record) return std::optional<KeptDocument>();
  auto bytes = store_.blobs().get((*record)->blob_sm3);
  if (!bytes) return bytes.error().with_context("document " + (*record)->id);
  return std::optional<KeptDocument>(KeptDocument{(*record)->id, (*record)->biznum,
                                                  (*record)->verification_code, std::move(*bytes)});
}

Status StorePlatform::append(const std::string& actor, const std::string& operation,
                             const std::string& object, const std::string& detail, Time now,
                             const std::string& biznum) {
  auto row = store_.audit().append({now, actor, operation, object, detail, biznum});
  if (!row) return row.error();
  return ok_status();
}

Result<bool> StorePlatform::append_with_nonce(const Caller& caller, const std::string& nonce,
                                              Time keep_until, const std::string& operation,
                                              const std::string& object, const std::string& detail,
                                              Time now, const std::string& biznum,
                                              const KeptRequest& kept) {
  return store_.nonces().remember_audited(caller.app_id, nonce, now, keep_until,
                                          {now, caller.actor(), operation, object, detail, biznum},
                                          {kept.digest, kept.answer});
}

Status StorePlatform::refusal(const std::string& actor, const std::string& operation,
                              const std::string& reason, const std::string& detail, Time now) {
  std::int64_t minute = now.time_since_epoch().count() / 60;
  std::string text = "refused (" + reason + "): " + detail;
  {
    std::lock_guard lock(refusals_mutex_);
    RefusalMinute& m = refusals_[{actor, reason}];
    if (m.minute == minute) {
      ++m.unwritten;
      return ok_status();
    }
    if (m.unwritten > 0) {
      text += "; before it, " + std::to_string(m.unwritten) + " more refusals (" + reason +
              ") in the minute from " + format_utc(Time(std::chrono::minutes(m.minute)));
    }
    m = {minute, 0};
  }
  return append(actor, operation, "", text, now, "");
}

ses::TrustPolicy StorePlatform::trust() {
  std::call_once(roots_once_, [this] {
    auto pem = read_file(dir_ / "platform" / "ca.pem");
    if (!pem) return;
    auto certs = pki::parse_certificates(*pem);
    if (certs) roots_ = std::move(*certs);
    // The CA of the phones' joint keys, so that what a phone signed chains to the anchors.
    if (auto user_ca = read_file(dir_ / "platform" / "user-ca.pem"); user_ca) {
      if (auto chain = pki::parse_certificates(*user_ca); chain) intermediates_ = std::move(*chain);
    }
  });
  return {roots_, intermediates_, {}};
}

// --- time stamps --------------------------------------------------------------------------

Status StorePlatform::record_time_stamp(const std::string& serial_hex, Time gen_time,
                                        const tsa::MessageImprint& imprint,
                                        const std::string& requester, ByteView token, Time now) {
  store::TimeStampRecord record{serial_hex,       gen_time,
                                imprint.hash_oid, crypto::to_hex(imprint.hashed_message),
                                requester,        Bytes(token.begin(), token.end())};
  store::AuditEntry audit{now,
                          requester,
                          "tsa.issue",
                          serial_hex,
                          asn1::oid::describe(imprint.hash_oid) + " " + record.imprint,
                          ""};
  return store_.time_stamps().add(record, audit);
}

Result<std::shared_ptr<keys::Signer>> StorePlatform::tsa_signer() {
  return file_signer("tsa");
}

Result<pki::Certificate> StorePlatform::issue_user_certificate(
    const pki::CertificateRequest& request) {
  keys::KeyPairFiles ca{dir_ / "platform" / "user-ca.pem", dir_ / "platform" / "user-ca.key"};
  if (!std::filesystem::exists(ca.cert) || !std::filesystem::exists(ca.key)) {
    return Error::not_found("no user CA: put its certificate and key in " + ca.cert.string() +
                            " and user-ca.key (eseal demo does)");
  }
  return keys::issue_certificate(request, ca, kek_);
}

Result<ses::SesSeal> StorePlatform::make_user_seal(const SealDesign& design, Time now) {
  auto maker = file_signer("seal-maker");
  if (!maker) return maker.error();
  return make_seal(design, **maker, now, seal_picture_pixels_);
}

Result<pki::Crl> StorePlatform::issue_user_crl(const pki::CrlRequest& request) {
  auto chain = user_ca_chain();
  if (!chain) return chain.error();
  if (chain->empty()) return Error::not_found("no user CA certificate");
  return keys::issue_crl(request, chain->front(), dir_ / "platform" / "user-ca.key", kek_);
}

Result<pki::Certificate> StorePlatform::escrow_certificate() {
  std::lock_guard lock(escrow_mutex_);
  std::filesystem::path dir = dir_ / "platform";
  if (!std::filesystem::exists(dir / "escrow.pem")) {
    keys::KeyPairFiles ca{dir / "user-ca.pem", dir / "user-ca.key"};
    if (!std::filesystem::exists(ca.cert) || !std::filesystem::exists(ca.key)) {
      return Error::not_found("no user CA to certify the escrow key (eseal demo makes one)");
    }
    auto issuer = user_ca_chain();
    if (!issuer) return issuer.error();
    if (issuer->empty()) return Error::not_found("no user CA certificate");
    // As long as the user CA itself.
    Time now = now_utc();
    keys::KeyPairRequest request{
        pki::CertificateProfile::kSealEncryption,
        *pki::DistinguishedName::parse("C=CN,CN=eseal COSS escrow"),
        std::max(now - std::chrono::minutes(5), issuer->front().not_before()),
        issuer->front().not_after()};
    auto made = keys::issue_key_pair(request, ca, {dir / "escrow.pem", dir / "escrow.key"}, kek_);
    if (!made) return made.error();
    return made;
  }
  auto pem = read_file(dir / "escrow.pem");
  if (!pem) return pem.error();
  return pki::Certificate::parse(*pem);
}

Result<crypto::Sm2PrivateKey> StorePlatform::escrow_key() {
  if (auto cert = escrow_certificate(); !cert) return cert.error();
  auto pem = read_file(dir_ / "platform" / "escrow.key");
  if (!pem) return pem.error();
  return keys::decrypt_private_key(*pem, kek_);
}

Result<std::vector<pki::Certificate>> StorePlatform::user_ca_chain() {
  auto pem = read_file(dir_ / "platform" / "user-ca.pem");
  if (!pem) return pem.error();
  return pki::parse_certificates(*pem);
}

}  // namespace eseal::service
