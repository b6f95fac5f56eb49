#include "api/coss/wording.h"

#include <map>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/json_text.h"
#include "pki/signature_check.h"
#include "service/auto_sign.h"
#include "service/coss_certificates.h"
#include "service/coss_keys.h"
#include "service/coss_users.h"
#include "service/delegations.h"
#include "service/sign_jobs.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;
namespace user_code = service::user_code;
namespace key_code = service::key_code;
namespace job_code = service::job_code;
namespace cert_code = service::cert_code;

struct Wording {
  int code;
  std::string_view detail;  // "" when the code's message says it all
};

const std::map<std::string_view, Wording>& wording() {
  static const std::map<std::string_view, Wording> table{
      // Users.
      {user_code::kBadName, {89003037, ""}},
      {user_code::kBadIdType, {code::kBadParameter, "证件类型应为SF、GA、HZ或QT"}},
      {user_code::kIdNumberEmpty, {code::kIdNumberEmpty, ""}},
      {user_code::kBadIdNumber, {89004010, ""}},
      {user_code::kBadMobile, {89004011, ""}},
      {user_code::kBadDepartment, {code::kBadParameter, "部门信息应为1至64个字符"}},
      {user_code::kBadUniqueId, {code::kBadParameter, "用户唯一ID最长64位"}},
      {user_code::kBadRequireCert, {code::kBadParameter, "requireCert应为Y或N"}},
      {user_code::kBadImage, {89003020, ""}},
      {user_code::kImageTooLarge, {89005027, ""}},
      {user_code::kIdentityTaken, {89004001, ""}},
      {user_code::kUniqueIdTaken, {89004019, ""}},
      {user_code::kBadStatus, {89004012, ""}},
      {user_code::kLocked, {89005005, ""}},
      {user_code::kDeleted, {89005004, ""}},
      {user_code::kIdentityMismatch, {89005099, ""}},
      {user_code::kNoImage, {89003007, ""}},
      // Phones and their keys.
      {key_code::kCodeInvalid, {89005001, ""}},
      {key_code::kCodeExpired, {89005002, ""}},
      {key_code::kBadShare, {89002025, "密钥分量或其证明无效"}},
      {key_code::kNoUserCa, {89001010, "未配置用户证书的签发CA"}},
      {key_code::kKeyNotFound, {89005006, ""}},
      {key_code::kDeviceRevoked, {89005007, ""}},
      {key_code::kNotActivated, {89005008, ""}},
      {key_code::kKeyLocked, {89005011, ""}},
      {key_code::kBadLogin, {89005030, ""}},
      {key_code::kTokenInvalid, {89005030, ""}},
      {key_code::kTokenExpired, {89005009, ""}},
      {key_code::kBadRequest, {89001008, "证书请求无效"}},
      // Sign jobs.
      {job_code::kBadTitle, {code::kBadParameter, "title应为1至100个字符"}},
      {job_code::kBadDescription, {code::kBadParameter, "description最长200个字符"}},
      {job_code::kBadDataType, {code::kBadParameter, "dataType应为DATA、HASH或WEB_SEAL"}},
      {job_code::kBadAlgo, {89002027, "algo应为SM3withSM2"}},
      {job_code::kBadExpiry, {code::kBadParameter, "expiryDate应为1至4320分钟"}},
      {job_code::kNoData, {89003004, ""}},
      {job_code::kNotBase64, {89003004, ""}},
      {job_code::kTooLarge, {89003001, "最大1M"}},
      {job_code::kBadHash, {code::kBadParameter, "HASH数据应为32字节的摘要"}},
      {job_code::kBadCallback, {code::kBadParameter, "callBackUrl应为http://地址"}},
      {job_code::kWebSealUser, {code::kBadParameter, "WEB_SEAL任务需要userId"}},
      {job_code::kNotPdf, {code::kBadParameter, "WEB_SEAL的data应为PDF"}},
      {job_code::kBadPlace,
       {code::kBadParameter,
        "WEB_SEAL需要coordOfRuleInfo（pageNo、left、bottom、right、top）"
        "或keywordsOfRuleInfo.keyWord"}},
      {job_code::kLayout, {89005028, ""}},
      {job_code::kBadCipher, {89005028, "cipher应为SM2密文（GM/T 0009 DER或C1C3C2）"}},
      {job_code::kWrongKind, {code::kBadParameter, "任务类型不符（签名或解密）"}},
      {job_code::kNotFound, {89003002, ""}},
      {job_code::kNotSigned, {89003003, ""}},
      {job_code::kExpired, {89003008, ""}},
      {job_code::kSigned, {89003009, ""}},
      {job_code::kRevoked, {89005025, ""}},
      {job_code::kRefused, {code::kBadParameter, "签名任务已被拒绝"}},
      {job_code::kNotYours, {89003002, "不是该用户的签名任务"}},
      {job_code::kBadPoint, {89005013, "客户端分量无效"}},
      {job_code::kSessionInvalid, {89005013, "签名会话无效"}},
      {job_code::kSessionExpired, {89005013, "签名会话已过期"}},
      {job_code::kBadSignature, {89003019, ""}},
      {job_code::kTooManyOpen, {code::kBadParameter, "该用户未签署的签名任务已达上限"}},
      // Signatures checked for the business system.
      {pki::signature_code::kUnknownAlgorithm,
       {89002027, "签名算法应为SM3withSM2、SHA1withRSA或SHA256withRSA"}},
      {pki::signature_code::kKeyMismatch, {89003018, ""}},
      {pki::signature_code::kBadSignature, {89001027, "签名值格式不正确"}},
      // Auto-sign and delegation.
      {service::auto_sign_code::kNotStarted, {89004071, ""}},
      {service::auto_sign_code::kStarted, {89003024, ""}},
      {service::auto_sign_code::kBadRegion, {code::kBadParameter, "timeRegion应为1至86400秒"}},
      {service::auto_sign_code::kBadCount, {code::kBadParameter, "maxCount应为1至100000"}},
      {service::auto_sign_code::kNotConsented, {89004026, "请先在本设备签署开启自动签名的任务"}},
      {service::auto_sign_code::kBadEscrow, {89005017, ""}},
      {service::delegation_code::kNotFound, {code::kBadParameter, "没有该授权"}},
      {service::delegation_code::kBadGrantee, {89005032, ""}},
      {service::delegation_code::kBadEnd, {89005018, "授权结束时间应在一年之内"}},
      {service::delegation_code::kNotSigned, {code::kBadParameter, "授权人尚未签署授权书"}},
      {service::delegation_code::kState, {code::kBadParameter, "授权状态不允许该操作"}},
      {service::delegation_code::kBadStatus,
       {code::kBadParameter, "status应为WAIT、AUTHORIZE、REFUSE或CANCEL"}},
      // Certificates.
      {cert_code::kExpired, {89003031, ""}},
      {cert_code::kNotYetValid, {89003035, ""}},
      {cert_code::kRevoked, {89003026, ""}},
      {cert_code::kUntrusted, {89003027, ""}},
      {cert_code::kChain, {89004030, ""}},
      {cert_code::kRevocationUnknown, {89003029, ""}},
      {cert_code::kNoDevice, {89003005, ""}},
  };
  return table;
}

}  // namespace

