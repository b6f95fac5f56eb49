// The COSS door's verification, helper, certificate and time-stamp operations (manual §3.4.4,
// §3.4.6, §3.4.7, §3.4.9): each checks its fields, calls one engine or service, and answers in
// the manual's shape.
#include <rapidjson/document.h>

#include <algorithm>
#include <map>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/coss/routes.h"
#include "api/coss/wording.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "pki/signature_check.h"
#include "service/verification.h"
#include "ses/signature.h"
#include "tsa/verify.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;

// The largest random genRandom draws.
constexpr int kMaxRandom = 4096;

std::optional<pki::Certificate> certificate_field(ByteView der) {
  auto cert = pki::Certificate::parse(der);
  if (!cert) return std::nullopt;
  return std::move(*cert);
}

// The manual's time: "yyyyMMddHHmmss" in China Standard Time (its getTSInfo example reads a
// genTime of 09:03:20Z as 20210701170320).
std::string compact_china_time(Time t) {
  std::string s = china_time(t);  // yyyy-MM-dd HH:mm:ss
  s.erase(
      std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':' || c == ' '; }),
      s.end());
  return s;
}

// A certificate's signature algorithm as Java names it (the manual's "SM3withSM2").
std::string algorithm_name(const std::string& openssl_name) {
  static const std::map<std::string, std::string, std::less<>> names{
      {"SM2-with-SM3", "SM3withSM2"},
      {"sha1WithRSAEncryption", "SHA1withRSA"},
      {"sha256WithRSAEncryption", "SHA256withRSA"},
      {"sha384WithRSAEncryption", "SHA384withRSA"},
      {"sha512WithRSAEncryption", "SHA512withRSA"},
      {"ecdsa-with-SHA256", "SHA256withECDSA"},
  };
  auto it = names.find(openssl_name);
  return it == names.end() ? openssl_name : it->second;
}

// verifyTS's verifyRes for a token's report: 1 valid; -2 the data is not what was stamped; -5 no
// TSA certificate to check with; -4 the TSA certificate was not yet valid at genTime, -6 it had
// expired; -3 it does not chain to a trusted root; -1 anything else (structure, signature).
std::string verify_result(const tsa::TokenReport& report) {
  const ses::Verdict& v = report.verdict;
  auto failed = [&v](const char* name) {
    const ses::Check* c = v.find(name);
    return c && c->result != ses::CheckResult::kPassed && c->result != ses::CheckResult::kSkipped;
  };
  const ses::Outcome outcome = v.outcome();
  auto has = [&outcome](std::string_view finding) {
    const auto& f = outcome.findings;
    return std::find(f.begin(), f.end(), finding) != f.end();
  };
  if (failed("structure")) return "-1";
  if (failed("imprint")) return "-2";
  if (has("tsa-cert-missing")) return "-5";
  if (failed("tsa-signature") || failed("ess-cert-id")) return "-1";
  for (const auto& f : outcome.findings) {
    if (f.find("not-yet-valid") != std::string::npos) return "-4";
    if (f.find("expired") != std::string::npos) return "-6";
  }
  if (has("unknown-root") || has("no-chain-checked")) return "-3";
  return outcome.indication == ses::Indication::kValid ? "1" : "-1";
}

}  // namespace

