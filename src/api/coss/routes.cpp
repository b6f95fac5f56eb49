#include "api/coss/routes.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/coss/wording.h"
#include "api/json_text.h"
#include "crypto/encoding.h"
#include "image/qr_code.h"
#include "service/retries.h"
#include "service/verification.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;
namespace user_code = service::user_code;

// COSS bodies are JSON with at most a 1 MiB picture or data field in base64.
constexpr std::size_t kBodyLimit = 2 * 1024 * 1024;

// A positive whole number field ("" for absent, as `fallback`); nullopt when it is not one.
std::optional<int> positive(const std::string& text, int fallback, int most) {
  if (text.empty()) return fallback;
  if (text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  int v = std::stoi(text);
  if (v < 1 || v > most) return std::nullopt;
  return v;
}

// RFC 3986 percent-encoding of everything but the unreserved characters (encodeURIComponent's
// set less !'()*), so that a JSON payload is safe in a URL fragment and an HTML attribute.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::int64_t epoch_ms(Time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

const std::vector<std::pair<std::string_view, Adapter::Operation>>& Adapter::table() {
  static const std::vector<std::pair<std::string_view, Operation>> operations{
      {"addUser", &Adapter::add_user},
      {"queryUserInfo", &Adapter::query_user_info},
      {"updateUser", &Adapter::update_user},
      {"getAuthCode", &Adapter::get_auth_code},
      {"getAuthCodeWithIdenVerify", &Adapter::get_auth_code_verified},
      {"getAuthCodeForH5Mini", &Adapter::get_auth_code_page},
      {"getAuthCodeAndSendSMS", &Adapter::get_auth_code_by_sms},
      {"getUserDevice", &Adapter::get_user_device},
      {"deleteUserDevice", &Adapter::delete_user_device},
      {"addSignJob", &Adapter::add_sign_job},
      {"getSignResult", &Adapter::get_sign_result},
      {"getSignJobOrAuthorizeJobs", &Adapter::get_sign_jobs},
      {"revokeSignJob", &Adapter::revoke_sign_job},
      {"queryImage", &Adapter::query_image},
      {"addDecryptJob", &Adapter::add_decrypt_job},
      {"verifySign", &Adapter::verify_sign},
      {"verifyEssSign", &Adapter::verify_ess_sign},
      {"verifySignData", &Adapter::verify_sign_data},
      {"genRandom", &Adapter::gen_random},
      {"getHashData", &Adapter::get_hash_data},
      {"getCertInfo", &Adapter::get_cert_info},
      {"queryCert", &Adapter::query_cert},
      {"validationCert", &Adapter::validation_cert},
      {"createAndGetTssInfo", &Adapter::create_time_stamp},
      {"getTSInfo", &Adapter::get_time_stamp_info},
      {"verifyTS", &Adapter::verify_time_stamp},
      {"startAutoSign", &Adapter::start_auto_sign},
      {"endAutoSign", &Adapter::end_auto_sign},
      {"autoSign", &Adapter::auto_sign},
      {"queryAutoSignRegion", &Adapter::query_auto_sign},
      {"getAuthorizedsDetail", &Adapter::get_authorizeds_detail},
      {"getPdfHash", &Adapter::get_pdf_hash},
      {"composePdfSeal", &Adapter::compose_pdf_seal},
      {"verifyPdfSeal", &Adapter::verify_pdf_seal},
  };
  return operations;
}

std::string Adapter::handle(std::string_view operation, std::string_view body, Time now,
                            std::string_view public_url) {
  auto request = parse_request(body, options_.json);
  if (!request) {
    return response(std::stoi(request.error().code), request.error().message, "");
  }
  const std::string& trans_id = request->trans_id;
  auto credentials = s_.credentials.coss(request->app_id);
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
  // A request is known by its transId and signature, which covers every field: one resent as it
  // was (to the same operation) is a retry, answered as the first one was (service/retries.h).
  std::string nonce = "coss:" + trans_id + ":" + request->signature;
  std::string digest(operation);
  auto recalled = service::recall(s_.credentials, app, nonce, digest, now, false);
  if (!recalled) return answer(refusal_of(recalled.error()), trans_id);
  if (recalled->seen == service::Seen::kReplay)
    return answer({code::kBadParameter, "重复的请求"}, trans_id);
  if (recalled->seen == service::Seen::kRetry) return std::move(recalled->answer);
  auto entry = std::find_if(table().begin(), table().end(),
                            [&](const auto& e) { return e.first == operation; });
  if (entry == table().end())
    return answer({code::kBadParameter, "没有接口" + std::string(operation)}, trans_id);
  std::string_view url = options_.public_url.empty() ? public_url : options_.public_url;
  std::string_view verification =
      options_.verification_url.empty() ? public_url : options_.verification_url;
  std::string reply = (this->*entry->second)(Call{*request, app, now, url, verification});
  // A failure of the server's own is not remembered, so that a retry is done again.
  if (int status = status_of(reply); status == code::kServer || status == code::kDatabase)
    return reply;
  auto fresh = s_.credentials.remember_request(app, nonce, now, now + options_.replay_window,
                                               service::kept_request(digest, reply));
  if (!fresh) return answer(refusal_of(fresh.error()), trans_id);
  if (*fresh) return reply;
  // Answered meanwhile, on this node or another: a retry racing this one gets the answer kept
  // first, or its own when none was kept.
  auto first = service::recall(s_.credentials, app, nonce, digest, now, true);
  if (!first) return answer(refusal_of(first.error()), trans_id);
  if (first->seen == service::Seen::kRetry) return std::move(first->answer);
  if (first->seen == service::Seen::kRedo) return reply;
  return answer({code::kBadParameter, "重复的请求"}, trans_id);
}

std::string Adapter::add_user(const Call& c) {
  const Request& r = c.r;
  service::NewUser u{r.text("userName"), r.text("idType"),     r.text("idNumber"),
                     r.text("mobile"),   r.text("department"), r.text("uniqueId"),
                     r.text("signImg"),  r.text("requireCert")};
  auto user = s_.users.add(c.app, u, c.now);
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
    user = s_.users.find(c.app, user_id);
  } else if (!id_number.empty() && !id_type.empty()) {
    user = s_.users.find_by_identity(c.app, id_type, id_number);
    not_found = 89004023;
  } else if (!unique_id.empty()) {
    user = s_.users.find_by_unique_id(c.app, unique_id);
    not_found = 89004020;
  } else {
    return answer({code::kBadParameter, "请给出userId、证件类型与号码或uniqueId"}, r.trans_id);
  }
  if (!user) return answer(refusal_of(user.error(), not_found), r.trans_id);
  auto masked = s_.users.masked_id_number(*user);
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
  auto user = s_.users.update(c.app, user_id, change, c.now);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  return success(r.trans_id);
}

