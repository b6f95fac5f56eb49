#include "api/ldt/filing.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "api/json.h"
#include "api/json_text.h"
#include "api/ldt/content.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2.h"

namespace eseal::api::ldt {
namespace {

using rapidjson::Document;
using rapidjson::Value;
namespace filing = service::filing;

// The one-or-many `data` of a request: an array's objects, or one object.
std::vector<const Value*> items_of(const Value& content) {
  std::vector<const Value*> out;
  auto it = content.FindMember("data");
  if (it == content.MemberEnd()) return out;
  if (it->value.IsArray()) {
    for (const auto& item : it->value.GetArray())
      if (item.IsObject()) out.push_back(&item);
  } else if (it->value.IsObject()) {
    out.push_back(&it->value);
  }
  return out;
}

Result<pki::Certificate> certificate_field(const Value& object, const char* key) {
  auto text = required(object, key);
  if (!text) return text.error();
  auto der = crypto::from_base64(*text);
  if (!der) return refused(std::string(key) + "不是base64编码的证书");
  auto cert = pki::Certificate::from_der(*der);
  if (!cert) return refused(std::string(key) + "不是有效的X.509证书");
  return cert;
}

Status expect_type(const Value& content, filing::TaskType type) {
  std::string sent = text_of(content, "taskTypeCode");
  if (!sent.empty() && sent != std::to_string(static_cast<int>(type)))
    return refused("taskTypeCode应为" + std::to_string(static_cast<int>(type)) + "：" + sent);
  return ok_status();
}

Result<filing::CarrierProof> proof_of(const Value& item) {
  auto fields = required_fields(item, {"yzbm", "deviceCode", "encDeviceCode"});
  if (!fields) return fields.error();
  return filing::CarrierProof{(*fields)[0], (*fields)[1], (*fields)[2]};
}

Result<int> small_number(const Value& object, const char* key, int fallback) {
  std::string text = text_of(object, key);
  if (text.empty()) return fallback;
  if (text.size() > 2 || !std::all_of(text.begin(), text.end(), ::isdigit))
    return refused(std::string("参数") + key + "不是数字：" + text);
  return std::stoi(text);
}

Result<Time> china_time(const Value& object, const char* key, Time fallback) {
  std::string text = text_of(object, key);
  if (text.empty()) return fallback;
  auto t = parse_china(text);
  if (!t) return refused(std::string("参数") + key + "应为yyyy-MM-dd HH:mm:ss：" + text);
  return t;
}

Result<filing::Revocation> revocation_of(const Value& object, Time now) {
  filing::Revocation r;
  auto reason = small_number(object, "cancelReason", 4);
  if (!reason) return reason.error();
  auto type = small_number(object, "invalidType", 1);
  if (!type) return type.error();
  auto applied = china_time(object, "applyDate", now);
  if (!applied) return applied.error();
  auto effective = china_time(object, "invalidEffectTime", now);
  if (!effective) return effective.error();
  r = {*reason, text_of(object, "cancelDescribe"), *type, *applied, *effective};
  if (r.describe.empty()) r.describe = filing::reason_text(r.reason);
  if (auto s = filing::check(r); !s) return refused(s.error().message);
  return r;
}

// Table 9's data: one entry per seal, its package when it has one.
Value items_value(const std::vector<filing::ItemResult>& items, Document::AllocatorType& a) {
  Value data(rapidjson::kArrayType);
  for (const auto& i : items) {
    Value item(rapidjson::kObjectType);
    put(item, a, "errorCode", i.error_code);
    put(item, a, "yzbm", i.seal_code);
    if (!i.message.empty()) put(item, a, "errorInfo", i.message);
    if (i.package) {
      Value p(rapidjson::kObjectType);
      put(p, a, "yzbm", i.package->yzbm);
      put(p, a, "encFile", i.package->enc_file);
      put(p, a, "appSymKeyEnc", i.package->app_sym_key_enc);
      put(p, a, "dataSymKeyEnc", i.package->data_sym_key_enc);
      item.AddMember("package", p, a);
    }
    data.PushBack(item, a);
  }
  return data;
}

// The answer of a §5.2 task operation: taskCode, version, resultCode and its message,
// taskTypeCode, then `data`.
Document task_answer(const std::string& task_code, bool one_is_success, filing::TaskType type,
                     const std::string& message) {
  Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  put(c, a, "taskCode", task_code);
  put(c, a, "version", "1.0");
  put(c, a, "resultCode", one_is_success ? "1" : "0");
  put(c, a, "resultCodeMsg", message);
  put(c, a, "taskTypeCode", std::to_string(static_cast<int>(type)));
  return c;
}

// Words for the registry's refusals: its messages are already the seed's language.
Error worded(const Error& e) {
  if (e.kind == ErrorKind::kIo || e.kind == ErrorKind::kInternal)
    return refused(e.kind == ErrorKind::kIo ? "服务器存储错误" : "服务器内部错误");
  return refused(e.message);
}

// One filing request being answered.
class FilingCall {
 public:
  FilingCall(FilingDoor& door, const service::Caller& caller, const pki::Certificate& app_cert,
             const Value& content, Time now)
      : door_(door), caller_(caller), app_cert_(app_cert), content_(content), now_(now) {}

