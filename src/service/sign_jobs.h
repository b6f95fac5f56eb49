// COSS sign jobs (签名任务, manual §3.3.3 and §3.4.2): what a business system asks a user to
// sign from the phone, as tasks of kind "coss.sign" (UNSIGN → FINISH, REVOKE by the business,
// REFUSE by the user; EXPIRE at its time), and the two-party signing that ends one. The server
// signs only the digest of a job it holds — never one a phone sends (COSIGN_TSA_NOTES §1.7.3):
//   DATA  e = SM3(Z_P ‖ data), P the signer's joint key, the standard user ID;
//   HASH  e = data, 32 bytes the business system computed (Z included when it wants a standard
//         SM2 signature);
//   WEB_SEAL  a PDF sealed with the user's personal seal (their picture, or their name drawn):
//         the seal is laid out when the phone prepares, for that key's certificate, and e is
//         SM3(Z_P ‖ the prepared signature's to-be-signed bytes); the sealed PDF is the result;
//   CSR   the certification request of an enrolment (internal to the phone's activation);
//   AUTO_SIGN, DELEGATION  a statement the server wrote that the user consents to by signing it
//         (e as DATA).
// A job may be signed by its user, or by a delegate the user authorized (delegations.h), with
// the delegate's own key; the result names the delegate and the delegation.
// Decryption jobs (DECRYPT, eseal's addDecryptJob) carry an SM2 ciphertext to the user's key:
// the phone blinds C1 and the server applies its share once (COSIGN_TSA_NOTES §1.4, §1.7.7),
// which ends the job; the plaintext exists only on the phone.
// Each signPrepare opens a signing session (kind "coss.session", OPEN → USED, FAILED or REVOKED
// when a newer one replaces it; EXPIRED after five minutes) holding r and e; signComplete
// verifies the final signature under P and e before anything changes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "cosign/two_party.h"
#include "service/callbacks.h"
#include "service/coss_keys.h"
#include "service/coss_users.h"
#include "service/delegations.h"
#include "service/payload.h"
#include "service/signing.h"
#include "service/tasks.h"

