#include "mobile/phone.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "api/http_client.h"
#include "base/time.h"
#include "cosign/two_party.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"
#include "pki/certificate.h"

namespace eseal::mobile {
namespace {

constexpr std::string_view kServiceInfoPath = "/coss/mobile/v1/getServiceInfo";

std::string json_of(const std::map<std::string, std::string>& fields) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  for (const auto& [k, v] : fields) {
    w.Key(k.c_str());
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return out.GetString();
}

std::string text(const rapidjson::Value& o, const char* name) {
  return o.IsObject() && o.HasMember(name) && o[name].IsString() ? o[name].GetString() : "";
}

Result<Bytes> bytes(const rapidjson::Value& o, const char* name) {
  auto b = crypto::from_base64(text(o, name));
  if (!b) return Error::invalid_input(std::string("the server's ") + name + " is not base64");
  return b;
}

struct Qr {
  std::string server, app_id, ticket, code;
};

// A QR payload as a JSON answer prints it has its quotes escaped.
std::string unescape_quotes(std::string_view scanned) {
  std::string unescaped(scanned);
  for (std::size_t at = unescaped.find("\\\""); at != std::string::npos;
       at = unescaped.find("\\\"", at + 1)) {
    unescaped.erase(at, 1);
  }
  return unescaped;
}

// The QR payload — as scanned, or as a JSON answer prints it, its quotes escaped — or a typed
// code.
Result<Qr> read_qr(std::string_view scanned, const ActivateOptions& options) {
  Qr qr{options.server, options.app_id, "", ""};
  std::string unescaped = unescape_quotes(scanned);
  std::string_view given = unescaped;
  if (!given.empty() && given.front() == '{') {
    rapidjson::Document d;
    d.Parse(given.data(), given.size());
    if (d.HasParseError() || !d.IsObject()) return Error::invalid_input("not a QR payload");
    std::string url = text(d, "sUrl");
    auto at = url.find(kServiceInfoPath);
    if (at == std::string::npos) return Error::invalid_input("the QR payload has no sUrl");
    qr.server = url.substr(0, at);
    qr.app_id = text(d, "id");
    qr.ticket = text(d, "o");
    auto raw = crypto::from_base64(qr.ticket);
    if (!raw || raw->size() < 4) return Error::invalid_input("the QR payload's o is not a ticket");
    qr.code = crypto::to_hex(ByteView(*raw).last(4));
    return qr;
  }
  qr.code = std::string(given);
  if (qr.server.empty() || qr.app_id.empty() || options.mobile.empty()) {
    return Error::invalid_input("a typed code needs --server, --app and --mobile");
  }
  return qr;
}

// A job as the server details it (getJob, resolveQr), its digest recomputed here from the data:
// what the phone shows is what it signs. (A WEB_SEAL's digest exists once the server has laid
// out the seal; shown is the PDF's SM3.)
Result<JobView> checked_job(const Account& account, const rapidjson::Value& d) {
  auto data = bytes(d, "data");
  auto hash = bytes(d, "hash");
  if (!data || !hash) return Error::invalid_input("the server's job is not base64");
  JobView job{text(d, "signDataId"), text(d, "title"),  text(d, "description"),
              text(d, "dataType"),   text(d, "status"), text(d, "createTime"),
              text(d, "expiryTime"), std::move(*data),  std::move(*hash)};
  Bytes expected = job.data;
  if (job.data_type == "WEB_SEAL" || job.data_type == "DECRYPT") {
    expected = crypto::sm3(job.data);
  } else if (job.data_type != "HASH") {
    auto p = crypto::Sm2PublicKey::from_point(account.p);
    if (!p) return p.error();
    auto e = crypto::sm2_signing_digest(*p, job.data);
    if (!e) return e.error();
    expected = std::move(*e);
  }
  if (expected != job.hash) {
    return Error::verification_failed("the server's digest is not the job's data: not signing");
  }
  return job;
}

// The ticket "o" of a QR payload (as scanned, or with its quotes escaped as a JSON answer prints
// it); anything else is taken as the ticket itself.
std::string ticket_of(std::string_view qr) {
  if (qr.empty() || qr.front() != '{') return std::string(qr);
  std::string unescaped = unescape_quotes(qr);
  rapidjson::Document d;
  d.Parse(unescaped.c_str());
  return text(d, "o");
}

}  // namespace

struct Phone::Answer {
  rapidjson::Document body;
  const rapidjson::Value& data() const {
    static const rapidjson::Value kNull;
    return body.HasMember("data") ? body["data"] : kNull;
  }
};

Result<Phone::Answer> Phone::post(Account& account, std::string_view operation, std::string body,
                                  bool with_token) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto where = api::parse_http_url(account.server + "/coss/mobile/v1/" + std::string(operation));
    if (!where) return where.error();
    api::HttpClient client(where->host, where->port,
                           {.ca_file = {}, .timeout = std::chrono::seconds(30)});
    api::Headers headers;
    headers.set("Content-Type", "application/json");
    if (with_token) headers.set("Authorization", "Bearer " + account.token);
    auto response = client.post(where->target, body, headers);
    if (!response) return response.error();
    Answer answer;
    answer.body.Parse(response->body.c_str());
    if (answer.body.HasParseError() || !answer.body.IsObject() ||
        !answer.body.HasMember("status") || !answer.body["status"].IsInt()) {
      return Error::io("the server's answer to " + std::string(operation) + " is not COSS JSON");
    }
    int status = answer.body["status"].GetInt();
    if (status == 200) return answer;
    // An expired or unknown token: log in with the device key and try once more.
    if (with_token && attempt == 0 && (status == 89005009 || status == 89005030)) {
      if (auto renewed = login(account); !renewed) return renewed.error();
      continue;
    }
    return Error::invalid_input(text(answer.body, "message")).with_code(std::to_string(status));
  }
  return Error::internal("unreachable");
}

