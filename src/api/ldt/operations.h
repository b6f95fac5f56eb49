// The LD/T 01.4 centralized-signing door (§5.3.1; the operations table of README.md): POST
// /seal/v1/electricSeal bodies checked and dispatched on businesstype to the format-neutral
// document operations. The header checks run cheapest and storeless first — app known and enabled,
// authcode, version "1.0", random 32 hex digits, ctime within the window, hmac (constant time),
// sign — and only then is the random recorded, so a forged request neither costs a write nor burns
// a legitimate nonce. Each failure has its own errorInfo and is audited (throttled:
// AuditLog::refusal); then the app's scopes; then the operation, on the content trimmed once
// the header is authenticated. Every signing call goes through the seal registry's one usable-seal
// rule (service/platform.h) and the one signing path (service/signing.h); BIZNUM (or PBIZNUM, as
// appendix A example 22 spells it) is generated when empty and recorded with the signed document
// and in the audit log's biznum column. With a FilingDoor the same door answers the filing
// operations of §5.2 as the national platform (api/ldt/filing.h), behind the same checks.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "api/config.h"
#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"
#include "service/signing.h"

namespace eseal::api::ldt {

// The door's limits; each refusal has its own errorInfo.
struct Options {
  std::chrono::seconds time_window{300};
  std::size_t max_file_size = 30u << 20;  // decoded bytes of `data`
  std::size_t max_signatures = 20;        // signList entries of one request
  std::size_t max_list_items = 1000;      // pages listed in a keywordModel
  JsonLimits json;                        // nesting and values of the body
  service::SigningSettings signing;       // PDF format, pictures per signature, output size
  // Where people reach the public verification page, for verification codes ([console]
  // public_url); empty: as the request reached the server.
  std::string public_url;
};

// The largest body the door accepts: a file of max_file_size in base64 and 2 MiB for the
// envelope (30 MiB files: 42 MiB). The route refuses more with 413 before reading it.
std::uint64_t body_limit(const Options& options);

// The door's options from the configuration ([ldt], [limits], [signing]); kInvalidInput for an
// unknown [signing] pdf_format.
Result<Options> options_from(const api::Config& config);

struct Outcome {
  std::string body;  // the response JSON (HTTP 200 whatever errorCode says, as the seed shows)
  std::string app, operation, biznum;  // for the access log
  bool success = false;
};

struct FilingDoor;

class Adapter {
 public:
  // With `filing`, the door also answers the filing operations as the national platform
  // (api/ldt/filing.h).
  Adapter(service::Platform platform, Options options, FilingDoor* filing = nullptr)
      : platform_(platform), options_(options), filing_(filing) {}
  // `origin`: where the request reached the server (api::request_origin), for the addresses
  // of verification codes when no public_url is configured.
  Outcome handle(std::string body, Time now, std::string_view origin = {});
  const Options& options() const { return options_; }

 private:
  service::Platform platform_;
  Options options_;
  FilingDoor* filing_;
};

// The twelve operations, in the catalog's order.
const std::vector<std::string>& operation_names();

}  // namespace eseal::api::ldt
