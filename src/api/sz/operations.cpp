#include "api/sz/operations.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "api/coss/wording.h"
#include "api/json.h"
#include "api/json_text.h"
#include "api/sz/codes.h"
#include "api/sz/envelope.h"
#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "render/convert.h"
#include "render/office.h"
#include "service/device_keys.h"
#include "service/documents.h"
#include "service/retries.h"
#include "service/verification.h"
#include "ses/seal_type.h"
#include "ses/verify.h"

namespace eseal::api::sz {
namespace {

using rapidjson::Value;
using Data = rapidjson::Document;
using Answer = Result<Data>;

Error fail(std::string_view c, std::initializer_list<std::string_view> parts = {}) {
  return Error::invalid_input(message(c, parts)).with_code(std::string(c));
}

// An error of the platform itself (a store, a random source): its particulars go to the audit
// log, never to the caller.
Error server_error(const Error& e) {
  return Error::internal(e.message).with_code(std::string(code::kServer));
}

// A member as text: strings as they are (trimmed already), numbers as written; "" when absent
// or of another type.
std::string text_of(const Value& object, std::string_view key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(json_view(it->value));
  if (it->value.IsNumber()) return compact_json(it->value);
  return {};
}

// A string member where it stands (a document's base64 is not copied); "" otherwise.
std::string_view view_of(const Value& object, std::string_view key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return json_view(it->value);
}

Result<std::string> required(const Value& object, std::string_view key) {
  std::string v = text_of(object, key);
  if (v.empty()) return fail(code::kBadParameter, {key, "缺少" + std::string(key)});
  return v;
}

const Value* member(const Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// A structure the seed sends either as an object or as an array of them ("rectangleRule":
// [{…}]); the objects, in order.
Result<std::vector<const Value*>> objects_of(const Value* v, std::string_view key) {
  std::vector<const Value*> out;
  if (!v || v->IsNull()) return out;
  if (v->IsObject()) {
    out.push_back(v);
  } else if (v->IsArray()) {
    for (const Value& item : v->GetArray()) {
      if (!item.IsObject()) return fail(code::kBadParameter, {key, "应为对象或对象数组"});
      out.push_back(&item);
    }
  } else {
    return fail(code::kBadParameter, {key, "应为对象或对象数组"});
  }
  return out;
}

Result<double> number_of(const Value& object, std::string_view key, double fallback,
                         std::string_view shown) {
  std::string t = text_of(object, key);
  if (t.empty()) return fallback;
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) {
    return fail(code::kBadParameter, {shown, "不是数值：" + t});
  }
  return v;
}

Result<int> integer_of(const std::string& t, std::string_view shown) {
  int v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size()) {
    return fail(code::kBadParameter, {shown, "不是整数：" + t});
  }
  return v;
}

void put(Value& object, Data::AllocatorType& a, std::string_view key, std::string_view value) {
  object.AddMember(Value(key.data(), static_cast<rapidjson::SizeType>(key.size()), a),
                   Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), a), a);
}

Data object() {
  Data d;
  d.SetObject();
  return d;
}

// The appendix B code for a seal the registry's rule refuses.
Error seal_refusal(const Error& e, const service::RegisteredSeal* seal) {
  namespace sc = service::seal_code;
  std::string detail = e.message;
  if (e.code == sc::kStatus && seal) {
    if (seal->status == "frozen") return fail(code::kFrozen, {seal->id});
    return fail(code::kRevoked, {seal->id + "（" + seal->status + "）"});
  }
  if (e.code == sc::kExpired) return fail(code::kExpired, {detail});
  if (e.code == sc::kNotYetValid) return fail(code::kNotYetValid, {detail});
  if (e.code == sc::kSignerCertificate)
    return fail(code::kExpired, {"签章人证书不在有效期内：" + detail});
  if (e.code == sc::kNotYours) return fail(code::kUnauthorizedQuery, {detail});
  if (e.code == sc::kNotFound) return fail(code::kNoSeal, {detail});
  if (e.code == sc::kNoSigner) return fail(code::kGetSeal, {detail});
  return server_error(e);
}

// The appendix B code for a refusal of the engines laying out or completing a signature.
Error document_refusal(const Error& e) {
  if (e.kind != ErrorKind::kInvalidInput && e.kind != ErrorKind::kVerificationFailed) {
    return server_error(e);
  }
  const std::string& m = e.message;
  if (m.starts_with("keyword \"")) {
    std::size_t end = m.find('"', 9);
    return fail(code::kNoKeyword, {m.substr(9, end == std::string::npos ? 0 : end - 9)});
  }
  if (m.starts_with("page ") && m.find("does not exist") != std::string::npos) {
    return fail(code::kBadPage, {m.substr(5, m.find(' ', 5) - 5)});
  }
  if (e.code == kLimitExceeded) return fail(code::kTooLarge, {m});
  if (m.find("not a readable PDF") != std::string::npos || m.find("damaged") != std::string::npos ||
      m.find("OFD package") != std::string::npos) {
    return fail(code::kDamaged, {m});
  }
  return fail(code::kDocument, {m});
}

// A document sent as base64 in `key`: decoded, at most the size limit, PDF or OFD.
struct Document {
  Bytes bytes;
  service::DocumentFormat format = service::DocumentFormat::kPdf;
};

Result<Bytes> decode_file(std::string_view text, std::string_view key, std::size_t limit) {
  if (text.empty()) return fail(code::kBadParameter, {key, "缺少" + std::string(key)});
  if (text.size() / 4 * 3 > limit + 3) {
    return fail(code::kTooLarge,
                {std::string(key) + "超过" + std::to_string(limit >> 20) + " MiB"});
  }
  auto bytes = crypto::from_base64(text);
  if (!bytes) return fail(code::kBadParameter, {key, "不是base64编码"});
  if (bytes->size() > limit) {
    return fail(code::kTooLarge,
                {std::string(key) + "超过" + std::to_string(limit >> 20) + " MiB"});
  }
  return bytes;
}

Result<Document> document_of(std::string_view text, std::string_view key, std::size_t limit) {
  auto bytes = decode_file(text, key, limit);
  if (!bytes) return bytes.error();
  auto format = service::detect_format(*bytes);
  if (!format) {
    if (format.error().message == service::kNotPdfOrOfd)
      return fail(code::kFileType, {"只支持PDF和OFD"});
    return document_refusal(format.error());
  }
  return Document{std::move(*bytes), *format};
}

// Scene codes of appendix A.2: 04 is a USB key's (searchType 02), 05 the server's crypto
// device's (searchType 03).
Status check_scene(const std::string& scene) {
  if (scene != "01" && scene != "04" && scene != "05" && scene != "02" && scene != "03" &&
      scene != "99") {
    return fail(code::kBadParameter, {"scene", "应为附录A.2的编码：" + scene});
  }
  return ok_status();
}

// A seal type code of the one table.
Result<int> seal_type_of(const std::string& text, std::string_view key) {
  auto n = integer_of(text, key);
  if (!n) return n.error();
  if (!ses::find_seal_type(*n)) return fail(code::kSealType, {"没有印章类型" + text});
  return *n;
}

// "1|2|3" (also with commas).
Result<std::vector<int>> seal_types_of(const std::string& text) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t bar = text.find_first_of("|,", start);
    std::string item(
        trim_json_space(text.substr(start, bar == std::string::npos ? bar : bar - start)));
    if (!item.empty()) {
      auto type = seal_type_of(item, "sealType");
      if (!type) return type.error();
      if (std::find(out.begin(), out.end(), *type) == out.end()) out.push_back(*type);
    }
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (out.empty()) return fail(code::kBadParameter, {"sealType"});
  return out;
}

// One request being answered.
class Call {
 public:
  Call(const Services& services, const Options& options, const service::Caller& caller,
       const Value& content, Time now, std::string public_url, std::string verification_url,
       std::string request_digest)
      : s_(services),
        options_(options),
        caller_(caller),
        content_(content),
        now_(now),
        public_url_(std::move(public_url)),
        verification_url_(std::move(verification_url)),
        request_digest_(std::move(request_digest)) {}

  // BASISFUN-01: which of the requested types the organization has a usable seal of.
  Answer seal_list() {
    auto grant = checked_grant(true);
    if (!grant) return grant.error();
    if (std::string mark = text_of(content_, "idCardMark"); !mark.empty()) {
      // A mark the grant cannot check (no legal representative recorded) is not taken on trust.
      if (grant->id_card_mark.empty()) return fail(code::kUserCheck, {"授权码未登记法定代表人"});
      std::string lower = mark;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      auto raw = crypto::from_base64(mark);
      bool matches =
          lower == grant->id_card_mark || (raw && crypto::to_hex(*raw) == grant->id_card_mark);
      if (!matches) return fail(code::kUserCheck, {"idCardMark与法定代表人不符"});
    }
    auto types = required(content_, "sealType");
    if (!types) return types.error();
    auto wanted = seal_types_of(*types);
    if (!wanted) return wanted.error();
    auto seals = org_seals(*grant);
    if (!seals) return seals.error();
    if ((*seals)->empty()) return fail(code::kNoSeal, {grant->org_name});
    Data d = object();
    auto& a = d.GetAllocator();
    Value list(rapidjson::kArrayType);
    for (int type : *wanted) {
      Value item(rapidjson::kObjectType);
      put(item, a, "sealType", std::to_string(type));
      // The newest usable seal of the type, else the newest of it (shown as N).
      const service::RegisteredSeal* chosen = nullptr;
      bool usable = false;
      for (const auto& seal : **seals) {
        if (seal.seal.info.type != type) continue;
        bool ok = static_cast<bool>(service::check_usable(seal, caller_, now_));
        if (!chosen || (ok && !usable)) {
          chosen = &seal;
          usable = ok;
        }
      }
      put(item, a, "sealImg", chosen ? crypto::to_base64(chosen->seal.info.picture.data) : "");
      put(item, a, "sealStatus", usable ? "Y" : "N");
      // eseal's own: which seal it is.
      put(item, a, "sealId", chosen ? chosen->id : "");
      put(item, a, "sealName", chosen ? chosen->name : "");
      list.PushBack(item, a);
    }
    d.AddMember("sealList", list, a);
    return d;
  }