  Result<Document> answer(const std::string& businesstype) {
    static const std::map<std::string, Result<Document> (FilingCall::*)()> table = {
        {"onlinePush", &FilingCall::online_push},
        {"getRandom", &FilingCall::get_random},
        {"uploadRecordInfos", &FilingCall::upload},
        {"checkResult", &FilingCall::check_result},
        {"updateProtectKey", &FilingCall::update_key},
        {"revocationSealInfo", &FilingCall::revoke},
        {"applySealCode", &FilingCall::apply_seal_code},
        {"confirmReceipt", &FilingCall::confirm},
        {"recvAuthServer", &FilingCall::auth_server},
        {"reciveAuthServer", &FilingCall::auth_server},
        {"msgCenterDoubleServer", &FilingCall::message_center},
        {"DB.oauth.token", &FilingCall::oauth_token},
        {"DB.seal.status.query", &FilingCall::status_query},
        {"DB.seal.deactive.list.query", &FilingCall::revocation_list},
    };
    auto op = table.find(businesstype);
    if (op == table.end()) return refused("不支持的业务类型：" + businesstype);
    auto answer = (this->*(op->second))();
    if (!answer) return answer;
    if (businesstype.starts_with("DB.") || businesstype == "onlinePush" ||
        businesstype == "msgCenterDoubleServer")
      return answer;
    auto signer = door_.platform.seals.lock_signer(std::nullopt, now_);
    if (!signer) return refused("平台签名密钥不可用");
    if (auto s = add_sign_info(*answer, **signer); !s) return worded(s.error());
    return answer;
  }

 private:
  Status spend_token() {
    auto token = required(content_, "tokenInfo");
    if (!token) return token.error();
    if (auto s = door_.registry.spend_challenge(caller_, *token, now_); !s)
      return worded(s.error());
    return ok_status();
  }

  Result<Document> online_push() {
    // Table 2 sends the unit's fields in message_content; example 2 wraps them in taskData.
    const Value* unit = &content_;
    if (auto it = content_.FindMember("taskData");
        it != content_.MemberEnd() && it->value.IsObject())
      unit = &it->value;
    auto fields = required_fields(*unit, {"mspUnitCode", "mspSn", "mspUnitNameCn"});
    if (!fields) return fields.error();
    auto cert = certificate_field(*unit, "keyPlus");
    if (!cert) return cert.error();
    const std::string& sn = (*fields)[1];
    if (sn.size() > 5 || !std::all_of(sn.begin(), sn.end(), ::isdigit))
      return refused("mspSn应为1到99999：" + sn);
    filing::MakerUnit maker{(*fields)[0], std::stoi(sn), std::move(*cert), {}};
    for (const auto& m : unit->GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      if (key != "keyPlus") maker.fields[key] = text_of(*unit, key.c_str());
    }
    if (auto s = door_.registry.push_unit(caller_, maker, now_); !s) return worded(s.error());
    Document c;
    c.SetObject();
    return c;
  }

  Result<Document> get_random() {
    std::string task = text_of(content_, "taskCode");
    if (!task.empty() && task != "applyRandom") return refused("taskCode应为applyRandom：" + task);
    auto random_a = required(content_, "randomA");
    if (!random_a) return random_a.error();
    auto random_b = door_.registry.open_challenge(caller_, *random_a, now_);
    if (!random_b) return worded(random_b.error());
    return string_content({{"randomB", *random_b}});
  }

