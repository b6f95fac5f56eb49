#include "api/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <variant>
#include <vector>

#include "api/access_log.h"
#include "base/file.h"

namespace eseal::api {
namespace {

struct Key {
  std::string_view section;
  std::string_view name;
  std::variant<std::int64_t*, std::string*> value;
  std::int64_t min = 0;  // integers only
  std::int64_t max = 0;

  std::string label() const { return fmt::format("[{}] {}", section, name); }
  std::string variable() const {
    std::string out = fmt::format("ESEAL_{}_{}", section, name);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
  }
};

constexpr std::int64_t kDay = 24 * 3600;

// The one table of configuration keys: TOML, the environment and validation all read it.
std::vector<Key> keys(Config& c) {
  return {
      {"server", "host", &c.server.host},
      {"server", "port", &c.server.port, 0, 65535},
      {"server", "threads_io", &c.server.threads_io, 1, 64},
      {"server", "workers", &c.server.workers, 0, 1024},
      {"server", "body_limit_mib", &c.server.body_limit_mib, 1, 16 * 1024},
      {"server", "connections", &c.server.connections, 1, 1000000},
      {"server", "read_timeout_s", &c.server.read_timeout_s, 1, kDay},
      {"server", "idle_timeout_s", &c.server.idle_timeout_s, 1, kDay},
      {"server", "write_timeout_s", &c.server.write_timeout_s, 1, kDay},
      {"server", "shutdown_grace_s", &c.server.shutdown_grace_s, 0, kDay},
      {"tls", "cert", &c.tls.cert},
      {"tls", "key", &c.tls.key},
      {"data", "dir", &c.data.dir},
      {"store", "url", &c.store.url},
      {"store", "pool", &c.store.pool, 0, 1024},
      {"store", "blobs", &c.store.blobs},
      {"log", "level", &c.log.level},
      {"log", "file", &c.log.file},
      {"ldt", "time_window_s", &c.ldt.time_window_s, 1, kDay},
      {"limits", "file_mib", &c.limits.file_mib, 1, 1024},
      {"limits", "output_mib", &c.limits.output_mib, 1, 4096},
      {"limits", "signatures", &c.limits.signatures, 1, 10000},
      {"limits", "stamps", &c.limits.stamps, 1, 100000},
      {"limits", "list_items", &c.limits.list_items, 1, 1000000},
      {"limits", "json_depth", &c.limits.json_depth, 4, 512},
      {"limits", "json_values", &c.limits.json_values, 100, 100000000},
      {"limits", "pdf_objects", &c.limits.pdf_objects, 100, 1000000},
      {"limits", "pdf_pages", &c.limits.pdf_pages, 1, 10000},
      {"limits", "ofd_entries", &c.limits.ofd_entries, 10, 100000},
      {"limits", "ofd_inflated_mib", &c.limits.ofd_inflated_mib, 1, 512},
      {"limits", "xml_depth", &c.limits.xml_depth, 16, 256},
      {"limits", "picture_mpixels", &c.limits.picture_mpixels, 1, 100},
      {"limits", "render_mpixels", &c.limits.render_mpixels, 1, 250},
      {"limits", "seal_picture_mpixels", &c.limits.seal_picture_mpixels, 1, 100},
      {"limits", "conversions", &c.limits.conversions, 1, 64},
      {"limits", "conversion_s", &c.limits.conversion_s, 1, 3600},
      {"limits", "conversion_wait_s", &c.limits.conversion_wait_s, 0, 3600},
      {"signing", "pdf_format", &c.signing.pdf_format},
      {"signing", "time_stamp", &c.signing.time_stamp},
      {"tsa", "url", &c.tsa.url},
      {"tsa", "policy", &c.tsa.policy},
      {"tsa", "accepted_policies", &c.tsa.accepted_policies},
      {"tsa", "signature", &c.tsa.signature},
      {"tsa", "include_name", &c.tsa.include_name, 0, 1},
      {"tsa", "timeout_s", &c.tsa.timeout_s, 1, 600},
      {"coss", "public_url", &c.coss.public_url},
      {"coss", "replay_window_s", &c.coss.replay_window_s, 1, kDay},
      {"coss", "callback_first_retry_s", &c.coss.callback_first_retry_s, 1, kDay},
      {"coss", "callback_attempts", &c.coss.callback_attempts, 1, 100},
      {"coss", "open_jobs_per_user", &c.coss.open_jobs_per_user, 1, 1000000},
      {"coss", "h5_dir", &c.coss.h5_dir},
      {"sz", "replay_window_s", &c.sz.replay_window_s, 1, 3650 * kDay},
      {"sz", "task_minutes", &c.sz.task_minutes, 1, 4320},
      {"sz", "held_hours", &c.sz.held_hours, 1, 24 * 30},
      {"sz", "file_hours", &c.sz.file_hours, 1, 24 * 365},
      {"sz", "batch_files", &c.sz.batch_files, 1, 30},
      {"sms", "gateway_url", &c.sms.gateway_url},
      {"sms", "gateway_body", &c.sms.gateway_body},
      {"filing", "upstream_url", &c.filing.upstream_url},
      {"filing", "credentials", &c.filing.credentials},
      {"filing", "platform_cert", &c.filing.platform_cert},
      {"filing", "required", &c.filing.required, 0, 1},
      {"filing", "challenge_s", &c.filing.challenge_s, 10, kDay},
      {"filing", "task_days", &c.filing.task_days, 1, 3650},
      {"filing", "token_hours", &c.filing.token_hours, 1, 24 * 30},
      {"keys", "provider", &c.keys.provider},
      {"keys", "sdf_library", &c.keys.sdf_library},
      {"keys", "sdf_password", &c.keys.sdf_password},
      {"console", "dir", &c.console.dir},
      {"console", "session_hours", &c.console.session_hours, 1, 24 * 30},
      {"console", "lockout_failures", &c.console.lockout_failures, 1, 100},
      {"console", "lockout_minutes", &c.console.lockout_minutes, 1, 24 * 60},
      {"console", "kdf_memory_kib", &c.console.kdf_memory_kib, 1024, 4 * 1024 * 1024},
      {"console", "kdf_passes", &c.console.kdf_passes, 1, 20},
      {"console", "public_url", &c.console.public_url},
  };
}

Error key_error(std::string_view source, const std::string& what) {
  return Error::invalid_input(fmt::format("{}: {}", source, what));
}

}  // namespace

Environment process_environment() {
  Environment environment;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (text.starts_with("ESEAL_") && equals != std::string_view::npos) {
      environment.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  return environment;
}

Result<Config> parse_config(std::string_view text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return key_error(source, fmt::format("line {}: {}", e.source().begin.line, e.description()));
  }
  Config config;
  std::vector<Key> known = keys(config);
  for (const auto& [section_name, section] : table) {
    // Named copies: lambdas may not capture structured bindings before clang 16.
    std::string_view section_key = section_name.str();
    const toml::table* entries = section.as_table();
    bool known_section = std::any_of(known.begin(), known.end(),
                                     [&](const Key& key) { return key.section == section_key; });
    if (!entries || !known_section) {
      return key_error(source, fmt::format("unknown section [{}]", section_key));
    }
    for (const auto& [name, node] : *entries) {
      std::string_view key_name = name.str();
      auto key = std::find_if(known.begin(), known.end(), [&](const Key& k) {
        return k.section == section_key && k.name == key_name;
      });
      if (key == known.end()) {
        return key_error(source, fmt::format("unknown key [{}] {}", section_key, key_name));
      }
      if (auto* integer = std::get_if<std::int64_t*>(&key->value)) {
        // A switch (0 or 1) may be written as a TOML boolean.
        if (auto flag = node.value_exact<bool>(); flag && key->max == 1) {
          **integer = *flag ? 1 : 0;
          continue;
        }
        auto value = node.value_exact<std::int64_t>();
        if (!value) return key_error(source, key->label() + ": expected an integer");
        **integer = *value;
      } else {
        auto value = node.value_exact<std::string>();
        if (!value) return key_error(source, key->label() + ": expected a string");
        *std::get<std::string*>(key->value) = std::move(*value);
      }
    }
  }
  return config;
}

Result<Config> load_config_file(const std::filesystem::path& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  std::string text(bytes->begin(), bytes->end());
  return parse_config(text, path.string());
}

Status apply_environment(Config& config, const Environment& environment) {
  for (const Key& key : keys(config)) {
    std::string variable = key.variable();
    auto found = environment.find(variable);
    if (found == environment.end()) continue;
    const std::string& text = found->second;
    if (auto* integer = std::get_if<std::int64_t*>(&key.value)) {
      std::int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) {
        return Error::invalid_input(
            fmt::format("{}: expected an integer, got \"{}\"", variable, text));
      }
      **integer = value;
    } else {
      *std::get<std::string*>(key.value) = text;
    }
  }
  return ok_status();
}

