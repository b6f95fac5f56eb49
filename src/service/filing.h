// Filing with the national platform (备案, LD/T 01.4 §5.2), in both roles, on the one task model.
//
// The platform role (FilingRegistry) keeps what a national platform keeps: the seal-maker units
// pushed to it, single-use challenges (randomA‖randomB), filing tasks and their per-seal results
// and packages, the seals filed with it and their published status, seal codes allocated per
// area, developer accounts and their bearer tokens, and the sessions of the status-publishing
// door. The client role (FilingRun) files one of this instance's seals upward, step by step,
// through an Upstream (the LD/T wire client, api/ldt/filing_client.h), keeping its progress in
// the store so that a run interrupted anywhere resumes from the last completed step.
//
// Every record is a task (service/tasks.h), so each change is audited and expiry is enforced on
// read and by the sweeper:
//   filing.unit       a seal-maker unit (onlinePush), subject its credit code       PUSHED
//   filing.challenge  subject randomA‖randomB, 5 minutes                      OPEN → USED | EXPIRED
//   filing.task       a taskId's results and packages; reference the type code
//                                                                       READY → CONFIRMED | EXPIRED
//   filing.code       an allocated seal code (unique), reference the area      ISSUED → USED
//   filing.seal       a filed seal (unique code): FILED → ACTIVE → REVOKED | CANCELLED | LOST
//   filing.account    a developer account (DB.oauth.token), subject the username  ACTIVE
//   filing.token      a bearer token, subject its SM3                     ACTIVE → EXPIRED
//   filing.auth       a recvAuthServer session, subject randomB           OPEN → USED | EXPIRED
//   filing.run        this instance filing one of its seals upward, subject the seal id,
//                     reference the seal code once allocated                  RUNNING → DONE
// The wire formats (signInfo, the status door's token and data strings, the query `sign`) are
// the adapter's; this file knows seals, codes, certificates and packages.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "filing/package.h"
#include "keys/kek.h"
#include "pki/certificate.h"
#include "service/coss_keys.h"
#include "service/payload.h"
#include "service/platform.h"
#include "service/tasks.h"

