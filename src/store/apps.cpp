// Organizations and apps, with the apps' sealed credentials.
#include "crypto/encoding.h"
#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::OrNull;
using sql::Row;
using sql::Session;

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
    "CASE WHEN secure_code_sealed <> '' THEN 1 ELSE 0 END, sz_app_key";

Result<App> read_app(const Row& s) {
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

Result<Organization> read_organization(const Row& s) {
  return Organization{s.text(0), s.text(1), s.text(2), from_epoch(s.integer(3))};
}

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

// A secureCode sealed for the row of app `app_id`, as stored; "" for none.
Result<std::string> seal_secure_code(const SecretBox& box, const std::string& app_id,
                                     const std::string& code) {
  if (code.empty()) return std::string();
  auto sealed = box.seal(secure_code_context(app_id), as_bytes(code));
  if (!sealed) return sealed.error();
  return crypto::to_base64(*sealed);
}

// The DB4403 SM4 key ‖ MAC key sealed for the row of app `app_id`, as stored; "" for an app
// without an appKey.
Result<std::string> seal_sz_keys(const SecretBox& box, const std::string& app_id,
                                 const AppSecrets& secrets) {
  if (secrets.sz_app_key.empty()) {
    if (secrets.sz_sm4_key.empty() && secrets.sz_mac_key.empty()) return std::string();
    return Error::invalid_input("DB4403 keys need an appKey");
  }
  if (secrets.sz_sm4_key.size() != kSzSm4KeySize || secrets.sz_mac_key.size() != kSzMacKeySize) {
    return Error::invalid_input("a DB4403 SM4 key is 16 bytes and a MAC key 32");
  }
  crypto::SecureBytes keys = secrets.sz_sm4_key;
  keys.insert(keys.end(), secrets.sz_mac_key.begin(), secrets.sz_mac_key.end());
  auto sealed = box.seal(sz_keys_context(app_id), keys);
  if (!sealed) return sealed.error();
  return crypto::to_base64(*sealed);
}

// Inside a write transaction: kInvalidInput when an app other than `app_id` has this DB4403
// appKey (the index would refuse it too, in the database's words).
Status sz_app_key_free(Session& s, const std::string& app_key, const std::string& app_id) {
  if (app_key.empty()) return ok_status();
  auto taken = s.exists("SELECT 1 FROM apps WHERE sz_app_key = ? AND id <> ?", app_key, app_id);
  if (!taken) return taken.error();
  if (*taken) return Error::invalid_input("DB4403 appKey " + app_key + " is already taken");
  return ok_status();
}

}  // namespace

std::string app_hmac_context(const std::string& app_id) {
  return hmac_context(app_id);
}

Status Organizations::add(const Organization& org, const AuditEntry& audit) {
  if (org.id.empty()) return Error::invalid_input("an organization needs an id");
  return c_.write(audit, [&](Session& s) {
    return s.run(
        "INSERT INTO organizations (id, name, credit_code, created_at) VALUES (?, ?, ?, ?)", org.id,
        org.name, OrNull{org.credit_code}, epoch(org.created));
  });
}

Result<Organization> Organizations::find(const std::string& id) {
  return c_.db.read([&](Session& s) {
    return s.one<Organization>(
        "SELECT id, name, credit_code, created_at FROM organizations WHERE id = ?",
        read_organization, "no organization " + id, id);
  });
}

Result<std::vector<Organization>> Organizations::list() {
  return c_.db.read([&](Session& s) {
    return s.all<Organization>(
        "SELECT id, name, credit_code, created_at FROM organizations ORDER BY name, id",
        read_organization);
  });
}

Status Apps::add(const App& app, const AppSecrets& secrets, const AuditEntry& audit) {
  auto box = c_.secrets();
  if (!box) return box.error();
  if (app.id.empty() || app.syscode.empty()) {
    return Error::invalid_input("an app needs an id and a syscode");
  }
  auto hash = hash_authcode(secrets.authcode);
  if (!hash) return hash.error();
  auto sealed = (*box)->seal(hmac_context(app.id), secrets.hmac_key);
  if (!sealed) return sealed.error();
  auto secure_code = seal_secure_code(**box, app.id, secrets.secure_code);
  if (!secure_code) return secure_code.error();
  auto sz_keys = seal_sz_keys(**box, app.id, secrets);
  if (!sz_keys) return sz_keys.error();
  return c_.write(audit, [&](Session& s) -> Status {
    auto taken = s.exists("SELECT 1 FROM apps WHERE syscode = ?", app.syscode);
    if (!taken) return taken.error();
    if (*taken) return Error::invalid_input("syscode " + app.syscode + " is already taken");
    Status available = sz_app_key_free(s, secrets.sz_app_key, app.id);
    if (!available) return available;
    return s.run(
        "INSERT INTO apps (id, syscode, name, org_id, authcode_hash, hmac_key_sealed, cert_pem, "
        "scopes, enabled, created_at, rotated_at, secure_code_sealed, sz_app_key, "
        "sz_keys_sealed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        app.id, app.syscode, app.name, OrNull{app.org_id}, *hash, crypto::to_base64(*sealed),
        app.cert_pem, join_scopes(app.scopes), flag(app.enabled), epoch(app.created),
        epoch(app.rotated), *secure_code, secrets.sz_app_key, *sz_keys);
  });
}

