// The LD/T 01.4 centralized-signing door (§5.3.1; the operations table of README.md): POST
// /seal/v1/electricSeal bodies checked and dispatched on businesstype to the format-neutral
// document operations. The header checks run in this order — app known and enabled,
// authcode, ctime within the window, random not seen before, hmac, sign — each failure with its
// own errorInfo; then the app's scopes; then the operation. Every signing call checks that the
// seal exists, that the app may use it and that it is valid; BIZNUM is generated when empty and
// recorded with the signed document and in the audit log.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/time.h"
#include "service/platform.h"

namespace eseal::api::ldt {

struct Options {
  std::chrono::seconds time_window{300};
  std::size_t max_file_size = 30u << 20;  // decoded bytes of `data`
};

struct Outcome {
  std::string body;  // the response JSON (HTTP 200 whatever errorCode says, as the seed shows)
  std::string app, operation, biznum;  // for the access log
  bool success = false;
};

class Adapter {
 public:
  Adapter(service::Platform& platform, Options options) : platform_(platform), options_(options) {}
  Outcome handle(std::string_view body, Time now);

 private:
  service::Platform& platform_;
  Options options_;
};

// The twelve operations, in the catalog's order.
const std::vector<std::string>& operation_names();

}  // namespace eseal::api::ldt
