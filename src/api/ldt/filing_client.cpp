#include "api/ldt/filing_client.h"

#include "api/json.h"
#include "api/json_text.h"
#include "api/ldt/content.h"
#include "api/ldt/filing.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::api::ldt {
namespace {

using rapidjson::Document;
using rapidjson::Value;
namespace filing = service::filing;

Document task_content(const std::string& task_code, filing::TaskType type,
                      const std::string& token_info) {
  Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  put(c, a, "taskCode", task_code);
  put(c, a, "version", "1.0");
  if (!token_info.empty()) put(c, a, "tokenInfo", token_info);
  put(c, a, "taskTypeCode", std::to_string(static_cast<int>(type)));
  return c;
}

Error broken(const std::string& what) {
  return Error::invalid_input("the platform's answer " + what);
}

std::optional<filing::Package> package_of(const Value& item) {
  auto p = item.FindMember("package");
  if (p == item.MemberEnd() || !p->value.IsObject()) return std::nullopt;
  return filing::Package{text_of(p->value, "yzbm"), text_of(p->value, "encFile"),
                         text_of(p->value, "appSymKeyEnc"), text_of(p->value, "dataSymKeyEnc")};
}

std::vector<filing::ItemResult> item_results_of(const Value& answer) {
  std::vector<filing::ItemResult> out;
  auto data = answer.FindMember("data");
  if (data == answer.MemberEnd() || !data->value.IsArray()) return out;
  for (const auto& item : data->value.GetArray()) {
    if (!item.IsObject()) continue;
    auto package = package_of(item);
    std::string code = text_of(item, "yzbm");
    if (code.empty() && package) code = package->yzbm;
    out.push_back({code, text_of(item, "errorCode"), text_of(item, "errorInfo"), package});
  }
  return out;
}

std::string random_a() {
  auto bytes = crypto::random_bytes(8);
  return bytes ? crypto::to_hex(*bytes) : std::string(16, '0');
}

std::string random_hex32() {
  auto bytes = crypto::random_bytes(16);
  return bytes ? crypto::to_hex(*bytes) : std::string(32, '0');
}

}  // namespace

Result<std::unique_ptr<FilingClient>> FilingClient::create(UpstreamOptions options) {
  auto url = parse_http_url(options.url, "/seal/v1/electricSeal");
  if (!url) return url.error();
  if (!options.credentials.signer) return Error::invalid_input("no signer for the requests");
  return std::unique_ptr<FilingClient>(new FilingClient(std::move(options), std::move(*url)));
}

FilingClient::FilingClient(UpstreamOptions options, HttpUrl url)
    : options_(std::move(options)),
      url_(std::move(url)),
      http_(url_.host, url_.port, HttpClientOptions{{}, options_.timeout}) {}

Result<Document> FilingClient::call(const std::string& businesstype, Document content,
                                    bool signed_answer) {
  if (signed_answer) {
    if (auto s = add_sign_info(content, *options_.credentials.signer); !s) return s.error();
  }
  auto body = build_request(options_.credentials, businesstype, content, now_utc(), random_hex32());
  if (!body) return body.error();
  auto reply = http_.post(url_.target, std::move(*body));
  if (!reply) return reply.error();
  if (reply->status != 200)
    return Error::io("the platform answered " + businesstype + " with HTTP " +
                     std::to_string(reply->status));
  auto parsed = parse_json(reply->body);
  if (!parsed || !parsed.document->IsObject()) return broken("to " + businesstype + " is not JSON");
  Document& doc = *parsed.document;
  auto header = doc.FindMember("message_header");
  if (header == doc.MemberEnd() || !header->value.IsObject())
    return broken("to " + businesstype + " has no message_header");
  std::string error_code(trim_json_space(text_of(header->value, "errorCode")));
  if (error_code != "1") {
    return Error::invalid_input("the platform refused " + businesstype + ": " +
                                text_of(header->value, "errorInfo"));
  }
  // message_content beside the header, or (as some of the seed's examples print) inside it.
  Value* content_value = nullptr;
  if (auto c = doc.FindMember("message_content"); c != doc.MemberEnd() && c->value.IsObject())
    content_value = &c->value;
  else if (auto inner = header->value.FindMember("message_content");
           inner != header->value.MemberEnd() && inner->value.IsObject())
    content_value = &inner->value;
  Document out;
  out.SetObject();
  if (content_value) out.CopyFrom(*content_value, out.GetAllocator());
  // Verified as sent (or trimmed), then read trimmed, as the server reads requests.
  if (signed_answer) {
    if (auto s = verify_sign_info(out, options_.platform_cert, true); !s)
      return Error::verification_failed("the platform's signInfo on " + businesstype +
                                        " does not verify: " + s.error().message);
  }
  trim_in_place(out, out.GetAllocator());
  return out;
}

