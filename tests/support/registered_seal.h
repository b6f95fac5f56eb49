// A seal of the test parties (support/sealing_parties.h) registered in a store as the doors
// find it: the seal's bytes as a blob, the signer's certificate, and the signer's key as an
// encrypted key file in the data folder (`key_file`, which open_store would import).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "crypto/encoding.h"
#include "store/store.h"
#include "support/sealing_parties.h"

namespace eseal::test {

struct SealRegistration {
  std::string app_id = {};  // the owning app's id; "" for any caller
  store::SealStatus status = store::SealStatus::kValid;
  Time created = now_utc();
};

// Registers `seal` (signed by parties().signer) and returns its id.
inline std::string register_seal(store::Store& store, const ses::SesSeal& seal,
                                 const std::filesystem::path& key_file,
                                 const SealRegistration& how = {}) {
  const auto& p = parties();
  store::SealRecord record;
  record.id = seal.info.es_id;
  record.name = seal.info.name;
  record.type = seal.info.type;
  record.app_id = how.app_id;
  record.signer_dn = p.signer.cert.subject().to_string();
  record.seal_sm3 = *store.blobs().put(seal.encoded);
  record.cert_id = store::CertificateRecord::from(p.signer.cert).id;
  record.key_id = "file:" + key_file.string();
  record.valid_start = seal.info.valid_start;
  record.valid_end = seal.info.valid_end;
  record.status = how.status;
  record.created = record.updated = how.created;
  store::KeyRecord key{record.key_id, key_file.string(),
                       crypto::to_hex(p.signer.key.public_key().point()), now_utc()};
  EXPECT_TRUE(store.seals().add({record, store::CertificateRecord::from(p.signer.cert), key},
                                {now_utc(), "test", "seal.register", record.id, "", ""}));
  return record.id;
}

}  // namespace eseal::test