  Result<Document> upload() {
    if (auto s = expect_type(content_, filing::TaskType::kFiling); !s) return s.error();
    std::vector<filing::SealUpload> seals;
    auto items = items_of(content_);
    if (items.empty()) return refused("缺少参数data");
    for (const Value* item : items) {
      auto sign = certificate_field(*item, "sealSignCert");
      if (!sign) return sign.error();
      auto enc = certificate_field(*item, "sealEncCert");
      if (!enc) return enc.error();
      auto data = item->FindMember("sealData");
      if (data == item->MemberEnd() || !data->value.IsObject()) return refused("缺少参数sealData");
      filing::SealUpload s{std::move(*sign),
                           std::move(*enc),
                           {},
                           text_of(data->value, "ymlx"),
                           text_of(data->value, "ymsd"),
                           text_of(*item, "districtCode")};
      for (const auto& name : eseal::filing::ga_data_field_names()) {
        if (name != "deviceCode")
          *eseal::filing::ga_data_field(s.data, name) = text_of(data->value, name.c_str());
      }
      if (s.data.yzbm.empty()) return refused("缺少参数sealData.yzbm");
      if (s.data.yzmc.empty()) return refused("缺少参数sealData.yzmc");
      seals.push_back(std::move(s));
    }
    if (auto s = spend_token(); !s) return s.error();
    auto task = door_.registry.upload(caller_, seals, now_);
    if (!task) return worded(task.error());
    return with_task_id(
        task_answer("uploadRecordInfos", true, filing::TaskType::kFiling, "备案信息上传成功"),
        task->id);
  }

  Document with_task_id(Document c, const std::string& task_id) {
    auto& a = c.GetAllocator();
    Value data(rapidjson::kObjectType);
    put(data, a, "taskId", task_id);
    c.AddMember("data", data, a);
    return c;
  }

  Result<Document> check_result() {
    std::string task_id = text_of(content_, "taskId");
    for (const Value* item : items_of(content_)) {
      if (task_id.empty()) task_id = text_of(*item, "taskId");
    }
    if (task_id.empty()) return refused("缺少参数taskId");
    auto task = door_.registry.result(caller_, task_id, now_);
    if (!task) return worded(task.error());
    if (auto s = expect_type(content_, task->type); !s) return s.error();
    Document c = task_answer("checkResult", false, task->type, "查询任务结果成功");
    auto& a = c.GetAllocator();
    put(c, a, "taskId", task->id);
    put(c, a, "taskState", task->state);
    c.AddMember("data", items_value(task->items, a), a);
    return c;
  }

  Result<Document> update_key() {
    if (auto s = expect_type(content_, filing::TaskType::kKeyUpdate); !s) return s.error();
    std::vector<filing::KeyUpdate> updates;
    for (const Value* item : items_of(content_)) {
      auto proof = proof_of(*item);
      if (!proof) return proof.error();
      auto sign = certificate_field(*item, "sealSignCert");
      if (!sign) return sign.error();
      auto enc = certificate_field(*item, "sealEncCert");
      if (!enc) return enc.error();
      updates.push_back({std::move(*proof), std::move(*sign), std::move(*enc)});
    }
    if (updates.empty()) return refused("缺少参数data");
    if (auto s = spend_token(); !s) return s.error();
    auto task = door_.registry.update_keys(caller_, updates, now_);
    if (!task) return worded(task.error());
    return with_task_id(
        task_answer("updateProtectKey", true, filing::TaskType::kKeyUpdate, "信息上传成功"),
        task->id);
  }

  Result<Document> revoke() {
    if (auto s = expect_type(content_, filing::TaskType::kRevocation); !s) return s.error();
    std::vector<filing::RevocationRequest> seals;
    for (const Value* item : items_of(content_)) {
      auto proof = proof_of(*item);
      if (!proof) return proof.error();
      auto revocation = revocation_of(*item, now_);
      if (!revocation) return revocation.error();
      seals.push_back({std::move(*proof), *revocation});
    }
    if (seals.empty()) return refused("缺少参数data");
    if (auto s = spend_token(); !s) return s.error();
    auto task = door_.registry.revoke(caller_, seals, now_);
    if (!task) return worded(task.error());
    return with_task_id(
        task_answer("revocationSealInfo", false, filing::TaskType::kRevocation, "信息上传成功"),
        task->id);
  }

