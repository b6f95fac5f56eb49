// The phones of COSS users and their two-party keys: enrolment with an activation code (the
// phone's share P1 in, the server's share and the joint key out), the user's certificate from a
// certification request the phone and the server signed together, device-bound login tokens,
// the devices a user has, and the end of a key (revoked or abandoned: its server share
// destroyed). Refusals carry a key_code the COSS door words in its own codes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "cosign/two_party.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/issue.h"
#include "service/coss_users.h"
#include "service/platform.h"
#include "service/seal_maker.h"
#include "service/tasks.h"
#include "store/store.h"

namespace eseal::service {

using store::CossKey;

// Why a phone is refused (Error::code).
namespace key_code {
inline constexpr const char* kCodeInvalid = "activation-invalid";  // unknown, used or revoked
inline constexpr const char* kCodeExpired = "activation-expired";
inline constexpr const char* kBadShare = "key-share";  // a point or proof that does not check
inline constexpr const char* kNoUserCa = "no-user-ca";
inline constexpr const char* kKeyNotFound = "key-not-found";
inline constexpr const char* kDeviceRevoked = "device-revoked";       // the key is no more
inline constexpr const char* kNotActivated = "device-not-activated";  // no certificate yet
inline constexpr const char* kKeyLocked = "key-locked";  // too many bad final signatures
inline constexpr const char* kBadLogin = "login";        // a device signature that does not check
inline constexpr const char* kTokenInvalid = "token-invalid";
inline constexpr const char* kTokenExpired = "token-expired";
inline constexpr const char* kBadRequest = "certificate-request";
}  // namespace key_code

// Key states.
namespace key_state {
inline constexpr const char* kPending = "PENDING";  // enrolled, no certificate yet
inline constexpr const char* kActive = "ACTIVE";
inline constexpr const char* kLocked = "LOCKED";  // kMaxKeyFailures bad final signatures
inline constexpr const char* kRevoked = "REVOKED";
inline constexpr const char* kAbandoned = "ABANDONED";  // no certificate within the window
}  // namespace key_state

inline constexpr std::chrono::minutes kTokenLifetime{30};
inline constexpr std::chrono::minutes kEnrolmentWindow{10};
inline constexpr int kMaxKeyFailures = 5;
inline constexpr int kMaxActivationAttempts = 5;

// Login tokens: tasks of kind "coss.token" (ISSUED → REVOKED; EXPIRED after 30 minutes), the
// subject the key, found by a keyed index of the token.
const TaskKind& token_kind();

// What the platform does for COSS users: the CA of their joint keys' certificates, and the
// personal seals (its seal maker's) that their WEB_SEAL signatures show.
class UserCertificates {
 public:
  virtual ~UserCertificates() = default;
  // A seal made by the platform's seal maker (kNotFound when it has none).
  virtual Result<ses::SesSeal> make_user_seal(const SealDesign& design, Time now) = 0;
  // kNotFound when no user CA is set up.
  virtual Result<pki::Certificate> issue_user_certificate(
      const pki::CertificateRequest& request) = 0;
  // The CA certificates above the users' (the user CA first).
  virtual Result<std::vector<pki::Certificate>> user_ca_chain() = 0;
  // `request` signed by the user CA (kNotFound when no user CA is set up).
  virtual Result<pki::Crl> issue_user_crl(const pki::CrlRequest& request) = 0;
};

struct EnrolRequest {
  std::string app_id;  // the app's appId (syscode)
  // The QR payload's "o" (task and code), or the code typed on the phone with the user's mobile
  // number (so that a wrong code counts against the codes open for that number).
  std::string ticket, code, mobile;
  std::string device_name;
  Bytes device_key;  // the device's SM2 public key, for login
  Bytes p1, p1_proof;
  // Find-back (找回): a new key for a user whose phone is lost; once it is certified, the user's
  // other keys are revoked.
  bool find_back = false;
};

struct Enrolment {
  CossUser user;
  CossKey key;
  Bytes p2, p2_proof;
  std::string token;  // a login token for the new key
  Time token_expires{};
  Bytes request_info;  // the certification request to sign together (pki/request.h)
  bool find_back = false;
};

class CossKeys {
 public:
  CossKeys(store::Store& store, Credentials& credentials, UserCertificates& ca)
      : store_(store), credentials_(credentials), ca_(ca), tasks_(store), users_(store) {}

  // Uses the activation code (single use; a wrong code — in a ticket, or typed with a mobile
  // number — counts an attempt against that code, or the codes open for that number, and the
  // fifth revokes it), makes the server's share and the joint key (a new PENDING key) and the
  // certification request the phone and the server then sign (subject: the user's name, id
  // and the app), and a login token. A user's earlier keys stay (one per device).
  Result<Enrolment> enrol(const EnrolRequest& request, Time now);

  // The certificate for a PENDING key, from the certification request `info` it was enrolled
  // with and the joint signature over it (verified under P first): the user CA issues it and
  // the key becomes ACTIVE.
  Result<pki::Certificate> certify(const CossKey& key, ByteView info, ByteView signature, Time now);

  // A token for `key_id` on its device: `signature` by the device key over
  // login_statement(key_id, time, nonce); the time within five minutes of the server's and the
  // nonce not seen before.
  struct Login {
    std::string token;
    Time expires{};
  };
  Result<Login> login(const std::string& key_id, const std::string& time, const std::string& nonce,
                      ByteView signature, Time now);

  // The key a token stands for (kTokenInvalid, kTokenExpired), its user still allowed
  // (user_code kLocked, kDeleted) and the key neither revoked nor abandoned (kDeviceRevoked).
  struct Session {
    std::string token_id;
    CossKey key;
    CossUser user;
  };
  Result<Session> authenticate(const std::string& token, Time now);
  Status logout(const Session& session, Time now);

  Result<CossKey> key(const std::string& key_id);
  // The server's share of an ACTIVE or PENDING key.
  Result<cosign::Scalar> share(const CossKey& key);
  // A final signature that did not verify: counted; the fifth locks the key.
  Status count_failure(const CossKey& key, Time now);
  Status clear_failures(const CossKey& key, Time now);

  // The app's user's devices: the ACTIVE and LOCKED keys.
  Result<std::vector<CossKey>> devices(const Caller& app, const std::string& user_id);
  // The key a business system's PDF is laid out for (getPdfHash): the user's most recently
  // certified ACTIVE key; kNotActivated when there is none.
  Result<CossKey> signing_key(const Caller& app, const std::string& user_id);
  // Revokes the device's key (its share destroyed) and its tokens.
  Status delete_device(const Caller& app, const std::string& user_id, const std::string& device_id,
                       Time now);

  // Revokes every other key of `key`'s user (shares destroyed, tokens ended): a find-back's
  // new key is certified.
  Status revoke_others(const CossKey& key, Time now);

  // PENDING keys older than the enrolment window become ABANDONED, their shares destroyed;
  // returns how many.
  Result<int> abandon_stale(Time now);

 private:
  Result<store::TaskRecord> use_code(const Caller& app, const EnrolRequest& request, Time now);
  // A wrong code tried against `task`: counted; the last allowed attempt revokes it.
  Status count_attempt(const store::TaskRecord& task, Time now);
  Status end_key(CossKey key, const char* state, const std::string& actor, const std::string& why,
                 Time now);

  store::Store& store_;
  Credentials& credentials_;
  UserCertificates& ca_;
  Tasks tasks_;
  CossUsers users_;
};

}  // namespace eseal::service
