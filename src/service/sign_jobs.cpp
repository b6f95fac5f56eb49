#include "service/sign_jobs.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"
#include "pdf/document.h"
#include "pdf/layout.h"
#include "service/archive.h"
#include "service/documents.h"
#include "service/payload.h"
#include "service/refusal.h"

namespace eseal::service {
namespace {

std::string mobile_actor(const CossKeys::Session& who) {
  return "mobile:" + who.user.id;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::string> ticket_index(store::Store& store, ByteView secret) {
  return store.keyed_index("coss-job-qr", secret);
}

// Why a job that is no longer open cannot be acted on.
Error ended(const SignJob& job) {
  if (job.status == "EXPIRE") return refused(job_code::kExpired, "job " + job.id + " has expired");
  if (job.status == "FINISH") return refused(job_code::kSigned, "job " + job.id + " is signed");
  if (job.status == "REVOKE") return refused(job_code::kRevoked, "job " + job.id + " was revoked");
  return refused(job_code::kRefused, "job " + job.id + " was refused");
}

Result<SignJob> job_of(const store::TaskRecord& t) {
  auto p = read_fields(t.payload);
  if (!p) return p.error().with_context("job " + t.id);
  auto r = read_fields(t.result);
  if (!r) return r.error().with_context("job " + t.id);
  SignJob job;
  job.id = sign_data_id(t.id);
  job.task_id = t.id;
  job.app_id = t.app_id;
  job.user_id = t.subject;
  job.app_name = (*p)["appId"];
  job.title = (*p)["title"];
  job.description = (*p)["description"];
  job.data_type = (*p)["dataType"];
  job.algo = (*p)["algo"];
  job.callback_url = (*p)["callBackUrl"];
  job.key_id = (*p)["keyId"];
  auto data = crypto::from_base64((*p)["data"]);
  if (!data) return Error::internal("job " + t.id + ": stored data is not base64");
  job.data = std::move(*data);
  job.status = t.state;
  job.created = t.created;
  job.updated = t.updated;
  job.expires = t.expires.value_or(t.created);
  if (!(*r)["signature"].empty()) {
    auto sig = crypto::from_base64((*r)["signature"]);
    auto cert = crypto::from_base64((*r)["cert"]);
    if (!sig || !cert) return Error::internal("job " + t.id + ": stored result is not base64");
    job.signature = std::move(*sig);
    job.certificate = std::move(*cert);
    job.key_id = (*r)["keyId"];
  }
  job.reason = (*r)["reason"];
  job.document = (*r)["document"];
  job.signer_id = (*r)["signerId"];
  job.delegation = (*r)["delegation"];
  job.grant = (*r)["grant"];
  job.find_back = (*p)["findBack"] == "1";
  job.any_app = (*p)["anyApp"] == "1";
  if (const std::string& scanned = (*p)["scannedAt"]; !scanned.empty()) {
    auto at = parse_utc(scanned);
    if (!at) return Error::internal("job " + t.id + ": stored scannedAt is not a time");
    job.scanned = true;
    job.scanned_at = *at;
  }
  if (job.data_type == "WEB_SEAL") {
    job.place.page = std::atoi((*p)["page"].c_str());
    job.place.left = std::atof((*p)["left"].c_str());
    job.place.bottom = std::atof((*p)["bottom"].c_str());
    job.place.right = std::atof((*p)["right"].c_str());
    job.place.top = std::atof((*p)["top"].c_str());
    job.place.keyword = (*p)["keyword"];
    auto whole = [&p](const char* name, int fallback) {
      const std::string& v = (*p)[name];
      return v.empty() ? fallback : std::atoi(v.c_str());
    };
    job.place.keyword_position = whole("keywordPosition", 1);
    job.place.keyword_order = whole("keywordOrder", 2);
    job.place.keyword_number = whole("keywordNumber", 1);
    job.place.offset_x = std::atof((*p)["offsetX"].c_str());
    job.place.offset_y = std::atof((*p)["offsetY"].c_str());
    job.place.width = std::atof((*p)["width"].c_str());
    job.place.height = std::atof((*p)["height"].c_str());
    job.place.verification_code = (*p)["verifyCode"];
    job.place.verification_url = (*p)["verifyUrl"];
  }
  return job;
}

std::string number(double v) {
  std::ostringstream out;
  out.precision(10);
  out << v;
  return out.str();
}

constexpr double kMmPerPoint = 25.4 / 72;

// "http://host…" (callbacks are posted in the clear, as within a business system's network).
bool web_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  return url.rfind(kScheme, 0) == 0 && url.size() > kScheme.size() && url[kScheme.size()] != '/' &&
         url.find_first_of(" \t\r\n") == std::string_view::npos;
}

// Jobs a delegate may sign for the grantor: what a business system asked of the user.
bool delegable(const SignJob& job) {
  return job.data_type == "DATA" || job.data_type == "HASH" || job.data_type == "WEB_SEAL";
}

bool is_statement(const SignJob& job) {
  return job.data_type == "AUTO_SIGN" || job.data_type == "DELEGATION";
}

Status check_place(const WebSealPlace& at) {
  auto finite = [](double v) { return std::isfinite(v) && v >= 0 && v <= 100000; };
  bool sizes = finite(at.width) && finite(at.height) && finite(at.offset_x) && finite(at.offset_y);
  if (!at.keyword.empty()) {
    if (!sizes || at.keyword_position < 1 || at.keyword_position > 3 || at.keyword_order < 0 ||
        at.keyword_order > 2 || at.keyword_number < 1 || at.keyword_number > 100000) {
      return refused(job_code::kBadPlace,
                     "keywordsOfRuleInfo: signKeywordsPosition 1-3, signKeywordsSearch 0-2, "
                     "keywordNum from 1, coordinateX and coordinateY not negative");
    }
    return ok_status();
  }
  bool rectangle = finite(at.left) && finite(at.right) && finite(at.bottom) && finite(at.top) &&
                   at.right > at.left && at.top > at.bottom;
  if (at.page < 0 || at.page > 100000 || !rectangle || !sizes) {
    return refused(job_code::kBadPlace,
                   "needs coordOfRuleInfo (pageNo, left < right, bottom < top) or "
                   "keywordsOfRuleInfo.keyWord");
  }
  return ok_status();
}

Status check_new(const NewSignJob& j) {
  std::size_t title = decode_utf8(j.title).size();
  if (title == 0 || title > 100) {
    return refused(job_code::kBadTitle, "title must be 1 to 100 characters");
  }
  if (decode_utf8(j.description).size() > 200) {
    return refused(job_code::kBadDescription, "description is longer than 200 characters");
  }
  if (j.data_type != "DATA" && j.data_type != "HASH" && j.data_type != "WEB_SEAL") {
    return refused(job_code::kBadDataType, "dataType must be DATA, HASH or WEB_SEAL");
  }
  if (j.algo != "SM3withSM2") return refused(job_code::kBadAlgo, "algo must be SM3withSM2");
  if (!j.expiry_minutes.empty()) {
    if (!all_digits(j.expiry_minutes) || j.expiry_minutes.size() > 6 ||
        std::stoi(j.expiry_minutes) < 1 || std::stoi(j.expiry_minutes) > kMaxJobMinutes) {
      return refused(job_code::kBadExpiry, "expiryDate must be 1 to 4320 minutes");
    }
  }
  if (!j.callback_url.empty() && !web_url(j.callback_url)) {
    return refused(job_code::kBadCallback, "callBackUrl is not an http:// URL");
  }
  return ok_status();
}

int minutes_of(const NewSignJob& j) {
  return j.expiry_minutes.empty() ? kDefaultJobMinutes : std::stoi(j.expiry_minutes);
}

// The sign jobs of a QR ticket (of `app_id`, or of any app for ""), in creation order: a group's
// by the index each was given (the store orders jobs made in the same second by random ids).
Result<std::vector<TaskRecord>> tasks_of_ticket(store::Store& store, Tasks& tasks, ByteView secret,
                                                const std::string& app_id, Time now) {
  auto index = ticket_index(store, secret);
  if (!index) return index.error();
  store::TaskQuery query;
  query.app_id = app_id;
  query.reference = *index;
  query.limit = static_cast<std::int64_t>(kMaxGroupJobs);
  auto found = tasks.list(sign_job_kind(), query, now);
  if (!found) return found.error();
  std::vector<std::pair<int, std::size_t>> order;
  for (std::size_t i = 0; i < found->size(); ++i) {
    auto payload = read_fields((*found)[i].payload);
    if (!payload) return payload.error().with_context("job " + (*found)[i].id);
    order.emplace_back(std::atoi((*payload)["groupIndex"].c_str()), i);
  }
  std::sort(order.begin(), order.end());
  std::vector<TaskRecord> out;
  for (const auto& at : order) out.push_back(std::move((*found)[at.second]));
  return out;
}

}  // namespace

const TaskKind& sign_job_kind() {
  static const TaskKind kind{
      "coss.sign",
      "UNSIGN",
      {{"UNSIGN", "UNSIGN"}, {"UNSIGN", "FINISH"}, {"UNSIGN", "REVOKE"}, {"UNSIGN", "REFUSE"}},
      {"FINISH", "REVOKE", "REFUSE", "EXPIRE"},
      "EXPIRE"};
  return kind;
}

const TaskKind& session_kind() {
  static const TaskKind kind{"coss.session",
                             "OPEN",
                             {{"OPEN", "USED"}, {"OPEN", "FAILED"}, {"OPEN", "REVOKED"}},
                             {"USED", "FAILED", "REVOKED", "EXPIRED"},
                             "EXPIRED"};
  return kind;
}

std::string sign_data_id(const std::string& id) {
  if (id.size() != 32) return id;
  return "SD_" + id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" +
         id.substr(16, 4) + "-" + id.substr(20);
}

std::string task_id_of(const std::string& sign_data_id) {
  if (sign_data_id.rfind("SD_", 0) != 0) return "";
  std::string id;
  for (char c : sign_data_id.substr(3)) {
    if (c != '-') id += c;
  }
  if (id.size() != 32 || !std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return "";
  }
  return id;
}

// What create() stores of a job, once every check has passed.
Result<Fields> SignJobs::checked_payload(const Caller& app, const NewSignJob& j) {
  if (auto checked = check_new(j); !checked) return checked.error();
  if (j.data_base64.empty()) return refused(job_code::kNoData, "data is required");
  auto data = crypto::from_base64(j.data_base64);
  if (!data) return refused(job_code::kNotBase64, "data is not base64");
  if (data->size() > kMaxJobData) {
    return refused(job_code::kTooLarge, "data is larger than 1 MiB");
  }
  if (j.data_type == "HASH" && data->size() != 32) {
    return refused(job_code::kBadHash, "HASH data must be the 32-byte digest to sign");
  }
  if (j.data_type == "WEB_SEAL") {
    if (j.user_id.empty()) {
      return refused(job_code::kWebSealUser, "a WEB_SEAL job needs the userId of its signer");
    }
    auto format = detect_format(*data);
    if (!format || *format != DocumentFormat::kPdf) {
      return refused(job_code::kNotPdf, "WEB_SEAL data must be a PDF");
    }
    if (Status checked = check_place(j.place); !checked) return checked.error();
  }
  if (!j.user_id.empty()) {
    // An any_app job's user may be of another app (a DB4403 seal holder enrolled elsewhere).
    auto user = j.any_app ? store_.coss_users().find(j.user_id) : users_.find(app, j.user_id);
    if (!user) {
      if (j.any_app && user.error().kind == ErrorKind::kNotFound) {
        return Error::not_found("no user " + j.user_id).with_code(user_code::kNotFound);
      }
      return user.error();
    }
    if (user->status == "DELETE") return refused(user_code::kDeleted, "the user is deleted");
    if (user->status == "LOCKED") return refused(user_code::kLocked, "the user is locked");
  }
  Fields payload{{"title", j.title},
                 {"description", j.description},
                 {"dataType", j.data_type},
                 {"algo", j.algo},
                 {"data", crypto::to_base64(*data)}};
  if (j.any_app) payload["anyApp"] = "1";
  if (j.data_type == "WEB_SEAL") {
    payload["page"] = std::to_string(j.place.page);
    payload["left"] = number(j.place.left);
    payload["bottom"] = number(j.place.bottom);
    payload["right"] = number(j.place.right);
    payload["top"] = number(j.place.top);
    payload["keyword"] = j.place.keyword;
    payload["keywordPosition"] = std::to_string(j.place.keyword_position);
    payload["keywordOrder"] = std::to_string(j.place.keyword_order);
    payload["keywordNumber"] = std::to_string(j.place.keyword_number);
    payload["offsetX"] = number(j.place.offset_x);
    payload["offsetY"] = number(j.place.offset_y);
    payload["width"] = number(j.place.width);
    payload["height"] = number(j.place.height);
    if (!j.place.verification_code.empty()) {
      payload["verifyCode"] = j.place.verification_code;
      payload["verifyUrl"] = j.place.verification_url;
    }
  }
  return payload;
}

Result<SignJob> SignJobs::create(const Caller& app, const NewSignJob& j, Time now) {
  auto payload = checked_payload(app, j);
  if (!payload) return payload.error();
  return add(app, j.user_id, std::move(*payload), minutes_of(j), j.callback_url, now);
}

Result<std::vector<SignJob>> SignJobs::create_group(const Caller& app,
                                                    const std::vector<NewSignJob>& jobs,
                                                    ByteView ticket_secret, Time now) {
  if (jobs.empty() || jobs.size() > kMaxGroupJobs) {
    return refused(job_code::kBadGroup,
                   "a QR code stands for 1 to " + std::to_string(kMaxGroupJobs) + " jobs");
  }
  if (ticket_secret.size() != kTicketSecretBytes) {
    return refused(job_code::kBadTicket,
                   "a QR ticket's secret is " + std::to_string(kTicketSecretBytes) + " bytes");
  }
  // A ticket stands for one group: jobs added to another's would be shown and signed with it.
  auto taken = tasks_of_ticket(store_, tasks_, ticket_secret, "", now);
  if (!taken) return taken.error();
  if (!taken->empty()) return refused(job_code::kBadTicket, "the QR ticket is already in use");
  // Every job checked before any is made, so that only the store can fail half-way.
  std::vector<Fields> payloads;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const NewSignJob& j = jobs[i];
    if (j.user_id != jobs.front().user_id || j.any_app != jobs.front().any_app) {
      return refused(job_code::kBadGroup, "the jobs of one QR code are for the same user");
    }
    auto payload = checked_payload(app, j);
    if (!payload) return payload.error();
    // The store orders jobs made in the same second by their random ids.
    (*payload)["groupIndex"] = std::to_string(i);
    payloads.push_back(std::move(*payload));
  }
  std::vector<SignJob> made;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const NewSignJob& j = jobs[i];
    auto job = add(app, j.user_id, std::move(payloads[i]), minutes_of(j), j.callback_url, now,
                   ticket_secret);
    if (!job) {
      for (const SignJob& open : made) {
        auto revoked =
            end(open, {.to = "REVOKE", .detail = "its QR code's group was not completed"}, now,
                app.actor());
        if (!revoked) return revoked.error().with_context("revoking a half-made group");
      }
      return job.error();
    }
    made.push_back(std::move(*job));
  }
  return made;
}