  // BASISFUN-02: word, excel, html, text, pictures, PDF or OFD to PDF or OFD.
  Answer format_file() {
    auto source = required(content_, "sourceFileType");
    if (!source) return source.error();
    auto dest = required(content_, "destFileType");
    if (!dest) return dest.error();
    std::string to = lower(*dest);
    if (to != "pdf" && to != "ofd")
      return fail(code::kBadParameter, {"destFileType", "应为PDF或OFD"});
    auto bytes = decode_file(view_of(content_, "fileB64"), "fileB64", options_.max_file_size);
    if (!bytes) return bytes.error();
    auto name = file_name_for(lower(*source), *bytes);
    if (!name) return name.error();
    auto converted = convert(*bytes, *name, to);
    if (!converted) return converted.error();
    Data d = object();
    put(d, d.GetAllocator(), "destfileB64", crypto::to_base64(*converted));
    put(d, d.GetAllocator(), "destFileType", to == "pdf" ? "PDF" : "OFD");
    return d;
  }

  // LOGIN-01 (and GENSIGN-02 with data): a QR task — a login statement the phone signs, or the
  // digests of genCalculateFileHash — as sign jobs behind one QR code.
  Answer login_qr_code() {
    auto grant = checked_grant(false);
    if (!grant) return grant.error();
    auto scene = scene_of();
    if (!scene) return scene.error();
    auto random = crypto::random_bytes(8);
    if (!random) return server_error(random.error());
    std::uint64_t number = 0;
    for (std::uint8_t b : *random) number = number << 8 | b;
    // A positive Long, as table 7 types signTaskId, of 18 or 19 digits.
    number = number % 9'000'000'000'000'000'000ULL + 100'000'000'000'000'000ULL;
    std::string task_id = std::to_string(number);
    auto search = search_type(*scene);
    if (!search) return search.error();
    if (*search == "02") return usb_key_login(*grant, task_id);
    if (*search != "01") return fail(code::kBadParameter, {"searchType", "登录应为01或02"});
    // Whoever confirms is reported as the organization's: only its seal holder may.
    if (grant->user_id.empty()) return fail(code::kUserCheck, {"授权码未指定持章人"});
    auto secret = s_.grants.task_secret(*grant, task_id);
    if (!secret) return server_error(secret.error());

    std::vector<service::NewSignJob> jobs;
    std::string minutes = std::to_string(options_.task_lifetime.count());
    std::string data = text_of(content_, "data");
    if (data.empty()) {
      std::string statement = "登录确认：" + grant->org_name + "（" + grant->credit_code +
                              "）授权第三方系统" + caller_.name + "，任务" + task_id + "，" +
                              format_china(now_);
      jobs.push_back({grant->user_id, "扫码登录", "DATA", "SM3withSM2", statement, minutes,
                      crypto::to_base64(as_bytes(statement)), ""});
    } else {
      auto digests = digests_of(data);
      if (!digests) return digests.error();
      int i = 0;
      for (const auto& digest : *digests) {
        ++i;
        // Only what genCalculateFileHash laid out for this app is signed: the phone never signs
        // a hash it cannot tell the document of.
        auto held = s_.held.find_by_digest(caller_, *crypto::from_base64(digest), now_);
        if (!held) {
          if (held.error().kind != ErrorKind::kNotFound) return server_error(held.error());
          return fail(code::kBadParameter, {"data", "不是本系统生成摘要接口返回的摘要：" + digest});
        }
        if (held->state != "HELD") return fail(code::kTaskExpired, {held->file_id});
        std::string title = held->title.empty() ? held->file_id : held->title;
        jobs.push_back({grant->user_id, "扫码签名", "HASH", "SM3withSM2",
                        grant->org_name + "：第" + std::to_string(i) + "/" +
                            std::to_string(digests->size()) + "个文件（" + title + "）",
                        minutes, digest, ""});
      }
    }
    // The seal holder's phone was enrolled by whichever app added the user, not necessarily
    // this one.
    for (auto& job : jobs) job.any_app = true;
    auto made = s_.jobs.create_group(caller_, jobs, *secret, now_);
    if (!made) {
      if (made.error().kind == ErrorKind::kInvalidInput) {
        return fail(code::kTaskFailed, {made.error().message});
      }
      return server_error(made.error());
    }
    Data d = object();
    auto& a = d.GetAllocator();
    put(d, a, "signTaskId", task_id);
    put(d, a, "qrCode", coss::qr_payload(caller_.name, public_url_, made->front().ticket));
    return d;
  }

  // LOGIN-04: a login with the organization's USB key (searchType 02, mediaNo the serial of its
  // certificate, as in genCalculateFileHash): the statement the key signs comes back as signData
  // (base64 of its UTF-8), and genGetTaskResult takes the key's signValue over it.
  Answer usb_key_login(const service::SzGrant& grant, const std::string& task_id) {
    std::string media_no = text_of(content_, "mediaNo");
    if (media_no.empty() || media_no == "-1") {
      return fail(code::kBadParameter, {"mediaNo", "searchType为02时应为USBKey证书序列号"});
    }
    auto seal = usb_key_seal_for(grant, 0, media_no);
    if (!seal) return seal.error();
    std::string statement = "登录确认：" + grant.org_name + "（" + grant.credit_code +
                            "）以USBKey（证书序列号" + seal->signer_cert->serial_hex() +
                            "）登录第三方系统" + caller_.name + "，任务" + task_id + "，" +
                            format_china(now_);
    auto login = s_.usb_logins.challenge(caller_, task_id, statement, seal->id,
                                         now_ + options_.task_lifetime, now_);
    if (!login) return server_error(login.error());
    Data d = object();
    auto& a = d.GetAllocator();
    put(d, a, "signTaskId", task_id);
    put(d, a, "qrCode", "");
    put(d, a, "signData", crypto::to_base64(as_bytes(statement)));
    return d;
  }

  // The USB-key login signTaskId names, if it names one (else the QR task's jobs answer).
  Result<std::optional<service::UsbKeyLogin>> usb_key_login_of() {
    std::string task = text_of(content_, "signTaskId");
    if (task.empty()) return std::optional<service::UsbKeyLogin>();
    auto login = s_.usb_logins.find(caller_, task, now_);
    if (!login) {
      if (login.error().kind == ErrorKind::kNotFound) return std::optional<service::UsbKeyLogin>();
      return server_error(login.error());
    }
    return std::optional<service::UsbKeyLogin>(std::move(*login));
  }

  // LOGIN-03 for a USB-key login: the key's signValue checked against the seal's certificate,
  // then the organization, the certificate's holder and the seal.
  Answer usb_key_login_result(const service::SzGrant& grant, service::UsbKeyLogin login) {
    if (login.state == "EXPIRED") return fail(code::kTaskExpired);
    auto seal = s_.platform.seals.find(login.seal_id, now_);
    if (!seal) return server_error(seal.error());
    if (!seal->signer_cert) return fail(code::kNoSeal);
    if (login.state != "SIGNED") {
      std::string value = text_of(content_, "signValue");
      if (value.empty())
        return fail(code::kTaskFailed, {"任务尚未确认：请以USBKey对signData签名后提供signValue"});
      auto signature = crypto::from_base64(value);
      if (!signature) return fail(code::kBadParameter, {"signValue", "不是base64编码"});
      auto signed_login =
          s_.usb_logins.sign(caller_, login.number, *signature, *seal->signer_cert, now_);
      if (!signed_login) {
        if (signed_login.error().kind == ErrorKind::kVerificationFailed ||
            signed_login.error().kind == ErrorKind::kInvalidInput) {
          return fail(code::kBadSignValue);
        }
        return server_error(signed_login.error());
      }
      login = std::move(*signed_login);
    }
    Data d = object();
    auto& a = d.GetAllocator();
    put(d, a, "name", seal->signer_cert->subject().get("CN"));
    put(d, a, "idNumber", "");
    put(d, a, "organizationCode", grant.credit_code);
    put(d, a, "organizationName", grant.org_name);
    put(d, a, "phone", "");
    put(d, a, "sealType", std::to_string(seal->seal.info.type));
    put(d, a, "isLegalPerson", "-1");
    put(d, a, "sealImg", crypto::to_base64(seal->seal.info.picture.data));
    put(d, a, "signValue", crypto::to_base64(login.signature));
    return d;
  }

  // LOGIN-02: 0 not scanned, 1 confirmed, 2 expired, 3 cancelled, 4 scanned not confirmed.
  Answer scan_status() {
    auto grant = checked_grant(false);
    if (!grant) return grant.error();
    auto login = usb_key_login_of();
    if (!login) return login.error();
    if (*login) {
      Data d = object();
      put(d, d.GetAllocator(), "scanStatus",
          (*login)->state == "SIGNED"    ? "1"
          : (*login)->state == "EXPIRED" ? "2"
                                         : "0");
      return d;
    }
    auto jobs = task_jobs(*grant);
    if (!jobs) return jobs.error();
    Data d = object();
    put(d, d.GetAllocator(), "scanStatus", scan_status_of(*jobs));
    return d;
  }

  // LOGIN-03: who logged in or signed, and the signature values.
  Answer task_result() {
    auto grant = checked_grant(false);
    if (!grant) return grant.error();
    auto login = usb_key_login_of();
    if (!login) return login.error();
    if (*login) return usb_key_login_result(*grant, std::move(**login));
    auto jobs = task_jobs(*grant);
    if (!jobs) return jobs.error();
    std::string status = scan_status_of(*jobs);
    if (status == "2") return fail(code::kTaskExpired);
    if (status == "3") return fail(code::kTaskFailed, {"用户已取消"});
    if (status != "1") return fail(code::kTaskFailed, {"任务尚未确认"});
    const service::SignJob& first = jobs->front();
    auto person = s_.grants.person(first.signer_id.empty() ? first.user_id : first.signer_id);
    if (!person) return server_error(person.error());
    auto held = held_types(*grant);
    if (!held) return held.error();
    std::set<std::int64_t> codes;
    std::string image;
    for (const auto& seal : *held) {
      codes.insert(seal.seal.info.type);
      if (image.empty()) image = crypto::to_base64(seal.seal.info.picture.data);
    }
    std::string types;
    for (auto t : codes) types += (types.empty() ? "" : "|") + std::to_string(t);
    bool name_seal = std::any_of(held->begin(), held->end(),
                                 [](const auto& s) { return s.seal.info.type == 4; });
    std::string values;
    for (const auto& job : *jobs) {
      values += (values.empty() ? "" : ",") + crypto::to_base64(job.signature);
    }
    Data d = object();
    auto& a = d.GetAllocator();
    put(d, a, "name", person->name);
    put(d, a, "idNumber", person->id_number);
    put(d, a, "organizationCode", grant->credit_code);
    put(d, a, "organizationName", grant->org_name);
    put(d, a, "phone", person->phone);
    put(d, a, "sealType", types);
    put(d, a, "isLegalPerson", name_seal ? (grant->legal_person ? "1" : "0") : "-1");
    put(d, a, "sealImg", image);
    put(d, a, "signValue", values);
    return d;
  }

