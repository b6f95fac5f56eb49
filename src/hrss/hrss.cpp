// The C functions of hrss/hrss.h over one process-wide Session. Each takes the session's lock,
// records the calling thread's last failure, and lets no exception out.
#include "hrss/hrss.h"

#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "base/file.h"
#include "crypto/encoding.h"
#include "hrss/session.h"
#include "pki/certificate.h"

namespace eseal::hrss {
namespace {

struct Library {
  std::mutex mutex;
  Session session;
  ESEAL_HRSS_HOST host{};
};

Library& library() {
  static Library instance;
  return instance;
}

struct LastError {
  int number = 0;
  std::string message;
};
thread_local LastError last_error;
thread_local std::string returned;  // a string handed back: valid until the thread's next call

using Lock = std::lock_guard<std::mutex>;

void record(const Error& error) {
  last_error = {failure_number(error), error.message};
}

// Runs `body` (returning a Status) under the lock: 1 on success, 0 or the error number on
// failure (`negative`).
template <typename F>
short run(F&& body, bool negative = false) noexcept {
  try {
    Lock lock(library().mutex);
    Status status = body(library().session);
    if (status) {
      last_error = {};
      return 1;
    }
    record(status.error());
    return static_cast<short>(negative ? last_error.number : 0);
  } catch (const std::bad_alloc&) {
    last_error = {static_cast<int>(Failure::kSign), "out of memory"};
  } catch (...) {
    last_error = {static_cast<int>(Failure::kSign), "unexpected failure"};
  }
  return static_cast<short>(negative ? last_error.number : 0);
}

// Runs `body` (returning a Result<T>) under the lock; `fallback` on failure.
template <typename T, typename F>
T value(F&& body, T fallback) noexcept {
  try {
    Lock lock(library().mutex);
    auto result = body(library().session);
    if (result) {
      last_error = {};
      return static_cast<T>(*result);
    }
    record(result.error());
  } catch (...) {
    last_error = {static_cast<int>(Failure::kSign), "unexpected failure"};
  }
  return fallback;
}

// A string result: "" on failure.
template <typename F>
const char* text(F&& body) noexcept {
  try {
    Lock lock(library().mutex);
    Result<std::string> result = body(library().session);
    if (result) {
      last_error = {};
      returned = std::move(*result);
    } else {
      record(result.error());
      returned.clear();
    }
  } catch (...) {
    last_error = {static_cast<int>(Failure::kSign), "unexpected failure"};
    returned.clear();
  }
  return returned.c_str();
}

std::string string_of(const char* text) {
  return text ? std::string(text) : std::string();
}

// A viewer-only function: the host does it, or it fails with kNoViewer.
Status viewer(int (*callback)(void*), const char* what) {
  if (!callback) return failure(Failure::kNoViewer, std::string(what) + " needs the viewer");
  if (!callback(library().host.context)) return failure(Failure::kArgument, "cancelled");
  return ok_status();
}

// The host's file dialog: the path chosen, or kNoViewer / cancelled.
Result<std::string> chosen_file(bool saving) {
  const auto& host = library().host;
  if (!host.choose_file) return failure(Failure::kNoViewer, "the file dialog needs the viewer");
  char path[4096] = {};
  if (!host.choose_file(host.context, saving ? 1 : 0, path, sizeof path)) {
    return failure(Failure::kArgument, "cancelled");
  }
  path[sizeof path - 1] = '\0';
  return std::string(path);
}

// Where the person put the seal, through the host; the view goes to its page.
struct Placed {
  int page = 0;
  double x = 0, y = 0;
};
Result<Placed> placed(Session& session, bool cross_page) {
  const auto& host = library().host;
  if (!host.place_seal) return failure(Failure::kNoViewer, "placing a seal needs the viewer");
  Placed at{session.page()};
  if (!host.place_seal(host.context, cross_page ? 1 : 0, &at.page, &at.x, &at.y)) {
    return failure(Failure::kArgument, "cancelled");
  }
  if (auto moved = session.go_to(at.page); !moved) return moved.error();
  return at;
}

void use_host_pin(Session& session) {
  session.use_pin_source([](unsigned tries_left) -> std::optional<std::string> {
    const auto& host = library().host;
    if (!host.ask_pin) return std::nullopt;
    char pin[256] = {};
    if (!host.ask_pin(host.context, tries_left, pin, sizeof pin)) return std::nullopt;
    pin[sizeof pin - 1] = '\0';
    std::string out(pin);
    std::memset(pin, 0, sizeof pin);
    return out;
  });
}

}  // namespace
}  // namespace eseal::hrss

