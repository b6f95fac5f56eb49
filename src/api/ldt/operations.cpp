#include "api/ldt/operations.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include "api/json_text.h"
#include "api/ldt/content.h"
#include "api/ldt/envelope.h"
#include "api/ldt/filing.h"
#include "api/ldt/wording.h"
#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "image/seal_picture.h"
#include "service/verification.h"

namespace eseal::api::ldt {
namespace {

using rapidjson::Value;
using Content = rapidjson::Document;

// The operation's answer: its message_content, or an errorInfo.
using Answer = Result<Content>;

// A length in mm; "10", "10.5", "10mm" or "28pt"; finite (from_chars reads "nan" and "inf").
Result<double> millimetres(const std::string& text, const char* key) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  std::string_view unit(end, text.data() + text.size() - end);
  if (ec != std::errc() || !std::isfinite(v) || (unit != "" && unit != "mm" && unit != "pt"))
    return refused(std::string("参数") + key + "不是长度：" + text);
  return unit == "pt" ? v * 25.4 / 72 : v;
}

Result<int> whole_number(const std::string& text, const char* key) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return refused(std::string("参数") + key + "不是整数：" + text);
  return v;
}

// A position rule from an entry's page (1-based) and top-left corner fields, each field under
// either of its names.
Result<service::Placement> position_of(const Value& item,
                                       std::initializer_list<const char*> page_keys,
                                       std::initializer_list<const char*> x_keys,
                                       std::initializer_list<const char*> y_keys) {
  auto page = required(item, page_keys);
  if (!page) return page.error();
  auto n = whole_number(*page, *page_keys.begin());
  if (!n) return n.error();
  auto x = required(item, x_keys);
  if (!x) return x.error();
  auto xm = millimetres(*x, *x_keys.begin());
  if (!xm) return xm.error();
  auto y = required(item, y_keys);
  if (!y) return y.error();
  auto ym = millimetres(*y, *y_keys.begin());
  if (!ym) return ym.error();
  return service::Placement(doc::PositionRule{*n - 1, *xm, *ym});
}

// One request being answered.
class Call {
 public:
  Call(const service::Platform& platform, const Options& options, const service::Caller& caller,
       const Value& content, Time now, std::string public_url)
      : platform_(platform),
        options_(options),
        caller_(caller),
        content_(content),
        now_(now),
        public_url_(std::move(public_url)) {}

  // BIZNUM, or PBIZNUM as appendix A example 22 spells it; both at once are refused.
  Status read_biznum() {
    auto biznum = either(content_, {"BIZNUM", "PBIZNUM"});
    if (!biznum) return biznum.error();
    biznum_ = std::move(*biznum);
    return ok_status();
  }

  const std::string& biznum() const { return biznum_; }

  // Makes the call idempotent: the document it records is kept under `key`, and a retry whose
  // key an earlier call took is answered with that call's document.
  void set_request_key(std::string key) { request_key_ = std::move(key); }
  // The id of the earlier document this call answered with, when it was a retry.
  const std::string& retry_of() const { return retry_of_; }

  // The earlier call's document when one with this call's request key was recorded; nullopt
  // otherwise (and always without a request key).
  Result<std::optional<Answer>> earlier_answer() {
    if (request_key_.empty()) return std::optional<Answer>();
    auto kept = platform_.documents.answered(caller_, request_key_);
    if (!kept) return kept.error();
    if (!*kept) return std::optional<Answer>();
    retry_of_ = (*kept)->id;
    biznum_ = (*kept)->biznum;
    code_.code = (*kept)->verification_code;
    return std::optional<Answer>(document_content((*kept)->document));
  }

  Answer apply_seal() {
    auto fields = required_fields(content_, {"sealName", "templateName", "certDN"});
    if (!fields) return fields.error();
    const std::string& name = (*fields)[0];
    const std::string& template_name = (*fields)[1];
    const std::string& dn = (*fields)[2];
    Bytes photo;
    if (std::string p = text_of(content_, "photoData"); !p.empty()) {
      auto decoded = crypto::from_base64(p);
      if (!decoded) return refused("photoData不是base64编码");
      photo = std::move(*decoded);
    }
    service::SealDesign design;
    design.name = name;
    design.picture = std::move(photo);
    // templateName is the platform's name for a picture template; one eseal does not draw is
    // drawn as the type's own.
    if (design.picture.empty() && image::parse_template(template_name))
      design.template_name = template_name;
    auto seal = platform_.seals.make_and_register(caller_, std::move(design), dn, now_);
    if (!seal) return refused(seal_refusal(seal.error(), dn));
    return string_content({{"sealId", seal->id}});
  }

