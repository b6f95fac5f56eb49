// The OES functions of oes/oes.h over the person's USB keys (service/usb_key.h) and the seal
// engine (ses/): a signature is prepared (TBS_Sign over the reader's digest), signed by the key
// and assembled, as every eseal signature is. No exception crosses the C boundary.
#include "oes/oes.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string>

#include "asn1/oid.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "keys/skf.h"
#include "pki/certificate.h"
#include "service/usb_key.h"
#include "ses/signature.h"
#include "ses/verify.h"

namespace eseal::oes {
namespace {

constexpr std::string_view kProviderName = "eseal OES";
constexpr std::string_view kCompany = "eseal";
constexpr std::string_view kVersion = "4.0";

// What went wrong last on this thread, beyond its code.
thread_local std::string last_detail;

int failed(int code, std::string detail) {
  last_detail = std::move(detail);
  return code;
}

struct Session {
  std::mutex mutex;
  std::shared_ptr<keys::SkfLibrary> library;
  std::optional<service::UsbKeySeal> key;  // after Login
  std::string verify_info;                 // the checks of the last verification
  // The signature made when a reader asked for its length: an SM2 signature's length varies, so
  // the call with the buffer gets the same one. Keyed by seal, property and digest.
  std::string measured_for;
  Bytes measured;
};

struct Hash {
  crypto::HashAlgorithm algorithm;
  crypto::Hasher hasher;
};

std::mutex registry_mutex;
std::set<void*>& registry() {
  static std::set<void*> handles;
  return handles;
}

void enroll(void* handle) {
  std::lock_guard lock(registry_mutex);
  registry().insert(handle);
}
bool enrolled(void* handle) {
  std::lock_guard lock(registry_mutex);
  return registry().count(handle) > 0;
}
bool withdraw(void* handle) {
  std::lock_guard lock(registry_mutex);
  return registry().erase(handle) > 0;
}

// The USB key library: ESEAL_SKF_LIBRARY, else eseal's software key beside this library.
std::string skf_library_path() {
  if (const char* named = std::getenv("ESEAL_SKF_LIBRARY"); named && *named) return named;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&skf_library_path), &info) && info.dli_fname) {
    return (std::filesystem::path(info.dli_fname).parent_path() / "libeseal-softskf.so").string();
  }
  return "libeseal-softskf.so";
}

Result<std::shared_ptr<keys::SkfLibrary>> load_library() {
  return keys::SkfLibrary::load(skf_library_path());
}

// --- buffers -------------------------------------------------------------------------------------

struct Out {
  unsigned char* buffer;
  int* length;
};

// Writes `value` as the convention says: a null buffer asks for the length.
int put(std::string_view value, Out out) {
  if (!out.length) return failed(OES_E_ARGUMENT, "a length pointer is null");
  int needed = static_cast<int>(value.size());
  if (!out.buffer) {
    *out.length = needed;
    return OES_OK;
  }
  if (*out.length < needed) {
    *out.length = needed;
    return failed(OES_E_BUFFER, "the buffer holds " + std::to_string(needed) + " bytes at least");
  }
  std::memcpy(out.buffer, value.data(), value.size());
  *out.length = needed;
  return OES_OK;
}
int put(ByteView value, Out out) {
  return put(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()), out);
}

// Several outputs: every one written (or measured); the first failure is the answer.
int put_all(std::initializer_list<std::pair<std::string_view, Out>> outputs) {
  int result = OES_OK;
  for (const auto& [value, out] : outputs) {
    int r = put(value, out);
    if (result == OES_OK) result = r;
  }
  return result;
}

