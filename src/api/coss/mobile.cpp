#include "api/coss/mobile.h"

#include <rapidjson/document.h>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/coss/wording.h"
#include "api/json.h"
#include "api/json_text.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;

// A phone sends points, proofs and signatures, never documents.
constexpr std::size_t kBodyLimit = 64 * 1024;

std::string b64(ByteView bytes) {
  return crypto::to_base64(bytes);
}

// The user CA's certificates, base64 DER; none when no user CA is set up.
Value ca_chain(service::UserCertificates& ca, Document::AllocatorType& a) {
  Value chain(rapidjson::kArrayType);
  if (auto certs = ca.user_ca_chain(); certs) {
    for (const auto& cert : *certs) {
      std::string der = b64(cert.der());
      chain.PushBack(Value(der.c_str(), a), a);
    }
  }
  return chain;
}

}  // namespace

struct MobileAdapter::Call {
  const Document& body;
  std::optional<service::CossKeys::Session> session;
  Time now;

  std::string text(std::string_view name) const {
    for (const auto& m : body.GetObject()) {
      if (json_view(m.name) == name && m.value.IsString()) return std::string(json_view(m.value));
    }
    return "";
  }
  // A base64 field's bytes; nullopt when absent or not base64.
  std::optional<Bytes> bytes(std::string_view name) const {
    auto decoded = crypto::from_base64(text(name));
    if (!decoded || decoded->empty()) return std::nullopt;
    return std::move(*decoded);
  }
};

const std::vector<MobileAdapter::Entry>& MobileAdapter::table() {
  static const std::vector<Entry> operations{
      {"getServiceInfo", &MobileAdapter::service_info, false},
      {"activate", &MobileAdapter::activate, false},
      {"certificate", &MobileAdapter::certificate, true},
      {"login", &MobileAdapter::login, false},
      {"listJobs", &MobileAdapter::list_jobs, true},
      {"getJob", &MobileAdapter::get_job, true},
      {"resolveQr", &MobileAdapter::resolve_qr, true},
      {"signPrepare", &MobileAdapter::sign_prepare, true},
      {"signComplete", &MobileAdapter::sign_complete, true},
      {"rejectJob", &MobileAdapter::reject_job, true},
      {"logout", &MobileAdapter::logout, true},
      {"decryptPrepare", &MobileAdapter::decrypt_prepare, true},
      {"findBack", &MobileAdapter::find_back, false},
  };
  return operations;
}

std::string MobileAdapter::handle(std::string_view operation, std::string_view body,
                                  std::string_view token, Time now) {
  const Entry* entry = nullptr;
  for (const Entry& e : table()) {
    if (e.name == operation) entry = &e;
  }
  if (!entry) return answer({code::kBadParameter, "没有接口" + std::string(operation)}, "");
  ParsedJson parsed = parse_json(body.empty() ? std::string_view("{}") : body);
  if (!parsed || !parsed.document->IsObject()) {
    return answer({code::kBadParameter, "报文不是JSON对象"}, "");
  }
  Call call{*parsed.document, std::nullopt, now};
  if (entry->needs_token) {
    if (token.empty()) return answer({89005030, "缺少令牌"}, "");
    auto session = keys_.authenticate(std::string(token), now);
    if (!session) return answer(refusal_of(session.error()), "");
    call.session = std::move(*session);
  }
  return (this->*entry->run)(call);
}

std::string MobileAdapter::service_info(const Call& c) {
  if (std::string app = c.text("appId"); !app.empty()) {
    auto credentials = credentials_.coss(app);
    if (!credentials) return answer(refusal_of(credentials.error(), code::kUnknownApp), "");
  }
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  put(data, "serverTime", format_utc(c.now));
  Value schemes(rapidjson::kArrayType);
  schemes.PushBack(Value(cosign::kSchemeInverse3n.data(),
                         static_cast<rapidjson::SizeType>(cosign::kSchemeInverse3n.size()), a),
                   a);
  data.AddMember("schemes", schemes, a);
  put(data, "curve", "sm2p256v1");
  put(data, "zId", crypto::kSm2DefaultUserId);
  put(data, "qrProtocolVersion", "2.0");
  data.AddMember("caChain", ca_chain(ca_, a), a);
  return success("", &data);
}

