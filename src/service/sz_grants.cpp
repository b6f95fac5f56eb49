#include "service/sz_grants.h"

#include <algorithm>

#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/organizations.h"
#include "service/payload.h"

namespace eseal::service {
namespace {

constexpr std::string_view kCodeIndex = "sz-grant-code";

std::string masked(const std::string& text, std::size_t front, std::size_t back) {
  std::u32string t = decode_utf8(text);
  if (t.size() <= front + back) {
    // Too short to show both ends: keep at most the first character.
    if (t.size() <= 1) return std::string(t.size(), '*');
    return encode_utf8(t.substr(0, 1)) + std::string(t.size() - 1, '*');
  }
  return encode_utf8(t.substr(0, front)) + std::string(t.size() - front - back, '*') +
         encode_utf8(t.substr(t.size() - back));
}

}  // namespace

const TaskKind& sz_grant_kind() {
  static const TaskKind kind{"sz.grant", "ACTIVE", {{"ACTIVE", "REVOKED"}}, {"REVOKED"}, "EXPIRED"};
  return kind;
}

std::string id_type_code(const std::string& coss_id_type) {
  if (coss_id_type == "SF") return "01";
  if (coss_id_type == "GA") return "02";
  if (coss_id_type == "HZ") return "12";
  return "99";
}

std::string id_card_mark(const std::string& id_type_code, const std::string& id_number) {
  return crypto::to_hex(crypto::sm3(as_bytes(id_type_code + id_number)));
}

Result<store::Organization> SzGrants::organization(const std::string& name,
                                                   const std::string& credit_code, Time now,
                                                   const std::string& actor) {
  return organization_of(store_, name, credit_code, actor, now);
}

Result<std::pair<SzGrant, std::string>> SzGrants::add(const NewGrant& g, Time now,
                                                      const std::string& actor) {
  auto org = store_.organizations().find(g.org_id);
  if (!org) return org.error().with_context("organization " + g.org_id);
  std::string mark;
  if (!g.user_id.empty()) {
    auto user = store_.coss_users().find(g.user_id);
    if (!user) return user.error().with_context("user " + g.user_id);
    if (g.legal_person) {
      auto number = store_.coss_users().id_number(user->id);
      if (!number) return number.error();
      mark = id_card_mark(id_type_code(user->id_type), *number);
    }
  } else if (g.legal_person) {
    return Error::invalid_input("a legal representative's grant names the user");
  }
  auto code = crypto::random_bytes(16);
  if (!code) return code.error();
  std::string text = crypto::to_hex(*code);
  auto index = store_.keyed_index(kCodeIndex, as_bytes(text));
  if (!index) return index.error();
  Fields payload{{"org", org->id},
                 {"user", g.user_id},
                 {"legalPerson", g.legal_person ? "1" : "0"},
                 {"idCardMark", mark}};
  auto task = tasks_.create(
      sz_grant_kind(),
      {g.app_id, g.user_id, write_fields(payload), g.expires, std::nullopt, *index}, now, actor);
  if (!task) return task.error();
  auto grant = grant_of(*task);
  if (!grant) return grant.error();
  return std::pair<SzGrant, std::string>(std::move(*grant), std::move(text));
}

Result<SzGrant> SzGrants::find(const std::string& code, Time now) {
  auto index = store_.keyed_index(kCodeIndex, as_bytes(code));
  if (!index) return index.error();
  store::TaskQuery query;
  query.reference = *index;
  query.limit = 1;
  auto found = tasks_.list(sz_grant_kind(), query, now);
  if (!found) return found.error();
  if (found->empty()) return Error::not_found("no grant for this code");
  return grant_of(found->front());
}

Result<SzGrant> SzGrants::revoke(const std::string& grant_id, Time now, const std::string& actor) {
  auto task =
      tasks_.move(sz_grant_kind(), grant_id, {.to = "REVOKED", .detail = "revoked"}, now, actor);
  if (!task) return task.error();
  return grant_of(*task);
}

Result<std::vector<SzGrant>> SzGrants::list(const std::string& app_id, Time now) {
  store::TaskQuery query;
  query.app_id = app_id;
  query.limit = 1000;
  auto tasks = tasks_.list(sz_grant_kind(), query, now);
  if (!tasks) return tasks.error();
  std::vector<SzGrant> out;
  for (const auto& t : *tasks) {
    auto g = grant_of(t);
    if (!g) return g.error();
    out.push_back(std::move(*g));
  }
  return out;
}

Result<SzGrant> SzGrants::grant_of(const store::TaskRecord& task) {
  auto p = read_fields(task.payload);
  if (!p) return p.error().with_context("grant " + task.id);
  SzGrant g;
  g.id = task.id;
  g.app_id = task.app_id;
  g.org_id = (*p)["org"];
  g.user_id = (*p)["user"];
  g.legal_person = (*p)["legalPerson"] == "1";
  g.id_card_mark = (*p)["idCardMark"];
  g.state = task.state;
  g.created = task.created;
  g.expires = task.expires;
  auto org = store_.organizations().find(g.org_id);
  if (!org) return org.error().with_context("grant " + task.id);
  g.org_name = org->name;
  g.credit_code = org->credit_code;
  return g;
}

Result<pki::Certificate> SzGrants::holder_certificate(const SzGrant& grant) {
  if (grant.user_id.empty()) return Error::not_found("the grant names no user");
  store::CossKeyQuery query;
  query.user_id = grant.user_id;
  query.states = {"ACTIVE"};
  auto keys = store_.coss_keys().query(query);
  if (!keys) return keys.error();
  // Oldest first: the newest certified key is the phone in use.
  for (auto it = keys->rbegin(); it != keys->rend(); ++it) {
    if (!it->certificate.empty()) return pki::Certificate::from_der(it->certificate);
  }
  return Error::not_found("the user " + grant.user_id + " has no certified key");
}

Result<std::vector<RegisteredSeal>> SzGrants::seals(const SzGrant& grant, Time now) {
  auto records = store_.seals().list();
  if (!records) return records.error();
  std::vector<RegisteredSeal> out;
  for (auto it = records->rbegin(); it != records->rend(); ++it) {
    if (it->org_id != grant.org_id || it->app_id != grant.app_id) continue;
    auto seal = seals_.find(it->id, now);
    if (!seal) return seal.error();
    out.push_back(std::move(*seal));
  }
  std::stable_sort(out.begin(), out.end(), [](const RegisteredSeal& a, const RegisteredSeal& b) {
    return a.seal.info.create_date > b.seal.info.create_date;
  });
  return out;
}

Result<std::vector<RegisteredSeal>> SzGrants::issue_seals(const SzGrant& grant,
                                                          const std::vector<int>& types, Time now,
                                                          const std::string& actor) {
  auto cert = holder_certificate(grant);
  if (!cert) return cert.error();
  std::vector<RegisteredSeal> out;
  for (int type : types) {
    SealDesign design;
    design.type = type;
    // A name seal (type 4) carries the person's name, every other the organization's.
    if (type == 4) {
      auto user = store_.coss_users().find(grant.user_id);
      if (!user) return user.error();
      design.name = user->name;
    } else {
      design.name = grant.org_name;
      design.code = grant.credit_code;
    }
    design.signers = {*cert};
    auto seal = maker_.make_user_seal(design, now);
    if (!seal) return seal.error();
    auto blob = store_.blobs().put(seal->encoded);
    if (!blob) return blob.error();
    auto cert_record = store::CertificateRecord::from(*cert);
    store::SealRecord record;
    record.id = seal->info.es_id;
    record.name = seal->info.name;
    record.type = seal->info.type;
    record.org_id = grant.org_id;
    record.app_id = grant.app_id;
    record.signer_dn = cert_record.subject;
    record.seal_sm3 = *blob;
    record.cert_id = cert_record.id;
    record.valid_start = seal->info.valid_start;
    record.valid_end = seal->info.valid_end;
    record.created = record.updated = now;
    store::AuditEntry audit{
        now,
        actor,
        "seal.make",
        record.id,
        "name=" + record.name + " type=" + std::to_string(type) + " for grant " + grant.id,
        ""};
    if (auto s = store_.seals().add({record, cert_record, std::nullopt}, audit); !s) {
      return s.error();
    }
    auto registered = seals_.find(record.id, now);
    if (!registered) return registered.error();
    out.push_back(std::move(*registered));
  }
  return out;
}

Result<Bytes> SzGrants::task_secret(const SzGrant& grant, const std::string& sign_task_id) {
  auto index = store_.keyed_index("sz-task-qr", as_bytes(grant.id + ":" + sign_task_id));
  if (!index) return index.error();
  Bytes digest = crypto::sm3(as_bytes(*index));
  digest.resize(16);
  return digest;
}

Result<MaskedPerson> SzGrants::person(const std::string& user_id) {
  auto user = store_.coss_users().find(user_id);
  if (!user) return user.error();
  auto number = store_.coss_users().id_number(user_id);
  if (!number) return number.error();
  return MaskedPerson{mask_name(user->name), mask_id_number(*number), mask_phone(user->mobile)};
}

std::string mask_name(const std::string& name) {
  std::u32string t = decode_utf8(name);
  if (t.empty()) return {};
  return encode_utf8(t.substr(0, 1)) + std::string(t.size() - 1, '*');
}

std::string mask_id_number(const std::string& number) {
  return masked(number, 6, 6);
}

std::string mask_phone(const std::string& phone) {
  return decode_utf8(phone).size() >= 11 ? masked(phone, 3, 4) : masked(phone, 2, 3);
}

}  // namespace eseal::service