Result<SignJob> SignJobs::create_decryption(const Caller& app, const NewDecryptJob& j, Time now) {
  NewSignJob as_job{j.user_id,     j.title,          "DATA",          "SM3withSM2",
                    j.description, j.expiry_minutes, j.cipher_base64, j.callback_url};
  if (auto checked = check_new(as_job); !checked) return checked.error();
  if (j.user_id.empty()) {
    return refused(job_code::kWebSealUser, "a decryption job needs the userId of its key");
  }
  auto cipher = crypto::from_base64(j.cipher_base64);
  if (!cipher || cipher->empty()) return refused(job_code::kNotBase64, "cipher is not base64");
  if (!crypto::sm2_ciphertext_decode(*cipher, crypto::Sm2CipherFormat::kDer) &&
      !crypto::sm2_ciphertext_decode(*cipher, crypto::Sm2CipherFormat::kC1C3C2)) {
    return refused(job_code::kBadCipher,
                   "cipher is not an SM2 ciphertext (GM/T 0009 DER or C1C3C2)");
  }
  auto user = users_.find(app, j.user_id);
  if (!user) return user.error();
  if (user->status == "DELETE") return refused(user_code::kDeleted, "the user is deleted");
  if (user->status == "LOCKED") return refused(user_code::kLocked, "the user is locked");
  return add(app, j.user_id,
             {{"title", j.title},
              {"description", j.description},
              {"dataType", "DECRYPT"},
              {"algo", "SM2"},
              {"data", crypto::to_base64(*cipher)}},
             minutes_of(as_job), j.callback_url, now);
}

