#include "service/delegations.h"

#include <algorithm>

#include "crypto/encoding.h"
#include "service/payload.h"
#include "service/refusal.h"

namespace eseal::service {
namespace {

std::string actor_of(const CossKeys::Session& who) {
  return "mobile:" + who.user.id;
}

constexpr std::string_view kPrefix = "AUTHORIZ_";

Result<Delegation> delegation_of(const store::TaskRecord& t) {
  auto p = read_fields(t.payload);
  auto r = read_fields(t.result);
  if (!p || !r) return Error::internal("delegation " + t.id + ": unreadable fields");
  Delegation d;
  d.id = business_id(t.id);
  d.task_id = t.id;
  d.app_id = t.app_id;
  d.grantee_id = t.subject;
  d.grantor_id = (*p)["grantor"];
  d.status = t.state;
  d.created = t.created;
  d.ends = t.expires.value_or(t.created);
  d.job_id = (*p)["job"];
  for (auto [field, into] :
       {std::pair{"statement", &d.statement}, std::pair{"signature", &d.signature},
        std::pair{"cert", &d.certificate}}) {
    auto bytes = crypto::from_base64((*r)[field]);
    if (!bytes) return Error::internal("delegation " + t.id + ": stored evidence is not base64");
    *into = std::move(*bytes);
  }
  return d;
}

}  // namespace

const TaskKind& delegation_kind() {
  static const TaskKind kind{"coss.delegation",
                             "WAIT",
                             {{"WAIT", "WAIT"},
                              {"WAIT", "AUTHORIZE"},
                              {"WAIT", "REFUSE"},
                              {"WAIT", "CANCEL"},
                              {"AUTHORIZE", "CANCEL"}},
                             {"REFUSE", "CANCEL"},
                             "CANCEL"};
  return kind;
}

std::string business_id(const std::string& task_id) {
  return std::string(kPrefix) + task_id;
}

std::string delegation_task_id(const std::string& id) {
  if (id.rfind(kPrefix, 0) != 0) return "";
  std::string task = id.substr(kPrefix.size());
  bool hex = task.size() == 32 && std::all_of(task.begin(), task.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
             });
  return hex ? task : "";
}

std::string Delegations::statement(const Delegation& d, const std::string& app_name) {
  return write_fields({{"type", "eseal-coss-delegation"},
                       {"businessId", d.id},
                       {"app", app_name},
                       {"authorizerId", d.grantor_id},
                       {"authorizerName", d.grantor_name},
                       {"authorizeeId", d.grantee_id},
                       {"authorizeeName", d.grantee_name},
                       {"endTime", format_utc(d.ends)}});
}

Result<Delegation> Delegations::create(const CossKeys::Session& grantor,
                                       const std::string& grantee_id,
                                       const std::string& grantee_mobile, Time ends, Time now) {
  std::string id = grantee_id;
  if (id.empty() && !grantee_mobile.empty()) {
    auto found = store_.coss_users().find_by_mobile(grantor.user.app_id, grantee_mobile);
    if (!found) return found.error();
    if (found->size() != 1) {
      return refused(delegation_code::kBadGrantee, "no one user of this app has that mobile");
    }
    id = found->front().id;
  }
  auto grantee = store_.coss_users().find(id);
  if (!grantee || grantee->app_id != grantor.user.app_id || grantee->id == grantor.user.id) {
    return refused(delegation_code::kBadGrantee, "no other user " + id + " of this app");
  }
  if (grantee->status != "ACTIVE") {
    return refused(delegation_code::kBadGrantee, "the grantee is " + grantee->status);
  }
  if (ends <= now || ends > now + kMaxDelegation) {
    return refused(delegation_code::kBadEnd, "the end must be within a year from now");
  }
  auto task =
      tasks_.create(delegation_kind(),
                    {grantor.user.app_id, grantee->id, write_fields({{"grantor", grantor.user.id}}),
                     ends, std::nullopt, "grantor:" + grantor.user.id},
                    now, actor_of(grantor));
  if (!task) return task.error();
  return read(*task);
}

Result<Delegation> Delegations::read(const store::TaskRecord& task) {
  auto d = delegation_of(task);
  if (!d) return d.error();
  if (auto u = store_.coss_users().find(d->grantor_id); u) d->grantor_name = u->name;
  if (auto u = store_.coss_users().find(d->grantee_id); u) d->grantee_name = u->name;
  return d;
}

Status Delegations::attach_job(const Delegation& d, const std::string& job_id, Time now) {
  auto moved = tasks_.move(delegation_kind(), d.task_id,
                           {.to = "WAIT",
                            .detail = "statement job " + job_id,
                            .payload = write_fields({{"grantor", d.grantor_id}, {"job", job_id}})},
                           now, "mobile:" + d.grantor_id);
  if (!moved) return moved.error();
  return ok_status();
}