std::optional<std::string> text(const unsigned char* data, int length) {
  if (length < 0 || (!data && length > 0)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
}
std::optional<ByteView> bytes(const unsigned char* data, int length) {
  if (length < 0 || (!data && length > 0)) return std::nullopt;
  return ByteView(data, static_cast<std::size_t>(length));
}

std::string as_text(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// --- methods and times ---------------------------------------------------------------------------

std::optional<crypto::HashAlgorithm> digest_method(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
  if (name.empty() || name == "SM3" || name == asn1::oid::kSm3) return crypto::HashAlgorithm::kSm3;
  if (name == "SHA256" || name == "2.16.840.1.101.3.4.2.1") return crypto::HashAlgorithm::kSha256;
  if (name == "SHA1" || name == "1.3.14.3.2.26") return crypto::HashAlgorithm::kSha1;
  return std::nullopt;
}

std::string time_text(Time t, const char* format) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char out[32];
  std::strftime(out, sizeof out, format, &parts);
  return out;
}
std::string v4_time(Time t) {
  return time_text(t, "%Y%m%d%H%M%SZ");
}

std::string picture_type(const ses::SealPicture& picture) {
  std::string type = picture.type;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return type;
}

int put_picture(const ses::SealPicture& picture, Out data, Out type, int* width, int* height) {
  if (width) *width = static_cast<int>(picture.width_mm);
  if (height) *height = static_cast<int>(picture.height_mm);
  std::string kind = picture_type(picture);
  if (!type.length) return put(picture.data, data);
  return put_all({{as_text(picture.data), data}, {kind, type}});
}

// --- the keys' seals -----------------------------------------------------------------------------

struct KeySeal {
  std::string device;
  ses::SesSeal seal;
};

Result<std::vector<KeySeal>> key_seals(keys::SkfLibrary& library) {
  auto devices = library.devices();
  if (!devices) return devices.error();
  std::vector<KeySeal> out;
  for (const auto& device : *devices) {
    auto seal = service::read_usb_key_seal(library, device);
    if (seal) out.push_back({device, std::move(*seal)});
  }
  return out;
}

// The signers' certificates of the seals on the keys present.
Result<std::vector<pki::Certificate>> key_certificates(keys::SkfLibrary& library) {
  auto seals = key_seals(library);
  if (!seals) return seals.error();
  std::vector<pki::Certificate> out;
  for (const auto& k : *seals) {
    for (const auto& der : k.seal.info.signer_certs) {
      if (auto cert = pki::Certificate::from_der(der)) out.push_back(std::move(*cert));
    }
  }
  return out;
}

int seal_list(keys::SkfLibrary& library, Out out) {
  auto seals = key_seals(library);
  if (!seals) return failed(OES_E_NO_KEY, seals.error().message);
  std::string list;
  for (const auto& s : *seals) {
    list += s.seal.info.es_id;
    list += '\0';
    list += s.seal.info.name;
    list += '\0';
  }
  list += '\0';
  return put(list, out);
}

Result<KeySeal> key_seal(keys::SkfLibrary& library, const std::string& id) {
  auto seals = key_seals(library);
  if (!seals) return seals.error();
  for (auto& s : *seals) {
    if (s.seal.info.es_id == id || s.seal.info.name == id) return std::move(s);
  }
  return Error::not_found("no seal " + id + " on the USB keys present");
}

// --- verification --------------------------------------------------------------------------------

std::string describe(const ses::Verdict& verdict) {
  std::string out;
  for (const auto& check : verdict.checks) {
    out += check.name + ": " + std::string(ses::result_name(check.result));
    if (!check.detail.empty()) out += " (" + check.detail + ")";
    out += "\n";
  }
  return out;
}

// The signature over `digest`: OK when it, its seal and the digest hold (and, with
// ESEAL_OES_ROOTS, the chains to those roots); `info` gets every check.
int verify(ByteView digest, ByteView value, ByteView seal_data, std::string& info) {
  auto signature = ses::decode_signature(value);
  if (!signature) return failed(OES_E_DECODE, signature.error().message);
  if (!seal_data.empty() &&
      !std::equal(seal_data.begin(), seal_data.end(), signature->seal.encoded.begin(),
                  signature->seal.encoded.end())) {
    return failed(OES_E_VERIFY, "the signature carries another seal than the one given");
  }
  std::vector<pki::Certificate> roots;
  const char* roots_file = std::getenv("ESEAL_OES_ROOTS");
  if (roots_file && *roots_file) {
    auto pem = read_file(roots_file);
    auto parsed =
        pem ? pki::parse_certificates(*pem) : Result<std::vector<pki::Certificate>>(pem.error());
    if (!parsed || parsed->empty()) {
      return failed(OES_E_ARGUMENT,
                    std::string("ESEAL_OES_ROOTS names no certificates: ") + roots_file);
    }
    roots = std::move(*parsed);
  }
  ses::TrustPolicy trust;
  trust.trusted = roots;
  trust.end_crl_required = false;
  ses::Verdict verdict = ses::verify_signature(*signature, trust, digest);
  info = describe(verdict);
  ses::Outcome outcome = verdict.outcome();
  if (outcome.indication == ses::Indication::kFailed) {
    return failed(OES_E_VERIFY, outcome.findings.empty() ? "" : outcome.findings.front());
  }
  if (outcome.indication == ses::Indication::kValid || roots.empty()) return OES_OK;
  return failed(OES_E_UNDECIDED, outcome.findings.empty() ? "" : outcome.findings.front());
}

// --- sessions ------------------------------------------------------------------------------------

Session* session_of(OES_HANDLE handle) {
  return handle && enrolled(handle) ? static_cast<Session*>(handle) : nullptr;
}

// The seal the id names on the keys of session `handle`, into `found`; else the failure's code.
int seal_by_id(OES_HANDLE handle, const unsigned char* id, int length, KeySeal& found) {
  Session* s = session_of(handle);
  if (!s) return failed(OES_E_SESSION, "not an open session");
  auto named = text(id, length);
  if (!named) return failed(OES_E_ARGUMENT, "no seal id");
  auto seal = key_seal(*s->library, *named);
  if (!seal) return failed(OES_E_NO_SEAL, seal.error().message);
  found = std::move(*seal);
  return OES_OK;
}

std::string message_of(unsigned long code) {
  switch (code) {
    case OES_OK:
      return "成功";
    case OES_NEED_PIN:
      return "需要先登录（输入USBKey的PIN码）";
    case OES_CANCEL:
      return "用户取消";
    case OES_E_BUFFER:
      return "缓冲区太小";
    case OES_E_ARGUMENT:
      return "参数错误";
    case OES_E_SESSION:
      return "会话无效";
    case OES_E_NO_KEY:
      return "未找到USBKey或无法加载其接口库";
    case OES_E_NO_SEAL:
      return "USBKey中没有该印章";
    case OES_E_PIN:
      return "PIN码错误或USBKey已锁定";
    case OES_E_METHOD:
      return "不支持的摘要或签名算法";
    case OES_E_SIGN:
      return "签章失败";
    case OES_E_DECODE:
      return "签章数据或印章数据无法解析";
    case OES_E_VERIFY:
      return "验证失败";
    case OES_E_UNDECIDED:
      return "签章未发现错误，但证书链无法确认可信";
    default:
      return "未知错误";
  }
}

int error_message(Session* session, unsigned long code, Out out) {
  if (code == OES_VERIFYINFO) {
    if (!session) return failed(OES_E_SESSION, "OES_VERIFYINFO needs the verifying session");
    return put(session->verify_info, out);
  }
  std::string message = message_of(code);
  if (code != OES_OK && !last_detail.empty()) message += "：" + last_detail;
  return put(message, out);
}

template <typename F>
auto guarded(F&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return failed(OES_E_SIGN, "out of memory");
  } catch (...) {
    return failed(OES_E_SIGN, "unexpected failure");
  }
}