Status FilingClient::answers(const Document& answer, const std::string& task_code,
                             filing::TaskType type) {
  // A signed answer is bound to its operation: one answer cannot stand for another's.
  if (text_of(answer, "taskCode") != task_code ||
      text_of(answer, "taskTypeCode") != std::to_string(static_cast<int>(type)))
    return Error::verification_failed("the platform's answer is not one to " + task_code);
  return ok_status();
}

Result<std::string> FilingClient::task_id_of(const Document& answer) {
  auto data = answer.FindMember("data");
  std::string id;
  if (data != answer.MemberEnd()) id = text_of(data->value, "taskId");
  if (id.empty()) return broken("carries no taskId");
  return id;
}

Status FilingClient::push_unit(const service::Fields& unit) {
  Document c;
  c.SetObject();
  for (const auto& [key, value] : unit) put(c, c.GetAllocator(), key.c_str(), value);
  auto answer = call("onlinePush", std::move(c), false);
  if (!answer) return answer.error();
  return ok_status();
}

Result<std::string> FilingClient::challenge(const std::string& random_a) {
  Document c;
  c.SetObject();
  put(c, c.GetAllocator(), "taskCode", "applyRandom");
  put(c, c.GetAllocator(), "version", "1.0");
  put(c, c.GetAllocator(), "randomA", random_a);
  auto answer = call("getRandom", std::move(c), true);
  if (!answer) return answer.error();
  std::string random_b = text_of(*answer, "randomB");
  if (random_b.empty()) return broken("to getRandom carries no randomB");
  return random_a + random_b;
}

Result<std::string> FilingClient::seal_code(const std::string& token_info,
                                            const std::string& area) {
  Document c = task_content("applySealCode", filing::TaskType::kSealCode, token_info);
  Value data(rapidjson::kObjectType);
  put(data, c.GetAllocator(), "areaNumber", area);
  c.AddMember("data", data, c.GetAllocator());
  auto answer = call("applySealCode", std::move(c), true);
  if (!answer) return answer.error();
  if (auto s = answers(*answer, "applySealCode", filing::TaskType::kSealCode); !s) return s.error();
  auto d = answer->FindMember("data");
  std::string code = d == answer->MemberEnd() ? "" : text_of(d->value, "sealCode");
  if (code.empty()) return broken("to applySealCode carries no sealCode");
  return code;
}

Result<std::string> FilingClient::upload(const std::string& token_info,
                                         const std::vector<filing::SealUpload>& seals) {
  Document c = task_content("uploadRecordInfos", filing::TaskType::kFiling, token_info);
  auto& a = c.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& s : seals) {
    Value item(rapidjson::kObjectType);
    put(item, a, "sealEncCert", crypto::to_base64(s.enc_cert.der()));
    put(item, a, "sealSignCert", crypto::to_base64(s.sign_cert.der()));
    Value data(rapidjson::kObjectType);
    for (const auto& name : eseal::filing::ga_data_field_names()) {
      if (name != "deviceCode")
        put(data, a, name.c_str(), *eseal::filing::ga_data_field(s.data, name));
    }
    put(data, a, "ymlx", s.picture_type);
    put(data, a, "ymsd", s.picture);
    item.AddMember("sealData", data, a);
    put(item, a, "districtCode", s.district);
    list.PushBack(item, a);
  }
  c.AddMember("data", list, a);
  auto answer = call("uploadRecordInfos", std::move(c), true);
  if (!answer) return answer.error();
  if (auto s = answers(*answer, "uploadRecordInfos", filing::TaskType::kFiling); !s)
    return s.error();
  return task_id_of(*answer);
}