Status Phone::login(Account& account) {
  auto device = crypto::Sm2PrivateKey::from_scalar(account.device_key);
  if (!device) return device.error();
  auto nonce = crypto::random_bytes(16);
  if (!nonce) return nonce.error();
  std::string time = format_utc(now_utc());
  std::string n = crypto::to_hex(*nonce);
  auto signature =
      crypto::sm2_sign(*device, as_bytes(cosign::login_statement(account.key_id, time, n)));
  if (!signature) return signature.error();
  auto answer = post(account, "login",
                     json_of({{"keyId", account.key_id},
                              {"time", time},
                              {"nonce", n},
                              {"signature", crypto::to_base64(*signature)}}),
                     false);
  if (!answer) return answer.error();
  account.token = text(answer->data(), "token");
  return wallet_.save(account);
}

Result<Account> Phone::activate(std::string_view qr_or_code, const ActivateOptions& options) {
  // Before the single-use code is spent.
  if (Status pin = check_pin(options.pin); !pin) return pin.error();
  auto qr = read_qr(qr_or_code, options);
  if (!qr) return qr.error();
  Account account;
  account.server = qr->server;
  account.app_id = qr->app_id;
  auto info = post(account, "getServiceInfo", json_of({{"appId", qr->app_id}}), false);
  if (!info) return info.error();
  bool speaks = false;
  if (info->data().HasMember("schemes") && info->data()["schemes"].IsArray()) {
    for (const auto& s : info->data()["schemes"].GetArray()) {
      if (s.IsString() && s.GetString() == cosign::kSchemeInverse3n) speaks = true;
    }
  }
  if (!speaks) {
    return Error::invalid_input("the server does not offer " +
                                std::string(cosign::kSchemeInverse3n));
  }
  auto device = crypto::Sm2PrivateKey::generate();
  if (!device) return device.error();
  Bytes device_point = device->public_key().point();
  Bytes context = cosign::enrolment_context(qr->app_id, qr->code, device_point);
  auto share = cosign::client_key_share(context);
  if (!share) return share.error();
  std::map<std::string, std::string> fields{{"appId", qr->app_id},
                                            {"deviceName", options.device_name},
                                            {"deviceKey", crypto::to_base64(device_point)},
                                            {"p1", crypto::to_base64(share->p1)},
                                            {"p1Proof", crypto::to_base64(share->proof)}};
  if (!qr->ticket.empty()) {
    fields["o"] = qr->ticket;
  } else {
    fields["code"] = qr->code;
    fields["mobile"] = options.mobile;
  }
  auto enrolled =
      post(account, options.find_back ? "findBack" : "activate", json_of(fields), false);
  if (!enrolled) return enrolled.error();
  const auto& d = enrolled->data();
  auto p2 = bytes(d, "p2");
  auto p2_proof = bytes(d, "p2Proof");
  auto p = bytes(d, "p");
  if (!p2 || !p2_proof || !p) return Error::invalid_input("the server's key share is not base64");
  auto confirmed = cosign::client_confirm_key(share->d1, *p2, *p2_proof, *p, context);
  if (!confirmed) return confirmed.error().with_context("the server's key share");
  account.key_id = text(d, "keyId");
  account.mssp_id = text(d, "msspId");
  account.user_name = text(d, "userName");
  account.device_id = text(d, "deviceId");
  account.p = *confirmed;
  account.device_key = device->scalar();
  account.token = text(d, "token");
  if (auto sealed = seal_share(account, share->d1, options.pin); !sealed) return sealed.error();
  if (auto saved = wallet_.save(account); !saved) return saved.error();
  // The certificate: its request signed together, like any job.
  auto job = fetch(account, text(d, "certJobId"));
  if (!job) return job.error();
  auto signed_job = run_signing(account, *job, share->d1);
  if (!signed_job) return signed_job.error();
  account.certificate = signed_job->certificate;
  if (auto saved = wallet_.save(account); !saved) return saved.error();
  return account;
}

