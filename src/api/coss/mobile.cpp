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
constexpr std::size_t kMobileBodyLimit = 64 * 1024;

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
      {"grantAutoSign", &MobileAdapter::grant_auto_sign, true},
      {"revokeAutoSign", &MobileAdapter::revoke_auto_sign, true},
      {"listAutoSign", &MobileAdapter::list_auto_sign, true},
      {"delegate", &MobileAdapter::delegate, true},
      {"listDelegations", &MobileAdapter::list_delegations, true},
      {"acceptDelegation", &MobileAdapter::accept_delegation, true},
      {"refuseDelegation", &MobileAdapter::refuse_delegation, true},
      {"cancelDelegation", &MobileAdapter::cancel_delegation, true},
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
  ParsedJson parsed = parse_json(body.empty() ? std::string_view("{}") : body, json_);
  if (!parsed) return answer({code::kBadParameter, describe_zh(parsed.error)}, "");
  if (!parsed.document->IsObject()) return answer({code::kBadParameter, "报文不是JSON对象"}, "");
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
  // Where a phone escrows its share for auto-sign (absent without a user CA).
  if (auto escrow = escrow_.escrow_certificate(); escrow) {
    put(data, "escrowCert", b64(escrow->der()));
  }
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
  // Where a phone escrows its share for auto-sign (absent without a user CA).
  if (auto escrow = escrow_.escrow_certificate(); escrow) {
    put(data, "escrowCert", b64(escrow->der()));
  }
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
  // Signed for another user, under their delegation.
  if (!job.delegation.empty()) {
    put(item, a, "onBehalfOf", job.user_id);
    put(item, a, "delegation", job.delegation);
  }
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
Status detail_job(Value& item, Document::AllocatorType& a, service::SignJobs& jobs,
                  const service::CossKeys::Session& who, const service::SignJob& job) {
  auto e = jobs.digest(job, who.key);
  if (!e) return e.error();
  describe_job(item, a, job);
  put(item, a, "data", b64(job.data));
  put(item, a, "hash", b64(*e));
  put(item, a, "zId", crypto::kSm2DefaultUserId);
  return ok_status();
}

}  // namespace

std::string MobileAdapter::get_job(const Call& c) {
  auto job = jobs_.view(*c.session, c.text("signDataId"), c.now);
  if (!job) return answer(refusal_of(job.error()), "");
  Document data(rapidjson::kObjectType);
  if (Status shown = detail_job(data, data.GetAllocator(), jobs_, *c.session, *job); !shown) {
    return answer(refusal_of(shown.error()), "");
  }
  return success("", &data);
}