  // GENSIGN-01: each file laid out with the organization's seal for the holder's certificate and
  // held; the digests the phone (or a USB key) signs. With searchType 03 the seal is one whose key
  // is on this server's crypto device ([keys] provider = "sdf"), laid out for its own
  // certificate: GENSIGN-04 is that device signing the digests when genDetachedFile asks.
  Answer calculate_file_hash() {
    auto grant = checked_grant(true);
    if (!grant) return grant.error();
    auto scene = scene_of();
    if (!scene) return scene.error();
    auto searched = search_type(*scene);
    if (!searched) return searched.error();
    const std::string& search = *searched;
    // 02: the seal whose signer certificate is the USB key's (mediaNo, its serial number): the
    // key signs the digests on the client (GENSIGN-03) and genDetachedFile takes the signValue.
    // 03: the seal whose key is on this server's crypto device (GENSIGN-04).
    bool on_device = search == "03", on_usb_key = search == "02";
    std::string media_no = text_of(content_, "mediaNo");
    if (on_usb_key && (media_no.empty() || media_no == "-1")) {
      return fail(code::kBadParameter, {"mediaNo", "searchType为02时应为USBKey证书序列号"});
    }
    // §9.2.2's example sends one file at the top level, without sealDataList.
    const Value* list = member(content_, "sealDataList");
    Value single(rapidjson::kArrayType);
    if (!list && !view_of(content_, "fileStr").empty()) {
      single.PushBack(Value(rapidjson::kObjectType), scratch_.GetAllocator());
      list = &single;
    }
    if (!list || !list->IsArray() || list->Empty()) {
      return fail(code::kBadParameter, {"sealDataList", "应为非空数组"});
    }
    if (list->Size() > options_.max_batch) {
      return fail(code::kBadParameter,
                  {"sealDataList", "最多" + std::to_string(options_.max_batch) + "个文件"});
    }
    if (*scene == "01" && list->Size() > 1) {
      return fail(code::kBadParameter, {"sealDataList", "scene为01时不支持批量"});
    }
    // The request-wide fields replace each entry's (table 12, 4-6 to 4-8).
    std::string_view all_files = view_of(content_, "fileStr");
    std::string all_type = text_of(content_, "sealType");
    auto rule_info = objects_of(member(content_, "ruleInfo"), "ruleInfo");
    if (!rule_info) return rule_info.error();
    bool phone = !on_device && !on_usb_key;
    auto cert = phone ? s_.grants.holder_certificate(*grant)
                      : Result<pki::Certificate>(Error::not_found("the seal's own"));
    if (phone && !cert) {
      if (cert.error().kind == ErrorKind::kNotFound)
        return fail(code::kUserCheck, {cert.error().message});
      return server_error(cert.error());
    }
    std::optional<int> batch_type;
    std::vector<std::pair<std::string, std::string>> out;  // fileHash, fileUniqueId
    std::vector<std::string> titles;
    std::size_t index = 0;
    for (const Value& entry : list->GetArray()) {
      ++index;
      if (!entry.IsObject()) return fail(code::kBadParameter, {"sealDataList", "应为对象数组"});
      auto type =
          seal_type_of(all_type.empty() ? text_of(entry, "sealType") : all_type, "sealType");
      if (!type) return type.error();
      if (batch_type && *batch_type != *type) {
        return fail(code::kSealType, {"批量文件必须加盖同一类型的印章"});
      }
      batch_type = *type;
      auto document = document_of(all_files.empty() ? view_of(entry, "fileStr") : all_files,
                                  "fileStr", options_.max_file_size);
      if (!document) return document.error();
      auto placements = placements_of(entry, rule_info->empty() ? nullptr : (*rule_info)[0]);
      if (!placements) return placements.error();
      auto seal = on_device    ? device_seal_for(*grant, *type)
                  : on_usb_key ? usb_key_seal_for(*grant, *type, media_no)
                               : seal_for(*grant, *type, *cert);
      if (!seal) return seal.error();
      if (!phone) cert = *seal->signer_cert;
      service::SealSignature request{std::move(*placements), &seal->seal,
                                     options_.signing.pdf_format, "", ""};
      auto pending =
          service::prepare_seal(document->bytes, request, *cert, now_, options_.signing.limits);
      if (!pending) return document_refusal(pending.error());
      std::string file_id = text_of(entry, "fileUniqueId");
      if (file_id.empty()) {
        auto random = crypto::random_bytes(16);
        if (!random) return server_error(random.error());
        file_id = crypto::to_hex(*random);
      } else if (decode_utf8(file_id).size() > 128) {
        return fail(code::kBadParameter, {"fileUniqueId", "最长128个字符"});
      }
      std::string title = text_of(entry, "title");
      auto held = s_.held.hold(caller_, file_id, title, *pending, *cert, *seal,
                               now_ + options_.held_lifetime, now_);
      if (!held) return server_error(held.error());
      out.emplace_back(crypto::to_base64(held->digest), file_id);
      titles.push_back(title);
    }
    Data d = object();
    auto& a = d.GetAllocator();
    Value hashes(rapidjson::kArrayType);
    for (std::size_t i = 0; i < out.size(); ++i) {
      Value item(rapidjson::kObjectType);
      put(item, a, "fileHash", out[i].first);
      put(item, a, "fileUniqueId", out[i].second);
      put(item, a, "title", titles[i]);
      hashes.PushBack(item, a);
    }
    d.AddMember("fileHashList", hashes, a);
    return d;
  }

  // GENSIGN-05: the held signatures completed with the phone's signatures (signTaskId) or the
  // given signValue, time-stamped; the signed files.
  Answer detached_file() {
    auto grant = checked_grant(true);
    if (!grant) return grant.error();
    if (auto scene = scene_of(); !scene) return scene.error();
    const Value* list = member(content_, "sealDataList");
    if (!list || !list->IsArray() || list->Empty()) {
      return fail(code::kBadParameter, {"sealDataList", "应为非空数组"});
    }
    if (list->Size() > options_.max_batch) {
      return fail(code::kBadParameter,
                  {"sealDataList", "最多" + std::to_string(options_.max_batch) + "个文件"});
    }
    std::vector<service::HeldSignature> files;
    for (const Value& entry : list->GetArray()) {
      auto id = required(entry, "fileUniqueId");
      if (!id) return id.error();
      auto held = s_.held.find(caller_, *id, now_);
      if (!held) {
        if (held.error().kind == ErrorKind::kNotFound) return fail(code::kNoFileId, {*id});
        return server_error(held.error());
      }
      if (held->state == "EXPIRED")
        return fail(code::kTaskExpired, {"文件" + *id + "的摘要已过期"});
      if (std::string t = text_of(entry, "sealType");
          !t.empty() && t != std::to_string(held->seal_type)) {
        return fail(code::kSealType,
                    {"文件" + *id + "以" + std::to_string(held->seal_type) + "类印章计算摘要"});
      }
      files.push_back(std::move(*held));
    }
    // Each file's signature: from the QR task's jobs (matched by digest), or signValue (one per
    // file, in order, comma-separated).
    std::vector<Bytes> signatures(files.size());
    std::string sign_value = text_of(content_, "signValue");
    std::string task = text_of(content_, "signTaskId");
    if (!sign_value.empty()) {
      std::vector<std::string> values = split(sign_value);
      if (values.size() != files.size()) {
        return fail(code::kBadParameter, {"signValue", "应与sealDataList一一对应"});
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        auto v = crypto::from_base64(values[i]);
        if (!v) return fail(code::kBadParameter, {"signValue", "不是base64编码"});
        signatures[i] = std::move(*v);
      }
    } else if (!task.empty()) {
      auto jobs = task_jobs(*grant);
      if (!jobs) return jobs.error();
      std::string status = scan_status_of(*jobs);
      if (status == "2") return fail(code::kTaskExpired);
      if (status == "3") return fail(code::kTaskFailed, {"用户已取消"});
      if (status != "1") return fail(code::kTaskFailed, {"任务尚未确认"});
      for (std::size_t i = 0; i < files.size(); ++i) {
        for (const auto& job : *jobs) {
          if (job.data == files[i].digest) signatures[i] = job.signature;
        }
        if (signatures[i].empty()) {
          return fail(code::kBadSignValue,
                      {"任务" + task + "没有文件" + files[i].file_id + "的摘要"});
        }
      }
    } else {
      // Files laid out for a seal whose key is on this server's crypto device: GENSIGN-04 here.
      for (std::size_t i = 0; i < files.size(); ++i) {
        auto signature = device_signature(files[i]);
        if (!signature) return signature.error();
        signatures[i] = std::move(*signature);
      }
    }
    doc::TimeStamper stamper = options_.signing.stamper(caller_.actor(), now_);
    Data d = object();
    auto& a = d.GetAllocator();
    Value out(rapidjson::kArrayType);
    for (std::size_t i = 0; i < files.size(); ++i) {
      auto done = s_.held.complete(caller_, files[i], signatures[i], stamper, now_);
      if (!done) {
        if (done.error().code == "held-expired")
          return fail(code::kTaskExpired, {files[i].file_id});
        if (done.error().kind == ErrorKind::kInvalidInput ||
            done.error().kind == ErrorKind::kVerificationFailed) {
          return fail(code::kBadSignValue, {files[i].file_id + "：" + done.error().message});
        }
        return fail(code::kCompose, {done.error().message});
      }
      // A completed file is completed again as it was (HeldSignatures::complete), and a redone
      // request (service/retries.h) finds it archived under its request key.
      if (auto s = s_.platform.documents.record(caller_, files[i].file_id, *done, "genDetachedFile",
                                                now_, {}, request_digest_ + "/" + files[i].file_id);
          !s && s.error().code != service::kRequestAnswered) {
        return server_error(s.error());
      }
      Value item(rapidjson::kObjectType);
      put(item, a, "fileUniqueId", files[i].file_id);
      put(item, a, "fileB64", crypto::to_base64(*done));
      out.PushBack(item, a);
    }
    d.AddMember("fileList", out, a);
    return d;
  }