  Result<Document> apply_seal_code() {
    if (auto s = expect_type(content_, filing::TaskType::kSealCode); !s) return s.error();
    std::string area;
    for (const Value* item : items_of(content_)) area = text_of(*item, "areaNumber");
    if (area.empty()) area = text_of(content_, "areaNumber");
    if (area.empty()) return refused("缺少参数areaNumber");
    if (auto s = spend_token(); !s) return s.error();
    auto code = door_.registry.allocate_code(caller_, area, now_);
    if (!code) return worded(code.error());
    Document c = task_answer("applySealCode", true, filing::TaskType::kSealCode, "申请业务成功");
    auto& a = c.GetAllocator();
    Value data(rapidjson::kObjectType);
    put(data, a, "sealCode", *code);
    c.AddMember("data", data, a);
    return c;
  }

  Result<Document> confirm() {
    std::vector<filing::Receipt> receipts;
    for (const Value* item : items_of(content_)) {
      auto task = required(*item, "taskId");
      if (!task) return task.error();
      auto proof = proof_of(*item);
      if (!proof) return proof.error();
      receipts.push_back({*task, std::move(*proof)});
    }
    if (receipts.empty()) return refused("缺少参数data");
    std::string type = text_of(content_, "taskTypeCode");
    if (type != "" && type != "0" && type != "1") return refused("taskTypeCode应为0或1：" + type);
    if (auto s = spend_token(); !s) return s.error();
    auto results = door_.registry.confirm(caller_, receipts, now_);
    if (!results) return worded(results.error());
    Document c = task_answer("confirmReceipt", true,
                             type == "1" ? filing::TaskType::kKeyUpdate : filing::TaskType::kFiling,
                             "确认回执成功");
    auto& a = c.GetAllocator();
    c.AddMember("data", items_value(*results, a), a);
    return c;
  }

  Result<Document> auth_server() {
    auto random_a = required(content_, {"randomA", "random"});
    if (!random_a) return random_a.error();
    // idA is the publisher's certificate: the app's own ("各地市无需填充此参数").
    if (std::string id_a = text_of(content_, "idA"); !id_a.empty()) {
      auto der = crypto::from_base64(id_a);
      if (!der || *der != app_cert_.der()) return refused("idA与应用登记的证书不符");
    }
    auto random_b = door_.registry.open_session(caller_, app_cert_, *random_a, now_);
    if (!random_b) return worded(random_b.error());
    auto signer = door_.platform.seals.lock_signer(std::nullopt, now_);
    if (!signer) return refused("平台签名密钥不可用");
    std::string id_b = crypto::to_base64((*signer)->certificate().der());
    std::string signed_part = join_parts({id_b, *random_b, *random_a});
    auto signature = sign_text(signed_part, **signer);
    if (!signature) return worded(signature.error());
    return string_content(
        {{"result", "0"}, {"msg", "请求成功"}, {"token", join_parts({signed_part, *signature})}});
  }

