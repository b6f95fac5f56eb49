#include "service/auto_sign.h"

#include <algorithm>

#include "cosign/two_party.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/sm2_cipher.h"
#include "service/payload.h"
#include "service/refusal.h"

namespace eseal::service {
namespace {

Result<AutoSignGrant> grant_of(const store::TaskRecord& t) {
  auto p = read_fields(t.payload);
  auto r = read_fields(t.result);
  if (!p || !r) return Error::internal("grant " + t.id + ": unreadable fields");
  AutoSignGrant g;
  g.id = t.id;
  g.app_id = t.app_id;
  g.user_id = t.subject;
  g.key_id = (*r)["keyId"];
  g.job_id = (*p)["job"];
  g.status = t.state;
  g.seconds = std::atoi((*p)["seconds"].c_str());
  g.max_count = std::atoi((*p)["maxCount"].c_str());
  g.used = t.attempts;
  g.created = t.created;
  if (t.state != "REQUESTED") g.ends = t.expires;
  return g;
}

bool open(const AutoSignGrant& g) {
  return g.status == "REQUESTED" || g.status == "ACTIVE";
}

}  // namespace

const TaskKind& auto_sign_kind() {
  static const TaskKind kind{"coss.autosign",
                             "REQUESTED",
                             {{"REQUESTED", "REQUESTED"},
                              {"REQUESTED", "ACTIVE"},
                              {"REQUESTED", "ENDED"},
                              {"REQUESTED", "REVOKED"},
                              {"ACTIVE", "ACTIVE"},
                              {"ACTIVE", "ENDED"},
                              {"ACTIVE", "REVOKED"},
                              {"ACTIVE", "EXHAUSTED"}},
                             {"ENDED", "REVOKED", "EXHAUSTED", "EXPIRED"},
                             "EXPIRED"};
  return kind;
}

Result<AutoSigning::Started> AutoSigning::start(const Caller& app, const std::string& user_id,
                                                int seconds, int max_count,
                                                const std::string& callback_url, Time now) {
  if (seconds < 1 || seconds > kMaxAutoSignSeconds) {
    return refused(auto_sign_code::kBadRegion, "timeRegion must be 1 to 86400 seconds");
  }
  if (max_count < 1 || max_count > kMaxAutoSignCount) {
    return refused(auto_sign_code::kBadCount, "maxCount must be 1 to 100000");
  }
  auto user = users_.find(app, user_id);
  if (!user) return user.error();
  if (user->status == "DELETE") return refused(user_code::kDeleted, "the user is deleted");
  if (user->status == "LOCKED") return refused(user_code::kLocked, "the user is locked");
  auto key = keys_.signing_key(app, user_id);
  if (!key) return key.error();
  auto grants = open_grants(app.app_id, user_id, now);
  if (!grants) return grants.error();
  if (!grants->empty()) {
    return refused(auto_sign_code::kStarted, "auto-sign is already " + grants->front().status);
  }
  Fields payload{{"seconds", std::to_string(seconds)}, {"maxCount", std::to_string(max_count)}};
  auto task = tasks_.create(auto_sign_kind(),
                            {app.app_id, user_id, write_fields(payload),
                             now + std::chrono::seconds(seconds), std::nullopt, ""},
                            now, app.actor());
  if (!task) return task.error();
  std::string statement = write_fields({{"type", "eseal-coss-autosign"},
                                        {"grant", task->id},
                                        {"app", app.name},
                                        {"user", user_id},
                                        {"seconds", std::to_string(seconds)},
                                        {"maxCount", std::to_string(max_count)},
                                        {"requested", format_utc(now)}});
  int minutes = (seconds + 59) / 60;
  auto job =
      jobs_.statement_job(app, user_id, "AUTO_SIGN", "开启自动签名",
                          "允许" + app.name + "在" + std::to_string(seconds) +
                              "秒内不经手机确认签名，最多" + std::to_string(max_count) + "次",
                          statement, minutes, callback_url, now);
  if (!job) return job.error();
  payload["job"] = job->id;
  auto moved = tasks_.move(
      auto_sign_kind(), task->id,
      {.to = "REQUESTED", .detail = "consent job " + job->id, .payload = write_fields(payload)},
      now, app.actor());
  if (!moved) return moved.error();
  auto grant = grant_of(*moved);
  if (!grant) return grant.error();
  return Started{*grant, *job};
}

Result<AutoSignGrant> AutoSigning::grant(const CossKeys::Session& who, const std::string& job_id,
                                         ByteView escrow, Time now) {
  auto job = jobs_.statement(job_id, now);
  if (!job) return job.error();
  if (job->data_type != "AUTO_SIGN" || job->user_id != who.user.id) {
    return refused(auto_sign_code::kNotConsented, "job " + job_id + " is not this user's consent");
  }
  if (job->status != "FINISH" || job->key_id != who.key.id) {
    return refused(auto_sign_code::kNotConsented,
                   "sign the consent job " + job_id + " on this device first");
  }
  auto statement = read_fields(to_string(job->data));
  if (!statement) return statement.error();
  auto task = tasks_.get(auto_sign_kind(), (*statement)["grant"], now);
  if (!task) return task.error();
  auto current = grant_of(*task);
  if (!current) return current.error();
  if (current->status != "REQUESTED") {
    return refused(auto_sign_code::kNotStarted, "the grant is " + current->status);
  }
  // The share, decrypted and proven by a joint signature under P.
  auto key = escrow_.escrow_key();
  if (!key) return key.error();
  auto plain = crypto::sm2_decrypt(*key, escrow);
  if (!plain) return refused(auto_sign_code::kBadEscrow, "the escrowed share does not decrypt");
  auto d1 = crypto::sm2::scalar(*plain, "the escrowed share");
  auto d2 = keys_.share(who.key);
  if (!d2) return d2.error();
  auto p = crypto::sm2::point(who.key.public_key, "P");
  if (!p) return p.error();
  Bytes e = crypto::sm3(as_bytes("eseal-coss-escrow-check|" + current->id));
  auto nonce = cosign::client_sign_start();
  if (!nonce) return nonce.error();
  auto partial = cosign::server_sign(*d2, e, nonce->q1);
  if (!partial) return partial.error();
  if (!d1 || !cosign::client_sign_finish(*d1, *nonce, e, *partial, *p)) {
    return refused(auto_sign_code::kBadEscrow, "the escrowed share is not this key's");
  }
  std::string actor = "mobile:" + who.user.id;
  Status held =
      store_.coss_keys().add_escrow(current->id, who.key.id, *plain, now,
                                    {now, actor, "coss.autosign.escrow", current->id,
                                     "key " + who.key.id + ", consent job " + job_id, ""});
  if (!held) return held.error();
  Time ends = now + std::chrono::seconds(current->seconds);
  auto moved = tasks_.move(auto_sign_kind(), current->id,
                           {.to = "ACTIVE",
                            .detail = "granted until " + format_utc(ends),
                            .result = write_fields({{"keyId", who.key.id}}),
                            .expires = std::optional<Time>(ends)},
                           now, actor);
  if (!moved) return moved.error();
  return grant_of(*moved);
}

Status AutoSigning::close(const AutoSignGrant& grant, const std::string& to, const std::string& why,
                          const std::string& actor, Time now) {
  Status destroyed = store_.coss_keys().destroy_escrow(
      grant.id, {now, actor, "coss.autosign.destroy", grant.id, why, ""});
  if (!destroyed) return destroyed;
  if (grant.status == to || auto_sign_kind().is_terminal(grant.status)) return ok_status();
  auto moved = tasks_.move(auto_sign_kind(), grant.id, {.to = to, .detail = why}, now, actor);
  if (!moved && moved.error().code != store::kTaskStateChanged) return moved.error();
  return ok_status();
}

Result<std::vector<AutoSignGrant>> AutoSigning::grants(store::TaskQuery q, Time now) {
  auto tasks = tasks_.list(auto_sign_kind(), q, now);
  if (!tasks) return tasks.error();
  std::vector<AutoSignGrant> out;
  for (const auto& t : *tasks) {
    auto g = grant_of(t);
    if (!g) return g.error();
    // Expired as it was read: its share goes with it.
    if (g->status == "EXPIRED") {
      if (Status closed = close(*g, g->status, "expired", "system:expiry", now); !closed) {
        return closed.error();
      }
    }
    out.push_back(std::move(*g));
  }
  return out;
}

Result<std::vector<AutoSignGrant>> AutoSigning::open_grants(const std::string& app_id,
                                                            const std::string& user_id, Time now) {
  store::TaskQuery q;
  q.app_id = app_id;
  q.subject = user_id;
  q.states = {"REQUESTED", "ACTIVE"};
  auto listed = grants(q, now);
  if (!listed) return listed.error();
  std::erase_if(*listed, [](const AutoSignGrant& g) { return !open(g); });
  return listed;
}

Result<int> AutoSigning::revoke(const CossKeys::Session& who, Time now) {
  auto grants = open_grants(who.user.app_id, who.user.id, now);
  if (!grants) return grants.error();
  for (const auto& g : *grants) {
    Status closed = close(g, "REVOKED", "revoked on the phone", "mobile:" + who.user.id, now);
    if (!closed) return closed.error();
  }
  return static_cast<int>(grants->size());
}

Result<std::vector<AutoSignGrant>> AutoSigning::of_user(const std::string& user_id, Time now) {
  store::TaskQuery q;
  q.subject = user_id;
  auto listed = grants(q, now);
  if (!listed) return listed.error();
  std::reverse(listed->begin(), listed->end());
  return listed;
}

Status AutoSigning::end(const Caller& app, const std::string& user_id, const std::string& token,
                        Time now) {
  auto grants = open_grants(app.app_id, user_id, now);
  if (!grants) return grants.error();
  int ended = 0;
  for (const auto& g : *grants) {
    if (!token.empty() && g.job_id != token) continue;
    if (Status closed = close(g, "ENDED", "endAutoSign", app.actor(), now); !closed) return closed;
    ++ended;
  }
  if (ended == 0) return refused(auto_sign_code::kNotStarted, "auto-sign is not on");
  return ok_status();
}

Result<SignJob> AutoSigning::sign(const Caller& app, const NewSignJob& job,
                                  const std::string& token, Time now) {
  std::lock_guard lock(uses_);
  auto grants = open_grants(app.app_id, job.user_id, now);
  if (!grants) return grants.error();
  auto it = std::find_if(grants->begin(), grants->end(), [&](const AutoSignGrant& g) {
    return g.status == "ACTIVE" && (token.empty() || g.job_id == token);
  });
  if (it == grants->end()) {
    return refused(auto_sign_code::kNotStarted, "no auto-sign grant is active for this user");
  }
  const AutoSignGrant& g = *it;
  if (g.used >= g.max_count) {  // spent by a use whose signing failed
    Status closed = close(g, "EXHAUSTED", "the uses are spent", app.actor(), now);
    if (!closed) return closed.error();
    return refused(auto_sign_code::kNotStarted, "the grant's uses are spent");
  }
  auto key = keys_.key(g.key_id);
  if (!key) return key.error();
  if (key->state != key_state::kActive) {
    Status closed = close(g, "REVOKED", "key " + key->id + " is " + key->state, app.actor(), now);
    if (!closed) return closed.error();
    return refused(auto_sign_code::kNotStarted, "the granting key has ended");
  }
  auto share = store_.coss_keys().escrow_share(g.id);
  if (!share) return share.error();
  auto d1 = crypto::sm2::scalar(*share, "the escrowed share");
  if (!d1) return d1.error();
  // The use is counted once the job is accepted and before it is signed: a failed signing
  // wastes one, never exceeds the count.
  auto spend = [&]() -> Status {
    auto counted = tasks_.move(
        auto_sign_kind(), g.id,
        {.to = "ACTIVE", .detail = "use " + std::to_string(g.used + 1), .count_attempt = true}, now,
        app.actor());
    if (!counted) return counted.error();
    return ok_status();
  };
  auto signed_job = jobs_.sign_unattended(app, job, *key, *d1, g.id, spend, now);
  if (!signed_job) return signed_job.error();
  if (g.used + 1 >= g.max_count) {
    AutoSignGrant used = g;
    Status closed =
        close(used, "EXHAUSTED", "the " + std::to_string(g.max_count) + " uses are spent",
              app.actor(), now);
    if (!closed) return closed.error();
  }
  return signed_job;
}

Result<std::optional<AutoSignGrant>> AutoSigning::current(const Caller& app,
                                                          const std::string& user_id, Time now) {
  auto grants = open_grants(app.app_id, user_id, now);
  if (!grants) return grants.error();
  for (auto& g : *grants) {
    if (g.status == "ACTIVE") return std::optional<AutoSignGrant>(std::move(g));
  }
  return std::optional<AutoSignGrant>();
}

Result<int> AutoSigning::sweep(Time now) {
  auto expired = tasks_.sweep(auto_sign_kind(), now);
  if (!expired) return expired.error();
  auto held = store_.coss_keys().escrow_grants();
  if (!held) return held.error();
  int destroyed = 0;
  for (const auto& id : *held) {
    auto task = tasks_.get(auto_sign_kind(), id, now);
    if (!task && task.error().kind != ErrorKind::kNotFound) return task.error();
    std::optional<AutoSignGrant> g;
    if (task) {
      auto read = grant_of(*task);
      if (!read) return read.error();
      g = std::move(*read);
    }
    std::string why;
    if (!g || g->status != "ACTIVE") {
      why = g ? "the grant is " + g->status : "no such grant";
    } else if (auto key = keys_.key(g->key_id); !key || key->state != key_state::kActive) {
      why = key ? "key " + key->id + " is " + key->state : "the key is gone";
    }
    if (why.empty()) continue;
    AutoSignGrant closing;
    if (g) {
      closing = *g;
    } else {
      closing.id = id;
    }
    std::string to = g && g->status == "ACTIVE" ? "REVOKED" : closing.status;
    if (Status closed = close(closing, to, why, "system:sweeper", now); !closed) {
      return closed.error();
    }
    ++destroyed;
  }
  return destroyed;
}

}  // namespace eseal::service
