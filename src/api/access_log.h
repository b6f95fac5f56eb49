// The server's logger and its access log: one line per request in logfmt (key=value), with
// identifiers only — never headers, query strings, bodies or anything secret.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace eseal::api {

// A logger writing to `file` (rotated at 64 MiB, 5 files kept), or to stderr when `file` is
// empty, with UTC timestamps. `level` is one of trace, debug, info, warn, error, critical, off.
Result<std::shared_ptr<spdlog::logger>> make_logger(std::string_view level,
                                                    const std::filesystem::path& file);

// Whether `level` names a log level make_logger accepts.
bool is_log_level(std::string_view level);

struct AccessRecord {
  std::string_view request_id;
  std::string_view remote;
  std::string_view method;
  std::string_view route;  // the routed path, or empty when no route has this path
  std::string_view path;   // logged only when no route matched, to debug 404s
  const std::map<std::string, std::string>* fields = nullptr;  // Response::log_fields
  int status = 0;
  std::uint64_t bytes = 0;  // response body bytes
  double duration_ms = 0;
};

// `access request_id=… remote=… method=… route=… [app=… operation=…] status=… bytes=…
// duration_ms=…` at info level. Values with spaces, quotes or control characters are quoted
// and escaped so that one request is always one line.
void write_access_log(spdlog::logger& logger, const AccessRecord& record);

}  // namespace eseal::api