// A new job of the app with its QR ticket, and its callback when it has a URL.
Result<SignJob> SignJobs::add(const Caller& app, const std::string& user_id, Fields payload,
                              int minutes, const std::string& callback_url, Time now,
                              ByteView ticket_secret) {
  if (!user_id.empty()) {
    store::TaskQuery open;
    open.subject = user_id;
    open.states = {"UNSIGN"};
    auto n = tasks_.count(sign_job_kind(), open);
    if (!n) return n.error();
    if (static_cast<std::size_t>(*n) >= open_jobs_per_user_) {
      return refused(job_code::kTooManyOpen, "user " + user_id + " has " + std::to_string(*n) +
                                                 " unsigned jobs, the most allowed");
    }
  }
  Bytes secret(ticket_secret.begin(), ticket_secret.end());
  if (secret.empty()) {
    auto fresh = crypto::random_bytes(kTicketSecretBytes);
    if (!fresh) return fresh.error();
    secret = std::move(*fresh);
  }
  auto index = ticket_index(store_, secret);
  if (!index) return index.error();
  payload["appId"] = app.name;
  payload["callBackUrl"] = callback_url;
  auto task = tasks_.create(sign_job_kind(),
                            {app.app_id, user_id, write_fields(payload),
                             now + std::chrono::minutes(minutes), std::nullopt, *index},
                            now, app.actor());
  if (!task) return task.error();
  if (!callback_url.empty()) {
    auto callback = callbacks_.add(app.app_id, callback_url, task->id, now, app.actor());
    if (!callback) return callback.error();
  }
  auto job = job_of(*task);
  if (!job) return job.error();
  job->ticket = crypto::to_base64(secret);
  return job;
}

