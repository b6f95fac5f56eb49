// The COSS door's PDF operations (manual §3.4.8): a business system has a user's personal seal
// laid out in its PDF (getPdfHash: the PDF engine's prepare, for the user's newest certified
// key), has the phone sign what it returns (a DATA job over hashSetBytes, or a HASH job over
// hashSetHashBytes), puts the signature in (composePdfSeal: complete) and checks the result
// (verifyPdfSeal: the verifier, reported in the manual's fields).
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/coss/routes.h"
#include "api/coss/wording.h"
#include "api/json_text.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "service/documents.h"
#include "service/verification.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;

// A base64 field that must hold a PDF (89001027 when it does not).
Base64Field pdf_field(const Request& r, const char* name) {
  Base64Field f = base64_field(r, name);
  if (!f.bytes) return f;
  auto format = service::detect_format(*f.bytes);
  if (!format || *format != service::DocumentFormat::kPdf) {
    return {std::nullopt, answer({89001027, std::string(name) + "应为PDF文件"}, r.trans_id)};
  }
  return f;
}

// signSealType: the manual's BJCA_SM2 (the platform's own SM2 signature, in the configured
// form), or eseal's "ses", "gmcms" and "pkcs7" for one of them; nullopt for another name.
std::optional<doc::SignatureFormat> seal_type(const Request& r, doc::SignatureFormat configured) {
  std::string type = r.text("signSealType");
  if (type.empty() || type == "BJCA_SM2") return configured;
  auto format = doc::parse_signature_format(type);
  if (!format) return std::nullopt;
  return *format;
}

constexpr const char* kSealTypes = "signSealType应为BJCA_SM2、ses、gmcms或pkcs7";

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

void add_number(Value& object, Document::AllocatorType& a, const char* key, double v) {
  // Points to the hundredth, as the manual's rectangleBean reads (306.16).
  object.AddMember(Value(key, a), Value(std::round(v * 100) / 100), a);
}

}  // namespace

std::string Adapter::get_pdf_hash(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto pdf_format = seal_type(r, options_.pdf_format);
  if (!pdf_format) return answer({code::kBadParameter, kSealTypes}, r.trans_id);
  Base64Field pdf = pdf_field(r, "pdfFileStr");
  if (!pdf.bytes) return pdf.refusal;
  const Value* seal_info = r.value("configureSealInfo");
  if (!seal_info || !seal_info->IsObject()) {
    return answer(
        {code::kBadParameter, "缺少configureSealInfo（signType、signProvince、signName）"},
        r.trans_id);
  }
  auto text_of = [seal_info](const char* name) {
    auto it = seal_info->FindMember(name);
    return it != seal_info->MemberEnd() && it->value.IsString() ? std::string(json_view(it->value))
                                                                : std::string();
  };
  service::WebSealPlace place = web_seal_place(r);
  place.reason = text_of("signType");
  place.location = text_of("signProvince");
  place.pdf_format = *pdf_format;
  auto user = s_.users.find(c.app, user_id);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  if (user->status == "DELETE") return answer({89005004, ""}, r.trans_id);
  if (user->status == "LOCKED") return answer({89005005, ""}, r.trans_id);
  auto key = s_.keys.signing_key(c.app, user_id);
  if (!key) return answer(refusal_of(key.error()), r.trans_id);
  auto laid = s_.jobs.lay_out_seal(*pdf.bytes, place, *user, *key, c.now);
  if (!laid) return answer(refusal_of(laid.error()), r.trans_id);
  auto p = crypto::Sm2PublicKey::from_point(key->public_key);
  if (!p) return answer({code::kServer, ""}, r.trans_id);
  auto e = crypto::sm2_signing_digest(*p, laid->pending.to_be_signed);
  if (!e) return answer({89003011, ""}, r.trans_id);

  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  put(data, "pdfBytes", crypto::to_base64(laid->pending.document));
  put(data, "hashBytes", crypto::to_base64(laid->pending.document_digest));
  put(data, "hashSetBytes", crypto::to_base64(laid->pending.to_be_signed));
  put(data, "hashSetHashBytes", crypto::to_base64(*e));
  Value rectangle(rapidjson::kObjectType);
  const service::SealRectangle& at = laid->first;
  add_number(rectangle, a, "left", at.left);
  add_number(rectangle, a, "top", at.top);
  add_number(rectangle, a, "right", at.right);
  add_number(rectangle, a, "bottom", at.bottom);
  rectangle.AddMember("pageNo", at.page, a);
  add_number(rectangle, a, "width", at.right - at.left);
  add_number(rectangle, a, "height", at.top - at.bottom);
  data.AddMember("rectangleBean", rectangle, a);
  return success(r.trans_id, &data);
}