namespace eseal::service {

// Why a sign job is refused (Error::code).
namespace job_code {
inline constexpr const char* kBadTitle = "job-title";
inline constexpr const char* kBadDescription = "job-description";
inline constexpr const char* kBadDataType = "job-data-type";
inline constexpr const char* kBadAlgo = "job-algo";
inline constexpr const char* kBadExpiry = "job-expiry";
inline constexpr const char* kNoData = "job-no-data";
inline constexpr const char* kNotBase64 = "job-data-base64";
inline constexpr const char* kTooLarge = "job-data-too-large";
inline constexpr const char* kBadHash = "job-hash";  // HASH data that is not 32 bytes
inline constexpr const char* kBadCallback = "job-callback-url";
inline constexpr const char* kNotFound = "job-not-found";
inline constexpr const char* kNotSigned = "job-not-signed";
inline constexpr const char* kExpired = "job-expired";
inline constexpr const char* kSigned = "job-signed";
inline constexpr const char* kRevoked = "job-revoked";
inline constexpr const char* kRefused = "job-refused";
inline constexpr const char* kNotYours = "job-not-yours";
inline constexpr const char* kBadPoint = "job-point";  // Q1 not a valid point
inline constexpr const char* kSessionInvalid = "session-invalid";
inline constexpr const char* kSessionExpired = "session-expired";
inline constexpr const char* kBadSignature = "job-signature";     // did not verify under P and e
inline constexpr const char* kWebSealUser = "job-web-seal-user";  // WEB_SEAL without userId
inline constexpr const char* kNotPdf = "job-not-pdf";
inline constexpr const char* kBadPlace = "job-place";    // no usable rectangle or keyword
inline constexpr const char* kLayout = "job-layout";     // the seal cannot be laid out
inline constexpr const char* kBadCipher = "job-cipher";  // not an SM2 ciphertext
inline constexpr const char* kWrongKind = "job-kind";    // signing a decryption, or the reverse
inline constexpr const char* kBadGroup = "job-group";    // 0 or too many jobs, or mixed users
inline constexpr const char* kBadTicket = "job-ticket";  // a QR secret not 16 bytes, or in use
// The user already has as many unsigned jobs as one may have open.
inline constexpr const char* kTooManyOpen = "job-too-many-open";
}  // namespace job_code

inline constexpr std::size_t kMaxJobData = 1 << 20;
inline constexpr int kDefaultJobMinutes = 1440;
inline constexpr int kMaxJobMinutes = 4320;
inline constexpr std::chrono::minutes kSessionLifetime{5};
// The most jobs one QR code stands for (a batch of files signed at one scan).
inline constexpr std::size_t kMaxGroupJobs = 30;
inline constexpr std::size_t kTicketSecretBytes = 16;
// Unsigned jobs one user may have at a time ([coss] open_jobs_per_user): a business system
// cannot fill a phone's list, or the database, with jobs nobody will sign.
inline constexpr std::size_t kDefaultOpenJobsPerUser = 1000;

const TaskKind& sign_job_kind();
const TaskKind& session_kind();

// The manual's job id, "SD_" and the task id as a UUID, and back ("" for one that is not).
std::string sign_data_id(const std::string& task_id);
std::string task_id_of(const std::string& sign_data_id);

// Where a personal seal goes in a PDF (a WEB_SEAL job; getPdfHash), as the manual's
// coordOfRuleInfo or keywordsOfRuleInfo say, in PDF points (origin bottom left):
//   a rectangle (left < right, bottom < top) on a 1-based page, or on every page with page 0;
//     the seal fills it, or with a size (signWidth, signHeight) is centred in it;
//   a keyword: the seal (its size, or 30 mm) centred on it (position 1), below it (2) or right of
//     it (3), moved by the offset right and down; on every hit (order 0), or on the n-th hit
//     counted from the last (order 1) or from the first (order 2, the default).
struct WebSealPlace {
  int page = 1;
  double left = 0, bottom = 0, right = 0, top = 0;
  std::string keyword;
  int keyword_position = 1;
  int keyword_order = 2;
  int keyword_number = 1;
  double offset_x = 0, offset_y = 0;
  double width = 0, height = 0;  // 0: as above
  std::string reason, location;  // the PDF signature's /Reason and /Location, when given
  doc::SignatureFormat pdf_format = doc::SignatureFormat::kSes;  // what /Contents holds
  // A verification code printed with the seal (new_verification_code, made when the job is):
  // the sealed PDF is kept with it, for the public verification page. Empty: none.
  std::string verification_code = {}, verification_url = {};
};

// The first picture of a laid out seal, in PDF points (origin bottom left) on a 1-based page.
struct SealRectangle {
  int page = 0;
  double left = 0, bottom = 0, right = 0, top = 0;
};

struct LaidOutSeal {
  PendingSignature pending;
  SealRectangle first;
};

struct NewDecryptJob {
  std::string user_id, title, description;
  std::string expiry_minutes;
  std::string cipher_base64;  // GM/T 0009 DER, or C1 ‖ C3 ‖ C2
  std::string callback_url;
};

struct NewSignJob {
  std::string user_id;  // "" for a job whoever scans its QR code signs
  std::string title, data_type, algo, description;
  std::string expiry_minutes;  // "" for the default
  std::string data_base64;
  std::string callback_url;
  WebSealPlace place = {};
  // A job that a phone user of any app may take, not only of the job's app: a QR code shown by a
  // third-party system (DB4403) to users enrolled elsewhere — whoever scans it (user_id ""), or
  // the named user of whichever app enrolled them.
  bool any_app = false;
};

struct SignJob {
  std::string id;  // SD_…
  std::string task_id, app_id, user_id;
  std::string app_name;  // the app's name in its family (COSS: the appId); "" for CSR jobs
  std::string title, description, data_type, algo, callback_url;
  Bytes data;
  std::string status;  // UNSIGN, FINISH, EXPIRE, REVOKE, REFUSE
  Time created{}, updated{};
  Time expires{};
  std::string ticket;  // the QR payload's "o" (only when just created)
  // When FINISH: the DER signature, the signer's certificate and key; when REFUSE: the reason.
  Bytes signature, certificate;
  std::string key_id, reason;
  WebSealPlace place;
  std::string document;  // WEB_SEAL: the sealed PDF's blob when FINISH
  // When FINISH: who signed (the owner, or a delegate under `delegation`, AUTHORIZ_…) and the
  // auto-sign grant it was signed under, if any.
  std::string signer_id, delegation, grant;
  bool find_back = false;  // CSR: the enrolment revokes the user's other keys when certified
  bool any_app = false;    // NewSignJob::any_app
  // Whether (and when first) a phone resolved the job's QR code: "scanned, not confirmed" while
  // it is still UNSIGN.
  bool scanned = false;
  std::optional<Time> scanned_at;
};

struct JobQuery {
  std::string user_id;
  std::string signer_id;  // jobs this delegate signed for others (authorizeeUserId)
  std::string sign_data_id;
  std::optional<Time> day;  // jobs changed on that day (China Standard Time); none: last 3 days
  int page = 1, page_size = 20;
};

struct JobPage {
  std::vector<SignJob> jobs;
  std::int64_t total = 0;
};

struct Prepared {
  std::string session_id;
  cosign::PartialSignature partial;
  Bytes e;
};

class SignJobs {
 public:
  // `callback_body` words a callback for an ended job (the door's format); null: none is sent.
  using CallbackBody = std::function<Result<std::string>(const SignJob&)>;
  SignJobs(store::Store& store, CossKeys& keys, UserCertificates& platform,
           CallbackBody callback_body = nullptr, CallbackPolicy callback_policy = {},
           std::size_t open_jobs_per_user = kDefaultOpenJobsPerUser)
      : store_(store),
        keys_(keys),
        platform_(platform),
        tasks_(store),
        users_(store),
        delegations_(store),
        callbacks_(store, callback_policy),
        callback_body_(std::move(callback_body)),
        open_jobs_per_user_(open_jobs_per_user) {}

