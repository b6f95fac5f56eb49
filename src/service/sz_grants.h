// DB4403/T 383.4 registration grants (注册授权码, grantCode): an organization lets one third-party
// system (an app with DB4403 credentials) use its seals, through one person — the phone user who
// holds the organization's seals and confirms each use by scanning. Every DB4403 call that acts
// for an organization names its grant. A grant is a task of kind "sz.grant" (ACTIVE → REVOKED;
// EXPIRED at its end): its states, expiry and every change audited by the one task model. The
// code itself (32 hex digits) is shown once; the store keeps only its keyed index.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "service/coss_keys.h"
#include "service/platform.h"
#include "service/tasks.h"

namespace eseal::service {

const TaskKind& sz_grant_kind();

struct SzGrant {
  std::string id;      // the task id
  std::string app_id;  // the third-party system's app
  std::string org_id, org_name, credit_code;
  std::string user_id;        // the COSS user who holds the seals and confirms; "" for none
  bool legal_person = false;  // the user is the organization's legal representative
  // hex SM3 of the legal representative's id type (appendix A.1 code) and id number, when the
  // user is; BASISFUN-01 idCardMark is checked against it.
  std::string id_card_mark;
  std::string state;  // ACTIVE, REVOKED, EXPIRED
  Time created{};
  std::optional<Time> expires;
};

// Appendix A.1's id type for a COSS id type (SF resident id 01, GA Hong Kong and Macao pass 02,
// HZ passport 12, anything else 99).
std::string id_type_code(const std::string& coss_id_type);
// hex SM3(A.1 code ‖ id number): what a business system sends as idCardMark.
std::string id_card_mark(const std::string& id_type_code, const std::string& id_number);

// A person as a login result shows them, masked (see mask_name and the others below).
struct MaskedPerson {
  std::string name, id_number, phone;
};

class SzGrants {
 public:
  // `seals` reads the registry's seals; `maker` is the platform's seal maker (its
  // make_user_seal), which issues an organization's seals to the phone that holds them.
  SzGrants(store::Store& store, SealRegistry& seals, UserCertificates& maker)
      : store_(store), seals_(seals), maker_(maker), tasks_(store) {}

  // The organization with this unified social credit code, added with `name` when there is none
  // (its id follows from the code, so that running this twice finds it).
  Result<store::Organization> organization(const std::string& name, const std::string& credit_code,
                                           Time now, const std::string& actor);

  struct NewGrant {
    std::string app_id, org_id;
    std::string user_id;  // a COSS user of any app; "" for none
    bool legal_person = false;
    std::optional<Time> expires;
  };
  // The grant and its code. kNotFound for an unknown organization or user.
  Result<std::pair<SzGrant, std::string>> add(const NewGrant& grant, Time now,
                                              const std::string& actor);
  // The grant of a code as of `now` (kNotFound when there is none; its state says whether it is
  // still ACTIVE).
  Result<SzGrant> find(const std::string& code, Time now);
  Result<SzGrant> revoke(const std::string& grant_id, Time now, const std::string& actor);
  Result<std::vector<SzGrant>> list(const std::string& app_id, Time now);

  // The certificate of the newest ACTIVE key of the grant's user: the phone that holds the
  // organization's seals. kNotFound when the grant names no user or the user has no such key.
  Result<pki::Certificate> holder_certificate(const SzGrant& grant);
  // The organization's seals registered to the grant's app, newest first, as the registry reads
  // them at `now` (with their effective status).
  Result<std::vector<RegisteredSeal>> seals(const SzGrant& grant, Time now);
  // Makes the organization's seals of `types` (ses/seal_type.h codes) with the platform's seal
  // maker for the holder's certificate — the organization's name, its credit code along the
  // lower arc, each type's template — and registers them to the organization and the grant's
  // app, with the certificate and no key: the phone signs. kNotFound without a holder.
  Result<std::vector<RegisteredSeal>> issue_seals(const SzGrant& grant,
                                                  const std::vector<int>& types, Time now,
                                                  const std::string& actor);
  // The QR ticket (16 bytes) of a DB4403 task id under `grant`: derived from both under the
  // platform's key (Store::keyed_index), so that the id the business system holds finds the
  // task's sign jobs — through the grant it was made under only — while nobody without the key
  // can make its QR code.
  Result<Bytes> task_secret(const SzGrant& grant, const std::string& sign_task_id);
  // The user as a login result shows them.
  Result<MaskedPerson> person(const std::string& user_id);

 private:
  Result<SzGrant> grant_of(const store::TaskRecord& task);
  store::Store& store_;
  SealRegistry& seals_;
  UserCertificates& maker_;
  Tasks tasks_;
};

// Masks what a login result shows of a person (DB4403 §8.4: 须脱敏处理), by characters: a name
// keeps its first character ("张*"), an id number its first and last six (fewer when short), a
// phone number its first three and last four (first two and last three when shorter than 11).
std::string mask_name(const std::string& name);
std::string mask_id_number(const std::string& number);
std::string mask_phone(const std::string& phone);

}  // namespace eseal::service