  Result<Document> message_center() {
    auto data = required(content_, "data");
    if (!data) return data.error();
    auto parts = split_parts(*data, 2);
    if (!parts) return refused("data应为idA||randomB||text||signValue");
    const std::string &id_a = (*parts)[0], &random_b = (*parts)[1], &text = (*parts)[2];
    auto cert = door_.registry.spend_session(caller_, random_b, now_);
    if (!cert) return worded(cert.error());
    auto der = crypto::from_base64(id_a);
    if (!der || *der != cert->der()) return refused("idA与身份认证时的证书不符");
    if (!verify_text(join_parts({id_a, random_b, text}), (*parts)[3], *cert))
      return refused("data签名验证失败");
    auto parsed = parse_json(text);
    if (!parsed || !parsed.document->IsObject()) return refused("text不是JSON对象");
    const Value& message = *parsed.document;
    std::string task_code = text_of(message, "taskCode");
    auto task_data = message.FindMember("taskData");
    if (task_data == message.MemberEnd()) return refused("缺少参数taskData");
    // taskData as a JSON string (signed as it is) or an object (signed as compact JSON).
    std::string data_text = task_data->value.IsString() ? std::string(json_view(task_data->value))
                                                        : compact_json(task_data->value);
    if (!verify_text(data_text, text_of(message, "taskSignature"), *cert))
      return refused("taskSignature验证失败");
    auto object = parse_json(data_text);
    if (!object || !object.document->IsObject()) return refused("taskData不是JSON对象");
    const Value& d = *object.document;
    Status done = ok_status();
    if (task_code == "207") {
      filing::Publication p{text_of(d, "sealCode"),    text_of(d, "sealName"),
                            text_of(d, "useUnitCode"), text_of(d, "sealZone"),
                            text_of(d, "creator"),     text_of(d, "validStartTime"),
                            text_of(d, "validEndTime")};
      if (p.seal_code.empty()) return refused("缺少参数sealCode");
      done = door_.registry.publish(caller_, p, now_);
    } else if (task_code == "209") {
      auto revocation = revocation_of(d, now_);
      if (!revocation) return revocation.error();
      std::string code = text_of(d, "sealCode");
      if (code.empty()) return refused("缺少参数sealCode");
      done = door_.registry.withdraw(caller_, code, text_of(d, "sealName"), *revocation, now_);
    } else {
      return refused("taskCode应为207或209：" + task_code);
    }
    if (!done) return worded(done.error());
    Document c;
    c.SetObject();
    c.AddMember("success", true, c.GetAllocator());
    return c;
  }

  // The DB.* answers: method, requestId, code 0, data [one object], message.
  Result<Document> db_answer(const std::string& method, Value data, Document& c,
                             const std::string& message) {
    auto& a = c.GetAllocator();
    auto id = crypto::random_bytes(16);
    if (!id) return worded(id.error());
    std::string hex = crypto::to_hex(*id);
    put(c, a, "method", method);
    put(c, a, "requestId",
        hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
            hex.substr(16, 4) + "-" + hex.substr(20));
    c.AddMember("code", 0, a);
    Value list(rapidjson::kArrayType);
    list.PushBack(data, a);
    c.AddMember("data", list, a);
    put(c, a, "message", message);
    return std::move(c);
  }

  Result<Document> oauth_token() {
    auto fields = required_fields(content_, {"username", "password", "client_id", "client_secret"});
    if (!fields) return fields.error();
    std::string grant = text_of(content_, "grant_type");
    if (grant != "password") return refused("grant_type应为password");
    auto token =
        door_.registry.issue_token((*fields)[0], (*fields)[1], (*fields)[2], (*fields)[3], now_);
    if (!token) return worded(token.error());
    Document c;
    c.SetObject();
    auto& a = c.GetAllocator();
    Value data(rapidjson::kObjectType);
    put(data, a, "access_token", token->access_token);
    put(data, a, "token_type", "bearer");
    data.AddMember("expires_in", static_cast<std::int64_t>(token->expires_in.count()), a);
    put(data, a, "scope", "server");
    return db_answer("DB.oauth.token", std::move(data), c, "调用接口成功");
  }

  // A registered query's appKey and token, or none of them (an anonymous query); the sign
  // either way.
  Status check_query(bool registration_required) {
    std::string app_key = text_of(content_, "appKey"), token = text_of(content_, "token");
    if (registration_required || !app_key.empty() || !token.empty()) {
      if (app_key.empty() || token.empty()) return refused("缺少参数appKey或token");
      if (auto s = door_.registry.check_token(app_key, token, now_); !s) return worded(s.error());
    }
    auto sign = required(content_, "sign");
    if (!sign) return sign.error();
    if (!query_sign_matches(content_, *sign)) return refused("sign验证失败");
    return ok_status();
  }

  Result<Document> status_query() {
    if (auto s = check_query(false); !s) return s.error();
    auto fields = required_fields(content_, {"sealCode", "queryTime"});
    if (!fields) return fields.error();
    auto at = china_time(content_, "queryTime", now_);
    if (!at) return at.error();
    auto state = door_.registry.status((*fields)[0], text_of(content_, "sealName"), *at, now_);
    if (!state) {
      if (state.error().kind == ErrorKind::kNotFound)
        return refused("印章" + (*fields)[0] + "未备案");
      return worded(state.error());
    }
    Document c;
    c.SetObject();
    auto& a = c.GetAllocator();
    Value data(rapidjson::kObjectType);
    put(data, a, "sealName", state->seal_name);
    put(data, a, "sealCode", state->seal_code);
    put(data, a, "queryTime", format_china(*at));
    put(data, a, "sealStatus", state->valid ? "1" : "0");
    return db_answer("DB.seal.status.query", std::move(data), c, "调用[印章状态查询接口]成功!");
  }

