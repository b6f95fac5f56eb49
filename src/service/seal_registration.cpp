#include "service/seal_registration.h"

#include <functional>

#include "crypto/encoding.h"
#include "keys/key_pair_files.h"
#include "ses/verify.h"

namespace eseal::service {
namespace {

Result<pki::Certificate> signer_of(const SealToRegister& what) {
  const ses::SealInfo& info = what.seal.info;
  if (what.signer) {
    if (!ses::signer_listing(info, what.signer->der())) {
      return Error::invalid_input("the certificate of " + what.signer->subject().to_string() +
                                  " is not a signer certificate of seal " + info.es_id)
          .with_code(seal_code::kNotItsSigner);
    }
    return *what.signer;
  }
  if (info.signer_certs.empty()) {
    return Error::invalid_input("seal " + info.es_id +
                                " lists its signers by digest: give the signer's certificate")
        .with_code(seal_code::kNotItsSigner);
  }
  return pki::Certificate::from_der(info.signer_certs.front());
}

}  // namespace

Result<ses::SesSeal> checked_seal(ByteView der, Time now) {
  auto seal = ses::decode_seal(der);
  if (!seal) {
    return Error::invalid_input("not an SES_Seal: " + seal.error().message)
        .with_code(seal_code::kBadSeal);
  }
  ses::Verdict verdict = ses::verify_seal(*seal, now, {});
  for (const char* name : {"structure", "maker-signature"}) {
    const ses::Check* check = verdict.find(name);
    if (check && check->result == ses::CheckResult::kFailed) {
      return Error::verification_failed("seal " + seal->info.es_id + ": " + name + ": " +
                                        check->detail)
          .with_code(seal_code::kBadSeal);
    }
  }
  return seal;
}

namespace {

// The key a registration attaches: its record for the signer's certificate (nullopt: none), and
// how to undo what making it did when the registration fails.
struct AttachedKey {
  std::optional<store::KeyRecord> record;
  std::function<void()> undo = [] {};
};

Result<store::SealRecord> register_with(
    store::Store& store, const SealToRegister& what,
    const std::function<Result<AttachedKey>(const pki::Certificate&)>& attach,
    const std::string& actor, Time now) {
  const ses::SealInfo& info = what.seal.info;
  auto signer = signer_of(what);
  if (!signer) return signer.error();
  store::CertificateRecord cert = store::CertificateRecord::from(*signer);
  store::SealRecord record;
  record.id = info.es_id;
  record.name = info.name;
  record.type = info.type;
  record.app_id = what.app_id;
  record.org_id = what.org_id;
  record.signer_dn = cert.subject;
  record.cert_id = cert.id;
  record.valid_start = info.valid_start;
  record.valid_end = info.valid_end;
  record.created = record.updated = now;
  auto sm3 = store.blobs().put(what.seal.encoded);
  if (!sm3) return sm3.error();
  record.seal_sm3 = *sm3;

  auto key = attach(*signer);
  if (!key) return key.error();
  if (key->record) record.key_id = key->record->id;
  // After the key's check against the certificate: the seal's esID.
  auto added = [&]() -> Status {
    auto taken = store.seals().find(info.es_id);
    if (taken) {
      return Error::invalid_input("seal " + info.es_id + " is already registered")
          .with_code(seal_code::kRegistered);
    }
    if (taken.error().kind != ErrorKind::kNotFound) return taken.error();
    return store.seals().add(
        {record, cert, key->record},
        {now, actor, "seal.register", record.id,
         "name=" + record.name + "; signer=" + record.signer_dn + what.note, ""});
  }();
  if (!added) {
    key->undo();
    return added.error();
  }
  return record;
}

Result<std::string> public_key_hex(const pki::Certificate& signer) {
  auto point = signer.public_key();
  if (!point) return point.error();
  return crypto::to_hex(point->point());
}

}  // namespace

Result<store::SealRecord> register_seal(store::Store& store, const SealToRegister& what,
                                        const std::optional<SealKeyFile>& key,
                                        const std::string& actor, Time now) {
  return register_with(
      store, what,
      [&](const pki::Certificate& signer) -> Result<AttachedKey> {
        if (!key) return AttachedKey{};
        auto imported = keys::import_key(key->keystore, key->file, signer, key->kek);
        if (!imported) {
          if (imported.error().code == keys::kKeyMismatch) {
            return Error::invalid_input(key->file.string() + " is not the key of " +
                                        signer.subject().to_string())
                .with_code(keys::kKeyMismatch);
          }
          return imported.error().with_context("importing the signing key");
        }
        auto point = public_key_hex(signer);
        if (!point) return point.error();
        std::string id = *imported;
        return AttachedKey{store::KeyRecord{id, "", *point, now},
                           [&keystore = key->keystore, id] { (void)keystore.remove(id); }};
      },
      actor, now);
}

Result<store::SealRecord> register_seal(store::Store& store, const SealToRegister& what,
                                        const SealDeviceKey& key, const std::string& actor,
                                        Time now) {
  return register_with(
      store, what,
      [&](const pki::Certificate& signer) -> Result<AttachedKey> {
        // Made only when the index holds the certificate's key and the password opens it.
        auto checked = key.device.signer(key.index, signer);
        if (!checked) {
          return checked.error().with_context("crypto device key index " +
                                              std::to_string(key.index));
        }
        auto point = public_key_hex(signer);
        if (!point) return point.error();
        auto id = new_device_key_id(key.index);
        if (!id) return id.error();
        return AttachedKey{store::KeyRecord{*id, device_key_location(key.index), *point, now}};
      },
      actor, now);
}

}  // namespace eseal::service
