#include "api/rest/routes.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "api/json.h"
#include "api/report_json.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "render/ofd_render.h"
#include "render/pdf_pixels.h"
#include "service/apps.h"
#include "service/documents.h"
#include "service/filing.h"
#include "service/organizations.h"
#include "service/payload.h"
#include "service/seal_maker.h"
#include "service/seal_registration.h"
#include "service/seal_status.h"
#include "service/sign_jobs.h"
#include "service/tasks.h"
#include "service/verification.h"
#include "ses/seal_type.h"

namespace eseal::api::rest {
namespace {

using rapidjson::Value;

constexpr std::size_t kMaxList = 500;  // rows one list answer carries at most

// No answer of the API is a page: opened directly (an SVG picture, say), it runs nothing.
Response with_api_headers(Response response) {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Content-Security-Policy",
                       "default-src 'none'; sandbox; frame-ancestors 'none'");
  return response;
}

// A whole number of at most 18 digits, nothing else.
std::optional<std::int64_t> whole_number(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

Response error(int status, std::string_view code, std::string_view message) {
  return json_error(status, code, message);
}

// A service's refusal in the API's terms; internal failures say no more than that.
Response refusal(const Error& e) {
  if (e.code == service::seal_code::kStatusChange || e.code == service::console_code::kTaken ||
      e.code == service::seal_code::kRegistered || e.code == service::org_code::kTaken ||
      e.code == service::app_code::kTaken)
    return error(409, "conflict", e.message);
  switch (e.kind) {
    case ErrorKind::kInvalidInput:
    case ErrorKind::kVerificationFailed:  // what was sent does not verify (a seal's maker
                                          // signature)
      return error(400, "invalid_input", e.message);
    case ErrorKind::kNotFound:
      return error(404, "not_found", e.message);
    default:
      return error(500, "internal_error", "the request could not be completed");
  }
}

Response json_body(int status, const std::function<void(JsonWriter&)>& write) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.SetIndent(' ', 1);
  write(w);
  return Response::json(status, std::string(buffer.GetString(), buffer.GetSize()));
}

// {"<key>": [each item as `write` writes it]}; `write` may write nothing for an item.
template <typename Items, typename Write>
Response json_list(const char* key, const Items& items, Write write) {
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key(key);
    w.StartArray();
    for (const auto& item : items) write(w, item);
    w.EndArray();
    w.EndObject();
  });
}

