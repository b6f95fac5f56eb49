#include "api/ldt/operations.h"

#include <rapidjson/document.h>

#include <charconv>
#include <functional>
#include <map>

#include "api/ldt/envelope.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::api::ldt {
namespace {

using rapidjson::Value;
using Content = rapidjson::Document;

// The operation's answer: its message_content, or an errorInfo.
using Answer = Result<Content>;

Error refused(std::string info) {
  return Error::invalid_input(std::move(info));
}

// A member of `object` as text: strings as they are (already trimmed), numbers as written;
// "" when absent or of another type.
std::string text_of(const Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return {it->value.GetString(), it->value.GetStringLength()};
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsNumber()) return std::to_string(it->value.GetDouble());
  return {};
}

Result<std::string> required(const Value& object, const char* key) {
  std::string v = text_of(object, key);
  if (v.empty()) return refused(std::string("缺少参数") + key);
  return v;
}

// A length in mm; "10", "10.5", "10mm" or "28pt".
Result<double> millimetres(const std::string& text, const char* key) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  std::string_view unit(end, text.data() + text.size() - end);
  if (ec != std::errc() || (unit != "" && unit != "mm" && unit != "pt"))
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

// A position rule from an entry's page (1-based) and top-left corner fields.
Result<service::Placement> position_of(const Value& item, const char* page_key, const char* x_key,
                                       const char* y_key) {
  auto page = required(item, page_key);
  if (!page) return page.error();
  auto n = whole_number(*page, page_key);
  if (!n) return n.error();
  auto x = required(item, x_key);
  if (!x) return x.error();
  auto xm = millimetres(*x, x_key);
  if (!xm) return xm.error();
  auto y = required(item, y_key);
  if (!y) return y.error();
  auto ym = millimetres(*y, y_key);
  if (!ym) return ym.error();
  return service::Placement(doc::PositionRule{*n - 1, *xm, *ym});
}

Content string_content(std::initializer_list<std::pair<const char*, std::string>> fields) {
  Content c;
  c.SetObject();
  for (const auto& [key, value] : fields) {
    c.AddMember(
        Value(key, c.GetAllocator()),
        Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), c.GetAllocator()),
        c.GetAllocator());
  }
  return c;
}

// One request being answered.
class Call {
 public:
  Call(service::Platform& platform, const Options& options, const service::App& app,
       const Value& content, Time now)
      : platform_(platform), options_(options), app_(app), content_(content), now_(now) {
    biznum_ = text_of(content, "BIZNUM");
  }

  const std::string& biznum() const { return biznum_; }

  Answer apply_seal() {
    auto name = required(content_, "sealName");
    auto template_name = required(content_, "templateName");
    auto dn = required(content_, "certDN");
    if (!name) return name.error();
    if (!template_name) return template_name.error();
    if (!dn) return dn.error();
    Bytes photo;
    if (std::string p = text_of(content_, "photoData"); !p.empty()) {
      auto decoded = crypto::from_base64(p);
      if (!decoded) return refused("photoData不是base64编码");
      photo = std::move(*decoded);
    }
    auto seal = platform_.apply_seal(app_.syscode, *name, *template_name, photo, *dn, now_);
    if (!seal) return seal_error(seal.error(), *dn);
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
    bool usable = seal->status == store::SealStatus::kValid && now_ <= seal->seal.info.valid_end;
    return string_content({{"SealStatus", usable ? "1" : "0"}});
  }