int provider_info(Out name, Out company, Out version, Out extend) {
  return put_all({{kProviderName, name},
                  {kCompany, company},
                  {kVersion, version},
                  {"USB keys by GM/T 0016 (ESEAL_SKF_LIBRARY)", extend}});
}

unsigned long digest(ByteView data, const std::string& method, Out out) {
  auto algorithm = digest_method(method);
  if (!algorithm) return failed(OES_E_METHOD, method);
  return put(crypto::hash(*algorithm, data), out);
}

}  // namespace
}  // namespace eseal::oes

using namespace eseal;
using namespace eseal::oes;

#define OES_EXPORT extern "C" __attribute__((visibility("default")))

// --- OESV4 ---------------------------------------------------------------------------------------

OES_EXPORT int OESV4_GetProviderInfo(unsigned char* puchName, int* piNameLen,
                                     unsigned char* puchCompany, int* piCompanyLen,
                                     unsigned char* puchVersion, int* piVersionLen,
                                     unsigned char* puchExtend, int* piExtendLen) {
  return guarded([&] {
    return provider_info({puchName, piNameLen}, {puchCompany, piCompanyLen},
                         {puchVersion, piVersionLen}, {puchExtend, piExtendLen});
  });
}

OES_EXPORT int OESV4_GetProtocolVersion(unsigned char* puchVersion, int* piVersionLen) {
  return guarded([&] { return put("4", {puchVersion, piVersionLen}); });
}