Result<SignJob> SignJobs::read(const Caller* app, const std::string& id, Time now) {
  std::string task_id = task_id_of(id);
  if (task_id.empty()) return Error::not_found("no job " + id).with_code(job_code::kNotFound);
  auto task = tasks_.get(sign_job_kind(), task_id, now);
  if (!task) {
    if (task.error().kind == ErrorKind::kNotFound) {
      return Error::not_found("no job " + id).with_code(job_code::kNotFound);
    }
    return task.error();
  }
  if (app && task->app_id != app->app_id && !app->staff()) {
    return Error::not_found("no job " + id).with_code(job_code::kNotFound);
  }
  auto job = job_of(*task);
  if (!job) return job.error();
  // Expired when read: its callback is due as surely as when the sweeper expires it.
  if (job->status == "EXPIRE") {
    if (auto announced = announce(*job, now); !announced) return announced.error();
  }
  return job;
}

Result<SignJob> SignJobs::find(const Caller& app, const std::string& id, Time now) {
  return read(&app, id, now);
}

Result<std::vector<SignJob>> SignJobs::find_group(const Caller& app, ByteView ticket_secret,
                                                  Time now) {
  if (ticket_secret.size() != kTicketSecretBytes) {
    return refused(job_code::kBadTicket,
                   "a QR ticket's secret is " + std::to_string(kTicketSecretBytes) + " bytes");
  }
  auto tasks = tasks_of_ticket(store_, tasks_, ticket_secret, app.app_id, now);
  if (!tasks) return tasks.error();
  std::vector<SignJob> out;
  for (const TaskRecord& t : *tasks) {
    auto job = read(&app, sign_data_id(t.id), now);
    if (!job) return job.error();
    out.push_back(std::move(*job));
  }
  if (out.empty()) {
    return Error::not_found("no job for this QR code").with_code(job_code::kNotFound);
  }
  return out;
}

Result<JobPage> SignJobs::list(const Caller& app, const JobQuery& q, Time now) {
  JobPage page;
  if (!q.sign_data_id.empty()) {
    auto job = find(app, q.sign_data_id, now);
    if (!job) {
      if (job.error().code == job_code::kNotFound) return page;
      return job.error();
    }
    if (!q.user_id.empty() && job->user_id != q.user_id) return page;
    page.jobs.push_back(std::move(*job));
    page.total = 1;
    return page;
  }
  store::TaskQuery query;
  query.app_id = app.app_id;
  query.subject = q.user_id;
  if (!q.signer_id.empty()) return signed_by_delegate(app, q, now);
  if (q.day) {
    query.updated_from = *q.day;
    query.updated_to = *q.day + std::chrono::days(1);
  } else {
    query.updated_from = now - std::chrono::days(3);
  }
  auto total = tasks_.count(sign_job_kind(), query);
  if (!total) return total.error();
  page.total = *total;
  query.offset = std::int64_t{q.page - 1} * q.page_size;
  query.limit = q.page_size;
  auto tasks = tasks_.list(sign_job_kind(), query, now);
  if (!tasks) return tasks.error();
  for (const auto& t : *tasks) {
    auto job = job_of(t);
    if (!job) return job.error();
    page.jobs.push_back(std::move(*job));
  }
  return page;
}

Result<JobPage> SignJobs::signed_by_delegate(const Caller& app, const JobQuery& q, Time now) {
  auto received = delegations_.received(q.signer_id, "", now);
  if (!received) return received.error();
  std::vector<std::string> grantors;
  for (const auto& d : *received) {
    if (d.app_id != app.app_id) continue;
    if (std::find(grantors.begin(), grantors.end(), d.grantor_id) == grantors.end()) {
      grantors.push_back(d.grantor_id);
    }
  }
  std::vector<SignJob> jobs;
  for (const auto& grantor : grantors) {
    if (!q.user_id.empty() && grantor != q.user_id) continue;
    store::TaskQuery query;
    query.app_id = app.app_id;
    query.subject = grantor;
    query.states = {"FINISH"};
    query.updated_from = q.day ? *q.day : now - std::chrono::days(3);
    if (q.day) query.updated_to = *q.day + std::chrono::days(1);
    query.limit = 10000;
    auto tasks = tasks_.list(sign_job_kind(), query, now);
    if (!tasks) return tasks.error();
    for (const auto& t : *tasks) {
      auto job = job_of(t);
      if (!job) return job.error();
      if (job->signer_id == q.signer_id) jobs.push_back(std::move(*job));
    }
  }
  std::sort(jobs.begin(), jobs.end(),
            [](const SignJob& a, const SignJob& b) { return a.updated > b.updated; });
  JobPage page;
  page.total = static_cast<std::int64_t>(jobs.size());
  std::size_t first = static_cast<std::size_t>(q.page - 1) * static_cast<std::size_t>(q.page_size);
  for (std::size_t i = first; i < jobs.size() && i < first + q.page_size; ++i) {
    page.jobs.push_back(std::move(jobs[i]));
  }
  return page;
}

Result<SignJob> SignJobs::revoke(const Caller& app, const std::string& id, Time now) {
  auto job = find(app, id, now);
  if (!job) return job.error();
  if (job->status != "UNSIGN") return ended(*job);
  const char* by =
      app.staff() ? "revoked by the platform's staff" : "revoked by the business system";
  return end(*job, {.to = "REVOKE", .detail = by}, now, app.actor());
}

Result<SignJob> SignJobs::mine(const CossKeys::Session& who, const std::string& id, Time now) {
  auto job = read(nullptr, id, now);
  if (!job) return job.error();
  bool csr = job->data_type == "CSR";
  if (job->app_id != who.user.app_id && !csr && !job->any_app) {
    return refused(job_code::kNotYours, "job " + id + " is not this user's");
  }
  if (job->user_id == who.user.id && (!csr || job->key_id == who.key.id)) return job;
  // A delegate signs the grantor's ordinary jobs with their own key, never a statement, a
  // certification request or a decryption.
  if (!job->user_id.empty() && delegable(*job)) {
    auto delegation = delegations_.active(job->app_id, job->user_id, who.user.id, now);
    if (!delegation) return delegation.error();
    if (*delegation) {
      job->delegation = (*delegation)->id;
      return job;
    }
  }
  return refused(job_code::kNotYours, "job " + id + " is not this user's");
}