  Answer verify(bool licence) {
    auto document = data();
    if (!document) return document.error();
    auto summary = service::verify(*document, platform_.trust());
    if (!summary) return refused(summary.error().message);
    bool single = licence && text_of(content_, "isSingle") != "false";
    Content c;
    c.SetObject();
    auto& a = c.GetAllocator();
    Value results(rapidjson::kArrayType);
    for (const auto& s : summary->signatures) {
      if (single && s.valid) continue;
      Value r(rapidjson::kObjectType);
      auto put = [&](const char* key, const std::string& v) {
        r.AddMember(Value(key, a), Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a),
                    a);
      };
      put("status", s.valid ? "true" : "false");
      put("info", s.info);
      put("certDN", s.signer);
      put("sealId", s.seal_id);
      put("sealName", s.seal_name);
      put("type", s.kind);
      results.PushBack(r, a);
      if (single) break;
    }
    c.AddMember("verifySealResults", results, a);
    if (!summary->valid) {
      valid_document_ = false;
      invalid_reason_ = summary->signatures.empty() ? "文件中没有签章" : "签章验证未通过";
    }
    return c;
  }

  Answer position_sign() {
    return sign_each([](const Value& item) { return position_of(item, "pageNum", "zx", "zy"); });
  }

  Answer keyword_sign() {
    return sign_each([&](const Value& item) -> Result<service::Placement> {
      auto keyword = required(item, "keyword");
      if (!keyword) return keyword.error();
      std::string model = text_of(item, "keywordModel");
      auto selection = doc::parse_keyword_selection(model.empty() ? "1" : model);
      if (!selection) return refused("keywordModel不正确：" + model);
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
    auto signer = platform_.lock_signer(dn.empty() ? std::nullopt : std::optional(dn));
    if (!signer) return refused("没有可用的锁定签名证书" + (dn.empty() ? "" : "：" + dn));
    auto locked = service::add_lock(*document, signer->cert, signer->key, now_);
    if (!locked) return refused(locked.error().message);
    return signed_document(*locked, "lockSign");
  }

  Answer del_lock_sign() {
    auto document = ofd_data();
    if (!document) return document.error();
    auto unlocked = service::remove_lock(*document);
    if (!unlocked) return refused(unlocked.error().message);
    return signed_document(*unlocked, "delLockSign");
  }

  Answer sign_and_lock() {
    const Value* list = sign_list();
    if (!list) return refused("缺少参数signList");
    // The entry marked ismain=1 chooses the lock's certificate; without one, the last entry.
    std::size_t main_entry = list->Size() - 1;
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      if (text_of((*list)[i], "ismain") == "1") main_entry = i;
    }
    std::optional<service::SealSigner> lock_signer;
    std::size_t index = 0;
    auto stamped = sign_each([](const Value& item) { return position_of(item, "page", "x", "y"); },
                             [&](const service::SealSigner& signer) {
                               if (index++ == main_entry) lock_signer = signer;
                             },
                             /*ofd_only=*/true);
    if (!stamped) return stamped.error();
    auto locked = service::add_lock(last_document_, lock_signer->cert, lock_signer->key, now_);
    if (!locked) return refused(locked.error().message);
    return signed_document(*locked, "signAndLockSign");
  }

  Answer watermark_and_lock() {
    auto document = ofd_data();
    if (!document) return document.error();
    auto creator = required(content_, "copyCreator");
    auto cause = required(content_, "copyCause");
    auto years_text = required(content_, "year");
    if (!creator) return creator.error();
    if (!cause) return cause.error();
    if (!years_text) return years_text.error();
    auto years = whole_number(*years_text, "year");
    if (!years) return years.error();
    auto signer = platform_.lock_signer(std::nullopt);
    if (!signer) return refused("没有可用的锁定签名证书");
    auto copy = service::certified_copy(*document, *creator, *cause, *years, signer->cert,
                                        signer->key, now_);
    if (!copy) return refused(copy.error().message);
    return signed_document(*copy, "watermarkAndLockSign");
  }

  bool valid_document() const { return valid_document_; }
  const std::string& invalid_reason() const { return invalid_reason_; }

 private:
  Result<service::RegisteredSeal> seal_by_dn() {
    auto dn = required(content_, "certDN");
    if (!dn) return dn.error();
    auto seal = platform_.find_seal_by_signer(*dn);
    if (!seal) return seal_error(seal.error(), *dn);
    if (!seal->owner_app.empty() && seal->owner_app != app_.syscode)
      return refused("应用无权使用该印章：" + seal->id);
    return seal;
  }

  static Error seal_error(const Error& e, const std::string& what) {
    return refused(e.kind == ErrorKind::kNotFound ? "印章不存在：" + what : e.message);
  }

  Result<Bytes> data() {
    auto text = required(content_, "data");
    if (!text) return text.error();
    if (text->size() / 4 * 3 > options_.max_file_size + 3)
      return refused("文件超过大小限制（" + std::to_string(options_.max_file_size >> 20) +
                     " MiB）");
    auto bytes = crypto::from_base64(*text);
    if (!bytes) return refused("data不是base64编码");
    if (auto format = service::detect_format(*bytes); !format) {
      return refused(format.error().message == service::kNotPdfOrOfd ? "文件不是PDF或OFD格式"
                                                                     : format.error().message);
    }
    return bytes;
  }

  Result<Bytes> ofd_data() {
    auto document = data();
    if (!document) return document;
    if (*service::detect_format(*document) != service::DocumentFormat::kOfd)
      return refused("该接口只支持OFD文件");
    return document;
  }

  const Value* sign_list() const {
    auto it = content_.FindMember("signList");
    if (it == content_.MemberEnd() || !it->value.IsArray() || it->value.Empty()) return nullptr;
    return &it->value;
  }

  // The signer of the seal an entry names, after the checks every signing call makes.
  Result<service::SealSigner> usable_signer(const Value& item) {
    auto id = required(item, "sealId");
    if (!id) return id.error();
    auto seal = platform_.find_seal(*id);
    if (!seal) return seal_error(seal.error(), *id);
    if (!seal->owner_app.empty() && seal->owner_app != app_.syscode)
      return refused("应用无权使用该印章：" + *id);
    if (seal->status != store::SealStatus::kValid)
      return refused("印章状态不可用：" + *id + "（" +
                     std::string(store::status_name(seal->status)) + "）");
    if (now_ > seal->seal.info.valid_end || now_ < seal->seal.info.valid_start)
      return refused("印章不在有效期内：" + *id);
    auto signer = platform_.signer_of(*seal);
    if (!signer) return refused("平台没有该印章的签名密钥：" + *id);
    return signer;
  }

  // Each signList entry is one signature, in order, on the document the previous one made.
  Answer sign_each(const std::function<Result<service::Placement>(const Value&)>& placement,
                   const std::function<void(const service::SealSigner&)>& used = {},
                   bool ofd_only = false) {
    auto document = ofd_only ? ofd_data() : data();
    if (!document) return document.error();
    const Value* list = sign_list();
    if (!list) return refused("缺少参数signList");
    Bytes current = std::move(*document);
    for (const Value& item : list->GetArray()) {
      auto rule = placement(item);
      if (!rule) return rule.error();
      auto signer = usable_signer(item);
      if (!signer) return signer.error();
      auto stamped = service::stamp(current, *rule, *signer, now_);
      if (!stamped) return refused(stamped.error().message);
      current = std::move(*stamped);
      if (used) used(*signer);
    }
    if (ofd_only) {
      last_document_ = std::move(current);
      return Content();
    }
    return signed_document(current, "sign");
  }

  Answer signed_document(ByteView document, const std::string& operation) {
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
    if (auto s = platform_.record_document(app_.syscode, biznum_, document, operation); !s)
      return s.error();
    return string_content({{"signedData", crypto::to_base64(document)}, {"BIZNUM", biznum_}});
  }

  service::Platform& platform_;
  const Options& options_;
  const service::App& app_;
  const Value& content_;
  Time now_;
  std::string biznum_;
  Bytes last_document_;
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

// The header checks, in the catalog's order; the errorInfo of the first that fails.
Result<service::App> authenticate(service::Platform& platform, const Options& options,
                                  const Request& request, Time now) {
  const Header& h = request.header;
  auto app = platform.find_app(h.syscode);
  if (!app) return refused("应用不存在：" + h.syscode);
  if (!app->enabled) return refused("应用已停用：" + h.syscode);
  if (!platform.authcode_matches(h.syscode, h.authcode)) return refused("authcode无效");
  long long ctime = 0;
  auto [end, ec] = std::from_chars(h.ctime.data(), h.ctime.data() + h.ctime.size(), ctime);
  auto sent =
      Time(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(ctime)));
  if (ec != std::errc() || end != h.ctime.data() + h.ctime.size() ||
      std::chrono::abs(now - sent) > options.time_window)
    return refused("ctime超出允许的时间窗口");
  auto fresh = platform.remember_nonce(h.syscode, h.random, now, options.time_window);
  if (!fresh) return fresh.error();
  if (!*fresh) return refused("random重复，请求被拒绝（重放）");
  if (compute_hmac(app->hmac_key, h.ctime, h.random, h.syscode) != h.hmac)
    return refused("hmac验证失败");
  if (!app->cert) return refused("应用没有登记证书，无法验证sign");
  if (auto s = verify_sign(request, *app->cert); !s) return refused(s.error().message);
  return app;
}

}  // namespace