OES_EXPORT int OESV4_OpenSession(OES_HANDLE* phSession) {
  return guarded([&] {
    if (!phSession) return failed(OES_E_ARGUMENT, "no place for the session");
    auto library = load_library();
    if (!library) return failed(OES_E_NO_KEY, library.error().message);
    auto session = std::make_unique<Session>();
    session->library = std::move(*library);
    *phSession = session.get();
    enroll(session.release());
    return OES_OK;
  });
}

OES_EXPORT int OESV4_CloseSession(OES_HANDLE hSession) {
  return guarded([&] {
    if (!withdraw(hSession)) return failed(OES_E_SESSION, "not an open session");
    delete static_cast<Session*>(hSession);
    return OES_OK;
  });
}

OES_EXPORT int OESV4_Login(OES_HANDLE hSession, const unsigned char* puchPIN, int iPINLen) {
  return guarded([&] {
    Session* s = session_of(hSession);
    if (!s) return failed(OES_E_SESSION, "not an open session");
    auto pin = text(puchPIN, iPINLen);
    if (!pin || pin->empty()) return failed(OES_E_ARGUMENT, "no PIN");
    std::lock_guard lock(s->mutex);
    s->key.reset();
    s->measured_for.clear();
    auto key = service::open_usb_key_seal(*s->library, "", *pin);
    std::fill(pin->begin(), pin->end(), '\0');
    if (!key) {
      bool wrong = key.error().code == keys::kDevicePinIncorrect ||
                   key.error().code == keys::kDevicePinLocked;
      return failed(wrong ? OES_E_PIN : OES_E_NO_SEAL, key.error().message);
    }
    s->key = std::move(*key);
    return OES_OK;
  });
}

OES_EXPORT int OESV4_Logout(OES_HANDLE hSession) {
  return guarded([&] {
    Session* s = session_of(hSession);
    if (!s) return failed(OES_E_SESSION, "not an open session");
    std::lock_guard lock(s->mutex);
    s->key.reset();
    s->measured_for.clear();
    return OES_OK;
  });
}

OES_EXPORT int OESV4_GetSealList(OES_HANDLE hSession, unsigned char* puchSealList,
                                 int* piSealListLen) {
  return guarded([&] {
    Session* s = session_of(hSession);
    if (!s) return failed(OES_E_SESSION, "not an open session");
    return seal_list(*s->library, {puchSealList, piSealListLen});
  });
}

OES_EXPORT int OESV4_GetSealImageById(OES_HANDLE hSession, const unsigned char* puchSealId,
                                      int iSealIdLen, unsigned char* puchPicture, int* piPictureLen,
                                      unsigned char* puchPictureType, int* piPictureTypeLen,
                                      int* piPictureWidth, int* piPictureHeight) {
  return guarded([&] {
    KeySeal found;
    if (int code = seal_by_id(hSession, puchSealId, iSealIdLen, found); code != OES_OK) {
      return code;
    }
    return put_picture(found.seal.info.picture, {puchPicture, piPictureLen},
                       {puchPictureType, piPictureTypeLen}, piPictureWidth, piPictureHeight);
  });
}