Result<std::vector<SignJob>> SignJobs::pending(const CossKeys::Session& who, Time now) {
  store::TaskQuery query;
  query.subject = who.user.id;
  query.states = {"UNSIGN"};
  auto tasks = tasks_.list(sign_job_kind(), query, now);
  if (!tasks) return tasks.error();
  std::vector<SignJob> out;
  for (const auto& t : *tasks) {
    if (t.state != "UNSIGN") continue;
    auto job = job_of(t);
    if (!job) return job.error();
    if (job->data_type == "CSR" && job->key_id != who.key.id) continue;
    out.push_back(std::move(*job));
  }
  // And the open jobs of those who delegated to this user.
  auto received = delegations_.received(who.user.id, "AUTHORIZE", now);
  if (!received) return received.error();
  for (const auto& d : *received) {
    query.subject = d.grantor_id;
    query.app_id = d.app_id;
    auto theirs = tasks_.list(sign_job_kind(), query, now);
    if (!theirs) return theirs.error();
    for (const auto& t : *theirs) {
      auto job = job_of(t);
      if (!job) return job.error();
      if (job->status != "UNSIGN" || !delegable(*job)) continue;
      job->delegation = d.id;
      out.push_back(std::move(*job));
    }
  }
  return out;
}

Result<SignJob> SignJobs::view(const CossKeys::Session& who, const std::string& id, Time now) {
  return mine(who, id, now);
}

Result<std::vector<SignJob>> SignJobs::resolve_group(const CossKeys::Session& who,
                                                     const std::string& ticket, Time now) {
  auto secret = crypto::from_base64(ticket);
  if (!secret || secret->size() != kTicketSecretBytes) {
    return Error::not_found("not a sign job's QR code").with_code(job_code::kNotFound);
  }
  auto tasks = tasks_of_ticket(store_, tasks_, *secret, "", now);
  if (!tasks) return tasks.error();
  std::vector<TaskRecord> group;
  for (TaskRecord& t : *tasks) {
    auto payload = read_fields(t.payload);
    if (!payload) return payload.error().with_context("job " + t.id);
    if (t.app_id == who.user.app_id || (*payload)["anyApp"] == "1") group.push_back(std::move(t));
  }
  if (group.empty()) {
    return Error::not_found("no job for this QR code").with_code(job_code::kNotFound);
  }
  std::string actor = mobile_actor(who);
  // Bound in order, each compared and set on the subject: of two scanners racing, whoever takes
  // the first open job takes the group, since the other stops at the first job it finds bound to
  // someone else.
  for (const TaskRecord& t : group) {
    if (!t.subject.empty() && t.subject != who.user.id) break;
    if (t.state != "UNSIGN") continue;
    auto payload = read_fields(t.payload);
    if (!payload) return payload.error().with_context("job " + t.id);
    if (!(*payload)["scannedAt"].empty()) continue;
    (*payload)["scannedAt"] = format_utc(now);
    Tasks::Move mark{
        .to = "UNSIGN", .detail = "scanned by " + who.user.id, .payload = write_fields(*payload)};
    if (t.subject.empty()) {
      mark.detail = "bound to " + who.user.id + " and scanned";
      mark.subject = std::pair<std::string, std::string>("", who.user.id);
    }
    auto marked = tasks_.move(sign_job_kind(), t.id, mark, now, actor);
    if (marked) continue;
    if (marked.error().code != store::kTaskStateChanged) return marked.error();
    auto current = tasks_.get(sign_job_kind(), t.id, now);
    if (!current) return current.error();
    if (!current->subject.empty() && current->subject != who.user.id) break;
  }
  std::vector<SignJob> out;
  std::optional<Error> first_refusal;
  for (const TaskRecord& t : group) {
    auto job = mine(who, sign_data_id(t.id), now);
    if (job) {
      out.push_back(std::move(*job));
      continue;
    }
    // A job that ended before anyone took it is no one's: the rest of its group is still shown.
    if (job.error().code != job_code::kNotYours || !t.subject.empty()) return job.error();
    if (!first_refusal) first_refusal = job.error();
  }
  if (out.empty()) return *first_refusal;
  return out;
}

Result<SignJob> SignJobs::resolve(const CossKeys::Session& who, const std::string& ticket,
                                  Time now) {
  auto group = resolve_group(who, ticket, now);
  if (!group) return group.error();
  return std::move(group->front());
}

Result<Bytes> SignJobs::digest(const SignJob& job, const CossKey& key) {
  if (job.data_type == "HASH") return job.data;
  if (job.data_type == "WEB_SEAL" || job.data_type == "DECRYPT") return crypto::sm3(job.data);
  auto p = crypto::Sm2PublicKey::from_point(key.public_key);
  if (!p) return p.error();
  return crypto::sm2_signing_digest(*p, job.data);
}

Result<Bytes> SignJobs::sealed_document(const SignJob& job) {
  if (job.document.empty()) return Error::not_found("job " + job.id + " has no sealed document");
  return store_.blobs().get(job.document);
}