void key_string(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void key_int(JsonWriter& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}
void key_bool(JsonWriter& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}
void key_time(JsonWriter& w, const char* key, std::optional<Time> value) {
  w.Key(key);
  if (value) {
    std::string text = format_utc(*value);
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  } else {
    w.Null();
  }
}

// A JSON request body: an object, sent as application/json (so that no cross-site form can send
// it), read with the doors' checks (api/json.h).
struct Body {
  ParsedJson parsed;
  std::optional<Response> refused;
  const Value& object() const { return *parsed.document; }
};

Body read_body(const Request& request, const JsonLimits& limits) {
  Body body;
  auto type = request.headers.get("Content-Type").value_or("");
  if (!type.starts_with("application/json")) {
    body.refused = error(415, "unsupported_media_type", "send the body as application/json");
    return body;
  }
  body.parsed = parse_json(request.body, limits);
  if (!body.parsed) {
    body.refused =
        error(400, "invalid_json", "the body is not JSON: " + describe(body.parsed.error));
  } else if (!body.parsed.document->IsObject()) {
    body.refused = error(400, "invalid_json", "the body must be a JSON object");
    body.parsed.document.reset();
  }
  return body;
}

// A field's text, or nothing when absent; a present field of another type is refused.
Result<std::optional<std::string>> text_field(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::optional<std::string>{};
  if (!it->value.IsString()) return Error::invalid_input(std::string(name) + " must be a string");
  return std::optional<std::string>{
      std::string(it->value.GetString(), it->value.GetStringLength())};
}
Result<std::string> required_text(const Value& object, const char* name) {
  auto text = text_field(object, name);
  if (!text) return text.error();
  if (!*text || (*text)->empty()) return Error::invalid_input(std::string(name) + " is required");
  return **text;
}
Result<std::optional<double>> number_field(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::optional<double>{};
  if (!it->value.IsNumber() || !std::isfinite(it->value.GetDouble())) {
    return Error::invalid_input(std::string(name) + " must be a number");
  }
  return std::optional<double>{it->value.GetDouble()};
}
Result<std::optional<bool>> bool_field(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::optional<bool>{};
  if (!it->value.IsBool())
    return Error::invalid_input(std::string(name) + " must be true or false");
  return std::optional<bool>{it->value.GetBool()};
}
// A whole number in [low, high], or `fallback` when absent.
Result<int> int_field(const Value& object, const char* name, int fallback, int low, int high) {
  auto number = number_field(object, name);
  if (!number) return number.error();
  if (!*number) return fallback;
  double v = **number;
  if (v != std::floor(v) || v < low || v > high) {
    return Error::invalid_input(std::string(name) + " must be a whole number from " +
                                std::to_string(low) + " to " + std::to_string(high));
  }
  return static_cast<int>(v);
}

// The first of several results that failed, or null.
template <typename... Results>
const Error* first_error(const Results&... results) {
  const Error* found = nullptr;
  ((found = found ? found : (results.ok() ? nullptr : &results.error())), ...);
  return found;
}

std::string hex_digest(crypto::HashAlgorithm algorithm, ByteView data) {
  return crypto::to_hex(crypto::hash(algorithm, data));
}

void write_seal(JsonWriter& w, const store::SealRecord& seal, Time now) {
  w.StartObject();
  key_string(w, "id", seal.id);
  key_string(w, "name", seal.name);
  key_int(w, "type", seal.type);
  auto type = ses::find_seal_type(static_cast<int>(seal.type));
  key_string(w, "typeName", type ? type->name : "");
  key_string(w, "status", store::status_name(seal.effective_status(now)));
  key_string(w, "signer", seal.signer_dn);
  key_string(w, "appId", seal.app_id);
  key_string(w, "organizationId", seal.org_id);
  key_time(w, "validStart", seal.valid_start);
  key_time(w, "validEnd", seal.valid_end);
  key_time(w, "created", seal.created);
  key_time(w, "updated", seal.updated);
  w.EndObject();
}

void write_audit_row(JsonWriter& w, const store::AuditRow& row) {
  w.StartObject();
  key_int(w, "id", row.id);
  key_time(w, "time", row.entry.time);
  key_string(w, "actor", row.entry.actor);
  key_string(w, "operation", row.entry.operation);
  key_string(w, "object", row.entry.object);
  key_string(w, "detail", row.entry.detail);
  key_string(w, "biznum", row.entry.biznum);
  key_string(w, "hash", row.hash);
  w.EndObject();
}

void write_account(JsonWriter& w, const store::ConsoleAccount& a, Time now) {
  w.StartObject();
  key_string(w, "login", a.login);
  key_string(w, "name", a.name);
  key_string(w, "role", a.role);
  key_bool(w, "enabled", a.enabled);
  key_bool(w, "locked", a.locked_until && now <= *a.locked_until);
  key_time(w, "created", a.created);
  key_time(w, "updated", a.updated);
  w.EndObject();
}

void write_document(JsonWriter& w, const store::DocumentRecord& d) {
  w.StartObject();
  key_string(w, "id", d.id);
  key_string(w, "format", store::column_name(d.format));
  key_int(w, "size", d.size);
  key_string(w, "sm3", d.blob_sm3);
  key_string(w, "biznum", d.biznum);
  key_string(w, "appId", d.app_id);
  key_time(w, "created", d.created);
  if (!d.verification_code.empty()) key_string(w, "verificationCode", d.verification_code);
  w.EndObject();
}

// What a verification found, for people and programs: the document's hashes beside every
// signature's report and checks.
void write_verification(JsonWriter& w, ByteView document, const service::VerifySummary& summary) {
  w.StartObject();
  key_string(w, "format", service::format_name(summary.format));
  json_validity(w, summary.outcome);
  key_bool(w, "locked", summary.locked);
  key_int(w, "size", static_cast<std::int64_t>(document.size()));
  key_string(w, "sm3", hex_digest(crypto::HashAlgorithm::kSm3, document));
  key_string(w, "sha256", hex_digest(crypto::HashAlgorithm::kSha256, document));
  w.Key("signatures");
  w.StartArray();
  for (const service::SignatureSummary& s : summary.signatures) {
    w.StartObject();
    key_string(w, "kind", s.kind);
    key_string(w, "name", s.name);
    key_int(w, "page", s.page);
    key_string(w, "reason", s.reason);
    json_value(w, s);
    key_string(w, "picture", s.picture.empty() ? "" : crypto::to_base64(s.picture));
    json_changed_regions(w, s.changed_regions);
    json_checks(w, s.verdict);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

std::string picture_media_type(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (type == "PNG") return "image/png";
  if (type == "JPG" || type == "JPEG") return "image/jpeg";
  if (type == "GIF") return "image/gif";
  if (type == "BMP") return "image/bmp";
  if (type == "SVG") return "image/svg+xml";
  return "application/octet-stream";
}

Result<service::Placement> placement_of(const Value& object) {
  auto it = object.FindMember("placement");
  if (it == object.MemberEnd() || !it->value.IsObject()) {
    return Error::invalid_input(
        "placement is required: {\"type\": \"position\"|\"keyword\"|"
        "\"cross-page\", …}");
  }
  const Value& p = it->value;
  auto type = required_text(p, "type");
  if (!type) return type.error();
  if (*type == "position") {
    auto page = int_field(p, "page", 1, 1, 1'000'000);
    auto x = number_field(p, "xMm");
    auto y = number_field(p, "yMm");
    if (!page) return page.error();
    if (!x) return x.error();
    if (!y) return y.error();
    if (!*x || !*y) return Error::invalid_input("a position needs xMm and yMm");
    return service::Placement{doc::PositionRule{*page - 1, **x, **y}};
  }
  if (*type == "keyword") {
    auto keyword = required_text(p, "keyword");
    if (!keyword) return keyword.error();
    auto which = text_field(p, "which");
    if (!which) return which.error();
    doc::KeywordRule rule;
    rule.keyword = *keyword;
    std::string chosen = which->value_or("first");
    if (chosen == "first") {
      rule.selection.kind = doc::KeywordSelection::Kind::kFirst;
    } else if (chosen == "last") {
      rule.selection.kind = doc::KeywordSelection::Kind::kLast;
    } else if (chosen == "all") {
      rule.selection.kind = doc::KeywordSelection::Kind::kAll;
    } else {
      return Error::invalid_input("which must be first, last or all");
    }
    return service::Placement{std::move(rule)};
  }
  if (*type == "cross-page") {
    doc::CrossPageRule rule;
    auto side = text_field(p, "side");
    auto group = int_field(p, "pagesPerSeal", 10, 2, 1000);
    auto y = number_field(p, "yMm");
    if (!side) return side.error();
    if (!group) return group.error();
    if (!y) return y.error();
    std::string chosen = side->value_or("right");
    if (chosen != "right" && chosen != "left")
      return Error::invalid_input("side must be right or left");
    rule.side =
        chosen == "right" ? doc::CrossPageRule::Side::kRight : doc::CrossPageRule::Side::kLeft;
    rule.group = *group;
    rule.y_mm = *y;
    return service::Placement{rule};
  }
  return Error::invalid_input("placement type must be position, keyword or cross-page");
}

// The request's context once the route's permission is met.
struct Context {
  Request& request;
  Time now;
  std::optional<service::ConsoleSession> session;
  service::Caller caller() const { return session->caller(); }
  std::string actor() const { return caller().actor(); }
};

}  // namespace

class Adapter::Api {
 public:
  Api(Services services, Options options) : s_(services), options_(std::move(options)) {}

  std::vector<RouteInfo> add(Server& server);

 private:
  using Method = Response (Adapter::Api::*)(Context&);
  void route(Server& server, std::string method, std::string path, std::string permission,
             Method handler, RouteOptions options = {});
  Response handle(const std::string& method, const std::string& permission, Method handler,
                  Request& request);

  Response openapi(Context&) { return Response::json(200, std::string(openapi_document())); }

  // Sessions.
  Response sign_in(Context& c);
  Response who(Context& c);
  Response session_answer(const service::ConsoleSession& session, Time now);
  // Whether the session cookie is sent only over HTTPS: when this server has TLS, or when the
  // proxy in front of it says the request came over HTTPS (X-Forwarded-Proto).
  bool secure(const Request& request) const {
    return options_.secure_cookies ||
           request.headers.get("X-Forwarded-Proto").value_or("") == "https";
  }
  Response sign_out(Context& c);
  Response own_password(Context& c);
  // Accounts.
  Response list_accounts(Context& c);
  Response add_account(Context& c);
  Response change_account(Context& c);
  // Seals, certificates, apps.
  Response list_seals(Context& c);
  Response make_seal(Context& c);
  Response register_seal(Context& c);
  Response preview_seal(Context& c);
  Response get_seal(Context& c);
  Response seal_picture(Context& c);
  Response seal_status(Context& c);
  Response seal_history(Context& c);
  Response public_seal(Context& c);
  Response list_certificates(Context& c);
  Response list_apps(Context& c);
  Response add_app(Context& c);
  Response list_organizations(Context& c);
  Response add_organization(Context& c);
  Response list_crls(Context& c);
  Response list_time_stamps(Context& c);
  Response get_time_stamp(Context& c);
  Response rotate_app(Context& c);
  Response update_app(Context& c);
  // Work that waits on someone else; COSS users and their phones.
  Response list_jobs(Context& c);
  Response revoke_job(Context& c);
  Response list_filing(Context& c);
  Response seal_filing(Context& c);
  Response file_seal(Context& c);
  Response list_users(Context& c);
  Response change_user(Context& c);
  Response user_devices(Context& c);
  Result<std::int64_t> offset_of(const Context& c);
  Response task_list(const service::TaskKind& kind, const Context& c,
                     const std::function<void(JsonWriter&, const store::TaskRecord&)>& extra);
  // The audit log.
  Response list_audit(Context& c);
  Response verify_audit(Context& c);
  // Documents.
  Response list_documents(Context& c);
  Response upload_document(Context& c);
  Response get_document(Context& c);
  Response document_content(Context& c);
  Response document_page(Context& c);
  Response stamp_document(Context& c);
  Response lock_document(Context& c);
  Response unlock_document(Context& c);
  Response copy_document(Context& c);
  // A new version of stored document `source` made by `make` (stamped, locked, copied), kept
  // under the first upload's id as its business number. A signing `make` hands on the SM3 of
  // the new version's first bytes (service::sign), so that keeping it hashes only the rest.
  using MakeVersion = std::function<Result<Bytes>(const Bytes&, crypto::HashedPrefix*)>;
  Response new_version(Context& c, const std::string& operation, const MakeVersion& make,
                       const std::string& verification_code = {});
  Response plan_placement(Context& c);
  Response document_verification(Context& c);
  Response verify_upload(Context& c);
  Response verification_page(Context& c);
  Response public_document(Context& c);

  Result<service::SealDesign> design_of(const Value& object, bool for_preview);
  struct SealRequest {
    service::SealInUse seal;
    service::Placement placement;
    std::string reason, location;
    // The verification code to print with the seal, when asked for ("verificationCode": true).
    std::optional<service::NewVerificationCode> code;
    // What prepare_seal and plan_stamps take; it points into `seal`.
    service::SealSignature signature(doc::SignatureFormat format) const;
  };
  Result<SealRequest> seal_request(const Value& object, const Context& c);
  Response verification_of(ByteView document, Time now);
  Result<Bytes> stored_document(const std::string& id, store::DocumentRecord* record = nullptr);
  Response stored_answer(const std::string& id, const std::string& operation);

  Services s_;
  Options options_;
  std::mutex filing_mutex_;  // one filing run at a time: each is a conversation with upstream
  std::vector<RouteInfo> routes_;
};

void Adapter::Api::route(Server& server, std::string method, std::string path,
                         std::string permission, Method handler, RouteOptions options) {
  routes_.push_back({method, path, permission});
  server.route(
      method, path,
      [this, method, permission, handler](Request& request) {
        return with_api_headers(handle(method, permission, handler, request));
      },
      std::move(options));
}

Response Adapter::Api::handle(const std::string& method, const std::string& permission,
                              Method handler, Request& request) {
  Context c{request, now_utc(), std::nullopt};
  if (!permission.empty()) {
    auto token = request.cookie(kSessionCookie);
    if (!token) return error(401, "unauthenticated", "sign in first");
    auto session = s_.console.session(*token, c.now);
    if (!session) {
      if (session.error().kind == ErrorKind::kNotFound) {
        return error(401, "unauthenticated", "the session has ended; sign in again");
      }
      return refusal(session.error());
    }
    if (method != "GET") {
      auto echoed = request.headers.get(kCsrfHeader).value_or("");
      if (!crypto::equal_constant_time(as_bytes(echoed), as_bytes(session->csrf))) {
        return error(403, "csrf", "the request lacks the session's X-CSRF-Token");
      }
    }
    if (permission != "session" && !service::role_allows(session->role, permission)) {
      return error(
          403, "forbidden",
          "the role " + std::string(service::role_name(session->role)) + " may not " + permission);
    }
    c.session = std::move(*session);
  }
  Response response = (this->*handler)(c);
  if (c.session) response.log_fields["actor"] = c.actor();
  return response;
}

std::vector<RouteInfo> Adapter::Api::add(Server& server) {
  const std::uint64_t documents = options_.max_document_bytes;
  RouteOptions upload{.body_limit = documents};
  route(server, "GET", "/api/v1/openapi.json", "", &Adapter::Api::openapi, {.cheap = true});

  route(server, "POST", "/api/v1/session", "", &Adapter::Api::sign_in);
  route(server, "GET", "/api/v1/session", "session", &Adapter::Api::who);
  route(server, "DELETE", "/api/v1/session", "session", &Adapter::Api::sign_out);
  route(server, "PUT", "/api/v1/session/password", "session", &Adapter::Api::own_password);

  route(server, "GET", "/api/v1/accounts", "accounts.read", &Adapter::Api::list_accounts);
  route(server, "POST", "/api/v1/accounts", "accounts.write", &Adapter::Api::add_account);
  route(server, "PATCH", "/api/v1/accounts/{login}", "accounts.write",
        &Adapter::Api::change_account);

  route(server, "GET", "/api/v1/seals", "seals.read", &Adapter::Api::list_seals);
  route(server, "POST", "/api/v1/seals", "seals.write", &Adapter::Api::make_seal);
  route(server, "POST", "/api/v1/seal-previews", "seals.write", &Adapter::Api::preview_seal);
  route(server, "POST", "/api/v1/seal-registrations", "seals.write", &Adapter::Api::register_seal);
  route(server, "GET", "/api/v1/seals/{id}", "seals.read", &Adapter::Api::get_seal);
  route(server, "GET", "/api/v1/seals/{id}/picture", "seals.read", &Adapter::Api::seal_picture);
  route(server, "POST", "/api/v1/seals/{id}/status", "seals.write", &Adapter::Api::seal_status);
  route(server, "GET", "/api/v1/seals/{id}/history", "seals.read", &Adapter::Api::seal_history);
  route(server, "GET", "/api/v1/public/seals/{id}", "", &Adapter::Api::public_seal);
  route(server, "GET", "/api/v1/certificates", "certificates.read",
        &Adapter::Api::list_certificates);
  route(server, "GET", "/api/v1/organizations", "organizations.read",
        &Adapter::Api::list_organizations);
  route(server, "POST", "/api/v1/organizations", "organizations.write",
        &Adapter::Api::add_organization);
  route(server, "GET", "/api/v1/crls", "certificates.read", &Adapter::Api::list_crls);
  route(server, "GET", "/api/v1/time-stamps", "time-stamps.read", &Adapter::Api::list_time_stamps);
  route(server, "GET", "/api/v1/time-stamps/{serial}", "time-stamps.read",
        &Adapter::Api::get_time_stamp);
  route(server, "GET", "/api/v1/apps", "apps.read", &Adapter::Api::list_apps);
  route(server, "POST", "/api/v1/apps", "apps.write", &Adapter::Api::add_app);
  route(server, "POST", "/api/v1/apps/{syscode}/secrets", "apps.write", &Adapter::Api::rotate_app);
  route(server, "PATCH", "/api/v1/apps/{syscode}", "apps.write", &Adapter::Api::update_app);

  route(server, "GET", "/api/v1/jobs", "jobs.read", &Adapter::Api::list_jobs);
  route(server, "POST", "/api/v1/jobs/{id}/revocation", "jobs.write", &Adapter::Api::revoke_job);
  route(server, "GET", "/api/v1/filing/{kind}", "filing.read", &Adapter::Api::list_filing);
  route(server, "GET", "/api/v1/seals/{id}/filing", "filing.read", &Adapter::Api::seal_filing);
  route(server, "POST", "/api/v1/seals/{id}/filing", "filing.write", &Adapter::Api::file_seal);
  route(server, "GET", "/api/v1/users", "users.read", &Adapter::Api::list_users);
  route(server, "PATCH", "/api/v1/users/{id}", "users.write", &Adapter::Api::change_user);
  route(server, "GET", "/api/v1/users/{id}/devices", "users.read", &Adapter::Api::user_devices);
  route(server, "GET", "/api/v1/audit", "audit.read", &Adapter::Api::list_audit);
  route(server, "POST", "/api/v1/audit/verification", "audit.verify", &Adapter::Api::verify_audit);

  route(server, "GET", "/api/v1/documents", "documents.read", &Adapter::Api::list_documents);
  route(server, "POST", "/api/v1/documents", "documents.sign", &Adapter::Api::upload_document,
        upload);
  route(server, "GET", "/api/v1/documents/{id}", "documents.read", &Adapter::Api::get_document);
  route(server, "GET", "/api/v1/documents/{id}/content", "documents.read",
        &Adapter::Api::document_content);
  route(server, "GET", "/api/v1/documents/{id}/pages/{page}", "documents.read",
        &Adapter::Api::document_page);
  route(server, "POST", "/api/v1/documents/{id}/stamp", "documents.sign",
        &Adapter::Api::stamp_document);
  route(server, "POST", "/api/v1/documents/{id}/lock", "documents.sign",
        &Adapter::Api::lock_document);
  route(server, "POST", "/api/v1/documents/{id}/unlock", "documents.sign",
        &Adapter::Api::unlock_document);
  route(server, "POST", "/api/v1/documents/{id}/copies", "documents.sign",
        &Adapter::Api::copy_document);
  route(server, "POST", "/api/v1/documents/{id}/placements", "documents.sign",
        &Adapter::Api::plan_placement);
  route(server, "GET", "/api/v1/documents/{id}/verification", "documents.read",
        &Adapter::Api::document_verification);
  route(server, "POST", "/api/v1/verification", "", &Adapter::Api::verify_upload, upload);
  route(server, "POST", "/api/v1/verification/pages/{page}", "", &Adapter::Api::verification_page,
        upload);
  route(server, "GET", "/api/v1/public/documents/{code}", "", &Adapter::Api::public_document);
  return routes_;
}

// --- sessions ---

Response Adapter::Api::sign_in(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto login = required_text(body.object(), "login");
  auto password = required_text(body.object(), "password");
  if (!login) return refusal(login.error());
  if (!password) return refusal(password.error());
  auto in = s_.console.sign_in(*login, *password, c.request.remote, c.now);
  if (!in) {
    const std::string& code = in.error().code;
    if (code == service::console_code::kBadCredentials) {
      return error(401, "bad_credentials", "登录名或密码不正确");
    }
    if (code == service::console_code::kLocked) {
      return error(423, "account_locked", "连续登录失败次数过多，账号已暂时锁定，请稍后再试");
    }
    if (code == service::console_code::kDisabled) {
      return error(403, "account_disabled", "账号已停用");
    }
    return refusal(in.error());
  }
  Response response = session_answer(in->session, c.now);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(in->session.expires - c.now);
  response.headers.add("Set-Cookie", std::string(kSessionCookie) + "=" + in->token +
                                         "; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=" +
                                         std::to_string(seconds.count()) +
                                         (secure(c.request) ? "; Secure" : ""));
  response.log_fields["actor"] = "console:" + *login;
  return response;
}

Response Adapter::Api::session_answer(const service::ConsoleSession& session, Time now) {
  std::set<std::string> permissions;
  for (const RouteInfo& route : routes_) {
    if (route.permission.empty() || route.permission == "session") continue;
    if (service::role_allows(session.role, route.permission)) permissions.insert(route.permission);
  }
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("account");
    write_account(w, session.account, now);
    key_string(w, "csrf", session.csrf);
    key_time(w, "expires", session.expires);
    json_strings(w, "permissions", {permissions.begin(), permissions.end()});
    w.EndObject();
  });
}

