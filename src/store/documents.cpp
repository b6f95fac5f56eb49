// Documents, time stamps and replay nonces.
#include "crypto/encoding.h"
#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::OrNull;
using sql::Row;
using sql::Session;

constexpr std::string_view kDocumentColumns =
    "id, app_id, biznum, blob_sm3, size, format, created_at, verification_code, sha256, "
    "request_key";

Result<DocumentRecord> read_document(const Row& s) {
  DocumentRecord doc;
  doc.id = s.text(0);
  doc.app_id = s.text(1);
  doc.biznum = s.text(2);
  doc.blob_sm3 = s.text(3);
  doc.size = s.integer(4);
  std::string format = s.text(5);
  if (format == column_name(DocumentFormat::kPdf)) {
    doc.format = DocumentFormat::kPdf;
  } else if (format == column_name(DocumentFormat::kOfd)) {
    doc.format = DocumentFormat::kOfd;
  } else {
    return Error::internal("document " + doc.id + " has an unknown format: " + format);
  }
  doc.created = from_epoch(s.integer(6));
  doc.verification_code = s.text(7);
  doc.sha256 = s.text(8);
  doc.request_key = s.text(9);
  return doc;
}

constexpr std::string_view kTimeStampColumns =
    "serial, gen_time, hash_algorithm, imprint, requester, token";

Result<TimeStampRecord> read_time_stamp(const Row& s) {
  TimeStampRecord r{s.text(0), from_epoch(s.integer(1)), s.text(2), s.text(3), s.text(4), {}};
  auto token = crypto::from_base64(s.text(5));
  if (!token) return token.error().with_context("time stamp " + r.serial);
  r.token = std::move(*token);
  return r;
}

}  // namespace

Status Documents::add(const DocumentRecord& doc, const AuditEntry& audit) {
  if (doc.id.empty()) return Error::invalid_input("a document needs an id");
  auto stored = c_.blobs.contains(doc.blob_sm3);
  if (!stored) return stored.error();
  if (!*stored) return Error::invalid_input("document " + doc.id + ": its blob is not stored");
  return c_.write(audit, [&](Session& s) {
    return s.run("INSERT INTO documents (" + std::string(kDocumentColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 doc.id, OrNull{doc.app_id}, doc.biznum, doc.blob_sm3, doc.size,
                 column_name(doc.format), epoch(doc.created), OrNull{doc.verification_code},
                 OrNull{doc.sha256}, OrNull{doc.request_key});
  });
}

Result<DocumentRecord> Documents::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<DocumentRecord>(
        "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE id = ?", read_document,
        "no document " + id, id);
  });
}

Result<DocumentRecord> Documents::find_by_code(const std::string& code) {
  return c_.db.read([&](Session& s) {
    return s.one<DocumentRecord>(
        "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE verification_code = ?",
        read_document, "no document with verification code " + code, code);
  });
}

Result<std::optional<DocumentRecord>> Documents::find_by_request(const std::string& app_id,
                                                                 const std::string& request_key) {
  auto found = c_.db.read([&](Session& s) {
    return s.all<DocumentRecord>("SELECT " + std::string(kDocumentColumns) +
                                     " FROM documents WHERE app_id = ? AND request_key = ?",
                                 read_document, app_id, request_key);
  });
  if (!found) return found.error();
  if (found->empty()) return std::optional<DocumentRecord>();
  return std::optional<DocumentRecord>(std::move(found->front()));
}

Result<std::vector<DocumentRecord>> Documents::find_by_biznum(const std::string& app_id,
                                                              const std::string& biznum) {
  return c_.db.read([&](Session& s) {
    return s.all<DocumentRecord>("SELECT " + std::string(kDocumentColumns) +
                                     " FROM documents WHERE app_id = ? AND biznum = ? "
                                     "ORDER BY created_at, id",
                                 read_document, app_id, biznum);
  });
}

Result<std::vector<DocumentRecord>> Documents::list(std::int64_t offset, std::int64_t limit) {
  return c_.db.read([&](Session& s) {
    return s.all<DocumentRecord>("SELECT " + std::string(kDocumentColumns) +
                                     " FROM documents ORDER BY created_at DESC, id DESC "
                                     "LIMIT ? OFFSET ?",
                                 read_document, limit, offset);
  });
}