Result<std::string> FilingClient::update_keys(const std::string& token_info,
                                              const std::vector<filing::KeyUpdate>& updates) {
  Document c = task_content("updateProtectKey", filing::TaskType::kKeyUpdate, token_info);
  auto& a = c.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& u : updates) {
    Value item(rapidjson::kObjectType);
    put(item, a, "yzbm", u.proof.seal_code);
    put(item, a, "sealEncCert", crypto::to_base64(u.enc_cert.der()));
    put(item, a, "sealSignCert", crypto::to_base64(u.sign_cert.der()));
    put(item, a, "deviceCode", u.proof.device_code);
    put(item, a, "encDeviceCode", u.proof.enc_device_code);
    list.PushBack(item, a);
  }
  c.AddMember("data", list, a);
  auto answer = call("updateProtectKey", std::move(c), true);
  if (!answer) return answer.error();
  if (auto s = answers(*answer, "updateProtectKey", filing::TaskType::kKeyUpdate); !s)
    return s.error();
  return task_id_of(*answer);
}

Result<std::string> FilingClient::revoke(const std::string& token_info,
                                         const std::vector<filing::RevocationRequest>& seals) {
  Document c = task_content("revocationSealInfo", filing::TaskType::kRevocation, token_info);
  auto& a = c.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& s : seals) {
    Value item(rapidjson::kObjectType);
    put(item, a, "yzbm", s.proof.seal_code);
    put(item, a, "deviceCode", s.proof.device_code);
    put(item, a, "encDeviceCode", s.proof.enc_device_code);
    put(item, a, "cancelReason", std::to_string(s.revocation.reason));
    put(item, a, "cancelDescribe", s.revocation.describe);
    put(item, a, "invalidType", std::to_string(s.revocation.type));
    put(item, a, "applyDate", format_china(s.revocation.applied));
    put(item, a, "invalidEffectTime", format_china(s.revocation.effective));
    list.PushBack(item, a);
  }
  c.AddMember("data", list, a);
  auto answer = call("revocationSealInfo", std::move(c), true);
  if (!answer) return answer.error();
  if (auto s = answers(*answer, "revocationSealInfo", filing::TaskType::kRevocation); !s)
    return s.error();
  return task_id_of(*answer);
}

Result<filing::FilingTask> FilingClient::result(filing::TaskType type, const std::string& task_id) {
  Document c = task_content("checkResult", type, "");
  Value data(rapidjson::kObjectType);
  put(data, c.GetAllocator(), "taskId", task_id);
  c.AddMember("data", data, c.GetAllocator());
  auto answer = call("checkResult", std::move(c), true);
  if (!answer) return answer.error();
  if (auto s = answers(*answer, "checkResult", type); !s) return s.error();
  if (text_of(*answer, "taskId") != task_id)
    return Error::verification_failed("the platform's checkResult answer is for another task");
  return filing::FilingTask{task_id, type, text_of(*answer, "taskState"), item_results_of(*answer)};
}

