#include "service/filing.h"

#include <algorithm>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/soft_keystore.h"
#include "pki/issue.h"
#include "service/seal_status.h"

namespace eseal::service::filing {
namespace {

// The staff member an audit actor names ("cli:root", "console:admin") as a caller, whose
// actor() is that name again.
Caller staff_of(const std::string& actor) {
  std::size_t colon = actor.find(':');
  if (colon == std::string::npos) return {"cli", "", actor, {}};
  std::string family = actor.substr(0, colon);
  return {family == "console" ? family : "cli", "", actor.substr(colon + 1), {}};
}

// The seal here follows what the national platform recorded: its status changes when it still
// can (a seal revoked here stays revoked), and a seal this instance does not hold is no error.
Status settle_local_status(store::Store& store, const std::string& actor,
                           const std::string& seal_id, store::SealStatus to,
                           const std::string& reason, Time now) {
  auto changed = change_seal_status(store, actor, seal_id, to, reason, now);
  if (changed || changed.error().code == seal_code::kStatusChange ||
      changed.error().code == seal_code::kNotFound) {
    return ok_status();
  }
  return changed.error();
}

using namespace std::chrono_literals;

const std::vector<std::string> kRevokedStates = {"REVOKED", "CANCELLED", "LOST"};

Error refusal(const char* code, std::string message) {
  return Error::invalid_input(std::move(message)).with_code(code);
}

std::string epoch_text(Time t) {
  return std::to_string(t.time_since_epoch().count());
}

Time epoch_of(const std::string& text) {
  return Time(std::chrono::seconds(std::atoll(text.c_str())));
}

// n random decimal digits.
Result<std::string> random_digits(std::size_t n) {
  auto bytes = crypto::random_bytes(n);
  if (!bytes) return bytes.error();
  std::string out;
  for (auto b : *bytes) out += static_cast<char>('0' + b % 10);
  return out;
}

std::string field(const Fields& fields, const std::string& key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

void put_record(Fields& fields, const GaData& data) {
  for (const auto& name : eseal::filing::ga_data_field_names()) {
    fields["ga." + name] = *eseal::filing::ga_data_field(data, name);
  }
}

GaData record_of(const Fields& fields) {
  GaData data;
  for (const auto& name : eseal::filing::ga_data_field_names()) {
    *eseal::filing::ga_data_field(data, name) = field(fields, "ga." + name);
  }
  return data;
}

void put_package(Fields& fields, const std::string& prefix, const Package& p) {
  fields[prefix + "yzbm"] = p.yzbm;
  fields[prefix + "encFile"] = p.enc_file;
  fields[prefix + "appSymKeyEnc"] = p.app_sym_key_enc;
  fields[prefix + "dataSymKeyEnc"] = p.data_sym_key_enc;
}

std::optional<Package> package_of(const Fields& fields, const std::string& prefix) {
  if (field(fields, prefix + "encFile").empty()) return std::nullopt;
  return Package{field(fields, prefix + "yzbm"), field(fields, prefix + "encFile"),
                 field(fields, prefix + "appSymKeyEnc"), field(fields, prefix + "dataSymKeyEnc")};
}

std::string write_items(TaskType type, const std::vector<ItemResult>& items) {
  Fields f{{"type", std::to_string(static_cast<int>(type))}, {"n", std::to_string(items.size())}};
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string p = std::to_string(i) + ".";
    f[p + "code"] = items[i].seal_code;
    f[p + "error"] = items[i].error_code;
    f[p + "message"] = items[i].message;
    if (items[i].package) put_package(f, p, *items[i].package);
  }
  return write_fields(f);
}

Result<FilingTask> task_of(const TaskRecord& task) {
  auto f = read_fields(task.payload);
  if (!f) return f.error();
  FilingTask out{
      task.id, static_cast<TaskType>(std::atoi(field(*f, "type").c_str())), task.state, {}};
  int n = std::atoi(field(*f, "n").c_str());
  for (int i = 0; i < n; ++i) {
    std::string p = std::to_string(i) + ".";
    out.items.push_back({field(*f, p + "code"), field(*f, p + "error"), field(*f, p + "message"),
                         package_of(*f, p)});
  }
  return out;
}

ItemResult item_error(const std::string& code, std::string error, std::string message) {
  return {code, std::move(error), std::move(message), std::nullopt};
}

// The SM3 of a secret with a salt, hex: how accounts keep what they are checked against.
std::string salted(const std::string& salt, const std::string& secret) {
  return crypto::to_hex(crypto::sm3(as_bytes(salt + secret)));
}

bool same_text(const std::string& a, const std::string& b) {
  return a.size() == b.size() && crypto::equal_constant_time(as_bytes(a), as_bytes(b));
}

}  // namespace

const TaskKind& unit_kind() {
  static const TaskKind kind{"filing.unit", "PUSHED", {{"PUSHED", "PUSHED"}}, {}, ""};
  return kind;
}

const TaskKind& challenge_kind() {
  static const TaskKind kind{
      "filing.challenge", "OPEN", {{"OPEN", "USED"}}, {"USED", "EXPIRED"}, "EXPIRED"};
  return kind;
}

const TaskKind& task_kind() {
  static const TaskKind kind{
      "filing.task", "READY", {{"READY", "CONFIRMED"}}, {"CONFIRMED", "EXPIRED"}, "EXPIRED"};
  return kind;
}

const TaskKind& code_kind() {
  static const TaskKind kind{"filing.code", "ISSUED", {{"ISSUED", "USED"}}, {"USED"}, ""};
  return kind;
}

const TaskKind& seal_kind() {
  static const TaskKind kind{"filing.seal",
                             "FILED",
                             {{"FILED", "ACTIVE"},
                              {"FILED", "FILED"},
                              {"ACTIVE", "ACTIVE"},
                              {"ACTIVE", "FILED"},
                              {"FILED", "REVOKED"},
                              {"FILED", "CANCELLED"},
                              {"FILED", "LOST"},
                              {"ACTIVE", "REVOKED"},
                              {"ACTIVE", "CANCELLED"},
                              {"ACTIVE", "LOST"},
                              {"LOST", "REVOKED"},
                              {"LOST", "CANCELLED"}},
                             {"REVOKED", "CANCELLED"},
                             ""};
  return kind;
}

const TaskKind& account_kind() {
  static const TaskKind kind{
      "filing.account", "ACTIVE", {{"ACTIVE", "DISABLED"}}, {"DISABLED"}, ""};
  return kind;
}

const TaskKind& token_kind() {
  static const TaskKind kind{"filing.token", "ACTIVE", {}, {"EXPIRED"}, "EXPIRED"};
  return kind;
}

const TaskKind& auth_kind() {
  static const TaskKind kind{
      "filing.auth", "OPEN", {{"OPEN", "USED"}}, {"USED", "EXPIRED"}, "EXPIRED"};
  return kind;
}

const TaskKind& run_kind() {
  static const TaskKind kind{
      "filing.run",
      "RUNNING",
      {{"RUNNING", "RUNNING"}, {"RUNNING", "DONE"}, {"DONE", "DONE"}, {"DONE", "REVOKED"}},
      {"REVOKED"},
      ""};
  return kind;
}

store::TaskQuery query_of(const TaskKind& kind) {
  store::TaskQuery query;
  query.kind = kind.name;
  return query;
}

std::vector<const TaskKind*> expiring_kinds() {
  return {&challenge_kind(), &task_kind(), &token_kind(), &auth_kind()};
}

Status check(const Revocation& r) {
  if (r.reason < 0 || r.reason > 9)
    return Error::invalid_input("cancelReason应为0到9：" + std::to_string(r.reason));
  if (r.type < 0 || r.type > 2)
    return Error::invalid_input("invalidType应为0（吊销）、1（撤销）或2（挂失）：" +
                                std::to_string(r.type));
  return ok_status();
}

std::string reason_text(int reason) {
  static const char* kReasons[] = {
      "因密钥泄露撤销",   "因信息变更撤销",       "因业务终止撤销",
      "因印章丢失挂失",   "因其他原因撤销",       "因虚假注册吊销",
      "因超范围经营吊销", "无故不开业或停业吊销", "因单位逾期不办理年检手续吊销",
      "因其他原因吊销"};
  return reason >= 0 && reason <= 9 ? kReasons[reason] : "";
}

std::string state_of(int invalid_type) {
  return invalid_type == 0 ? "REVOKED" : invalid_type == 2 ? "LOST" : "CANCELLED";
}

store::SealStatus seal_status_of(int invalid_type) {
  return invalid_type == 2 ? store::SealStatus::kLost : store::SealStatus::kRevoked;
}

// ---- the platform role ----------------------------------------------------------------------

Status FilingRegistry::push_unit(const Caller& caller, const MakerUnit& unit, Time now) {
  if (unit.serial < 1 || unit.serial > 99999)
    return Error::invalid_input("mspSn应为1到99999：" + std::to_string(unit.serial));
  Fields f = unit.fields;
  f["certificate"] = crypto::to_base64(unit.certificate.der());
  store::TaskQuery query = query_of(unit_kind());
  query.subject = unit.credit_code;
  auto existing = tasks_.list(unit_kind(), query, now);
  if (!existing) return existing.error();
  if (!existing->empty()) {
    Tasks::Move move{"PUSHED", "pushed again"};
    move.payload = write_fields(f);
    auto moved = tasks_.move(unit_kind(), existing->front().id, move, now, caller.actor());
    if (!moved) return moved.error();
    return ok_status();
  }
  auto made = tasks_.create(unit_kind(),
                            {caller.app_id, unit.credit_code, write_fields(f), std::nullopt,
                             std::nullopt, std::to_string(unit.serial)},
                            now, caller.actor());
  if (!made) return made.error();
  return ok_status();
}

Result<std::vector<MakerUnit>> FilingRegistry::units() {
  store::TaskQuery query = query_of(unit_kind());
  query.limit = 10000;
  auto found = store_.tasks().query(query);
  if (!found) return found.error();
  std::vector<MakerUnit> out;
  for (const auto& t : *found) {
    auto f = read_fields(t.payload);
    if (!f) return f.error();
    auto der = crypto::from_base64(field(*f, "certificate"));
    if (!der) return der.error();
    auto cert = pki::Certificate::from_der(*der);
    if (!cert) return cert.error();
    out.push_back({t.subject, std::atoi(t.reference.c_str()), std::move(*cert), std::move(*f)});
  }
  return out;
}

Result<std::string> FilingRegistry::open_challenge(const Caller& caller,
                                                   const std::string& random_a, Time now) {
  if (random_a.size() != 16)
    return Error::invalid_input("randomA应为16个字符，收到" + std::to_string(random_a.size()));
  auto random_b = random_digits(16);
  if (!random_b) return random_b.error();
  auto made = tasks_.create(
      challenge_kind(),
      {caller.app_id, random_a + *random_b, "", now + options_.challenge_life, std::nullopt}, now,
      caller.actor());
  if (!made) return made.error();
  return *random_b;
}

Status FilingRegistry::spend_challenge(const Caller& caller, const std::string& token_info,
                                       Time now) {
  store::TaskQuery query = query_of(challenge_kind());
  query.app_id = caller.app_id;
  query.subject = token_info;
  auto found = tasks_.list(challenge_kind(), query, now);
  if (!found) return found.error();
  if (found->empty())
    return refusal(code::kChallenge, "tokenInfo无效：没有这个随机数挑战（先调用getRandom）");
  const TaskRecord& challenge = found->back();
  if (challenge.state == "EXPIRED") return refusal(code::kChallenge, "tokenInfo已过期");
  auto used = tasks_.move(challenge_kind(), challenge.id, {"USED"}, now, caller.actor());
  if (!used) return refusal(code::kChallenge, "tokenInfo已使用");
  return ok_status();
}

Result<std::string> FilingRegistry::allocate_code(const Caller& caller, const std::string& area,
                                                  Time now) {
  if (area.size() < 2 || area.size() > 6 ||
      !std::all_of(area.begin(), area.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Error::invalid_input("areaNumber应为2到6位数字：" + area);
  std::string prefix = area + std::string(6 - area.size(), '0');
  store::TaskQuery query = query_of(code_kind());
  query.reference = prefix;
  auto issued = store_.tasks().count(query);
  if (!issued) return issued.error();
  // Another request may take the next serial first: the unique index refuses the second, which
  // takes the one after.
  for (std::int64_t serial = *issued + 1; serial <= *issued + 100; ++serial) {
    if (serial > 99999999) break;
    std::string digits = std::to_string(serial);
    std::string code = prefix + std::string(8 - digits.size(), '0') + digits;
    auto made =
        tasks_.create(code_kind(), {caller.app_id, code, "", std::nullopt, std::nullopt, prefix},
                      now, caller.actor());
    if (made) return code;
    if (made.error().kind != ErrorKind::kInvalidInput) return made.error();
  }
  return refusal(code::kSealCode, "区划" + area + "的印章编码已用尽或分配冲突，请重试");
}

Result<TaskRecord> FilingRegistry::filed_seal(const std::string& seal_code, Time now) {
  store::TaskQuery query = query_of(seal_kind());
  query.subject = seal_code;
  auto found = tasks_.list(seal_kind(), query, now);
  if (!found) return found.error();
  if (found->empty()) return Error::not_found("印章" + seal_code + "未备案").with_code(code::kSeal);
  return found->front();
}

Result<TaskRecord> FilingRegistry::issued_task(const Caller& caller, TaskType type,
                                               const std::vector<ItemResult>& items, Time now) {
  return tasks_.create(task_kind(),
                       {caller.app_id, "", write_items(type, items), now + options_.task_life,
                        std::nullopt, std::to_string(static_cast<int>(type))},
                       now, caller.actor());
}

Result<std::pair<Package, Fields>> FilingRegistry::packaged(Fields f,
                                                            const pki::Certificate& enc_cert) {
  auto key = enc_cert.public_key();
  if (!key) return Error::invalid_input("印章加密证书不是SM2证书");
  auto issued = eseal::filing::issue_package(record_of(f), *key);
  if (!issued) {
    if (issued.error().kind != ErrorKind::kInvalidInput) return issued.error();
    return Error::invalid_input("备案数据不符合要求：" + issued.error().message);
  }
  auto proof = eseal::filing::encrypt_device_code(issued->data_key, field(f, "ga.deviceCode"));
  if (!proof) return proof.error();
  f["encDeviceCode"] = *proof;
  f["encCert"] = crypto::to_base64(enc_cert.der());
  return std::make_pair(std::move(issued->package), std::move(f));
}

Result<FilingTask> FilingRegistry::upload(const Caller& caller,
                                          const std::vector<SealUpload>& seals, Time now) {
  std::vector<ItemResult> items;
  for (const SealUpload& s : seals) {
    const std::string& code = s.data.yzbm;
    store::TaskQuery query = query_of(code_kind());
    query.subject = code;
    auto codes = store_.tasks().query(query);
    if (!codes) return codes.error();
    if (codes->empty() || codes->front().app_id != caller.app_id) {
      items.push_back(item_error(code, "1", "印章编码" + code + "不是本平台赋予该应用的编码"));
      continue;
    }
    if (!s.enc_cert.public_key() || s.sign_cert.not_after() < now || s.enc_cert.not_after() < now) {
      items.push_back(item_error(code, "3", "印章证书无效或已过期"));
      continue;
    }
    if (codes->front().state != "ISSUED") {
      // Filed and not yet confirmed, by the same app with the same signing certificate: the
      // answer was lost on the way; the package is issued again (the receipt will prove which
      // one the carrier holds).
      auto filed = filed_seal(code, now);
      if (!filed && filed.error().kind != ErrorKind::kNotFound) return filed.error();
      auto f = filed ? read_fields(filed->payload) : Result<Fields>(Fields{});
      if (!f) return f.error();
      if (!filed || filed->app_id != caller.app_id || filed->state != "FILED" ||
          !field(*f, "activated").empty() ||
          field(*f, "signCert") != crypto::to_base64(s.sign_cert.der())) {
        items.push_back(item_error(code, "2", "印章编码" + code + "已备案"));
        continue;
      }
      auto again = packaged(*f, s.enc_cert);
      if (!again) {
        if (again.error().kind != ErrorKind::kInvalidInput) return again.error();
        items.push_back(item_error(code, "3", again.error().message));
        continue;
      }
      Tasks::Move move{"FILED", "package issued again"};
      move.payload = write_fields(again->second);
      auto moved = tasks_.move(seal_kind(), filed->id, move, now, caller.actor());
      if (!moved) return moved.error();
      items.push_back({code, "0", "备案成功", std::move(again->first)});
      continue;
    }
    auto device = crypto::random_bytes(8);
    if (!device) return device.error();
    GaData data = s.data;
    data.device_code = crypto::to_hex_upper(*device);
    Fields f{{"name", data.yzmc},
             {"unitCode", data.yzsydw_tyshxydm},
             {"maker", data.yzzzdw_dwmc},
             {"district", s.district},
             {"pictureType", s.picture_type},
             {"pictureSm3", crypto::to_hex(crypto::sm3(as_bytes(s.picture)))},
             {"signCert", crypto::to_base64(s.sign_cert.der())},
             {"validStart", epoch_text(s.sign_cert.not_before())},
             {"validEnd", epoch_text(s.sign_cert.not_after())}};
    put_record(f, data);
    // The package first: a record that cannot be packaged spends neither the code nor a seal.
    auto issued = packaged(std::move(f), s.enc_cert);
    if (!issued) {
      if (issued.error().kind != ErrorKind::kInvalidInput) return issued.error();
      items.push_back(item_error(code, "3", issued.error().message));
      continue;
    }
    auto seal = tasks_.create(
        seal_kind(),
        {caller.app_id, code, write_fields(issued->second), std::nullopt, std::nullopt}, now,
        caller.actor());
    if (!seal) {
      if (seal.error().kind != ErrorKind::kInvalidInput) return seal.error();
      items.push_back(item_error(code, "2", "印章编码" + code + "已备案"));
      continue;
    }
    auto used = tasks_.move(code_kind(), codes->front().id, {"USED", "filed"}, now, caller.actor());
    if (!used) return used.error();
    items.push_back({code, "0", "备案成功", std::move(issued->first)});
  }
  auto task = issued_task(caller, TaskType::kFiling, items, now);
  if (!task) return task.error();
  return task_of(*task);
}

Status FilingRegistry::check_carrier(const Fields& filed, const CarrierProof& proof) {
  if (!same_text(field(filed, "ga.deviceCode"), proof.device_code) ||
      !same_text(field(filed, "encDeviceCode"), proof.enc_device_code))
    return refusal(code::kCarrier, "设备编码或其密文与下发数据不符");
  return ok_status();
}

Result<FilingTask> FilingRegistry::update_keys(const Caller& caller,
                                               const std::vector<KeyUpdate>& updates, Time now) {
  std::vector<ItemResult> items;
  for (const KeyUpdate& u : updates) {
    const std::string& code = u.proof.seal_code;
    auto seal = filed_seal(code, now);
    if (!seal && seal.error().kind != ErrorKind::kNotFound) return seal.error();
    if (!seal || seal->app_id != caller.app_id) {
      items.push_back(item_error(code, "5", "印章" + code + "未由该应用备案"));
      continue;
    }
    if (seal->state != "ACTIVE" && seal->state != "FILED") {
      items.push_back(item_error(code, "7", "印章" + code + "已失效"));
      continue;
    }
    auto f = read_fields(seal->payload);
    if (!f) return f.error();
    // The carrier's proof as it stands; or, for the same new certificate asked again (the answer
    // was lost), the proof from before that update.
    bool current = static_cast<bool>(check_carrier(*f, u.proof));
    bool repeated = !current && seal->state == "FILED" &&
                    field(*f, "encCert") == crypto::to_base64(u.enc_cert.der()) &&
                    same_text(field(*f, "previousEncDeviceCode"), u.proof.enc_device_code) &&
                    same_text(field(*f, "ga.deviceCode"), u.proof.device_code);
    if (!current && !repeated) {
      items.push_back(item_error(code, "6", "设备编码或其密文与下发数据不符"));
      continue;
    }
    if (u.enc_cert.not_after() < now) {
      items.push_back(item_error(code, "3", "印章证书无效或已过期"));
      continue;
    }
    if (current) (*f)["previousEncDeviceCode"] = field(*f, "encDeviceCode");
    (*f)["signCert"] = crypto::to_base64(u.sign_cert.der());
    auto issued = packaged(std::move(*f), u.enc_cert);
    if (!issued) {
      if (issued.error().kind != ErrorKind::kInvalidInput) return issued.error();
      items.push_back(item_error(code, "3", issued.error().message));
      continue;
    }
    // Valid meanwhile (it was active): FILED until the new package's receipt.
    Tasks::Move move{"FILED", "protection key update: package issued"};
    move.payload = write_fields(issued->second);
    auto moved = tasks_.move(seal_kind(), seal->id, move, now, caller.actor());
    if (!moved) return moved.error();
    items.push_back({code, "0", "保护密钥更新成功", std::move(issued->first)});
  }
  auto task = issued_task(caller, TaskType::kKeyUpdate, items, now);
  if (!task) return task.error();
  return task_of(*task);
}

Status FilingRegistry::set_local_status(const std::string& seal_id, store::SealStatus status,
                                        Time now, const std::string& actor) {
  if (seal_id.empty()) return ok_status();
  return settle_local_status(store_, actor, seal_id, status, "filing", now);
}

Status FilingRegistry::move_to_revoked(TaskRecord& seal, const Revocation& r, Time now,
                                       const std::string& actor) {
  if (auto s = check(r); !s) return s;
  std::string to = state_of(r.type);
  if (seal_kind().is_terminal(seal.state) || seal.state == to)
    return refusal(code::kSeal, "印章" + seal.subject + "已失效，不能重复撤销");
  Fields result{{"reason", std::to_string(r.reason)},
                {"describe", r.describe},
                {"type", std::to_string(r.type)},
                {"applied", epoch_text(r.applied)},
                {"effective", epoch_text(r.effective)}};
  Tasks::Move move{to, reason_text(r.reason)};
  move.result = write_fields(result);
  auto moved = tasks_.move(seal_kind(), seal.id, move, now, actor);
  if (!moved) {
    if (moved.error().code == store::kTaskStateChanged)
      return refusal(code::kSeal, "印章" + seal.subject + "已失效，不能重复撤销");
    return moved.error();
  }
  seal = *moved;
  auto f = read_fields(seal.payload);
  if (!f) return f.error();
  // The seal itself, where this instance holds it (a record made by eseal filing run names it):
  // every door's status follows. A seal code is never taken for a seal's esID.
  return set_local_status(field(*f, "sealId"), seal_status_of(r.type), now, actor);
}

Result<FilingTask> FilingRegistry::revoke(const Caller& caller,
                                          const std::vector<RevocationRequest>& seals, Time now) {
  std::vector<ItemResult> items;
  for (const RevocationRequest& r : seals) {
    const std::string& code = r.proof.seal_code;
    if (auto s = check(r.revocation); !s) {
      items.push_back(item_error(code, "8", s.error().message));
      continue;
    }
    auto seal = filed_seal(code, now);
    if (!seal && seal.error().kind != ErrorKind::kNotFound) return seal.error();
    if (!seal || seal->app_id != caller.app_id) {
      items.push_back(item_error(code, "5", "印章" + code + "未由该应用备案"));
      continue;
    }
    auto f = read_fields(seal->payload);
    if (!f) return f.error();
    if (!check_carrier(*f, r.proof)) {
      items.push_back(item_error(code, "6", "设备编码或其密文与下发数据不符"));
      continue;
    }
    if (auto s = move_to_revoked(*seal, r.revocation, now, caller.actor()); !s) {
      if (s.error().code != code::kSeal) return s.error();
      items.push_back(item_error(code, "7", s.error().message));
      continue;
    }
    items.push_back({code, "0", "撤销成功", std::nullopt});
  }
  auto task = issued_task(caller, TaskType::kRevocation, items, now);
  if (!task) return task.error();
  return task_of(*task);
}

Result<FilingTask> FilingRegistry::result(const Caller& caller, const std::string& task_id,
                                          Time now) {
  auto task = tasks_.get(task_kind(), task_id, now);
  if (!task || task->app_id != caller.app_id) {
    if (!task && task.error().kind == ErrorKind::kIo) return task.error();
    return Error::not_found("任务" + task_id + "不存在").with_code(code::kTask);
  }
  if (task->state == "EXPIRED") return refusal(code::kTask, "任务" + task_id + "已过期");
  return task_of(*task);
}

Result<std::vector<ItemResult>> FilingRegistry::confirm(const Caller& caller,
                                                        const std::vector<Receipt>& receipts,
                                                        Time now) {
  std::vector<ItemResult> out;
  for (const Receipt& r : receipts) {
    const std::string& code = r.proof.seal_code;
    auto task = result(caller, r.task_id, now);
    if (!task) {
      if (task.error().kind == ErrorKind::kIo) return task.error();
      out.push_back(item_error(code, "8", task.error().message));
      continue;
    }
    bool listed = std::any_of(task->items.begin(), task->items.end(), [&](const ItemResult& i) {
      return i.seal_code == code && i.error_code == "0" && i.package;
    });
    if (!listed) {
      out.push_back(item_error(code, "8", "任务" + r.task_id + "没有印章" + code + "的下发数据"));
      continue;
    }
    auto seal = filed_seal(code, now);
    if (!seal) return seal.error();
    auto f = read_fields(seal->payload);
    if (!f) return f.error();
    if (!check_carrier(*f, r.proof)) {
      out.push_back(item_error(code, "6", "设备编码或其密文与下发数据不符"));
      continue;
    }
    if (seal->state == "ACTIVE") {
      // Confirmed already (the answer was lost): the same receipt, the same answer.
      out.push_back(item_error(code, "0", "确认成功"));
      continue;
    }
    if (seal->state != "FILED") {
      out.push_back(item_error(code, "7", "印章" + code + "不在待确认状态"));
      continue;
    }
    if (field(*f, "activated").empty()) (*f)["activated"] = epoch_text(now);
    f->erase("previousEncDeviceCode");
    Tasks::Move move{"ACTIVE", "receipt of task " + r.task_id};
    move.payload = write_fields(*f);
    auto moved = tasks_.move(seal_kind(), seal->id, move, now, caller.actor());
    if (!moved) return moved.error();
    out.push_back(item_error(code, "0", "确认成功"));
    // The task is done once every seal it issued a package to is active.
    bool all = true;
    for (const ItemResult& i : task->items) {
      if (i.error_code != "0" || !i.package) continue;
      auto other = filed_seal(i.seal_code, now);
      all = all && other && other->state == "ACTIVE";
    }
    if (all && task->state == "READY") {
      auto done = tasks_.move(task_kind(), task->id, {"CONFIRMED"}, now, caller.actor());
      if (!done && done.error().code != store::kTaskStateChanged) return done.error();
    }
  }
  return out;
}

Result<std::string> FilingRegistry::open_session(const Caller& caller,
                                                 const pki::Certificate& publisher,
                                                 const std::string& random_a, Time now) {
  if (random_a.size() != 16)
    return Error::invalid_input("randomA应为16个字符，收到" + std::to_string(random_a.size()));
  auto random_b = random_digits(16);
  if (!random_b) return random_b.error();
  Fields f{{"idA", crypto::to_base64(publisher.der())}, {"randomA", random_a}};
  auto made = tasks_.create(
      auth_kind(),
      {caller.app_id, *random_b, write_fields(f), now + options_.auth_life, std::nullopt}, now,
      caller.actor());
  if (!made) return made.error();
  return *random_b;
}

Result<pki::Certificate> FilingRegistry::spend_session(const Caller& caller,
                                                       const std::string& random_b, Time now) {
  store::TaskQuery query = query_of(auth_kind());
  query.app_id = caller.app_id;
  query.subject = random_b;
  auto found = tasks_.list(auth_kind(), query, now);
  if (!found) return found.error();
  if (found->empty()) return refusal(code::kSession, "随机数无效：先调用recvAuthServer");
  const TaskRecord& session = found->back();
  if (session.state == "EXPIRED") return refusal(code::kSession, "身份认证已过期");
  auto used = tasks_.move(auth_kind(), session.id, {"USED"}, now, caller.actor());
  if (!used) return refusal(code::kSession, "身份认证随机数已使用");
  auto f = read_fields(session.payload);
  if (!f) return f.error();
  auto der = crypto::from_base64(field(*f, "idA"));
  if (!der) return der.error();
  return pki::Certificate::from_der(*der);
}

Status FilingRegistry::publish(const Caller& caller, const Publication& p, Time now) {
  auto seal = filed_seal(p.seal_code, now);
  if (!seal) return seal.error();
  if (seal->app_id != caller.app_id)
    return refusal(code::kSeal, "印章" + p.seal_code + "未由该应用备案");
  // Published once its carrier holds the package (the receipt), not before.
  if (seal->state == "FILED")
    return refusal(code::kSeal, "印章" + p.seal_code + "尚未确认回执，不能发布");
  if (seal->state != "ACTIVE") return refusal(code::kSeal, "印章" + p.seal_code + "已失效");
  auto f = read_fields(seal->payload);
  if (!f) return f.error();
  (*f)["published"] = epoch_text(now);
  if (!p.zone.empty()) (*f)["zone"] = p.zone;
  Tasks::Move move{"ACTIVE", "status published (207)"};
  move.payload = write_fields(*f);
  auto moved = tasks_.move(seal_kind(), seal->id, move, now, caller.actor());
  if (!moved) return moved.error();
  return ok_status();
}

Status FilingRegistry::withdraw(const Caller& caller, const std::string& seal_code,
                                const std::string& seal_name, const Revocation& revocation,
                                Time now) {
  auto seal = filed_seal(seal_code, now);
  if (!seal) return seal.error();
  auto f = read_fields(seal->payload);
  if (!f) return f.error();
  if (seal->app_id != caller.app_id)
    return refusal(code::kSeal, "印章" + seal_code + "未由该应用备案");
  if (!seal_name.empty() && field(*f, "name") != seal_name)
    return refusal(code::kSeal, "印章名称与编码" + seal_code + "不符");
  // Already withdrawn by revocationSealInfo: publishing it is what 209 is for, not a change.
  if (seal->state == state_of(revocation.type)) return ok_status();
  return move_to_revoked(*seal, revocation, now, caller.actor());
}

Result<FilingRegistry::NewAccount> FilingRegistry::add_account(const Caller& caller,
                                                               const std::string& username,
                                                               Time now) {
  if (username.empty()) return Error::invalid_input("an account needs a username");
  store::TaskQuery query = query_of(account_kind());
  query.subject = username;
  auto existing = store_.tasks().count(query);
  if (!existing) return existing.error();
  if (*existing > 0) return Error::invalid_input("account " + username + " already exists");
  auto secret = [](std::size_t n) -> Result<std::string> {
    auto b = crypto::random_bytes(n);
    if (!b) return b.error();
    return crypto::to_hex(*b);
  };
  NewAccount a{username, {}, {}, {}, {}};
  for (auto [out, n] :
       {std::pair{&a.password, 8}, {&a.salt, 8}, {&a.client_id, 8}, {&a.client_secret, 16}}) {
    auto s = secret(static_cast<std::size_t>(n));
    if (!s) return s.error();
    *out = *s;
  }
  auto check_salt = secret(16);
  if (!check_salt) return check_salt.error();
  std::string digest = crypto::to_hex(crypto::sm3(as_bytes(a.password + a.salt)));
  Fields f{{"checkSalt", *check_salt},
           {"password", salted(*check_salt, digest)},
           {"secret", salted(*check_salt, a.client_secret)}};
  auto made = tasks_.create(
      account_kind(),
      {caller.app_id, username, write_fields(f), std::nullopt, std::nullopt, a.client_id}, now,
      caller.actor());
  if (!made) return made.error();
  return a;
}

Result<FilingRegistry::Token> FilingRegistry::issue_token(const std::string& username,
                                                          const std::string& password_digest,
                                                          const std::string& client_id,
                                                          const std::string& client_secret,
                                                          Time now) {
  store::TaskQuery query = query_of(account_kind());
  query.subject = username;
  query.reference = client_id;
  auto found = store_.tasks().query(query);
  if (!found) return found.error();
  auto bad = refusal(code::kAccount, "用户名、密码或client_id、client_secret错误");
  if (found->empty() || found->front().state != "ACTIVE") return bad;
  auto f = read_fields(found->front().payload);
  if (!f) return f.error();
  std::string salt = field(*f, "checkSalt");
  std::string digest = password_digest;
  std::transform(digest.begin(), digest.end(), digest.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!same_text(salted(salt, digest), field(*f, "password")) ||
      !same_text(salted(salt, client_secret), field(*f, "secret")))
    return bad;
  auto bytes = crypto::random_bytes(16);
  if (!bytes) return bytes.error();
  std::string hex = crypto::to_hex(*bytes);
  std::string token = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                      hex.substr(16, 4) + "-" + hex.substr(20);
  auto made =
      tasks_.create(token_kind(),
                    {found->front().app_id, crypto::to_hex(crypto::sm3(as_bytes(token))), "",
                     now + std::chrono::duration_cast<std::chrono::seconds>(options_.token_life),
                     std::nullopt, client_id},
                    now, "filing:" + username);
  if (!made) return made.error();
  return Token{token, std::chrono::duration_cast<std::chrono::seconds>(options_.token_life) - 1s};
}

Result<std::string> FilingRegistry::check_token(const std::string& client_id,
                                                const std::string& token, Time now) {
  store::TaskQuery query = query_of(token_kind());
  query.subject = crypto::to_hex(crypto::sm3(as_bytes(token)));
  query.reference = client_id;
  auto found = tasks_.list(token_kind(), query, now);
  if (!found) return found.error();
  if (found->empty() || found->front().state != "ACTIVE")
    return refusal(code::kAccount, "token无效或已过期");
  return found->front().app_id;
}

Result<SealState> FilingRegistry::status(const std::string& seal_code, const std::string& seal_name,
                                         Time at, Time now) {
  auto seal = filed_seal(seal_code, now);
  if (!seal) return seal.error();
  auto f = read_fields(seal->payload);
  if (!f) return f.error();
  if (!seal_name.empty() && field(*f, "name") != seal_name)
    return Error::not_found("印章名称与编码" + seal_code + "不符").with_code(code::kSeal);
  SealState out{seal_code, field(*f, "name"), seal->state, false};
  std::string activated = field(*f, "activated");
  bool active_then = !activated.empty() && epoch_of(activated) <= at;
  if (std::string start = field(*f, "validStart"); !start.empty() && at < epoch_of(start))
    active_then = false;
  if (std::string end = field(*f, "validEnd"); !end.empty() && at > epoch_of(end))
    active_then = false;
  if (std::find(kRevokedStates.begin(), kRevokedStates.end(), seal->state) !=
      kRevokedStates.end()) {
    auto r = read_fields(seal->result);
    if (!r) return r.error();
    active_then = active_then && at < epoch_of(field(*r, "effective"));
  } else if (seal->state != "ACTIVE" && activated.empty()) {
    // FILED: valid once it has been active (a new protection key awaiting its receipt), not
    // before its first receipt.
    active_then = false;
  }
  // A local seal frozen, expired or revoked by its owner is not valid either.
  if (std::string id = field(*f, "sealId"); !id.empty()) {
    auto local = store_.seals().find(id);
    if (local && local->effective_status(now) != store::SealStatus::kValid && at >= local->updated)
      active_then = false;
  }
  out.valid = active_then;
  return out;
}

Result<RevocationPage> FilingRegistry::revocations(Time from, Time to, std::int64_t page_size,
                                                   std::int64_t page) {
  if (page_size < 1 || page_size > 1000 || page < 1)
    return Error::invalid_input("pageSize应为1到1000，pageNow从1开始");
  store::TaskQuery query = query_of(seal_kind());
  query.states = kRevokedStates;
  query.updated_from = from;
  query.updated_to = to + 1s;  // through `to` itself
  auto total = store_.tasks().count(query);
  if (!total) return total.error();
  query.offset = (page - 1) * page_size;
  query.limit = page_size;
  auto found = store_.tasks().query(query);
  if (!found) return found.error();
  RevocationPage out{{}, *total};
  for (const auto& t : *found) {
    auto f = read_fields(t.payload);
    auto r = read_fields(t.result);
    if (!f || !r) return Error::internal("a filed seal's record does not read: " + t.id);
    std::string effective = field(*r, "effective");
    out.seals.push_back(
        {t.subject, field(*f, "name"), effective.empty() ? t.updated : epoch_of(effective)});
  }
  return out;
}

Status FilingRegistry::record_filed(const Caller& caller, const std::string& seal_code,
                                    const std::string& seal_name, const std::string& seal_id,
                                    Time now) {
  auto existing = filed_seal(seal_code, now);
  if (existing) return ok_status();
  if (existing.error().kind != ErrorKind::kNotFound) return existing.error();
  Fields f{{"name", seal_name}, {"sealId", seal_id}, {"activated", epoch_text(now)}};
  auto seal = store_.seals().find(seal_id);
  if (seal) {
    f["validStart"] = epoch_text(seal->valid_start);
    f["validEnd"] = epoch_text(seal->valid_end);
  }
  auto made = tasks_.create(seal_kind(),
                            {caller.app_id, seal_code, write_fields(f), std::nullopt, std::nullopt},
                            now, caller.actor());
  if (!made) return made.error();
  auto active =
      tasks_.move(seal_kind(), made->id, {"ACTIVE", "filed upstream"}, now, caller.actor());
  if (!active) return active.error();
  return ok_status();
}

Status FilingRegistry::record_withdrawn(const Caller& caller, const std::string& seal_code,
                                        const std::string& seal_id, const Revocation& revocation,
                                        Time now) {
  auto seal = filed_seal(seal_code, now);
  if (!seal) return seal.error();
  auto f = read_fields(seal->payload);
  if (!f) return f.error();
  // Only this seal's record: a code this instance also gave out as a platform is another's.
  if (field(*f, "sealId") != seal_id || seal->state == state_of(revocation.type))
    return ok_status();
  return move_to_revoked(*seal, revocation, now, caller.actor());
}

// ---- the client role ------------------------------------------------------------------------

const std::vector<std::string>& FilingRun::steps() {
  static const std::vector<std::string> names = {"seal-code", "encryption-key", "upload",
                                                 "result",    "confirm",        "publish"};
  return names;
}

Result<std::optional<TaskRecord>> FilingRun::find(const std::string& seal_id, Time now) {
  store::TaskQuery query = query_of(run_kind());
  query.subject = seal_id;
  auto found = tasks_.list(run_kind(), query, now);
  if (!found) return found.error();
  if (found->empty()) return std::optional<TaskRecord>();
  return std::optional<TaskRecord>(found->back());
}

Result<crypto::Sm2PrivateKey> FilingRun::encryption_key(const Fields& fields) {
  return keys::SoftKeystore(store_.key_files(), kek_).get(field(fields, "encKey"));
}

Result<std::pair<std::string, pki::Certificate>> FilingRun::new_encryption_key(
    const pki::Certificate& signer, Time now) {
  keys::SoftKeystore keystore(store_.key_files(), kek_);
  auto reference = keystore.generate();
  if (!reference) return reference.error();
  auto key = keystore.public_key(*reference);
  if (!key) return key.error();
  // As long as the signing certificate, within the user CA's own validity.
  auto chain = certificates_.user_ca_chain();
  if (!chain) return chain.error();
  if (chain->empty()) return Error::not_found("no user CA certificate to issue the seal's");
  const pki::Certificate& ca = chain->front();
  pki::CertificateRequest request{pki::CertificateProfile::kSealEncryption,
                                  signer.subject(),
                                  *key,
                                  std::max({now - 5min, signer.not_before(), ca.not_before()}),
                                  std::min(signer.not_after(), ca.not_after()),
                                  {}};
  auto cert = certificates_.issue_user_certificate(request);
  if (!cert) return cert.error();
  return std::make_pair(*reference, std::move(*cert));
}

Status FilingRun::take_package(Fields& f, const Package& package, const GaData& record) {
  if (!package.yzbm.empty() && package.yzbm != record.yzbm)
    return Error::invalid_input("the package is for seal " + package.yzbm + ", not " + record.yzbm);
  auto key = encryption_key(f);
  if (!key) return key.error();
  auto opened = eseal::filing::open_package(package, *key);
  if (!opened) return opened.error();
  // The package must carry the record as filed, field by field.
  std::string differ;
  for (const auto& name : eseal::filing::ga_data_field_names()) {
    if (name != "deviceCode" && *eseal::filing::ga_data_field(opened->data, name) !=
                                    *eseal::filing::ga_data_field(record, name))
      differ += (differ.empty() ? "" : ", ") + name;
  }
  if (!differ.empty())
    return Error::invalid_input("the package's GAData differs from the record filed: " + differ);
  auto proof = eseal::filing::encrypt_device_code(opened->data_key, opened->data.device_code);
  if (!proof) return proof.error();
  // The carrier: the package, kept with the seal's encryption key that opens it.
  f["deviceCode"] = opened->data.device_code;
  f["encDeviceCode"] = *proof;
  put_package(f, "package.", package);
  return ok_status();
}

Result<std::string> FilingRun::challenge() {
  auto random_a = random_digits(16);
  if (!random_a) return random_a.error();
  return upstream_.challenge(*random_a);
}

Status FilingRun::keep(const TaskRecord& run, const Fields& fields, const std::string& detail,
                       Time now, const std::string& actor) {
  Tasks::Move move{run.state, detail};
  move.payload = write_fields(fields);
  auto moved = tasks_.move(run_kind(), run.id, move, now, actor);
  if (!moved) return moved.error();
  return ok_status();
}

Status FilingRun::update_key(const std::string& seal_id, Time now, const Progress& progress,
                             const std::string& actor) {
  auto run = find(seal_id, now);
  if (!run) return run.error();
  if (!*run || (*run)->state != "DONE")
    return Error::invalid_input("seal " + seal_id + " is not filed (eseal filing run)");
  auto seal = seals_.find(seal_id, now);
  if (!seal) return seal.error();
  if (!seal->signer_cert)
    return Error::invalid_input("seal " + seal_id + " has no registered signer certificate");
  auto fields = read_fields((*run)->payload);
  if (!fields) return fields.error();
  Fields f = *fields;
  std::string code = field(f, "sealCode");
  auto save = [&](const std::string& detail) { return keep(**run, f, detail, now, actor); };
  // The new key is kept before it is sent, and the platform's task as soon as it answers, so
  // that an update interrupted anywhere resumes with them: a request whose answer was lost is
  // sent again with the same key and the proof from before (the platform knows it), never with
  // a second key.
  auto drop_pending = [&](const std::string& why) -> Status {
    for (const char* key : {"pendingKey", "pendingCert", "pendingTask"}) f.erase(key);
    if (auto s = save("protection key update refused: " + why); !s) return s;
    return Error::invalid_input("the platform refused the key update: " + why);
  };
  if (field(f, "pendingKey").empty()) {
    auto made = new_encryption_key(*seal->signer_cert, now);
    if (!made) return made.error();
    f["pendingKey"] = made->first;
    f["pendingCert"] = crypto::to_base64(made->second.der());
    if (auto s = save("new encryption key " + made->first); !s) return s;
    progress("encryption-key", made->second.subject().to_string());
  } else {
    progress("resume", field(f, "pendingTask").empty() ? "key " + field(f, "pendingKey")
                                                       : "task " + field(f, "pendingTask"));
  }
  auto pending_der = crypto::from_base64(field(f, "pendingCert"));
  if (!pending_der) return pending_der.error();
  auto pending_cert = pki::Certificate::from_der(*pending_der);
  if (!pending_cert) return pending_cert.error();
  if (field(f, "pendingTask").empty()) {
    auto token = challenge();
    if (!token) return token.error();
    CarrierProof proof{code, field(f, "deviceCode"), field(f, "encDeviceCode")};
    auto task = upstream_.update_keys(*token, {{proof, *seal->signer_cert, *pending_cert}});
    if (!task) return task.error();
    f["pendingTask"] = *task;
    if (auto s = save("protection key update requested, task " + *task); !s) return s;
    progress("update-key", "task " + *task);
  }
  std::string task = field(f, "pendingTask");
  auto result = upstream_.result(TaskType::kKeyUpdate, task);
  if (!result) return result.error();
  auto item = std::find_if(result->items.begin(), result->items.end(),
                           [&](const ItemResult& i) { return i.seal_code == code; });
  if (item == result->items.end()) return drop_pending("no result for " + code);
  if (item->error_code != "0" || !item->package) return drop_pending(item->message);
  Fields updated = f;
  updated["encKey"] = field(f, "pendingKey");
  updated["encCert"] = field(f, "pendingCert");
  if (auto s = take_package(updated, *item->package, record_of(f)); !s) return s;
  progress("result", "package opened, device " + field(updated, "deviceCode"));
  auto token = challenge();
  if (!token) return token.error();
  auto receipts = upstream_.confirm(
      *token, TaskType::kKeyUpdate,
      {{task, {code, field(updated, "deviceCode"), field(updated, "encDeviceCode")}}});
  if (!receipts) return receipts.error();
  if (receipts->empty() || receipts->front().error_code != "0")
    return Error::invalid_input(
        "the platform did not confirm the receipt: " +
        (receipts->empty() ? std::string("no result") : receipts->front().message));
  for (const char* key : {"pendingKey", "pendingCert", "pendingTask"}) updated.erase(key);
  updated["keyTaskId"] = task;
  f = std::move(updated);
  if (auto s = save("protection key updated, task " + task); !s) return s;
  progress("confirm", "receipt confirmed");
  return ok_status();
}

Result<std::string> FilingRun::run(const std::string& seal_id, const Details& details, Time now,
                                   const Progress& progress, const std::string& actor,
                                   std::size_t until) {
  auto seal = seals_.find(seal_id, now);
  if (!seal) return seal.error();
  if (!seal->signer_cert)
    return Error::invalid_input("seal " + seal_id + " has no registered signer certificate");
  auto existing = find(seal_id, now);
  if (!existing) return existing.error();
  TaskRecord run;
  if (*existing) {
    run = **existing;
    if (run.state != "RUNNING") {
      auto f = read_fields(run.payload);
      if (!f) return f.error();
      progress("done", "already filed as " + field(*f, "sealCode"));
      return field(*f, "sealCode");
    }
  } else {
    Fields f{{"done", "0"},
             {"area", details.area},
             {"district", details.district},
             {"makerCode", details.maker_code}};
    put_record(f, details.record);
    auto made = tasks_.create(
        run_kind(), {"", seal_id, write_fields(f), std::nullopt, std::nullopt}, now, actor);
    if (!made) return made.error();
    run = *made;
  }
  auto fields = read_fields(run.payload);
  if (!fields) return fields.error();
  Fields& f = *fields;
  auto done = static_cast<std::size_t>(std::atoi(field(f, "done").c_str()));
  // What is given again replaces what the run started with while it can still matter: the area
  // until a code is allocated, the record until it is uploaded.
  if (*existing) {
    if (done < 1 && !details.area.empty()) f["area"] = details.area;
    if (done < 3) {
      if (!details.district.empty()) f["district"] = details.district;
      if (!details.maker_code.empty()) f["makerCode"] = details.maker_code;
      for (const auto& name : eseal::filing::ga_data_field_names()) {
        const std::string& value = *eseal::filing::ga_data_field(details.record, name);
        if (!value.empty()) f["ga." + name] = value;
      }
    }
  }
  auto save = [&](std::size_t completed, const std::string& detail) -> Status {
    f["done"] = std::to_string(completed);
    if (auto s = keep(run, f, steps()[completed - 1] + ": " + detail, now, actor); !s) return s;
    progress(steps()[completed - 1], detail);
    return ok_status();
  };
  const pki::Certificate& sign_cert = *seal->signer_cert;
  if (done > 0) progress("resume", "after " + steps()[done - 1]);

  if (done < 1) {
    auto token = challenge();
    if (!token) return token.error();
    auto code = upstream_.seal_code(*token, field(f, "area"));
    if (!code) return code.error();
    f["sealCode"] = *code;
    if (auto s = save(1, *code); !s) return s.error();
  }
  const std::string code = field(f, "sealCode");
  if (until <= 1) return code;
  if (done < 2) {
    auto made = new_encryption_key(sign_cert, now);
    if (!made) return made.error();
    f["encKey"] = made->first;
    f["encCert"] = crypto::to_base64(made->second.der());
    if (auto s = save(2, made->second.subject().to_string()); !s) return s.error();
  }
  if (until <= 2) return code;
  auto enc_der = crypto::from_base64(field(f, "encCert"));
  if (!enc_der) return enc_der.error();
  auto enc_cert = pki::Certificate::from_der(*enc_der);
  if (!enc_cert) return enc_cert.error();
  // The record as filed: what the caller gave, the rest from the seal.
  GaData record = record_of(f);
  record.yzbm = code;
  if (record.yzmc.empty()) record.yzmc = seal->seal.info.name;
  if (record.yzlxdm.empty()) record.yzlxdm = std::to_string(seal->seal.info.type);
  if (record.zzrq.empty()) record.zzrq = format_china(seal->seal.info.create_date).substr(0, 10);
  if (record.yzsydw_dwmc.empty()) record.yzsydw_dwmc = seal->organization_name;
  if (record.yzsydw_tyshxydm.empty()) record.yzsydw_tyshxydm = seal->organization_code;
  if (record.yzzzdwbm.empty()) record.yzzzdwbm = field(f, "makerCode");
  if (done < 3) {
    auto token = challenge();
    if (!token) return token.error();
    SealUpload upload{sign_cert,
                      *enc_cert,
                      record,
                      seal->seal.info.picture.type,
                      crypto::to_base64(seal->seal.info.picture.data),
                      field(f, "district")};
    auto task = upstream_.upload(*token, {upload});
    if (!task) return task.error();
    f["taskId"] = *task;
    put_record(f, record);
    if (auto s = save(3, "task " + *task); !s) return s.error();
  }
  if (until <= 3) return code;
  if (done < 4) {
    auto task = upstream_.result(TaskType::kFiling, field(f, "taskId"));
    if (!task) return task.error();
    auto item = std::find_if(task->items.begin(), task->items.end(),
                             [&](const ItemResult& i) { return i.seal_code == code; });
    if (item == task->items.end())
      return Error::invalid_input("the platform's task " + field(f, "taskId") +
                                  " has no result for " + code);
    if (item->error_code != "0" || !item->package) {
      // Refused: the next run uploads again (with what it is given then).
      f.erase("taskId");
      f["done"] = "2";
      if (auto s = keep(run, f, "upload refused: " + item->message, now, actor); !s)
        return s.error();
      return Error::invalid_input("the platform refused " + code + ": " + item->message);
    }
    if (auto s = take_package(f, *item->package, record); !s) return s.error();
    if (auto s = save(4, "package opened, device " + field(f, "deviceCode")); !s) return s.error();
  }
  if (until <= 4) return code;
  CarrierProof proof{code, field(f, "deviceCode"), field(f, "encDeviceCode")};
  if (done < 5) {
    auto token = challenge();
    if (!token) return token.error();
    auto results = upstream_.confirm(*token, TaskType::kFiling, {{field(f, "taskId"), proof}});
    if (!results) return results.error();
    if (results->empty() || results->front().error_code != "0")
      return Error::invalid_input(
          "the platform did not confirm the receipt: " +
          (results->empty() ? std::string("no result") : results->front().message));
    if (auto s = save(5, "receipt confirmed"); !s) return s.error();
  }
  if (until <= 5) return code;
  if (done < 6) {
    Publication p{code,
                  record.yzmc,
                  record.yzsydw_tyshxydm,
                  field(f, "district"),
                  record.yzzzdw_dwmc,
                  format_china(seal->seal.info.valid_start),
                  format_china(seal->seal.info.valid_end)};
    if (auto s = upstream_.publish(p); !s) return s.error();
    if (auto s = save(6, "status published (207)"); !s) return s.error();
  }
  auto moved = tasks_.move(run_kind(), run.id, {"DONE", "filed as " + code}, now, actor);
  if (!moved) return moved.error();
  // This instance's status door answers for the seal, which is usable from now on.
  FilingRegistry registry(store_);
  Caller operator_caller = staff_of(actor);
  if (auto s = registry.record_filed(operator_caller, code, record.yzmc, seal_id, now); !s)
    return s.error();
  auto local = store_.seals().find(seal_id);
  if (!local) return local.error();
  if (local->status == store::SealStatus::kUnfiled) {
    auto s = settle_local_status(store_, actor, seal_id, store::SealStatus::kValid, "filed", now);
    if (!s) return s.error();
  }
  progress("done", "filed as " + code);
  return code;
}

Status FilingRun::revoke(const std::string& seal_id, const Revocation& revocation, Time now,
                         const std::string& actor) {
  if (auto s = check(revocation); !s) return s;
  auto run = find(seal_id, now);
  if (!run) return run.error();
  if (!*run || (*run)->state == "RUNNING")
    return Error::invalid_input("seal " + seal_id + " has not been filed (eseal filing run)");
  if ((*run)->state == "REVOKED")
    return Error::invalid_input("seal " + seal_id + " was already revoked");
  auto f = read_fields((*run)->payload);
  if (!f) return f.error();
  std::string code = field(*f, "sealCode");
  // The request is marked before it is sent and its task kept as soon as the platform gives it,
  // so that a revocation interrupted anywhere resumes: its publication (209) after a lost 209
  // answer, the result after a lost result, and a request whose answer was lost is sent again,
  // the platform's "already revoked" then meaning that the first one went through.
  auto save = [&](const std::string& detail) { return keep(**run, *f, detail, now, actor); };
  bool resent = !field(*f, "revocationSent").empty();
  std::string task = field(*f, "revocationTask");
  if (task.empty()) {
    (*f)["revocationSent"] = "1";
    if (auto s = save("revocation being requested"); !s) return s;
    auto token = challenge();
    if (!token) return token.error();
    auto made = upstream_.revoke(
        *token, {{{code, field(*f, "deviceCode"), field(*f, "encDeviceCode")}, revocation}});
    if (!made) return made.error();
    task = *made;
    (*f)["revocationTask"] = task;
    if (auto s = save("revocation requested, task " + task); !s) return s;
  }
  auto result = upstream_.result(TaskType::kRevocation, task);
  if (!result) return result.error();
  auto item = std::find_if(result->items.begin(), result->items.end(),
                           [&](const ItemResult& i) { return i.seal_code == code; });
  bool accepted = item != result->items.end() &&
                  (item->error_code == "0" || (resent && item->error_code == "7"));
  if (!accepted) {
    std::string why = item == result->items.end() ? "no result for " + code : item->message;
    f->erase("revocationSent");
    f->erase("revocationTask");
    if (auto s = save("revocation refused: " + why); !s) return s;
    return Error::invalid_input("the platform refused the revocation: " + why);
  }
  if (auto s = upstream_.withdraw(code, field(*f, "ga.yzmc"), revocation); !s) return s;
  // Here: the seal itself, and this instance's record of it.
  if (auto s = settle_local_status(store_, actor, seal_id, seal_status_of(revocation.type),
                                   "filing: " + reason_text(revocation.reason), now);
      !s) {
    return s;
  }
  FilingRegistry registry(store_);
  Caller operator_caller = staff_of(actor);
  if (auto s = registry.record_withdrawn(operator_caller, code, seal_id, revocation, now); !s)
    return s;
  auto moved =
      tasks_.move(run_kind(), (*run)->id, {"REVOKED", reason_text(revocation.reason)}, now, actor);
  if (!moved) return moved.error();
  return ok_status();
}

}  // namespace eseal::service::filing