OES_EXPORT int OESV4_GetSealInfoById(
    OES_HANDLE hSession, const unsigned char* puchSealId, int iSealIdLen,
    unsigned char* puchVersion, int* piVersionLen, unsigned char* puchVenderId, int* piVenderIdLen,
    unsigned char* puchSealType, int* piSealTypeLen, unsigned char* puchSealName,
    int* piSealNameLen, unsigned char* puchCertList, int* piCertListLen,
    unsigned char* puchSignedDate, int* piSignedDateLen, unsigned char* puchValidStart,
    int* piValidStartLen, unsigned char* puchValidEnd, int* piValidEndLen,
    unsigned char* puchSignerName, int* piSignerNameLen, unsigned char* puchSignMethod,
    int* piSignMethodLen, unsigned char* puchSignature, int* piSignatureLen) {
  return guarded([&] {
    KeySeal found;
    if (int code = seal_by_id(hSession, puchSealId, iSealIdLen, found); code != OES_OK) {
      return code;
    }
    const ses::SesSeal& seal = found.seal;
    std::string maker;
    if (auto cert = pki::Certificate::from_der(seal.maker_cert)) maker = cert->subject().get("CN");
    std::string certificate =
        seal.info.signer_certs.empty() ? std::string() : as_text(seal.info.signer_certs.front());
    return put_all({{seal.version == ses::SesVersion::kV4 ? "4" : "1", {puchVersion, piVersionLen}},
                    {seal.info.vid, {puchVenderId, piVenderIdLen}},
                    {std::to_string(seal.info.type), {puchSealType, piSealTypeLen}},
                    {seal.info.name, {puchSealName, piSealNameLen}},
                    {certificate, {puchCertList, piCertListLen}},
                    {v4_time(seal.info.create_date), {puchSignedDate, piSignedDateLen}},
                    {v4_time(seal.info.valid_start), {puchValidStart, piValidStartLen}},
                    {v4_time(seal.info.valid_end), {puchValidEnd, piValidEndLen}},
                    {maker, {puchSignerName, piSignerNameLen}},
                    {seal.signature_algorithm, {puchSignMethod, piSignMethodLen}},
                    {as_text(seal.maker_signature), {puchSignature, piSignatureLen}}});
  });
}

OES_EXPORT int OESV4_GetCertList(OES_HANDLE hSession, unsigned char* puchCertList,
                                 int* piCertListLen) {
  return guarded([&] {
    Session* s = session_of(hSession);
    if (!s) return failed(OES_E_SESSION, "not an open session");
    auto certificates = key_certificates(*s->library);
    if (!certificates) return failed(OES_E_NO_KEY, certificates.error().message);
    std::string list;
    for (const auto& cert : *certificates) {
      list += cert.serial_hex();
      list += '\0';
      list += cert.subject().get("CN");
      list += '\0';
    }
    list += '\0';
    return put(list, {puchCertList, piCertListLen});
  });
}

OES_EXPORT int OESV4_GetCertById(OES_HANDLE hSession, const unsigned char* puchCertId,
                                 int iCertIdLen, unsigned char* puchCert, int* piCertLen) {
  return guarded([&] {
    Session* s = session_of(hSession);
    if (!s) return failed(OES_E_SESSION, "not an open session");
    auto id = text(puchCertId, iCertIdLen);
    if (!id) return failed(OES_E_ARGUMENT, "no certificate id");
    auto certificates = key_certificates(*s->library);
    if (!certificates) return failed(OES_E_NO_KEY, certificates.error().message);
    for (const auto& cert : *certificates) {
      if (cert.serial_hex() == *id) return put(ByteView(cert.der()), {puchCert, piCertLen});
    }
    return failed(OES_E_NO_SEAL, "no certificate " + *id + " on the USB keys present");
  });
}

OES_EXPORT int OESV4_GetSignImage(OES_HANDLE hSession, const unsigned char* puchSignedValue,
                                  int iSignedValueLen, const unsigned char*, int,
                                  unsigned char* puchPicture, int* piPictureLen,
                                  unsigned char* puchPictureType, int* piPictureTypeLen,
                                  int* piPictureWidth, int* piPictureHeight) {
  return guarded([&] {
    (void)hSession;  // drawing needs no key: readers call it with any session
    auto value = bytes(puchSignedValue, iSignedValueLen);
    if (!value) return failed(OES_E_ARGUMENT, "no signature value");
    auto signature = ses::decode_signature(*value);
    if (!signature) return failed(OES_E_DECODE, signature.error().message);
    return put_picture(signature->seal.info.picture, {puchPicture, piPictureLen},
                       {puchPictureType, piPictureTypeLen}, piPictureWidth, piPictureHeight);
  });
}