  // VERIFY-01: every signature of a PDF or OFD with the 18 fields of table 17.
  Answer file_verify() {
    std::string_view text = view_of(content_, "fileBase64");
    if (text.empty()) return fail(code::kNoVerifyData);
    auto document = document_of(text, "fileBase64", options_.max_file_size);
    if (!document) return document.error();
    auto summary = service::verify(document->bytes, s_.platform.trust.trust(), now_);
    if (!summary) return fail(code::kDamaged, {summary.error().message});
    if (summary->signatures.empty()) return fail(code::kUnsigned);
    Data d = object();
    auto& a = d.GetAllocator();
    Value list(rapidjson::kArrayType);
    bool any_seal = false;
    for (const auto& s : summary->signatures) {
      any_seal = any_seal || s.kind == "seal";
      list.PushBack(verify_item(s, a), a);
    }
    verdict_code_ = verification_code(*summary);
    if (!any_seal && verdict_code_ == code::kSuccess) verdict_code_ = code::kNoSignature;
    put(d, a, "verifyStatus", summary->valid() ? "true" : "false");
    std::string findings;
    for (const auto& f : summary->outcome.findings) findings += (findings.empty() ? "" : "；") + f;
    put(d, a, "verifyMsg", summary->valid() ? "验证通过" : findings);
    d.AddMember("verifyList", list, a);
    return d;
  }

  // VERIFY-02: a seal's maker signature and chain, and its state in the registry.
  Answer recognize_seal() {
    std::string_view text = view_of(content_, "gbSealData");
    if (text.empty()) return fail(code::kNoVerifyData);
    auto bytes = decode_file(text, "gbSealData", options_.max_file_size);
    if (!bytes) return bytes.error();
    auto seal = ses::decode_seal(*bytes);
    if (!seal) return fail(code::kSealParse, {seal.error().message});
    const ses::SealInfo& info = seal->info;
    ses::Verdict verdict = ses::verify_seal(*seal, now_, s_.platform.trust.trust());
    std::string status = "0", reason;
    verdict_code_ = code::kSuccess;
    auto set = [&](std::string_view c, std::string st, std::string why) {
      if (verdict_code_ != code::kSuccess) return;
      verdict_code_ = c;
      status = std::move(st);
      reason = std::move(why);
    };
    for (const auto& check : verdict.checks) {
      if (check.result == ses::CheckResult::kPassed || check.result == ses::CheckResult::kSkipped)
        continue;
      if (check.name.ends_with("maker-signature"))
        set(code::kVerifyFailed, "7", "制章者签名无效：" + check.detail);
      if (check.name.ends_with("maker-chain") || check.name.ends_with("maker-certificate")) {
        set(code::kUntrustedMaker, "7", "制章者证书不受信任：" + check.detail);
      }
    }
    if (now_ > info.valid_end) set(code::kExpired, "4", "印章已过期");
    if (now_ < info.valid_start) set(code::kNotYetValid, "5", "印章未生效");
    auto registered = s_.platform.seals.find(info.es_id, now_);
    if (!registered) {
      if (registered.error().kind != ErrorKind::kNotFound) return server_error(registered.error());
      set(code::kNotFiled, "6", "印章未在本平台登记");
    } else if (registered->seal.encoded != seal->encoded) {
      set(code::kNotFiled, "6", "登记的印章与提交的印章不一致");
    } else if (registered->status == "unfiled") {
      set(code::kNotFiled, "6", "印章尚未完成备案");
    } else if (registered->status == "frozen") {
      set(code::kFrozen, "1", "印章已冻结");
    } else if (registered->status == "revoked" || registered->status == "lost") {
      set(code::kRevoked, registered->status == "lost" ? "3" : "2",
          registered->status == "lost" ? "印章已挂失" : "印章已注销");
    }
    std::string unit;
    if (auto maker = pki::Certificate::from_der(seal->maker_cert); maker)
      unit = unit_of(maker->subject());
    Data d = object();
    auto& a = d.GetAllocator();
    put(d, a, "sealCode", info.es_id);
    put(d, a, "sealType", std::to_string(info.type));
    put(d, a, "sealIssueUnit", unit);
    put(d, a, "sealIssueTime", format_china(info.create_date));
    put(d, a, "sealValidStart", format_china(info.valid_start));
    put(d, a, "sealValidEnd", format_china(info.valid_end));
    put(d, a, "sealStatus", status);
    put(d, a, "sealInvalidReason", reason);
    // eseal's own: the seal's name and picture.
    put(d, a, "sealName", info.name);
    put(d, a, "sealImg", crypto::to_base64(info.picture.data));
    return d;
  }

  // CENTRALIZED-01: files kept for centralized signing, converted to PDF when they are pictures
  // or word documents.
  Answer file_upload() {
    auto user = required(content_, "userId");
    if (!user) return user.error();
    std::string type = text_of(content_, "fileType");
    if (type.empty()) type = "1";
    static const std::map<std::string, std::string> kNames = {{"1", "upload.pdf"},
                                                              {"2", "upload.ofd"},
                                                              {"3", "upload.png"},
                                                              {"4", "upload.jpg"},
                                                              {"5", "word"}};
    auto name = kNames.find(type);
    if (name == kNames.end()) return fail(code::kFileType, {"fileType " + type});
    std::vector<std::string_view> texts;
    const Value* files = member(content_, "fileBase64");
    collect_files(files, texts);
    if (texts.empty()) return fail(code::kBadParameter, {"fileBase64", "缺少文件"});
    if (texts.size() > options_.max_batch) {
      return fail(code::kBadParameter,
                  {"fileBase64", "最多" + std::to_string(options_.max_batch) + "个文件"});
    }
    Data d = object();
    auto& a = d.GetAllocator();
    Value paths(rapidjson::kArrayType);
    for (std::string_view text : texts) {
      auto bytes = decode_file(text, "fileBase64", options_.max_file_size);
      if (!bytes) return bytes.error();
      Bytes kept;
      service::DocumentFormat format = service::DocumentFormat::kPdf;
      if (type == "1" || type == "2") {
        auto doc = service::detect_format(*bytes);
        if (!doc && doc.error().message != service::kNotPdfOrOfd) {
          return fail(code::kDamaged, {doc.error().message});
        }
        if (!doc || (*doc == service::DocumentFormat::kOfd) != (type == "2")) {
          return fail(code::kFileType, {type == "1" ? "文件不是PDF" : "文件不是OFD"});
        }
        format = *doc;
        kept = std::move(*bytes);
      } else {
        auto file = name->second == "word" ? file_name_for("word", *bytes)
                                           : Result<std::string>(name->second);
        if (!file) return file.error();
        auto converted = convert(*bytes, *file, "pdf");
        if (!converted) return converted.error();
        kept = std::move(*converted);
      }
      auto stored = s_.files.put(caller_, kept, format, text_of(content_, "title"), *user,
                                 now_ + options_.file_lifetime, now_);
      if (!stored) return server_error(stored.error());
      Value item(rapidjson::kObjectType);
      put(item, a, "layoutPath", path_of(*stored));
      paths.PushBack(item, a);
    }
    // One file: layoutPath at the top, as table 21 lists it; every file in layoutPaths.
    put(d, a, "layoutPath", json_view(paths[0]["layoutPath"]));
    d.AddMember("layoutPaths", paths, a);
    return d;
  }

  // CENTRALIZED-02: seals by page and position with the organization's server-held seals.
  Answer centralized_signature() {
    const Value* list = member(content_, "signatoriesList");
    if (!list || !list->IsArray() || list->Empty()) {
      return fail(code::kBadParameter, {"signatoriesList", "应为非空数组"});
    }
    std::string path = text_of(content_, "documentPath");
    std::string_view base64 = view_of(content_, "fileBase64");
    if (path.empty() == base64.empty()) {
      return fail(code::kBadParameter, {"fileBase64", "fileBase64与documentPath须且只须提供一个"});
    }
    Document document;
    std::string title = text_of(content_, "title");
    if (decode_utf8(title).size() > 100)
      return fail(code::kBadParameter, {"title", "最长100个字符"});
    if (!path.empty()) {
      auto stored = stored_file(path, code::kNoFileId);
      if (!stored) return stored.error();
      auto bytes = s_.files.bytes(*stored);
      if (!bytes) return server_error(bytes.error());
      document = {std::move(*bytes), stored->format};
      if (title.empty()) title = stored->title;
    } else {
      auto d = document_of(base64, "fileBase64", options_.max_file_size);
      if (!d) return d.error();
      document = std::move(*d);
    }
    Bytes current = std::move(document.bytes);
    doc::TimeStamper stamper = options_.signing.stamper(caller_.actor(), now_);
    // eseal's own verifyCode ("TRUE"): a verification code printed with the first signature.
    std::string wanted = text_of(content_, "verifyCode");
    if (!wanted.empty() && wanted != "TRUE" && wanted != "true" && wanted != "FALSE" &&
        wanted != "false") {
      return fail(code::kBadParameter, {"verifyCode", "应为TRUE或FALSE"});
    }
    std::optional<service::NewVerificationCode> code;
    if (wanted == "TRUE" || wanted == "true") {
      auto made = service::new_verification_code(verification_url_);
      if (!made) return server_error(made.error());
      code = std::move(*made);
    }
    bool first = true;
    crypto::HashedPrefix current_prefix;  // SM3 over current's first bytes, from its signing
    for (const Value& item : list->GetArray()) {
      auto seal_id = required(item, "sealId");
      if (!seal_id) return seal_id.error();
      auto page = integer_of(text_of(item, "page").empty() ? "1" : text_of(item, "page"), "page");
      if (!page) return page.error();
      auto x = number_of(item, "x", -1, "x");
      if (!x) return x.error();
      auto y = number_of(item, "y", -1, "y");
      if (!y) return y.error();
      auto seal = s_.platform.seals.find(*seal_id, now_);
      if (!seal) return seal_refusal(seal.error(), nullptr);
      // The server signs here with no person confirming: only with this app's own seals, not
      // with those registered to any caller.
      if (seal->owner_app_id != caller_.app_id) {
        return fail(code::kUnauthorizedQuery, {"印章" + *seal_id + "不属于该系统"});
      }
      if (auto s = service::check_usable(*seal, caller_, now_); !s)
        return seal_refusal(s.error(), &*seal);
      auto signer = s_.platform.seals.signer_of(*seal);
      if (!signer) return fail(code::kGetSeal, {"平台没有印章" + *seal_id + "的签名密钥"});
      auto placement = position_on_page(current, *page, *x, *y, *seal);
      if (!placement) return placement.error();
      service::SealSignature request{
          {std::move(*placement)}, &seal->seal, options_.signing.pdf_format, title, ""};
      if (code && first) request.code = service::VerificationCode{code->url};
      first = false;
      auto stamped = service::sign(service::prepare_seal(current, request, (*signer)->certificate(),
                                                         now_, options_.signing.limits),
                                   **signer, stamper, &current_prefix);
      if (!stamped) return document_refusal(stamped.error());
      current = std::move(*stamped);
    }
    std::string order = text_of(content_, "orderId");
    if (auto s = s_.platform.documents.record(caller_, order, current, "genCentralizedSignature",
                                              now_, code ? code->code : std::string(),
                                              request_digest_, current_prefix);
        !s) {
      if (s.error().code != service::kRequestAnswered) return server_error(s.error());
      // A retry of a request whose node died after archiving its document: that document, with
      // its verification code, is the one answered.
      auto earlier = s_.platform.documents.answered(caller_, request_digest_);
      if (!earlier) return server_error(earlier.error());
      if (!*earlier) return server_error(s.error());
      current = std::move((*earlier)->document);
      if (code) code->code = (*earlier)->verification_code;
    }
    auto stored = s_.files.put(caller_, current, document.format, title,
                               text_of(content_, "outUserId"), now_ + options_.file_lifetime, now_);
    if (!stored) return server_error(stored.error());
    Data d = object();
    put(d, d.GetAllocator(), "layoutPath", path_of(*stored));
    if (code) put(d, d.GetAllocator(), "verifyCode", code->code);
    return d;
  }

