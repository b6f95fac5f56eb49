#include "api/access_log.h"

#include <fmt/format.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace eseal::api {
namespace {

constexpr std::size_t kRotateBytes = 64 * 1024 * 1024;
constexpr std::size_t kRotateFiles = 5;

void append_value(std::string& out, std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) plain = false;
  }
  if (plain) {
    out += value;
    return;
  }
  out += '"';
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < ' ' || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += ' ';
  out += key;
  out += '=';
  append_value(out, value);
}

}  // namespace

bool is_log_level(std::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error" || level == "critical" || level == "off";
}

Result<std::shared_ptr<spdlog::logger>> make_logger(std::string_view level,
                                                    const std::filesystem::path& file) {
  if (!is_log_level(level)) {
    return Error::invalid_input("unknown log level \"" + std::string(level) +
                                "\" (trace, debug, info, warn, error, critical, off)");
  }
  spdlog::sink_ptr sink;
  if (file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file.string(), kRotateBytes,
                                                                    kRotateFiles);
    } catch (const spdlog::spdlog_ex& e) {
      return Error::io("cannot open log file " + file.string() + ": " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("eseal", std::move(sink));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

void write_access_log(spdlog::logger& logger, const AccessRecord& record) {
  if (!logger.should_log(spdlog::level::info)) return;
  std::string line = "access";
  append_field(line, "request_id", record.request_id);
  append_field(line, "remote", record.remote);
  append_field(line, "method", record.method);
  append_field(line, "route", record.route.empty() ? "-" : record.route);
  if (record.route.empty()) append_field(line, "path", record.path);
  if (record.fields) {
    for (const auto& [key, value] : *record.fields) append_field(line, key, value);
  }
  line += fmt::format(" status={} bytes={} duration_ms={:.3f}", record.status, record.bytes,
                      record.duration_ms);
  logger.info(line);
}

}  // namespace eseal::api