using namespace eseal;
using namespace eseal::hrss;

#define HRSS_EXPORT extern "C" __attribute__((visibility("default")))

HRSS_EXPORT short HRSSOpenFile(void) {
  return run([](Session& s) -> Status {
    auto path = chosen_file(false);
    if (!path) return path.error();
    return s.open_path(*path, false);
  });
}

HRSS_EXPORT short HRSSOpenFileByPath(const char* szFilePath, short iType) {
  return run([&](Session& s) -> Status {
    if (!szFilePath || (iType != 0 && iType != 1)) {
      return failure(Failure::kArgument, "a path, and iType 0 (local) or 1 (network)");
    }
    return s.open_path(szFilePath, iType == 1);
  });
}

HRSS_EXPORT short HRSSCloseFile(void) {
  return run([](Session& s) -> Status {
    if (!s.is_open()) return failure(Failure::kNoDocument, "no document is open");
    s.close();
    return ok_status();
  });
}

HRSS_EXPORT short HRSSFileSaveAs(void) {
  return run([](Session& s) -> Status {
    if (!s.is_open()) return failure(Failure::kNoDocument, "no document is open");
    auto path = chosen_file(true);
    if (!path) return path.error();
    return s.save_to(*path);
  });
}

HRSS_EXPORT short HRSSPrintFile(void) {
  return run([](Session& s) -> Status {
    if (!s.is_open()) return failure(Failure::kNoDocument, "no document is open");
    return viewer(library().host.print, "printing");
  });
}

HRSS_EXPORT short HRSSFileZoomLarge(void) {
  return run([](Session& s) { return s.zoom_by(1); });
}

HRSS_EXPORT short HRSSFileZoomSmall(void) {
  return run([](Session& s) { return s.zoom_by(-1); });
}

HRSS_EXPORT short HRSSFileRotateLeft(void) {
  return run([](Session& s) { return s.rotate(-1); });
}

HRSS_EXPORT short HRSSFileRotateRight(void) {
  return run([](Session& s) { return s.rotate(1); });
}

HRSS_EXPORT void HRSSGoToNextPage(void) {
  run([](Session& s) { return s.go_to(s.page() + 1); });
}

HRSS_EXPORT void HRSSGoToPrevPage(void) {
  run([](Session& s) { return s.go_to(s.page() - 1); });
}

HRSS_EXPORT void HRSSGoToFirstPage(void) {
  run([](Session& s) { return s.go_to(1); });
}

HRSS_EXPORT void HRSSGoToLastPage(void) {
  run([](Session& s) { return s.go_to(s.page_count()); });
}

HRSS_EXPORT short HRSSGoToPage(short pageNo) {
  return run([&](Session& s) { return s.go_to(pageNo); });
}

HRSS_EXPORT void HRSSShowToolBarButton(short nIndex, int bShow) {
  run([&](Session& s) {
    s.show_button(nIndex, bShow != 0);
    return ok_status();
  });
}

HRSS_EXPORT short HRSSInsertESeal(void) {
  return run([](Session& s) -> Status {
    if (!s.is_open()) return failure(Failure::kNoDocument, "no document is open");
    auto at = placed(s, false);
    if (!at) return at.error();
    use_host_pin(s);
    return s.sign_at(std::to_string(at->page), at->x, at->y, now_utc());
  });
}

HRSS_EXPORT short HRSSInsertPagingESeal(void) {
  return run([](Session& s) -> Status {
    if (!s.is_open()) return failure(Failure::kNoDocument, "no document is open");
    auto at = placed(s, true);
    if (!at) return at.error();
    use_host_pin(s);
    return s.sign_cross_page(at->y, now_utc());
  });
}

HRSS_EXPORT short HRSSBatchVerify(void) {
  return run([](Session& s) -> Status {
    auto summary = s.verify(now_utc());
    if (!summary) return summary.error();
    return ok_status();
  });
}