std::string Adapter::get_auth_code(const Call& c) {
  return issue_auth_code(c, false);
}

std::string Adapter::get_auth_code_verified(const Call& c) {
  return issue_auth_code(c, true);
}

// getAuthCodeForH5Mini: the activation QR code on an HTML page, as the manual shows it (a PNG,
// the manual's "image/jpg" label aside); refusals stay JSON.
std::string Adapter::get_auth_code_page(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto issued = s_.users.issue_activation(c.app, user_id, std::nullopt, c.now);
  if (!issued) return answer(refusal_of(issued.error()), r.trans_id);
  std::string payload = qr_payload(c.app.name, c.public_url, issued->ticket);
  auto png = image::qr_png(payload);
  if (!png) return answer({89003023, ""}, r.trans_id);
  // On the phone itself, the same activation opens in eseal's phone page (/coss/h5/).
  std::string link = std::string(c.public_url) + "/coss/h5/#qr=" + percent_encode(payload);
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"UTF-8\">"
         "<title>扫码确认</title></head><body><div id=\"qrCodeArea\">"
         "<img alt=\"激活二维码\" src=\"data:image/png;base64," +
         crypto::to_base64(*png) + "\"></div><p><a id=\"openOnPhone\" href=\"" + link +
         "\">在本机浏览器中激活</a></p></body></html>";
}

