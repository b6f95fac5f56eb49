#include "service/coss_keys.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "pki/request.h"
#include "service/refusal.h"

namespace eseal::service {
namespace {

store::AuditEntry audit_of(const std::string& actor, const std::string& operation,
                           const std::string& object, std::string detail, Time now) {
  return {now, actor, operation, object, std::move(detail), ""};
}

std::string mobile_actor(const std::string& user_id) {
  return "mobile:" + user_id;
}

Result<std::string> random_hex(std::size_t bytes) {
  auto random = crypto::random_bytes(bytes);
  if (!random) return random.error();
  return crypto::to_hex(*random);
}

// "DEVICE_" and a random UUID (version 4), as the manual's device ids read.
Result<std::string> new_device_id() {
  auto random = crypto::random_bytes(16);
  if (!random) return random.error();
  Bytes& b = *random;
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
  std::string hex = crypto::to_hex(b);
  return "DEVICE_" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

Result<std::string> token_index(store::Store& store, const std::string& token) {
  return store.keyed_index("coss-token", as_bytes(token));
}

// The ticket of a QR payload: the activation task's id (16 bytes) and its code (4 bytes).
struct Ticket {
  std::string task_id, code;
};
Result<Ticket> read_ticket(const std::string& text) {
  auto raw = crypto::from_base64(text);
  if (!raw || raw->size() != 20) {
    return refused(key_code::kCodeInvalid, "the activation ticket is not one this server issued");
  }
  ByteView b(*raw);
  return Ticket{crypto::to_hex(b.first(16)), crypto::to_hex(b.subspan(16))};
}

}  // namespace

const TaskKind& token_kind() {
  static const TaskKind kind{
      "coss.token", "ISSUED", {{"ISSUED", "REVOKED"}}, {"REVOKED", "EXPIRED"}, "EXPIRED"};
  return kind;
}

Status CossKeys::count_attempt(const store::TaskRecord& task, Time now) {
  bool last = task.attempts + 1 >= kMaxActivationAttempts;
  auto counted = tasks_.move(
      activation_kind(), task.id,
      {.to = last ? "REVOKED" : "ISSUED", .detail = "wrong code", .count_attempt = true}, now,
      "mobile:" + task.subject);
  if (!counted && counted.error().code != store::kTaskStateChanged) return counted.error();
  return ok_status();
}

Result<store::TaskRecord> CossKeys::use_code(const Caller& app, const EnrolRequest& request,
                                             Time now) {
  const TaskKind& kind = activation_kind();
  std::string code = request.code;
  Result<store::TaskRecord> task = Error::not_found("no such activation code");
  if (!request.ticket.empty()) {
    auto ticket = read_ticket(request.ticket);
    if (!ticket) return ticket.error();
    code = ticket->code;
    task = tasks_.get(kind, ticket->task_id, now);
  } else {
    if (request.mobile.empty()) {
      return refused(key_code::kCodeInvalid, "a typed code needs the user's mobile number");
    }
    auto index = activation_code_index(store_, app.app_id, code);
    if (!index) return index.error();
    store::TaskQuery query;
    query.app_id = app.app_id;
    query.reference = *index;
    query.limit = 1;
    auto found = tasks_.list(kind, query, now);
    if (!found) return found.error();
    auto user = found->empty() ? Result<CossUser>(Error::not_found(""))
                               : store_.coss_users().find(found->front().subject);
    if (user && user->mobile == request.mobile) {
      task = found->front();
    } else {
      // A wrong code for this number: an attempt against each code open for it.
      auto users = store_.coss_users().find_by_mobile(app.app_id, request.mobile);
      if (!users) return users.error();
      for (const CossUser& u : *users) {
        store::TaskQuery open;
        open.app_id = app.app_id;
        open.subject = u.id;
        open.states = {"ISSUED"};
        auto codes = tasks_.list(kind, open, now);
        if (!codes) return codes.error();
        for (const auto& t : *codes) {
          if (t.state != "ISSUED") continue;
          if (auto counted = count_attempt(t, now); !counted) return counted.error();
        }
      }
      return refused(key_code::kCodeInvalid, "the activation code is wrong");
    }
  }
  if (!task) {
    if (task.error().kind == ErrorKind::kNotFound) {
      return refused(key_code::kCodeInvalid, "no such activation code");
    }
    return task.error();
  }
  if (task->app_id != app.app_id) return refused(key_code::kCodeInvalid, "no such activation code");
  if (task->state == "EXPIRED") {
    return refused(key_code::kCodeExpired, "the activation code has expired");
  }
  if (task->state != "ISSUED") {
    return refused(key_code::kCodeInvalid, "the activation code is " + task->state);
  }
  auto index = activation_code_index(store_, app.app_id, code);
  if (!index) return index.error();
  if (*index != task->reference) {
    // A ticket with the wrong code: an attempt against this code.
    if (auto counted = count_attempt(*task, now); !counted) return counted.error();
    return refused(key_code::kCodeInvalid, "the activation code is wrong");
  }
  // Single use: the move is compared and set, so of two phones racing one wins.
  auto used = tasks_.move(kind, task->id, {.to = "USED", .detail = request.device_name}, now,
                          "mobile:" + task->subject);
  if (!used) {
    if (used.error().code == store::kTaskStateChanged) {
      return refused(key_code::kCodeInvalid, "the activation code was just used");
    }
    return used.error();
  }
  return used;
}

Result<Enrolment> CossKeys::enrol(const EnrolRequest& request, Time now) {
  auto credentials = credentials_.coss(request.app_id);
  if (!credentials) return credentials.error();
  const Caller& app = credentials->caller;
  auto device_key = crypto::Sm2PublicKey::from_point(request.device_key);
  if (!device_key) return refused(key_code::kBadShare, "the device key is not an SM2 point");
  // The proofs are checked before the code is used up, so a bad share costs no code.
  std::string code = request.code;
  if (!request.ticket.empty()) {
    auto ticket = read_ticket(request.ticket);
    if (!ticket) return ticket.error();
    code = ticket->code;
  }
  Bytes context = cosign::enrolment_context(request.app_id, code, device_key->point());
  auto server = cosign::server_key_share(request.p1, request.p1_proof, context);
  if (!server) return refused(key_code::kBadShare, server.error().message);
  auto task = use_code(app, request, now);
  if (!task) return task.error();
  auto user = store_.coss_users().find(task->subject);
  if (!user) return user.error();
  if (user->status == "DELETE") {
    return refused(user_code::kDeleted, "user " + user->id + " is deleted");
  }
  if (user->status == "LOCKED") {
    return refused(user_code::kLocked, "user " + user->id + " is locked");
  }

  CossKey key;
  auto id = random_hex(16);
  if (!id) return id.error();
  auto device_id = new_device_id();
  if (!device_id) return device_id.error();
  key.id = *id;
  key.user_id = user->id;
  key.app_id = app.app_id;
  key.device_id = *device_id;
  key.device_name = request.device_name;
  key.device_key = device_key->point();
  key.public_key = server->p;
  key.scheme = std::string(cosign::kSchemeInverse3n);
  key.state = key_state::kPending;
  key.created = key.updated = now;
  Status added =
      store_.coss_keys().add(key, server->d2,
                             audit_of(mobile_actor(user->id), "coss.key.enrol", key.id,
                                      std::string(request.find_back ? "find-back: " : "") +
                                          "device " + key.device_id + " (" + key.device_name + ")",
                                      now));
  if (!added) return added.error();

  auto joint = crypto::Sm2PublicKey::from_point(key.public_key);
  if (!joint) return joint.error();
  std::vector<pki::NameAttribute> names{{"C", "CN"}, {"O", app.name}};
  if (!user->department.empty()) names.push_back({"OU", user->department});
  names.push_back({"CN", user->name});
  // The user's msspId as UID, as the manual's certificates carry it (getCertInfo reads it back).
  names.push_back({"UID", user->id});
  auto info = pki::request_info(pki::DistinguishedName(std::move(names)), *joint);
  if (!info) return info.error();
  Enrolment out{*user, key, server->p2, server->proof, "", {}, std::move(*info), request.find_back};
  auto token = random_hex(32);
  if (!token) return token.error();
  auto index = token_index(store_, *token);
  if (!index) return index.error();
  auto issued = tasks_.create(
      token_kind(), {app.app_id, key.id, "{}", now + kTokenLifetime, std::nullopt, *index}, now,
      mobile_actor(user->id));
  if (!issued) return issued.error();
  out.token = *token;
  out.token_expires = now + kTokenLifetime;
  return out;
}

Result<pki::Certificate> CossKeys::certify(const CossKey& key, ByteView info, ByteView signature,
                                           Time now) {
  if (key.state != key_state::kPending) {
    return refused(key_code::kBadRequest, "key " + key.id + " is " + key.state + ", not PENDING");
  }
  auto request = pki::assemble_request(info, signature);
  if (!request) return refused(key_code::kBadRequest, request.error().message);
  auto read = pki::read_request(*request);
  if (!read) return refused(key_code::kBadRequest, read.error().message);
  if (read->key.point() != key.public_key) {
    return refused(key_code::kBadRequest, "the request is not for key " + key.id + "'s P");
  }
  pki::CertificateRequest what{pki::CertificateProfile::kUser,
                               read->subject,
                               read->key,
                               now,
                               now + std::chrono::days(2 * 365),
                               {}};
  auto cert = ca_.issue_user_certificate(what);
  if (!cert) {
    if (cert.error().kind == ErrorKind::kNotFound) {
      return refused(key_code::kNoUserCa, cert.error().message);
    }
    return cert.error();
  }
  CossKey active = key;
  active.state = key_state::kActive;
  active.certificate = cert->der();
  Status changed = store_.coss_keys().change(
      active, {key_state::kPending}, false, now,
      audit_of(mobile_actor(key.user_id), "coss.key.certify", key.id,
               "serial " + crypto::to_hex(cert->serial()) + ", " + cert->subject().to_string(),
               now));
  if (!changed) return changed.error();
  return cert;
}

Result<CossKeys::Login> CossKeys::login(const std::string& key_id, const std::string& time,
                                        const std::string& nonce, ByteView signature, Time now) {
  auto found = key(key_id);
  if (!found) return found.error();
  if (found->state == key_state::kRevoked || found->state == key_state::kAbandoned) {
    return refused(key_code::kDeviceRevoked, "key " + key_id + " is " + found->state);
  }
  if (found->state == key_state::kLocked) {
    return refused(key_code::kKeyLocked, "key " + key_id + " is locked");
  }
  if (found->state != key_state::kActive) {
    return refused(key_code::kNotActivated, "key " + key_id + " has no certificate yet");
  }
  auto at = parse_utc(time);
  if (!at || *at < now - std::chrono::minutes(5) || *at > now + std::chrono::minutes(5)) {
    return refused(key_code::kBadLogin, "the login time is not within five minutes of ours");
  }
  if (nonce.size() < 16 || nonce.size() > 64) {
    return refused(key_code::kBadLogin, "the login nonce must be 16 to 64 characters");
  }
  auto device_key = crypto::Sm2PublicKey::from_point(found->device_key);
  if (!device_key) return device_key.error();
  if (!crypto::sm2_verify(*device_key, as_bytes(cosign::login_statement(key_id, time, nonce)),
                          signature)) {
    return refused(key_code::kBadLogin, "the device signature does not verify");
  }
  Caller owner{"coss", found->app_id, "", {}};
  auto fresh = credentials_.remember_nonce(owner, "coss-login:" + key_id + ":" + nonce, now,
                                           now + std::chrono::minutes(10));
  if (!fresh) return fresh.error();
  if (!*fresh) return refused(key_code::kBadLogin, "the login was replayed");
  auto user = store_.coss_users().find(found->user_id);
  if (!user) return user.error();
  if (user->status == "DELETE") return refused(user_code::kDeleted, "the user is deleted");
  if (user->status == "LOCKED") return refused(user_code::kLocked, "the user is locked");

  // One token per key: the earlier ones end with this login.
  store::TaskQuery open;
  open.subject = key_id;
  open.states = {"ISSUED"};
  auto earlier = tasks_.list(token_kind(), open, now);
  if (!earlier) return earlier.error();
  std::string actor = mobile_actor(found->user_id);
  for (const auto& t : *earlier) {
    if (t.state != "ISSUED") continue;
    auto revoked =
        tasks_.move(token_kind(), t.id, {.to = "REVOKED", .detail = "a new login"}, now, actor);
    if (!revoked && revoked.error().code != store::kTaskStateChanged) return revoked.error();
  }
  auto token = random_hex(32);
  if (!token) return token.error();
  auto index = token_index(store_, *token);
  if (!index) return index.error();
  auto issued = tasks_.create(
      token_kind(), {found->app_id, key_id, "{}", now + kTokenLifetime, std::nullopt, *index}, now,
      actor);
  if (!issued) return issued.error();
  return Login{*token, now + kTokenLifetime};
}

Result<CossKeys::Session> CossKeys::authenticate(const std::string& token, Time now) {
  auto index = token_index(store_, token);
  if (!index) return index.error();
  store::TaskQuery query;
  query.reference = *index;
  query.limit = 1;
  auto found = tasks_.list(token_kind(), query, now);
  if (!found) return found.error();
  if (found->empty()) return refused(key_code::kTokenInvalid, "no such token");
  const store::TaskRecord& t = found->front();
  if (t.state == "EXPIRED") return refused(key_code::kTokenExpired, "the token has expired");
  if (t.state != "ISSUED") return refused(key_code::kTokenInvalid, "the token was " + t.state);
  auto k = key(t.subject);
  if (!k) return k.error();
  if (k->state == key_state::kRevoked || k->state == key_state::kAbandoned) {
    return refused(key_code::kDeviceRevoked, "key " + k->id + " is " + k->state);
  }
  auto user = store_.coss_users().find(k->user_id);
  if (!user) return user.error();
  if (user->status == "DELETE") return refused(user_code::kDeleted, "the user is deleted");
  if (user->status == "LOCKED") return refused(user_code::kLocked, "the user is locked");
  return Session{t.id, std::move(*k), std::move(*user)};
}

Status CossKeys::logout(const Session& session, Time now) {
  auto moved = tasks_.move(token_kind(), session.token_id, {.to = "REVOKED", .detail = "logout"},
                           now, mobile_actor(session.user.id));
  if (!moved) return moved.error();
  return ok_status();
}

Result<CossKey> CossKeys::key(const std::string& key_id) {
  auto found = store_.coss_keys().find(key_id);
  if (!found && found.error().kind == ErrorKind::kNotFound) {
    return Error::not_found("no key " + key_id).with_code(key_code::kKeyNotFound);
  }
  return found;
}

Result<cosign::Scalar> CossKeys::share(const CossKey& key) {
  if (key.state != key_state::kActive && key.state != key_state::kPending) {
    return refused(
        key.state == key_state::kLocked ? key_code::kKeyLocked : key_code::kDeviceRevoked,
        "key " + key.id + " is " + key.state);
  }
  auto d2 = store_.coss_keys().share(key.id);
  if (!d2) return d2.error();
  return crypto::sm2::scalar(*d2, "the server share");
}

Status CossKeys::count_failure(const CossKey& key, Time now) {
  CossKey counted = key;
  ++counted.failures;
  bool lock = counted.failures >= kMaxKeyFailures;
  if (lock) counted.state = key_state::kLocked;
  return store_.coss_keys().change(
      counted, {key.state}, false, now,
      audit_of("system:cosign", lock ? "coss.key.lock" : "coss.key.failure", key.id,
               "final signature did not verify (" + std::to_string(counted.failures) + ")", now));
}

Status CossKeys::clear_failures(const CossKey& key, Time now) {
  if (key.failures == 0) return ok_status();
  CossKey cleared = key;
  cleared.failures = 0;
  return store_.coss_keys().change(
      cleared, {key.state}, false, now,
      audit_of("system:cosign", "coss.key.failure", key.id, "cleared by a valid signature", now));
}

Result<std::vector<CossKey>> CossKeys::devices(const Caller& app, const std::string& user_id) {
  auto user = users_.find(app, user_id);
  if (!user) return user.error();
  store::CossKeyQuery query;
  query.user_id = user_id;
  query.states = {key_state::kActive, key_state::kLocked};
  return store_.coss_keys().query(query);
}

Status CossKeys::end_key(CossKey key, const char* state, const std::string& actor,
                         const std::string& why, Time now) {
  std::string from = key.state;
  key.state = state;
  Status ended = store_.coss_keys().change(
      key, {from}, true, now,
      audit_of(actor,
               std::string("coss.key.") +
                   (std::string_view(state) == key_state::kRevoked ? "revoke" : "abandon"),
               key.id, why + "; server share destroyed", now));
  if (!ended) return ended;
  store::TaskQuery open;
  open.subject = key.id;
  open.states = {"ISSUED"};
  auto tokens = tasks_.list(token_kind(), open, now);
  if (!tokens) return tokens.error();
  for (const auto& t : *tokens) {
    if (t.state != "ISSUED") continue;
    auto revoked = tasks_.move(token_kind(), t.id, {.to = "REVOKED", .detail = why}, now, actor);
    if (!revoked && revoked.error().code != store::kTaskStateChanged) return revoked.error();
  }
  return ok_status();
}

Result<CossKey> CossKeys::signing_key(const Caller& app, const std::string& user_id) {
  auto keys = devices(app, user_id);
  if (!keys) return keys.error();
  const CossKey* newest = nullptr;
  for (const CossKey& k : *keys) {
    if (k.state != key_state::kActive || k.certificate.empty()) continue;
    if (!newest || k.updated >= newest->updated) newest = &k;
  }
  if (!newest) {
    return refused(key_code::kNotActivated, "user " + user_id + " has no activated device");
  }
  return *newest;
}

Status CossKeys::delete_device(const Caller& app, const std::string& user_id,
                               const std::string& device_id, Time now) {
  auto keys = devices(app, user_id);
  if (!keys) return keys.error();
  for (const CossKey& k : *keys) {
    if (k.device_id == device_id) {
      return end_key(k, key_state::kRevoked, app.actor(), "device " + device_id + " deleted", now);
    }
  }
  return Error::not_found("user " + user_id + " has no device " + device_id)
      .with_code(key_code::kKeyNotFound);
}

Status CossKeys::revoke_others(const CossKey& key, Time now) {
  store::CossKeyQuery query;
  query.user_id = key.user_id;
  query.states = {key_state::kActive, key_state::kLocked, key_state::kPending};
  auto others = store_.coss_keys().query(query);
  if (!others) return others.error();
  for (const CossKey& k : *others) {
    if (k.id == key.id) continue;
    Status ended = end_key(k, key_state::kRevoked, "mobile:" + key.user_id,
                           "found back on device " + key.device_id, now);
    if (!ended && ended.error().code != store::kTaskStateChanged) return ended;
  }
  return ok_status();
}

Result<int> CossKeys::abandon_stale(Time now) {
  store::CossKeyQuery query;
  query.states = {key_state::kPending};
  query.created_before = now - kEnrolmentWindow;
  auto stale = store_.coss_keys().query(query);
  if (!stale) return stale.error();
  int abandoned = 0;
  for (const CossKey& k : *stale) {
    Status ended = end_key(k, key_state::kAbandoned, "system:sweeper",
                           "no certificate within the enrolment window", now);
    if (!ended && ended.error().code != store::kTaskStateChanged) return ended.error();
    if (ended) ++abandoned;
  }
  return abandoned;
}

}  // namespace eseal::service