Refusal refusal_of(const Error& e, int not_found) {
  if (auto it = wording().find(e.code); it != wording().end()) {
    std::string detail(it->second.detail);
    // A refused signature says how many tries are left; a seal that cannot be laid out, why.
    if (e.code == job_code::kBadSignature || e.code == job_code::kLayout) detail = e.message;
    return {it->second.code, detail};
  }
  if (e.code == user_code::kNotFound || e.kind == ErrorKind::kNotFound) return {not_found, ""};
  if (e.kind == ErrorKind::kIo) return {code::kDatabase, ""};
  return {code::kServer, ""};
}

std::string_view id_type_name(const std::string& type) {
  static const std::map<std::string_view, std::string_view> names{
      {"SF", "身份证(SF)"}, {"GA", "港澳通行证(GA)"}, {"HZ", "护照(HZ)"}, {"QT", "其它(QT)"}};
  auto it = names.find(type);
  return it == names.end() ? std::string_view(type) : it->second;
}

std::string answer(const Refusal& r, std::string_view trans_id) {
  std::string message(message_of(r.code));
  if (!r.detail.empty()) message += "：" + r.detail;
  return response(r.code, message, trans_id);
}

std::string success(std::string_view trans_id, const Value* data, std::string_view message) {
  return response(code::kSuccess, message, trans_id, data);
}

std::string china_time(Time t) {
  std::string utc = format_utc(t + std::chrono::hours(8));  // 2026-11-23T12:00:00Z
  return utc.substr(0, 10) + " " + utc.substr(11, 8);
}

Result<Time> china_time_of(std::string_view text) {
  if (text.size() != 19 || text[10] != ' ') return Error::invalid_input("not yyyy-MM-dd HH:mm:ss");
  std::string utc(text);
  utc[10] = 'T';
  auto t = parse_utc(utc + "Z");
  if (!t) return Error::invalid_input("not yyyy-MM-dd HH:mm:ss");
  return *t - std::chrono::hours(8);
}

Result<Time> china_day(std::string_view day) {
  if (day.size() != 10) return Error::invalid_input("not a yyyy-MM-dd date");
  auto t = parse_utc(std::string(day) + "T00:00:00Z");
  if (!t) return Error::invalid_input("not a yyyy-MM-dd date");
  return *t - std::chrono::hours(8);
}

void put(Value& object, Document::AllocatorType& a, std::string_view key, std::string_view value) {
  object.AddMember(Value(key.data(), static_cast<rapidjson::SizeType>(key.size()), a),
                   Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), a), a);
}

void put(Document& d, std::string_view key, std::string_view value) {
  put(d, d.GetAllocator(), key, value);
}

std::string qr_payload(std::string_view app_id, std::string_view public_url,
                       std::string_view ticket) {
  Document qr(rapidjson::kObjectType);
  put(qr, "id", app_id);
  put(qr, "sUrl", std::string(public_url) + "/coss/mobile/v1/getServiceInfo");
  put(qr, "o", ticket);
  put(qr, "cv", "2.0");
  return compact_json(qr);
}

}  // namespace eseal::api::coss