Response Adapter::Api::who(Context& c) {
  return session_answer(*c.session, c.now);
}

Response Adapter::Api::sign_out(Context& c) {
  if (auto s = s_.console.sign_out(*c.session, c.now); !s) return refusal(s.error());
  Response response = Response::json(200, R"({"signedOut":true})");
  response.headers.add("Set-Cookie", std::string(kSessionCookie) +
                                         "=; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=0");
  return response;
}

Response Adapter::Api::own_password(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto current = required_text(body.object(), "current");
  auto replacement = required_text(body.object(), "password");
  if (!current) return refusal(current.error());
  if (!replacement) return refusal(replacement.error());
  auto changed = s_.console.change_password(*c.session, *current, *replacement, c.now);
  if (!changed) {
    if (changed.error().code == service::console_code::kBadCredentials) {
      return error(400, "bad_credentials", "the current password is wrong");
    }
    return refusal(changed.error());
  }
  return Response::json(200, R"({"changed":true})");
}

// --- accounts ---

Response Adapter::Api::list_accounts(Context& c) {
  auto accounts = s_.console.accounts();
  if (!accounts) return refusal(accounts.error());
  return json_list("accounts", *accounts,
                   [&](JsonWriter& w, const auto& a) { write_account(w, a, c.now); });
}