// The user's personal seal — their picture, or their name drawn — for the key's certificate,
// laid out where the job says.
Result<LaidOutSeal> SignJobs::lay_out_seal(ByteView pdf, const WebSealPlace& place,
                                           const CossUser& user, const CossKey& key, Time now) {
  if (Status checked = check_place(place); !checked) return checked.error();
  auto cert = pki::Certificate::parse(key.certificate);
  if (!cert) return cert.error();
  auto document = pdf::Document::open(pdf);
  if (!document) return refused(job_code::kLayout, document.error().message);
  auto pages = pdf::page_sizes(*document);
  SealDesign design;
  design.name = user.name;
  design.signers = {*cert};
  if (!user.sign_image.empty()) {
    auto picture = store_.blobs().get(user.sign_image);
    if (!picture) return picture.error();
    design.picture = std::move(*picture);
  }
  // The seal's size: as given, else the rectangle's (a keyword's: 30 mm). A drawn seal keeps
  // its template's shape, so where it goes is worked out from the size it came out at.
  double width = place.width > 0 ? place.width : place.right - place.left;
  double height = place.height > 0 ? place.height : place.top - place.bottom;
  if (!place.keyword.empty() && (place.width <= 0 || place.height <= 0)) {
    width = height = 30 / kMmPerPoint;
  }
  design.width_mm = std::max(1, static_cast<int>(std::lround(width * kMmPerPoint)));
  design.height_mm = std::max(1, static_cast<int>(std::lround(height * kMmPerPoint)));
  auto seal = platform_.make_user_seal(design, now);
  if (!seal) return refused(job_code::kLayout, seal.error().message);
  double seal_width = static_cast<double>(seal->info.picture.width_mm) / kMmPerPoint;
  double seal_height = static_cast<double>(seal->info.picture.height_mm) / kMmPerPoint;
  std::vector<Placement> placements;
  if (!place.keyword.empty()) {
    doc::KeywordSelection selection;
    if (place.keyword_order == 0) {
      selection.kind = doc::KeywordSelection::Kind::kAll;
    } else {
      selection.kind = doc::KeywordSelection::Kind::kIndex;
      selection.index = place.keyword_order == 1 ? -place.keyword_number : place.keyword_number - 1;
    }
    doc::MoveType move = place.keyword_position == 2   ? doc::MoveType::kBottom
                         : place.keyword_position == 3 ? doc::MoveType::kRight
                                                       : doc::MoveType::kCenter;
    placements.push_back(doc::KeywordRule{place.keyword, selection, move,
                                          place.offset_x * kMmPerPoint,
                                          place.offset_y * kMmPerPoint});
  } else {
    if (place.page > static_cast<int>(pages.size())) {
      return refused(job_code::kLayout, "the PDF has no page " + std::to_string(place.page));
    }
    // Centred in the rectangle: its top-left corner, in mm from the page's top-left.
    double x = (place.left + place.right - seal_width) / 2;
    double top = (place.top + place.bottom + seal_height) / 2;
    int first = place.page == 0 ? 0 : place.page - 1;
    int last = place.page == 0 ? static_cast<int>(pages.size()) - 1 : place.page - 1;
    for (int i = first; i <= last; ++i) {
      placements.push_back(doc::PositionRule{
          i, x * kMmPerPoint, pages[static_cast<std::size_t>(i)].height_mm - top * kMmPerPoint});
    }
  }
  SealSignature request{placements, &*seal, place.pdf_format, place.reason, place.location};
  if (!place.verification_url.empty()) request.code = VerificationCode{place.verification_url};
  auto pending = prepare_seal(pdf, request, *cert, now);
  if (!pending) return refused(job_code::kLayout, pending.error().message);
  LaidOutSeal out{std::move(*pending), {}};
  if (!out.pending.stamps.empty()) {
    const doc::Stamp& s = out.pending.stamps.front();
    double page_height = pages[static_cast<std::size_t>(s.page)].height_mm;
    out.first = {s.page + 1, s.visible.x / kMmPerPoint,
                 (page_height - s.visible.y - s.visible.height) / kMmPerPoint,
                 (s.visible.x + s.visible.width) / kMmPerPoint,
                 (page_height - s.visible.y) / kMmPerPoint};
  }
  return out;
}

Result<Prepared> SignJobs::prepare(const CossKeys::Session& who, const std::string& id, ByteView q1,
                                   Time now) {
  auto job = mine(who, id, now);
  if (!job) return job.error();
  if (job->status != "UNSIGN") return ended(*job);
  if (job->data_type == "DECRYPT") {
    return refused(job_code::kWrongKind, "job " + id + " asks for a decryption, not a signature");
  }
  if (who.key.state == key_state::kPending && job->data_type != "CSR") {
    return refused(key_code::kNotActivated, "this device has no certificate yet");
  }
  auto d2 = keys_.share(who.key);
  if (!d2) return d2.error();
  Fields payload;
  Result<Bytes> e = Error::internal("");
  if (job->data_type == "WEB_SEAL") {
    WebSealPlace place = job->place;
    // A delegate's seal says for whom and under which delegation, for every verifier to show.
    if (!job->delegation.empty()) {
      auto grantor = store_.coss_users().find(job->user_id);
      if (!grantor) return grantor.error();
      place.reason = "代" + grantor->name + "签署（授权" + job->delegation + "）";
    }
    auto laid = lay_out_seal(job->data, place, who.user, who.key, now);
    if (!laid) return laid.error();
    auto p = crypto::Sm2PublicKey::from_point(who.key.public_key);
    if (!p) return p.error();
    e = crypto::sm2_signing_digest(*p, laid->pending.to_be_signed);
    auto blob = store_.blobs().put(laid->pending.document);
    if (!blob) return blob.error();
    payload["pending"] = *blob;
  } else {
    e = digest(*job, who.key);
  }
  if (!e) return e.error();
  auto partial = cosign::server_sign(*d2, *e, q1);
  if (!partial) return refused(job_code::kBadPoint, partial.error().message);
  // One open session per job and key: a newer prepare replaces the older.
  store::TaskQuery open;
  open.subject = who.key.id;
  open.reference = job->task_id;
  open.states = {"OPEN"};
  auto earlier = tasks_.list(session_kind(), open, now);
  if (!earlier) return earlier.error();
  for (const auto& s : *earlier) {
    if (s.state != "OPEN") continue;
    auto replaced = tasks_.move(session_kind(), s.id, {.to = "REVOKED", .detail = "replaced"}, now,
                                mobile_actor(who));
    if (!replaced && replaced.error().code != store::kTaskStateChanged) return replaced.error();
  }
  payload["r"] = crypto::to_hex(partial->r);
  payload["e"] = crypto::to_hex(*e);
  auto session = tasks_.create(session_kind(),
                               {who.user.app_id, who.key.id, write_fields(payload),
                                now + kSessionLifetime, std::nullopt, job->task_id},
                               now, mobile_actor(who));
  if (!session) return session.error();
  return Prepared{session->id, std::move(*partial), std::move(*e)};
}