  // --- the business system ---
  Result<SignJob> create(const Caller& app, const NewSignJob& job, Time now);
  Result<SignJob> find(const Caller& app, const std::string& sign_data_id, Time now);
  Result<JobPage> list(const Caller& app, const JobQuery& query, Time now);
  Result<SignJob> revoke(const Caller& app, const std::string& sign_data_id, Time now);
  Result<SignJob> create_decryption(const Caller& app, const NewDecryptJob& job, Time now);
  // Several jobs behind one QR code: each checked as create() checks it (the same codes), 1 to
  // kMaxGroupJobs of them (else kBadGroup), all for the same user_id and any_app (else
  // kBadGroup), under the ticket of `ticket_secret` (kTicketSecretBytes the caller chose, that no
  // job has yet, else kBadTicket); created in order, each with `ticket` set. Should one fail to
  // be created, those already made are revoked: no part of a group stays open.
  Result<std::vector<SignJob>> create_group(const Caller& app, const std::vector<NewSignJob>& jobs,
                                            ByteView ticket_secret, Time now);
  // The app's jobs of that ticket in creation order, each read as find() reads it (expiry
  // applied); kNotFound when there are none.
  Result<std::vector<SignJob>> find_group(const Caller& app, ByteView ticket_secret, Time now);

  // --- the phone (a logged-in session) ---
  // The user's open jobs, oldest first.
  Result<std::vector<SignJob>> pending(const CossKeys::Session& who, Time now);
  Result<SignJob> view(const CossKeys::Session& who, const std::string& sign_data_id, Time now);
  // The jobs of a QR payload's "o", in creation order: jobs for whoever scans are bound to this
  // user (all of the ticket to the first who binds its first open job), and the user's own jobs
  // are marked scanned. A job of another app is found only when it is any_app.
  Result<std::vector<SignJob>> resolve_group(const CossKeys::Session& who,
                                             const std::string& ticket, Time now);
  // The first of them.
  Result<SignJob> resolve(const CossKeys::Session& who, const std::string& ticket, Time now);
  // The digest the job asks this key to sign; for WEB_SEAL, whose digest exists only once the
  // seal is laid out, the SM3 of the PDF (what the phone shows).
  Result<Bytes> digest(const SignJob& job, const CossKey& key);
  // A FINISH WEB_SEAL job's sealed PDF.
  Result<Bytes> sealed_document(const SignJob& job);
  Result<Prepared> prepare(const CossKeys::Session& who, const std::string& sign_data_id,
                           ByteView q1, Time now);
  Result<SignJob> complete(const CossKeys::Session& who, const std::string& session_id,
                           ByteView signature, Time now);
  Result<SignJob> reject(const CossKeys::Session& who, const std::string& sign_data_id,
                         const std::string& reason, Time now);
  // The server's half of a DECRYPT job, T2 = [d2^-1]T1 for the phone's blinded T1; once: the job
  // is FINISH after it.
  Result<cosign::Point> decrypt(const CossKeys::Session& who, const std::string& sign_data_id,
                                ByteView t1, Time now);

