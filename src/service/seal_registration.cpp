#include "service/seal_registration.h"

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

Result<store::SealRecord> register_seal(store::Store& store, const SealToRegister& what,
                                        const std::optional<SealKeyFile>& key,
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
  record.signer_dn = cert.subject;
  record.cert_id = cert.id;
  record.valid_start = info.valid_start;
  record.valid_end = info.valid_end;
  record.created = record.updated = now;
  auto sm3 = store.blobs().put(what.seal.encoded);
  if (!sm3) return sm3.error();
  record.seal_sm3 = *sm3;

  std::optional<store::KeyRecord> key_record;
  if (key) {
    auto imported = keys::import_key(key->keystore, key->file, *signer, key->kek);
    if (!imported) {
      if (imported.error().code == keys::kKeyMismatch) {
        return Error::invalid_input(key->file.string() + " is not the key of " +
                                    signer->subject().to_string())
            .with_code(keys::kKeyMismatch);
      }
      return imported.error().with_context("importing the signing key");
    }
    record.key_id = *imported;
    auto point = signer->public_key();
    if (!point) return point.error();
    key_record = store::KeyRecord{record.key_id, "", crypto::to_hex(point->point()), now};
  }
  // After the key's check against the certificate: the seal's esID.
  auto added = [&]() -> Status {
    auto taken = store.find_seal(info.es_id);
    if (taken) {
      return Error::invalid_input("seal " + info.es_id + " is already registered")
          .with_code(seal_code::kRegistered);
    }
    if (taken.error().kind != ErrorKind::kNotFound) return taken.error();
    return store.add_seal({record, cert, key_record},
                          {now, actor, "seal.register", record.id,
                           "name=" + record.name + "; signer=" + record.signer_dn + what.note, ""});
  }();
  if (!added) {
    if (key) (void)key->keystore.remove(record.key_id);
    return added.error();
  }
  return record;
}

}  // namespace eseal::service