// verifySign: SM3withSM2 (or an RSA algorithm) over the plain data, against the certificate's
// key. The certificate itself is judged by validationCert.
std::string Adapter::verify_sign(const Call& c) {
  const Request& r = c.r;
  std::string algorithm = r.text("signAlg");
  if (algorithm.empty()) return answer({code::kBadParameter, "缺少signAlg"}, r.trans_id);
  Base64Field plain = base64_field(r, "plain"), value = base64_field(r, "signValue"),
              cert = base64_field(r, "cert");
  for (const Base64Field* f : {&plain, &value, &cert}) {
    if (!f->bytes) return f->refusal;
  }
  auto alg = pki::parse_signature_algorithm(algorithm);
  if (!alg)
    return answer(
        refusal_of(Error::invalid_input("").with_code(pki::signature_code::kUnknownAlgorithm)),
        r.trans_id);
  auto certificate = certificate_field(*cert.bytes);
  if (!certificate) return answer({89003021, ""}, r.trans_id);
  Status checked =
      pki::check_signature(*certificate, *alg, pki::Signed::kData, *plain.bytes, *value.bytes);
  if (!checked) {
    if (checked.error().kind == ErrorKind::kVerificationFailed)
      return answer({89003019, ""}, r.trans_id);
    return answer(refusal_of(checked.error()), r.trans_id);
  }
  return success(r.trans_id);
}

// verifySignData: DATA (the data signed), HASH (its digest signed: for SM2 e = SM3(Z ‖ M)) or
// WEB_SEAL (inData the sealed PDF or OFD, which must verify and hold a signature with this value
// by this certificate) → data: true.
std::string Adapter::verify_sign_data(const Call& c) {
  const Request& r = c.r;
  std::string type = r.text("inDataType"), algorithm = r.text("signAlg");
  if (type != "DATA" && type != "HASH" && type != "WEB_SEAL") {
    return answer({code::kBadParameter, "inDataType应为DATA、HASH或WEB_SEAL"}, r.trans_id);
  }
  if (algorithm.empty()) return answer({code::kBadParameter, "缺少signAlg"}, r.trans_id);
  Base64Field data = base64_field(r, "inData"), value = base64_field(r, "signValue"),
              cert = base64_field(r, "cert");
  for (const Base64Field* f : {&data, &value, &cert}) {
    if (!f->bytes) return f->refusal;
  }
  auto alg = pki::parse_signature_algorithm(algorithm);
  if (!alg) {
    return answer(
        refusal_of(Error::invalid_input("").with_code(pki::signature_code::kUnknownAlgorithm)),
        r.trans_id);
  }
  auto certificate = certificate_field(*cert.bytes);
  if (!certificate) return answer({89003021, ""}, r.trans_id);
  Value yes(true);
  if (type == "WEB_SEAL") {
    auto trust = s_.certificates.trust(c.now);
    if (!trust) return answer(refusal_of(trust.error()), r.trans_id);
    auto summary = service::verify(*data.bytes, trust->policy(), c.now);
    if (!summary) return answer({89001027, "inData应为签章后的PDF或OFD文件"}, r.trans_id);
    auto wanted = crypto::sm2_signature_to_der(*value.bytes);
    bool found = false;
    for (const auto& s : summary->signatures) {
      bool same_value = wanted ? s.signature_value == *wanted : s.signature_value == *value.bytes;
      if (same_value && s.signer_certificate == certificate->der()) found = true;
    }
    if (!found) return answer({89003019, "文件中没有该证书的这个签名值"}, r.trans_id);
    if (!summary->valid()) {
      std::string why;
      for (const auto& f : summary->outcome.findings) why += (why.empty() ? "" : ", ") + f;
      return answer({89003019, why}, r.trans_id);
    }
    return success(r.trans_id, &yes);
  }
  Status checked = pki::check_signature(*certificate, *alg,
                                        type == "HASH" ? pki::Signed::kDigest : pki::Signed::kData,
                                        *data.bytes, *value.bytes);
  if (!checked) {
    if (checked.error().kind == ErrorKind::kVerificationFailed)
      return answer({89003019, ""}, r.trans_id);
    return answer(refusal_of(checked.error()), r.trans_id);
  }
  return success(r.trans_id, &yes);
}

