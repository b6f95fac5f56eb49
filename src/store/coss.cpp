// COSS users, their two-party keys, and escrowed shares, with the secrets sealed under the KEK.
#include <algorithm>

#include "crypto/encoding.h"
#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::Row;
using sql::Session;

constexpr std::string_view kCossUserColumns =
    "id, app_id, name, id_type, mobile, department, unique_id, sign_image, require_cert, status, "
    "created_at, updated_at";

Result<CossUser> read_coss_user(const Row& s) {
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

Result<CossKey> read_coss_key(const Row& s) {
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

// A sealed value read by `sql` (one column, one parameter), opened under `context`.
Result<crypto::SecureBytes> open_sealed(Context& c, const std::string& sql, const std::string& id,
                                        const std::string& context, const std::string& missing) {
  auto box = c.secrets();
  if (!box) return box.error();
  auto sealed =
      c.db.read([&](Session& s) { return s.one<std::string>(sql, first_text, missing, id); });
  if (!sealed) return sealed.error();
  if (sealed->empty()) return Error::not_found(missing + " (destroyed)");
  auto raw = crypto::from_base64(*sealed);
  if (!raw) return Error::internal(id + ": a stored secret is not base64");
  auto plain = (*box)->open(context, *raw);
  if (!plain) return plain.error().with_context(id);
  return plain;
}

}  // namespace

Status CossUsers::add(const CossUser& u, std::string_view id_number, const AuditEntry& audit) {
  auto box = c_.secrets();
  if (!box) return box.error();
  if (u.id.empty() || u.app_id.empty()) return Error::invalid_input("a user needs an id and app");
  auto sealed = (*box)->seal(id_number_context(u.id), as_bytes(id_number));
  if (!sealed) return sealed.error();
  std::string index = id_number_index(**box, u.app_id, u.id_type, id_number);
  return c_.write(audit, [&](Session& s) -> Status {
    auto taken = s.exists("SELECT 1 FROM coss_users WHERE app_id = ? AND id_number_index = ?",
                          u.app_id, index);
    if (!taken) return taken.error();
    if (*taken) {
      return Error::invalid_input("a user with this id number exists")
          .with_code(kCossIdentityTaken);
    }
    if (!u.unique_id.empty()) {
      auto unique = s.exists("SELECT 1 FROM coss_users WHERE app_id = ? AND unique_id = ?",
                             u.app_id, u.unique_id);
      if (!unique) return unique.error();
      if (*unique) {
        return Error::invalid_input("a user with unique id " + u.unique_id + " exists")
            .with_code(kCossUniqueIdTaken);
      }
    }
    return s.run(
        "INSERT INTO coss_users (id, app_id, name, id_type, id_number_sealed, "
        "id_number_index, mobile, department, unique_id, sign_image, require_cert, "
        "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        u.id, u.app_id, u.name, u.id_type, crypto::to_base64(*sealed), index, u.mobile,
        u.department, u.unique_id, u.sign_image, flag(u.require_cert), u.status, epoch(u.created),
        epoch(u.updated));
  });
}

Result<std::vector<CossUser>> CossUsers::list(std::int64_t offset, std::int64_t limit) {
  return c_.db.read([&](Session& s) {
    return s.all<CossUser>(
        "SELECT " + std::string(kCossUserColumns) +
            " FROM coss_users ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        read_coss_user, limit, offset);
  });
}

Result<CossUser> CossUsers::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<CossUser>(
        "SELECT " + std::string(kCossUserColumns) + " FROM coss_users WHERE id = ?", read_coss_user,
        "no user " + id, id);
  });
}

Result<CossUser> CossUsers::find_by_identity(const std::string& app_id, const std::string& id_type,
                                             std::string_view id_number) {
  auto box = c_.secrets();
  if (!box) return box.error();
  std::string index = id_number_index(**box, app_id, id_type, id_number);
  return c_.db.read([&](Session& s) {
    return s.one<CossUser>("SELECT " + std::string(kCossUserColumns) +
                               " FROM coss_users WHERE app_id = ? AND id_number_index = ?",
                           read_coss_user, "no user with this id number", app_id, index);
  });
}

Result<CossUser> CossUsers::find_by_unique_id(const std::string& app_id,
                                              const std::string& unique_id) {
  return c_.db.read([&](Session& s) {
    return s.one<CossUser>("SELECT " + std::string(kCossUserColumns) +
                               " FROM coss_users WHERE app_id = ? AND unique_id = ? AND "
                               "unique_id <> ''",
                           read_coss_user, "no user with unique id " + unique_id, app_id,
                           unique_id);
  });
}

Result<std::vector<CossUser>> CossUsers::find_by_mobile(const std::string& app_id,
                                                        const std::string& mobile) {
  return c_.db.read([&](Session& s) {
    return s.all<CossUser>("SELECT " + std::string(kCossUserColumns) +
                               " FROM coss_users WHERE app_id = ? AND mobile = ? ORDER BY id",
                           read_coss_user, app_id, mobile);
  });
}

Result<std::string> CossUsers::id_number(const std::string& id) {
  auto plain = open_sealed(c_, "SELECT id_number_sealed FROM coss_users WHERE id = ?", id,
                           id_number_context(id), "no user " + id);
  if (!plain) return plain.error();
  return std::string(plain->begin(), plain->end());
}