Response Adapter::Api::add_account(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  const Value& o = body.object();
  auto login = required_text(o, "login");
  auto role = required_text(o, "role");
  auto password = required_text(o, "password");
  auto name = text_field(o, "name");
  if (const Error* e = first_error(login, role, password, name)) return refusal(*e);
  auto made = s_.console.create(*login, name->value_or(""), *role, *password, c.actor(), c.now);
  if (!made) return refusal(made.error());
  return json_body(201, [&](JsonWriter& w) { write_account(w, *made, c.now); });
}

Response Adapter::Api::change_account(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  const Value& o = body.object();
  auto role = text_field(o, "role");
  auto name = text_field(o, "name");
  auto password = text_field(o, "password");
  auto enabled = bool_field(o, "enabled");
  if (const Error* e = first_error(role, name, password, enabled)) return refusal(*e);
  std::string login(c.request.param("login"));
  if (login == c.session->account.login &&
      ((enabled->has_value() && !**enabled) || (role->has_value() && **role != "admin"))) {
    return error(409, "conflict", "administrators cannot disable or demote themselves");
  }
  auto changed = s_.console.change(login, {*role, *name, *enabled, *password}, c.actor(), c.now);
  if (!changed) return refusal(changed.error());
  return json_body(200, [&](JsonWriter& w) { write_account(w, *changed, c.now); });
}

// --- seals ---

Response Adapter::Api::list_seals(Context& c) {
  auto seals = s_.store.seals().list();
  if (!seals) return refusal(seals.error());
  auto status = c.request.query_param("status");
  return json_list("seals", *seals, [&](JsonWriter& w, const store::SealRecord& seal) {
    if (!status || store::status_name(seal.effective_status(c.now)) == *status) {
      write_seal(w, seal, c.now);
    }
  });
}

Result<service::SealDesign> Adapter::Api::design_of(const Value& o, bool for_preview) {
  service::SealDesign design;
  auto name = required_text(o, "name");
  if (!name) return name.error();
  design.name = *name;
  auto type = int_field(o, "type", 99, 1, 99);
  if (!type) return type.error();
  design.type = *type;
  for (auto [field, target] :
       {std::pair{"template", &design.template_name}, std::pair{"code", &design.code},
        std::pair{"purpose", &design.purpose}}) {
    auto text = text_field(o, field);
    if (!text) return text.error();
    *target = text->value_or("");
  }
  auto width = int_field(o, "widthMm", 0, 0, 200);
  auto height = int_field(o, "heightMm", 0, 0, 200);
  auto days = int_field(o, "validDays", 1825, 1, 36500);
  if (const Error* e = first_error(width, height, days)) return *e;
  design.width_mm = *width;
  design.height_mm = *height;
  design.valid_days = *days;
  if (!for_preview) {
    auto id = text_field(o, "id");
    if (!id) return id.error();
    design.id = id->value_or("");
  }
  return design;
}

Response Adapter::Api::make_seal(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto design = design_of(body.object(), false);
  if (!design) return refusal(design.error());
  auto signer = required_text(body.object(), "signer");
  if (!signer) return refusal(signer.error());
  auto made = s_.platform.seals.make_and_register(c.caller(), std::move(*design), *signer, c.now);
  if (!made) return refusal(made.error());
  auto record = s_.store.seals().find(made->id);
  if (!record) return refusal(record.error());
  return json_body(201, [&](JsonWriter& w) { write_seal(w, *record, c.now); });
}

// A seal made elsewhere, registered as `eseal seal register` does (service::register_seal):
// `{seal: base64 DER, certificate?: PEM, app?: syscode, creditCode?, keyIndex?}`. Without
// keyIndex its key stays where it is (a USB key, another server) and the platform verifies with
// the seal and keeps its status; with it, the key is that index of the server's crypto device
// ([keys] provider = "sdf"), checked to be the certificate's, and the platform signs with it.
// creditCode registers it to that organization (DB4403).
Response Adapter::Api::register_seal(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  const Value& o = body.object();
  auto encoded = required_text(o, "seal");
  auto pem = text_field(o, "certificate");
  auto syscode = text_field(o, "app");
  auto credit_code = text_field(o, "creditCode");
  auto key_index = int_field(o, "keyIndex", 0, 0, 65535);
  if (const Error* e = first_error(encoded, pem, syscode, credit_code, key_index)) {
    return refusal(*e);
  }
  auto der = crypto::from_base64(*encoded);
  if (!der) return error(400, "invalid_input", "seal must be the SES_Seal's DER in base64");
  service::SealToRegister what;
  auto seal = service::checked_seal(*der, c.now);
  if (!seal) return refusal(seal.error());
  what.seal = std::move(*seal);
  if (*pem) {
    auto cert = pki::Certificate::from_pem(**pem);
    if (!cert) return error(400, "invalid_input", "certificate must be one PEM certificate");
    what.signer = std::move(*cert);
  }
  if (*syscode && !(*syscode)->empty()) {
    auto app = s_.store.apps().find(**syscode);
    if (!app) return refusal(app.error());
    what.app_id = app->id;
    what.note = "; app=" + **syscode;
  }
  if (*credit_code && !(*credit_code)->empty()) {
    auto organizations = s_.store.organizations().list();
    if (!organizations) return refusal(organizations.error());
    for (const auto& org : *organizations) {
      if (org.credit_code == **credit_code) what.org_id = org.id;
    }
    if (what.org_id.empty()) {
      return error(404, "not_found", "no organization with creditCode " + **credit_code);
    }
    what.note += "; org=" + **credit_code;
  }
  Result<store::SealRecord> record = Error::internal("unregistered");
  if (*key_index > 0) {
    if (!s_.device_keys) {
      return error(409, "no_device", "keyIndex needs the server's crypto device ([keys] provider)");
    }
    record = service::register_seal(
        s_.store, what, service::SealDeviceKey{*s_.device_keys, static_cast<unsigned>(*key_index)},
        c.actor(), c.now);
  } else {
    record = service::register_seal(s_.store, what, std::nullopt, c.actor(), c.now);
  }
  if (!record) return refusal(record.error());
  return json_body(201, [&](JsonWriter& w) { write_seal(w, *record, c.now); });
}

Response Adapter::Api::preview_seal(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto design = design_of(body.object(), true);
  if (!design) return refusal(design.error());
  auto svg = service::seal_picture_svg(*design);
  if (!svg) return refusal(svg.error());
  Response response = Response::text(200, std::move(*svg));
  response.content_type = "image/svg+xml";
  return response;
}

Response Adapter::Api::get_seal(Context& c) {
  auto seal = s_.store.seals().find(std::string(c.request.param("id")));
  if (!seal) return refusal(seal.error());
  auto registered = s_.platform.seals.find(seal->id, c.now);
  if (!registered) return refusal(registered.error());
  const ses::SealInfo& info = registered->seal.info;
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("seal");
    write_seal(w, *seal, c.now);
    key_string(w, "pictureType", info.picture.type);
    key_int(w, "widthMm", info.picture.width_mm);
    key_int(w, "heightMm", info.picture.height_mm);
    key_string(w, "version", registered->seal.version == ses::SesVersion::kV4 ? "v4" : "v1");
    key_string(w, "organizationName", registered->organization_name);
    key_string(w, "organizationCode", registered->organization_code);
    key_string(w, "sm3", seal->seal_sm3);
    w.EndObject();
  });
}

Response Adapter::Api::seal_picture(Context& c) {
  auto seal = s_.platform.seals.find(std::string(c.request.param("id")), c.now);
  if (!seal) return refusal(seal.error());
  const ses::SealPicture& picture = seal->seal.info.picture;
  Response response;
  if (picture.type == "ofd") {
    auto renderer = render::OfdRenderer::open(picture.data, options_.render);
    if (!renderer) return refusal(renderer.error());
    auto png = renderer->render_png(0, 300);
    if (!png) return refusal(png.error());
    response.body.assign(png->begin(), png->end());
    response.content_type = "image/png";
  } else {
    response.body.assign(picture.data.begin(), picture.data.end());
    response.content_type = picture_media_type(picture.type);
  }
  return response;
}

Response Adapter::Api::seal_status(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto status = required_text(body.object(), "status");
  auto reason = required_text(body.object(), "reason");
  if (!status) return refusal(status.error());
  if (!reason) return refusal(reason.error());
  auto to = store::parse_seal_status(*status);
  if (!to) return refusal(to.error());
  auto changed = service::change_seal_status(
      s_.store, c.actor(), std::string(c.request.param("id")), *to, *reason, c.now);
  if (!changed) return refusal(changed.error());
  return json_body(200, [&](JsonWriter& w) { write_seal(w, *changed, c.now); });
}

Response Adapter::Api::seal_history(Context& c) {
  std::string id(c.request.param("id"));
  auto seal = s_.store.seals().find(id);
  if (!seal) return refusal(seal.error());
  auto rows = s_.store.audit().query({.object = id, .limit = kMaxList, .newest_first = true});
  if (!rows) return refusal(rows.error());
  return json_list("history", *rows, write_audit_row);
}