// verifyEssSign: a web signature over `plain`. Taken in two forms: the manual's bundle,
// "signature````public key````certificate````time````…" in base64 parts (the signature checked
// over plain with the certificate, whose key must be the bundle's), or a GB/T 38540
// SES_Signature whose dataHash is SM3(plain), verified in full against the platform's trust.
std::string Adapter::verify_ess_sign(const Call& c) {
  const Request& r = c.r;
  std::string algorithm = r.text("signAlg"), bundle = r.text("signValue");
  if (algorithm.empty() || bundle.empty()) {
    return answer({code::kBadParameter, "缺少signAlg或signValue"}, r.trans_id);
  }
  auto alg = pki::parse_signature_algorithm(algorithm);
  if (!alg || alg->key != pki::KeyAlgorithm::kSm2) {
    return answer({89002027, "signAlg应为SM3withSM2"}, r.trans_id);
  }
  Base64Field plain = base64_field(r, "plain");
  if (!plain.bytes) return plain.refusal;
  if (bundle.find("````") != std::string::npos) {
    std::vector<std::string> parts;
    for (std::size_t at = 0;;) {
      std::size_t next = bundle.find("````", at);
      parts.push_back(bundle.substr(at, next == std::string::npos ? next : next - at));
      if (next == std::string::npos) break;
      at = next + 4;
    }
    if (parts.size() < 3) return answer({89001027, "签名值应为签名````公钥````证书…"}, r.trans_id);
    auto value = crypto::from_base64(parts[0]);
    auto cert_der = crypto::from_base64(parts[2]);
    if (!value || !cert_der) return answer({89003020, "signValue"}, r.trans_id);
    auto certificate = certificate_field(*cert_der);
    if (!certificate) return answer({89003021, ""}, r.trans_id);
    if (!parts[1].empty()) {
      auto spki = crypto::from_base64(parts[1]);
      auto key = certificate->public_key();
      auto given = spki ? crypto::Sm2PublicKey::from_spki_der(*spki)
                        : Result<crypto::Sm2PublicKey>(spki.error());
      if (!key || !given || key->point() != given->point())
        return answer({89001013, "签名值中的公钥不是证书的公钥"}, r.trans_id);
    }
    Status checked =
        pki::check_signature(*certificate, *alg, pki::Signed::kData, *plain.bytes, *value);
    if (!checked) return answer({89003019, ""}, r.trans_id);
    return success(r.trans_id);
  }
  auto der = crypto::from_base64(bundle);
  if (!der) return answer({89003020, "signValue"}, r.trans_id);
  auto signature = ses::decode_signature(*der);
  if (!signature) return answer({89001027, "signValue应为签名包或GB/T 38540签章"}, r.trans_id);
  auto trust = s_.certificates.trust(c.now);
  if (!trust) return answer(refusal_of(trust.error()), r.trans_id);
  Bytes hash = crypto::sm3(*plain.bytes);
  ses::Verdict verdict = ses::verify_signature(*signature, trust->policy(), ByteView(hash));
  if (verdict.outcome().indication != ses::Indication::kValid) {
    std::string why;
    for (const auto& f : verdict.outcome().findings) why += (why.empty() ? "" : ", ") + f;
    return answer({89003019, why}, r.trans_id);
  }
  return success(r.trans_id);
}

// genRandom: `len` random bytes, base64, in the message (as the manual answers it).
std::string Adapter::gen_random(const Call& c) {
  const Request& r = c.r;
  std::string len = r.text("len");
  int n = 0;
  if (len.empty() || len.size() > 5 || len.find_first_not_of("0123456789") != std::string::npos ||
      (n = std::stoi(len)) < 1 || n > kMaxRandom) {
    return answer({code::kBadParameter, "len应为1至" + std::to_string(kMaxRandom) + "的整数"},
                  r.trans_id);
  }
  auto random = crypto::random_bytes(static_cast<std::size_t>(n));
  if (!random) return answer({code::kServer, ""}, r.trans_id);
  return response(code::kSuccess, crypto::to_base64(*random), r.trans_id);
}