  // The user's personal seal (their picture, or their name drawn by the platform's seal maker)
  // laid out in `pdf` where `place` says, for `key`'s certificate: what a WEB_SEAL job does at
  // signPrepare and getPdfHash does for a business system. kInvalidInput with kBadPlace for a
  // place that is none, kLayout for one the document cannot meet.
  Result<LaidOutSeal> lay_out_seal(ByteView pdf, const WebSealPlace& place, const CossUser& user,
                                   const CossKey& key, Time now);

  // A job whose data the server wrote (a statement the user consents to by signing it: AUTO_SIGN,
  // DELEGATION), for `user_id` of `app`.
  Result<SignJob> statement_job(const Caller& app, const std::string& user_id,
                                const std::string& data_type, const std::string& title,
                                const std::string& description, const std::string& statement,
                                int minutes, const std::string& callback_url, Time now);
  // Such a job by id, whoever asks (kNotFound for another kind of job).
  Result<SignJob> statement(const std::string& sign_data_id, Time now);

  // Delegation on the phones (delegations.h): the grantor's new delegation with the statement
  // job the grantor then signs; the grantee's acceptance once that job is signed.
  Result<Delegation> delegate(const Caller& app, const CossKeys::Session& grantor,
                              const std::string& grantee_id, const std::string& grantee_mobile,
                              Time ends, Time now);
  Result<Delegation> accept_delegation(const CossKeys::Session& grantee,
                                       const std::string& business_id, Time now);

  // An auto-signed job (DATA or HASH): created for `key`'s user and signed at once by the
  // server with both shares — `d1` escrowed under `grant` — through the same two-party steps a
  // phone takes, the result verified under P before the job is FINISH. `spend` is called once
  // the job is accepted and before it is signed (the grant counts the use); its refusal stops it.
  Result<SignJob> sign_unattended(const Caller& app, const NewSignJob& job, const CossKey& key,
                                  const cosign::Scalar& d1, const std::string& grant,
                                  const std::function<Status()>& spend, Time now);

  // The certification request of an enrolment as a job only that key may sign.
  Result<SignJob> certificate_job(const Enrolment& enrolment, Time now);

  // Jobs past their time expire (and their callbacks become due); returns how many.
  Result<int> sweep(Time now);
  Callbacks& callbacks() { return callbacks_; }

 private:
  Result<SignJob> read(const Caller* app, const std::string& sign_data_id, Time now);
  Result<SignJob> mine(const CossKeys::Session& who, const std::string& sign_data_id, Time now);
  Result<JobPage> signed_by_delegate(const Caller& app, const JobQuery& query, Time now);
  Result<SignJob> end(const SignJob& job, Tasks::Move move, Time now, const std::string& actor);
  Result<Fields> checked_payload(const Caller& app, const NewSignJob& job);
  // With a fresh ticket, or a group's when `ticket_secret` is given.
  Result<SignJob> add(const Caller& app, const std::string& user_id, Fields payload, int minutes,
                      const std::string& callback_url, Time now, ByteView ticket_secret = {});
  Status announce(const SignJob& job, Time now);

  store::Store& store_;
  CossKeys& keys_;
  UserCertificates& platform_;
  Tasks tasks_;
  CossUsers users_;
  Delegations delegations_;
  Callbacks callbacks_;
  CallbackBody callback_body_;
  std::size_t open_jobs_per_user_;
};

}  // namespace eseal::service