std::string MobileAdapter::activate(const Call& c) {
  return enrol(c, false);
}

std::string MobileAdapter::find_back(const Call& c) {
  return enrol(c, true);
}

std::string MobileAdapter::enrol(const Call& c, bool find_back) {
  service::EnrolRequest request;
  request.find_back = find_back;
  request.app_id = c.text("appId");
  request.ticket = c.text("o");
  request.code = c.text("code");
  request.mobile = c.text("mobile");
  request.device_name = c.text("deviceName");
  auto device_key = c.bytes("deviceKey");
  auto p1 = c.bytes("p1");
  auto proof = c.bytes("p1Proof");
  if (request.app_id.empty() || (request.ticket.empty() && request.code.empty()) || !device_key ||
      !p1 || !proof) {
    return answer({code::kBadParameter, "需要appId、o或code、deviceKey、p1与p1Proof"}, "");
  }
  request.device_key = std::move(*device_key);
  request.p1 = std::move(*p1);
  request.p1_proof = std::move(*proof);
  auto enrolment = keys_.enrol(request, c.now);
  if (!enrolment) return answer(refusal_of(enrolment.error(), 89005001), "");
  auto job = jobs_.certificate_job(*enrolment, c.now);
  if (!job) return answer(refusal_of(job.error()), "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  put(data, "keyId", enrolment->key.id);
  put(data, "msspId", enrolment->user.id);
  put(data, "userName", enrolment->user.name);
  put(data, "deviceId", enrolment->key.device_id);
  put(data, "scheme", enrolment->key.scheme);
  put(data, "p2", b64(enrolment->p2));
  put(data, "p2Proof", b64(enrolment->p2_proof));
  put(data, "p", b64(enrolment->key.public_key));
  put(data, "token", enrolment->token);
  data.AddMember("expiresIn", static_cast<std::int64_t>(service::kTokenLifetime.count() * 60), a);
  put(data, "certJobId", job->id);
  return success("", &data);
}

std::string MobileAdapter::certificate(const Call& c) {
  const auto& key = c.session->key;
  if (key.certificate.empty()) return answer({89005008, ""}, "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  put(data, "keyId", key.id);
  put(data, "msspId", key.user_id);
  put(data, "signCert", b64(key.certificate));
  data.AddMember("caChain", ca_chain(ca_, a), a);
  return success("", &data);
}

std::string MobileAdapter::login(const Call& c) {
  auto signature = c.bytes("signature");
  if (c.text("keyId").empty() || !signature) {
    return answer({code::kBadParameter, "需要keyId、time、nonce与signature"}, "");
  }
  auto login = keys_.login(c.text("keyId"), c.text("time"), c.text("nonce"), *signature, c.now);
  if (!login) return answer(refusal_of(login.error(), 89005006), "");
  Document data(rapidjson::kObjectType);
  put(data, "token", login->token);
  data.AddMember("expiresIn", static_cast<std::int64_t>(service::kTokenLifetime.count() * 60),
                 data.GetAllocator());
  return success("", &data);
}

namespace {

void describe_job(Value& item, Document::AllocatorType& a, const service::SignJob& job) {
  put(item, a, "signDataId", job.id);
  put(item, a, "title", job.title);
  put(item, a, "description", job.description);
  put(item, a, "dataType", job.data_type);
  put(item, a, "algo", job.algo);
  put(item, a, "status", job.status);
  put(item, a, "createTime", china_time(job.created));
  put(item, a, "expiryTime", china_time(job.expires));
}

}  // namespace

std::string MobileAdapter::list_jobs(const Call& c) {
  auto jobs = jobs_.pending(*c.session, c.now);
  if (!jobs) return answer(refusal_of(jobs.error()), "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& job : *jobs) {
    Value item(rapidjson::kObjectType);
    describe_job(item, a, job);
    list.PushBack(item, a);
  }
  data.AddMember("jobs", list, a);
  return success("", &data);
}

namespace {

// What the phone shows before the user confirms: the job and the exact digest to sign.
std::string job_detail(service::SignJobs& jobs, const service::CossKeys::Session& who,
                       Result<service::SignJob> job) {
  if (!job) return answer(refusal_of(job.error()), "");
  auto e = jobs.digest(*job, who.key);
  if (!e) return answer(refusal_of(e.error()), "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  describe_job(data, a, *job);
  put(data, "data", b64(job->data));
  put(data, "hash", b64(*e));
  put(data, "zId", crypto::kSm2DefaultUserId);
  return success("", &data);
}

}  // namespace

std::string MobileAdapter::get_job(const Call& c) {
  return job_detail(jobs_, *c.session, jobs_.view(*c.session, c.text("signDataId"), c.now));
}

std::string MobileAdapter::resolve_qr(const Call& c) {
  return job_detail(jobs_, *c.session, jobs_.resolve(*c.session, c.text("o"), c.now));
}

std::string MobileAdapter::sign_prepare(const Call& c) {
  auto q1 = c.bytes("q1");
  if (!q1) return answer({code::kBadParameter, "需要q1"}, "");
  auto prepared = jobs_.prepare(*c.session, c.text("signDataId"), *q1, c.now);
  if (!prepared) return answer(refusal_of(prepared.error()), "");
  Document data(rapidjson::kObjectType);
  put(data, "sessionId", prepared->session_id);
  put(data, "r", b64(prepared->partial.r));
  put(data, "s2", b64(prepared->partial.s2));
  put(data, "s3", b64(prepared->partial.s3));
  put(data, "hash", b64(prepared->e));
  return success("", &data);
}

std::string MobileAdapter::sign_complete(const Call& c) {
  auto signature = c.bytes("signature");
  if (!signature) return answer({code::kBadParameter, "需要signature"}, "");
  auto job = jobs_.complete(*c.session, c.text("sessionId"), *signature, c.now);
  if (!job) return answer(refusal_of(job.error()), "");
  Document data(rapidjson::kObjectType);
  put(data, "signDataId", job->id);
  put(data, "status", job->status);
  put(data, "signResult", b64(job->signature));
  put(data, "signCert", b64(job->certificate));
  return success("", &data);
}

std::string MobileAdapter::reject_job(const Call& c) {
  auto job = jobs_.reject(*c.session, c.text("signDataId"), c.text("reason"), c.now);
  if (!job) return answer(refusal_of(job.error()), "");
  return success("");
}

std::string MobileAdapter::logout(const Call& c) {
  Status done = keys_.logout(*c.session, c.now);
  if (!done) return answer(refusal_of(done.error()), "");
  return success("");
}

std::string MobileAdapter::decrypt_prepare(const Call& c) {
  auto t1 = c.bytes("t1");
  if (!t1) return answer({code::kBadParameter, "需要t1"}, "");
  auto t2 = jobs_.decrypt(*c.session, c.text("signDataId"), *t1, c.now);
  if (!t2) return answer(refusal_of(t2.error()), "");
  Document data(rapidjson::kObjectType);
  put(data, "t2", b64(*t2));
  return success("", &data);
}

void add_mobile_routes(Server& server, MobileAdapter& adapter) {
  RouteOptions options;
  options.body_limit = kBodyLimit;
  options.on_error = [](const api::Request&, int status, std::string_view message) {
    int coss_code = status == 413 ? code::kBadParameter : code::kServer;
    return Response::json(200, answer({coss_code, std::string(message)}, ""));
  };
  for (const auto& entry : MobileAdapter::table()) {
    std::string name(entry.name);
    server.route(
        "POST", "/coss/mobile/v1/" + name,
        [&adapter, name](const api::Request& request) {
          std::string_view auth = request.headers.get("Authorization").value_or("");
          std::string_view token;
          if (auth.rfind("Bearer ", 0) == 0) token = auth.substr(7);
          Response r = Response::json(200, adapter.handle(name, request.body, token, now_utc()));
          r.log_fields = {{"operation", name}};
          return r;
        },
        options);
  }
}

}  // namespace eseal::api::coss