  // CENTRALIZED-03: a stored file back.
  Answer file_download() {
    auto path = required(content_, "documentPath");
    if (!path) return path.error();
    auto stored = stored_file(*path, code::kNoFile);
    if (!stored) return stored.error();
    auto bytes = s_.files.bytes(*stored);
    if (!bytes) return server_error(bytes.error());
    Data d = object();
    put(d, d.GetAllocator(), "fileBase64", crypto::to_base64(*bytes));
    return d;
  }

  // A non-success code that still carries data (a verification's verdict).
  std::string_view verdict_code() const { return verdict_code_; }

 private:
  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  }

  static std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
      std::size_t comma = text.find(',', start);
      std::string item(
          trim_json_space(text.substr(start, comma == std::string::npos ? comma : comma - start)));
      if (!item.empty()) out.push_back(item);
      if (comma == std::string::npos) return out;
      start = comma + 1;
    }
  }

  // The content's scene (appendix A.2; 01 when absent), one this deployment can serve.
  // Who signs: searchType (01 the phone, 02 a USB key, 03 the server's crypto device), implied
  // by scenes 04 and 05 when absent and refused when it contradicts them.
  Result<std::string> search_type(const std::string& scene) const {
    std::string search = text_of(content_, "searchType");
    std::string implied = scene == "04" ? "02" : scene == "05" ? "03" : "";
    if (search.empty()) search = implied.empty() ? "01" : implied;
    if (search != "01" && search != "02" && search != "03") {
      return fail(code::kBadParameter, {"searchType", "应为01、02或03"});
    }
    if (!implied.empty() && search != implied) {
      return fail(code::kBadParameter, {"searchType", "场景" + scene + "应为" + implied});
    }
    return search;
  }

  Result<std::string> scene_of() const {
    std::string scene = text_of(content_, "scene");
    if (scene.empty()) scene = "01";
    if (auto s = check_scene(scene); !s) return s.error();
    return scene;
  }

  // The grant the content's grantCode names, active, of this app; with `org`, for the
  // content's organizationCode too.
  Result<service::SzGrant> checked_grant(bool org) {
    auto code_text = required(content_, "grantCode");
    if (!code_text) return code_text.error();
    auto grant = s_.grants.find(*code_text, now_);
    if (!grant) {
      if (grant.error().kind == ErrorKind::kNotFound) return fail(code::kGrantInvalid);
      return server_error(grant.error());
    }
    if (grant->app_id != caller_.app_id) return fail(code::kGrantInvalid, {"授权码不属于该系统"});
    if (grant->state != "ACTIVE") {
      return fail(code::kGrantEnded, {grant->state == "EXPIRED" ? "已过期" : "已撤销"});
    }
    if (org) {
      auto organization = required(content_, "organizationCode");
      if (!organization) return organization.error();
      if (*organization != grant->credit_code)
        return fail(code::kUnauthorizedQuery, {"统一社会信用代码与授权码不符"});
    }
    return grant;
  }

  // The sign jobs of the content's signTaskId.
  Result<std::vector<service::SignJob>> task_jobs(const service::SzGrant& grant) {
    auto task = required(content_, "signTaskId");
    if (!task) return task.error();
    if (task->empty() || task->size() > 20 ||
        !std::all_of(task->begin(), task->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail(code::kBadParameter, {"signTaskId", "应为数字"});
    }
    auto secret = s_.grants.task_secret(grant, *task);
    if (!secret) return server_error(secret.error());
    auto jobs = s_.jobs.find_group(caller_, *secret, now_);
    if (!jobs) {
      if (jobs.error().kind == ErrorKind::kNotFound)
        return fail(code::kTaskFailed, {"没有任务" + *task});
      return server_error(jobs.error());
    }
    return jobs;
  }

  // Table A.3 for a task's jobs.
  static std::string scan_status_of(const std::vector<service::SignJob>& jobs) {
    bool all_done = true, scanned = false;
    for (const auto& job : jobs) {
      if (job.status == "REFUSE" || job.status == "REVOKE") return "3";
      if (job.status == "EXPIRE") return "2";
      all_done = all_done && job.status == "FINISH";
      scanned = scanned || job.scanned;
    }
    if (all_done) return "1";
    return scanned ? "4" : "0";
  }

  // Digests for a signing task: fileHash values (base64 of 32 bytes), comma-separated or as a
  // JSON array's text.
  Result<std::vector<std::string>> digests_of(const std::string& data) {
    std::vector<std::string> items;
    if (!data.empty() && data.front() == '[') {
      ParsedJson parsed = parse_json(data, {1});
      if (!parsed || !parsed.document->IsArray()) {
        return fail(code::kBadParameter, {"data", "不是摘要数组"});
      }
      for (const Value& v : parsed.document->GetArray()) {
        if (!v.IsString()) return fail(code::kBadParameter, {"data", "不是摘要数组"});
        items.emplace_back(trim_json_space(json_view(v)));
      }
    } else {
      items = split(data);
    }
    if (items.empty() || items.size() > options_.max_batch) {
      return fail(code::kBadParameter,
                  {"data", "应为1到" + std::to_string(options_.max_batch) + "个摘要"});
    }
    for (const auto& item : items) {
      auto bytes = crypto::from_base64(item);
      if (!bytes || bytes->size() != 32)
        return fail(code::kBadParameter, {"data", "摘要应为32字节的base64：" + item});
    }
    return items;
  }

  // The placements of one sealDataList entry: its rectangle or keyword rules (ruleInfo's
  // rectangle rule in their place when given) and its cross-page rule.
  Result<std::vector<service::Placement>> placements_of(const Value& entry,
                                                        const Value* rule_info) {
    // ruleInfo's fields replace each entry's (§9.2.2's example sends every rule in it).
    auto pick = [&](std::string_view key) {
      const Value* v = rule_info ? member(*rule_info, key) : nullptr;
      return v ? v : member(entry, key);
    };
    const Value* type_field = pick("ruleType");
    std::string rule_type =
        type_field && type_field->IsString() ? std::string(json_view(*type_field)) : "";
    const Value* rectangles = pick("rectangleRule");
    const Value* keywords = pick("keyWordRule");
    const Value* across = pick("acrossRule");
    if (rule_type.empty()) rule_type = keywords && !keywords->IsNull() ? "KEYWORD" : "RECTANGLE";
    std::vector<service::Placement> out;
    if (rule_type == "RECTANGLE") {
      auto rules = objects_of(rectangles, "rectangleRule");
      if (!rules) return rules.error();
      if (rules->empty() && !across)
        return fail(code::kBadParameter, {"rectangleRule", "ruleType为RECTANGLE时必传"});
      for (const Value* r : *rules) {
        auto rule = rectangle_rule(*r);
        if (!rule) return rule.error();
        out.emplace_back(std::move(*rule));
      }
    } else if (rule_type == "KEYWORD") {
      auto rules = objects_of(keywords, "keyWordRule");
      if (!rules) return rules.error();
      if (rules->empty())
        return fail(code::kBadParameter, {"keyWordRule", "ruleType为KEYWORD时必传"});
      for (const Value* r : *rules) {
        auto rule = keyword_rule(*r);
        if (!rule) return rule.error();
        out.emplace_back(std::move(*rule));
      }
    } else {
      return fail(code::kBadParameter, {"ruleType", "应为RECTANGLE或KEYWORD"});
    }
    auto crosses = objects_of(across, "acrossRule");
    if (!crosses) return crosses.error();
    for (const Value* r : *crosses) {
      auto rule = across_rule(*r);
      if (!rule) return rule.error();
      out.emplace_back(std::move(*rule));
    }
    return out;
  }

  static Result<doc::MoveType> move_of(const Value& rule) {
    std::string move = text_of(rule, "moveType");
    auto parsed = doc::parse_move_type(move.empty() ? "CENTER" : move);
    if (!parsed) return fail(code::kBadParameter, {"moveType", "应为CENTER、RIGHT或BOTTOM"});
    return *parsed;
  }

  // Offset.x right and Offset.y up, points; "offset" or "Offset".
  static Result<std::pair<double, double>> offset_of(const Value& rule) {
    const Value* offset = member(rule, "offset");
    if (!offset) offset = member(rule, "Offset");
    if (!offset || offset->IsNull()) return std::pair<double, double>{0, 0};
    if (!offset->IsObject()) return fail(code::kBadParameter, {"offset", "应为对象"});
    auto x = number_of(*offset, "x", 0, "offset.x");
    if (!x) return x.error();
    auto y = number_of(*offset, "y", 0, "offset.y");
    if (!y) return y.error();
    return std::pair<double, double>{*x, *y};
  }

  static Result<doc::RectangleRule> rectangle_rule(const Value& r) {
    doc::RectangleRule rule;
    std::string page = text_of(r, "page");
    auto n = integer_of(page.empty() ? "1" : page, "page");
    if (!n) return n.error();
    if (*n < 1) return fail(code::kBadPage, {page});
    rule.page = *n - 1;
    for (auto [key, field] : {std::pair{"left", &rule.left}, std::pair{"bottom", &rule.bottom},
                              std::pair{"right", &rule.right}, std::pair{"top", &rule.top}}) {
      if (text_of(r, key).empty())
        return fail(code::kBadParameter, {std::string("rectangleRule.") + key, "必传"});
      auto v = number_of(r, key, 0, std::string("rectangleRule.") + key);
      if (!v) return v.error();
      *field = *v;
    }
    if (!(rule.left < rule.right && rule.bottom < rule.top)) {
      return fail(code::kBadParameter, {"rectangleRule", "应满足left < right且bottom < top"});
    }
    auto move = move_of(r);
    if (!move) return move.error();
    rule.move = *move;
    auto offset = offset_of(r);
    if (!offset) return offset.error();
    rule.offset_x_pt = offset->first;
    rule.offset_y_pt = offset->second;
    return rule;
  }

  static Result<doc::KeywordRule> keyword_rule(const Value& r) {
    doc::KeywordRule rule;
    rule.keyword = text_of(r, "keyword");
    if (rule.keyword.empty()) return fail(code::kBadParameter, {"keyWordRule.keyword", "必传"});
    std::string order = text_of(r, "searchOrder");
    std::string index = text_of(r, "keywordIndex");
    int n = 1;
    if (!index.empty()) {
      auto parsed = integer_of(index, "keywordIndex");
      if (!parsed) return parsed.error();
      if (*parsed < 1) return fail(code::kBadParameter, {"keywordIndex", "从1开始"});
      n = *parsed;
    }
    using Kind = doc::KeywordSelection::Kind;
    if (order.empty() || order == "ASC") {
      rule.selection = {Kind::kIndex, {}, n - 1};
    } else if (order == "DESC") {
      rule.selection = {Kind::kIndex, {}, -n};
    } else if (order == "ALL") {
      rule.selection = {Kind::kAll, {}, 0};
    } else {
      return fail(code::kBadParameter, {"searchOrder", "应为DESC、ASC或ALL"});
    }
    auto move = move_of(r);
    if (!move) return move.error();
    rule.move = *move;
    auto offset = offset_of(r);
    if (!offset) return offset.error();
    constexpr double kMmPerPoint = 25.4 / 72;
    rule.offset_x_mm = offset->first * kMmPerPoint;
    rule.offset_y_mm = -offset->second * kMmPerPoint;
    return rule;
  }

  static Result<doc::CrossPageRule> across_rule(const Value& r) {
    doc::CrossPageRule rule;
    std::string position = text_of(r, "position");
    if (position == "LEFT") {
      rule.side = doc::CrossPageRule::Side::kLeft;
    } else if (position.empty() || position == "RIGHT") {
      rule.side = doc::CrossPageRule::Side::kRight;
    } else {
      return fail(code::kBadParameter, {"acrossRule.position", "应为LEFT或RIGHT"});
    }
    if (std::string p = text_of(r, "startWidthOfCutPercent"); !p.empty()) {
      if (p.ends_with("%")) p.pop_back();
      double v = 0;
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
      if (ec != std::errc() || end != p.data() + p.size() || !(v > 0 && v < 100)) {
        return fail(code::kBadParameter, {"startWidthOfCutPercent", "应在0到100之间"});
      }
      rule.first_share = v / 100;
    }
    auto y = number_of(r, "offsetYOfPageTenThousand", 5000, "offsetYOfPageTenThousand");
    if (!y) return y.error();
    if (!(*y >= 0 && *y <= 10000))
      return fail(code::kBadParameter, {"offsetYOfPageTenThousand", "应在0到10000之间"});
    rule.y_share = *y / 10000;
    std::string all = text_of(r, "signAllPages");
    if (all.empty() || all == "TRUE" || all == "true") {
      rule.sign_all_pages = true;
    } else if (all == "FALSE" || all == "false") {
      rule.sign_all_pages = false;
    } else {
      return fail(code::kBadParameter, {"signAllPages", "应为TRUE或FALSE"});
    }
    std::string end_page = text_of(r, "endPage");
    auto last = integer_of(end_page.empty() ? "-1" : end_page, "endPage");
    if (!last) return last.error();
    if (*last == 0 || *last < -1) return fail(code::kBadPage, {end_page});
    rule.last_page = *last < 0 ? -1 : *last - 1;
    // One seal across every page up to endPage.
    rule.group = 1 << 20;
    return rule;
  }

  // The organization's seals registered to this app, read once per request (a batch asks for
  // one per file).
  Result<const std::vector<service::RegisteredSeal>*> org_seals(const service::SzGrant& grant) {
    if (!org_seals_) {
      auto seals = s_.grants.seals(grant, now_);
      if (!seals) return server_error(seals.error());
      org_seals_ = std::move(*seals);
    }
    return &*org_seals_;
  }

  // The organization's usable seal of `type` for the holder's certificate.
  // The organization's usable seal of `type` that `fits`; else the refusal of the first that fits
  // but may not be used, else `none`.
  Result<service::RegisteredSeal> org_seal_for(
      const service::SzGrant& grant, int type,
      const std::function<bool(const service::RegisteredSeal&)>& fits, Error none) {
    auto seals = org_seals(grant);
    if (!seals) return seals.error();
    const service::RegisteredSeal* refused = nullptr;
    Error why = std::move(none);
    for (const auto& seal : **seals) {
      if ((type != 0 && seal.seal.info.type != type) || !seal.signer_cert || !fits(seal)) continue;
      auto s = service::check_usable(seal, caller_, now_);
      if (s) return seal;
      if (!refused) {
        refused = &seal;
        why = s.error();
      }
    }
    if (refused) return seal_refusal(why, refused);
    return why;
  }

  // The seal of `type` issued to the holder's certificate.
  Result<service::RegisteredSeal> seal_for(const service::SzGrant& grant, int type,
                                           const pki::Certificate& cert) {
    return org_seal_for(
        grant, type, [&](const auto& seal) { return seal.signer_cert->der() == cert.der(); },
        fail(code::kNoSeal, {"没有" + std::to_string(type) + "类印章"}));
  }

  // The seal of `type` whose key is on this server's crypto device.
  Result<service::RegisteredSeal> device_seal_for(const service::SzGrant& grant, int type) {
    return org_seal_for(
        grant, type, [](const auto& seal) { return service::is_device_key_id(seal.key_id); },
        fail(code::kLibrary, {"服务器密码机未配置（searchType 03）"}));
  }

  // The seal of `type` whose signer certificate has the serial number `serial` (hex, any case,
  // leading zeros or not): a USB key's.
  Result<service::RegisteredSeal> usb_key_seal_for(const service::SzGrant& grant, int type,
                                                   const std::string& serial) {
    auto normal = [](std::string hex) {
      std::transform(hex.begin(), hex.end(), hex.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      hex.erase(0, std::min(hex.find_first_not_of('0'), hex.size()));
      return hex;
    };
    std::string wanted = normal(serial);
    return org_seal_for(
        grant, type,
        [&](const auto& seal) { return normal(seal.signer_cert->serial_hex()) == wanted; },
        fail(code::kNoSeal,
             {"没有证书序列号为" + serial + "的" +
              (type == 0 ? std::string() : std::to_string(type) + "类") + "USBKey印章"}));
  }

  // GENSIGN-04: the crypto device's signature of a held digest, when its seal's key is there.
  Result<Bytes> device_signature(const service::HeldSignature& held) {
    auto seal = s_.platform.seals.find(held.seal_id, now_);
    if (!seal || !service::is_device_key_id(seal->key_id)) {
      return fail(code::kBadParameter, {"signTaskId", "signTaskId与signValue至少提供一个"});
    }
    auto signer = s_.platform.seals.signer_of(*seal);
    if (!signer) return fail(code::kLibrary, {"服务器密码机：" + signer.error().message});
    if ((*signer)->certificate().der() != held.certificate) {
      return fail(code::kBadSignValue, {"文件" + held.file_id + "的证书与密码机密钥不符"});
    }
    auto signature = (*signer)->sign_digest(held.digest);
    if (!signature) return fail(code::kLibrary, {"服务器密码机：" + signature.error().message});
    return signature;
  }

  // The organization's seals the grant's user holds now.
  Result<std::vector<service::RegisteredSeal>> held_types(const service::SzGrant& grant) {
    auto seals = org_seals(grant);
    if (!seals) return seals.error();
    auto cert = s_.grants.holder_certificate(grant);
    std::vector<service::RegisteredSeal> out;
    if (!cert) return out;
    for (const auto& seal : **seals) {
      if (seal.signer_cert && seal.signer_cert->der() == cert->der()) out.push_back(seal);
    }
    return out;
  }

  // CENTRALIZED-02's x and y: fractions of the page (0 to 1, the seal's centre from the top
  // left), or millimetres when either is larger than 1.
  Result<service::Placement> position_on_page(ByteView document, int page, double x, double y,
                                              const service::RegisteredSeal& seal) {
    if (x < 0 || y < 0) return fail(code::kBadParameter, {"x", "x和y必传且不小于0"});
    if (page < 1) return fail(code::kBadPage, {std::to_string(page)});
    if (x > 1 || y > 1) return service::Placement(doc::PositionRule{page - 1, x, y});
    auto sizes = service::page_sizes(document);
    if (!sizes) return fail(code::kDamaged, {sizes.error().message});
    if (page > static_cast<int>(sizes->size())) return fail(code::kBadPage, {std::to_string(page)});
    const doc::PageSize& size = (*sizes)[static_cast<std::size_t>(page - 1)];
    double w = seal.seal.info.picture.width_mm, h = seal.seal.info.picture.height_mm;
    double left = std::max(0.0, x * size.width_mm - w / 2);
    double top = std::max(0.0, y * size.height_mm - h / 2);
    return service::Placement(doc::PositionRule{page - 1, left, top});
  }

  // A stored file by its layoutPath ("sz/YYYY/MM/DD/<id>.pdf"); `missing` is the code when it is
  // not there (or another app's).
  Result<service::StoredFile> stored_file(const std::string& path, std::string_view missing) {
    std::size_t slash = path.rfind('/');
    std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    std::string id = name.substr(0, name.find('.'));
    bool hex = id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
               });
    if (!hex || !path.starts_with("sz/")) return fail(missing, {path});
    auto file = s_.files.find(caller_, id, now_);
    if (!file) {
      if (file.error().kind == ErrorKind::kNotFound) return fail(missing, {path});
      return server_error(file.error());
    }
    if (path != path_of(*file)) return fail(missing, {path});
    return file;
  }

  static std::string path_of(const service::StoredFile& file) {
    std::string day = format_china(file.created).substr(0, 10);  // YYYY-MM-DD
    return "sz/" + day.substr(0, 4) + "/" + day.substr(5, 2) + "/" + day.substr(8, 2) + "/" +
           file.id + (file.format == service::DocumentFormat::kOfd ? ".ofd" : ".pdf");
  }

  static void collect_files(const Value* v, std::vector<std::string_view>& out) {
    if (!v) return;
    if (v->IsString()) {
      if (v->GetStringLength() > 0) out.emplace_back(json_view(*v));
    } else if (v->IsArray()) {
      for (const Value& item : v->GetArray()) collect_files(&item, out);
    } else if (v->IsObject()) {
      // The seed's [{"0": "…"}]: each member a file.
      for (const auto& m : v->GetObject()) collect_files(&m.value, out);
    }
  }

  // The file name render::convert reads the kind from: the seed's sourceFileType words, or an
  // extension; a Word or Excel file's container decides between the old and the new format.
  Result<std::string> file_name_for(const std::string& type, ByteView bytes) {
    bool zip = bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K';
    bool rtf = bytes.size() >= 5 &&
               std::string_view(reinterpret_cast<const char*>(bytes.data()), 5) == "{\\rtf";
    static const std::map<std::string, std::string> kExtensions = {
        {"html", "html"}, {"htm", "html"},  {"txt", "txt"},   {"text", "txt"},  {"pdf", "pdf"},
        {"ofd", "ofd"},   {"png", "png"},   {"jpg", "jpg"},   {"jpeg", "jpg"},  {"bmp", "bmp"},
        {"tif", "tiff"},  {"tiff", "tiff"}, {"doc", "doc"},   {"docx", "docx"}, {"xls", "xls"},
        {"xlsx", "xlsx"}, {"ppt", "ppt"},   {"pptx", "pptx"}, {"odt", "odt"},   {"ods", "ods"},
        {"odp", "odp"},   {"rtf", "rtf"},   {"wps", "wps"},   {"csv", "csv"}};
    if (type == "word") return std::string("file.") + (zip ? "docx" : rtf ? "rtf" : "doc");
    if (type == "excel") return std::string("file.") + (zip ? "xlsx" : "xls");
    if (type == "ppt" || type == "powerpoint") return std::string("file.") + (zip ? "pptx" : "ppt");
    auto it = kExtensions.find(type);
    if (it == kExtensions.end()) return fail(code::kFileType, {type});
    return "file." + it->second;
  }

  // `bytes` (named `name`) as a PDF or OFD.
  Result<Bytes> convert(ByteView bytes, const std::string& name, const std::string& to) {
    auto kind = render::source_kind(bytes, name);
    if (!kind) return fail(code::kFileType, {kind.error().message});
    if ((*kind == render::SourceKind::kPdf && to == "pdf") ||
        (*kind == render::SourceKind::kOfd && to == "ofd")) {
      return Bytes(bytes.begin(), bytes.end());
    }
    render::ConvertOptions options;
    options.to = to == "pdf" ? render::TargetKind::kPdf : render::TargetKind::kOfd;
    options.now = now_;
    options.office = options_.office;
    options.max_picture_pixels = options_.max_picture_pixels;
    options.max_document_pixels = options_.max_document_pixels;
    if (*kind == render::SourceKind::kOffice && !options_.office) {
      return fail(code::kConversion, {"本服务未配置办公文档转换"});
    }
    auto converted = render::convert(bytes, name, options);
    if (!converted && converted.error().code == render::kConversionBusy) {
      return fail(code::kRejected, {"文档转换繁忙，请稍后重试：" + converted.error().message});
    }
    if (!converted && converted.error().code == kLimitExceeded) {
      return fail(code::kTooLarge, {converted.error().message});
    }
    if (!converted) {
      std::string_view c = to == "pdf" ? code::kPdfConversion : code::kOfdConversion;
      if (converted.error().kind != ErrorKind::kInvalidInput) c = code::kConversion;
      return fail(c, {converted.error().message});
    }
    return std::move(converted->files.front());
  }

  static std::string unit_of(const pki::DistinguishedName& dn) {
    std::string o = dn.get("O");
    return o.empty() ? dn.get("CN") : o;
  }

  Value verify_item(const service::SignatureSummary& s, Data::AllocatorType& a) {
    Value r(rapidjson::kObjectType);
    auto cert = pki::Certificate::from_der(s.signer_certificate);
    std::string maker_unit, org_code, owner, type;
    if (!s.seal_maker_certificate.empty()) {
      if (auto maker = pki::Certificate::from_der(s.seal_maker_certificate); maker) {
        maker_unit = unit_of(maker->subject());
      }
    }
    if (!s.seal_id.empty()) {
      if (auto seal = s_.platform.seals.find(s.seal_id, now_); seal) {
        org_code = seal->organization_code;
        owner = seal->organization_name;
      }
    }
    if (owner.empty() && cert) owner = unit_of(cert->subject());
    put(r, a, "status", s.valid() ? "true" : "false");
    put(r, a, "issuerSealUnit", maker_unit);
    put(r, a, "sealUnit", owner);
    put(r, a, "organizationCode", org_code);
    put(r, a, "sealType", s.seal_type ? std::to_string(s.seal_type) : "");
    put(r, a, "sealName", s.seal_name);
    put(r, a, "sealCode", s.seal_id);
    put(r, a, "sealImg", crypto::to_base64(s.picture));
    put(r, a, "sealDate", s.signing_time ? format_china(*s.signing_time) : "");
    put(r, a, "version", s.seal_version);
    put(r, a, "serialNumber", cert ? crypto::to_hex(cert->serial()) : "");
    put(r, a, "sigAlg", "SM2");
    put(r, a, "issuerDN", cert ? cert->issuer().to_string() : "");
    put(r, a, "subjectDN", cert ? cert->subject().to_string() : "");
    put(r, a, "notBefore", cert ? format_china(cert->not_before()) : "");
    put(r, a, "notAfter", cert ? format_china(cert->not_after()) : "");
    put(r, a, "sealNotBefore", s.seal_valid_start ? format_china(*s.seal_valid_start) : "");
    put(r, a, "sealNotAfter", s.seal_valid_end ? format_china(*s.seal_valid_end) : "");
    // eseal's own: the verdict, why, the kind and the proven time.
    put(r, a, "verdict", ses::indication_name(s.outcome().indication));
    std::string findings;
    for (const auto& f : s.outcome().findings) findings += (findings.empty() ? "" : "；") + f;
    put(r, a, "info", findings);
    put(r, a, "type", s.kind);
    put(r, a, "timeStamp", s.time_stamp ? format_china(*s.time_stamp) : "");
    put(r, a, "timeStampAuthority", s.time_stamp_authority);
    return r;
  }

  // The code of a verified document: success only when everything holds; else the first
  // problem's most specific code.
  static std::string_view verification_code(const service::VerifySummary& summary) {
    if (summary.valid()) return code::kSuccess;
    for (const auto& s : summary.signatures) {
      for (const auto& check : s.verdict.checks) {
        if (check.result == ses::CheckResult::kPassed || check.result == ses::CheckResult::kSkipped)
          continue;
        if (check.name.starts_with("time-stamp")) return code::kTimeStamp;
        if (check.name.ends_with("maker-chain") || check.name.ends_with("maker-certificate"))
          return code::kUntrustedMaker;
        if (check.name == "signer-chain") return code::kRootCertificate;
        if (check.name == "seal.validity") return code::kExpired;
      }
    }
    return code::kVerifyFailed;
  }

  Data scratch_;  // values made while answering (a one-file batch from the top level)
  std::optional<std::vector<service::RegisteredSeal>> org_seals_;
  const Services& s_;
  const Options& options_;
  const service::Caller& caller_;
  const Value& content_;
  Time now_;
  std::string public_url_;
  std::string verification_url_;
  std::string request_digest_;  // the request's identity for retries (request_digest)
  std::string_view verdict_code_ = code::kSuccess;
};