Status CossUsers::update(const CossUser& u, Time now, const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    if (!u.unique_id.empty()) {
      auto unique =
          s.exists("SELECT 1 FROM coss_users WHERE app_id = ? AND unique_id = ? AND id <> ?",
                   u.app_id, u.unique_id, u.id);
      if (!unique) return unique.error();
      if (*unique) {
        return Error::invalid_input("a user with unique id " + u.unique_id + " exists")
            .with_code(kCossUniqueIdTaken);
      }
    }
    auto changed = s.run_counting(
        "UPDATE coss_users SET name = ?, mobile = ?, department = ?, unique_id = ?, "
        "sign_image = ?, require_cert = ?, status = ?, updated_at = ? WHERE id = ?",
        u.name, u.mobile, u.department, u.unique_id, u.sign_image, flag(u.require_cert), u.status,
        epoch(now), u.id);
    if (!changed) return changed.error();
    if (*changed == 0) return Error::not_found("no user " + u.id);
    return ok_status();
  });
}

Status CossKeys::add(const CossKey& k, ByteView d2, const AuditEntry& audit) {
  auto box = c_.secrets();
  if (!box) return box.error();
  if (k.id.empty() || k.user_id.empty()) return Error::invalid_input("a key needs an id and user");
  auto sealed = (*box)->seal(key_share_context(k.id), d2);
  if (!sealed) return sealed.error();
  return c_.write(audit, [&](Session& s) {
    return s.run("INSERT INTO coss_keys (" + std::string(kCossKeyColumns) +
                     ", share_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 k.id, k.user_id, k.app_id, k.device_id, k.device_name,
                 crypto::to_base64(k.device_key), crypto::to_base64(k.public_key), k.scheme,
                 k.state, crypto::to_base64(k.certificate), k.failures, epoch(k.created),
                 epoch(k.updated), crypto::to_base64(*sealed));
  });
}

Result<CossKey> CossKeys::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<CossKey>("SELECT " + std::string(kCossKeyColumns) + " FROM coss_keys WHERE id = ?",
                          read_coss_key, "no key " + id, id);
  });
}

Result<std::vector<CossKey>> CossKeys::query(const CossKeyQuery& q) {
  std::string sql = "SELECT " + std::string(kCossKeyColumns) +
                    " FROM coss_keys WHERE (? = '' OR user_id = ?) AND (? = 0 OR created_at < ?)";
  if (!q.states.empty()) sql += " AND state IN (" + sql::placeholders(q.states.size()) + ")";
  sql += " ORDER BY created_at, id";
  std::int64_t before = epoch_or_zero(q.created_before);
  return c_.db.read([&](Session& s) {
    return s.all<CossKey>(sql, read_coss_key, q.user_id, q.user_id, before, before, q.states);
  });
}

Result<crypto::SecureBytes> CossKeys::share(const std::string& id) {
  return open_sealed(c_, "SELECT share_sealed FROM coss_keys WHERE id = ?", id,
                     key_share_context(id), "no server share of key " + id);
}

Status CossKeys::change(const CossKey& k, const std::vector<std::string>& from, bool destroy_share,
                        Time now, const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    auto current = s.one<std::string>("SELECT state FROM coss_keys WHERE id = ?", first_text,
                                      "no key " + k.id, k.id);
    if (!current) return current.error();
    if (std::find(from.begin(), from.end(), *current) == from.end()) {
      return Error::invalid_input("key " + k.id + " is " + *current + ", not " + listed(from))
          .with_code(kTaskStateChanged);
    }
    Status changed = s.run(
        "UPDATE coss_keys SET state = ?, certificate = ?, device_name = ?, failures = ?, "
        "updated_at = ? WHERE id = ?",
        k.state, crypto::to_base64(k.certificate), k.device_name, k.failures, epoch(now), k.id);
    if (!changed || !destroy_share) return changed;
    return s.run("UPDATE coss_keys SET share_sealed = '' WHERE id = ?", k.id);
  });
}

Status CossKeys::add_escrow(const std::string& grant_id, const std::string& key_id, ByteView share,
                            Time now, const AuditEntry& audit) {
  auto box = c_.secrets();
  if (!box) return box.error();
  auto sealed = (*box)->seal(escrow_context(grant_id), share);
  if (!sealed) return sealed.error();
  return c_.write(audit, [&](Session& s) -> Status {
    auto taken = s.exists("SELECT 1 FROM coss_escrows WHERE grant_id = ?", grant_id);
    if (!taken) return taken.error();
    if (*taken) return Error::invalid_input("grant " + grant_id + " already holds a share");
    return s.run(
        "INSERT INTO coss_escrows (grant_id, key_id, share_sealed, created_at) "
        "VALUES (?, ?, ?, ?)",
        grant_id, key_id, crypto::to_base64(*sealed), epoch(now));
  });
}

Result<crypto::SecureBytes> CossKeys::escrow_share(const std::string& grant_id) {
  return open_sealed(c_, "SELECT share_sealed FROM coss_escrows WHERE grant_id = ?", grant_id,
                     escrow_context(grant_id), "no escrowed share for grant " + grant_id);
}

Status CossKeys::destroy_escrow(const std::string& grant_id, const AuditEntry& audit) {
  return c_.db.write([&](Session& s) -> Status {
    auto deleted = s.run_counting("DELETE FROM coss_escrows WHERE grant_id = ?", grant_id);
    if (!deleted) return deleted.error();
    if (*deleted == 0) return ok_status();
    auto row = append_audit_row(s, audit);
    if (!row) return row.error();
    return ok_status();
  });
}

Result<std::vector<std::string>> CossKeys::escrow_grants() {
  return c_.db.read([&](Session& s) {
    return s.all<std::string>("SELECT grant_id FROM coss_escrows ORDER BY created_at", first_text);
  });
}

}  // namespace eseal::store
