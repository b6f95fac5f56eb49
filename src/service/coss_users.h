// The people who sign from a phone (COSS users, manual §3.3.1 and §3.4), each added by an app
// and visible only to it: the rules their fields follow, and adding, finding and changing them.
// Refusals carry a user_code the COSS door words in its own codes.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"
#include "service/tasks.h"
#include "store/store.h"

namespace eseal::service {

using store::CossUser;

// Why a user cannot be added, found or changed (Error::code).
namespace user_code {
inline constexpr const char* kBadName = "user-name";  // empty, or spaces around it
inline constexpr const char* kBadIdType = "user-id-type";
inline constexpr const char* kIdNumberEmpty = "user-id-number-empty";
inline constexpr const char* kBadIdNumber = "user-id-number";  // not a valid resident id
inline constexpr const char* kBadMobile = "user-mobile";
inline constexpr const char* kBadDepartment = "user-department";
inline constexpr const char* kBadUniqueId = "user-unique-id";
inline constexpr const char* kBadRequireCert = "user-require-cert";
inline constexpr const char* kBadImage = "user-image";  // not base64
inline constexpr const char* kImageTooLarge = "user-image-too-large";
inline constexpr const char* kIdentityTaken = store::kCossIdentityTaken;
inline constexpr const char* kUniqueIdTaken = store::kCossUniqueIdTaken;
inline constexpr const char* kNotFound = "user-not-found";
inline constexpr const char* kBadStatus = "user-status";
inline constexpr const char* kLocked = "user-locked";    // frozen (LOCKED)
inline constexpr const char* kDeleted = "user-deleted";  // cancelled (DELETE)
inline constexpr const char* kIdentityMismatch = "user-identity-mismatch";
inline constexpr const char* kNoImage = "user-no-image";
}  // namespace user_code

// A signature picture may be at most this large (manual: 1 MiB).
inline constexpr std::size_t kMaxSignImage = 1 << 20;

struct NewUser {
  std::string name, id_type, id_number, mobile, department, unique_id;
  std::string sign_image_base64;  // "" for none
  std::string require_cert;       // "Y" (default when empty) or "N"
};

// Activation codes (激活码, manual §3.3.2): what a business system hands a user so that the
// user's phone can enrol. Each is a task of kind "coss.activation" (ISSUED → USED or REVOKED,
// ISSUED → ISSUED counting a wrong attempt; EXPIRED ten minutes after it was issued), its
// subject the user, found by a keyed index of its code (activation_code_index), never the code
// itself.
inline constexpr std::chrono::minutes kActivationLifetime{10};
const TaskKind& activation_kind();
Result<std::string> activation_code_index(store::Store& store, const std::string& app_id,
                                          const std::string& code);

struct ActivationCode {
  std::string task_id;
  std::string code;    // 8 hex digits, typed on the phone
  std::string ticket;  // the QR payload's "o": base64 of the task id and the code
  Time expires{};
};

// Whether `id_number` is a valid resident identity number (GB 11643: 18 characters, the last a
// check digit or X).
bool valid_resident_id(std::string_view id_number);

class CossUsers {
 public:
  explicit CossUsers(store::Store& store) : store_(store), tasks_(store) {}

  // A new user of `app` with a fresh 64-hex userId. Checks: a name of 1 to 50 characters with no
  // spaces around it;
  // id type SF, GA, HZ or QT; an id number of at most 30 characters (a valid resident id for
  // SF); a mainland mobile
  // number (11 digits from 1); a department of 1 to 64 characters; a unique id of at most 64;
  // the picture base64 of at most 1 MiB; requireCert Y or N.
  Result<CossUser> add(const Caller& app, const NewUser& user, Time now);

  // The app's user by userId, by id type and number, or by unique id (kNotFound, user_code
  // kNotFound, for another app's user too).
  Result<CossUser> find(const Caller& app, const std::string& user_id);
  Result<CossUser> find_by_identity(const Caller& app, const std::string& id_type,
                                    const std::string& id_number);
  Result<CossUser> find_by_unique_id(const Caller& app, const std::string& unique_id);

  // The user's signature picture (kNotFound, kNoImage, when none).
  Result<Bytes> sign_image(const Caller& app, const std::string& user_id);

  // The user's id number, masked for responses: the first 3 and the last 4 characters kept.
  Result<std::string> masked_id_number(const CossUser& user);

  // A fresh activation code for an ACTIVE user of the app (kLocked, kDeleted otherwise); the
  // user's earlier open codes are revoked. With `identity`, the user's name, id type and number
  // must match (kIdentityMismatch): getAuthCodeWithIdenVerify.
  struct Identity {
    std::string name, id_type, id_number;
  };
  Result<ActivationCode> issue_activation(const Caller& app, const std::string& user_id,
                                          const std::optional<Identity>& identity, Time now);

  // What updateUser may change; the fields given are checked as add() checks them, and the
  // status must be ACTIVE, LOCKED or DELETE (user_code kBadStatus). A deleted user is changed
  // no more (kBadStatus).
  struct UserChange {
    std::optional<std::string> status = {}, mobile = {}, department = {}, unique_id = {},
                               sign_image_base64 = {};
  };
  Result<CossUser> update(const Caller& app, const std::string& user_id, const UserChange& change,
                          Time now);

 private:
  // A base64 picture of at most 1 MiB kept as a blob; its name.
  Result<std::string> store_image(const std::string& base64);
  store::Store& store_;
  Tasks tasks_;
};

}  // namespace eseal::service