  Answer get_seal() {
    auto seal = seal_by_dn();
    if (!seal) return seal.error();
    return string_content({{"Seal", crypto::to_base64(seal->seal.encoded)}});
  }

  Answer get_seal_status() {
    auto seal = seal_by_dn();
    if (!seal) return seal.error();
    bool usable = static_cast<bool>(service::check_usable(*seal, caller_, now_));
    return string_content({{"SealStatus", usable ? "1" : "0"}});
  }

  Answer verify(bool licence) {
    auto document = data();
    if (!document) return document.error();
    auto summary = service::verify(*document, platform_.trust.trust(), now_);
    if (!summary) return refused(document_refusal(summary.error()));
    bool single = licence && text_of(content_, "isSingle") != "false";
    Content c;
    c.SetObject();
    auto& a = c.GetAllocator();
    Value results(rapidjson::kArrayType);
    for (const auto& s : summary->signatures) {
      if (single && s.valid()) continue;
      Value r(rapidjson::kObjectType);
      auto put = [&](const char* key, const std::string& v) {
        r.AddMember(Value(key, a), Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a),
                    a);
      };
      put("status", s.valid() ? "true" : "false");
      put("verdict", std::string(ses::indication_name(s.outcome().indication)));
      put("info", verification_info(s));
      put("certDN", s.signer);
      put("sealId", s.seal_id);
      put("sealName", s.seal_name);
      put("type", s.kind);
      // eseal's own fields: the genTime a valid time stamp proves and its TSA ("" without).
      put("timeStamp", s.time_stamp ? format_utc(*s.time_stamp) : "");
      put("timeStampAuthority", s.time_stamp_authority);
      results.PushBack(r, a);
      if (single) break;
    }
    c.AddMember("verifySealResults", results, a);
    if (!summary->valid()) {
      valid_document_ = false;
      invalid_reason_ = ldt::invalid_reason(*summary);
    }
    return c;
  }

  Answer position_sign() {
    return sign_each(
        [](const Value& item) { return position_of(item, {"pageNum"}, {"zx"}, {"zy"}); });
  }

  Answer keyword_sign() {
    return sign_each([&](const Value& item) -> Result<service::Placement> {
      auto keyword = required(item, "keyword");
      if (!keyword) return keyword.error();
      std::string model = text_of(item, "keywordModel");
      auto selection =
          doc::parse_keyword_selection(model.empty() ? "1" : model, options_.max_list_items);
      if (!selection) {
        return refused(selection.error().message.starts_with("keyword pages: more than")
                           ? "keywordModel的页码超过" + std::to_string(options_.max_list_items) +
                                 "项"
                           : "keywordModel不正确：" + model);
      }
      return service::Placement(doc::KeywordRule{*keyword, *selection});
    });
  }

  Answer paging_sign() {
    return sign_each([&](const Value& item) -> Result<service::Placement> {
      doc::CrossPageRule rule;
      if (std::string page = text_of(item, "page"); !page.empty()) {
        auto n = whole_number(page, "page");
        if (!n) return n.error();
        if (*n < 2) return refused("骑缝页数至少为2");
        rule.group = *n;
      }
      if (std::string y = text_of(item, "y"); !y.empty()) {
        auto v = millimetres(y, "y");
        if (!v) return v.error();
        rule.y_mm = *v;
      }
      return service::Placement(rule);
    });
  }

  Answer lock_sign() {
    auto document = ofd_data();
    if (!document) return document.error();
    std::string dn = text_of(content_, "certDN");
    auto signer = platform_.seals.lock_signer(dn.empty() ? std::nullopt : std::optional(dn), now_);
    if (!signer) return refused("没有可用的锁定签名证书" + (dn.empty() ? "" : "：" + dn));
    return lock(*document, **signer, "lockSign");
  }

  Answer del_lock_sign() {
    auto document = ofd_data();
    if (!document) return document.error();
    auto unlocked = service::remove_lock(*document, now_);
    if (!unlocked) return refused(document_refusal(unlocked.error()));
    return signed_document(*unlocked, "delLockSign");
  }

  Answer sign_and_lock() {
    auto list = sign_list();
    if (!list) return list.error();
    // The entry marked ismain=1 chooses the lock's certificate; without one, the last entry.
    std::size_t main_entry = (*list)->Size() - 1;
    for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
      if (text_of((**list)[i], "ismain") == "1") main_entry = i;
    }
    std::shared_ptr<keys::Signer> lock_signer;
    std::size_t index = 0;
    // Appendix A example 25 sends zx/zy, as positionSealSign does; the table says x/y.
    auto stamped = sign_each(
        [](const Value& item) {
          return position_of(item, {"page"}, {"x", "zx"}, {"y", "zy"});
        },
        [&](const std::shared_ptr<keys::Signer>& signer) {
          if (index++ == main_entry) lock_signer = signer;
        },
        /*ofd_only=*/true);
    if (!stamped) return stamped.error();
    return lock(last_document_, *lock_signer, "signAndLockSign");
  }

  Answer watermark_and_lock() {
    auto document = ofd_data();
    if (!document) return document.error();
    auto fields = required_fields(content_, {"copyCreator", "copyCause", "year"});
    if (!fields) return fields.error();
    const std::string& creator = (*fields)[0];
    const std::string& cause = (*fields)[1];
    auto years = whole_number((*fields)[2], "year");
    if (!years) return years.error();
    auto signer = platform_.seals.lock_signer(std::nullopt, now_);
    if (!signer) return refused("没有可用的锁定签名证书");
    auto copy = service::sign(service::prepare_certified_copy(*document, {creator, cause, *years},
                                                              (*signer)->certificate(), now_),
                              **signer, stamper());
    if (!copy) return refused(document_refusal(copy.error()));
    return signed_document(*copy, "watermarkAndLockSign");
  }

  bool valid_document() const { return valid_document_; }
  const std::string& invalid_reason() const { return invalid_reason_; }

 private:
  Result<service::RegisteredSeal> seal_by_dn() {
    auto dn = required(content_, "certDN");
    if (!dn) return dn.error();
    auto seal = platform_.seals.find_by_signer(*dn, caller_, now_);
    if (!seal) return refused(seal_refusal(seal.error(), *dn));
    if (!seal->owner_app_id.empty() && seal->owner_app_id != caller_.app_id)
      return refused("应用无权使用该印章：" + seal->id);
    return seal;
  }

  // The time stamps of this call's signatures ([signing] time_stamp), asked for as its caller.
  doc::TimeStamper stamper() const { return options_.signing.stamper(caller_.actor(), now_); }

  // The licence lock signature by `signer` on `document`, recorded as `operation`.
  Answer lock(ByteView document, keys::Signer& signer, const std::string& operation) {
    auto locked = service::sign(service::prepare_lock(document, signer.certificate(), now_), signer,
                                stamper());
    if (!locked) return refused(document_refusal(locked.error()));
    return signed_document(*locked, operation);
  }

  Result<Bytes> data() {
    // Read in place: `data` is the one large value, decoded once without a copy of its text.
    auto member = content_.FindMember("data");
    if (member == content_.MemberEnd() || !member->value.IsString() ||
        member->value.GetStringLength() == 0)
      return refused("缺少参数data");
    std::string_view text(member->value.GetString(), member->value.GetStringLength());
    if (text.size() / 4 * 3 > options_.max_file_size + 3)
      return refused("文件超过大小限制（" + std::to_string(options_.max_file_size >> 20) +
                     " MiB）");
    auto bytes = crypto::from_base64(text);
    if (!bytes) return refused("data不是base64编码");
    auto format = service::detect_format(*bytes);
    if (!format) {
      return refused(format.error().message == service::kNotPdfOrOfd ? "文件不是PDF或OFD格式"
                                                                     : format.error().message);
    }
    format_ = *format;
    return bytes;
  }

  Result<Bytes> ofd_data() {
    auto document = data();
    if (!document) return document;
    if (format_ != service::DocumentFormat::kOfd) return refused("该接口只支持OFD文件");
    return document;
  }

  Result<const Value*> sign_list() const {
    auto it = content_.FindMember("signList");
    if (it == content_.MemberEnd() || !it->value.IsArray() || it->value.Empty())
      return refused("缺少参数signList");
    if (it->value.Size() > options_.max_signatures)
      return refused("signList超过" + std::to_string(options_.max_signatures) + "项");
    return &it->value;
  }

  // The seal an entry names and its signer, by the registry's one usable-seal rule.
  Result<service::SealInUse> usable_seal(const Value& item) {
    auto id = required(item, "sealId");
    if (!id) return id.error();
    auto seal = platform_.seals.find(*id, now_);
    if (!seal) return refused(seal_refusal(seal.error(), *id));
    if (auto s = service::check_usable(*seal, caller_, now_); !s)
      return refused(seal_refusal(s.error(), *id, &*seal));
    auto signer = platform_.seals.signer_of(*seal);
    if (!signer) return refused(seal_refusal(signer.error(), *id));
    return service::SealInUse{std::move(*seal), std::move(*signer)};
  }

  // Each signList entry is one signature, in order, on the document the previous one made.
  Answer sign_each(const std::function<Result<service::Placement>(const Value&)>& placement,
                   const std::function<void(const std::shared_ptr<keys::Signer>&)>& used = {},
                   bool ofd_only = false) {
    auto list = sign_list();
    if (!list) return list.error();
    auto document = ofd_only ? ofd_data() : data();
    if (!document) return document.error();
    Bytes current = std::move(*document);
    crypto::HashedPrefix current_prefix;  // SM3 over current's first bytes, from its signing
    auto with_code = verification_code_wanted();
    if (!with_code) return with_code.error();
    for (const Value& item : (*list)->GetArray()) {
      auto rule = placement(item);
      if (!rule) return rule.error();
      auto in_use = usable_seal(item);
      if (!in_use) return in_use.error();
      const service::SigningSettings& settings = options_.signing;
      // reason and location are eseal's own optional fields, for a PDF's /Reason and /Location.
      service::SealSignature request{{std::move(*rule)},
                                     &in_use->seal.seal,
                                     settings.pdf_format,
                                     text_of(item, "reason"),
                                     text_of(item, "location")};
      // eseal's own verifyCode: a verification code printed with the first signature.
      if (*with_code && code_.code.empty()) {
        auto code = service::new_verification_code(public_url_);
        if (!code) return refused(internal_error(code.error()));
        code_ = std::move(*code);
        request.code = service::VerificationCode{code_.url};
      }
      auto stamped =
          service::sign(service::prepare_seal(current, request, in_use->signer->certificate(), now_,
                                              settings.limits),
                        *in_use->signer, stamper(), &current_prefix);
      if (!stamped) return refused(document_refusal(stamped.error()));
      current = std::move(*stamped);
      if (used) used(in_use->signer);
    }
    if (ofd_only) {
      last_document_ = std::move(current);
      return Content();
    }
    return signed_document(current, "sign", current_prefix);
  }

  Answer signed_document(ByteView document, const std::string& operation,
                         const crypto::HashedPrefix& sm3_prefix = {}) {
    if (biznum_.empty()) {
      auto random = crypto::random_bytes(8);
      if (!random) return random.error();
      std::string stamp = format_utc(now_);
      std::string digits;
      for (char ch : stamp) {
        if (ch >= '0' && ch <= '9') digits += ch;
      }
      biznum_ = "BIZ" + digits + crypto::to_hex(*random);
    }
    if (auto s = platform_.documents.record(caller_, biznum_, document, operation, now_, code_.code,
                                            request_key_, sm3_prefix);
        !s) {
      if (s.error().code != service::kRequestAnswered) return refused(internal_error(s.error()));
      // A retry of this request was answered first, on this node or another: answer as it did.
      auto earlier = earlier_answer();
      if (!earlier) return refused(internal_error(earlier.error()));
      if (!*earlier) return refused(internal_error(s.error()));
      return std::move(**earlier);
    }
    return document_content(document);
  }

  // signedData, BIZNUM and verifyCode (when one was printed) of a recorded document. The
  // document's base64 is kept by the call and referred to by the content, not copied into it:
  // the envelope is written from it while the call lives.
  Answer document_content(ByteView document) {
    const std::string& data = signed_data_.emplace_back(crypto::to_base64(document));
    Content c;
    c.SetObject();
    auto& a = c.GetAllocator();
    c.AddMember("signedData", Value(rapidjson::StringRef(data.data(), data.size())), a);
    put(c, a, "BIZNUM", biznum_);
    if (!code_.code.empty()) put(c, a, "verifyCode", code_.code);
    return c;
  }

  // verifyCode "1" (or true): print a verification code with the document's first signature;
  // "0", false or absent: none.
  Result<bool> verification_code_wanted() const {
    auto it = content_.FindMember("verifyCode");
    if (it == content_.MemberEnd() || it->value.IsNull()) return false;
    if (it->value.IsBool()) return it->value.GetBool();
    if (it->value.IsString()) {
      std::string_view v(it->value.GetString(), it->value.GetStringLength());
      if (v == "1" || v == "0" || v.empty()) return v == "1";
    }
    if (it->value.IsInt() && (it->value.GetInt() == 0 || it->value.GetInt() == 1))
      return it->value.GetInt() == 1;
    return refused("verifyCode应为0或1");
  }

  const service::Platform& platform_;
  const Options& options_;
  const service::Caller& caller_;
  const Value& content_;
  Time now_;
  std::string public_url_;
  service::NewVerificationCode code_;
  std::string biznum_;
  std::string request_key_;
  std::string retry_of_;
  Bytes last_document_;
  std::deque<std::string> signed_data_;  // what document_content's answers refer to
  service::DocumentFormat format_ = service::DocumentFormat::kPdf;  // of the data read
  bool valid_document_ = true;
  std::string invalid_reason_;
};