Result<std::vector<JobView>> Phone::jobs(Account& account) {
  auto answer = post(account, "listJobs", "{}", true);
  if (!answer) return answer.error();
  std::vector<JobView> out;
  const auto& d = answer->data();
  if (d.HasMember("jobs") && d["jobs"].IsArray()) {
    for (const auto& j : d["jobs"].GetArray()) {
      out.push_back({text(j, "signDataId"),
                     text(j, "title"),
                     text(j, "description"),
                     text(j, "dataType"),
                     text(j, "status"),
                     text(j, "createTime"),
                     text(j, "expiryTime"),
                     {},
                     {}});
    }
  }
  return out;
}

Result<JobView> Phone::fetch(Account& account, const std::string& job_or_qr) {
  Result<Answer> answer = Error::internal("");
  if (!job_or_qr.empty() && job_or_qr.front() == '{') {
    rapidjson::Document qr;
    qr.Parse(job_or_qr.c_str());
    if (qr.HasParseError() || text(qr, "o").empty()) {
      return Error::invalid_input("not a QR payload");
    }
    answer = post(account, "resolveQr", json_of({{"o", text(qr, "o")}}), true);
  } else {
    answer = post(account, "getJob", json_of({{"signDataId", job_or_qr}}), true);
  }
  if (!answer) return answer.error();
  return checked_job(account, answer->data());
}

Result<std::vector<JobView>> Phone::scan(Account& account, const std::string& qr) {
  auto answer = post(account, "resolveQr", json_of({{"o", ticket_of(qr)}}), true);
  if (!answer) return answer.error();
  const auto& d = answer->data();
  if (!d.HasMember("group") || !d["group"].IsArray() || d["group"].Empty()) {
    return Error::invalid_input("the server's answer has no group of jobs");
  }
  std::vector<JobView> out;
  for (const auto& detail : d["group"].GetArray()) {
    auto job = checked_job(account, detail);
    if (!job) return job.error();
    out.push_back(std::move(*job));
  }
  return out;
}

namespace {

// The group's jobs still open, or why there are none.
Result<std::vector<JobView>> open_jobs(Result<std::vector<JobView>> group) {
  if (!group) return group.error();
  std::vector<JobView> open;
  for (auto& job : *group) {
    if (job.status == "UNSIGN") open.push_back(std::move(job));
  }
  if (open.empty()) return Error::invalid_input("no open job in this QR code");
  return open;
}

}  // namespace

Result<std::vector<SignedJob>> Phone::confirm(Account& account, const std::string& qr,
                                              std::string_view pin) {
  auto open = open_jobs(scan(account, qr));
  if (!open) return open.error();
  auto d1 = open_share(account, pin);
  // As sign(): a wrong PIN is counted here, never sent.
  if (auto saved = wallet_.save(account); !saved) return saved.error();
  if (!d1) return d1.error();
  std::vector<SignedJob> out;
  for (const auto& job : *open) {
    auto signed_job = run_signing(account, job, *d1);
    if (!signed_job) return signed_job.error().with_context(job.id);
    out.push_back(std::move(*signed_job));
  }
  return out;
}

Status Phone::cancel(Account& account, const std::string& qr, const std::string& reason) {
  auto open = open_jobs(scan(account, qr));
  if (!open) return open.error();
  for (const auto& job : *open) {
    auto answer =
        post(account, "rejectJob", json_of({{"signDataId", job.id}, {"reason", reason}}), true);
    if (!answer) return answer.error().with_context(job.id);
  }
  return ok_status();
}