  Result<Document> revocation_list() {
    if (auto s = check_query(true); !s) return s.error();
    auto from = china_time(content_, "queryStartTime", Time{});
    if (!from) return from.error();
    auto to = china_time(content_, "queryEndTime", now_);
    if (!to) return to.error();
    std::int64_t size = std::atoll(text_of(content_, "pageSize").c_str());
    std::int64_t page = std::atoll(text_of(content_, "pageNow").c_str());
    auto list = door_.registry.revocations(*from, *to, size == 0 ? 10 : size, page == 0 ? 1 : page);
    if (!list) return worded(list.error());
    auto signer = door_.platform.seals.lock_signer(std::nullopt, now_);
    if (!signer) return refused("平台签名密钥不可用");
    Document c;
    c.SetObject();
    auto& a = c.GetAllocator();
    Value data(rapidjson::kObjectType);
    put(data, a, "version", "V1.0");
    put(data, a, "invalidEffectTime", format_china(now_));
    put(data, a, "nextUpdateTime", format_china(now_ + door_.list_update));
    put(data, a, "signAlgorithm", "SM2");
    put(data, a, "signHashAlgorithm", "SM3");
    auto key = (*signer)->certificate().public_key();
    if (!key) return worded(key.error());
    put(data, a, "secretKey", crypto::to_base64(key->point()));
    std::string company = (*signer)->certificate().subject().to_string();
    put(data, a, "awardCompany", company);
    Value seals(rapidjson::kArrayType);
    for (const auto& s : list->seals) {
      Value item(rapidjson::kObjectType);
      put(item, a, "sealCode", s.seal_code);
      put(item, a, "sealName", s.seal_name);
      put(item, a, "revocationTime", format_china(s.revoked));
      seals.PushBack(item, a);
    }
    data.AddMember("revocationList", seals, a);
    put(data, a, "total", std::to_string(list->total));
    put(data, a, "size", std::to_string(list->seals.size()));
    // The list is signed over its own canonical fields, so that a relying party can keep the
    // page and check it later with the platform's key.
    auto signature = sign_text(canonical_fields(data), **signer);
    if (!signature) return worded(signature.error());
    put(data, a, "signature", *signature);
    return db_answer("DB.seal.deactive.list.query", std::move(data), c,
                     "调用[印章吊销列表获取]接口成功!");
  }