using Function = std::function<Answer(Call&)>;

// Table 1's functions, in its order.
const std::vector<std::pair<std::string, Function>>& functions() {
  static const std::vector<std::pair<std::string, Function>> table = {
      {"genGetSealInfoList", [](Call& c) { return c.seal_list(); }},
      {"genFormatFile", [](Call& c) { return c.format_file(); }},
      {"genGetLoginQRCode", [](Call& c) { return c.login_qr_code(); }},
      {"genGetScanStatusById", [](Call& c) { return c.scan_status(); }},
      {"genGetTaskResult", [](Call& c) { return c.task_result(); }},
      {"genCalculateFileHash", [](Call& c) { return c.calculate_file_hash(); }},
      {"genDetachedFile", [](Call& c) { return c.detached_file(); }},
      {"genFileVerify", [](Call& c) { return c.file_verify(); }},
      {"genRecognizeRegionalsSeal", [](Call& c) { return c.recognize_seal(); }},
      {"genFileUplode", [](Call& c) { return c.file_upload(); }},
      {"genCentralizedSignature", [](Call& c) { return c.centralized_signature(); }},
      {"genFileDownload", [](Call& c) { return c.file_download(); }},
  };
  return table;
}

// Caller-supplied text quoted in an answer or the audit log, cut to a sensible length.
std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 64;
  return valid_utf8(text.substr(0, kShown)) + (text.size() > kShown ? "…" : "");
}