Status validate(const Config& config) {
  Config copy = config;
  for (const Key& key : keys(copy)) {
    if (auto* integer = std::get_if<std::int64_t*>(&key.value)) {
      if (**integer < key.min || **integer > key.max) {
        return Error::invalid_input(fmt::format("{}: must be between {} and {}, got {}",
                                                key.label(), key.min, key.max, **integer));
      }
    }
  }
  if (config.server.host.empty()) return Error::invalid_input("[server] host: must not be empty");
  if (config.data.dir.empty()) return Error::invalid_input("[data] dir: must not be empty");
  if (config.store.blobs != "folder" && config.store.blobs != "database") {
    return Error::invalid_input(fmt::format(
        "[store] blobs: \"{}\" is neither \"folder\" nor \"database\"", config.store.blobs));
  }
  if (!is_log_level(config.log.level)) {
    return Error::invalid_input(
        fmt::format("[log] level: \"{}\" is not one of trace, debug, info, warn, error, "
                    "critical, off",
                    config.log.level));
  }
  // Signed into every document that carries a verification code: an address that cannot change.
  const std::string& public_url = config.console.public_url;
  if (!public_url.empty() &&
      ((!public_url.starts_with("http://") && !public_url.starts_with("https://")) ||
       public_url.find_first_of(" ?#\t") != std::string::npos || public_url.ends_with("/") ||
       public_url.find("://") + 3 == public_url.size())) {
    return Error::invalid_input(fmt::format(
        "[console] public_url: \"{}\" is not an http:// or https:// address without a trailing "
        "/, query or fragment",
        public_url));
  }
  if (config.tls.cert.empty() != config.tls.key.empty()) {
    return Error::invalid_input("[tls] cert and key: give both or neither");
  }
  const std::string& stamp = config.signing.time_stamp;
  if (stamp != "auto" && stamp != "tsa" && stamp != "none") {
    return Error::invalid_input(
        fmt::format("[signing] time_stamp: \"{}\" is not one of auto, tsa, none", stamp));
  }
  if (config.tsa.signature != "z" && config.tsa.signature != "no-z") {
    return Error::invalid_input(
        fmt::format("[tsa] signature: \"{}\" is not z or no-z", config.tsa.signature));
  }
  if (config.keys.provider != "soft" && config.keys.provider != "sdf") {
    return Error::invalid_input(
        fmt::format("[keys] provider: \"{}\" is not soft or sdf", config.keys.provider));
  }
  return ok_status();
}