OES_EXPORT int OESV4_GetSealImage(OES_HANDLE hSession, const unsigned char* puchSealData,
                                  int iSealDataLen, const unsigned char*, int,
                                  unsigned char* puchPicture, int* piPictureLen,
                                  unsigned char* puchPictureType, int* piPictureTypeLen,
                                  int* piPictureWidth, int* piPictureHeight) {
  return guarded([&] {
    (void)hSession;
    auto data = bytes(puchSealData, iSealDataLen);
    if (!data) return failed(OES_E_ARGUMENT, "no seal data");
    auto seal = ses::decode_seal(*data);
    if (!seal) return failed(OES_E_DECODE, seal.error().message);
    return put_picture(seal->info.picture, {puchPicture, piPictureLen},
                       {puchPictureType, piPictureTypeLen}, piPictureWidth, piPictureHeight);
  });
}

OES_EXPORT int OESV4_GetDigestMethod(OES_HANDLE, unsigned char* puchMethod, int* piMethodLen) {
  return guarded([&] { return put(asn1::oid::kSm3, {puchMethod, piMethodLen}); });
}

OES_EXPORT int OESV4_GetSignMethod(OES_HANDLE, unsigned char* puchMethod, int* piMethodLen) {
  return guarded([&] { return put(asn1::oid::kSm3WithSm2, {puchMethod, piMethodLen}); });
}

OES_EXPORT int OESV4_GetDateTime(OES_HANDLE, unsigned char* puchDateTime, int* piDateTimeLen) {
  return guarded([&] { return put(v4_time(now_utc()), {puchDateTime, piDateTimeLen}); });
}

OES_EXPORT unsigned long OESV4_Digest(OES_HANDLE, const unsigned char* puchData, int iDataLen,
                                      const unsigned char* puchDigestMethod, int iDigestMethodLen,
                                      unsigned char* puchDigestValue, int* piDigestValueLen) {
  return guarded([&]() -> unsigned long {
    auto data = bytes(puchData, iDataLen);
    auto method = text(puchDigestMethod, iDigestMethodLen);
    if (!data || !method) return failed(OES_E_ARGUMENT, "no data or method");
    return digest(*data, *method, {puchDigestValue, piDigestValueLen});
  });
}

OES_EXPORT unsigned long OESV4_Digest_Init(OES_HANDLE, const unsigned char* puchDigestMethod,
                                           int iDigestMethodLen, OES_HANDLE* phHash) {
  return guarded([&]() -> unsigned long {
    auto method = text(puchDigestMethod, iDigestMethodLen);
    if (!method || !phHash) return failed(OES_E_ARGUMENT, "no method or no place for the hash");
    auto algorithm = digest_method(*method);
    if (!algorithm) return failed(OES_E_METHOD, *method);
    auto hash = std::make_unique<Hash>(Hash{*algorithm, crypto::Hasher(*algorithm)});
    *phHash = hash.get();
    enroll(hash.release());
    return OES_OK;
  });
}

OES_EXPORT unsigned long OESV4_Digest_Update(OES_HANDLE, OES_HANDLE hHash,
                                             const unsigned char* puchData, int iDataLen) {
  return guarded([&]() -> unsigned long {
    auto data = bytes(puchData, iDataLen);
    if (!data || !enrolled(hHash)) return failed(OES_E_ARGUMENT, "not a hash of this module");
    static_cast<Hash*>(hHash)->hasher.update(*data);
    return OES_OK;
  });
}

OES_EXPORT unsigned long OESV4_Digest_Final(OES_HANDLE, OES_HANDLE hHash,
                                            unsigned char* puchDigestValue, int* piDigestValueLen) {
  return guarded([&]() -> unsigned long {
    if (!enrolled(hHash)) return failed(OES_E_ARGUMENT, "not a hash of this module");
    // Asked for the length first: the hash goes on until the value is taken.
    if (!puchDigestValue) {
      if (!piDigestValueLen) return failed(OES_E_ARGUMENT, "a length pointer is null");
      *piDigestValueLen =
          static_cast<int>(crypto::digest_size(static_cast<Hash*>(hHash)->algorithm));
      return OES_OK;
    }
    withdraw(hHash);
    std::unique_ptr<Hash> hash(static_cast<Hash*>(hHash));
    return put(hash->hasher.finish(), {puchDigestValue, piDigestValueLen});
  });
}