// Anyone may ask whether a seal is in force: its name, status and validity, nothing more.
Response Adapter::Api::public_seal(Context& c) {
  auto seal = s_.platform.seals.find(std::string(c.request.param("id")), c.now);
  if (!seal) return refusal(seal.error());
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    key_string(w, "id", seal->id);
    key_string(w, "name", seal->name);
    key_string(w, "status", seal->status);
    key_time(w, "validStart", seal->seal.info.valid_start);
    key_time(w, "validEnd", seal->seal.info.valid_end);
    key_string(w, "organizationName", seal->organization_name);
    w.EndObject();
  });
}

Response Adapter::Api::list_certificates(Context&) {
  auto certificates = s_.store.certificates().list();
  if (!certificates) return refusal(certificates.error());
  return json_list("certificates", *certificates, [](JsonWriter& w, const auto& cert) {
    w.StartObject();
    key_string(w, "id", cert.id);
    key_string(w, "subject", cert.subject);
    key_string(w, "issuer", cert.issuer);
    key_string(w, "serial", cert.serial);
    key_time(w, "notBefore", cert.not_before);
    key_time(w, "notAfter", cert.not_after);
    w.EndObject();
  });
}

namespace {

void write_app(JsonWriter& w, const store::App& app) {
  key_string(w, "id", app.id);
  key_string(w, "syscode", app.syscode);
  key_string(w, "name", app.name);
  key_bool(w, "enabled", app.enabled);
  json_strings(w, "families", service::families_of(app));
  json_strings(w, "scopes", app.scopes);
  if (!app.sz_app_key.empty()) key_string(w, "appKey", app.sz_app_key);
  key_time(w, "created", app.created);
  key_time(w, "rotated", app.rotated);
}

// An app's secrets, the one time they are shown: each family's, as its integrator enters them.
void write_secrets(JsonWriter& w, const store::App& app, const store::AppSecrets& secrets) {
  w.Key("secrets");
  w.StartObject();
  if (!app.cert_pem.empty()) {
    key_string(w, "authcode", secrets.authcode);
    key_string(w, "hmacKey", crypto::to_base64(secrets.hmac_key));
  }
  if (!secrets.secure_code.empty()) key_string(w, "secureCode", secrets.secure_code);
  if (!secrets.sz_app_key.empty()) {
    key_string(w, "systemId", app.syscode);
    key_string(w, "appKey", secrets.sz_app_key);
    key_string(w, "sm4Key", crypto::to_hex(secrets.sz_sm4_key));
    key_string(w, "macKey", crypto::to_base64(secrets.sz_mac_key));
  }
  w.EndObject();
}

}  // namespace

Response Adapter::Api::list_apps(Context&) {
  auto apps = s_.store.apps().list();
  if (!apps) return refusal(apps.error());
  return json_list("apps", *apps, [](JsonWriter& w, const store::App& app) {
    w.StartObject();
    write_app(w, app);
    w.EndObject();
  });
}

// {name, families, syscode, scopes, certificate (PEM; LD/T)}: the app and its secrets, shown
// this once.
Response Adapter::Api::add_app(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  const Value& o = body.object();
  auto name = required_text(o, "name");
  auto syscode = text_field(o, "syscode");
  auto scopes = text_field(o, "scopes");
  auto certificate = text_field(o, "certificate");
  if (const Error* e = first_error(name, syscode, scopes, certificate)) return refusal(*e);
  service::NewApp request{*name, {"ldt"}, syscode->value_or(""), scopes->value_or("*")};
  if (auto it = o.FindMember("families"); it != o.MemberEnd()) {
    if (!it->value.IsArray()) return error(400, "invalid_input", "families must be an array");
    request.families.clear();
    for (const Value& f : it->value.GetArray()) {
      if (!f.IsString()) return error(400, "invalid_input", "families must be strings");
      request.families.emplace_back(f.GetString(), f.GetStringLength());
    }
  }
  if (*certificate && !(*certificate)->empty()) {
    auto cert = pki::Certificate::parse(as_bytes(**certificate));
    if (!cert) return refusal(cert.error().with_context("certificate"));
    request.certificate = std::move(*cert);
  }
  auto added = service::add_app(s_.store, request, c.actor(), c.now);
  if (!added) return refusal(added.error());
  Response response = json_body(201, [&](JsonWriter& w) {
    w.StartObject();
    write_app(w, added->app);
    write_secrets(w, added->app, added->secrets);
    w.EndObject();
  });
  response.headers.set("Location", "/api/v1/apps/" + added->app.syscode);
  return response;
}

// New secrets for every family of the app, shown this once; the old ones stop working.
Response Adapter::Api::rotate_app(Context& c) {
  std::string syscode(c.request.param("syscode"));
  auto secrets = service::rotate_app_secrets(s_.store, syscode, c.actor(), c.now);
  if (!secrets) return refusal(secrets.error());
  auto app = s_.store.apps().find(syscode);
  if (!app) return refusal(app.error());
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    write_app(w, *app);
    write_secrets(w, *app, *secrets);
    w.EndObject();
  });
}

// {enabled}: a disabled app's every call is refused.
Response Adapter::Api::update_app(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto enabled = bool_field(body.object(), "enabled");
  if (!enabled) return refusal(enabled.error());
  if (!*enabled) return error(400, "invalid_input", "enabled is required");
  std::string syscode(c.request.param("syscode"));
  if (auto s = s_.store.apps().set_enabled(
          syscode, **enabled,
          {c.now, c.actor(), **enabled ? "app.enable" : "app.disable", syscode, "", ""});
      !s) {
    return refusal(s.error());
  }
  auto app = s_.store.apps().find(syscode);
  if (!app) return refusal(app.error());
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    write_app(w, *app);
    w.EndObject();
  });
}

// --- organizations, CRLs, time stamps ---

namespace {

void write_organization(JsonWriter& w, const store::Organization& org) {
  w.StartObject();
  key_string(w, "id", org.id);
  key_string(w, "name", org.name);
  key_string(w, "creditCode", org.credit_code);
  key_time(w, "created", org.created);
  w.EndObject();
}

void write_time_stamp(JsonWriter& w, const store::TimeStampRecord& t, bool token) {
  w.StartObject();
  key_string(w, "serial", t.serial);
  key_time(w, "genTime", t.gen_time);
  key_string(w, "hashAlgorithm", t.hash_algorithm);
  key_string(w, "imprint", t.imprint);
  key_string(w, "requester", t.requester);
  if (token) key_string(w, "token", crypto::to_base64(t.token));
  w.EndObject();
}

}  // namespace

Response Adapter::Api::list_organizations(Context&) {
  auto orgs = s_.store.organizations().list();
  if (!orgs) return refusal(orgs.error());
  return json_list("organizations", *orgs, write_organization);
}

// {name, creditCode}: an organization seals and apps may be registered to.
Response Adapter::Api::add_organization(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto name = required_text(body.object(), "name");
  auto code = required_text(body.object(), "creditCode");
  if (const Error* e = first_error(name, code)) return refusal(*e);
  auto org = service::add_organization(s_.store, *name, *code, c.actor(), c.now);
  if (!org) return refusal(org.error());
  return json_body(201, [&](JsonWriter& w) { write_organization(w, *org); });
}

// The certificate revocation lists verification uses.
Response Adapter::Api::list_crls(Context&) {
  ses::TrustPolicy trust = s_.platform.trust.trust();
  return json_list("crls", trust.crls, [](JsonWriter& w, const pki::Crl& crl) {
    w.StartObject();
    key_string(w, "issuer", crl.issuer().to_string());
    key_time(w, "thisUpdate", crl.this_update());
    if (auto next = crl.next_update()) key_time(w, "nextUpdate", *next);
    key_int(w, "number", static_cast<std::int64_t>(crl.number()));
    key_int(w, "revoked", static_cast<std::int64_t>(crl.revoked().size()));
    w.EndObject();
  });
}

// The time stamps the platform's authority issued, newest first (?offset=, 100 a page).
Response Adapter::Api::list_time_stamps(Context& c) {
  auto offset = offset_of(c);
  if (!offset) return refusal(offset.error());
  auto stamps = s_.store.time_stamps().list(*offset, 100);
  if (!stamps) return refusal(stamps.error());
  return json_list("timeStamps", *stamps, [](JsonWriter& w, const store::TimeStampRecord& t) {
    write_time_stamp(w, t, false);
  });
}

// One time stamp with its token (base64 DER), to check a document's time stamp against.
Response Adapter::Api::get_time_stamp(Context& c) {
  auto stamp = s_.store.time_stamps().find(std::string(c.request.param("serial")));
  if (!stamp) return refusal(stamp.error());
  return json_body(200, [&](JsonWriter& w) { write_time_stamp(w, *stamp, true); });
}

