#include "store/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "store/audit_chain.h"
#include "store/migrations.h"
#include "store/secret_box.h"
#include "store/sqlite_db.h"

namespace eseal::store {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

constexpr int kBusyTimeoutMs = 5000;

std::int64_t epoch(Time t) {
  return t.time_since_epoch().count();
}
Time from_epoch(std::int64_t seconds) {
  return Time{std::chrono::seconds{seconds}};
}

// A text parameter bound as NULL when empty: optional references.
struct OrNull {
  std::string_view text;
};

void bind_one(Statement& s, std::string_view v) {
  s.bind(v);
}
void bind_one(Statement& s, const std::string& v) {
  s.bind(std::string_view(v));
}
void bind_one(Statement& s, std::int64_t v) {
  s.bind(v);
}
void bind_one(Statement& s, OrNull v) {
  s.bind_or_null(v.text);
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split_scopes(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

constexpr std::string_view kAppColumns =
    "id, syscode, name, org_id, authcode_hash, cert_pem, scopes, enabled, created_at, rotated_at, "
    "secure_code_sealed != '', sz_app_key";

Result<App> read_app(const Statement& s) {
  App app;
  app.id = s.text(0);
  app.syscode = s.text(1);
  app.name = s.text(2);
  app.org_id = s.text(3);
  app.authcode_hash = s.text(4);
  app.cert_pem = s.text(5);
  app.scopes = split_scopes(s.text(6));
  app.enabled = s.integer(7) != 0;
  app.created = from_epoch(s.integer(8));
  app.rotated = from_epoch(s.integer(9));
  app.coss = s.integer(10) != 0;
  app.sz_app_key = s.text(11);
  return app;
}

constexpr std::string_view kSealColumns =
    "id, name, type, org_id, app_id, signer_dn, seal_sm3, cert_id, key_id, valid_start, "
    "valid_end, status, created_at, updated_at";

Result<SealRecord> read_seal(const Statement& s) {
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

constexpr std::string_view kTimeStampColumns =
    "serial, gen_time, hash_algorithm, imprint, requester, token";

Result<TimeStampRecord> read_time_stamp(const Statement& s) {
  TimeStampRecord r{s.text(0), from_epoch(s.integer(1)), s.text(2), s.text(3), s.text(4), {}};
  auto token = crypto::from_base64(s.text(5));
  if (!token) return token.error().with_context("time stamp " + r.serial);
  r.token = std::move(*token);
  return r;
}

constexpr std::string_view kCossUserColumns =
    "id, app_id, name, id_type, mobile, department, unique_id, sign_image, require_cert, status, "
    "created_at, updated_at";

Result<CossUser> read_coss_user(const Statement& s) {
  return CossUser{s.text(0),
                  s.text(1),
                  s.text(2),
                  s.text(3),
                  s.text(4),
                  s.text(5),
                  s.text(6),
                  s.text(7),
                  s.integer(8) != 0,
                  s.text(9),
                  from_epoch(s.integer(10)),
                  from_epoch(s.integer(11))};
}

std::string id_number_context(const std::string& user_id) {
  return "coss-user:" + user_id + ":id-number";
}

// The index finds a number within one app and one id type.
std::string id_number_index(const SecretBox& box, const std::string& app_id,
                            const std::string& id_type, std::string_view id_number) {
  return crypto::to_hex(
      box.index("coss-user-identity:" + app_id + ":" + id_type, as_bytes(id_number)));
}

constexpr std::string_view kCossKeyColumns =
    "id, user_id, app_id, device_id, device_name, device_key, public_key, scheme, state, "
    "certificate, failures, created_at, updated_at";

Result<CossKey> read_coss_key(const Statement& s) {
  CossKey k;
  k.id = s.text(0);
  k.user_id = s.text(1);
  k.app_id = s.text(2);
  k.device_id = s.text(3);
  k.device_name = s.text(4);
  auto device_key = crypto::from_base64(s.text(5));
  auto public_key = crypto::from_base64(s.text(6));
  auto certificate = crypto::from_base64(s.text(9));
  if (!device_key || !public_key || !certificate) {
    return Error::internal("key " + k.id + ": a stored field is not base64");
  }
  k.device_key = std::move(*device_key);
  k.public_key = std::move(*public_key);
  k.scheme = s.text(7);
  k.state = s.text(8);
  k.certificate = std::move(*certificate);
  k.failures = s.integer(10);
  k.created = from_epoch(s.integer(11));
  k.updated = from_epoch(s.integer(12));
  return k;
}

std::string escrow_context(const std::string& grant_id) {
  return "coss-escrow:" + grant_id;
}

std::string key_share_context(const std::string& key_id) {
  return "coss-key:" + key_id + ":d2";
}

constexpr std::string_view kTaskColumns =
    "id, kind, app_id, subject, reference, state, payload, result, created_at, updated_at, "
    "expires_at, attempts, next_attempt_at";

// 0 stands for "none" in the tasks table's optional times.
std::int64_t epoch_or_zero(const std::optional<Time>& t) {
  return t ? epoch(*t) : 0;
}
std::optional<Time> time_or_none(std::int64_t seconds) {
  if (seconds == 0) return std::nullopt;
  return from_epoch(seconds);
}

constexpr std::string_view kConsoleAccountColumns =
    "id, login, name, role, password_hash, enabled, failures, locked_until, created_at, "
    "updated_at";

// `text` (ending in the '%' the caller added) for LIKE, a backslash escaping its own % and _.
std::string escape_like_prefix(const std::string& text, bool prefix) {
  if (!prefix) return text;
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '%' || text[i] == '_' || text[i] == '\\') out += '\\';
    out += text[i];
  }
  return out + "%";
}

Result<ConsoleAccount> read_console_account(const Statement& s) {
  return ConsoleAccount{s.text(0),
                        s.text(1),
                        s.text(2),
                        s.text(3),
                        s.text(4),
                        s.integer(5) != 0,
                        s.integer(6),
                        time_or_none(s.integer(7)),
                        from_epoch(s.integer(8)),
                        from_epoch(s.integer(9))};
}

Result<TaskRecord> read_task(const Statement& s) {
  return TaskRecord{s.text(0),
                    s.text(1),
                    s.text(2),
                    s.text(3),
                    s.text(4),
                    s.text(5),
                    s.text(6),
                    s.text(7),
                    from_epoch(s.integer(8)),
                    from_epoch(s.integer(9)),
                    time_or_none(s.integer(10)),
                    s.integer(11),
                    time_or_none(s.integer(12))};
}

// ",a,b," for a state filter matched with instr(); "" for none.
std::string state_list(const std::vector<std::string>& states) {
  if (states.empty()) return "";
  std::string out = ",";
  for (const auto& s : states) out += s + ",";
  return out;
}

// The WHERE clause of a task query; its parameters are task_query_args's.
constexpr std::string_view kTaskWhere =
    " WHERE kind = ? AND (? = '' OR app_id = ?) AND (? = '' OR subject = ?)"
    " AND (? = '' OR reference = ?)"
    " AND (? = '' OR instr(?, ',' || state || ',') > 0)"
    " AND (? = 0 OR (expires_at > 0 AND expires_at < ?))"
    " AND (? = 0 OR (next_attempt_at > 0 AND next_attempt_at <= ?))"
    " AND (? = 0 OR updated_at >= ?) AND (? = 0 OR updated_at < ?)";

constexpr std::string_view kDocumentColumns =
    "id, app_id, biznum, blob_sm3, size, format, created_at, verification_code, sha256";

Result<DocumentRecord> read_document(const Statement& s) {
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
  return doc;
}

Result<Organization> read_organization(const Statement& s) {
  return Organization{s.text(0), s.text(1), s.text(2), from_epoch(s.integer(3))};
}

constexpr std::string_view kCertificateColumns =
    "id, subject, issuer, serial, not_before, not_after, pem";

Result<CertificateRecord> read_certificate(const Statement& s) {
  return CertificateRecord{s.text(0),
                           s.text(1),
                           s.text(2),
                           s.text(3),
                           from_epoch(s.integer(4)),
                           from_epoch(s.integer(5)),
                           s.text(6)};
}

Result<KeyRecord> read_key(const Statement& s) {
  return KeyRecord{s.text(0), s.text(1), s.text(2), from_epoch(s.integer(3))};
}

Result<AuditRow> read_audit(const Statement& s) {
  AuditRow row;
  row.id = s.integer(0);
  row.entry = {from_epoch(s.integer(1)), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
  row.hash = s.text(7);
  return row;
}

constexpr std::string_view kAuditColumns =
    "id, logged_at, actor, operation, object, detail, biznum, hash";

std::string hmac_context(const std::string& app_id) {
  return "app:" + app_id + ":hmac";
}

std::string secure_code_context(const std::string& app_id) {
  return "app:" + app_id + ":secure-code";
}

std::string sz_keys_context(const std::string& app_id) {
  return "app:" + app_id + ":sz-keys";
}

constexpr std::size_t kSzSm4KeySize = 16;
constexpr std::size_t kSzMacKeySize = 32;

Error no_kek() {
  return Error::invalid_input("app secrets need the key-encryption key, and the store has none");
}

class SqliteStore final : public Store {
 public:
  SqliteStore(Connection db, BlobStore blobs, std::optional<keys::Kek> kek)
      : db_(std::move(db)), blobs_(std::move(blobs)) {
    if (kek) {
      box_.emplace(*kek);
      kek_check_ = kek_check_value(*kek);
    }
  }

  const BlobStore& blobs() const override { return blobs_; }

  Status add_organization(const Organization& org, const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      if (org.id.empty()) return Error::invalid_input("an organization needs an id");
      return run(
          "INSERT INTO organizations (id, name, credit_code, created_at) "
          "VALUES (?, ?, ?, ?)",
          org.id, org.name, OrNull{org.credit_code}, epoch(org.created));
    });
  }

  Result<Organization> find_organization(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<Organization>(
        "SELECT id, name, credit_code, created_at FROM organizations WHERE id = ?",
        read_organization, "no organization " + id, id);
  }

  Result<std::vector<Organization>> list_organizations() override {
    std::lock_guard lock(mutex_);
    return all<Organization>(
        "SELECT id, name, credit_code, created_at FROM organizations ORDER BY name, id",
        read_organization);
  }

  Status add_app(const App& app, const AppSecrets& secrets, const AuditEntry& audit) override {
    if (!box_) return no_kek();
    if (app.id.empty() || app.syscode.empty()) {
      return Error::invalid_input("an app needs an id and a syscode");
    }
    auto hash = hash_authcode(secrets.authcode);
    if (!hash) return hash.error();
    auto sealed = box_->seal(hmac_context(app.id), secrets.hmac_key);
    if (!sealed) return sealed.error();
    auto secure_code = seal_secure_code(app.id, secrets.secure_code);
    if (!secure_code) return secure_code.error();
    auto sz_keys = seal_sz_keys(app.id, secrets);
    if (!sz_keys) return sz_keys.error();
    return write(audit, [&]() -> Status {
      auto taken = exists("SELECT 1 FROM apps WHERE syscode = ?", app.syscode);
      if (!taken) return taken.error();
      if (*taken) return Error::invalid_input("syscode " + app.syscode + " is already taken");
      Status available = sz_app_key_free(secrets.sz_app_key, app.id);
      if (!available) return available;
      return run(
          "INSERT INTO apps (id, syscode, name, org_id, authcode_hash, hmac_key_sealed, cert_pem, "
          "scopes, enabled, created_at, rotated_at, secure_code_sealed, sz_app_key, "
          "sz_keys_sealed) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          app.id, app.syscode, app.name, OrNull{app.org_id}, *hash, crypto::to_base64(*sealed),
          app.cert_pem, join_scopes(app.scopes), std::int64_t{app.enabled ? 1 : 0},
          epoch(app.created), epoch(app.rotated), *secure_code, secrets.sz_app_key, *sz_keys);
    });
  }

  Result<App> find_app(const std::string& syscode) override {
    std::lock_guard lock(mutex_);
    return one<App>("SELECT " + std::string(kAppColumns) + " FROM apps WHERE syscode = ?", read_app,
                    "no app with syscode " + syscode, syscode);
  }

  Result<std::vector<App>> list_apps() override {
    std::lock_guard lock(mutex_);
    return all<App>("SELECT " + std::string(kAppColumns) + " FROM apps ORDER BY created_at, id",
                    read_app);
  }

  Result<crypto::SecureBytes> app_hmac_key(const std::string& syscode) override {
    return open_app_secret(syscode, "hmac_key_sealed", "HMAC key", hmac_context);
  }

  Result<crypto::SecureBytes> app_secure_code(const std::string& syscode) override {
    return open_app_secret(syscode, "secure_code_sealed", "COSS secureCode", secure_code_context);
  }

  Result<App> find_app_by_sz_key(const std::string& app_key) override {
    // '' is every app without DB4403 credentials, not a key.
    if (app_key.empty()) return Error::not_found("no app with an empty DB4403 appKey");
    std::lock_guard lock(mutex_);
    return one<App>("SELECT " + std::string(kAppColumns) + " FROM apps WHERE sz_app_key = ?",
                    read_app, "no app with DB4403 appKey " + app_key, app_key);
  }

  Result<std::pair<crypto::SecureBytes, crypto::SecureBytes>> app_sz_keys(
      const std::string& syscode) override {
    auto keys = open_app_secret(syscode, "sz_keys_sealed", "DB4403 keys", sz_keys_context);
    if (!keys) return keys.error();
    if (keys->size() != kSzSm4KeySize + kSzMacKeySize) {
      return Error::internal("app " + syscode + ": the stored DB4403 keys are not 48 bytes");
    }
    auto middle = keys->begin() + kSzSm4KeySize;
    return std::pair{crypto::SecureBytes(keys->begin(), middle),
                     crypto::SecureBytes(middle, keys->end())};
  }

  Status rotate_app_secrets(const std::string& syscode, const AppSecrets& secrets, Time now,
                            const AuditEntry& audit) override {
    if (!box_) return no_kek();
    auto hash = hash_authcode(secrets.authcode);
    if (!hash) return hash.error();
    return write(audit, [&]() -> Status {
      auto id = one<std::string>(
          "SELECT id FROM apps WHERE syscode = ?",
          [](const Statement& s) -> Result<std::string> { return s.text(0); },
          "no app with syscode " + syscode, syscode);
      if (!id) return id.error();
      auto sealed = box_->seal(hmac_context(*id), secrets.hmac_key);
      if (!sealed) return sealed.error();
      if (!secrets.secure_code.empty()) {
        auto secure_code = seal_secure_code(*id, secrets.secure_code);
        if (!secure_code) return secure_code.error();
        Status set = run("UPDATE apps SET secure_code_sealed = ? WHERE id = ?", *secure_code, *id);
        if (!set) return set;
      }
      auto sz_keys = seal_sz_keys(*id, secrets);
      if (!sz_keys) return sz_keys.error();
      if (!sz_keys->empty()) {
        Status available = sz_app_key_free(secrets.sz_app_key, *id);
        if (!available) return available;
        Status set = run("UPDATE apps SET sz_app_key = ?, sz_keys_sealed = ? WHERE id = ?",
                         secrets.sz_app_key, *sz_keys, *id);
        if (!set) return set;
      }
      return run(
          "UPDATE apps SET authcode_hash = ?, hmac_key_sealed = ?, rotated_at = ? WHERE id = ?",
          *hash, crypto::to_base64(*sealed), epoch(now), *id);
    });
  }

  Status set_app_enabled(const std::string& syscode, bool enabled,
                         const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      auto changed = run_counting("UPDATE apps SET enabled = ? WHERE syscode = ?",
                                  std::int64_t{enabled ? 1 : 0}, syscode);
      if (!changed) return changed.error();
      if (*changed == 0) return Error::not_found("no app with syscode " + syscode);
      return ok_status();
    });
  }

  Status put_certificate(const CertificateRecord& cert, const AuditEntry& audit) override {
    std::lock_guard lock(mutex_);
    auto tx = Transaction::begin(db_);
    if (!tx) return tx.error();
    auto added = insert_certificate(cert);
    if (!added) return added.error();
    if (*added) {
      auto row = append_audit_locked(audit);
      if (!row) return row.error();
    }
    return tx->commit();
  }

  Result<CertificateRecord> find_certificate(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<CertificateRecord>(
        "SELECT " + std::string(kCertificateColumns) + " FROM certificates WHERE id = ?",
        read_certificate, "no certificate " + id, id);
  }

  Result<std::vector<CertificateRecord>> list_certificates() override {
    std::lock_guard lock(mutex_);
    return all<CertificateRecord>("SELECT " + std::string(kCertificateColumns) +
                                      " FROM certificates ORDER BY subject, not_before DESC",
                                  read_certificate);
  }

  Status add_key(const KeyRecord& key, const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      auto taken = exists("SELECT 1 FROM keys WHERE id = ?", key.id);
      if (!taken) return taken.error();
      if (*taken) return Error::invalid_input("key " + key.id + " is already registered");
      return insert_key(key);
    });
  }

  Result<KeyRecord> find_key(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<KeyRecord>("SELECT id, location, public_key, created_at FROM keys WHERE id = ?",
                          read_key, "no key " + id, id);
  }

  Result<std::vector<KeyRecord>> list_key_files() override {
    std::lock_guard lock(mutex_);
    return all<KeyRecord>(
        "SELECT id, location, public_key, created_at FROM keys WHERE location <> '' "
        "ORDER BY created_at, id",
        read_key);
  }

  Status replace_key(const std::string& old_id, const KeyRecord& key,
                     const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      auto known = exists("SELECT 1 FROM keys WHERE id = ?", old_id);
      if (!known) return known.error();
      if (!*known) return Error::not_found("no key " + old_id);
      Status done = insert_key(key);
      if (!done) return done;
      done = run("UPDATE seals SET key_id = ? WHERE key_id = ?", key.id, old_id);
      if (!done) return done;
      return run("DELETE FROM keys WHERE id = ?", old_id);
    });
  }

  Status add_seal(const NewSeal& n, const AuditEntry& audit) override {
    const SealRecord& seal = n.seal;
    if (seal.id.empty()) return Error::invalid_input("a seal needs an id (esID)");
    auto stored = blobs_.contains(seal.seal_sm3);
    if (!stored) return stored.error();
    if (!*stored) return Error::invalid_input("seal " + seal.id + ": its blob is not stored");
    return write(audit, [&]() -> Status {
      auto taken = exists("SELECT 1 FROM seals WHERE id = ?", seal.id);
      if (!taken) return taken.error();
      if (*taken) return Error::invalid_input("seal " + seal.id + " is already registered");
      if (n.signer_cert) {
        auto added = insert_certificate(*n.signer_cert);
        if (!added) return added.error();
      }
      if (n.key) {
        auto known = exists("SELECT 1 FROM keys WHERE id = ?", n.key->id);
        if (!known) return known.error();
        if (!*known) {
          Status added = insert_key(*n.key);
          if (!added) return added;
        }
      }
      return run("INSERT INTO seals (" + std::string(kSealColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 seal.id, seal.name, seal.type, OrNull{seal.org_id}, OrNull{seal.app_id},
                 seal.signer_dn, seal.seal_sm3, OrNull{seal.cert_id}, OrNull{seal.key_id},
                 epoch(seal.valid_start), epoch(seal.valid_end), status_name(seal.status),
                 epoch(seal.created), epoch(seal.updated));
    });
  }

  Result<SealRecord> find_seal(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<SealRecord>("SELECT " + std::string(kSealColumns) + " FROM seals WHERE id = ?",
                           read_seal, "no seal " + id, id);
  }

  Result<std::vector<SealRecord>> find_seals_by_signer(const std::string& dn) override {
    std::lock_guard lock(mutex_);
    return all<SealRecord>("SELECT " + std::string(kSealColumns) +
                               " FROM seals WHERE signer_dn = ? ORDER BY created_at, id",
                           read_seal, dn);
  }

  Result<std::vector<SealRecord>> list_seals() override {
    std::lock_guard lock(mutex_);
    return all<SealRecord>(
        "SELECT " + std::string(kSealColumns) + " FROM seals ORDER BY created_at, id", read_seal);
  }

  Status set_seal_status(const std::string& id, SealStatus status, Time now,
                         const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      auto current = one<std::string>(
          "SELECT status FROM seals WHERE id = ?",
          [](const Statement& s) -> Result<std::string> { return s.text(0); }, "no seal " + id, id);
      if (!current) return current.error();
      auto from = parse_seal_status(*current);
      if (!from) return from.error().with_context("seal " + id);
      if (!status_change_allowed(*from, status)) {
        return Error::invalid_input("seal " + id + " is " + std::string(status_name(*from)) +
                                    " and cannot become " + std::string(status_name(status)));
      }
      return run("UPDATE seals SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                 status_name(status), epoch(now), id, *current);
    });
  }

  Status add_document(const DocumentRecord& doc, const AuditEntry& audit) override {
    if (doc.id.empty()) return Error::invalid_input("a document needs an id");
    auto stored = blobs_.contains(doc.blob_sm3);
    if (!stored) return stored.error();
    if (!*stored) return Error::invalid_input("document " + doc.id + ": its blob is not stored");
    return write(audit, [&]() -> Status {
      return run("INSERT INTO documents (" + std::string(kDocumentColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 doc.id, OrNull{doc.app_id}, doc.biznum, doc.blob_sm3, doc.size,
                 column_name(doc.format), epoch(doc.created), OrNull{doc.verification_code},
                 OrNull{doc.sha256});
    });
  }

  Result<DocumentRecord> find_document(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<DocumentRecord>(
        "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE id = ?", read_document,
        "no document " + id, id);
  }

  Result<DocumentRecord> find_document_by_code(const std::string& code) override {
    std::lock_guard lock(mutex_);
    return one<DocumentRecord>(
        "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE verification_code = ?",
        read_document, "no document with verification code " + code, code);
  }

  Result<std::vector<DocumentRecord>> list_documents(std::int64_t offset,
                                                     std::int64_t limit) override {
    std::lock_guard lock(mutex_);
    return all<DocumentRecord>("SELECT " + std::string(kDocumentColumns) +
                                   " FROM documents ORDER BY created_at DESC, id DESC "
                                   "LIMIT ? OFFSET ?",
                               read_document, limit, offset);
  }

  Status add_console_account(const ConsoleAccount& a, const AuditEntry& audit) override {
    if (a.id.empty() || a.login.empty()) {
      return Error::invalid_input("a console account needs an id and a login");
    }
    return write(audit, [&]() -> Status {
      auto taken = exists("SELECT 1 FROM console_accounts WHERE login = ?", a.login);
      if (!taken) return taken.error();
      if (*taken) return Error::invalid_input("the login " + a.login + " is taken");
      return run(
          "INSERT INTO console_accounts (id, login, name, role, password_hash, enabled, failures, "
          "locked_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          a.id, a.login, a.name, a.role, a.password_hash, std::int64_t{a.enabled ? 1 : 0},
          a.failures, epoch_or_zero(a.locked_until), epoch(a.created), epoch(a.created));
    });
  }

  Result<ConsoleAccount> find_console_account(const std::string& login) override {
    std::lock_guard lock(mutex_);
    return one<ConsoleAccount>(
        "SELECT " + std::string(kConsoleAccountColumns) + " FROM console_accounts WHERE login = ?",
        read_console_account, "no console account " + login, login);
  }

  Result<std::vector<ConsoleAccount>> list_console_accounts() override {
    std::lock_guard lock(mutex_);
    return all<ConsoleAccount>("SELECT " + std::string(kConsoleAccountColumns) +
                                   " FROM console_accounts ORDER BY created_at, login",
                               read_console_account);
  }

  Status change_console_account(const std::string& id, const ConsoleAccountChange& c, Time now,
                                const AuditEntry& audit) override {
    auto flag = [](bool b) { return std::int64_t{b ? 1 : 0}; };
    return write(audit, [&]() -> Status {
      auto changed = run_counting(
          "UPDATE console_accounts SET name = CASE WHEN ? THEN ? ELSE name END, "
          "role = CASE WHEN ? THEN ? ELSE role END, "
          "password_hash = CASE WHEN ? THEN ? ELSE password_hash END, "
          "failures = CASE WHEN ? THEN 0 ELSE failures END, "
          "locked_until = CASE WHEN ? THEN 0 ELSE locked_until END, "
          "enabled = CASE WHEN ? THEN ? ELSE enabled END, updated_at = ? WHERE id = ?",
          flag(c.name.has_value()), c.name.value_or(""), flag(c.role.has_value()),
          c.role.value_or(""), flag(c.password_hash.has_value()), c.password_hash.value_or(""),
          flag(c.password_hash.has_value()), flag(c.password_hash.has_value()),
          flag(c.enabled.has_value()), flag(c.enabled.value_or(false)), epoch(now), id);
      if (!changed) return changed.error();
      if (*changed == 0) return Error::not_found("no console account " + id);
      return ok_status();
    });
  }

  Result<ConsoleAccount> count_console_failure(const std::string& id, std::int64_t threshold,
                                               Time lock_until, Time now,
                                               const AuditEntry& audit) override {
    std::lock_guard lock(mutex_);
    auto tx = Transaction::begin(db_);
    if (!tx) return tx.error();
    auto changed = run_counting(
        "UPDATE console_accounts SET "
        "locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE locked_until END, "
        "failures = CASE WHEN failures + 1 >= ? THEN 0 ELSE failures + 1 END, updated_at = ? "
        "WHERE id = ?",
        threshold, epoch(lock_until), threshold, epoch(now), id);
    if (!changed) return changed.error();
    if (*changed == 0) return Error::not_found("no console account " + id);
    auto account = one<ConsoleAccount>(
        "SELECT " + std::string(kConsoleAccountColumns) + " FROM console_accounts WHERE id = ?",
        read_console_account, "no console account " + id, id);
    if (!account) return account.error();
    if (auto row = append_audit_locked(audit); !row) return row.error();
    if (account->locked_until == lock_until && account->failures == 0) {
      AuditEntry locked = audit;
      locked.operation = "console.lock";
      locked.detail = "locked until " + format_utc(lock_until);
      if (auto row = append_audit_locked(locked); !row) return row.error();
    }
    if (auto s = tx->commit(); !s) return s.error();
    return account;
  }

  Status clear_console_failures(const std::string& id, Time now, const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      return run(
          "UPDATE console_accounts SET failures = 0, locked_until = 0, updated_at = ? "
          "WHERE id = ?",
          epoch(now), id);
    });
  }

  Result<std::vector<DocumentRecord>> find_documents_by_biznum(const std::string& app_id,
                                                               const std::string& biznum) override {
    std::lock_guard lock(mutex_);
    return all<DocumentRecord>("SELECT " + std::string(kDocumentColumns) +
                                   " FROM documents WHERE app_id = ? AND biznum = ? "
                                   "ORDER BY created_at, id",
                               read_document, app_id, biznum);
  }

  Status add_time_stamp(const TimeStampRecord& r, const AuditEntry& audit) override {
    if (r.serial.empty()) return Error::invalid_input("a time stamp needs a serial");
    return write(audit, [&]() -> Status {
      return run("INSERT INTO time_stamps (" + std::string(kTimeStampColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?)",
                 r.serial, epoch(r.gen_time), r.hash_algorithm, r.imprint, r.requester,
                 crypto::to_base64(r.token));
    });
  }

  Result<std::vector<TimeStampRecord>> list_time_stamps(std::int64_t offset,
                                                        std::int64_t limit) override {
    std::lock_guard lock(mutex_);
    return all<TimeStampRecord>("SELECT " + std::string(kTimeStampColumns) +
                                    " FROM time_stamps ORDER BY gen_time DESC, serial DESC "
                                    "LIMIT ? OFFSET ?",
                                read_time_stamp, limit, offset);
  }

  Result<TimeStampRecord> find_time_stamp(const std::string& serial) override {
    std::lock_guard lock(mutex_);
    return one<TimeStampRecord>(
        "SELECT " + std::string(kTimeStampColumns) + " FROM time_stamps WHERE serial = ?",
        read_time_stamp, "no time stamp " + serial, serial);
  }

  Result<bool> remember_nonce(const std::string& app_id, const std::string& random, Time now,
                              Time keep_until) override {
    std::lock_guard lock(mutex_);
    auto tx = Transaction::begin(db_);
    if (!tx) return tx.error();
    // Expired nonces go first, so an expired duplicate is accepted as new.
    Status purged = run("DELETE FROM nonces WHERE expires_at < ?", epoch(now));
    if (!purged) return purged.error();
    auto added = run_counting(
        "INSERT INTO nonces (app_id, random, expires_at) VALUES (?, ?, ?) "
        "ON CONFLICT (app_id, random) DO NOTHING",
        app_id, random, epoch(keep_until));
    if (!added) return added.error();
    Status committed = tx->commit();
    if (!committed) return committed.error();
    return *added == 1;
  }

  Status add_coss_user(const CossUser& u, std::string_view id_number,
                       const AuditEntry& audit) override {
    if (!box_) return no_kek();
    if (u.id.empty() || u.app_id.empty()) return Error::invalid_input("a user needs an id and app");
    auto sealed = box_->seal(id_number_context(u.id), as_bytes(id_number));
    if (!sealed) return sealed.error();
    std::string index = id_number_index(*box_, u.app_id, u.id_type, id_number);
    return write(audit, [&]() -> Status {
      auto taken = exists("SELECT 1 FROM coss_users WHERE app_id = ? AND id_number_index = ?",
                          u.app_id, index);
      if (!taken) return taken.error();
      if (*taken) {
        return Error::invalid_input("a user with this id number exists")
            .with_code(kCossIdentityTaken);
      }
      if (!u.unique_id.empty()) {
        auto unique = exists("SELECT 1 FROM coss_users WHERE app_id = ? AND unique_id = ?",
                             u.app_id, u.unique_id);
        if (!unique) return unique.error();
        if (*unique) {
          return Error::invalid_input("a user with unique id " + u.unique_id + " exists")
              .with_code(kCossUniqueIdTaken);
        }
      }
      return run(
          "INSERT INTO coss_users (id, app_id, name, id_type, id_number_sealed, "
          "id_number_index, mobile, department, unique_id, sign_image, require_cert, "
          "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          u.id, u.app_id, u.name, u.id_type, crypto::to_base64(*sealed), index, u.mobile,
          u.department, u.unique_id, u.sign_image, std::int64_t{u.require_cert ? 1 : 0}, u.status,
          epoch(u.created), epoch(u.updated));
    });
  }

  Result<std::vector<CossUser>> list_coss_users(std::int64_t offset, std::int64_t limit) override {
    std::lock_guard lock(mutex_);
    return all<CossUser>("SELECT " + std::string(kCossUserColumns) +
                             " FROM coss_users ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                         read_coss_user, limit, offset);
  }

  Result<CossUser> find_coss_user(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<CossUser>(
        "SELECT " + std::string(kCossUserColumns) + " FROM coss_users WHERE id = ?", read_coss_user,
        "no user " + id, id);
  }

  Result<CossUser> find_coss_user_by_identity(const std::string& app_id, const std::string& id_type,
                                              std::string_view id_number) override {
    if (!box_) return no_kek();
    std::lock_guard lock(mutex_);
    return one<CossUser>("SELECT " + std::string(kCossUserColumns) +
                             " FROM coss_users WHERE app_id = ? AND id_number_index = ?",
                         read_coss_user, "no user with this id number", app_id,
                         id_number_index(*box_, app_id, id_type, id_number));
  }

  Result<CossUser> find_coss_user_by_unique_id(const std::string& app_id,
                                               const std::string& unique_id) override {
    std::lock_guard lock(mutex_);
    return one<CossUser>("SELECT " + std::string(kCossUserColumns) +
                             " FROM coss_users WHERE app_id = ? AND unique_id = ? AND "
                             "unique_id != ''",
                         read_coss_user, "no user with unique id " + unique_id, app_id, unique_id);
  }

  Result<std::vector<CossUser>> find_coss_users_by_mobile(const std::string& app_id,
                                                          const std::string& mobile) override {
    std::lock_guard lock(mutex_);
    return all<CossUser>("SELECT " + std::string(kCossUserColumns) +
                             " FROM coss_users WHERE app_id = ? AND mobile = ? ORDER BY id",
                         read_coss_user, app_id, mobile);
  }

  Result<std::string> coss_user_id_number(const std::string& id) override {
    if (!box_) return no_kek();
    std::string sealed;
    {
      std::lock_guard lock(mutex_);
      auto found = one<std::string>(
          "SELECT id_number_sealed FROM coss_users WHERE id = ?",
          [](const Statement& s) -> Result<std::string> { return s.text(0); }, "no user " + id, id);
      if (!found) return found.error();
      sealed = std::move(*found);
    }
    auto raw = crypto::from_base64(sealed);
    if (!raw) return Error::internal("user " + id + ": stored id number is not base64");
    auto plain = box_->open(id_number_context(id), *raw);
    if (!plain) return plain.error().with_context("user " + id);
    return std::string(plain->begin(), plain->end());
  }

  Status update_coss_user(const CossUser& u, Time now, const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      if (!u.unique_id.empty()) {
        auto unique =
            exists("SELECT 1 FROM coss_users WHERE app_id = ? AND unique_id = ? AND id != ?",
                   u.app_id, u.unique_id, u.id);
        if (!unique) return unique.error();
        if (*unique) {
          return Error::invalid_input("a user with unique id " + u.unique_id + " exists")
              .with_code(kCossUniqueIdTaken);
        }
      }
      auto changed = run_counting(
          "UPDATE coss_users SET name = ?, mobile = ?, department = ?, unique_id = ?, "
          "sign_image = ?, require_cert = ?, status = ?, updated_at = ? WHERE id = ?",
          u.name, u.mobile, u.department, u.unique_id, u.sign_image,
          std::int64_t{u.require_cert ? 1 : 0}, u.status, epoch(now), u.id);
      if (!changed) return changed.error();
      if (*changed == 0) return Error::not_found("no user " + u.id);
      return ok_status();
    });
  }

  Status add_coss_key(const CossKey& k, ByteView d2, const AuditEntry& audit) override {
    if (!box_) return no_kek();
    if (k.id.empty() || k.user_id.empty())
      return Error::invalid_input("a key needs an id and user");
    auto sealed = box_->seal(key_share_context(k.id), d2);
    if (!sealed) return sealed.error();
    return write(audit, [&]() -> Status {
      return run("INSERT INTO coss_keys (" + std::string(kCossKeyColumns) +
                     ", share_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 k.id, k.user_id, k.app_id, k.device_id, k.device_name,
                 crypto::to_base64(k.device_key), crypto::to_base64(k.public_key), k.scheme,
                 k.state, crypto::to_base64(k.certificate), k.failures, epoch(k.created),
                 epoch(k.updated), crypto::to_base64(*sealed));
    });
  }

  Result<CossKey> find_coss_key(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return one<CossKey>("SELECT " + std::string(kCossKeyColumns) + " FROM coss_keys WHERE id = ?",
                        read_coss_key, "no key " + id, id);
  }

  Result<std::vector<CossKey>> find_coss_keys(const CossKeyQuery& q) override {
    std::lock_guard lock(mutex_);
    std::string states = state_list(q.states);
    return all<CossKey>("SELECT " + std::string(kCossKeyColumns) +
                            " FROM coss_keys WHERE (? = '' OR user_id = ?) AND "
                            "(? = '' OR instr(?, ',' || state || ',') > 0) AND "
                            "(? = 0 OR created_at < ?) ORDER BY created_at, id",
                        read_coss_key, q.user_id, q.user_id, states, states,
                        epoch_or_zero(q.created_before), epoch_or_zero(q.created_before));
  }

  Result<crypto::SecureBytes> coss_key_share(const std::string& id) override {
    if (!box_) return no_kek();
    std::string sealed;
    {
      std::lock_guard lock(mutex_);
      auto found = one<std::string>(
          "SELECT share_sealed FROM coss_keys WHERE id = ?",
          [](const Statement& s) -> Result<std::string> { return s.text(0); }, "no key " + id, id);
      if (!found) return found.error();
      sealed = std::move(*found);
    }
    if (sealed.empty()) return Error::not_found("the server share of key " + id + " is destroyed");
    auto raw = crypto::from_base64(sealed);
    if (!raw) return Error::internal("key " + id + ": stored share is not base64");
    auto share = box_->open(key_share_context(id), *raw);
    if (!share) return share.error().with_context("key " + id);
    return share;
  }

  Status add_coss_escrow(const std::string& grant_id, const std::string& key_id, ByteView share,
                         Time now, const AuditEntry& audit) override {
    if (!box_) return no_kek();
    auto sealed = box_->seal(escrow_context(grant_id), share);
    if (!sealed) return sealed.error();
    return write(audit, [&]() -> Status {
      auto taken = one<std::string>(
          "SELECT grant_id FROM coss_escrows WHERE grant_id = ?",
          [](const Statement& st) -> Result<std::string> { return st.text(0); }, "", grant_id);
      if (taken) return Error::invalid_input("grant " + grant_id + " already holds a share");
      return run(
          "INSERT INTO coss_escrows (grant_id, key_id, share_sealed, created_at) VALUES (?, ?, ?, "
          "?)",
          grant_id, key_id, crypto::to_base64(*sealed), epoch(now));
    });
  }

  Result<crypto::SecureBytes> coss_escrow_share(const std::string& grant_id) override {
    if (!box_) return no_kek();
    std::string sealed;
    {
      std::lock_guard lock(mutex_);
      auto found = one<std::string>(
          "SELECT share_sealed FROM coss_escrows WHERE grant_id = ?",
          [](const Statement& st) -> Result<std::string> { return st.text(0); },
          "no escrowed share for grant " + grant_id, grant_id);
      if (!found) return found.error();
      sealed = std::move(*found);
    }
    auto raw = crypto::from_base64(sealed);
    if (!raw) return Error::internal("grant " + grant_id + ": stored share is not base64");
    return box_->open(escrow_context(grant_id), *raw);
  }

  Status destroy_coss_escrow(const std::string& grant_id, const AuditEntry& audit) override {
    {
      std::lock_guard lock(mutex_);
      auto held = one<std::string>(
          "SELECT grant_id FROM coss_escrows WHERE grant_id = ?",
          [](const Statement& st) -> Result<std::string> { return st.text(0); }, "", grant_id);
      if (!held) return held.error().kind == ErrorKind::kNotFound ? ok_status() : held.error();
    }
    return write(audit, [&]() -> Status {
      return run("DELETE FROM coss_escrows WHERE grant_id = ?", grant_id);
    });
  }

  Result<std::vector<std::string>> coss_escrow_grants() override {
    std::lock_guard lock(mutex_);
    return all<std::string>("SELECT grant_id FROM coss_escrows ORDER BY created_at",
                            [](const Statement& st) -> Result<std::string> { return st.text(0); });
  }

  Status change_coss_key(const CossKey& k, const std::vector<std::string>& from, bool destroy_share,
                         Time now, const AuditEntry& audit) override {
    return write(audit, [&]() -> Status {
      auto current = one<std::string>(
          "SELECT state FROM coss_keys WHERE id = ?",
          [](const Statement& s) -> Result<std::string> { return s.text(0); }, "no key " + k.id,
          k.id);
      if (!current) return current.error();
      if (std::find(from.begin(), from.end(), *current) == from.end()) {
        return Error::invalid_input("key " + k.id + " is " + *current + ", not " + state_list(from))
            .with_code(kTaskStateChanged);
      }
      Status changed = run(
          "UPDATE coss_keys SET state = ?, certificate = ?, device_name = ?, failures = ?, "
          "updated_at = ? WHERE id = ?",
          k.state, crypto::to_base64(k.certificate), k.device_name, k.failures, epoch(now), k.id);
      if (!changed || !destroy_share) return changed;
      return run("UPDATE coss_keys SET share_sealed = '' WHERE id = ?", k.id);
    });
  }

  Result<std::string> keyed_index(std::string_view context, ByteView value) override {
    if (!box_) return no_kek();
    return crypto::to_hex(box_->index(context, value));
  }

  Status add_task(const TaskRecord& t, const AuditEntry& audit) override {
    if (t.id.empty() || t.kind.empty() || t.state.empty()) {
      return Error::invalid_input("a task needs an id, a kind and a state");
    }
    return write(audit, [&]() -> Status {
      return run("INSERT INTO tasks (" + std::string(kTaskColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 t.id, t.kind, t.app_id, t.subject, t.reference, t.state, t.payload, t.result,
                 epoch(t.created), epoch(t.updated), epoch_or_zero(t.expires), t.attempts,
                 epoch_or_zero(t.next_attempt));
    });
  }

  Result<TaskRecord> find_task(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return find_task_locked(id);
  }

  Result<TaskRecord> change_task(const std::string& id, const TaskChange& change, Time now,
                                 const AuditEntry& audit) override {
    TaskRecord changed;
    Status done = write(audit, [&]() -> Status {
      auto current = find_task_locked(id);
      if (!current) return current.error();
      if (std::find(change.from.begin(), change.from.end(), current->state) == change.from.end()) {
        return Error::invalid_input("task " + id + " is " + current->state + ", not " +
                                    state_list(change.from))
            .with_code(kTaskStateChanged);
      }
      if (change.subject && current->subject != change.subject->first) {
        return Error::invalid_input("task " + id + " is another's").with_code(kTaskStateChanged);
      }
      changed = *current;
      changed.state = change.to;
      if (change.subject) changed.subject = change.subject->second;
      changed.updated = now;
      if (change.payload) changed.payload = *change.payload;
      if (change.result) changed.result = *change.result;
      if (change.expires) changed.expires = *change.expires;
      if (change.next_attempt) changed.next_attempt = *change.next_attempt;
      if (change.count_attempt) ++changed.attempts;
      return run(
          "UPDATE tasks SET state = ?, subject = ?, payload = ?, result = ?, updated_at = ?, "
          "expires_at = ?, attempts = ?, next_attempt_at = ? WHERE id = ? AND state = ?",
          changed.state, changed.subject, changed.payload, changed.result, epoch(changed.updated),
          epoch_or_zero(changed.expires), changed.attempts, epoch_or_zero(changed.next_attempt), id,
          current->state);
    });
    if (!done) return done.error();
    return changed;
  }

  Result<std::vector<TaskRecord>> find_tasks(const TaskQuery& q) override {
    std::lock_guard lock(mutex_);
    std::string states = state_list(q.states);
    return all<TaskRecord>(
        "SELECT " + std::string(kTaskColumns) + " FROM tasks" + std::string(kTaskWhere) +
            (q.newest_first ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id") +
            " LIMIT ? OFFSET ?",
        read_task, q.kind, q.app_id, q.app_id, q.subject, q.subject, q.reference, q.reference,
        states, states, epoch_or_zero(q.expired_by), epoch_or_zero(q.expired_by),
        epoch_or_zero(q.due_by), epoch_or_zero(q.due_by), epoch_or_zero(q.updated_from),
        epoch_or_zero(q.updated_from), epoch_or_zero(q.updated_to), epoch_or_zero(q.updated_to),
        q.limit, q.offset);
  }

  Result<std::int64_t> count_tasks(const TaskQuery& q) override {
    std::lock_guard lock(mutex_);
    std::string states = state_list(q.states);
    return one<std::int64_t>(
        "SELECT count(*) FROM tasks" + std::string(kTaskWhere),
        [](const Statement& s) -> Result<std::int64_t> { return s.integer(0); }, "", q.kind,
        q.app_id, q.app_id, q.subject, q.subject, q.reference, q.reference, states, states,
        epoch_or_zero(q.expired_by), epoch_or_zero(q.expired_by), epoch_or_zero(q.due_by),
        epoch_or_zero(q.due_by), epoch_or_zero(q.updated_from), epoch_or_zero(q.updated_from),
        epoch_or_zero(q.updated_to), epoch_or_zero(q.updated_to));
  }

  Result<std::int64_t> append_audit(const AuditEntry& entry) override {
    std::lock_guard lock(mutex_);
    auto tx = Transaction::begin(db_);
    if (!tx) return tx.error();
    auto id = append_audit_locked(entry);
    if (!id) return id.error();
    Status committed = tx->commit();
    if (!committed) return committed.error();
    return id;
  }

  Result<std::vector<AuditRow>> list_audit(std::int64_t after_id, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    return all<AuditRow>(
        "SELECT " + std::string(kAuditColumns) + " FROM audit WHERE id > ? ORDER BY id LIMIT ?",
        read_audit, after_id, static_cast<std::int64_t>(limit));
  }

  Result<std::vector<AuditRow>> find_audit(const AuditQuery& q) override {
    std::string operation = q.operation;
    bool prefix = !operation.empty() && operation.back() == '.';
    if (prefix) operation = operation + "%";
    std::lock_guard lock(mutex_);
    return all<AuditRow>(
        "SELECT " + std::string(kAuditColumns) +
            " FROM audit WHERE id > ? AND (? <= 0 OR id < ?) AND (? = '' OR actor = ?)"
            " AND (? = '' OR object = ?) AND (? = '' OR operation " +
            (prefix ? "LIKE ? ESCAPE '\\')" : "= ?)") + " ORDER BY id " +
            (q.newest_first ? "DESC" : "ASC") + " LIMIT ?",
        read_audit, q.after_id, q.before_id, q.before_id, q.actor, q.actor, q.object, q.object,
        operation, escape_like_prefix(operation, prefix), static_cast<std::int64_t>(q.limit));
  }

  Result<AuditCheck> verify_audit() override {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare("SELECT " + std::string(kAuditColumns) + " FROM audit ORDER BY id");
    if (!s) return s.error();
    AuditCheck check;
    std::string previous;
    while (true) {
      auto more = s->step();
      if (!more) return more.error();
      if (!*more) break;
      ++check.rows;
      if (check.first_broken) continue;
      auto row = read_audit(*s);
      if (!row) return row.error();
      if (row->id != check.rows || chain_audit_hash(previous, row->id, row->entry) != row->hash) {
        check.first_broken = row->id;
      }
      previous = row->hash;
    }
    return check;
  }

  Result<bool> kek_belongs(Time now) override {
    if (!box_) return no_kek();
    std::lock_guard lock(mutex_);
    auto stored = stored_kek_check();
    if (stored || stored.error().kind != ErrorKind::kNotFound) return stored;
    auto tx = Transaction::begin(db_);
    if (!tx) return tx.error();
    // Checked again inside the transaction: another process may have just recorded one.
    stored = stored_kek_check();
    if (stored || stored.error().kind != ErrorKind::kNotFound) return stored;
    struct Sealed {
      std::string id, value;
    };
    auto first_app = one<Sealed>(
        "SELECT id, hmac_key_sealed FROM apps ORDER BY created_at, id LIMIT 1",
        [](const Statement& s) -> Result<Sealed> {
          return Sealed{s.text(0), s.text(1)};
        },
        "");
    if (first_app) {
      auto raw = crypto::from_base64(first_app->value);
      if (!raw || !box_->open(hmac_context(first_app->id), *raw)) return false;
    } else if (first_app.error().kind != ErrorKind::kNotFound) {
      return first_app.error();
    }
    Status recorded = run("INSERT INTO kek_check (id, value, created_at) VALUES (1, ?, ?)",
                          crypto::to_hex(*kek_check_), epoch(now));
    if (!recorded) return recorded.error();
    Status committed = tx->commit();
    if (!committed) return committed.error();
    return true;
  }

  Status migrate() {
    std::lock_guard lock(mutex_);
    Status created = db_.exec(std::string(kCreateSchemaMigrations));
    if (!created) return created;
    auto newest = one<std::int64_t>(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [](const Statement& s) -> Result<std::int64_t> { return s.integer(0); }, "");
    if (!newest) return newest.error();
    if (*newest > migrations().back().version) {
      return Error::invalid_input("the database has schema version " + std::to_string(*newest) +
                                  ", newer than this eseal knows (" +
                                  std::to_string(migrations().back().version) + ")");
    }
    for (const Migration& m : migrations()) {
      auto tx = Transaction::begin(db_);
      if (!tx) return tx.error();
      // Checked inside the transaction: another process may have just applied it.
      auto applied =
          exists("SELECT 1 FROM schema_migrations WHERE version = ?", std::int64_t{m.version});
      if (!applied) return applied.error();
      if (*applied) continue;
      Status done = db_.exec(std::string(m.sql));
      if (!done) return done.error().with_context("migration " + std::to_string(m.version));
      done = run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                 std::int64_t{m.version}, epoch(now_utc()));
      if (!done) return done;
      done = tx->commit();
      if (!done) return done;
    }
    return ok_status();
  }

 private:
  template <typename... Args>
  Result<Statement> bound(const std::string& sql, const Args&... args) {
    auto s = db_.prepare(sql);
    if (!s) return s.error();
    (bind_one(*s, args), ...);
    return s;
  }

  template <typename... Args>
  Status run(const std::string& sql, const Args&... args) {
    auto s = bound(sql, args...);
    if (!s) return s.error();
    return s->run();
  }

  // Runs and returns how many rows changed.
  template <typename... Args>
  Result<int> run_counting(const std::string& sql, const Args&... args) {
    auto s = bound(sql, args...);
    if (!s) return s.error();
    Status done = s->run();
    if (!done) return done.error();
    return s->changes();
  }

  template <typename... Args>
  Result<bool> exists(const std::string& sql, const Args&... args) {
    auto s = bound(sql, args...);
    if (!s) return s.error();
    return s->step();
  }

  template <typename T, typename Read, typename... Args>
  Result<T> one(const std::string& sql, Read read, const std::string& missing,
                const Args&... args) {
    auto s = bound(sql, args...);
    if (!s) return s.error();
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return Error::not_found(missing);
    return read(*s);
  }

  template <typename T, typename Read, typename... Args>
  Result<std::vector<T>> all(const std::string& sql, Read read, const Args&... args) {
    auto s = bound(sql, args...);
    if (!s) return s.error();
    std::vector<T> out;
    while (true) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) return out;
      auto value = read(*s);
      if (!value) return value.error();
      out.push_back(std::move(*value));
    }
  }

  // A secureCode sealed for the row of app `app_id`, as stored; "" for none.
  Result<std::string> seal_secure_code(const std::string& app_id, const std::string& code) {
    if (code.empty()) return std::string();
    auto sealed = box_->seal(secure_code_context(app_id), as_bytes(code));
    if (!sealed) return sealed.error();
    return crypto::to_base64(*sealed);
  }

  // The DB4403 SM4 key ‖ MAC key sealed for the row of app `app_id`, as stored; "" for an app
  // without an appKey.
  Result<std::string> seal_sz_keys(const std::string& app_id, const AppSecrets& secrets) {
    if (secrets.sz_app_key.empty()) {
      if (secrets.sz_sm4_key.empty() && secrets.sz_mac_key.empty()) return std::string();
      return Error::invalid_input("DB4403 keys need an appKey");
    }
    if (secrets.sz_sm4_key.size() != kSzSm4KeySize || secrets.sz_mac_key.size() != kSzMacKeySize) {
      return Error::invalid_input("a DB4403 SM4 key is 16 bytes and a MAC key 32");
    }
    crypto::SecureBytes keys = secrets.sz_sm4_key;
    keys.insert(keys.end(), secrets.sz_mac_key.begin(), secrets.sz_mac_key.end());
    auto sealed = box_->seal(sz_keys_context(app_id), keys);
    if (!sealed) return sealed.error();
    return crypto::to_base64(*sealed);
  }

  // Inside a write transaction: kInvalidInput when an app other than `app_id` has this DB4403
  // appKey (the index would refuse it too, in SQLite's words).
  Status sz_app_key_free(const std::string& app_key, const std::string& app_id) {
    if (app_key.empty()) return ok_status();
    auto taken = exists("SELECT 1 FROM apps WHERE sz_app_key = ? AND id <> ?", app_key, app_id);
    if (!taken) return taken.error();
    if (*taken) return Error::invalid_input("DB4403 appKey " + app_key + " is already taken");
    return ok_status();
  }

  // An app's secret sealed in `column` (under `context` of the app's id), opened.
  Result<crypto::SecureBytes> open_app_secret(const std::string& syscode, const char* column,
                                              const char* what,
                                              std::string (*context)(const std::string&)) {
    if (!box_) return no_kek();
    std::lock_guard lock(mutex_);
    struct Sealed {
      std::string id, value;
    };
    auto sealed = one<Sealed>(
        "SELECT id, " + std::string(column) + " FROM apps WHERE syscode = ?",
        [](const Statement& s) -> Result<Sealed> {
          return Sealed{s.text(0), s.text(1)};
        },
        "no app with syscode " + syscode, syscode);
    if (!sealed) return sealed.error();
    if (sealed->value.empty()) return Error::not_found("app " + syscode + " has no " + what);
    auto raw = crypto::from_base64(sealed->value);
    if (!raw) return Error::internal("app " + syscode + ": stored " + what + " is not base64");
    auto secret = box_->open(context(sealed->id), *raw);
    if (!secret) return secret.error().with_context("app " + syscode);
    return secret;
  }

  Result<TaskRecord> find_task_locked(const std::string& id) {
    return one<TaskRecord>("SELECT " + std::string(kTaskColumns) + " FROM tasks WHERE id = ?",
                           read_task, "no task " + id, id);
  }

  // Runs `body` and appends `audit` in one write transaction; either both land or neither.
  template <typename Body>
  Status write(const AuditEntry& audit, Body body) {
    std::lock_guard lock(mutex_);
    auto tx = Transaction::begin(db_);
    if (!tx) return tx.error();
    Status done = body();
    if (!done) return done;
    auto row = append_audit_locked(audit);
    if (!row) return row.error();
    return tx->commit();
  }

  // Inside a write transaction: takes the next id after the last row and chains its hash.
  Result<std::int64_t> append_audit_locked(const AuditEntry& entry) {
    struct Last {
      std::int64_t id;
      std::string hash;
    };
    auto last = one<Last>(
        "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
        [](const Statement& s) -> Result<Last> {
          return Last{s.integer(0), s.text(1)};
        },
        "");
    if (!last && last.error().kind != ErrorKind::kNotFound) return last.error();
    std::int64_t id = last ? last->id + 1 : 1;
    std::string hash = chain_audit_hash(last ? last->hash : "", id, entry);
    Status inserted = run(
        "INSERT INTO audit (" + std::string(kAuditColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id, epoch(entry.time), entry.actor, entry.operation, entry.object, entry.detail,
        entry.biznum, hash);
    if (!inserted) return inserted.error();
    return id;
  }

  // Whether the recorded KEK check value is this KEK's; kNotFound when none is recorded.
  Result<bool> stored_kek_check() {
    auto stored = one<std::string>(
        "SELECT value FROM kek_check WHERE id = 1",
        [](const Statement& s) -> Result<std::string> { return s.text(0); }, "no KEK check value");
    if (!stored) return stored.error();
    auto value = crypto::from_hex(*stored);
    return value && crypto::equal_constant_time(*value, *kek_check_);
  }

  // Returns whether the certificate was new.
  Result<bool> insert_certificate(const CertificateRecord& c) {
    auto added = run_counting("INSERT INTO certificates (" + std::string(kCertificateColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                              c.id, c.subject, c.issuer, c.serial, epoch(c.not_before),
                              epoch(c.not_after), c.pem);
    if (!added) return added.error();
    return *added == 1;
  }

  Status insert_key(const KeyRecord& k) {
    if (k.id.empty()) return Error::invalid_input("a key needs a reference");
    return run("INSERT INTO keys (id, location, public_key, created_at) VALUES (?, ?, ?, ?)", k.id,
               k.location, k.public_key, epoch(k.created));
  }

  std::mutex mutex_;
  Connection db_;
  BlobStore blobs_;
  std::optional<SecretBox> box_;
  std::optional<Bytes> kek_check_;  // with the KEK
};

// SQLite creates new files with the process umask; the database holds credentials.
Status create_private_file(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io("cannot create database " + file.string());
  ::close(fd);
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& file, BlobStore blobs,
                                                 std::optional<keys::Kek> kek) {
  Status created = create_private_file(file);
  if (!created) return created.error();
  auto db = Connection::open(file);
  if (!db) return db.error();
  for (const std::string& pragma :
       {"PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs),
        std::string("PRAGMA journal_mode = WAL"), std::string("PRAGMA foreign_keys = ON"),
        // What is deleted or overwritten (a destroyed key share) is zeroed on disk too.
        std::string("PRAGMA secure_delete = ON")}) {
    Status set = db->exec(pragma);
    if (!set) return set.error().with_context(file.string());
  }
  auto store = std::make_unique<SqliteStore>(std::move(*db), std::move(blobs), std::move(kek));
  Status migrated = store->migrate();
  if (!migrated) return migrated.error().with_context(file.string());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace eseal::store