using Operation = std::function<Answer(Call&)>;

const std::map<std::string, Operation>& operations() {
  static const std::map<std::string, Operation> table = {
      {"applySeal", [](Call& c) { return c.apply_seal(); }},
      {"getSeal", [](Call& c) { return c.get_seal(); }},
      {"getSealStatus", [](Call& c) { return c.get_seal_status(); }},
      {"verifyFile", [](Call& c) { return c.verify(false); }},
      {"positionSealSign", [](Call& c) { return c.position_sign(); }},
      {"keyWordSealSign", [](Call& c) { return c.keyword_sign(); }},
      {"pagingSealSign", [](Call& c) { return c.paging_sign(); }},
      {"lockSign", [](Call& c) { return c.lock_sign(); }},
      {"delLockSign", [](Call& c) { return c.del_lock_sign(); }},
      {"signAndLockSign", [](Call& c) { return c.sign_and_lock(); }},
      {"verifyEleSign", [](Call& c) { return c.verify(true); }},
      {"watermarkAndLockSign", [](Call& c) { return c.watermark_and_lock(); }},
  };
  return table;
}

// A refusal: its errorInfo, and a short fixed reason for the audit log.
struct Refusal {
  std::string info;
  std::string reason;
};

// Caller-supplied text quoted in an errorInfo or the audit log, cut to a sensible length.
std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 64;
  return valid_utf8(text.substr(0, kShown)) + (text.size() > kShown ? "…" : "");
}