// --- work that waits on someone else; COSS users ---

Result<std::int64_t> Adapter::Api::offset_of(const Context& c) {
  auto text = c.request.query_param("offset");
  if (!text) return std::int64_t{0};
  auto value = whole_number(*text);
  if (!value) return Error::invalid_input("offset must be a whole number");
  return *value;
}

// A kind's tasks, newest first, 100 at a time, ?state= narrowing; `extra` adds the kind's own
// fields. Each shows the state it has as of now (past its expiry: the kind's expired state), but
// listing changes nothing: the kind's own service moves it, with what must go with that (a sign
// job's callback), when it is next read or swept.
Response Adapter::Api::task_list(
    const service::TaskKind& kind, const Context& c,
    const std::function<void(JsonWriter&, const store::TaskRecord&)>& extra) {
  auto offset = offset_of(c);
  if (!offset) return refusal(offset.error());
  store::TaskQuery query;
  query.kind = kind.name;
  query.offset = *offset;
  query.limit = 100;
  query.newest_first = true;
  auto wanted = c.request.query_param("state");
  if (wanted) {
    query.states = {*wanted};
    // The expired state also holds the tasks past their expiry that nothing has moved yet.
    if (*wanted == kind.expired) {
      query.states.push_back(kind.initial);
      for (const auto& [from, to] : kind.changes) {
        if (!kind.is_terminal(from)) query.states.push_back(from);
      }
    }
  }
  auto tasks = s_.store.tasks().query(query);
  if (!tasks) return refusal(tasks.error());
  auto state_of = [&](const store::TaskRecord& t) {
    bool lapsed =
        !kind.is_terminal(t.state) && !kind.expired.empty() && t.expires && c.now > *t.expires;
    return lapsed ? kind.expired : t.state;
  };
  std::erase_if(*tasks,
                [&](const store::TaskRecord& t) { return wanted && state_of(t) != *wanted; });
  return json_list("tasks", *tasks, [&](JsonWriter& w, const store::TaskRecord& t) {
    w.StartObject();
    key_string(w, "id", t.id);
    key_string(w, "kind", t.kind);
    key_string(w, "state", state_of(t));
    key_string(w, "appId", t.app_id);
    key_string(w, "subject", t.subject);
    key_time(w, "created", t.created);
    key_time(w, "updated", t.updated);
    key_time(w, "expires", t.expires);
    extra(w, t);
    w.EndObject();
  });
}

// COSS sign jobs, with what the person is asked to sign (never the data itself).
Response Adapter::Api::list_jobs(Context& c) {
  return task_list(service::sign_job_kind(), c, [](JsonWriter& w, const store::TaskRecord& t) {
    key_string(w, "signDataId", service::sign_data_id(t.id));
    auto fields = service::read_fields(t.payload);
    for (const char* name : {"title", "dataType", "algo"}) {
      key_string(w, name, fields ? (*fields)[name] : "");
    }
  });
}

// Staff revoke a job still waiting for its signer, as the business system may (its callback
// goes out as for any revocation); a job that has ended is a conflict.
Response Adapter::Api::revoke_job(Context& c) {
  auto job = s_.jobs.revoke(c.caller(), std::string(c.request.param("id")), c.now);
  if (!job) {
    const std::string& code = job.error().code;
    if (code == service::job_code::kExpired || code == service::job_code::kSigned ||
        code == service::job_code::kRevoked || code == service::job_code::kRefused) {
      return error(409, "conflict", job.error().message);
    }
    return refusal(job.error());
  }
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    key_string(w, "signDataId", job->id);
    key_string(w, "status", job->status);
    w.EndObject();
  });
}

// Filing with the national platform, by kind: seal (the platform's filed seals), run (our seals
// filed upward), code (seal codes allocated), task (upload tasks), unit (units pushed). Their
// payloads hold keys and packages, so only the tasks' states are shown.
Response Adapter::Api::list_filing(Context& c) {
  namespace filing = service::filing;
  static const std::map<std::string, const service::TaskKind& (*)(), std::less<>> kinds = {
      {"seal", &filing::seal_kind},
      {"run", &filing::run_kind},
      {"code", &filing::code_kind},
      {"task", &filing::task_kind},
      {"unit", &filing::unit_kind}};
  auto kind = kinds.find(c.request.param("kind"));
  if (kind == kinds.end()) {
    return error(404, "not_found", "filing kinds: seal, run, code, task, unit");
  }
  return task_list(kind->second(), c, [](JsonWriter&, const store::TaskRecord&) {});
}

namespace {

Response filing_not_configured() {
  return error(503, "filing_not_configured",
               "filing upward needs [filing] credentials and platform_cert in eseal.toml");
}

void write_filing_run(JsonWriter& w, const std::optional<store::TaskRecord>& run) {
  namespace filing = service::filing;
  w.StartObject();
  key_bool(w, "filed", run && run->state != "RUNNING");
  if (run) {
    auto fields = service::read_fields(run->payload);
    auto field = [&](const char* name) { return fields ? (*fields)[name] : std::string(); };
    key_string(w, "state", run->state);
    auto done = static_cast<std::size_t>(std::atoi(field("done").c_str()));
    const auto& steps = filing::FilingRun::steps();
    key_string(w, "lastStep", done >= 1 && done <= steps.size() ? steps[done - 1] : "");
    key_string(w, "sealCode", field("sealCode"));
    key_string(w, "area", field("area"));
    key_time(w, "started", run->created);
    key_time(w, "updated", run->updated);
  }
  w.Key("steps");
  w.StartArray();
  for (const auto& step : filing::FilingRun::steps()) w.String(step.c_str());
  w.EndArray();
  w.EndObject();
}

}  // namespace

// Where one of our seals stands in its filing with the upstream platform.
Response Adapter::Api::seal_filing(Context& c) {
  if (!s_.filing) return filing_not_configured();
  std::string id(c.request.param("id"));
  if (auto seal = s_.store.seals().find(id); !seal) return refusal(seal.error());
  auto run = s_.filing->find(id, c.now);
  if (!run) return refusal(run.error());
  return json_body(200, [&](JsonWriter& w) { write_filing_run(w, *run); });
}

// Files one of our seals with the upstream platform, as `eseal filing run` does: every step,
// resuming after the last one done when sent again. The details are the filing record's
// (LD/T §5.2 GAData): who applied, the maker unit, the using unit.
Response Adapter::Api::file_seal(Context& c) {
  if (!s_.filing) return filing_not_configured();
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  const Value& o = body.object();
  service::filing::FilingRun::Details details;
  details.record.jbr_zjlx = "111";  // a resident identity card
  const std::pair<const char*, std::string*> fields[] = {
      {"area", &details.area},
      {"district", &details.district},
      {"makerCode", &details.maker_code},
      {"makerName", &details.record.yzzzdw_dwmc},
      {"handlerName", &details.record.jbr_xm},
      {"handlerIdType", &details.record.jbr_zjlx},
      {"handlerId", &details.record.jbr_zjhm},
      {"userName", &details.record.yzsydw_dwmc},
      {"userCode", &details.record.yzsydw_tyshxydm}};
  for (const auto& [name, target] : fields) {
    auto text = text_field(o, name);
    if (!text) return refusal(text.error());
    if (*text && !(*text)->empty()) *target = **text;
  }
  std::string id(c.request.param("id"));
  std::lock_guard lock(filing_mutex_);
  auto existing = s_.filing->find(id, c.now);
  if (!existing) return refusal(existing.error());
  if (!*existing && details.area.empty()) {
    return error(400, "invalid_input", "a new filing needs area (applySealCode's areaNumber)");
  }
  std::vector<std::pair<std::string, std::string>> done;
  auto code = s_.filing->run(
      id, details, c.now,
      [&](const std::string& step, const std::string& detail) { done.emplace_back(step, detail); },
      c.actor());
  auto write_done = [&](JsonWriter& w) {
    w.Key("done");
    w.StartArray();
    for (const auto& [step, detail] : done) {
      w.StartObject();
      key_string(w, "step", step);
      key_string(w, "detail", detail);
      w.EndObject();
    }
    w.EndArray();
  };
  if (!code) {
    const Error& e = code.error();
    if (e.kind == ErrorKind::kNotFound || e.kind == ErrorKind::kInvalidInput) return refusal(e);
    return json_body(502, [&](JsonWriter& w) {
      w.StartObject();
      key_string(w, "error", "upstream_failed");
      key_string(w, "message", e.message + " (send it again to resume)");
      write_done(w);
      w.EndObject();
    });
  }
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    key_string(w, "sealCode", *code);
    write_done(w);
    w.EndObject();
  });
}