OES_EXPORT unsigned long OESV4_Sign(OES_HANDLE hSession, const unsigned char* puchSealId,
                                    int iSealIdLen, const unsigned char* puchDocProperty,
                                    int iDocPropertyLen, const unsigned char* puchDigestData,
                                    int iDigestDataLen, unsigned char* puchSignValue,
                                    int* piSignValueLen) {
  return guarded([&]() -> unsigned long {
    Session* s = session_of(hSession);
    if (!s) return failed(OES_E_SESSION, "not an open session");
    auto id = text(puchSealId, iSealIdLen);
    auto property = text(puchDocProperty, iDocPropertyLen);
    auto digest_data = bytes(puchDigestData, iDigestDataLen);
    if (!id || !property || !digest_data || digest_data->empty()) {
      return failed(OES_E_ARGUMENT, "a seal id, the document property and a digest");
    }
    std::lock_guard lock(s->mutex);
    if (!s->key) return failed(OES_NEED_PIN, "");
    const ses::SesSeal& seal = s->key->seal;
    if (seal.info.es_id != *id && seal.info.name != *id) {
      return failed(OES_E_NO_SEAL, "the key logged in holds " + seal.info.es_id + ", not " + *id);
    }
    std::string request = *id + '\0' + *property + '\0' + as_text(*digest_data);
    if (s->measured_for != request) {
      // Prepare, sign with the key, complete: as every eseal signature.
      auto tbs = ses::encode_tbs_sign(seal, now_utc(), *digest_data, *property);
      if (!tbs) return failed(OES_E_ARGUMENT, tbs.error().message);
      auto value = s->key->signer->sign(*tbs);
      if (!value) return failed(OES_E_SIGN, value.error().message);
      auto signature = ses::assemble_signature(*tbs, s->key->signer->certificate(), *value);
      if (!signature) return failed(OES_E_SIGN, signature.error().message);
      s->measured_for = request;
      s->measured = std::move(signature->encoded);
    }
    int result = put(s->measured, {puchSignValue, piSignValueLen});
    if (result == OES_OK && puchSignValue) s->measured_for.clear();
    return result;
  });
}

OES_EXPORT unsigned long OESV4_Verify(OES_HANDLE hSession, const unsigned char* puchDigestData,
                                      int iDigestDataLen, const unsigned char* puchSignValue,
                                      int iSignValueLen, int) {
  return guarded([&]() -> unsigned long {
    auto digest_data = bytes(puchDigestData, iDigestDataLen);
    auto value = bytes(puchSignValue, iSignValueLen);
    if (!digest_data || !value) return failed(OES_E_ARGUMENT, "a digest and a signature value");
    std::string info;
    int result = verify(*digest_data, *value, {}, info);
    // Some readers pass the session's address: the checks go to a session only when it is one.
    if (Session* s = session_of(hSession)) {
      std::lock_guard lock(s->mutex);
      s->verify_info = info;
    }
    return result;
  });
}

OES_EXPORT int OESV4_GetErrMessage(OES_HANDLE hSession, unsigned long errCode,
                                   unsigned char* puchErrMessage, int* piErrMessageLen) {
  return guarded([&] {
    return error_message(session_of(hSession), errCode, {puchErrMessage, piErrMessageLen});
  });
}

// --- version 2 -----------------------------------------------------------------------------------

OES_EXPORT int OES_GetProviderInfo(unsigned char* puchName, int* piNameLen,
                                   unsigned char* puchCompany, int* piCompanyLen,
                                   unsigned char* puchVersion, int* piVersionLen,
                                   unsigned char* puchExtend, int* piExtendLen) {
  return guarded([&] {
    return put_all({{kProviderName, {puchName, piNameLen}},
                    {kCompany, {puchCompany, piCompanyLen}},
                    {"2.0", {puchVersion, piVersionLen}},
                    {"USB keys by GM/T 0016 (ESEAL_SKF_LIBRARY)", {puchExtend, piExtendLen}}});
  });
}

