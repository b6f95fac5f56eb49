#include "service/store_platform.h"

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "image/seal_picture.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "pki/distinguished_name.h"

namespace eseal::service {
namespace {

// A DN as the store keeps it (DistinguishedName::to_string), whatever spacing a request used.
std::string normalized_dn(const std::string& dn) {
  auto parsed = pki::DistinguishedName::parse(dn);
  return parsed ? parsed->to_string() : dn;
}

store::AuditEntry entry(const std::string& actor, const std::string& operation,
                        const std::string& object, const std::string& detail,
                        const std::string& biznum = {}) {
  return {now_utc(), actor, operation, object, detail, biznum};
}

}  // namespace

StorePlatform::StorePlatform(store::Store& store, keys::Kek kek, std::filesystem::path data_dir)
    : store_(store), kek_(std::move(kek)), dir_(std::move(data_dir)) {}

Result<App> StorePlatform::find_app(const std::string& syscode) {
  auto record = store_.find_app(syscode);
  if (!record) return record.error();
  App app{record->syscode, record->name, record->enabled, record->scopes, {}, std::nullopt};
  auto key = store_.app_hmac_key(syscode);
  if (!key) return key.error();
  app.hmac_key.assign(key->begin(), key->end());
  if (!record->cert_pem.empty()) {
    auto cert = pki::Certificate::from_pem(record->cert_pem);
    if (cert) app.cert = std::move(*cert);
  }
  return app;
}

bool StorePlatform::authcode_matches(const std::string& syscode, const std::string& authcode) {
  auto record = store_.find_app(syscode);
  return record && record->authcode_matches(authcode);
}

Result<bool> StorePlatform::remember_nonce(const std::string& syscode, const std::string& random,
                                           Time now, Time keep_until) {
  auto record = store_.find_app(syscode);
  if (!record) return record.error();
  return store_.remember_nonce(record->id, random, now, keep_until);
}

Result<RegisteredSeal> StorePlatform::registered(const store::SealRecord& record) {
  auto bytes = store_.blobs().get(record.seal_sm3);
  if (!bytes) return bytes.error();
  auto seal = ses::decode_seal(*bytes);
  if (!seal) return seal.error();
  std::string owner;
  if (!record.app_id.empty()) {
    auto apps = store_.list_apps();
    if (!apps) return apps.error();
    for (const auto& a : *apps) {
      if (a.id == record.app_id) owner = a.syscode;
    }
  }
  return RegisteredSeal{
      record.id,        record.name,     owner, record.effective_status(now_utc()),
      std::move(*seal), record.signer_dn};
}

Result<RegisteredSeal> StorePlatform::find_seal(const std::string& id) {
  auto record = store_.find_seal(id);
  if (!record) return record.error();
  return registered(*record);
}

Result<RegisteredSeal> StorePlatform::find_seal_by_signer(const std::string& dn) {
  auto records = store_.find_seals_by_signer(normalized_dn(dn));
  if (!records) return records.error();
  if (records->empty()) return Error::not_found("no seal for " + dn);
  // The newest usable one, else the newest.
  const store::SealRecord* chosen = &records->back();
  for (const auto& r : *records) {
    if (r.usable(now_utc())) chosen = &r;
  }
  return registered(*chosen);
}

Result<crypto::Sm2PrivateKey> StorePlatform::key_of(const std::string& key_id) {
  auto key = store_.find_key(key_id);
  if (!key) return key.error();
  if (!key->location.empty()) {
    auto pem = read_file(key->location);
    if (!pem) return pem.error();
    return keys::decrypt_private_key(*pem, kek_);
  }
  auto keystore = keys::SoftKeystore::open(dir_ / "keys", kek_);
  if (!keystore) return keystore.error();
  return keystore->get(key->id);
}

Result<SealSigner> StorePlatform::signer_of(const RegisteredSeal& seal) {
  auto record = store_.find_seal(seal.id);
  if (!record) return record.error();
  if (record->key_id.empty() || record->cert_id.empty())
    return Error::not_found("the platform holds no key for seal " + seal.id);
  auto cert_record = store_.find_certificate(record->cert_id);
  if (!cert_record) return cert_record.error();
  auto cert = pki::Certificate::from_pem(cert_record->pem);
  if (!cert) return cert.error();
  auto key = key_of(record->key_id);
  if (!key) return key.error();
  return SealSigner{seal.seal, std::move(*cert), std::move(*key)};
}

Result<SealSigner> StorePlatform::file_signer(const std::string& prefix) {
  auto pem = read_file(dir_ / "platform" / (prefix + ".pem"));
  if (!pem) return pem.error();
  auto cert = pki::Certificate::parse(*pem);
  if (!cert) return cert.error();
  auto key_pem = read_file(dir_ / "platform" / (prefix + ".key"));
  if (!key_pem) return key_pem.error();
  auto key = keys::decrypt_private_key(*key_pem, kek_);
  if (!key) return key.error();
  return SealSigner{{}, std::move(*cert), std::move(*key)};
}

Result<SealSigner> StorePlatform::lock_signer(const std::optional<std::string>& dn) {
  if (!dn) return file_signer("lock");
  auto seal = find_seal_by_signer(*dn);
  if (!seal) return seal.error();
  return signer_of(*seal);
}

Result<RegisteredSeal> StorePlatform::apply_seal(const std::string& syscode,
                                                 const std::string& name,
                                                 const std::string& template_name, ByteView photo,
                                                 const std::string& cert_dn, Time now) {
  // The signer's certificate: a registered seal of that subject names it.
  auto existing = store_.find_seals_by_signer(normalized_dn(cert_dn));
  if (!existing) return existing.error();
  if (existing->empty() || existing->back().cert_id.empty())
    return Error::not_found("no certificate registered for " + cert_dn);
  const store::SealRecord& basis = existing->back();
  auto cert_record = store_.find_certificate(basis.cert_id);
  if (!cert_record) return cert_record.error();
  auto cert = pki::Certificate::from_pem(cert_record->pem);
  if (!cert) return cert.error();
  auto maker = file_signer("seal-maker");
  if (!maker) return maker.error();

  ses::SealInfo info;
  auto id = crypto::random_bytes(16);
  if (!id) return id.error();
  info.es_id = crypto::to_hex_upper(*id);
  info.type = 99;
  info.name = name;
  info.signer_certs = {cert->der()};
  info.create_date = info.valid_start = now;
  info.valid_end = std::min(now + std::chrono::days(1825), cert->not_after());
  if (!photo.empty()) {
    auto picture = image::normalize_picture(photo);
    if (!picture) return picture.error();
    info.picture = {"PNG", std::move(picture->png), 40, 40};
  } else {
    auto kind = image::parse_template(template_name);
    image::SealPictureSpec spec = image::default_spec(kind ? *kind : image::SealTemplate::kRound);
    spec.name = name;
    auto png = image::render_png(spec);
    if (!png) return png.error();
    info.picture = {"PNG", std::move(*png), static_cast<std::int64_t>(spec.width_mm),
                    static_cast<std::int64_t>(
                        spec.kind == image::SealTemplate::kRound ? spec.width_mm : spec.height_mm)};
  }
  auto seal = ses::make_seal(info, maker->cert, maker->key);
  if (!seal) return seal.error();
  auto sm3 = store_.blobs().put(seal->encoded);
  if (!sm3) return sm3.error();
  auto app = store_.find_app(syscode);
  if (!app) return app.error();
  store::SealRecord record = basis;
  record.id = info.es_id;
  record.name = name;
  record.type = info.type;
  record.app_id = app->id;
  record.seal_sm3 = *sm3;
  record.valid_start = info.valid_start;
  record.valid_end = info.valid_end;
  record.status = store::SealStatus::kValid;
  record.created = record.updated = now;
  if (auto s = store_.add_seal({record, std::nullopt, std::nullopt},
                               entry("app:" + syscode, "applySeal", record.id, "name=" + name));
      !s)
    return s.error();
  return registered(record);
}

ses::TrustPolicy StorePlatform::trust() {
  std::call_once(roots_once_, [this] {
    auto pem = read_file(dir_ / "platform" / "ca.pem");
    if (!pem) return;
    auto certs = pki::parse_certificates(*pem);
    if (certs) roots_ = std::move(*certs);
  });
  return {roots_, {}, {}};
}

Status StorePlatform::record_document(const std::string& syscode, const std::string& biznum,
                                      ByteView document, const std::string& operation) {
  auto app = store_.find_app(syscode);
  if (!app) return app.error();
  auto sm3 = store_.blobs().put(document);
  if (!sm3) return sm3.error();
  auto id = store::new_id();
  if (!id) return id.error();
  auto format = detect_format(document);
  store::DocumentRecord record{*id,
                               app->id,
                               biznum,
                               *sm3,
                               static_cast<std::int64_t>(document.size()),
                               format && *format == DocumentFormat::kOfd
                                   ? store::DocumentFormat::kOfd
                                   : store::DocumentFormat::kPdf,
                               now_utc()};
  return store_.add_document(record,
                             entry("app:" + syscode, operation, *id, "document " + *sm3, biznum));
}

Status StorePlatform::audit(const std::string& actor, const std::string& operation,
                            const std::string& object, const std::string& detail,
                            const std::string& biznum) {
  auto row = store_.append_audit(entry("app:" + actor, operation, object, detail, biznum));
  if (!row) return row.error();
  return ok_status();
}

Status StorePlatform::audit_refusal(const std::string& actor, const std::string& operation,
                                    const std::string& reason, const std::string& detail,
                                    Time now) {
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
  auto row = store_.append_audit(entry("app:" + actor, operation, "", text));
  if (!row) return row.error();
  return ok_status();
}

}  // namespace eseal::service