namespace {

// "138****1234": enough to recognize a number, not to call it.
std::string masked_mobile(const std::string& mobile) {
  if (mobile.size() < 7) return std::string(mobile.size(), '*');
  return mobile.substr(0, 3) + std::string(mobile.size() - 7, '*') +
         mobile.substr(mobile.size() - 4);
}

}  // namespace

Response Adapter::Api::list_users(Context& c) {
  auto offset = offset_of(c);
  if (!offset) return refusal(offset.error());
  auto users = s_.store.coss_users().list(*offset, 100);
  if (!users) return refusal(users.error());
  return json_list("users", *users, [&](JsonWriter& w, const store::CossUser& u) {
    w.StartObject();
    key_string(w, "id", u.id);
    key_string(w, "appId", u.app_id);
    key_string(w, "name", u.name);
    key_string(w, "idType", u.id_type);
    key_string(w, "mobile", masked_mobile(u.mobile));
    key_string(w, "department", u.department);
    key_string(w, "status", u.status);
    key_time(w, "created", u.created);
    w.EndObject();
  });
}

// Staff freeze a COSS user (LOCKED: no new activation, no signing) or thaw one (ACTIVE).
// Deleting a user stays the business system's act; a deleted user is a conflict.
Response Adapter::Api::change_user(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto status = required_text(body.object(), "status");
  if (!status) return refusal(status.error());
  if (*status != "ACTIVE" && *status != "LOCKED") {
    return error(400, "invalid_input", "status must be ACTIVE or LOCKED");
  }
  service::CossUsers::UserChange change;
  change.status = *status;
  auto user = s_.users.update(c.caller(), std::string(c.request.param("id")), change, c.now);
  if (!user) {
    if (user.error().code == service::user_code::kBadStatus) {
      return error(409, "conflict", user.error().message);
    }
    return refusal(user.error());
  }
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    key_string(w, "id", user->id);
    key_string(w, "status", user->status);
    w.EndObject();
  });
}

Response Adapter::Api::user_devices(Context& c) {
  std::string id(c.request.param("id"));
  auto user = s_.store.coss_users().find(id);
  if (!user) return refusal(user.error());
  store::CossKeyQuery query;
  query.user_id = id;
  auto keys = s_.store.coss_keys().query(query);
  if (!keys) return refusal(keys.error());
  return json_list("devices", *keys, [](JsonWriter& w, const store::CossKey& k) {
    w.StartObject();
    key_string(w, "keyId", k.id);
    key_string(w, "deviceId", k.device_id);
    key_string(w, "deviceName", k.device_name);
    key_string(w, "state", k.state);
    key_string(w, "scheme", k.scheme);
    key_bool(w, "certified", !k.certificate.empty());
    key_time(w, "created", k.created);
    key_time(w, "updated", k.updated);
    w.EndObject();
  });
}

// --- the audit log ---

Response Adapter::Api::list_audit(Context& c) {
  store::AuditQuery query;
  query.newest_first = true;
  query.limit = 100;
  auto number = [&](const char* name, std::int64_t& target) -> Status {
    auto text = c.request.query_param(name);
    if (!text) return ok_status();
    auto value = whole_number(*text);
    if (!value) return Error::invalid_input(std::string(name) + " must be a whole number");
    target = *value;
    return ok_status();
  };
  std::int64_t limit = 100;
  Status before = number("before", query.before_id);
  Status limited = number("limit", limit);
  if (const Error* e = first_error(before, limited)) return refusal(*e);
  query.limit = static_cast<std::size_t>(std::clamp<std::int64_t>(limit, 1, kMaxList));
  query.actor = c.request.query_param("actor").value_or("");
  query.operation = c.request.query_param("operation").value_or("");
  query.object = c.request.query_param("object").value_or("");
  auto rows = s_.store.audit().query(query);
  if (!rows) return refusal(rows.error());
  return json_list("rows", *rows, write_audit_row);
}

Response Adapter::Api::verify_audit(Context& c) {
  auto check = s_.store.audit().verify();
  if (!check) return refusal(check.error());
  if (auto s = s_.platform.audit.append(c.actor(), "audit.verify", "audit",
                                        check->first_broken ? "broken" : "intact", c.now);
      !s) {
    return refusal(s.error());
  }
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    key_int(w, "rows", check->rows);
    key_bool(w, "intact", !check->first_broken);
    w.Key("firstBroken");
    if (check->first_broken) {
      w.Int64(*check->first_broken);
    } else {
      w.Null();
    }
    w.EndObject();
  });
}

// --- documents ---

Response Adapter::Api::list_documents(Context& c) {
  auto offset = offset_of(c);
  if (!offset) return refusal(offset.error());
  auto documents = s_.store.documents().list(*offset, 100);
  if (!documents) return refusal(documents.error());
  return json_list("documents", *documents, write_document);
}

Response Adapter::Api::stored_answer(const std::string& id, const std::string& operation) {
  auto record = s_.store.documents().find(id);
  if (!record) return refusal(record.error());
  Response response = json_body(201, [&](JsonWriter& w) { write_document(w, *record); });
  response.headers.set("Location", "/api/v1/documents/" + id);
  response.log_fields["operation"] = operation;
  return response;
}

Response Adapter::Api::upload_document(Context& c) {
  auto format = service::detect_format(as_bytes(c.request.body));
  if (!format) return refusal(format.error());
  auto id = s_.platform.documents.record(c.caller(), "", as_bytes(c.request.body),
                                         "document.upload", c.now);
  if (!id) return refusal(id.error());
  return stored_answer(*id, "document.upload");
}

Result<Bytes> Adapter::Api::stored_document(const std::string& id, store::DocumentRecord* record) {
  auto found = s_.store.documents().find(id);
  if (!found) return found.error();
  if (record) *record = *found;
  return s_.store.blobs().get(found->blob_sm3);
}

Response Adapter::Api::get_document(Context& c) {
  auto record = s_.store.documents().find(std::string(c.request.param("id")));
  if (!record) return refusal(record.error());
  auto pages = [&]() -> Result<std::vector<doc::PageSize>> {
    auto bytes = s_.store.blobs().get(record->blob_sm3);
    if (!bytes) return bytes.error();
    return service::page_sizes(*bytes);
  }();
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("document");
    write_document(w, *record);
    w.Key("pages");
    w.StartArray();
    if (pages) {
      for (const doc::PageSize& page : *pages) {
        w.StartObject();
        w.Key("widthMm");
        w.Double(std::round(page.width_mm * 100) / 100);
        w.Key("heightMm");
        w.Double(std::round(page.height_mm * 100) / 100);
        w.EndObject();
      }
    }
    w.EndArray();
    w.EndObject();
  });
}

Response Adapter::Api::document_content(Context& c) {
  store::DocumentRecord record;
  auto bytes = stored_document(std::string(c.request.param("id")), &record);
  if (!bytes) return refusal(bytes.error());
  Response response;
  response.body.assign(bytes->begin(), bytes->end());
  bool pdf = record.format == store::DocumentFormat::kPdf;
  response.content_type = pdf ? "application/pdf" : "application/ofd";
  response.headers.set("Content-Disposition",
                       "attachment; filename=\"" + record.id + (pdf ? ".pdf\"" : ".ofd\""));
  return response;
}

namespace {

// Page `page` (from 1) of `document` as a PNG at the request's ?dpi= (24 to 300, 96 by
// default): an OFD by the OFD renderer (within `limits`), a PDF by poppler.
Response page_png(ByteView document, std::string_view page_text, const Request& request,
                  const render::RenderOptions& limits) {
  auto format = service::detect_format(document);
  if (!format) return refusal(format.error());
  auto page = whole_number(page_text);
  if (!page || *page < 1 || *page > 1'000'000) {
    return error(400, "invalid_input", "the page is a number from 1");
  }
  double dpi = 96;
  if (auto text = request.query_param("dpi"); text) {
    try {
      dpi = std::clamp(std::stod(*text), 24.0, 300.0);
    } catch (const std::exception&) {
      return error(400, "invalid_input", "dpi must be a number");
    }
  }
  Result<Bytes> png = Error::internal("no renderer");
  if (*format == service::DocumentFormat::kOfd) {
    auto renderer = render::OfdRenderer::open(document, limits);
    if (!renderer) return refusal(renderer.error());
    png = renderer->render_png(static_cast<int>(*page) - 1, dpi);
  } else {
    png = render::pdf_page_png(document, static_cast<int>(*page) - 1, dpi);
  }
  if (!png) return refusal(png.error());
  Response response;
  response.body.assign(png->begin(), png->end());
  response.content_type = "image/png";
  return response;
}

}  // namespace

Response Adapter::Api::document_page(Context& c) {
  auto bytes = stored_document(std::string(c.request.param("id")));
  if (!bytes) return refusal(bytes.error());
  return page_png(*bytes, c.request.param("page"), c.request, options_.render);
}

