// The COSS door's business side on the HTTP server: POST /coss/service/v1/{operation}, each
// request authenticated as the manual says (api/coss/envelope.h) and answered with the chapter-4
// codes, always HTTP 200 with the {status, message, transId, data} envelope (the server's own
// errors on these routes — a body over the limit — too). The operations: addUser,
// queryUserInfo, updateUser, getAuthCode, getAuthCodeWithIdenVerify, getAuthCodeForH5Mini
// (an HTML page on success), getAuthCodeAndSendSMS, getUserDevice,
// deleteUserDevice, addSignJob, getSignResult, getSignJobOrAuthorizeJobs, revokeSignJob,
// queryImage, startAutoSign, endAutoSign, autoSign, queryAutoSignRegion, getAuthorizedsDetail,
// verifySign, verifyEssSign, verifySignData, genRandom, getHashData, getCertInfo, queryCert,
// validationCert, createAndGetTssInfo, getTSInfo, verifyTS, getPdfHash, composePdfSeal,
// verifyPdfSeal, and eseal's own addDecryptJob (a two-party decryption for the user's phone).
// Callbacks carry the job's fields signed as a request of the app would be
// (appId, signAlgo, version, transId, signature under its secureCode).
#pragma once

#include <chrono>

#include "api/config.h"
#include "api/coss/envelope.h"
#include "api/server.h"
#include "pki/certificate.h"
#include "service/auto_sign.h"
#include "service/coss_certificates.h"
#include "service/coss_keys.h"
#include "service/coss_users.h"
#include "service/delegations.h"
#include "service/platform.h"
#include "service/sign_jobs.h"
#include "service/sms.h"
#include "service/time_stamping.h"

namespace eseal::api::coss {

struct Options {
  // How long a (transId, signature) pair is remembered: the same pair again within it is a replay.
  std::chrono::seconds replay_window{300};
  // Where phones reach the server, for QR payloads; empty: as the request reached it.
  std::string public_url;
  // Where people reach the public verification page ([console] public_url), for verification
  // codes; empty: as the request reached the server.
  std::string verification_url;
  // What a getPdfHash signature's /Contents holds for signSealType BJCA_SM2 ([signing]
  // pdf_format); "ses", "gmcms" or "pkcs7" as signSealType chooses one.
  doc::SignatureFormat pdf_format = doc::SignatureFormat::kSes;
  JsonLimits json;  // nesting and values of a body ([limits] json_depth, json_values)
};

// What the door works with. Everything referred to must outlive the adapter.
struct Services {
  service::Credentials& credentials;
  service::CossUsers& users;
  service::CossKeys& keys;
  service::SignJobs& jobs;
  service::Sms& sms;
  service::CossCertificates& certificates;
  service::AutoSigning& auto_sign;
  service::Delegations& delegations;
  // The time-stamp authority (createAndGetTssInfo) and the certificates its tokens may name
  // without carrying; null: the time-stamp operations answer 89000007.
  service::TimeStampAuthority* time_stamps = nullptr;
  std::vector<pki::Certificate> tsa_certificates = {};
};

class Adapter {
 public:
  explicit Adapter(Services services, Options options = {})
      : s_(std::move(services)), options_(std::move(options)) {}

  // The response body for `body` sent to `operation` at `now`. `public_url` is where phones
  // reach this server ("https://host:port"), for the QR payloads.
  std::string handle(std::string_view operation, std::string_view body, Time now,
                     std::string_view public_url);

  // One authenticated request, as the operations below see it.
  struct Call {
    const Request& r;
    const service::Caller& app;
    Time now;
    std::string_view public_url;
    std::string_view verification_url;
  };
  using Operation = std::string (Adapter::*)(const Call&);
  // The operations, by the manual's names.
  static const std::vector<std::pair<std::string_view, Operation>>& table();

 private:
  // Users and activation (routes.cpp).
  std::string add_user(const Call& call);
  std::string query_user_info(const Call& call);
  std::string update_user(const Call& call);
  std::string get_auth_code(const Call& call);
  std::string get_auth_code_verified(const Call& call);
  std::string issue_auth_code(const Call& call, bool verify);
  std::string get_auth_code_page(const Call& call);
  std::string get_auth_code_by_sms(const Call& call);
  std::string get_user_device(const Call& call);
  std::string delete_user_device(const Call& call);
  // Sign jobs (routes.cpp).
  std::string add_sign_job(const Call& call);
  std::string get_sign_result(const Call& call);
  std::string get_sign_jobs(const Call& call);
  std::string revoke_sign_job(const Call& call);
  std::string query_image(const Call& call);
  std::string add_decrypt_job(const Call& call);
  // Verification, helpers, certificates and time stamps (checks.cpp).
  std::string verify_sign(const Call& call);
  std::string verify_ess_sign(const Call& call);
  std::string verify_sign_data(const Call& call);
  std::string gen_random(const Call& call);
  std::string get_hash_data(const Call& call);
  std::string get_cert_info(const Call& call);
  std::string query_cert(const Call& call);
  std::string validation_cert(const Call& call);
  std::string create_time_stamp(const Call& call);
  std::string get_time_stamp_info(const Call& call);
  std::string verify_time_stamp(const Call& call);
  // Auto-sign and delegation (grants.cpp).
  std::string start_auto_sign(const Call& call);
  std::string end_auto_sign(const Call& call);
  std::string auto_sign(const Call& call);
  std::string query_auto_sign(const Call& call);
  std::string get_authorizeds_detail(const Call& call);
  // PDF seals a phone signs (pdf.cpp).
  std::string get_pdf_hash(const Call& call);
  std::string compose_pdf_seal(const Call& call);
  std::string verify_pdf_seal(const Call& call);

  Services s_;
  Options options_;
};

void add_routes(Server& server, Adapter& adapter);

// [coss] public_url and replay_window_s, [signing] pdf_format.
Options options_from(const Config& config);

// A required base64 field: its bytes, or the answer refusing the request (89000001 missing,
// 89003020 not base64 or empty).
struct Base64Field {
  std::optional<Bytes> bytes;
  std::string refusal;
};
Base64Field base64_field(const Request& request, const char* name);

// Where a personal seal goes (addSignJob WEB_SEAL, getPdfHash): coordOfRuleInfo,
// keywordsOfRuleInfo, signWidth and signHeight, numbers as JSON numbers or text; what is not a
// number is NaN (or -1 for a whole number), which the service refuses.
service::WebSealPlace web_seal_place(const Request& request);

// The body of a sign job's callback: {signJobId, status, msspId, signResult, signCert} with the
// common fields, signed with the app's secureCode; transId "<job>-<status>" names the event.
service::SignJobs::CallbackBody callback_body(service::Credentials& credentials);

}  // namespace eseal::api::coss
