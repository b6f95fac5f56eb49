#include "service/coss_users.h"

#include <algorithm>
#include <array>

#include "base/utf8.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/refusal.h"

namespace eseal::service {
namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_outer_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  return !s.empty() && (space(s.front()) || space(s.back()));
}

std::size_t characters(std::string_view s) {
  return decode_utf8(s).size();
}

store::AuditEntry audit_of(const Caller& app, const std::string& operation,
                           const std::string& user_id, std::string detail, Time now) {
  return {now, app.actor(), operation, user_id, std::move(detail), ""};
}

Result<CossUser> owned(Result<CossUser> user, const Caller& app) {
  if (!user) {
    if (user.error().kind == ErrorKind::kNotFound) {
      return Error::not_found(user.error().message).with_code(user_code::kNotFound);
    }
    return user.error();
  }
  if (user->app_id != app.app_id && !app.staff()) {
    return Error::not_found("no user " + user->id).with_code(user_code::kNotFound);
  }
  return user;
}

Status check_mobile(const std::string& mobile) {
  if (mobile.size() != 11 || mobile[0] != '1' || !all_digits(mobile)) {
    return refused(user_code::kBadMobile, "mobile must be 11 digits beginning with 1");
  }
  return ok_status();
}

Status check_department(const std::string& department) {
  if (department.empty() || characters(department) > 64) {
    return refused(user_code::kBadDepartment, "department must be 1 to 64 characters");
  }
  return ok_status();
}

Status check_unique_id(const std::string& unique_id) {
  if (characters(unique_id) > 64) {
    return refused(user_code::kBadUniqueId, "uniqueId is longer than 64 characters");
  }
  return ok_status();
}

}  // namespace

Result<std::string> activation_code_index(store::Store& store, const std::string& app_id,
                                          const std::string& code) {
  return store.keyed_index("coss-activation:" + app_id, as_bytes(code));
}

const TaskKind& activation_kind() {
  static const TaskKind kind{"coss.activation",
                             "ISSUED",
                             {{"ISSUED", "USED"}, {"ISSUED", "REVOKED"}, {"ISSUED", "ISSUED"}},
                             {"USED", "REVOKED", "EXPIRED"},
                             "EXPIRED"};
  return kind;
}