// A page of a document someone verifies, drawn so that the public page can show on it where
// the document changed after signing; nothing is kept.
Response Adapter::Api::verification_page(Context& c) {
  if (c.request.body.empty()) return error(400, "invalid_input", "send the document as the body");
  return page_png(as_bytes(c.request.body), c.request.param("page"), c.request, options_.render);
}

// {sealId, placement, reason, location, verificationCode}: the seal the caller may use, where it
// goes, and whether a verification code is printed with it.
Result<Adapter::Api::SealRequest> Adapter::Api::seal_request(const Value& o, const Context& c) {
  auto seal_id = required_text(o, "sealId");
  if (!seal_id) return seal_id.error();
  auto placement = placement_of(o);
  if (!placement) return placement.error();
  auto reason = text_field(o, "reason");
  auto location = text_field(o, "location");
  if (const Error* e = first_error(reason, location)) return *e;
  auto with_code = bool_field(o, "verificationCode");
  if (!with_code) return with_code.error();
  auto in_use = s_.platform.seals.usable(*seal_id, c.caller(), c.now);
  if (!in_use) return in_use.error();
  SealRequest request{std::move(*in_use), std::move(*placement), reason->value_or(""),
                      location->value_or(""), std::nullopt};
  if (with_code->value_or(false)) {
    auto code = service::new_verification_code(
        options_.public_url.empty() ? request_origin(c.request) : options_.public_url);
    if (!code) return code.error();
    request.code = std::move(*code);
  }
  return request;
}

service::SealSignature Adapter::Api::SealRequest::signature(doc::SignatureFormat format) const {
  service::SealSignature signature{{placement}, &seal.seal.seal, format, reason, location};
  if (code) signature.code = service::VerificationCode{code->url};
  return signature;
}

Response Adapter::Api::plan_placement(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto document = stored_document(std::string(c.request.param("id")));
  if (!document) return refusal(document.error());
  auto request = seal_request(body.object(), c);
  if (!request) return refusal(request.error());
  auto stamps = service::plan_stamps(*document, request->signature(options_.signing.pdf_format),
                                     options_.signing.limits);
  if (!stamps) return refusal(stamps.error());
  auto rect = [](JsonWriter& w, const char* key, const doc::RectMm& r) {
    w.Key(key);
    w.StartObject();
    for (auto [name, value] : {std::pair{"xMm", r.x}, std::pair{"yMm", r.y},
                               std::pair{"widthMm", r.width}, std::pair{"heightMm", r.height}}) {
      w.Key(name);
      w.Double(std::round(value * 100) / 100);
    }
    w.EndObject();
  };
  return json_list("stamps", *stamps, [&](JsonWriter& w, const doc::Stamp& stamp) {
    w.StartObject();
    key_int(w, "page", stamp.page + 1);
    rect(w, "visible", stamp.visible);
    rect(w, "picture", stamp.picture);
    w.EndObject();
  });
}

Response Adapter::Api::new_version(Context& c, const std::string& operation,
                                   const MakeVersion& make, const std::string& verification_code) {
  store::DocumentRecord source;
  auto document = stored_document(std::string(c.request.param("id")), &source);
  if (!document) return refusal(document.error());
  crypto::HashedPrefix sm3_prefix;
  auto made = make(*document, &sm3_prefix);
  if (!made) return refusal(made.error());
  // The versions of one document share the first upload's id as their business number.
  std::string biznum = source.biznum.empty() ? source.id : source.biznum;
  auto id = s_.platform.documents.record(c.caller(), biznum, *made, operation, c.now,
                                         verification_code, {}, sm3_prefix);
  if (!id) return refusal(id.error());
  return stored_answer(*id, operation);
}

Response Adapter::Api::stamp_document(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto request = seal_request(body.object(), c);
  if (!request) return refusal(request.error());
  const service::SigningSettings& settings = options_.signing;
  keys::Signer& signer = *request->seal.signer;
  return new_version(
      c, "document.stamp",
      [&](const Bytes& document, crypto::HashedPrefix* sm3_prefix) {
        return service::sign(
            service::prepare_seal(document, request->signature(settings.pdf_format),
                                  signer.certificate(), c.now, settings.limits),
            signer, settings.stamper(c.actor(), c.now), sm3_prefix);
      },
      request->code ? request->code->code : std::string());
}

// The licence lock signature (锁定签名) of an OFD, by the platform's lock signer: nothing may
// be added after it.
Response Adapter::Api::lock_document(Context& c) {
  auto signer = s_.platform.seals.lock_signer(std::nullopt, c.now);
  if (!signer) return refusal(signer.error());
  return new_version(c, "document.lock", [&](const Bytes& document, crypto::HashedPrefix* prefix) {
    return service::sign(service::prepare_lock(document, (*signer)->certificate(), c.now), **signer,
                         options_.signing.stamper(c.actor(), c.now), prefix);
  });
}

// An OFD's lock signature removed, so that it takes seals again (LD/T delLockSign).
Response Adapter::Api::unlock_document(Context& c) {
  return new_version(c, "document.unlock", [&](const Bytes& document, crypto::HashedPrefix*) {
    return service::remove_lock(document, c.now);
  });
}

// {cause, years}: a certified copy (加注件) of an OFD made by the signed-in person, watermarked
// with what it may be used for and until when, closed by the platform's lock signature.
Response Adapter::Api::copy_document(Context& c) {
  Body body = read_body(c.request, options_.json);
  if (body.refused) return *body.refused;
  auto cause = required_text(body.object(), "cause");
  auto years = int_field(body.object(), "years", 1, 1, 100);
  if (const Error* e = first_error(cause, years)) return refusal(*e);
  auto signer = s_.platform.seals.lock_signer(std::nullopt, c.now);
  if (!signer) return refusal(signer.error());
  std::string creator =
      c.session->account.name.empty() ? c.session->account.login : c.session->account.name;
  return new_version(c, "document.copy", [&](const Bytes& document, crypto::HashedPrefix* prefix) {
    return service::sign(service::prepare_certified_copy(document, {creator, *cause, *years},
                                                         (*signer)->certificate(), c.now),
                         **signer, options_.signing.stamper(c.actor(), c.now), prefix);
  });
}

Response Adapter::Api::verification_of(ByteView document, Time now) {
  auto summary = service::verify(document, s_.platform.trust.trust(), now);
  if (!summary) return refusal(summary.error());
  return json_body(200, [&](JsonWriter& w) { write_verification(w, document, *summary); });
}

Response Adapter::Api::document_verification(Context& c) {
  auto bytes = stored_document(std::string(c.request.param("id")));
  if (!bytes) return refusal(bytes.error());
  return verification_of(*bytes, c.now);
}

// What anyone holding a document with a verification code may learn of its record: that it
// exists, when it was signed, and its hashes, to compare with the file they hold.
Response Adapter::Api::public_document(Context& c) {
  std::string code(c.request.param("code"));
  if (!service::is_verification_code(code))
    return error(404, "not_found", "no document has this verification code");
  auto record = s_.store.documents().find_by_code(code);
  if (!record) {
    if (record.error().kind == ErrorKind::kNotFound)
      return error(404, "not_found", "no document has this verification code");
    return refusal(record.error());
  }
  // The blob is named by its SM3; the SHA-256 is kept with the record (computed here for
  // documents archived before it was).
  std::string sha256 = record->sha256;
  if (sha256.empty()) {
    auto bytes = s_.store.blobs().get(record->blob_sm3);
    if (!bytes) return refusal(bytes.error());
    sha256 = hex_digest(crypto::HashAlgorithm::kSha256, *bytes);
  }
  return json_body(200, [&](JsonWriter& w) {
    w.StartObject();
    key_string(w, "verificationCode", code);
    key_string(w, "format", store::column_name(record->format));
    key_int(w, "size", record->size);
    key_time(w, "signed", record->created);
    key_string(w, "sm3", record->blob_sm3);
    key_string(w, "sha256", sha256);
    w.EndObject();
  });
}

Response Adapter::Api::verify_upload(Context& c) {
  if (c.request.body.empty()) return error(400, "invalid_input", "send the document as the body");
  return verification_of(as_bytes(c.request.body), c.now);
}

service::ConsoleSettings console_settings(const Config& config) {
  service::ConsoleSettings settings;
  settings.kdf_memory_kib = static_cast<std::uint32_t>(config.console.kdf_memory_kib);
  settings.kdf_passes = static_cast<std::uint32_t>(config.console.kdf_passes);
  settings.lockout_failures = static_cast<int>(config.console.lockout_failures);
  settings.lockout = std::chrono::minutes(config.console.lockout_minutes);
  settings.session = std::chrono::hours(config.console.session_hours);
  return settings;
}

Adapter::Adapter(Services services, Options options)
    : api_(std::make_unique<Api>(services, std::move(options))) {}

Adapter::~Adapter() = default;

std::vector<RouteInfo> Adapter::add_routes(Server& server) {
  return api_->add(server);
}

}  // namespace eseal::api::rest