Result<std::vector<filing::ItemResult>> FilingClient::confirm(
    const std::string& token_info, filing::TaskType type,
    const std::vector<filing::Receipt>& receipts) {
  Document c = task_content("confirmReceipt", type, token_info);
  auto& a = c.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& r : receipts) {
    Value item(rapidjson::kObjectType);
    put(item, a, "taskId", r.task_id);
    put(item, a, "yzbm", r.proof.seal_code);
    put(item, a, "deviceCode", r.proof.device_code);
    put(item, a, "encDeviceCode", r.proof.enc_device_code);
    list.PushBack(item, a);
  }
  c.AddMember("data", list, a);
  auto answer = call("confirmReceipt", std::move(c), true);
  if (!answer) return answer.error();
  if (auto s = answers(*answer, "confirmReceipt", type); !s) return s.error();
  auto items = item_results_of(*answer);
  for (const auto& i : items) {
    bool asked = std::any_of(receipts.begin(), receipts.end(), [&](const filing::Receipt& r) {
      return r.proof.seal_code == i.seal_code;
    });
    if (!asked) return Error::verification_failed("the platform confirmed a seal not asked about");
  }
  return items;
}

Status FilingClient::send_status(const std::string& task_code, const std::string& task_data) {
  // recvAuthServer: the platform's token, checked, gives randomB for the data string.
  std::string a_random = random_a();
  Document auth;
  auth.SetObject();
  const pki::Certificate& mine = options_.credentials.signer->certificate();
  std::string id_a = crypto::to_base64(mine.der());
  put(auth, auth.GetAllocator(), "idA", id_a);
  put(auth, auth.GetAllocator(), "randomA", a_random);
  auto answer = call("recvAuthServer", std::move(auth), true);
  if (!answer) return answer.error();
  auto parts = split_parts(text_of(*answer, "token"), 2);
  if (!parts || (*parts)[2] != a_random) return broken("to recvAuthServer carries no token for us");
  const std::string &id_b = (*parts)[0], &random_b = (*parts)[1];
  auto der = crypto::from_base64(id_b);
  if (!der || *der != options_.platform_cert.der())
    return Error::verification_failed("the token's idB is not the platform's certificate");
  if (!verify_text(join_parts({id_b, random_b, a_random}), (*parts)[3], options_.platform_cert))
    return Error::verification_failed("the token's signature does not verify");
  // msgCenterDoubleServer: idA||randomB||text||sign(idA||randomB||text).
  auto task_signature = sign_text(task_data, *options_.credentials.signer);
  if (!task_signature) return task_signature.error();
  Document text;
  text.SetObject();
  put(text, text.GetAllocator(), "taskCode", task_code);
  put(text, text.GetAllocator(), "taskData", task_data);
  put(text, text.GetAllocator(), "taskSignature", *task_signature);
  std::string signed_part = join_parts({id_a, random_b, compact_json(text)});
  auto signature = sign_text(signed_part, *options_.credentials.signer);
  if (!signature) return signature.error();
  Document message;
  message.SetObject();
  put(message, message.GetAllocator(), "data", join_parts({signed_part, *signature}));
  auto sent = call("msgCenterDoubleServer", std::move(message), false);
  if (!sent) return sent.error();
  auto success = sent->FindMember("success");
  bool ok = success != sent->MemberEnd() &&
            (success->value.IsTrue() ||
             (success->value.IsString() && json_view(success->value) == "true"));
  if (!ok) return broken("to msgCenterDoubleServer is not success");
  return ok_status();
}

Status FilingClient::publish(const filing::Publication& p) {
  const pki::Certificate& mine = options_.credentials.signer->certificate();
  Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  put(d, a, "provincePubSysId", crypto::to_base64(mine.der()));
  put(d, a, "sealCode", p.seal_code);
  put(d, a, "sealName", p.seal_name);
  put(d, a, "useUnitCode", p.use_unit_code);
  put(d, a, "sealZone", p.zone);
  put(d, a, "validStartTime", p.valid_start);
  put(d, a, "validEndTime", p.valid_end);
  put(d, a, "creator", p.creator);
  return send_status("207", compact_json(d));
}