// The functions whose retry may be done again when their answer was too large to keep: those
// that only read, and genDetachedFile, whose files complete once (HeldSignatures::complete) and
// are archived once under their request key. The others' answers are small, and kept.
bool redo_safe(std::string_view function) {
  static const std::set<std::string_view> kSafe = {
      "genGetSealInfoList", "genFormatFile", "genGetScanStatusById",      "genGetTaskResult",
      "genDetachedFile",    "genFileVerify", "genRecognizeRegionalsSeal", "genFileDownload"};
  return kSafe.contains(function);
}

// An answer as kept with its reqId: its code, message and data, unencrypted; answered again
// with the keys and a new IV.
std::string kept_text(std::string_view code, std::string_view msg, std::string_view data) {
  JsonObjectText out(data.size() + 128);
  out.put("code", code);
  out.put("msg", msg);
  out.put_json("data", data);
  return std::move(out).finish();
}

// The code and the response of a kept answer.
Result<std::pair<std::string, std::string>> kept_response(std::string_view req_id,
                                                          std::string_view kept, const Keys& keys) {
  auto parsed = parse_json(kept, {.max_depth = 64});
  const Value* code = parsed ? member(*parsed.document, "code") : nullptr;
  const Value* msg = parsed ? member(*parsed.document, "msg") : nullptr;
  const Value* data = parsed ? member(*parsed.document, "data") : nullptr;
  if (!code || !code->IsString() || !msg || !msg->IsString() || !data) {
    return Error::internal("a kept answer is not one: " +
                           (parsed ? std::string(kept.substr(0, 64)) : describe(parsed.error)));
  }
  std::string body = response(req_id, json_view(*code), json_view(*msg), keys, data);
  return std::pair{std::string(json_view(*code)), std::move(body)};
}