// The operations that sign or unlock a document and keep it.
bool makes_document(const std::string& operation) {
  static const std::set<std::string> kMaking = {
      "positionSealSign", "keyWordSealSign", "pagingSealSign",      "lockSign",
      "delLockSign",      "signAndLockSign", "watermarkAndLockSign"};
  return kMaking.contains(operation);
}

// The operations that only read: they commit once, at the end, their random with their audit row
// (AuditLog::append_with_nonce).
bool only_reads(const std::string& operation) {
  static const std::set<std::string> kReading = {
      "getSeal",       "getSealStatus",        "verifyFile",
      "verifyEleSign", "DB.seal.status.query", "DB.seal.deactive.list.query"};
  return kReading.contains(operation);
}

const Refusal kReplay{"random重复，请求被拒绝（重放）", "replay"};

// The identity of a request for idempotent retries: SM3 over the operation and the SM2 digest
// its `sign` verified (verify_sign: SM3 of the app key's Z and the canonical string of the
// content, which holds the BIZNUM, the document and every placement); the header's random, ctime
// and sign are left out, as they change on every retry. A retry is signed with the same key.
std::string request_key(const std::string& operation, ByteView content_digest) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSm3);
  hasher.update(as_bytes(operation));
  hasher.update(as_bytes(std::string_view("\0", 1)));
  hasher.update(content_digest);
  return crypto::to_hex(hasher.finish());
}

