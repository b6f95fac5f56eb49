#include "api/coss/routes.h"

#include <rapidjson/document.h>

#include <map>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/json_text.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;
namespace user_code = service::user_code;

// COSS bodies are JSON with at most a 1 MiB picture or data field in base64.
constexpr std::size_t kBodyLimit = 2 * 1024 * 1024;

// The chapter-4 code and the particulars for a user refusal of the service.
struct Wording {
  int code;
  std::string_view detail;  // "" when the code's message says it all
};
const std::map<std::string_view, Wording>& user_wording() {
  static const std::map<std::string_view, Wording> table{
      {user_code::kBadName, {89003037, ""}},
      {user_code::kBadIdType, {code::kBadParameter, "证件类型应为SF、GA、HZ或QT"}},
      {user_code::kIdNumberEmpty, {code::kIdNumberEmpty, ""}},
      {user_code::kBadIdNumber, {89004010, ""}},
      {user_code::kBadMobile, {89004011, ""}},
      {user_code::kBadDepartment, {code::kBadParameter, "部门信息应为1至64个字符"}},
      {user_code::kBadUniqueId, {code::kBadParameter, "用户唯一ID最长64位"}},
      {user_code::kBadRequireCert, {code::kBadParameter, "requireCert应为Y或N"}},
      {user_code::kBadImage, {89003020, ""}},
      {user_code::kImageTooLarge, {89005027, ""}},
      {user_code::kIdentityTaken, {89004001, ""}},
      {user_code::kUniqueIdTaken, {89004019, ""}},
      {user_code::kBadStatus, {89004012, ""}},
      {user_code::kLocked, {89005005, ""}},
      {user_code::kDeleted, {89005004, ""}},
      {user_code::kIdentityMismatch, {89005099, ""}},
  };
  return table;
}

// A refusal in COSS terms: a code of chapter 4 and what to add to its message.
struct Refusal {
  int code;
  std::string detail;
};

// The code for a service error: a user refusal by its table, an unknown user as `not_found`
// says (each lookup has its own code), the store's failures as 89000002, anything else 89000007;
// no library or database text reaches the response.
Refusal refusal_of(const Error& e, int not_found = 89004022) {
  if (auto it = user_wording().find(e.code); it != user_wording().end()) {
    return {it->second.code, std::string(it->second.detail)};
  }
  if (e.code == user_code::kNotFound || e.kind == ErrorKind::kNotFound) return {not_found, ""};
  if (e.kind == ErrorKind::kIo) return {code::kDatabase, ""};
  return {code::kServer, ""};
}

std::string answer(const Refusal& r, std::string_view trans_id) {
  std::string message(message_of(r.code));
  if (!r.detail.empty()) message += "：" + r.detail;
  return response(r.code, message, trans_id);
}

std::string success(std::string_view trans_id, const Value* data = nullptr) {
  return response(code::kSuccess, "SUCCESS", trans_id, data);
}

// "yyyy-MM-dd HH:mm:ss" in China Standard Time (UTC+8), as the manual's examples read.
std::string china_time(Time t) {
  std::string utc = format_utc(t + std::chrono::hours(8));  // 2026-11-23T12:00:00Z
  return utc.substr(0, 10) + " " + utc.substr(11, 8);
}

std::string_view id_type_name(const std::string& type) {
  static const std::map<std::string_view, std::string_view> names{
      {"SF", "身份证(SF)"}, {"GA", "港澳通行证(GA)"}, {"HZ", "护照(HZ)"}, {"QT", "其它(QT)"}};
  auto it = names.find(type);
  return it == names.end() ? std::string_view(type) : it->second;
}

void put(Document& d, std::string_view key, std::string_view value) {
  auto& a = d.GetAllocator();
  d.AddMember(Value(key.data(), static_cast<rapidjson::SizeType>(key.size()), a),
              Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), a), a);
}

// The activation QR payload (§3.3.2): {"id": appId, "sUrl": the phone's service-info URL,
// "o": the ticket, "cv": "2.0"}, as a JSON string.
std::string activation_qr(std::string_view app_id, std::string_view public_url,
                          const std::string& ticket) {
  Document qr(rapidjson::kObjectType);
  put(qr, "id", app_id);
  put(qr, "sUrl", std::string(public_url) + "/coss/mobile/v1/getServiceInfo");
  put(qr, "o", ticket);
  put(qr, "cv", "2.0");
  return compact_json(qr);
}

}  // namespace

struct Adapter::Call {
  const Request& r;
  const service::Caller& app;
  Time now;
  std::string_view public_url;
};

const std::vector<std::pair<std::string_view, Adapter::Operation>>& Adapter::table() {
  static const std::vector<std::pair<std::string_view, Operation>> operations{
      {"addUser", &Adapter::add_user},
      {"queryUserInfo", &Adapter::query_user_info},
      {"updateUser", &Adapter::update_user},
      {"getAuthCode", &Adapter::get_auth_code},
      {"getAuthCodeWithIdenVerify", &Adapter::get_auth_code_verified},
  };
  return operations;
}