// composePdfSeal: the signature (DER or r ‖ s) put into the prepared PDF, after it is checked
// against the certificate it was prepared for; with tssSignValue, that time-stamp token over the
// signature value goes into the SES signature too. hashSetBytesStr must be given (the manual
// asks for it) but the prepared PDF itself carries what completion needs.
std::string Adapter::compose_pdf_seal(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  if (!seal_type(r, options_.pdf_format))
    return answer({code::kBadParameter, kSealTypes}, r.trans_id);
  Base64Field signature = base64_field(r, "signValue"), prepared = base64_field(r, "pdfBytesStr"),
              hash_set = base64_field(r, "hashSetBytesStr");
  for (const Base64Field* f : {&signature, &prepared, &hash_set}) {
    if (!f->bytes) return f->refusal;
  }
  std::optional<Bytes> token;
  if (!r.text("tssSignValue").empty()) {
    Base64Field given = base64_field(r, "tssSignValue");
    if (!given.bytes) return given.refusal;
    token = std::move(given.bytes);
  }
  auto user = s_.users.find(c.app, user_id);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  doc::TimeStamper stamper;
  if (token) {
    stamper = [token](ByteView) -> Result<Bytes> { return *token; };
  }
  auto sealed = service::complete(*prepared.bytes, *signature.bytes, c.now, stamper);
  if (!sealed) {
    if (sealed.error().kind == ErrorKind::kVerificationFailed) {
      return answer({89003019, "签名值与待签数据或证书不符"}, r.trans_id);
    }
    return answer({89001027, "pdfBytesStr应为getPdfHash返回的pdfBytes"}, r.trans_id);
  }
  std::string text = crypto::to_base64(*sealed);
  Value out(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return success(r.trans_id, &out);
}

// verifyPdfSeal: every signature of the PDF against the platform's trust, the user CA and the
// certificates of certChainStr (base64 of a PEM bundle or one DER certificate); data.statusCode
// "200" when all hold, else 89003019's code, and one message entry per signature (extendsData:
// the signature's /Reason, which names a delegation a delegate signed under).
std::string Adapter::verify_pdf_seal(const Call& c) {
  const Request& r = c.r;
  if (!seal_type(r, options_.pdf_format))
    return answer({code::kBadParameter, kSealTypes}, r.trans_id);
  Base64Field pdf = pdf_field(r, "pdfFileStr");
  if (!pdf.bytes) return pdf.refusal;
  auto trust = s_.certificates.trust(c.now);
  if (!trust) return answer(refusal_of(trust.error()), r.trans_id);
  if (!r.text("certChainStr").empty()) {
    Base64Field chain = base64_field(r, "certChainStr");
    if (!chain.bytes) return chain.refusal;
    auto certs = pki::parse_certificates(*chain.bytes);
    if (!certs) return answer({89003021, "certChainStr"}, r.trans_id);
    for (auto& cert : *certs) {
      (cert.is_self_signed() ? trust->trusted : trust->intermediates).push_back(std::move(cert));
    }
  }
  auto summary = service::verify(*pdf.bytes, trust->policy(), c.now);
  if (!summary) return answer({89001027, "pdfFileStr不是可读的PDF文件"}, r.trans_id);
  const std::string failed = std::to_string(89003019);
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  put(data, "statusCode", summary->valid() ? "200" : failed);
  Value list(rapidjson::kArrayType);
  for (const auto& s : summary->signatures) {
    Value item(rapidjson::kObjectType);
    put(item, a, "statusCode", s.valid() ? "200" : failed);
    put(item, a, "fieldName", s.name);
    Value errors(rapidjson::kArrayType);
    for (const auto& check : s.verdict.checks) {
      if (check.result == ses::CheckResult::kPassed || check.result == ses::CheckResult::kSkipped) {
        continue;
      }
      std::string line = check.name + ": " + check.detail;
      errors.PushBack(Value(line.c_str(), static_cast<rapidjson::SizeType>(line.size()), a), a);
    }
    item.AddMember("errInfos", errors, a);
    put(item, a, "signAlg", "SM3WithSM2");
    put(item, a, "sigValue", crypto::to_base64(s.signature_value));
    put(item, a, "signDate", s.signing_time ? china_time(*s.signing_time) : "");
    Value certs(rapidjson::kArrayType), dns(rapidjson::kArrayType);
    std::string common_name, serial;
    if (auto cert = pki::Certificate::from_der(s.signer_certificate); cert) {
      std::string der = crypto::to_base64(s.signer_certificate);
      std::string dn = cert->subject().to_string();
      certs.PushBack(Value(der.c_str(), static_cast<rapidjson::SizeType>(der.size()), a), a);
      dns.PushBack(Value(dn.c_str(), static_cast<rapidjson::SizeType>(dn.size()), a), a);
      common_name = cert->subject().get("CN");
      serial = upper(cert->serial_hex());
    }
    item.AddMember("signCerts", certs, a);
    put(item, a, "commonName", common_name);
    item.AddMember("certDNs", dns, a);
    put(item, a, "certSN", serial);
    put(item, a, "extendsData", s.reason);
    item.AddMember("isTss", s.time_stamp.has_value(), a);
    put(item, a, "timeStampDate", s.time_stamp ? china_time(*s.time_stamp) : "");
    item.AddMember("pageNo", s.page, a);
    put(item, a, "sealImg", crypto::to_base64(s.picture));
    list.PushBack(item, a);
  }
  data.AddMember("message", list, a);
  return success(r.trans_id, &data);
}

}  // namespace eseal::api::coss