Result<JobView> Phone::show(Account& account, const std::string& job_or_qr) {
  return fetch(account, job_or_qr);
}

Result<SignedJob> Phone::run_signing(Account& account, const JobView& job,
                                     const crypto::SecureBytes& d1) {
  auto nonce = cosign::client_sign_start();
  if (!nonce) return nonce.error();
  auto prepared =
      post(account, "signPrepare",
           json_of({{"signDataId", job.id}, {"q1", crypto::to_base64(nonce->q1)}}), true);
  if (!prepared) return prepared.error();
  const auto& d = prepared->data();
  auto r = bytes(d, "r");
  auto s2 = bytes(d, "s2");
  auto s3 = bytes(d, "s3");
  auto e = bytes(d, "hash");
  if (!r || !s2 || !s3 || !e) {
    return Error::invalid_input("the server's partial signature is not base64");
  }
  // The digest signed is the job's, except a WEB_SEAL's, which the server's layout made.
  if (job.data_type != "WEB_SEAL" && *e != job.hash) {
    return Error::verification_failed("the server prepared another digest than the job's");
  }
  auto signature = cosign::client_sign_finish(d1, *nonce, *e, {*r, *s2, *s3}, account.p);
  if (!signature) return signature.error();
  auto done = post(
      account, "signComplete",
      json_of({{"sessionId", text(d, "sessionId")}, {"signature", crypto::to_base64(*signature)}}),
      true);
  if (!done) return done.error();
  const auto& result = done->data();
  auto sig = bytes(result, "signResult");
  auto cert = bytes(result, "signCert");
  if (!sig || !cert) return Error::invalid_input("the server's result is not base64");
  return SignedJob{text(result, "signDataId"), text(result, "status"), std::move(*sig),
                   std::move(*cert)};
}

Result<SignedJob> Phone::sign(Account& account, const std::string& job_or_qr,
                              std::string_view pin) {
  auto job = fetch(account, job_or_qr);
  if (!job) return job.error();
  auto d1 = open_share(account, pin);
  // A wrong PIN is counted on the phone (and the share wiped at the fifth); the server never
  // sees it.
  if (auto saved = wallet_.save(account); !saved) return saved.error();
  if (!d1) return d1.error();
  return run_signing(account, *job, *d1);
}

Result<crypto::SecureBytes> Phone::decrypt(Account& account, const std::string& job_or_qr,
                                           std::string_view pin) {
  auto job = fetch(account, job_or_qr);
  if (!job) return job.error();
  if (job->data_type != "DECRYPT") return Error::invalid_input(job->id + " is not a decryption");
  auto cipher = crypto::sm2_ciphertext_decode(job->data, crypto::Sm2CipherFormat::kDer);
  if (!cipher) cipher = crypto::sm2_ciphertext_decode(job->data, crypto::Sm2CipherFormat::kC1C3C2);
  if (!cipher) return Error::invalid_input("the job's ciphertext does not parse");
  auto d1 = open_share(account, pin);
  if (auto saved = wallet_.save(account); !saved) return saved.error();
  if (!d1) return d1.error();
  auto blinding = cosign::client_decrypt_start(*cipher);
  if (!blinding) return blinding.error();
  auto answer =
      post(account, "decryptPrepare",
           json_of({{"signDataId", job->id}, {"t1", crypto::to_base64(blinding->t1)}}), true);
  if (!answer) return answer.error();
  auto t2 = bytes(answer->data(), "t2");
  if (!t2) return t2.error();
  return cosign::client_decrypt_finish(*d1, *blinding, *t2, *cipher);
}

Status Phone::refuse(Account& account, const std::string& job_or_qr, const std::string& reason) {
  auto job = fetch(account, job_or_qr);
  if (!job) return job.error();
  auto answer =
      post(account, "rejectJob", json_of({{"signDataId", job->id}, {"reason", reason}}), true);
  if (!answer) return answer.error();
  return ok_status();
}