Result<SignJob> SignJobs::complete(const CossKeys::Session& who, const std::string& session_id,
                                   ByteView signature, Time now) {
  auto session = tasks_.get(session_kind(), session_id, now);
  if (!session || session->subject != who.key.id) {
    if (session || session.error().kind == ErrorKind::kNotFound) {
      return refused(job_code::kSessionInvalid, "no signing session " + session_id);
    }
    return session.error();
  }
  if (session->state == "EXPIRED") {
    return refused(job_code::kSessionExpired, "the signing session has expired");
  }
  if (session->state != "OPEN") {
    return refused(job_code::kSessionInvalid, "the signing session is " + session->state);
  }
  auto job = mine(who, sign_data_id(session->reference), now);
  if (!job) return job.error();
  if (job->status != "UNSIGN") return ended(*job);
  auto fields = read_fields(session->payload);
  if (!fields) return fields.error();
  // A WEB_SEAL's digest is the one its session laid out; any other job's is its own.
  auto e = job->data_type == "WEB_SEAL" ? crypto::from_hex((*fields)["e"]) : digest(*job, who.key);
  if (!e) return e.error();
  auto raw = crypto::parse_sm2_signature(signature);
  Result<Bytes> rs = raw ? crypto::sm2_signature_der_to_raw(*raw) : Result<Bytes>(raw.error());
  // The final signature must verify under P over the job's own digest, with the r this
  // session's server half made, before anything changes.
  auto p = crypto::sm2::point(who.key.public_key, "P");
  bool valid = rs && p && crypto::to_hex(*e) == (*fields)["e"] &&
               crypto::to_hex(ByteView(*rs).first(32)) == (*fields)["r"] &&
               cosign::verify_joint(*p, *e, *rs).ok();
  std::string actor = mobile_actor(who);
  if (!valid) {
    auto failed =
        tasks_.move(session_kind(), session->id,
                    {.to = "FAILED", .detail = "final signature did not verify"}, now, actor);
    if (!failed) return failed.error();
    if (auto counted = keys_.count_failure(who.key, now); !counted) return counted.error();
    int left = std::max<int>(0, kMaxKeyFailures - static_cast<int>(who.key.failures) - 1);
    return refused(job_code::kBadSignature,
                   "the signature does not verify (" + std::to_string(left) + " tries left)");
  }
  auto used = tasks_.move(session_kind(), session->id, {.to = "USED"}, now, actor);
  if (!used) {
    if (used.error().code == store::kTaskStateChanged) {
      return refused(job_code::kSessionInvalid, "the signing session was used");
    }
    return used.error();
  }
  auto der = crypto::sm2_signature_raw_to_der(*rs);
  if (!der) return der.error();
  if (auto cleared = keys_.clear_failures(who.key, now); !cleared) return cleared.error();
  Bytes certificate = who.key.certificate;
  if (job->data_type == "CSR") {
    CossKey key = who.key;
    key.failures = 0;
    auto cert = keys_.certify(key, job->data, *rs, now);
    if (!cert) return cert.error();
    certificate = cert->der();
    if (job->find_back) {
      if (auto revoked = keys_.revoke_others(key, now); !revoked) return revoked.error();
    }
  }
  Fields result{{"signature", crypto::to_base64(*der)},
                {"cert", crypto::to_base64(certificate)},
                {"keyId", who.key.id},
                {"signerId", who.user.id}};
  std::string detail = "signed with key " + who.key.id;
  if (!job->delegation.empty()) {
    result["delegation"] = job->delegation;
    detail += " of " + who.user.id + " for " + job->user_id + " under " + job->delegation;
  }
  if (job->data_type == "WEB_SEAL") {
    auto prepared = store_.blobs().get((*fields)["pending"]);
    if (!prepared) return prepared.error();
    auto sealed = service::complete(*prepared, *der, now);
    if (!sealed) return sealed.error();
    auto blob = store_.blobs().put(*sealed);
    if (!blob) return blob.error();
    result["document"] = *blob;
    // Kept as the platform's record of it when it carries a verification code, which leads
    // there; once, should the job's ending fail after it and the phone complete again.
    const std::string& code = job->place.verification_code;
    if (!code.empty() && !store_.documents().find_by_code(code)) {
      auto kept = archive_document(
          store_, {actor, job->app_id, job->id, "coss.web-seal", job->place.verification_code},
          *sealed, now);
      if (!kept) return kept.error();
    }
  }
  return end(*job, {.to = "FINISH", .detail = detail, .result = write_fields(result)}, now, actor);
}

Result<SignJob> SignJobs::reject(const CossKeys::Session& who, const std::string& id,
                                 const std::string& reason, Time now) {
  auto job = mine(who, id, now);
  if (!job) return job.error();
  if (job->status != "UNSIGN") return ended(*job);
  return end(*job, {.to = "REFUSE", .detail = reason, .result = write_fields({{"reason", reason}})},
             now, mobile_actor(who));
}

Result<cosign::Point> SignJobs::decrypt(const CossKeys::Session& who, const std::string& id,
                                        ByteView t1, Time now) {
  auto job = mine(who, id, now);
  if (!job) return job.error();
  if (job->status != "UNSIGN") return ended(*job);
  if (job->data_type != "DECRYPT") {
    return refused(job_code::kWrongKind, "job " + id + " asks for a signature, not a decryption");
  }
  if (who.key.state != key_state::kActive) {
    return refused(key_code::kNotActivated, "this device has no certificate yet");
  }
  auto d2 = keys_.share(who.key);
  if (!d2) return d2.error();
  auto t2 = cosign::server_decrypt(*d2, t1);
  if (!t2) return refused(job_code::kBadPoint, t2.error().message);
  // Once per job: the server's half is given for this ciphertext and no other time.
  auto done = end(*job,
                  {.to = "FINISH",
                   .detail = "decryption half given to key " + who.key.id,
                   .result = write_fields({{"keyId", who.key.id}})},
                  now, mobile_actor(who));
  if (!done) return done.error();
  return t2;
}