bool is_hex32(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// An authenticated request: its app (with the certificate its sign verified with), how long its
// random must be kept, and the digest its sign covers (verify_sign).
struct Authenticated {
  service::LdtCredentials app;
  Time keep_until;
  Bytes content_digest;
};

// The header checks, storeless and cheapest first; the random is recorded only once everything
// the client signed has verified, and only when `remember`; a call that only reads records it
// with its audit row, and here is refused when it is known already. The first failure's
// errorInfo in `refusal`.
Result<Authenticated> authenticate(service::Credentials& credentials, const Options& options,
                                   const Request& request, Time now, bool remember,
                                   Refusal& refusal) {
  const Header& h = request.header;
  auto refuse = [&refusal](std::string info, std::string reason) {
    refusal = {std::move(info), std::move(reason)};
    return refused(refusal.info);
  };
  auto app = credentials.ldt(h.syscode);
  if (!app) return refuse("应用不存在：" + shown(h.syscode), "unknown-app");
  if (!app->enabled) return refuse("应用已停用：" + h.syscode, "disabled-app");
  if (!credentials.ldt_authcode_matches(h.syscode, h.authcode))
    return refuse("authcode无效", "authcode");
  if (h.version != "1.0") return refuse("version不支持：" + shown(h.version), "version");
  if (!is_hex32(h.random)) return refuse("random应为32位十六进制数", "random");
  long long ctime = 0;
  auto [end, ec] = std::from_chars(h.ctime.data(), h.ctime.data() + h.ctime.size(), ctime);
  auto sent =
      Time(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(ctime)));
  if (ec != std::errc() || end != h.ctime.data() + h.ctime.size() ||
      std::chrono::abs(now - sent) > options.time_window)
    return refuse("ctime超出允许的时间窗口", "ctime");
  if (!hmac_matches(app->hmac_key, h)) return refuse("hmac验证失败", "hmac");
  if (!app->cert) return refuse("应用没有登记证书，无法验证sign", "sign");
  auto digest = verify_sign(request, *app->cert);
  if (!digest) return refuse(digest.error().message, "sign");
  // The request is acceptable until sent + window: the random must be kept as long.
  Authenticated out{std::move(*app), sent + options.time_window, std::move(*digest)};
  if (!remember) {
    auto seen = credentials.nonce_seen(out.app.caller, h.random, now);
    if (!seen) return seen.error();
    if (*seen) return refuse(kReplay.info, kReplay.reason);
    return out;
  }
  auto fresh = credentials.remember_nonce(out.app.caller, h.random, now, out.keep_until);
  if (!fresh) return fresh.error();
  if (!*fresh) return refuse(kReplay.info, kReplay.reason);
  return out;
}

}  // namespace