Status TimeStamps::add(const TimeStampRecord& r, const AuditEntry& audit) {
  if (r.serial.empty()) return Error::invalid_input("a time stamp needs a serial");
  return c_.write(audit, [&](Session& s) {
    return s.run("INSERT INTO time_stamps (" + std::string(kTimeStampColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?)",
                 r.serial, epoch(r.gen_time), r.hash_algorithm, r.imprint, r.requester,
                 crypto::to_base64(r.token));
  });
}

Result<TimeStampRecord> TimeStamps::find(const std::string& serial) {
  return c_.db.read([&](Session& s) {
    return s.one<TimeStampRecord>(
        "SELECT " + std::string(kTimeStampColumns) + " FROM time_stamps WHERE serial = ?",
        read_time_stamp, "no time stamp " + serial, serial);
  });
}

Result<std::vector<TimeStampRecord>> TimeStamps::list(std::int64_t offset, std::int64_t limit) {
  return c_.db.read([&](Session& s) {
    return s.all<TimeStampRecord>("SELECT " + std::string(kTimeStampColumns) +
                                      " FROM time_stamps ORDER BY gen_time DESC, serial DESC "
                                      "LIMIT ? OFFSET ?",
                                  read_time_stamp, limit, offset);
  });
}

namespace {

// Nonces::remember's body inside a write transaction.
Result<bool> remember_nonce(Session& s, const std::string& app_id, const std::string& random,
                            Time now, Time keep_until, const KeptRequest& kept) {
  // Expired nonces go first, so an expired duplicate is accepted as new.
  Status purged = s.run("DELETE FROM nonces WHERE expires_at < ?", epoch(now));
  if (!purged) return purged.error();
  sql::Value answer =
      kept.answer.empty() ? sql::Value(nullptr) : sql::Value(sql::Blob{as_bytes(kept.answer)});
  auto added = s.run_counting(
      "INSERT INTO nonces (app_id, random, expires_at, request_digest, answer) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, random) DO NOTHING",
      app_id, random, epoch(keep_until), OrNull{kept.digest}, answer);
  if (!added) return added.error();
  return *added == 1;
}

}  // namespace

Result<bool> Nonces::remember(const std::string& app_id, const std::string& random, Time now,
                              Time keep_until, const KeptRequest& kept) {
  return c_.db.write(
      [&](Session& s) { return remember_nonce(s, app_id, random, now, keep_until, kept); });
}

Result<bool> Nonces::seen(const std::string& app_id, const std::string& random, Time now) {
  return c_.db.read([&](Session& s) {
    return s.exists("SELECT 1 FROM nonces WHERE app_id = ? AND random = ? AND expires_at >= ?",
                    app_id, random, epoch(now));
  });
}

Result<std::optional<KeptRequest>> Nonces::recall(const std::string& app_id,
                                                  const std::string& random, Time now) {
  auto found = c_.db.read([&](Session& s) {
    return s.all<KeptRequest>(
        "SELECT request_digest, answer FROM nonces "
        "WHERE app_id = ? AND random = ? AND expires_at >= ?",
        [](const sql::Row& row) -> Result<KeptRequest> {
          Bytes answer = row.bytes(1);
          return KeptRequest{row.text(0), std::string(answer.begin(), answer.end())};
        },
        app_id, random, epoch(now));
  });
  if (!found) return found.error();
  if (found->empty()) return std::optional<KeptRequest>();
  return std::optional<KeptRequest>(std::move(found->front()));
}

Result<bool> Nonces::remember_audited(const std::string& app_id, const std::string& random,
                                      Time now, Time keep_until, const AuditEntry& audit,
                                      const KeptRequest& kept) {
  return c_.db.write([&](Session& s) -> Result<bool> {
    auto fresh = remember_nonce(s, app_id, random, now, keep_until, kept);
    if (!fresh || !*fresh) return fresh;
    auto row = append_audit_row(s, audit);
    if (!row) return row.error();
    return true;
  });
}

}  // namespace eseal::store