namespace eseal::service::filing {

using eseal::filing::GaData;
using eseal::filing::Package;

const TaskKind& unit_kind();
const TaskKind& challenge_kind();
const TaskKind& task_kind();
const TaskKind& code_kind();
const TaskKind& seal_kind();
const TaskKind& account_kind();
const TaskKind& token_kind();
const TaskKind& auth_kind();
const TaskKind& run_kind();
// A query of every task of `kind`, for the fields set after it.
store::TaskQuery query_of(const TaskKind& kind);
// The kinds that expire, for the sweeper.
std::vector<const TaskKind*> expiring_kinds();

// taskTypeCode (table 6).
enum class TaskType { kFiling = 0, kKeyUpdate = 1, kRevocation = 2, kSealCode = 3 };

// Why and how a seal stops being valid (table 23): cancelReason 0–9 and invalidType
// 0 吊销 (revoked), 1 撤销 (cancelled), 2 挂失 (lost).
struct Revocation {
  int reason = 4;  // 因其他原因撤销
  std::string describe;
  int type = 1;
  Time applied{}, effective{};
};
// kInvalidInput for a reason outside 0–9 or a type outside 0–2.
Status check(const Revocation& revocation);
std::string reason_text(int reason);  // the seed's words
// The filed seal's state for a type: REVOKED, CANCELLED, LOST.
std::string state_of(int invalid_type);
// The seal registry's status for a type: lost for 2, revoked otherwise.
store::SealStatus seal_status_of(int invalid_type);

// A seal-maker unit as onlinePush sends it (table 2): the credit code, the serial 1..99999,
// its certificate, and every field as sent.
struct MakerUnit {
  std::string credit_code;  // mspUnitCode
  int serial = 0;           // mspSn
  pki::Certificate certificate;
  Fields fields;
};

// One seal of an upload (table 6): its certificates, its record (sealData: the GAData fields
// but deviceCode, which the platform assigns, plus the picture's type and data) and district.
struct SealUpload {
  pki::Certificate sign_cert, enc_cert;
  GaData data;
  std::string picture_type, picture;  // ymlx, ymsd
  std::string district;
};

// One seal's result in a task (table 9): errorCode "0" and its package, or an error.
struct ItemResult {
  std::string seal_code;
  std::string error_code = "0";
  std::string message;
  std::optional<Package> package;
};

struct FilingTask {
  std::string id;
  TaskType type = TaskType::kFiling;
  std::string state;
  std::vector<ItemResult> items;
};

// A key update (table 11) or a revocation (table 13): the seal, and the device code with its
// ciphertext under the package's data key, proving the carrier holds the package.
struct CarrierProof {
  std::string seal_code, device_code, enc_device_code;
};
struct KeyUpdate {
  CarrierProof proof;
  pki::Certificate sign_cert, enc_cert;
};
struct RevocationRequest {
  CarrierProof proof;
  Revocation revocation;
};
// A receipt (table 17).
struct Receipt {
  std::string task_id;
  CarrierProof proof;
};

// What the public status service answers.
struct SealState {
  std::string seal_code, seal_name;
  std::string state;   // FILED, ACTIVE, REVOKED, CANCELLED, LOST
  bool valid = false;  // at the time asked about
};
struct RevokedSeal {
  std::string seal_code, seal_name;
  Time revoked{};
};
struct RevocationPage {
  std::vector<RevokedSeal> seals;
  std::int64_t total = 0;
};

// What a filed seal's publication (taskCode 207, table 22) says.
struct Publication {
  std::string seal_code, seal_name, use_unit_code, zone, creator;
  std::string valid_start, valid_end;
};

struct RegistryOptions {
  std::chrono::seconds challenge_life{300};
  std::chrono::hours task_life{24 * 30};
  std::chrono::hours token_life{8};
  std::chrono::seconds auth_life{300};
};

// Error::code of the registry's refusals, for the door's wording.
namespace code {
inline constexpr const char* kChallenge = "filing-challenge";  // unknown, used or expired
inline constexpr const char* kTask = "filing-task";            // unknown or another app's
inline constexpr const char* kSealCode = "filing-seal-code";   // not issued, used, taken
inline constexpr const char* kSeal = "filing-seal";            // not filed, or not in that state
inline constexpr const char* kCarrier = "filing-carrier";      // device code does not match
inline constexpr const char* kCertificate = "filing-certificate";
inline constexpr const char* kAccount = "filing-account";  // bad credentials or token
inline constexpr const char* kSession = "filing-session";  // unknown or used randomB
}  // namespace code

// The platform role.
class FilingRegistry {
 public:
  FilingRegistry(store::Store& store, RegistryOptions options = {})
      : store_(store), tasks_(store), options_(options) {}

  // onlinePush: adds or replaces the unit.
  Status push_unit(const Caller& caller, const MakerUnit& unit, Time now);
  Result<std::vector<MakerUnit>> units();

  // getRandom: a challenge for randomA (16 characters); randomB, 16 random digits.
  Result<std::string> open_challenge(const Caller& caller, const std::string& random_a, Time now);
  // Every filing call spends one: tokenInfo must be a challenge of the caller, open and fresh.
  Status spend_challenge(const Caller& caller, const std::string& token_info, Time now);

  // applySealCode: a fresh code for the area (2 to 6 digits; the seed says 3): the area padded
  // with zeros to six digits and an eight-digit serial, unique across the platform.
  Result<std::string> allocate_code(const Caller& caller, const std::string& area, Time now);

  // uploadRecordInfos: each seal whose code was allocated to the caller and not yet used is
  // filed and its package issued to its encryption certificate (a seal filed and not yet
  // confirmed, sent again with the same signing certificate, gets a new package: the answer was
  // lost); the others get an error in their item. The task is READY at once: eseal is the
  // platform and the police's system.
  Result<FilingTask> upload(const Caller& caller, const std::vector<SealUpload>& seals, Time now);
  // updateProtectKey: new certificates for filed seals and new packages (the same request sent
  // again with the proof from before it is answered again).
  Result<FilingTask> update_keys(const Caller& caller, const std::vector<KeyUpdate>& updates,
                                 Time now);
  // revocationSealInfo: the seals leave ACTIVE (or FILED) for the type's state, everywhere.
  Result<FilingTask> revoke(const Caller& caller, const std::vector<RevocationRequest>& seals,
                            Time now);
  // checkResult.
  Result<FilingTask> result(const Caller& caller, const std::string& task_id, Time now);
  // confirmReceipt: each receipt's seal becomes ACTIVE (one already ACTIVE is confirmed again);
  // one result per receipt.
  Result<std::vector<ItemResult>> confirm(const Caller& caller,
                                          const std::vector<Receipt>& receipts, Time now);