// A refusal of the envelope: its code and message, and a short fixed reason for the audit log.
struct Refusal {
  Error error;
  std::string reason;
};

}  // namespace

std::string request_digest(std::string_view function, std::string_view bsign) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSm3);
  hasher.update(as_bytes(function));
  hasher.update(as_bytes(std::string_view("\0", 1)));
  hasher.update(as_bytes(bsign));
  return crypto::to_hex(hasher.finish());
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, run] : functions()) out.push_back(name);
    return out;
  }();
  return names;
}

Options options_from(const api::Config& config) {
  auto size = [](std::int64_t v) { return static_cast<std::size_t>(v); };
  Options o;
  o.replay_window = std::chrono::seconds(config.sz.replay_window_s);
  o.task_lifetime = std::chrono::minutes(config.sz.task_minutes);
  o.held_lifetime = std::chrono::hours(config.sz.held_hours);
  o.file_lifetime = std::chrono::hours(config.sz.file_hours);
  o.max_batch = size(config.sz.batch_files);
  o.max_file_size = size(config.limits.file_mib) << 20;
  o.max_picture_pixels = static_cast<std::uint64_t>(config.limits.picture_mpixels) * 1'000'000;
  o.max_document_pixels = static_cast<std::uint64_t>(config.limits.render_mpixels) * 1'000'000;
  o.json = json_limits(config);
  o.public_url = config.coss.public_url;
  o.verification_url = config.console.public_url;
  while (!o.public_url.empty() && o.public_url.back() == '/') o.public_url.pop_back();
  return o;
}

std::uint64_t body_limit(const Options& options) {
  // base64 of the files, then the encrypted content's base64 of that; below 2 GiB whatever the
  // configuration, for the JSON parser's string lengths.
  std::uint64_t files = std::uint64_t{options.max_batch} * ((options.max_file_size + 2) / 3 * 4);
  std::uint64_t limit = (files + 2) / 3 * 4 + 64 + (std::uint64_t{2} << 20);
  return std::min<std::uint64_t>(limit, (std::uint64_t{1} << 31) - 1);
}

Outcome Adapter::handle(std::string_view function, std::string body, Time now,
                        std::string_view public_url) {
  Outcome out;
  std::string req_id;
  Keys keys;  // the app's, once known: refusals after that are signed (and encrypted) too
  auto answer = [&](const Error& e) {
    out.code = e.code.empty() ? std::string(code::kUnknown) : e.code;
    std::string msg = e.kind == ErrorKind::kInternal ? message(code::kServer) : e.message;
    if (e.kind == ErrorKind::kInternal) out.code = code::kServer;
    out.body = response(req_id, out.code, msg, keys);
    return out;
  };
  // Refusals of the envelope are audited under the app they name when it exists, else under
  // "app:-", so that made-up keys cannot multiply the rows.
  auto refuse = [&](const Refusal& r, const std::string& actor) {
    if (auto s = services_.platform.audit.refusal(actor, shown(function), r.reason, r.error.message,
                                                  now);
        !s) {
      return answer(server_error(s.error()));
    }
    return answer(r.error);
  };
  auto entry = std::find_if(functions().begin(), functions().end(),
                            [&](const auto& f) { return f.first == function; });
  auto request = parse_request(body, options_.json, &req_id);
  if (!request) return refuse({request.error(), "malformed"}, "app:-");
  if (entry == functions().end()) {
    return refuse({fail(code::kMethod, {shown(function)}), "function"}, "app:-");
  }

  // The app: by appKey, or in the clear by the content's systemID.
  std::unique_ptr<rapidjson::Document> content;
  Result<service::SzCredentials> app = Error::not_found("");
  if (!request->app_key.empty()) {
    // appKeys are issued in lower-case hex; a client may print them in capitals.
    std::string key = request->app_key;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    app = services_.platform.credentials.sz(key);
    if (!app && app.error().kind != ErrorKind::kNotFound) return answer(server_error(app.error()));
    if (!app) {
      return refuse(
          {fail(code::kUnauthorized, {"appKey未登记：" + shown(request->app_key)}), "unknown-app"},
          "app:-");
    }
  } else {
    auto plain = open_content(*request, {}, options_.json);
    if (!plain) return refuse({plain.error(), "malformed"}, "app:-");
    std::string system = text_of(**plain, "systemID");
    if (system.empty()) {
      return refuse({fail(code::kUnauthorized, {"appKey为空时content须含systemID"}), "unknown-app"},
                    "app:-");
    }
    app = services_.platform.credentials.sz_by_system(system);
    if (!app && app.error().kind != ErrorKind::kNotFound) return answer(server_error(app.error()));
    if (!app) {
      return refuse(
          {fail(code::kUnauthorized, {"systemID未登记：" + shown(system)}), "unknown-app"},
          "app:-");
    }
    content = std::move(*plain);
  }
  std::string actor = app->caller.actor();
  out.app = app->caller.name;
  if (!app->enabled)
    return refuse({fail(code::kUnauthorized, {"应用已停用"}), "disabled-app"}, actor);
  if (!bsign_matches(app->mac_key, *request)) {
    return refuse({fail(code::kRejected, {"bsign校验失败"}), "bsign"}, actor);
  }
  // Authenticated: from here on answers are signed, and encrypted when the request was.
  keys = {request->app_key, app->sm4_key, app->mac_key};
  if (!content) {
    auto opened = open_content(*request, app->sm4_key, options_.json);
    if (!opened) return refuse({opened.error(), "content"}, actor);
    content = std::move(*opened);
  }
  if (std::string system = text_of(*content, "systemID");
      !system.empty() && system != app->caller.name) {
    return refuse({fail(code::kUnauthorized, {"systemID与appKey不符"}), "system-id"}, actor);
  }
  if (!app->caller.allows(entry->first)) {
    return refuse({fail(code::kUnauthorized, {"应用无权调用" + entry->first}), "scope"}, actor);
  }
  // A request is known by its reqId; one resent as it was (the same bsign over reqId and
  // content) is a retry, answered as the first one was (service/retries.h).
  std::string nonce = "sz:" + request->req_id;
  std::string digest = request_digest(entry->first, request->bsign);
  auto recalled = service::recall(services_.platform.credentials, app->caller, nonce, digest, now,
                                  redo_safe(entry->first));
  if (!recalled) return answer(server_error(recalled.error()));
  if (recalled->seen == service::Seen::kReplay)
    return refuse({fail(code::kRejected, {"reqId重复（重放）"}), "replay"}, actor);
  // An answer kept with the reqId, sent again under this call's audit row.
  auto answer_kept = [&](const std::string& kept_answer, const std::string& outcome) {
    auto kept = kept_response(request->req_id, kept_answer, keys);
    if (!kept) return answer(server_error(kept.error()));
    if (auto s =
            services_.platform.audit.append(actor, entry->first, request->req_id, outcome, now);
        !s) {
      return answer(server_error(s.error()));
    }
    out.code = kept->first;
    out.body = std::move(kept->second);
    return out;
  };
  if (recalled->seen == service::Seen::kRetry)
    return answer_kept(recalled->answer, "retry: answered as before");

  Call call(services_, options_, app->caller, *content, now,
            options_.public_url.empty() ? std::string(public_url) : options_.public_url,
            options_.verification_url.empty() ? std::string(public_url) : options_.verification_url,
            digest);
  Answer result = entry->second(call);
  std::string outcome =
      result ? std::string(call.verdict_code()) + " " + std::string(message_of(call.verdict_code()))
             : (result.error().code.empty() ? std::string(code::kUnknown) : result.error().code) +
                   " " + result.error().message;
  // The answer as it will be sent; a failure of the server's own is not kept, so that a retry
  // is done again.
  bool server_failed = !result && (result.error().kind == ErrorKind::kInternal ||
                                   result.error().code == code::kServer);
  out.code =
      result ? std::string(call.verdict_code())
             : (result.error().code.empty() ? std::string(code::kUnknown) : result.error().code);
  std::string msg = result ? message(call.verdict_code()) : result.error().message;
  std::string data = result ? data_text(&*result) : "{}";
  // Every call an app was allowed to make is in the audit log; one whose row cannot be written is
  // not answered as a success. The reqId is remembered in the same commit.
  if (server_failed || recalled->seen == service::Seen::kRedo) {
    if (auto s = services_.platform.audit.append(
            actor, entry->first, request->req_id,
            recalled->seen == service::Seen::kRedo ? outcome + " (retry, done again)" : outcome,
            now);
        !s) {
      return answer(server_error(s.error()));
    }
  } else {
    auto fresh = services_.platform.audit.append_with_nonce(
        app->caller, nonce, now + options_.replay_window, entry->first, request->req_id, outcome,
        now, {},
        service::kept_request(digest, data.size() <= service::kKeptAnswerLimit
                                          ? kept_text(out.code, msg, data)
                                          : std::string()));
    if (!fresh) return answer(server_error(fresh.error()));
    if (!*fresh) {
      // The same reqId was answered meanwhile, on this node or another: a retry racing this one
      // gets the answer kept first (or its own, when none was kept); another request under it
      // is a replay. Either way the call's work is in the audit log.
      auto first =
          service::recall(services_.platform.credentials, app->caller, nonce, digest, now, true);
      if (!first) return answer(server_error(first.error()));
      if (first->seen == service::Seen::kRetry)
        return answer_kept(first->answer, outcome + " (raced a retry: answered as it was)");
      if (auto s = services_.platform.audit.append(
              actor, entry->first, request->req_id,
              outcome + (first->seen == service::Seen::kReplay ? " (raced another request)"
                                                               : " (raced a retry)"),
              now);
          !s) {
        return answer(server_error(s.error()));
      }
      if (first->seen == service::Seen::kReplay)
        return refuse({fail(code::kRejected, {"reqId重复（重放）"}), "replay"}, actor);
    }
  }
  if (!result) return answer(result.error());
  out.body = response_text(req_id, out.code, msg, keys, data);
  return out;
}

}  // namespace eseal::api::sz