Result<Delegation> Delegations::find(const std::string& id, Time now) {
  std::string task_id = delegation_task_id(id);
  if (task_id.empty()) return refused(delegation_code::kNotFound, "no delegation " + id);
  auto task = tasks_.get(delegation_kind(), task_id, now);
  if (!task) {
    if (task.error().kind == ErrorKind::kNotFound) {
      return Error::not_found("no delegation " + id).with_code(delegation_code::kNotFound);
    }
    return task.error();
  }
  return read(*task);
}

Result<std::vector<Delegation>> Delegations::query(store::TaskQuery q, Time now) {
  q.limit = 1000;
  auto tasks = tasks_.list(delegation_kind(), q, now);
  if (!tasks) return tasks.error();
  std::vector<Delegation> out;
  for (const auto& t : *tasks) {
    auto d = read(t);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

Result<std::vector<Delegation>> Delegations::given(const std::string& user_id,
                                                   const std::string& status, Time now) {
  store::TaskQuery q;
  q.reference = "grantor:" + user_id;
  if (!status.empty()) q.states = {status};
  return query(q, now);
}

Result<std::vector<Delegation>> Delegations::received(const std::string& user_id,
                                                      const std::string& status, Time now) {
  store::TaskQuery q;
  q.subject = user_id;
  if (!status.empty()) q.states = {status};
  return query(q, now);
}

Result<Delegation> Delegations::addressed(const std::string& id, const std::string& user_id,
                                          bool as_grantor, std::vector<std::string> states,
                                          Time now) {
  auto d = find(id, now);
  if (!d) return d.error();
  if ((as_grantor ? d->grantor_id : d->grantee_id) != user_id) {
    return Error::not_found("no delegation " + id + (as_grantor ? " from" : " to") + " this user")
        .with_code(delegation_code::kNotFound);
  }
  if (std::find(states.begin(), states.end(), d->status) == states.end()) {
    return refused(delegation_code::kState, id + " is " + d->status);
  }
  return d;
}

Result<Delegation> Delegations::accept(const CossKeys::Session& grantee, const std::string& id,
                                       const SignedStatement& consent, Time now) {
  auto d = addressed(id, grantee.user.id, false, {"WAIT"}, now);
  if (!d) return d.error();
  if (consent.status != "FINISH" || consent.signer_id != d->grantor_id) {
    return refused(delegation_code::kNotSigned, "the grantor has not signed the delegation yet");
  }
  Fields evidence{{"statement", crypto::to_base64(consent.data)},
                  {"signature", crypto::to_base64(consent.signature)},
                  {"cert", crypto::to_base64(consent.certificate)}};
  return change(*d,
                {.to = "AUTHORIZE",
                 .detail = "accepted; the grantor's statement signed in job " + d->job_id,
                 .result = write_fields(evidence)},
                actor_of(grantee), now);
}

Result<Delegation> Delegations::refuse(const CossKeys::Session& grantee, const std::string& id,
                                       Time now) {
  auto d = addressed(id, grantee.user.id, false, {"WAIT"}, now);
  if (!d) return d.error();
  return change(*d, {.to = "REFUSE", .detail = "refused"}, actor_of(grantee), now);
}

Result<Delegation> Delegations::cancel(const CossKeys::Session& grantor, const std::string& id,
                                       Time now) {
  auto d = addressed(id, grantor.user.id, true, {"WAIT", "AUTHORIZE"}, now);
  if (!d) return d.error();
  return change(*d, {.to = "CANCEL", .detail = "withdrawn by the grantor"}, actor_of(grantor), now);
}

Result<Delegation> Delegations::change(const Delegation& d, const Tasks::Move& move,
                                       const std::string& actor, Time now) {
  auto moved = tasks_.move(delegation_kind(), d.task_id, move, now, actor);
  if (!moved) return moved.error();
  return read(*moved);
}

Result<std::optional<Delegation>> Delegations::active(const std::string& app_id,
                                                      const std::string& grantor_id,
                                                      const std::string& grantee_id, Time now) {
  auto found = received(grantee_id, "AUTHORIZE", now);
  if (!found) return found.error();
  for (auto& d : *found) {
    if (d.app_id == app_id && d.grantor_id == grantor_id && d.status == "AUTHORIZE" &&
        now <= d.ends) {
      return std::optional<Delegation>(std::move(d));
    }
  }
  return std::optional<Delegation>();
}

}  // namespace eseal::service