  // recvAuthServer: a session for the publisher's certificate and randomA; randomB.
  Result<std::string> open_session(const Caller& caller, const pki::Certificate& publisher,
                                   const std::string& random_a, Time now);
  // msgCenterDoubleServer: spends the session of randomB and returns its certificate.
  Result<pki::Certificate> spend_session(const Caller& caller, const std::string& random_b,
                                         Time now);
  // 207: the seal's status published (it must be the caller's, and ACTIVE).
  Status publish(const Caller& caller, const Publication& publication, Time now);
  // 209: revoked, cancelled or lost, as revoke() does, by code or (without one) by name.
  Status withdraw(const Caller& caller, const std::string& seal_code, const std::string& seal_name,
                  const Revocation& revocation, Time now);

  // DB.oauth.token's accounts: username, salt and the SM3(password‖salt) the client sends, a
  // client id (appkey) and secret. add_account returns the account's password, salt, client id
  // and client secret, shown once.
  struct NewAccount {
    std::string username, password, salt, client_id, client_secret;
  };
  Result<NewAccount> add_account(const Caller& caller, const std::string& username, Time now);
  struct Token {
    std::string access_token;
    std::chrono::seconds expires_in{};
  };
  Result<Token> issue_token(const std::string& username, const std::string& password_digest,
                            const std::string& client_id, const std::string& client_secret,
                            Time now);
  // The app of the account that holds `token` for `client_id`, while the token is valid.
  Result<std::string> check_token(const std::string& client_id, const std::string& token, Time now);

  // The public status service, by code (and name, when given, which must match): valid when the
  // seal was ACTIVE at `at` and its revocation, if any, takes effect later. kNotFound for a
  // code nobody filed.
  Result<SealState> status(const std::string& seal_code, const std::string& seal_name, Time at,
                           Time now);
  // Seals that stopped being valid from `from` through `to`, oldest first, one page (1-based).
  Result<RevocationPage> revocations(Time from, Time to, std::int64_t page_size, std::int64_t page);

  // The client role's record of a seal it filed upward, so that this instance's status door
  // answers for it too: created ACTIVE (or left alone when the code is already on record here).
  Status record_filed(const Caller& caller, const std::string& seal_code,
                      const std::string& seal_name, const std::string& seal_id, Time now);
  // The local seal's revocation, recorded likewise (on the record of `seal_id` only).
  Status record_withdrawn(const Caller& caller, const std::string& seal_code,
                          const std::string& seal_id, const Revocation& revocation, Time now);

 private:
  Result<TaskRecord> filed_seal(const std::string& seal_code, Time now);
  Result<TaskRecord> issued_task(const Caller& caller, TaskType type,
                                 const std::vector<ItemResult>& items, Time now);
  Status check_carrier(const Fields& filed, const CarrierProof& proof);
  // A package of the record in `f` for `enc_cert`, and `f` with its proof (encDeviceCode) and
  // certificate; kInvalidInput for a certificate or record that cannot be packaged.
  Result<std::pair<Package, Fields>> packaged(Fields f, const pki::Certificate& enc_cert);
  Status set_local_status(const std::string& seal_id, store::SealStatus status, Time now,
                          const std::string& actor);
  Status move_to_revoked(TaskRecord& seal, const Revocation& revocation, Time now,
                         const std::string& actor);