bool valid_resident_id(std::string_view id) {
  static constexpr std::array<int, 17> kWeights{7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  if (id.size() != 18 || !all_digits(id.substr(0, 17))) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  char last = id[17] == 'x' ? 'X' : id[17];
  return kCheck[static_cast<std::size_t>(sum % 11)] == last;
}

Result<CossUser> CossUsers::add(const Caller& app, const NewUser& u, Time now) {
  if (u.name.empty() || has_outer_space(u.name) || characters(u.name) > 50) {
    return refused(user_code::kBadName,
                   "userName must be 1 to 50 characters without spaces around it");
  }
  static const std::array<std::string_view, 4> kIdTypes{"SF", "GA", "HZ", "QT"};
  if (std::find(kIdTypes.begin(), kIdTypes.end(), u.id_type) == kIdTypes.end()) {
    return refused(user_code::kBadIdType, "idType \"" + u.id_type + "\" is not SF, GA, HZ or QT");
  }
  if (u.id_number.empty()) return refused(user_code::kIdNumberEmpty, "idNumber is empty");
  if (characters(u.id_number) > 30 || (u.id_type == "SF" && !valid_resident_id(u.id_number))) {
    return refused(
        user_code::kBadIdNumber,
        "idNumber is not a valid " + std::string(u.id_type == "SF" ? "resident id" : "id"));
  }
  if (auto s = check_mobile(u.mobile); !s) return s.error();
  if (auto s = check_department(u.department); !s) return s.error();
  if (auto s = check_unique_id(u.unique_id); !s) return s.error();
  if (!u.require_cert.empty() && u.require_cert != "Y" && u.require_cert != "N") {
    return refused(user_code::kBadRequireCert, "requireCert must be Y or N");
  }
  CossUser user;
  if (!u.sign_image_base64.empty()) {
    auto blob = store_image(u.sign_image_base64);
    if (!blob) return blob.error();
    user.sign_image = *blob;
  }
  auto id = crypto::random_bytes(32);
  if (!id) return id.error();
  user.id = crypto::to_hex(*id);
  user.app_id = app.app_id;
  user.name = u.name;
  user.id_type = u.id_type;
  user.mobile = u.mobile;
  user.department = u.department;
  user.unique_id = u.unique_id;
  user.require_cert = u.require_cert != "N";
  user.status = "ACTIVE";
  user.created = user.updated = now;
  auto added = store_.coss_users().add(
      user, u.id_number,
      audit_of(app, "coss.user.add", user.id,
               "name=" + u.name + "; idType=" + u.id_type + "; department=" + u.department, now));
  if (!added) return added.error();
  return user;
}

Result<std::string> CossUsers::store_image(const std::string& base64) {
  auto image = crypto::from_base64(base64);
  if (!image) return refused(user_code::kBadImage, "the picture is not base64");
  if (image->size() > kMaxSignImage) {
    return refused(user_code::kImageTooLarge, "the picture is larger than 1 MiB");
  }
  return store_.blobs().put(*image);
}

Result<CossUser> CossUsers::find(const Caller& app, const std::string& user_id) {
  return owned(store_.coss_users().find(user_id), app);
}

Result<Bytes> CossUsers::sign_image(const Caller& app, const std::string& user_id) {
  auto user = find(app, user_id);
  if (!user) return user.error();
  if (user->sign_image.empty()) {
    return Error::not_found("user " + user_id + " has no picture").with_code(user_code::kNoImage);
  }
  return store_.blobs().get(user->sign_image);
}

Result<CossUser> CossUsers::find_by_identity(const Caller& app, const std::string& id_type,
                                             const std::string& id_number) {
  return owned(store_.coss_users().find_by_identity(app.app_id, id_type, id_number), app);
}

Result<CossUser> CossUsers::find_by_unique_id(const Caller& app, const std::string& unique_id) {
  return owned(store_.coss_users().find_by_unique_id(app.app_id, unique_id), app);
}

Result<std::string> CossUsers::masked_id_number(const CossUser& user) {
  auto number = store_.coss_users().id_number(user.id);
  if (!number) return number.error();
  // By characters, so that a number in another script stays well-formed.
  std::u32string text = decode_utf8(*number);
  if (text.size() <= 7) return std::string(text.size(), '*');
  return encode_utf8(text.substr(0, 3)) + std::string(text.size() - 7, '*') +
         encode_utf8(text.substr(text.size() - 4));
}

Result<ActivationCode> CossUsers::issue_activation(const Caller& app, const std::string& user_id,
                                                   const std::optional<Identity>& identity,
                                                   Time now) {
  auto user = find(app, user_id);
  if (!user) return user.error();
  if (user->status == "DELETE")
    return refused(user_code::kDeleted, "user " + user_id + " is deleted");
  if (user->status == "LOCKED")
    return refused(user_code::kLocked, "user " + user_id + " is locked");
  if (identity) {
    auto number = store_.coss_users().id_number(user_id);
    if (!number) return number.error();
    if (identity->name != user->name || identity->id_type != user->id_type ||
        identity->id_number != *number) {
      return refused(user_code::kIdentityMismatch,
                     "the name, id type and number given are not user " + user_id + "'s");
    }
  }
  const TaskKind& kind = activation_kind();
  store::TaskQuery open;
  open.app_id = app.app_id;
  open.subject = user_id;
  open.states = {"ISSUED"};
  auto earlier = tasks_.list(kind, open, now);
  if (!earlier) return earlier.error();
  for (const auto& t : *earlier) {
    if (t.state != "ISSUED") continue;
    auto revoked = tasks_.move(kind, t.id, {.to = "REVOKED", .detail = "a new code was issued"},
                               now, app.actor());
    if (!revoked && revoked.error().code != store::kTaskStateChanged) return revoked.error();
  }
  // A code no open activation of the app has: 2^32 codes, a handful open at a time.
  for (int draw = 0; draw < 8; ++draw) {
    auto random = crypto::random_bytes(4);
    if (!random) return random.error();
    std::string code = crypto::to_hex(*random);
    auto index = activation_code_index(store_, app.app_id, code);
    if (!index) return index.error();
    store::TaskQuery same;
    same.app_id = app.app_id;
    same.reference = *index;
    same.states = {"ISSUED"};
    auto taken = tasks_.count(kind, same);
    if (!taken) return taken.error();
    if (*taken > 0) continue;
    Time expires = now + kActivationLifetime;
    auto task = tasks_.create(
        kind, {app.app_id, user_id, R"({"purpose":"ENROLL"})", expires, std::nullopt, *index}, now,
        app.actor());
    if (!task) return task.error();
    Bytes ticket = *crypto::from_hex(task->id);
    append(ticket, *random);
    return ActivationCode{task->id, code, crypto::to_base64(ticket), expires};
  }
  return Error::internal("no free activation code after 8 draws");
}

Result<CossUser> CossUsers::update(const Caller& app, const std::string& user_id,
                                   const UserChange& change, Time now) {
  if (change.status && *change.status != "ACTIVE" && *change.status != "LOCKED" &&
      *change.status != "DELETE") {
    return refused(user_code::kBadStatus,
                   "status \"" + *change.status + "\" is not ACTIVE, LOCKED or DELETE");
  }
  if (change.mobile) {
    if (auto s = check_mobile(*change.mobile); !s) return s.error();
  }
  if (change.department) {
    if (auto s = check_department(*change.department); !s) return s.error();
  }
  if (change.unique_id) {
    if (auto s = check_unique_id(*change.unique_id); !s) return s.error();
  }
  auto user = find(app, user_id);
  if (!user) return user.error();
  if (user->status == "DELETE") {
    return refused(user_code::kBadStatus, "user " + user_id + " is deleted");
  }
  std::string detail;
  auto note = [&detail](const std::string& what) { detail += (detail.empty() ? "" : "; ") + what; };
  if (change.status) {
    note(user->status + " -> " + *change.status);
    user->status = *change.status;
  }
  if (change.mobile) {
    note("mobile");
    user->mobile = *change.mobile;
  }
  if (change.department) {
    note("department=" + *change.department);
    user->department = *change.department;
  }
  if (change.unique_id) {
    note("uniqueId=" + *change.unique_id);
    user->unique_id = *change.unique_id;
  }
  if (change.sign_image_base64) {
    auto blob = store_image(*change.sign_image_base64);
    if (!blob) return blob.error();
    note("picture");
    user->sign_image = *blob;
  }
  auto updated = store_.coss_users().update(
      *user, now, audit_of(app, "coss.user.update", user_id, detail, now));
  if (!updated) return updated.error();
  user->updated = now;
  return user;
}

}  // namespace eseal::service