// getHashData: SHA1, SHA256 or SM3 of inData; SM3 with containPubKey "true" is e = SM3(Z ‖ M)
// with Z over the certificate's key and the standard user ID.
std::string Adapter::get_hash_data(const Call& c) {
  const Request& r = c.r;
  std::string name = r.text("hashAlgo");
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  std::optional<crypto::HashAlgorithm> hash;
  if (name == "SHA1") hash = crypto::HashAlgorithm::kSha1;
  if (name == "SHA256") hash = crypto::HashAlgorithm::kSha256;
  if (name == "SM3") hash = crypto::HashAlgorithm::kSm3;
  if (!hash) return answer({89002027, "hashAlgo应为SHA1、SHA256或SM3"}, r.trans_id);
  Base64Field data = base64_field(r, "inData");
  if (!data.bytes) return data.refusal;
  std::string with_key = r.text("containPubKey");
  if (!with_key.empty() && with_key != "true" && with_key != "false") {
    return answer({code::kBadParameter, "containPubKey应为true或false"}, r.trans_id);
  }
  Bytes digest;
  if (with_key == "true" && *hash == crypto::HashAlgorithm::kSm3) {
    Base64Field cert = base64_field(r, "cert");
    if (!cert.bytes) return cert.refusal;
    auto certificate = certificate_field(*cert.bytes);
    if (!certificate) return answer({89003021, ""}, r.trans_id);
    auto key = certificate->public_key();
    if (!key) return answer({89003018, "证书不是SM2证书"}, r.trans_id);
    auto e = crypto::sm2_signing_digest(*key, *data.bytes);
    if (!e) return answer({89003011, ""}, r.trans_id);
    digest = std::move(*e);
  } else {
    digest = crypto::hash(*hash, *data.bytes);
  }
  std::string text = crypto::to_base64(digest);
  Value out(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return success(r.trans_id, &out);
}

// getCertInfo: the certificate's user (its UID, which the user CA writes as the msspId), CN, DN,
// serial, signature algorithm and, with `oid`, the first value of that attribute in the subject.
std::string Adapter::get_cert_info(const Call& c) {
  const Request& r = c.r;
  Base64Field cert = base64_field(r, "cert");
  if (!cert.bytes) return cert.refusal;
  auto certificate = certificate_field(*cert.bytes);
  if (!certificate) return answer({89003021, ""}, r.trans_id);
  pki::DistinguishedName subject = certificate->subject();
  Document data(rapidjson::kObjectType);
  put(data, "userId", subject.get("UID"));
  put(data, "certCN", subject.get("CN"));
  put(data, "certDN", subject.to_string());
  std::string serial = certificate->serial_hex();
  std::transform(serial.begin(), serial.end(), serial.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  put(data, "serialNumber", serial);
  put(data, "sigAlgName", algorithm_name(certificate->signature_algorithm()));
  if (std::string oid = r.text("oid"); !oid.empty()) {
    put(data, "oidResult", subject.get(oid));
  }
  return success(r.trans_id, &data);
}

// queryCert: the signing certificate of the user's device.
std::string Adapter::query_cert(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId"), device_id = r.text("deviceId");
  if (user_id.empty() || device_id.empty()) {
    return answer({code::kBadParameter, "缺少userId或deviceId"}, r.trans_id);
  }
  auto key = s_.certificates.device(c.app, user_id, device_id);
  if (!key) return answer(refusal_of(key.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  Value list(rapidjson::kArrayType);
  Value item(rapidjson::kObjectType);
  put(item, a, "deviceId", key->device_id);
  put(item, a, "algoPolicy", "SM2");
  put(item, a, "useage", "SIGN");
  put(item, a, "cert", crypto::to_base64(key->certificate));
  list.PushBack(item, a);
  data.AddMember("certInfos", list, a);
  return success(r.trans_id, &data);
}

// validationCert: valid now, chained to the platform's anchors or the user CA, not revoked.
std::string Adapter::validation_cert(const Call& c) {
  const Request& r = c.r;
  Base64Field cert = base64_field(r, "cert");
  if (!cert.bytes) return cert.refusal;
  auto certificate = certificate_field(*cert.bytes);
  if (!certificate) return answer({89003021, ""}, r.trans_id);
  Status checked = s_.certificates.check(*certificate, c.now);
  if (!checked) return answer(refusal_of(checked.error()), r.trans_id);
  return success(r.trans_id);
}

// createAndGetTssInfo: a time-stamp token over SM3 of oriData (the text as sent, as the
// manual's example stamps "test"), with the TSA certificate when attachCert is "true".
std::string Adapter::create_time_stamp(const Call& c) {
  const Request& r = c.r;
  std::string data = r.text("oriData"), attach = r.text("attachCert");
  if (data.empty()) return answer({code::kBadParameter, "缺少oriData"}, r.trans_id);
  if (attach != "true" && attach != "false") {
    return answer({code::kBadParameter, "attachCert应为true或false"}, r.trans_id);
  }
  if (!s_.time_stamps) return answer({code::kServer, "未配置时间戳服务"}, r.trans_id);
  auto token = service::request_time_stamp(*s_.time_stamps, "coss:" + c.app.name, c.now,
                                           crypto::HashAlgorithm::kSm3, crypto::sm3(as_bytes(data)),
                                           attach == "true");
  if (!token) return answer({code::kServer, "时间戳服务不可用"}, r.trans_id);
  Document out(rapidjson::kObjectType);
  put(out, "tsResp", crypto::to_base64(*token));
  return success(r.trans_id, &out);
}

// getTSInfo: type 1 genTime (yyyyMMddHHmmss, China Standard Time), 2 the stamped hash (base64),
// 3 the TSA certificate the token carries (base64), 4 that certificate's serial number.
std::string Adapter::get_time_stamp_info(const Call& c) {
  const Request& r = c.r;
  Base64Field token = base64_field(r, "tsResp");
  if (!token.bytes) return token.refusal;
  std::string type = r.text("type");
  if (type != "1" && type != "2" && type != "3" && type != "4") {
    return answer({code::kBadParameter, "type应为1、2、3或4"}, r.trans_id);
  }
  auto contents = service::read_time_stamp(*token.bytes);
  if (!contents) return answer({89001027, "tsResp不是时间戳"}, r.trans_id);
  std::string info;
  if (type == "1") info = compact_china_time(contents->info.gen_time);
  if (type == "2") info = crypto::to_base64(contents->info.imprint.hashed_message);
  if (type == "3") {
    if (!contents->tsa_certificate) return answer({89003005, "时间戳不含证书"}, r.trans_id);
    info = crypto::to_base64(contents->tsa_certificate->der());
  }
  if (type == "4") info = contents->signer_serial;
  Document out(rapidjson::kObjectType);
  put(out, "tsInfo", info);
  return success(r.trans_id, &out);
}

// verifyTS: the token over oriData (hashed with the token's own algorithm), its TSA signature,
// certificate and chain at genTime; verifyRes as the manual lists it.
std::string Adapter::verify_time_stamp(const Call& c) {
  const Request& r = c.r;
  std::string data = r.text("oriData");
  if (data.empty()) return answer({code::kBadParameter, "缺少oriData"}, r.trans_id);
  Base64Field token = base64_field(r, "tsResp");
  if (!token.bytes) return token.refusal;
  auto contents = service::read_time_stamp(*token.bytes);
  std::string result = "-1";
  if (contents) {
    auto trust = s_.certificates.trust(c.now);
    if (!trust) return answer(refusal_of(trust.error()), r.trans_id);
    tsa::TokenExpectation expect;
    expect.data = {as_bytes(data)};
    expect.tsa_certificates = s_.tsa_certificates;
    result = verify_result(tsa::verify_token(contents->token, trust->policy(), expect));
  }
  Document out(rapidjson::kObjectType);
  put(out, "verifyRes", result);
  return success(r.trans_id, &out);
}

}  // namespace eseal::api::coss