HRSS_EXPORT short HRSSSysSet(void) {
  return run([](Session&) { return viewer(library().host.settings, "the settings"); });
}

HRSS_EXPORT short HRSSCheckKey(void) {
  return run([](Session& s) -> Status {
    return s.key_present() ? ok_status() : failure(Failure::kNoKey, "no USB key is present");
  });
}

HRSS_EXPORT const char* HRSSGetKeyID(void) {
  return text([](Session& s) { return s.key_id(); });
}

HRSS_EXPORT const char* HRSSGetESealId(void) {
  return text([](Session& s) { return s.seal_id(); });
}

HRSS_EXPORT short HRSSIsFileSigned(void) {
  return value<short>([](Session& s) { return s.seal_count(now_utc()); }, 0);
}

HRSS_EXPORT short HRSSIsPagingSigned(void) {
  return value<short>([](Session& s) { return s.cross_page_count(now_utc()); }, 0);
}

HRSS_EXPORT short HRSSGetCurrentSignatureCount(void) {
  return value<short>([](Session& s) { return s.signature_count(now_utc()); }, 0);
}

HRSS_EXPORT short HRSSGetCurrentPageNum(void) {
  return value<short>([](Session& s) -> Result<int> { return s.page(); }, 0);
}

HRSS_EXPORT const char* HRSSGetSignInfo(void) {
  return text([](Session& s) { return s.sign_info_json(now_utc()); });
}

HRSS_EXPORT short HRSSGotoBookMarkByBookMarkName(const char* strBookMarkName) {
  return run([&](Session& s) { return s.go_to_bookmark(string_of(strBookMarkName)); });
}

HRSS_EXPORT short HRSSGotoPageByKeyWord(const char* KeyWord) {
  return run([&](Session& s) { return s.go_to_keyword(string_of(KeyWord)); });
}

HRSS_EXPORT int HRSSHttpInit(void) {
  return run([](Session& s) {
    s.form_reset();
    return ok_status();
  });
}

HRSS_EXPORT int HRSSHttpAddPostString(const char* FieldName, const char* FieldValue) {
  return run(
      [&](Session& s) { return s.form_add_field(string_of(FieldName), string_of(FieldValue)); });
}

HRSS_EXPORT int HRSSHttpAddPostFile(const char* FieldName, const char* FilePath) {
  return run(
      [&](Session& s) { return s.form_add_file(string_of(FieldName), string_of(FilePath)); });
}

HRSS_EXPORT int HRSSHttpAddPostCurrFile(const char* FieldName, const char*) {
  return run([&](Session& s) { return s.form_add_document(string_of(FieldName)); });
}

HRSS_EXPORT int HRSSHttpPost(const char* url, const char* cookie) {
  return run([&](Session& s) { return s.form_post(string_of(url), string_of(cookie)); });
}

HRSS_EXPORT short HRSSSignByKeyword(const char* szKeyWord, const char* szPages,
                                    const char* szIndexes) {
  return run([&](Session& s) {
    use_host_pin(s);
    return s.sign_by_keyword(string_of(szKeyWord), string_of(szPages), string_of(szIndexes),
                             now_utc());
  });
}

HRSS_EXPORT short HRSSSignByPos(const char* szPages, long xCenter, long yCenter) {
  return run([&](Session& s) {
    use_host_pin(s);
    return s.sign_at(string_of(szPages), static_cast<double>(xCenter), static_cast<double>(yCenter),
                     now_utc());
  });
}

HRSS_EXPORT short HRSOfdLockSign(const char* disc) {
  return run(
      [&](Session& s) {
        use_host_pin(s);
        return s.lock(string_of(disc), now_utc());
      },
      true);
}

HRSS_EXPORT short HRSOfdDeleteLockSign(void) {
  return run([](Session& s) { return s.remove_lock(now_utc()); }, true);
}

HRSS_EXPORT const char* HRSGetLastError(short errorNumber) {
  if (errorNumber == 0) {
    returned = last_error.number == 0 ? failure_text(0)
                                      : failure_text(last_error.number) + "：" + last_error.message;
  } else {
    returned = failure_text(errorNumber);
  }
  return returned.c_str();
}