  FilingDoor& door_;
  const service::Caller& caller_;
  const pki::Certificate& app_cert_;
  const Value& content_;
  Time now_;
};

// r‖s from any signature form peers send, including the 128-byte ECCSignature.
Result<Bytes> signature_der(std::string_view text) {
  auto decoded = crypto::from_base64(text);
  if (decoded && decoded->size() == 128) {
    bool aligned =
        std::all_of(decoded->begin(), decoded->begin() + 32, [](auto b) { return b == 0; }) &&
        std::all_of(decoded->begin() + 64, decoded->begin() + 96, [](auto b) { return b == 0; });
    if (aligned) {
      Bytes raw(decoded->begin() + 32, decoded->begin() + 64);
      raw.insert(raw.end(), decoded->begin() + 96, decoded->end());
      return crypto::sm2_signature_raw_to_der(raw);
    }
  }
  return crypto::parse_sm2_signature(as_bytes(text));
}

}  // namespace

const std::vector<std::string>& filing_operation_names() {
  static const std::vector<std::string> names = {"onlinePush",
                                                 "getRandom",
                                                 "uploadRecordInfos",
                                                 "checkResult",
                                                 "updateProtectKey",
                                                 "revocationSealInfo",
                                                 "applySealCode",
                                                 "confirmReceipt",
                                                 "recvAuthServer",
                                                 "msgCenterDoubleServer",
                                                 "DB.oauth.token",
                                                 "DB.seal.status.query",
                                                 "DB.seal.deactive.list.query"};
  return names;
}

bool is_filing_operation(const std::string& businesstype) {
  const auto& names = filing_operation_names();
  return businesstype == "reciveAuthServer" ||
         std::find(names.begin(), names.end(), businesstype) != names.end();
}

Status add_sign_info(Document& content, keys::Signer& signer) {
  content.RemoveMember("signInfo");
  auto der = signer.sign(as_bytes(canonical_fields(content)));
  if (!der) return der.error();
  auto raw = crypto::sm2_signature_der_to_raw(*der);
  if (!raw) return raw.error();
  auto& a = content.GetAllocator();
  Value info(rapidjson::kObjectType);
  put(info, a, "signAlgorithm", kSm3WithSm2);
  put(info, a, "signValue", crypto::to_base64(*raw));
  content.AddMember("signInfo", info, a);
  return ok_status();
}

Status verify_sign_info(const Value& content, const pki::Certificate& cert, bool required) {
  auto info = content.FindMember("signInfo");
  std::string value =
      info == content.MemberEnd() ? std::string() : text_of(info->value, "signValue");
  auto signature = value.empty() ? Result<Bytes>(Error::invalid_input("")) : signature_der(value);
  if (!signature) {
    if (required) return Error::invalid_input("signInfo缺失或signValue不是SM2签名值");
    return ok_status();
  }
  auto key = cert.public_key();
  if (!key) return key.error();
  for (bool trimmed : {true, false}) {
    std::string text = canonical_fields(content, trimmed, "signInfo");
    if (crypto::sm2_verify(*key, as_bytes(text), *signature)) return ok_status();
  }
  return Error::verification_failed("signInfo验签失败");
}

Result<std::string> sign_text(std::string_view text, keys::Signer& signer) {
  auto der = signer.sign(as_bytes(text));
  if (!der) return der.error();
  auto raw = crypto::sm2_signature_der_to_raw(*der);
  if (!raw) return raw.error();
  Bytes ecc(128, 0);
  std::copy(raw->begin(), raw->begin() + 32, ecc.begin() + 32);
  std::copy(raw->begin() + 32, raw->end(), ecc.begin() + 96);
  return crypto::to_base64(ecc);
}

Status verify_text(std::string_view text, std::string_view signature,
                   const pki::Certificate& cert) {
  auto der = signature_der(signature);
  if (!der) return Error::invalid_input("not an SM2 signature");
  auto key = cert.public_key();
  if (!key) return key.error();
  return crypto::sm2_verify(*key, as_bytes(text), *der);
}

std::string join_parts(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "||") + p;
  return out;
}

Result<std::vector<std::string>> split_parts(std::string_view joined, std::size_t head) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < head; ++i) {
    auto at = joined.find("||");
    if (at == std::string_view::npos) return Error::invalid_input("too few parts");
    out.emplace_back(joined.substr(0, at));
    joined.remove_prefix(at + 2);
  }
  auto last = joined.rfind("||");
  if (last == std::string_view::npos) return Error::invalid_input("too few parts");
  out.emplace_back(joined.substr(0, last));
  out.emplace_back(joined.substr(last + 2));
  return out;
}

std::string query_sign(const Value& content) {
  Bytes digest = crypto::sm3(as_bytes(canonical_fields(content, true, "sign")));
  return crypto::to_hex_upper(ByteView(digest).first(16));
}

bool query_sign_matches(const Value& content, std::string_view sign) {
  std::string upper(sign);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string expected = query_sign(content);
  if (upper.size() == 64)
    expected = crypto::to_hex_upper(crypto::sm3(as_bytes(canonical_fields(content, true, "sign"))));
  return upper.size() == expected.size() &&
         crypto::equal_constant_time(as_bytes(upper), as_bytes(expected));
}

Status check_request_sign_info(const std::string& businesstype, const pki::Certificate& app_cert,
                               const Value& content) {
  if (businesstype.starts_with("DB.") || verify_sign_info(content, app_cert, false))
    return ok_status();
  return refused("signInfo验签失败");
}

Result<Document> answer_filing(FilingDoor& door, const std::string& businesstype,
                               const service::Caller& caller, const pki::Certificate& app_cert,
                               const Value& content, Time now) {
  return FilingCall(door, caller, app_cert, content, now).answer(businesstype);
}

}  // namespace eseal::api::ldt