const std::vector<std::string>& operation_names() {
  static const std::vector<std::string> names = {
      "applySeal",        "getSeal",         "getSealStatus",  "verifyFile",
      "positionSealSign", "keyWordSealSign", "pagingSealSign", "lockSign",
      "delLockSign",      "signAndLockSign", "verifyEleSign",  "watermarkAndLockSign"};
  return names;
}

Result<Options> options_from(const api::Config& config) {
  auto format = doc::parse_signature_format(config.signing.pdf_format);
  if (!format) {
    return Error::invalid_input("[signing] pdf_format: \"" + config.signing.pdf_format +
                                "\" is not one of ses, gmcms, pkcs7");
  }
  auto size = [](std::int64_t v) { return static_cast<std::size_t>(v); };
  Options o;
  o.time_window = std::chrono::seconds(config.ldt.time_window_s);
  o.max_file_size = size(config.limits.file_mib) << 20;
  o.max_signatures = size(config.limits.signatures);
  o.max_list_items = size(config.limits.list_items);
  o.json = json_limits(config);
  o.signing.pdf_format = *format;
  o.signing.limits.max_stamps = size(config.limits.stamps);
  o.signing.limits.max_output_bytes = size(config.limits.output_mib) << 20;
  o.signing.limits.pdf = {size(config.limits.pdf_objects), size(config.limits.pdf_pages)};
  o.signing.limits.ofd.max_entries = size(config.limits.ofd_entries);
  o.signing.limits.ofd.max_entry_size = size(config.limits.ofd_inflated_mib) << 20;
  o.signing.limits.ofd.max_total_size = o.signing.limits.ofd.max_entry_size;
  o.signing.limits.ofd.max_xml_depth = size(config.limits.xml_depth);
  o.signing.limits.seal_picture_pixels =
      static_cast<std::uint64_t>(config.limits.seal_picture_mpixels) * 1'000'000;
  o.public_url = config.console.public_url;
  return o;
}