// getAuthCodeAndSendSMS: a fresh code sent to the user's mobile in the manual's words (the
// validity the code really has), and answered as getAuthCode answers.
std::string Adapter::get_auth_code_by_sms(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto user = s_.users.find(c.app, user_id);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  auto issued = s_.users.issue_activation(c.app, user_id, std::nullopt, c.now);
  if (!issued) return answer(refusal_of(issued.error()), r.trans_id);
  std::string text = "尊敬的用户" + user->name + "，您本次下载证书操作的激活码为：" + issued->code +
                     "，有效期" + std::to_string(service::kActivationLifetime.count()) +
                     "分钟。本激活码仅用于移动协同签名的证书签发，请妥善保管。";
  auto sent = s_.sms.send(c.app, user->mobile, text, c.now);
  if (!sent) return answer({code::kServer, "短信发送失败"}, r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "authCode", qr_payload(c.app.name, c.public_url, issued->ticket));
  put(data, "code", issued->code);
  return success(r.trans_id, &data, "短信激活码发送成功");
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
  auto issued = s_.users.issue_activation(c.app, user_id, identity, c.now);
  if (!issued) return answer(refusal_of(issued.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "authCode", qr_payload(c.app.name, c.public_url, issued->ticket));
  put(data, "code", issued->code);
  return success(r.trans_id, &data);
}

std::string Adapter::get_user_device(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto devices = s_.keys.devices(c.app, user_id);
  if (!devices) return answer(refusal_of(devices.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& k : *devices) {
    Value item(rapidjson::kObjectType);
    put(item, a, "deviceId", k.device_id);
    put(item, a, "userId", k.user_id);
    put(item, a, "deviceName", k.device_name);
    put(item, a, "reqCertTime", china_time(k.updated));
    list.PushBack(item, a);
  }
  data.AddMember("deviceInfos", list, a);
  return success(r.trans_id, &data);
}

std::string Adapter::delete_user_device(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId"), device_id = r.text("deviceId");
  if (user_id.empty() || device_id.empty()) {
    return answer({code::kBadParameter, "缺少userId或deviceId"}, r.trans_id);
  }
  Status deleted = s_.keys.delete_device(c.app, user_id, device_id, c.now);
  if (!deleted) return answer(refusal_of(deleted.error()), r.trans_id);
  return success(r.trans_id, nullptr, "用户设备注销成功");
}

std::string Adapter::add_sign_job(const Call& c) {
  const Request& r = c.r;
  service::NewSignJob j{r.text("userId"), r.text("title"),       r.text("dataType"),
                        r.text("algo"),   r.text("description"), r.text("expiryDate"),
                        r.text("data"),   r.text("callBackUrl")};
  j.place = web_seal_place(r);
  // eseal's own verifyCode ("1", WEB_SEAL): a verification code printed with the seal.
  std::string wanted = r.text("verifyCode");
  if (wanted != "" && wanted != "0" && wanted != "1") {
    return answer({code::kBadParameter, "verifyCode应为0或1"}, r.trans_id);
  }
  if (wanted == "1") {
    if (j.data_type != "WEB_SEAL") {
      return answer({code::kBadParameter, "verifyCode只用于WEB_SEAL任务"}, r.trans_id);
    }
    auto made = service::new_verification_code(std::string(c.verification_url));
    if (!made) return answer(refusal_of(made.error()), r.trans_id);
    j.place.verification_code = made->code;
    j.place.verification_url = made->url;
  }
  auto job = s_.jobs.create(c.app, j, c.now);
  if (!job) return answer(refusal_of(job.error(), 89003006), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "signDataId", job->id);
  put(data, "qrCode", qr_payload(c.app.name, c.public_url, job->ticket));
  if (!j.place.verification_code.empty()) put(data, "verifyCode", j.place.verification_code);
  return success(r.trans_id, &data);
}

std::string Adapter::get_sign_result(const Call& c) {
  const Request& r = c.r;
  std::string id = r.text("signDataId");
  if (id.empty()) return answer({code::kBadParameter, "缺少signDataId"}, r.trans_id);
  auto job = s_.jobs.find(c.app, id, c.now);
  if (!job) return answer(refusal_of(job.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "signDataId", job->id);
  put(data, "jobStatus", job->status);
  put(data, "msspId", job->user_id);
  if (job->status == "FINISH" && !job->signature.empty()) {
    put(data, "signResult", crypto::to_base64(job->signature));
    put(data, "signCert", crypto::to_base64(job->certificate));
    // Signed by a delegate: who, and the grantor's co-signed statement that allowed it.
    if (!job->delegation.empty()) {
      put(data, "authorizedUserId", job->signer_id);
      auto d = s_.delegations.find(job->delegation, c.now);
      if (!d) return answer(refusal_of(d.error()), r.trans_id);
      auto& a = data.GetAllocator();
      Value evidence(rapidjson::kObjectType);
      put(evidence, a, "businessId", d->id);
      put(evidence, a, "statement", crypto::to_base64(d->statement));
      put(evidence, a, "signature", crypto::to_base64(d->signature));
      put(evidence, a, "cert", crypto::to_base64(d->certificate));
      data.AddMember("authorization", evidence, a);
    }
    if (!job->grant.empty()) put(data, "autoSignGrant", job->grant);
    // WEB_SEAL: the sealed PDF too.
    if (job->data_type == "WEB_SEAL") {
      auto sealed = s_.jobs.sealed_document(*job);
      if (!sealed) return answer(refusal_of(sealed.error()), r.trans_id);
      put(data, "signedFile", crypto::to_base64(*sealed));
    }
  }
  return success(r.trans_id, &data);
}

std::string Adapter::get_sign_jobs(const Call& c) {
  const Request& r = c.r;
  service::JobQuery q;
  q.user_id = r.text("userId");
  q.sign_data_id = r.text("signDataId");
  auto page = positive(r.text("currentPage"), 1, 1000000);
  auto size = positive(r.text("pageSize"), 20, 100);
  if (!page || !size) {
    return answer({code::kBadParameter, "currentPage与pageSize应为正整数，pageSize最大100"},
                  r.trans_id);
  }
  q.page = *page;
  q.page_size = *size;
  if (std::string day = r.text("operateTime"); !day.empty()) {
    auto start = china_day(day);
    if (!start) return answer({89004004, "operateTime应为yyyy-MM-dd"}, r.trans_id);
    q.day = *start;
  }
  // With authorizeeUserId: the jobs that delegate signed for others.
  q.signer_id = r.text("authorizeeUserId");
  auto listed = s_.jobs.list(c.app, q, c.now);
  if (!listed) return answer(refusal_of(listed.error()), r.trans_id);
  const service::JobPage& found = *listed;
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& job : found.jobs) {
    Value item(rapidjson::kObjectType);
    put(item, a, "id", job.id);
    put(item, a, "userId", job.user_id);
    put(item, a, "status", job.status);
    if (job.status == "FINISH") put(item, a, "resultData", crypto::to_base64(job.signature));
    put(item, a, "createTime", china_time(job.created));
    put(item, a, "updateTime", china_time(job.updated));
    if (!q.sign_data_id.empty() && job.status == "FINISH") {
      put(item, a, "signCert", crypto::to_base64(job.certificate));
    }
    item.AddMember("expiryDate", epoch_ms(job.expires), a);
    if (!job.delegation.empty()) {
      put(item, a, "authorizedUserId", job.signer_id);
      if (auto delegate = s_.users.find(c.app, job.signer_id); delegate) {
        put(item, a, "authorizedUserName", delegate->name);
        put(item, a, "authorizedMobile", delegate->mobile);
        put(item, a, "authorizedJobId", delegate->unique_id);
      }
    }
    list.PushBack(item, a);
  }
  data.AddMember("signList", list, a);
  data.AddMember("pageNum", q.page, a);
  data.AddMember("pageSize", q.page_size, a);
  data.AddMember("totalNum", found.total, a);
  data.AddMember("totalPage", (found.total + q.page_size - 1) / q.page_size, a);
  return success(r.trans_id, &data);
}

std::string Adapter::revoke_sign_job(const Call& c) {
  const Request& r = c.r;
  // The manual names it signJobId; the id addSignJob returned as signDataId is taken too.
  std::string id = r.text("signJobId");
  if (id.empty()) id = r.text("signDataId");
  if (id.empty()) return answer({code::kBadParameter, "缺少signJobId"}, r.trans_id);
  auto job = s_.jobs.revoke(c.app, id, c.now);
  if (!job) return answer(refusal_of(job.error()), r.trans_id);
  return success(r.trans_id);
}

std::string Adapter::query_image(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto image = s_.users.sign_image(c.app, user_id);
  if (!image) return answer(refusal_of(image.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "userId", user_id);
  put(data, "image", crypto::to_base64(*image));
  return success(r.trans_id, &data);
}

// addDecryptJob (eseal's, not the manual's): {userId, title, description?, expiryDate?, cipher,
// callBackUrl?} → {signDataId, qrCode}; the phone decrypts with decryptPrepare.
std::string Adapter::add_decrypt_job(const Call& c) {
  const Request& r = c.r;
  service::NewDecryptJob j{r.text("userId"),     r.text("title"),  r.text("description"),
                           r.text("expiryDate"), r.text("cipher"), r.text("callBackUrl")};
  auto job = s_.jobs.create_decryption(c.app, j, c.now);
  if (!job) return answer(refusal_of(job.error(), 89003006), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "signDataId", job->id);
  put(data, "qrCode", qr_payload(c.app.name, c.public_url, job->ticket));
  return success(r.trans_id, &data);
}

Base64Field base64_field(const Request& r, const char* name) {
  std::string text = r.text(name);
  if (text.empty()) {
    return {std::nullopt, answer({code::kBadParameter, std::string("缺少") + name}, r.trans_id)};
  }
  auto bytes = crypto::from_base64(text);
  if (!bytes || bytes->empty()) return {std::nullopt, answer({89003020, name}, r.trans_id)};
  return {std::move(*bytes), ""};
}

service::WebSealPlace web_seal_place(const Request& r) {
  auto member = [](const Value* object, const char* name) -> const Value* {
    if (!object || !object->IsObject()) return nullptr;
    for (const auto& m : object->GetObject()) {
      if (json_view(m.name) == name) return &m.value;
    }
    return nullptr;
  };
  // A number given as a JSON number or as text; NaN for anything else.
  auto number = [](const Value* v, double fallback) {
    if (!v) return fallback;
    if (v->IsNumber()) return v->GetDouble();
    if (v->IsString()) {
      std::string text(json_view(*v));
      char* end = nullptr;
      double parsed = std::strtod(text.c_str(), &end);
      if (text.empty()) return fallback;
      if (end && *end == '\0') return parsed;
    }
    return std::nan("");
  };
  // A whole number, or -1 (which no rule takes) for anything else.
  auto whole = [&number](const Value* v, int fallback) {
    double d = number(v, fallback);
    return std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 1e6 ? static_cast<int>(d) : -1;
  };
  service::WebSealPlace place;
  const Value* coord = r.value("coordOfRuleInfo");
  place.page = whole(member(coord, "pageNo"), 1);
  place.left = number(member(coord, "left"), 0);
  place.bottom = number(member(coord, "bottom"), 0);
  place.right = number(member(coord, "right"), 0);
  place.top = number(member(coord, "top"), 0);
  const Value* keywords = r.value("keywordsOfRuleInfo");
  if (const Value* keyword = member(keywords, "keyWord"); keyword && keyword->IsString()) {
    place.keyword = std::string(json_view(*keyword));
  }
  place.keyword_position = whole(member(keywords, "signKeywordsPosition"), 1);
  place.keyword_order = whole(member(keywords, "signKeywordsSearch"), 2);
  place.keyword_number = whole(member(keywords, "keywordNum"), 1);
  place.offset_x = number(member(keywords, "coordinateX"), 0);
  place.offset_y = number(member(keywords, "coordinateY"), 0);
  place.width = number(r.value("signWidth"), 0);
  place.height = number(r.value("signHeight"), 0);
  return place;
}

service::SignJobs::CallbackBody callback_body(service::Credentials& credentials) {
  return [&credentials](const service::SignJob& job) -> Result<std::string> {
    auto app = credentials.coss(job.app_name);
    if (!app) return app.error().with_context("the callback of job " + job.id);
    Document fields(rapidjson::kObjectType);
    put(fields, "signJobId", job.id);
    put(fields, "status", job.status);
    put(fields, "msspId", job.user_id);
    if (job.status == "FINISH" && !job.signature.empty()) {
      put(fields, "signResult", crypto::to_base64(job.signature));
      put(fields, "signCert", crypto::to_base64(job.certificate));
    }
    return build_request(job.app_name, app->secure_code, fields, job.task_id + "-" + job.status);
  };
}

Options options_from(const Config& config) {
  Options options;
  options.replay_window = std::chrono::seconds(config.coss.replay_window_s);
  options.public_url = config.coss.public_url;
  options.verification_url = config.console.public_url;
  options.json = json_limits(config);
  if (auto format = doc::parse_signature_format(config.signing.pdf_format); format) {
    options.pdf_format = *format;
  }
  while (!options.public_url.empty() && options.public_url.back() == '/') {
    options.public_url.pop_back();
  }
  return options;
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
          // Where phones reach us, as the business system did.
          std::string body =
              adapter.handle(name, request.body, now_utc(), api::request_origin(request));
          // The one operation that answers a page (getAuthCodeForH5Mini) does so on success.
          bool page = body.rfind("<!DOCTYPE html>", 0) == 0;
          Response r = Response::json(200, std::move(body));
          if (page) r.content_type = "text/html; charset=utf-8";
          r.log_fields = {{"operation", name}};
          return r;
        },
        options);
  }
}

}  // namespace eseal::api::coss
