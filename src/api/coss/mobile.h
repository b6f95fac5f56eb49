// The COSS door's phone side: POST /coss/mobile/v1/{operation}, JSON in and
// {status, message, data} out with the chapter-4 codes (the 8900500x ones are the phone's).
// Binary values are base64: points 65 bytes (04 ‖ x ‖ y), scalars and r 32 bytes, signatures
// r ‖ s or DER. After activate or login the phone sends its token as "Authorization: Bearer …".
//   getServiceInfo  {appId?}                              server time, schemes, curve, Z id, CA
//   activate        {appId, o | code and mobile, deviceName, deviceKey, p1, p1Proof}
//                   → keyId, msspId, deviceId, p2, p2Proof, p, token, the certificate job
//   certificate     (token)                               the key's certificate and CA chain
//   login           {keyId, time, nonce, signature}       → token (30 minutes)
//   listJobs        (token)                               the user's open jobs
//   getJob          (token) {signDataId}                  what the job asks to sign
//   resolveQr       (token) {o}                           the same for a scanned QR code (its
//                   first job), and "group": each job of the code so (one QR code may stand for
//                   several jobs); jobs for whoever scans become this user's and are marked scanned
//   signPrepare     (token) {signDataId, q1}              → sessionId, r, s2, s3, hash
//   signComplete    (token) {sessionId, signature}        → the job, FINISH
//   rejectJob       (token) {signDataId, reason}
//   decryptPrepare  (token) {signDataId, t1}               → t2 (once; the job is then FINISH)
//   findBack        as activate; once the new key is certified the user's other keys are revoked
//   logout          (token)
//   grantAutoSign   (token) {signDataId, escrow}          the AUTO_SIGN consent job signed by this
//                   key, d1 SM2-encrypted to getServiceInfo's escrowCert → the grant, ACTIVE
//   revokeAutoSign  (token)                               ends this user's open grants
//   listAutoSign    (token)                               this user's grants
//   delegate        (token) {appId, authorizeeId | authorizeeMobile, endTime}  → businessId and
//                   the DELEGATION statement job the grantor then signs
//   listDelegations (token)                               given and received
//   acceptDelegation, refuseDelegation (token) {businessId}  the grantee answers
//   cancelDelegation (token) {businessId}                 the grantor withdraws
#pragma once

#include "api/json.h"
#include "api/server.h"
#include "service/auto_sign.h"
#include "service/coss_keys.h"
#include "service/delegations.h"
#include "service/platform.h"
#include "service/sign_jobs.h"

namespace eseal::api::coss {

class MobileAdapter {
 public:
  // Everything passed must outlive the adapter.
  MobileAdapter(service::Credentials& credentials, service::CossKeys& keys, service::SignJobs& jobs,
                service::UserCertificates& ca, service::AutoSigning& auto_sign,
                service::Delegations& delegations, service::EscrowKeys& escrow,
                JsonLimits json = {})
      : credentials_(credentials),
        keys_(keys),
        jobs_(jobs),
        ca_(ca),
        auto_sign_(auto_sign),
        delegations_(delegations),
        escrow_(escrow),
        json_(json) {}

  // The response body for `body` sent to `operation` with bearer `token` ("" for none).
  std::string handle(std::string_view operation, std::string_view body, std::string_view token,
                     Time now);

  struct Call;
  using Operation = std::string (MobileAdapter::*)(const Call&);
  // The operations, by name, and whether each needs a token.
  struct Entry {
    std::string_view name;
    Operation run;
    bool needs_token;
  };
  static const std::vector<Entry>& table();

 private:
  std::string service_info(const Call& call);
  std::string activate(const Call& call);
  std::string certificate(const Call& call);
  std::string login(const Call& call);
  std::string list_jobs(const Call& call);
  std::string get_job(const Call& call);
  std::string resolve_qr(const Call& call);
  std::string sign_prepare(const Call& call);
  std::string sign_complete(const Call& call);
  std::string reject_job(const Call& call);
  std::string logout(const Call& call);
  std::string decrypt_prepare(const Call& call);
  std::string find_back(const Call& call);
  std::string enrol(const Call& call, bool find_back);
  std::string grant_auto_sign(const Call& call);
  std::string revoke_auto_sign(const Call& call);
  std::string list_auto_sign(const Call& call);
  std::string delegate(const Call& call);
  std::string list_delegations(const Call& call);
  std::string accept_delegation(const Call& call);
  std::string refuse_delegation(const Call& call);
  std::string cancel_delegation(const Call& call);

  service::Credentials& credentials_;
  service::CossKeys& keys_;
  service::SignJobs& jobs_;
  service::UserCertificates& ca_;
  service::AutoSigning& auto_sign_;
  service::Delegations& delegations_;
  service::EscrowKeys& escrow_;
  JsonLimits json_;
};

void add_mobile_routes(Server& server, MobileAdapter& adapter);

}  // namespace eseal::api::coss
