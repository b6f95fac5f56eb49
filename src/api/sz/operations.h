// The DB4403/T 383.4 application service door (Shenzhen): `POST /sz/v1/{function}` for the
// fourteen functions of table 1 that have names (LOGIN-04 and GENSIGN-03/04 are the USB key and
// the crypto device on the client's side: the media they name are answered T000037 until a
// device is configured). The envelope (envelope.h) is checked cheapest and storeless first —
// the app of the appKey (or, in the clear, of the content's systemID) known and enabled, bsign
// in constant time, the content decrypted and parsed — and only then is the reqId recorded, so
// that a forged request neither costs a write nor burns a nonce. Each refusal has its appendix B
// code (codes.h) and is audited (throttled); then the app's scopes; then the function, on the
// trimmed content. Behaviour lives in the services: grants (service/sz_grants.h), the sign-job
// model that QR tasks are (service/sign_jobs.h), held signatures (service/held_signatures.h),
// stored files (service/stored_files.h), the one signing path and the conversion engine.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "api/config.h"
#include "base/result.h"
#include "base/time.h"
#include "render/picture.h"
#include "service/held_signatures.h"
#include "service/platform.h"
#include "service/sign_jobs.h"
#include "service/signing.h"
#include "service/stored_files.h"
#include "service/sz_grants.h"
#include "service/usb_key_logins.h"

namespace eseal::render {
class OfficeConverter;
}

namespace eseal::api::sz {

struct Options {
  std::chrono::seconds replay_window{365 * 86400};  // a reqId seen within it is a replay
  std::chrono::minutes task_lifetime{10};           // QR login and signing tasks
  std::chrono::hours held_lifetime{24};             // genCalculateFileHash until genDetachedFile
  std::chrono::hours file_lifetime{24 * 7};         // centralized-signing files
  std::size_t max_file_size = 30u << 20;            // one document, decoded
  std::size_t max_batch = 30;                       // files of one genCalculateFileHash
  JsonLimits json;                                  // nesting and values of a body
  service::SigningSettings signing;  // PDF format, limits, time stamps: as every door signs
  std::string public_url;            // where phones reach the server; "" for the request's Host
  // Where people reach the public verification page ([console] public_url), for verification
  // codes; "" for the request's Host.
  std::string verification_url;
  render::OfficeConverter* office = nullptr;  // word/excel/html conversions; none: refused
  // Pixels of a picture converted to a document, or of one inside an OFD converted (genFormatFile)
  std::uint64_t max_picture_pixels = render::kMaxPicturePixels;
  // Pixels of all the pictures of an OFD converted (genFormatFile).
  std::uint64_t max_document_pixels = render::kMaxDocumentPixels;
};

// The largest body the door accepts: a batch of max_batch files of max_file_size in base64,
// encrypted (base64 again), plus 2 MiB for the rest.
std::uint64_t body_limit(const Options& options);

// The door's own options from the configuration ([sz], [limits], [coss] public_url); the
// signing settings are the server's, shared by every door (serve sets them).
Options options_from(const api::Config& config);

struct Services {
  service::Platform platform;
  service::SignJobs& jobs;
  service::SzGrants& grants;
  service::HeldSignatures& held;
  service::StoredFiles& files;
  service::UsbKeyLogins& usb_logins;
};

struct Outcome {
  std::string body;       // the response JSON (HTTP 200 whatever the code)
  std::string app, code;  // for the access log
};

class Adapter {
 public:
  Adapter(Services services, Options options) : services_(services), options_(options) {}
  // The answer to `body` posted to `function` at `now`; `public_url` is where the request
  // reached us (scheme and host), for the QR codes when no public_url is configured. The body
  // is taken: it is decoded, decrypted and parsed where it lies, so that a batch of 30 files is
  // never copied whole.
  Outcome handle(std::string_view function, std::string body, Time now,
                 std::string_view public_url);
  const Options& options() const { return options_; }

 private:
  Services services_;
  Options options_;
};

// The functions, in table 1's order.
const std::vector<std::string>& function_names();

// The identity of a request for retries (service/retries.h), and the request key under which
// the documents it makes are archived: SM3 of the function and the bsign that covers its reqId
// and content as sent, in hex. A request resent as it was is the same request; one whose
// content was encrypted again (a new IV) is another, refused under a used reqId.
std::string request_digest(std::string_view function, std::string_view bsign);

}  // namespace eseal::api::sz
