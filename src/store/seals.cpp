// Certificates, signing keys and seals.
#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::OrNull;
using sql::Row;
using sql::Session;

constexpr std::string_view kSealColumns =
    "id, name, type, org_id, app_id, signer_dn, seal_sm3, cert_id, key_id, valid_start, "
    "valid_end, status, created_at, updated_at";

Result<SealRecord> read_seal(const Row& s) {
  SealRecord seal;
  seal.id = s.text(0);
  seal.name = s.text(1);
  seal.type = s.integer(2);
  seal.org_id = s.text(3);
  seal.app_id = s.text(4);
  seal.signer_dn = s.text(5);
  seal.seal_sm3 = s.text(6);
  seal.cert_id = s.text(7);
  seal.key_id = s.text(8);
  seal.valid_start = from_epoch(s.integer(9));
  seal.valid_end = from_epoch(s.integer(10));
  auto status = parse_seal_status(s.text(11));
  if (!status) return status.error().with_context("seal " + seal.id);
  seal.status = *status;
  seal.created = from_epoch(s.integer(12));
  seal.updated = from_epoch(s.integer(13));
  return seal;
}

constexpr std::string_view kCertificateColumns =
    "id, subject, issuer, serial, not_before, not_after, pem";

Result<CertificateRecord> read_certificate(const Row& s) {
  return CertificateRecord{s.text(0),
                           s.text(1),
                           s.text(2),
                           s.text(3),
                           from_epoch(s.integer(4)),
                           from_epoch(s.integer(5)),
                           s.text(6)};
}

Result<KeyRecord> read_key(const Row& s) {
  return KeyRecord{s.text(0), s.text(1), s.text(2), from_epoch(s.integer(3))};
}

// Returns whether the certificate was new.
Result<bool> insert_certificate(Session& s, const CertificateRecord& c) {
  auto added = s.run_counting("INSERT INTO certificates (" + std::string(kCertificateColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                              c.id, c.subject, c.issuer, c.serial, epoch(c.not_before),
                              epoch(c.not_after), c.pem);
  if (!added) return added.error();
  return *added == 1;
}

Status insert_key(Session& s, const KeyRecord& k) {
  if (k.id.empty()) return Error::invalid_input("a key needs a reference");
  return s.run("INSERT INTO keys (id, location, public_key, created_at) VALUES (?, ?, ?, ?)", k.id,
               k.location, k.public_key, epoch(k.created));
}

}  // namespace

Status Certificates::put(const CertificateRecord& cert, const AuditEntry& audit) {
  return c_.db.write([&](Session& s) -> Status {
    auto added = insert_certificate(s, cert);
    if (!added) return added.error();
    if (*added) {
      auto row = append_audit_row(s, audit);
      if (!row) return row.error();
    }
    return ok_status();
  });
}

Result<CertificateRecord> Certificates::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<CertificateRecord>(
        "SELECT " + std::string(kCertificateColumns) + " FROM certificates WHERE id = ?",
        read_certificate, "no certificate " + id, id);
  });
}

Result<std::vector<CertificateRecord>> Certificates::list() {
  return c_.db.read([&](Session& s) {
    return s.all<CertificateRecord>("SELECT " + std::string(kCertificateColumns) +
                                        " FROM certificates ORDER BY subject, not_before DESC",
                                    read_certificate);
  });
}

Status Keys::add(const KeyRecord& key, const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    auto taken = s.exists("SELECT 1 FROM keys WHERE id = ?", key.id);
    if (!taken) return taken.error();
    if (*taken) return Error::invalid_input("key " + key.id + " is already registered");
    return insert_key(s, key);
  });
}

Result<KeyRecord> Keys::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<KeyRecord>("SELECT id, location, public_key, created_at FROM keys WHERE id = ?",
                            read_key, "no key " + id, id);
  });
}

Result<std::vector<KeyRecord>> Keys::list_files() {
  return c_.db.read([&](Session& s) {
    return s.all<KeyRecord>(
        "SELECT id, location, public_key, created_at FROM keys WHERE location <> '' "
        "ORDER BY created_at, id",
        read_key);
  });
}

Status Keys::replace(const std::string& old_id, const KeyRecord& key, const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    auto known = s.exists("SELECT 1 FROM keys WHERE id = ?", old_id);
    if (!known) return known.error();
    if (!*known) return Error::not_found("no key " + old_id);
    Status done = insert_key(s, key);
    if (!done) return done;
    done = s.run("UPDATE seals SET key_id = ? WHERE key_id = ?", key.id, old_id);
    if (!done) return done;
    return s.run("DELETE FROM keys WHERE id = ?", old_id);
  });
}

Status Seals::add(const NewSeal& n, const AuditEntry& audit) {
  const SealRecord& seal = n.seal;
  if (seal.id.empty()) return Error::invalid_input("a seal needs an id (esID)");
  auto stored = c_.blobs.contains(seal.seal_sm3);
  if (!stored) return stored.error();
  if (!*stored) return Error::invalid_input("seal " + seal.id + ": its blob is not stored");
  return c_.write(audit, [&](Session& s) -> Status {
    auto taken = s.exists("SELECT 1 FROM seals WHERE id = ?", seal.id);
    if (!taken) return taken.error();
    if (*taken) return Error::invalid_input("seal " + seal.id + " is already registered");
    if (n.signer_cert) {
      auto added = insert_certificate(s, *n.signer_cert);
      if (!added) return added.error();
    }
    if (n.key) {
      auto known = s.exists("SELECT 1 FROM keys WHERE id = ?", n.key->id);
      if (!known) return known.error();
      if (!*known) {
        Status added = insert_key(s, *n.key);
        if (!added) return added;
      }
    }
    return s.run("INSERT INTO seals (" + std::string(kSealColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 seal.id, seal.name, seal.type, OrNull{seal.org_id}, OrNull{seal.app_id},
                 seal.signer_dn, seal.seal_sm3, OrNull{seal.cert_id}, OrNull{seal.key_id},
                 epoch(seal.valid_start), epoch(seal.valid_end), status_name(seal.status),
                 epoch(seal.created), epoch(seal.updated));
  });
}

Result<SealRecord> Seals::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<SealRecord>("SELECT " + std::string(kSealColumns) + " FROM seals WHERE id = ?",
                             read_seal, "no seal " + id, id);
  });
}

Result<std::vector<SealRecord>> Seals::find_by_signer(const std::string& dn) {
  return c_.db.read([&](Session& s) {
    return s.all<SealRecord>("SELECT " + std::string(kSealColumns) +
                                 " FROM seals WHERE signer_dn = ? ORDER BY created_at, id",
                             read_seal, dn);
  });
}

Result<std::vector<SealRecord>> Seals::list() {
  return c_.db.read([&](Session& s) {
    return s.all<SealRecord>(
        "SELECT " + std::string(kSealColumns) + " FROM seals ORDER BY created_at, id", read_seal);
  });
}

Status Seals::set_status(const std::string& id, SealStatus status, Time now,
                         const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    auto current = s.one<std::string>("SELECT status FROM seals WHERE id = ?", first_text,
                                      "no seal " + id, id);
    if (!current) return current.error();
    auto from = parse_seal_status(*current);
    if (!from) return from.error().with_context("seal " + id);
    if (!status_change_allowed(*from, status)) {
      return Error::invalid_input("seal " + id + " is " + std::string(status_name(*from)) +
                                  " and cannot become " + std::string(status_name(status)));
    }
    return s.run("UPDATE seals SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                 status_name(status), epoch(now), id, *current);
  });
}

}  // namespace eseal::store