Result<Config> load_config(const std::filesystem::path& file, const Environment& environment) {
  Result<Config> config = file.empty() ? Result<Config>(Config{}) : load_config_file(file);
  if (!config) return config;
  if (Status status = apply_environment(*config, environment); !status) return status.error();
  if (Status status = validate(*config); !status) return status.error();
  return config;
}

ServerOptions server_options(const Config& config) {
  ServerOptions options;
  options.host = config.server.host;
  options.port = static_cast<std::uint16_t>(config.server.port);
  options.io_threads = static_cast<int>(config.server.threads_io);
  options.workers = static_cast<int>(config.server.workers);
  options.body_limit = static_cast<std::uint64_t>(config.server.body_limit_mib) << 20;
  options.max_connections = static_cast<std::size_t>(config.server.connections);
  options.read_timeout = std::chrono::seconds(config.server.read_timeout_s);
  options.idle_timeout = std::chrono::seconds(config.server.idle_timeout_s);
  options.write_timeout = std::chrono::seconds(config.server.write_timeout_s);
  options.shutdown_grace = std::chrono::seconds(config.server.shutdown_grace_s);
  options.tls_cert = config.tls.cert;
  options.tls_key = config.tls.key;
  return options;
}

JsonLimits json_limits(const Config& config) {
  return {static_cast<unsigned>(config.limits.json_depth),
          static_cast<std::size_t>(config.limits.json_values)};
}

}  // namespace eseal::api