const std::vector<std::string>& operation_names() {
  static const std::vector<std::string> names = {
      "applySeal",        "getSeal",         "getSealStatus",  "verifyFile",
      "positionSealSign", "keyWordSealSign", "pagingSealSign", "lockSign",
      "delLockSign",      "signAndLockSign", "verifyEleSign",  "watermarkAndLockSign"};
  return names;
}

Outcome Adapter::handle(std::string_view body, Time now) {
  Outcome out;
  auto request = parse_request(body);
  if (!request) {
    out.body = response("", "", false, request.error().message);
    return out;
  }
  const Header& h = request->header;
  out.operation = h.businesstype;
  out.app = h.syscode;
  auto fail = [&](const std::string& info) {
    out.body = response(h.businesstype, h.syscode, false, info);
    return out;
  };
  auto app = authenticate(platform_, options_, *request, now);
  if (!app) return fail(app.error().message);
  auto operation = operations().find(h.businesstype);
  if (operation == operations().end()) return fail("不支持的业务类型：" + h.businesstype);
  if (!app->allows(h.businesstype)) return fail("应用无权调用该接口：" + h.businesstype);

  Call call(platform_, options_, *app, *request->content, now);
  auto answer = operation->second(call);
  out.biznum = call.biznum();
  // Every call an app was allowed to make is in the audit log, refused or not; a call whose
  // row cannot be written is not answered as a success.
  std::string outcome = !answer                 ? "refused: " + answer.error().message
                        : call.valid_document() ? "ok"
                                                : call.invalid_reason();
  if (auto s = platform_.audit(h.syscode, h.businesstype, out.biznum, outcome); !s)
    return fail("审计记录失败：" + s.error().message);
  if (!answer) return fail(answer.error().message);
  out.success = call.valid_document();
  out.body = response(h.businesstype, h.syscode, out.success,
                      out.success ? "成功" : call.invalid_reason(), &*answer);
  return out;
}

}  // namespace eseal::api::ldt