OES_EXPORT int OES_GetSealList(unsigned char* puchSealList, int* piSealListLen) {
  return guarded([&] {
    auto library = load_library();
    if (!library) return failed(OES_E_NO_KEY, library.error().message);
    return seal_list(**library, {puchSealList, piSealListLen});
  });
}

OES_EXPORT int OES_GetSeal(const unsigned char* puchSealId, int iSealIdLen,
                           unsigned char* puchSealData, int* piSealDataLen) {
  return guarded([&] {
    auto id = text(puchSealId, iSealIdLen);
    if (!id) return failed(OES_E_ARGUMENT, "no seal id");
    auto library = load_library();
    if (!library) return failed(OES_E_NO_KEY, library.error().message);
    auto found = key_seal(**library, *id);
    if (!found) return failed(OES_E_NO_SEAL, found.error().message);
    return put(ByteView(found->seal.encoded), {puchSealData, piSealDataLen});
  });
}

OES_EXPORT int OES_GetSealImage(const unsigned char* puchSealData, int iSealDataLen, int,
                                unsigned char* puchPicture, int* piPictureLen, int* piPictureWidth,
                                int* piPictureHeight) {
  return OESV4_GetSealImage(nullptr, puchSealData, iSealDataLen, nullptr, 0, puchPicture,
                            piPictureLen, nullptr, nullptr, piPictureWidth, piPictureHeight);
}

OES_EXPORT int OES_GetSignImage(const unsigned char* puchSignedValue, int iSignedValueLen, int,
                                unsigned char* puchPicture, int* piPictureLen, int* piPictureWidth,
                                int* piPictureHeight) {
  return OESV4_GetSignImage(nullptr, puchSignedValue, iSignedValueLen, nullptr, 0, puchPicture,
                            piPictureLen, nullptr, nullptr, piPictureWidth, piPictureHeight);
}

OES_EXPORT int OES_GetSignDateTime(unsigned char* puchDateTime, int* piDateTimeLen) {
  return guarded([&] {
    return put(time_text(now_utc(), "%Y-%m-%d %H:%M:%S"), {puchDateTime, piDateTimeLen});
  });
}

OES_EXPORT int OES_GetSignMethod(unsigned char* puchMethod, int* piMethodLen) {
  return OESV4_GetSignMethod(nullptr, puchMethod, piMethodLen);
}

OES_EXPORT int OES_GetDigestMethod(unsigned char* puchMethod, int* piMethodLen) {
  return OESV4_GetDigestMethod(nullptr, puchMethod, piMethodLen);
}

OES_EXPORT unsigned long OES_Digest(const unsigned char* puchData, int iDataLen,
                                    const unsigned char* puchDigestMethod, int iDigestMethodLen,
                                    unsigned char* puchDigestValue, int* piDigestValueLen) {
  return OESV4_Digest(nullptr, puchData, iDataLen, puchDigestMethod, iDigestMethodLen,
                      puchDigestValue, piDigestValueLen);
}

OES_EXPORT unsigned long OES_Verify(const unsigned char* puchSealData, int iSealDataLen,
                                    const unsigned char*, int, const unsigned char* puchDigestData,
                                    int iDigestDataLen, const unsigned char*, int,
                                    const unsigned char*, int, const unsigned char* puchSignValue,
                                    int iSignValueLen, int) {
  return guarded([&]() -> unsigned long {
    auto seal = bytes(puchSealData, iSealDataLen);
    auto digest_data = bytes(puchDigestData, iDigestDataLen);
    auto value = bytes(puchSignValue, iSignValueLen);
    if (!seal || !digest_data || !value) return failed(OES_E_ARGUMENT, "missing arguments");
    std::string info;
    return verify(*digest_data, *value, *seal, info);
  });
}

OES_EXPORT int OES_GetErrMessage(unsigned long errCode, unsigned char* puchErrMessage,
                                 int* piErrMessageLen) {
  return OESV4_GetErrMessage(nullptr, errCode, puchErrMessage, piErrMessageLen);
}