Result<SignJob> SignJobs::statement_job(const Caller& app, const std::string& user_id,
                                        const std::string& data_type, const std::string& title,
                                        const std::string& description,
                                        const std::string& statement, int minutes,
                                        const std::string& callback_url, Time now) {
  if (!callback_url.empty()) {
    NewSignJob probe{user_id, title, "DATA", "SM3withSM2", description, "", "", callback_url};
    if (auto checked = check_new(probe); !checked) return checked.error();
  }
  Fields payload{{"title", title},
                 {"description", description},
                 {"dataType", data_type},
                 {"algo", "SM3withSM2"},
                 {"data", crypto::to_base64(as_bytes(statement))}};
  return add(app, user_id, std::move(payload), minutes, callback_url, now);
}

Result<SignJob> SignJobs::statement(const std::string& id, Time now) {
  auto job = read(nullptr, id, now);
  if (!job) return job.error();
  if (!is_statement(*job))
    return Error::not_found("no statement " + id).with_code(job_code::kNotFound);
  return job;
}

Result<Delegation> SignJobs::delegate(const Caller& app, const CossKeys::Session& grantor,
                                      const std::string& grantee_id,
                                      const std::string& grantee_mobile, Time ends, Time now) {
  auto d = delegations_.create(grantor, grantee_id, grantee_mobile, ends, now);
  if (!d) return d.error();
  // Open as long as the delegation, at most a day.
  auto open_for = std::min<std::chrono::seconds>(d->ends - now, std::chrono::days(1));
  int minutes =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(open_for).count()) + 1;
  auto job = statement_job(app, grantor.user.id, "DELEGATION", "授权" + d->grantee_name,
                           "允许" + d->grantee_name + "在结束时间前以本人名义签名",
                           Delegations::statement(*d, app.name), minutes, "", now);
  if (!job) return job.error();
  if (Status attached = delegations_.attach_job(*d, job->id, now); !attached) {
    return attached.error();
  }
  d->job_id = job->id;
  return d;
}

Result<Delegation> SignJobs::accept_delegation(const CossKeys::Session& grantee,
                                               const std::string& business_id, Time now) {
  auto d = delegations_.find(business_id, now);
  if (!d) return d.error();
  SignedStatement consent;
  if (auto job = statement(d->job_id, now); job) {
    consent = {job->status, job->signer_id, job->data, job->signature, job->certificate};
  }
  return delegations_.accept(grantee, business_id, consent, now);
}

Result<SignJob> SignJobs::sign_unattended(const Caller& app, const NewSignJob& j,
                                          const CossKey& key, const cosign::Scalar& d1,
                                          const std::string& grant,
                                          const std::function<Status()>& spend, Time now) {
  if (j.data_type != "DATA" && j.data_type != "HASH") {
    return refused(job_code::kBadDataType, "an auto-signed job is DATA or HASH");
  }
  auto job = create(app, j, now);
  if (!job) return job.error();
  if (Status spent = spend(); !spent) return spent.error();
  auto e = digest(*job, key);
  if (!e) return e.error();
  auto d2 = keys_.share(key);
  if (!d2) return d2.error();
  auto p = crypto::sm2::point(key.public_key, "P");
  if (!p) return p.error();
  // The phone's steps, taken here with its escrowed share.
  auto nonce = cosign::client_sign_start();
  if (!nonce) return nonce.error();
  auto partial = cosign::server_sign(*d2, *e, nonce->q1);
  if (!partial) return partial.error();
  auto rs = cosign::client_sign_finish(d1, *nonce, *e, *partial, *p);
  if (!rs) return rs.error();
  if (Status valid = cosign::verify_joint(*p, *e, *rs); !valid) return valid.error();
  auto der = crypto::sm2_signature_raw_to_der(*rs);
  if (!der) return der.error();
  Fields result{{"signature", crypto::to_base64(*der)},
                {"cert", crypto::to_base64(key.certificate)},
                {"keyId", key.id},
                {"signerId", key.user_id},
                {"grant", grant}};
  return end(*job,
             {.to = "FINISH",
              .detail = "auto-signed with key " + key.id + " under grant " + grant,
              .result = write_fields(result)},
             now, app.actor());
}

Result<SignJob> SignJobs::certificate_job(const Enrolment& enrolment, Time now) {
  Fields payload{{"title", "证书申请"},
                 {"description", "为本设备的协同签名密钥申请证书"},
                 {"dataType", "CSR"},
                 {"algo", "SM3withSM2"},
                 {"data", crypto::to_base64(enrolment.request_info)},
                 {"keyId", enrolment.key.id},
                 {"findBack", enrolment.find_back ? "1" : ""}};
  auto task = tasks_.create(
      sign_job_kind(),
      {"", enrolment.user.id, write_fields(payload), now + kEnrolmentWindow, std::nullopt, ""}, now,
      "mobile:" + enrolment.user.id);
  if (!task) return task.error();
  return job_of(*task);
}

Result<SignJob> SignJobs::end(const SignJob& job, Tasks::Move move, Time now,
                              const std::string& actor) {
  auto task = tasks_.move(sign_job_kind(), job.task_id, move, now, actor);
  if (!task) {
    if (task.error().code == store::kTaskStateChanged) {
      auto current = read(nullptr, job.id, now);
      if (current) return ended(*current);
    }
    return task.error();
  }
  auto done = job_of(*task);
  if (!done) return done.error();
  if (auto announced = announce(*done, now); !announced) return announced.error();
  return done;
}

Status SignJobs::announce(const SignJob& job, Time now) {
  if (job.callback_url.empty() || !callback_body_) return ok_status();
  auto body = callback_body_(job);
  if (!body) return body.error();
  return callbacks_.make_due(job.task_id, *body, now);
}

Result<int> SignJobs::sweep(Time now) {
  store::TaskQuery query;
  query.kind = sign_job_kind().name;
  query.states = {"UNSIGN"};
  query.expired_by = now;
  auto due = store_.tasks().query(query);
  if (!due) return due.error();
  int expired = 0;
  for (const auto& t : *due) {
    auto job = read(nullptr, sign_data_id(t.id), now);
    if (!job) return job.error();
    if (job->status == "EXPIRE") ++expired;
  }
  return expired;
}

}  // namespace eseal::service