Result<App> Apps::find(const std::string& syscode) {
  return c_.db.read([&](Session& s) {
    return s.one<App>("SELECT " + std::string(kAppColumns) + " FROM apps WHERE syscode = ?",
                      read_app, "no app with syscode " + syscode, syscode);
  });
}

Result<std::vector<App>> Apps::list() {
  return c_.db.read([&](Session& s) {
    return s.all<App>("SELECT " + std::string(kAppColumns) + " FROM apps ORDER BY created_at, id",
                      read_app);
  });
}

Result<crypto::SecureBytes> Apps::hmac_key(const std::string& syscode) {
  return open_secret(syscode, "hmac_key_sealed", "HMAC key", hmac_context);
}

Result<crypto::SecureBytes> Apps::secure_code(const std::string& syscode) {
  return open_secret(syscode, "secure_code_sealed", "COSS secureCode", secure_code_context);
}

Result<App> Apps::find_by_sz_key(const std::string& app_key) {
  // '' is every app without DB4403 credentials, not a key.
  if (app_key.empty()) return Error::not_found("no app with an empty DB4403 appKey");
  return c_.db.read([&](Session& s) {
    return s.one<App>("SELECT " + std::string(kAppColumns) + " FROM apps WHERE sz_app_key = ?",
                      read_app, "no app with DB4403 appKey " + app_key, app_key);
  });
}

Result<std::pair<crypto::SecureBytes, crypto::SecureBytes>> Apps::sz_keys(
    const std::string& syscode) {
  auto keys = open_secret(syscode, "sz_keys_sealed", "DB4403 keys", sz_keys_context);
  if (!keys) return keys.error();
  if (keys->size() != kSzSm4KeySize + kSzMacKeySize) {
    return Error::internal("app " + syscode + ": the stored DB4403 keys are not 48 bytes");
  }
  auto middle = keys->begin() + kSzSm4KeySize;
  return std::pair{crypto::SecureBytes(keys->begin(), middle),
                   crypto::SecureBytes(middle, keys->end())};
}

Status Apps::rotate_secrets(const std::string& syscode, const AppSecrets& secrets, Time now,
                            const AuditEntry& audit) {
  auto box = c_.secrets();
  if (!box) return box.error();
  auto hash = hash_authcode(secrets.authcode);
  if (!hash) return hash.error();
  return c_.write(audit, [&](Session& s) -> Status {
    auto id = s.one<std::string>("SELECT id FROM apps WHERE syscode = ?", first_text,
                                 "no app with syscode " + syscode, syscode);
    if (!id) return id.error();
    auto sealed = (*box)->seal(hmac_context(*id), secrets.hmac_key);
    if (!sealed) return sealed.error();
    if (!secrets.secure_code.empty()) {
      auto secure_code = seal_secure_code(**box, *id, secrets.secure_code);
      if (!secure_code) return secure_code.error();
      Status set = s.run("UPDATE apps SET secure_code_sealed = ? WHERE id = ?", *secure_code, *id);
      if (!set) return set;
    }
    auto sz_keys = seal_sz_keys(**box, *id, secrets);
    if (!sz_keys) return sz_keys.error();
    if (!sz_keys->empty()) {
      Status available = sz_app_key_free(s, secrets.sz_app_key, *id);
      if (!available) return available;
      Status set = s.run("UPDATE apps SET sz_app_key = ?, sz_keys_sealed = ? WHERE id = ?",
                         secrets.sz_app_key, *sz_keys, *id);
      if (!set) return set;
    }
    return s.run(
        "UPDATE apps SET authcode_hash = ?, hmac_key_sealed = ?, rotated_at = ? WHERE id = ?",
        *hash, crypto::to_base64(*sealed), epoch(now), *id);
  });
}

Status Apps::set_enabled(const std::string& syscode, bool enabled, const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    auto changed =
        s.run_counting("UPDATE apps SET enabled = ? WHERE syscode = ?", flag(enabled), syscode);
    if (!changed) return changed.error();
    if (*changed == 0) return Error::not_found("no app with syscode " + syscode);
    return ok_status();
  });
}

Result<crypto::SecureBytes> Apps::open_secret(const std::string& syscode, const char* column,
                                              const char* what,
                                              std::string (*context)(const std::string&)) {
  auto box = c_.secrets();
  if (!box) return box.error();
  struct Sealed {
    std::string id, value;
  };
  auto sealed = c_.db.read([&](Session& s) {
    return s.one<Sealed>(
        "SELECT id, " + std::string(column) + " FROM apps WHERE syscode = ?",
        [](const Row& r) -> Result<Sealed> {
          return Sealed{r.text(0), r.text(1)};
        },
        "no app with syscode " + syscode, syscode);
  });
  if (!sealed) return sealed.error();
  if (sealed->value.empty()) return Error::not_found("app " + syscode + " has no " + what);
  auto raw = crypto::from_base64(sealed->value);
  if (!raw) return Error::internal("app " + syscode + ": stored " + what + " is not base64");
  auto secret = (*box)->open(context(sealed->id), *raw);
  if (!secret) return secret.error().with_context("app " + syscode);
  return secret;
}

}  // namespace eseal::store