  store::Store& store_;
  Tasks tasks_;
  RegistryOptions options_;
};

// What the client role needs from the platform it files with: one call per operation.
class Upstream {
 public:
  virtual ~Upstream() = default;
  virtual Status push_unit(const Fields& unit) = 0;
  // getRandom for randomA: the tokenInfo randomA‖randomB.
  virtual Result<std::string> challenge(const std::string& random_a) = 0;
  virtual Result<std::string> seal_code(const std::string& token_info, const std::string& area) = 0;
  // uploadRecordInfos, updateProtectKey, revocationSealInfo: the taskId.
  virtual Result<std::string> upload(const std::string& token_info,
                                     const std::vector<SealUpload>& seals) = 0;
  virtual Result<std::string> update_keys(const std::string& token_info,
                                          const std::vector<KeyUpdate>& updates) = 0;
  virtual Result<std::string> revoke(const std::string& token_info,
                                     const std::vector<RevocationRequest>& seals) = 0;
  virtual Result<FilingTask> result(TaskType type, const std::string& task_id) = 0;
  virtual Result<std::vector<ItemResult>> confirm(const std::string& token_info, TaskType type,
                                                  const std::vector<Receipt>& receipts) = 0;
  // recvAuthServer then msgCenterDoubleServer with taskCode 207 or 209.
  virtual Status publish(const Publication& publication) = 0;
  virtual Status withdraw(const std::string& seal_code, const std::string& seal_name,
                          const Revocation& revocation) = 0;
};

// The client role: files one of this instance's seals with the upstream platform.
class FilingRun {
 public:
  // `seals` finds the seal and its signer certificate; `certificates` issues the seal's
  // encryption certificate (under the user CA); the seal's encryption key is kept in the store's
  // soft keystore (Store::key_files, under `kek`).
  FilingRun(store::Store& store, SealRegistry& seals, UserCertificates& certificates, keys::Kek kek,
            Upstream& upstream)
      : store_(store),
        seals_(seals),
        certificates_(certificates),
        kek_(std::move(kek)),
        upstream_(upstream),
        tasks_(store) {}

  struct Details {
    std::string area;        // applySealCode's areaNumber
    std::string district;    // districtCode
    GaData record;           // the filing record; empty fields are filled from the seal
    std::string maker_code;  // yzzzdwbm: the unit that made the seal
  };
  // The steps, in order; a run resumes after the last one completed.
  static const std::vector<std::string>& steps();
  using Progress = std::function<void(const std::string& step, const std::string& detail)>;
  // Runs (or resumes) the filing of `seal_id`, through step `until` (1-based; all by default).
  // `details` is used when the run starts; a resumed run keeps what it started with. Returns the
  // seal code ("" when stopped before it was allocated).
  Result<std::string> run(const std::string& seal_id, const Details& details, Time now,
                          const Progress& progress, const std::string& actor,
                          std::size_t until = 6);
  // updateProtectKey for a filed seal: a new encryption key and certificate, the new package
  // opened and its receipt confirmed.
  Status update_key(const std::string& seal_id, Time now, const Progress& progress,
                    const std::string& actor);
  // The run of a seal, when there is one: its state and fields.
  Result<std::optional<TaskRecord>> find(const std::string& seal_id, Time now);
  // Revokes a filed seal upstream (revocationSealInfo, then 209), then here: the seal's status
  // and this instance's record of it.
  Status revoke(const std::string& seal_id, const Revocation& revocation, Time now,
                const std::string& actor);

 private:
  Result<crypto::Sm2PrivateKey> encryption_key(const Fields& fields);
  // getRandom with a fresh randomA: the tokenInfo one filing call spends.
  Result<std::string> challenge();
  // The run's fields kept, its state unchanged.
  Status keep(const TaskRecord& run, const Fields& fields, const std::string& detail, Time now,
              const std::string& actor);
  // A new encryption key in the keystore and its certificate for the signer's subject.
  Result<std::pair<std::string, pki::Certificate>> new_encryption_key(
      const pki::Certificate& signer, Time now);
  // The package opened with the key of `fields`, compared with `record`, the carrier's proof
  // kept in `fields`.
  Status take_package(Fields& fields, const Package& package, const GaData& record);
  store::Store& store_;
  SealRegistry& seals_;
  UserCertificates& certificates_;
  keys::Kek kek_;
  Upstream& upstream_;
  Tasks tasks_;
};

}  // namespace eseal::service::filing