HRSS_EXPORT void ESEAL_HRSSSetHost(const ESEAL_HRSS_HOST* host) {
  Lock lock(library().mutex);
  library().host = host ? *host : ESEAL_HRSS_HOST{};
}

HRSS_EXPORT short ESEAL_HRSSSetKey(const char* szLibrary, const char* szDevice) {
  return run([&](Session& s) {
    s.use_key({string_of(szLibrary), string_of(szDevice)});
    return ok_status();
  });
}

HRSS_EXPORT short ESEAL_HRSSSetTrust(const char* szRootsPem) {
  return run([&](Session& s) -> Status {
    auto pem = read_file(string_of(szRootsPem));
    if (!pem) return failure(Failure::kIo, pem.error().message);
    auto roots = pki::parse_certificates(*pem);
    if (!roots || roots->empty()) return failure(Failure::kArgument, "no certificate in the file");
    s.trust(std::move(*roots));
    return ok_status();
  });
}

HRSS_EXPORT short ESEAL_HRSSOpenFileFromMemory(const unsigned char* pbData, size_t ulSize,
                                               const char* szName) {
  return run([&](Session& s) -> Status {
    if (!pbData && ulSize > 0) return failure(Failure::kArgument, "no data");
    return s.open(Bytes(pbData, pbData + ulSize), string_of(szName));
  });
}

HRSS_EXPORT short ESEAL_HRSSSaveFileTo(const char* szPath) {
  return run([&](Session& s) -> Status {
    if (!szPath || !*szPath) return failure(Failure::kArgument, "no path");
    return s.save_to(szPath);
  });
}

HRSS_EXPORT short ESEAL_HRSSSignPaging(long yTop) {
  return run([&](Session& s) {
    use_host_pin(s);
    return s.sign_cross_page(static_cast<double>(yTop), now_utc());
  });
}

HRSS_EXPORT const unsigned char* ESEAL_HRSSCurrentFile(size_t* pulSize) {
  Lock lock(library().mutex);
  const Session& s = library().session;
  if (pulSize) *pulSize = s.is_open() ? s.document().size() : 0;
  return s.is_open() ? s.document().data() : nullptr;
}

HRSS_EXPORT short ESEAL_HRSSPageCount(void) {
  Lock lock(library().mutex);
  return static_cast<short>(library().session.page_count());
}

HRSS_EXPORT short ESEAL_HRSSZoomPercent(void) {
  Lock lock(library().mutex);
  return static_cast<short>(library().session.zoom());
}

HRSS_EXPORT short ESEAL_HRSSRotation(void) {
  Lock lock(library().mutex);
  return static_cast<short>(library().session.rotation());
}

HRSS_EXPORT int ESEAL_HRSSToolBarButtonShown(short nIndex) {
  Lock lock(library().mutex);
  return library().session.button_shown(nIndex) ? 1 : 0;
}

HRSS_EXPORT const char* ESEAL_HRSSFileName(void) {
  return text([](Session& s) -> Result<std::string> { return s.name(); });
}

HRSS_EXPORT unsigned long ESEAL_HRSSDocumentVersion(void) {
  Lock lock(library().mutex);
  return library().session.version();
}

HRSS_EXPORT const char* ESEAL_HRSSGetCertificate(void) {
  return text([](Session& s) -> Result<std::string> {
    auto certificate = s.certificate();
    if (!certificate) return certificate.error();
    return crypto::to_base64(certificate->der());
  });
}

HRSS_EXPORT const char* ESEAL_HRSSGetCertSerial(void) {
  return text([](Session& s) -> Result<std::string> {
    auto certificate = s.certificate();
    if (!certificate) return certificate.error();
    return certificate->serial_hex();
  });
}

HRSS_EXPORT const char* ESEAL_HRSSSignData(const char* szDataB64) {
  return text([&](Session& s) -> Result<std::string> {
    auto data = crypto::from_base64(string_of(szDataB64));
    if (!data || data->empty()) return failure(Failure::kArgument, "the data is not base64");
    use_host_pin(s);
    auto signature = s.sign_data(*data);
    if (!signature) return signature.error();
    return crypto::to_base64(*signature);
  });
}

HRSS_EXPORT short ESEAL_HRSSLastErrorNumber(void) {
  return static_cast<short>(last_error.number);
}