std::string Adapter::handle(std::string_view operation, std::string_view body, Time now,
                            std::string_view public_url) {
  auto request = parse_request(body);
  if (!request) {
    return response(std::stoi(request.error().code), request.error().message, "");
  }
  const std::string& trans_id = request->trans_id;
  auto credentials = credentials_.coss(request->app_id);
  if (!credentials) {
    if (credentials.error().kind == ErrorKind::kNotFound) {
      return answer({code::kUnknownApp, request->app_id}, trans_id);
    }
    return answer(refusal_of(credentials.error()), trans_id);
  }
  if (!signature_matches(credentials->secure_code, *request)) {
    return answer({code::kBadSignature, ""}, trans_id);
  }
  if (!credentials->enabled) return answer({code::kUnknownApp, "应用已停用"}, trans_id);
  const service::Caller& app = credentials->caller;
  if (!app.allows(std::string(operation))) {
    return answer({code::kBadParameter, "应用无权调用" + std::string(operation)}, trans_id);
  }
  auto fresh = credentials_.remember_nonce(app, "coss:" + trans_id + ":" + request->signature, now,
                                           now + options_.replay_window);
  if (!fresh) return answer(refusal_of(fresh.error()), trans_id);
  if (!*fresh) return answer({code::kBadParameter, "重复的请求"}, trans_id);
  for (const auto& [name, run] : table()) {
    if (name == operation) return (this->*run)(Call{*request, app, now, public_url});
  }
  return answer({code::kBadParameter, "没有接口" + std::string(operation)}, trans_id);
}

std::string Adapter::add_user(const Call& c) {
  const Request& r = c.r;
  service::NewUser u{r.text("userName"), r.text("idType"),     r.text("idNumber"),
                     r.text("mobile"),   r.text("department"), r.text("uniqueId"),
                     r.text("signImg"),  r.text("requireCert")};
  auto user = users_.add(c.app, u, c.now);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "userId", user->id);
  return success(r.trans_id, &data);
}

std::string Adapter::query_user_info(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId"), id_number = r.text("idNumber"),
              id_type = r.text("idType"), unique_id = r.text("uniqueId");
  Result<service::CossUser> user = Error::internal("");
  // userId first, then id type and number, then uniqueId (§3.4.1.4).
  int not_found = 89004022;
  if (!user_id.empty()) {
    user = users_.find(c.app, user_id);
  } else if (!id_number.empty() && !id_type.empty()) {
    user = users_.find_by_identity(c.app, id_type, id_number);
    not_found = 89004023;
  } else if (!unique_id.empty()) {
    user = users_.find_by_unique_id(c.app, unique_id);
    not_found = 89004020;
  } else {
    return answer({code::kBadParameter, "请给出userId、证件类型与号码或uniqueId"}, r.trans_id);
  }
  if (!user) return answer(refusal_of(user.error(), not_found), r.trans_id);
  auto masked = users_.masked_id_number(*user);
  if (!masked) return answer(refusal_of(masked.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "id", user->id);
  put(data, "userName", user->name);
  put(data, "department", user->department);
  put(data, "idType", id_type_name(user->id_type));
  put(data, "idCard", *masked);
  put(data, "mobilePhone", user->mobile);
  put(data, "jobNumber", user->unique_id);
  put(data, "signpicId", user->sign_image);
  put(data, "msspId", user->id);
  put(data, "status", user->status);
  put(data, "createTime", china_time(user->created));
  put(data, "updateTime", china_time(user->updated));
  put(data, "requireCert", user->require_cert ? "Y" : "N");
  return success(r.trans_id, &data);
}

std::string Adapter::update_user(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto given = [&r](const char* name) -> std::optional<std::string> {
    std::string v = r.text(name);
    if (v.empty()) return std::nullopt;
    return v;
  };
  service::CossUsers::UserChange change{given("status"), given("mobile"), given("department"),
                                        given("uniqueId"), given("image")};
  auto user = users_.update(c.app, user_id, change, c.now);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  return success(r.trans_id);
}

std::string Adapter::get_auth_code(const Call& c) {
  return issue_auth_code(c, false);
}

std::string Adapter::get_auth_code_verified(const Call& c) {
  return issue_auth_code(c, true);
}

// getAuthCode, and with the user's name, id type and number checked first
// getAuthCodeWithIdenVerify.
std::string Adapter::issue_auth_code(const Call& c, bool verify) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  std::optional<service::CossUsers::Identity> identity;
  if (verify) {
    for (const char* name : {"userName", "idType", "idNumber"}) {
      if (r.text(name).empty()) {
        return answer({code::kBadParameter, std::string("缺少") + name}, r.trans_id);
      }
    }
    identity =
        service::CossUsers::Identity{r.text("userName"), r.text("idType"), r.text("idNumber")};
  }
  auto issued = users_.issue_activation(c.app, user_id, identity, c.now);
  if (!issued) return answer(refusal_of(issued.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "authCode", activation_qr(c.app.name, c.public_url, issued->ticket));
  put(data, "code", issued->code);
  return success(r.trans_id, &data);
}

void add_routes(Server& server, Adapter& adapter) {
  RouteOptions options;
  options.body_limit = kBodyLimit;
  // The server's own refusals (a body over the limit) in the door's envelope.
  options.on_error = [](const api::Request&, int status, std::string_view message) {
    int coss_code = status == 413 ? code::kBadParameter : code::kServer;
    return Response::json(200, answer({coss_code, std::string(message)}, ""));
  };
  for (const auto& [operation, run] : Adapter::table()) {
    std::string name(operation);
    server.route(
        "POST", "/coss/service/v1/" + name,
        [&adapter, name](const api::Request& request) {
          // Where phones reach us, as the business system did: behind a proxy that terminates
          // TLS, its X-Forwarded-Proto.
          std::string scheme(request.headers.get("X-Forwarded-Proto").value_or("http"));
          std::string host(request.headers.get("Host").value_or("127.0.0.1"));
          Response r = Response::json(
              200, adapter.handle(name, request.body, now_utc(), scheme + "://" + host));
          r.log_fields = {{"operation", name}};
          return r;
        },
        options);
  }
}

}  // namespace eseal::api::coss