// The first job of the QR code as getJob answers it, and every job of the code in "group".
std::string MobileAdapter::resolve_qr(const Call& c) {
  auto group = jobs_.resolve_group(*c.session, c.text("o"), c.now);
  if (!group) return answer(refusal_of(group.error()), "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  if (Status shown = detail_job(data, a, jobs_, *c.session, group->front()); !shown) {
    return answer(refusal_of(shown.error()), "");
  }
  Value list(rapidjson::kArrayType);
  for (const auto& job : *group) {
    Value item(rapidjson::kObjectType);
    if (Status shown = detail_job(item, a, jobs_, *c.session, job); !shown) {
      return answer(refusal_of(shown.error()), "");
    }
    list.PushBack(item, a);
  }
  data.AddMember("group", list, a);
  return success("", &data);
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

namespace {

void describe_grant(Value& item, Document::AllocatorType& a, const service::AutoSignGrant& g) {
  put(item, a, "grantId", g.id);
  put(item, a, "status", g.status);
  put(item, a, "signDataId", g.job_id);
  put(item, a, "endTime", g.ends ? china_time(*g.ends) : "");
  item.AddMember("maxCount", g.max_count, a);
  item.AddMember("used", g.used, a);
}

void describe_delegation(Value& item, Document::AllocatorType& a, const service::Delegation& d) {
  put(item, a, "businessId", d.id);
  put(item, a, "status", d.status);
  put(item, a, "authorizerId", d.grantor_id);
  put(item, a, "authorizerName", d.grantor_name);
  put(item, a, "authorizeeId", d.grantee_id);
  put(item, a, "authorizeeName", d.grantee_name);
  put(item, a, "endTime", china_time(d.ends));
  put(item, a, "signDataId", d.job_id);
}

}  // namespace

std::string MobileAdapter::grant_auto_sign(const Call& c) {
  auto escrow = c.bytes("escrow");
  if (!escrow) return answer({code::kBadParameter, "需要escrow"}, "");
  auto grant = auto_sign_.grant(*c.session, c.text("signDataId"), *escrow, c.now);
  if (!grant) return answer(refusal_of(grant.error()), "");
  Document data(rapidjson::kObjectType);
  describe_grant(data, data.GetAllocator(), *grant);
  return success("", &data);
}

std::string MobileAdapter::revoke_auto_sign(const Call& c) {
  auto revoked = auto_sign_.revoke(*c.session, c.now);
  if (!revoked) return answer(refusal_of(revoked.error()), "");
  Document data(rapidjson::kObjectType);
  data.AddMember("revoked", *revoked, data.GetAllocator());
  return success("", &data);
}

std::string MobileAdapter::list_auto_sign(const Call& c) {
  auto grants = auto_sign_.of_user(c.session->user.id, c.now);
  if (!grants) return answer(refusal_of(grants.error()), "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  Value list(rapidjson::kArrayType);
  for (const auto& g : *grants) {
    Value item(rapidjson::kObjectType);
    describe_grant(item, a, g);
    list.PushBack(item, a);
  }
  data.AddMember("grants", list, a);
  return success("", &data);
}

std::string MobileAdapter::delegate(const Call& c) {
  const service::CossKeys::Session& who = *c.session;
  auto app = credentials_.coss(c.text("appId"));
  if (!app || app->caller.app_id != who.user.app_id) {
    return answer({code::kUnknownApp, "appId应为本用户的应用"}, "");
  }
  auto ends = china_time_of(c.text("endTime"));
  if (!ends) return answer({89005018, "endTime应为yyyy-MM-dd HH:mm:ss"}, "");
  auto d = jobs_.delegate(app->caller, who, c.text("authorizeeId"), c.text("authorizeeMobile"),
                          *ends, c.now);
  if (!d) return answer(refusal_of(d.error()), "");
  Document data(rapidjson::kObjectType);
  describe_delegation(data, data.GetAllocator(), *d);
  return success("", &data);
}

std::string MobileAdapter::list_delegations(const Call& c) {
  const std::string& me = c.session->user.id;
  auto given = delegations_.given(me, "", c.now);
  auto received = delegations_.received(me, "", c.now);
  if (!given) return answer(refusal_of(given.error()), "");
  if (!received) return answer(refusal_of(received.error()), "");
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  for (auto [name, list] : {std::pair{"given", &*given}, std::pair{"received", &*received}}) {
    Value items(rapidjson::kArrayType);
    for (const auto& d : *list) {
      Value item(rapidjson::kObjectType);
      describe_delegation(item, a, d);
      items.PushBack(item, a);
    }
    data.AddMember(Value(name, a), items, a);
  }
  return success("", &data);
}

std::string MobileAdapter::accept_delegation(const Call& c) {
  auto accepted = jobs_.accept_delegation(*c.session, c.text("businessId"), c.now);
  if (!accepted) return answer(refusal_of(accepted.error()), "");
  return success("");
}

std::string MobileAdapter::refuse_delegation(const Call& c) {
  auto refused = delegations_.refuse(*c.session, c.text("businessId"), c.now);
  if (!refused) return answer(refusal_of(refused.error()), "");
  return success("");
}

std::string MobileAdapter::cancel_delegation(const Call& c) {
  auto cancelled = delegations_.cancel(*c.session, c.text("businessId"), c.now);
  if (!cancelled) return answer(refusal_of(cancelled.error()), "");
  return success("");
}

void add_mobile_routes(Server& server, MobileAdapter& adapter) {
  RouteOptions options;
  options.body_limit = kMobileBodyLimit;
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