std::uint64_t body_limit(const Options& options) {
  return (options.max_file_size + 2) / 3 * 4 + (std::uint64_t{2} << 20);
}

Outcome Adapter::handle(std::string body, Time now, std::string_view origin) {
  Outcome out;
  Header seen;
  auto request = parse_request(std::move(body), options_.json, &seen);
  out.operation = seen.businesstype;
  auto fail = [&](const std::string& info) {
    out.body = response(seen.businesstype, seen.syscode, false, info);
    return out;
  };
  // Refusals are audited under the app they name when it exists, else under "-", so that
  // made-up syscodes cannot multiply the rows.
  auto refuse = [&](const Refusal& r, bool app_exists) {
    std::string actor = "app:" + (app_exists ? seen.syscode : "-");
    std::string detail = r.info + (app_exists ? "" : "（syscode：" + shown(seen.syscode) + "）");
    if (auto s = platform_.audit.refusal(actor, shown(seen.businesstype), r.reason, detail, now);
        !s)
      return fail("审计记录失败：" + internal_error(s.error()));
    return fail(r.info);
  };
  if (!request) return refuse({request.error().message, "malformed"}, false);
  const Header& h = request->header;
  out.app = h.syscode;
  Refusal refusal;
  bool reads = only_reads(h.businesstype);
  auto authenticated =
      authenticate(platform_.credentials, options_, *request, now, !reads, refusal);
  if (!authenticated) {
    if (refusal.reason.empty())  // the store failed
      return fail(internal_error(authenticated.error()));
    return refuse(refusal, refusal.reason != "unknown-app");
  }
  const service::Caller& caller = authenticated->app.caller;
  const pki::Certificate& app_cert = *authenticated->app.cert;
  bool filing = filing_ && is_filing_operation(h.businesstype);
  auto operation = operations().find(h.businesstype);
  if (!filing && operation == operations().end())
    return refuse({"不支持的业务类型：" + shown(h.businesstype), "operation"}, true);
  if (!caller.allows(h.businesstype))
    return refuse({"应用无权调用该接口：" + h.businesstype, "scope"}, true);

  if (filing) {
    if (auto s = check_request_sign_info(h.businesstype, app_cert, *request->content); !s)
      return refuse({s.error().message, "sign-info"}, true);
  }
  trim_content(*request);
  Call call(platform_, options_, caller, *request->content, now,
            options_.public_url.empty() ? std::string(origin) : options_.public_url);
  Status biznum = call.read_biznum();
  // A call that makes a document under a BIZNUM is idempotent: its retry (a new request with
  // the same operation, BIZNUM and content) gets the first call's document.
  if (!filing && biznum && !call.biznum().empty() && makes_document(h.businesstype))
    call.set_request_key(request_key(h.businesstype, authenticated->content_digest));
  auto earlier = call.earlier_answer();
  if (!earlier) return fail(internal_error(earlier.error()));
  Answer answer =
      filing     ? answer_filing(*filing_, h.businesstype, caller, app_cert, *request->content, now)
      : *earlier ? std::move(**earlier)
      : biznum   ? operation->second(call)
                 : Answer(biznum.error());
  out.biznum = call.biznum();
  // Every call an app was allowed to make is in the audit log, refused or not; a call whose
  // row cannot be written is not answered as a success.
  std::string outcome = !answer                    ? "refused: " + answer.error().message
                        : !call.retry_of().empty() ? "ok (retry: document " + call.retry_of() + ")"
                        : call.valid_document()    ? "ok"
                                                   : call.invalid_reason();
  if (reads) {
    auto fresh =
        platform_.audit.append_with_nonce(caller, h.random, authenticated->keep_until,
                                          h.businesstype, out.biznum, outcome, now, out.biznum);
    if (!fresh) return fail("审计记录失败：" + internal_error(fresh.error()));
    if (!*fresh) return refuse(kReplay, true);
  } else if (auto s = platform_.audit.append(caller.actor(), h.businesstype, out.biznum, outcome,
                                             now, out.biznum);
             !s) {
    return fail("审计记录失败：" + internal_error(s.error()));
  }
  if (!answer) return fail(answer.error().message);
  out.success = call.valid_document();
  out.body = response(h.businesstype, h.syscode, out.success,
                      out.success ? "成功" : call.invalid_reason(), &*answer);
  return out;
}

}  // namespace eseal::api::ldt