namespace {

GrantView grant_view(const rapidjson::Value& g) {
  GrantView v{text(g, "grantId"), text(g, "status"), text(g, "signDataId"), text(g, "endTime")};
  if (g.HasMember("maxCount") && g["maxCount"].IsInt()) v.max_count = g["maxCount"].GetInt();
  if (g.HasMember("used") && g["used"].IsInt64()) v.used = g["used"].GetInt64();
  return v;
}

DelegationView delegation_view(const rapidjson::Value& d, bool given) {
  return {text(d, "businessId"),   text(d, "status"),
          text(d, "authorizerId"), text(d, "authorizerName"),
          text(d, "authorizeeId"), text(d, "authorizeeName"),
          text(d, "endTime"),      given};
}

}  // namespace

Result<GrantView> Phone::grant_auto_sign(Account& account, const std::string& job_or_qr,
                                         std::string_view pin) {
  auto job = fetch(account, job_or_qr);
  if (!job) return job.error();
  if (job->data_type != "AUTO_SIGN") {
    return Error::invalid_input(job->id + " is not an auto-sign consent");
  }
  auto d1 = open_share(account, pin);
  if (auto saved = wallet_.save(account); !saved) return saved.error();
  if (!d1) return d1.error();
  if (job->status == "UNSIGN") {
    auto signed_job = run_signing(account, *job, *d1);
    if (!signed_job) return signed_job.error();
  }
  // The share goes to the server encrypted to its escrow key, which the user CA certified.
  auto info = post(account, "getServiceInfo", json_of({{"appId", account.app_id}}), false);
  if (!info) return info.error();
  auto cert_der = bytes(info->data(), "escrowCert");
  if (!cert_der) return Error::invalid_input("the server offers no escrow key");
  auto cert = pki::Certificate::from_der(*cert_der);
  if (!cert) return cert.error();
  auto key = cert->public_key();
  if (!key) return key.error();
  auto escrow = crypto::sm2_encrypt(*key, *d1);
  if (!escrow) return escrow.error();
  auto answer =
      post(account, "grantAutoSign",
           json_of({{"signDataId", job->id}, {"escrow", crypto::to_base64(*escrow)}}), true);
  if (!answer) return answer.error();
  return grant_view(answer->data());
}

Result<int> Phone::revoke_auto_sign(Account& account) {
  auto answer = post(account, "revokeAutoSign", "{}", true);
  if (!answer) return answer.error();
  const auto& d = answer->data();
  return d.HasMember("revoked") && d["revoked"].IsInt() ? d["revoked"].GetInt() : 0;
}

Result<std::vector<GrantView>> Phone::auto_sign_grants(Account& account) {
  auto answer = post(account, "listAutoSign", "{}", true);
  if (!answer) return answer.error();
  std::vector<GrantView> out;
  const auto& d = answer->data();
  if (d.HasMember("grants") && d["grants"].IsArray()) {
    for (const auto& g : d["grants"].GetArray()) out.push_back(grant_view(g));
  }
  return out;
}

Result<DelegationView> Phone::delegate(Account& account, const std::string& grantee,
                                       const std::string& ends, std::string_view pin) {
  bool mobile = grantee.size() < 20;
  auto answer = post(account, "delegate",
                     json_of({{"appId", account.app_id},
                              {mobile ? "authorizeeMobile" : "authorizeeId", grantee},
                              {"endTime", ends}}),
                     true);
  if (!answer) return answer.error();
  DelegationView view = delegation_view(answer->data(), true);
  // The statement the grantor co-signs: shown, then signed like any job.
  auto signed_job = sign(account, text(answer->data(), "signDataId"), pin);
  if (!signed_job) return signed_job.error();
  return view;
}

Result<std::vector<DelegationView>> Phone::delegations(Account& account) {
  auto answer = post(account, "listDelegations", "{}", true);
  if (!answer) return answer.error();
  std::vector<DelegationView> out;
  const auto& d = answer->data();
  for (auto [list, given] : {std::pair{"given", true}, std::pair{"received", false}}) {
    if (!d.HasMember(list) || !d[list].IsArray()) continue;
    for (const auto& item : d[list].GetArray()) out.push_back(delegation_view(item, given));
  }
  return out;
}

Status Phone::answer_delegation(Account& account, const std::string& business_id,
                                const std::string& answer) {
  std::string operation = answer == "accept"   ? "acceptDelegation"
                          : answer == "refuse" ? "refuseDelegation"
                          : answer == "cancel" ? "cancelDelegation"
                                               : "";
  if (operation.empty()) return Error::invalid_input("accept, refuse or cancel");
  auto done = post(account, operation, json_of({{"businessId", business_id}}), true);
  if (!done) return done.error();
  return ok_status();
}

}  // namespace eseal::mobile