Status FilingClient::withdraw(const std::string& seal_code, const std::string& seal_name,
                              const filing::Revocation& r) {
  const pki::Certificate& mine = options_.credentials.signer->certificate();
  Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  put(d, a, "provincePubSysId", crypto::to_base64(mine.der()));
  put(d, a, "sealCode", seal_code);
  put(d, a, "sealName", seal_name);
  put(d, a, "cancelReason", std::to_string(r.reason));
  put(d, a, "cancelDescribe", r.describe);
  put(d, a, "applyDate", format_china(r.applied));
  put(d, a, "invalidType", std::to_string(r.type));
  put(d, a, "invalidEffectTime", format_china(r.effective));
  return send_status("209", compact_json(d));
}

Result<std::string> FilingClient::token() {
  if (options_.username.empty())
    return Error::invalid_input(
        "no DB.oauth.token account configured (username, password, salt, "
        "client_id, client_secret)");
  Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  put(c, a, "method", "DB.oauth.token");
  put(c, a, "username", options_.username);
  put(c, a, "password", crypto::to_hex(crypto::sm3(as_bytes(options_.password + options_.salt))));
  put(c, a, "client_id", options_.client_id);
  put(c, a, "client_secret", options_.client_secret);
  put(c, a, "grant_type", "password");
  put(c, a, "version", "1.0");
  put(c, a, "timestamp", format_china(now_utc()));
  auto answer = call("DB.oauth.token", std::move(c), false);
  if (!answer) return answer.error();
  auto data = answer->FindMember("data");
  if (data == answer->MemberEnd() || !data->value.IsArray() || data->value.Empty())
    return broken("to DB.oauth.token carries no data");
  std::string token = text_of(data->value[0], "access_token");
  if (token.empty()) return broken("to DB.oauth.token carries no access_token");
  return token;
}

namespace {

// yyyyMMddHHmmss in China Standard Time.
std::string compact_time(Time t) {
  std::string s = format_china(t), out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

}  // namespace

Result<Document> FilingClient::status(const std::string& seal_code, const std::string& seal_name,
                                      Time at) {
  Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  if (!options_.username.empty()) {
    auto t = token();
    if (!t) return t.error();
    put(c, a, "appKey", options_.client_id);
    put(c, a, "token", *t);
    put(c, a, "username", options_.username);
  }
  put(c, a, "method", "DB.seal.status.query");
  put(c, a, "format", "json");
  put(c, a, "version", "1.0");
  put(c, a, "type", "sync");
  put(c, a, "timestamp", compact_time(now_utc()));
  put(c, a, "sealCode", seal_code);
  if (!seal_name.empty()) put(c, a, "sealName", seal_name);
  put(c, a, "queryTime", format_china(at));
  put(c, a, "sign", query_sign(c));
  return call("DB.seal.status.query", std::move(c), false);
}

Result<Document> FilingClient::revocations(Time from, Time to, int page_size, int page) {
  auto t = token();
  if (!t) return t.error();
  Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  put(c, a, "method", "DB.seal.deactive.list.query");
  put(c, a, "appKey", options_.client_id);
  put(c, a, "token", *t);
  put(c, a, "username", options_.username);
  put(c, a, "format", "json");
  put(c, a, "version", "1.0");
  put(c, a, "type", "sync");
  put(c, a, "timestamp", compact_time(now_utc()));
  put(c, a, "queryStartTime", format_china(from));
  put(c, a, "queryEndTime", format_china(to));
  put(c, a, "pageSize", std::to_string(page_size));
  put(c, a, "pageNow", std::to_string(page));
  put(c, a, "sign", query_sign(c));
  auto answer = call("DB.seal.deactive.list.query", std::move(c), false);
  if (!answer) return answer;
  auto data = answer->FindMember("data");
  if (data == answer->MemberEnd() || !data->value.IsArray() || data->value.Empty() ||
      !data->value[0].IsObject())
    return broken("to DB.seal.deactive.list.query carries no list");
  const Value& list = data->value[0];
  if (!verify_text(canonical_fields(list, false, "signature"), text_of(list, "signature"),
                   options_.platform_cert))
    return Error::verification_failed("the revocation list's signature does not verify");
  return answer;
}

}  // namespace eseal::api::ldt
