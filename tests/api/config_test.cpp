// The server's configuration: defaults, eseal.toml, environment overrides and their errors.
#include "api/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "support/process.h"

namespace eseal::api {
namespace {

Config parsed(std::string_view toml) {
  Result<Config> config = parse_config(toml, "test.toml");
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? *config : Config{};
}

std::string parse_error(std::string_view toml) {
  Result<Config> config = parse_config(toml, "test.toml");
  EXPECT_FALSE(config.ok());
  return config.ok() ? "" : config.error().message;
}

TEST(ConfigTest, DefaultsServeLocalhost) {
  Result<Config> config = load_config({}, {});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_EQ(config->data.dir, "var");
  EXPECT_EQ(config->log.level, "info");
  EXPECT_EQ(config->ldt.time_window_s, 300);
  ServerOptions options = server_options(*config);
  EXPECT_EQ(options.body_limit, std::uint64_t{48} << 20);
  EXPECT_EQ(options.workers, 0);
  EXPECT_TRUE(options.tls_cert.empty());
}

// The example file documents every key with its default: uncommented, it parses to the defaults.
TEST(ConfigTest, TheExampleFileShowsEveryDefault) {
  std::ifstream in(ESEAL_SOURCE_DIR "/eseal.toml.example");
  ASSERT_TRUE(in) << "eseal.toml.example";
  const std::regex setting(R"(# ([a-z0-9_]+ = .*))");
  std::string uncommented;
  std::size_t settings = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_match(line, match, setting)) {
      line = match[1];
      ++settings;
    }
    uncommented += line + "\n";
  }
  Config config = parsed(uncommented);
  Config defaults;
  EXPECT_EQ(settings, 75u);  // one per key of Config
  EXPECT_EQ(config.server.host, defaults.server.host);
  EXPECT_EQ(config.server.port, defaults.server.port);
  EXPECT_EQ(config.server.threads_io, defaults.server.threads_io);
  EXPECT_EQ(config.server.workers, defaults.server.workers);
  EXPECT_EQ(config.server.body_limit_mib, defaults.server.body_limit_mib);
  EXPECT_EQ(config.server.read_timeout_s, defaults.server.read_timeout_s);
  EXPECT_EQ(config.server.idle_timeout_s, defaults.server.idle_timeout_s);
  EXPECT_EQ(config.server.write_timeout_s, defaults.server.write_timeout_s);
  EXPECT_EQ(config.server.shutdown_grace_s, defaults.server.shutdown_grace_s);
  EXPECT_EQ(config.tls.cert, defaults.tls.cert);
  EXPECT_EQ(config.tls.key, defaults.tls.key);
  EXPECT_EQ(config.data.dir, defaults.data.dir);
  EXPECT_EQ(config.store.url, defaults.store.url);
  EXPECT_EQ(config.store.pool, defaults.store.pool);
  EXPECT_EQ(config.store.blobs, defaults.store.blobs);
  EXPECT_EQ(config.log.level, defaults.log.level);
  EXPECT_EQ(config.log.file, defaults.log.file);
  EXPECT_EQ(config.ldt.time_window_s, defaults.ldt.time_window_s);
  EXPECT_EQ(config.limits.file_mib, defaults.limits.file_mib);
  EXPECT_EQ(config.limits.output_mib, defaults.limits.output_mib);
  EXPECT_EQ(config.limits.signatures, defaults.limits.signatures);
  EXPECT_EQ(config.limits.stamps, defaults.limits.stamps);
  EXPECT_EQ(config.limits.list_items, defaults.limits.list_items);
  EXPECT_EQ(config.limits.json_depth, defaults.limits.json_depth);
  EXPECT_EQ(config.limits.json_values, defaults.limits.json_values);
  EXPECT_EQ(config.limits.pdf_objects, defaults.limits.pdf_objects);
  EXPECT_EQ(config.limits.pdf_pages, defaults.limits.pdf_pages);
  EXPECT_EQ(config.limits.ofd_entries, defaults.limits.ofd_entries);
  EXPECT_EQ(config.limits.ofd_inflated_mib, defaults.limits.ofd_inflated_mib);
  EXPECT_EQ(config.limits.xml_depth, defaults.limits.xml_depth);
  EXPECT_EQ(config.limits.picture_mpixels, defaults.limits.picture_mpixels);
  EXPECT_EQ(config.limits.conversions, defaults.limits.conversions);
  EXPECT_EQ(config.limits.conversion_s, defaults.limits.conversion_s);
  EXPECT_EQ(config.limits.conversion_wait_s, defaults.limits.conversion_wait_s);
  EXPECT_EQ(config.signing.pdf_format, defaults.signing.pdf_format);
  EXPECT_EQ(config.signing.time_stamp, defaults.signing.time_stamp);
  EXPECT_EQ(config.tsa.url, defaults.tsa.url);
  EXPECT_EQ(config.tsa.policy, defaults.tsa.policy);
  EXPECT_EQ(config.tsa.accepted_policies, defaults.tsa.accepted_policies);
  EXPECT_EQ(config.tsa.signature, defaults.tsa.signature);
  EXPECT_EQ(config.tsa.include_name, defaults.tsa.include_name);
  EXPECT_EQ(config.tsa.timeout_s, defaults.tsa.timeout_s);
  EXPECT_EQ(config.coss.public_url, defaults.coss.public_url);
  EXPECT_EQ(config.coss.replay_window_s, defaults.coss.replay_window_s);
  EXPECT_EQ(config.coss.callback_first_retry_s, defaults.coss.callback_first_retry_s);
  EXPECT_EQ(config.coss.callback_attempts, defaults.coss.callback_attempts);
  EXPECT_EQ(config.coss.open_jobs_per_user, defaults.coss.open_jobs_per_user);
  EXPECT_EQ(config.coss.h5_dir, defaults.coss.h5_dir);
  EXPECT_EQ(config.sz.replay_window_s, defaults.sz.replay_window_s);
  EXPECT_EQ(config.sz.task_minutes, defaults.sz.task_minutes);
  EXPECT_EQ(config.sz.held_hours, defaults.sz.held_hours);
  EXPECT_EQ(config.sz.file_hours, defaults.sz.file_hours);
  EXPECT_EQ(config.sz.batch_files, defaults.sz.batch_files);
  EXPECT_EQ(config.filing.required, defaults.filing.required);
  EXPECT_EQ(config.filing.challenge_s, defaults.filing.challenge_s);
  EXPECT_EQ(config.filing.task_days, defaults.filing.task_days);
  EXPECT_EQ(config.filing.token_hours, defaults.filing.token_hours);
  EXPECT_EQ(config.filing.upstream_url, defaults.filing.upstream_url);
  EXPECT_EQ(config.sms.gateway_url, defaults.sms.gateway_url);
  EXPECT_EQ(config.sms.gateway_body, defaults.sms.gateway_body);
  EXPECT_EQ(config.keys.provider, defaults.keys.provider);
  EXPECT_EQ(config.keys.sdf_library, defaults.keys.sdf_library);
  EXPECT_EQ(config.keys.sdf_password, defaults.keys.sdf_password);
}

TEST(ConfigTest, TheKeyProviderIsSoftOrSdf) {
  Config config = parsed("[keys]\nprovider = \"sdf\"\nsdf_library = \"/opt/hsm/libsdf.so\"\n");
  EXPECT_EQ(config.keys.provider, "sdf");
  EXPECT_EQ(config.keys.sdf_library, "/opt/hsm/libsdf.so");
  ASSERT_TRUE(apply_environment(config, {{"ESEAL_KEYS_SDF_PASSWORD", "from-the-environment"}}));
  EXPECT_EQ(config.keys.sdf_password, "from-the-environment");
  config.keys.provider = "hsm";
  auto bad = validate(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("[keys] provider"), std::string::npos);
}

TEST(ConfigTest, TheStoreIsSqliteUnlessAUrlNamesPostgresql) {
  Config config = parsed("[store]\nurl = \"postgresql://eseal@db:5432/eseal\"\npool = 32\n");
  EXPECT_EQ(config.store.url, "postgresql://eseal@db:5432/eseal");
  EXPECT_EQ(config.store.pool, 32);
  ASSERT_TRUE(apply_environment(config, {{"ESEAL_STORE_BLOBS", "database"}}));
  EXPECT_EQ(config.store.blobs, "database");
  EXPECT_TRUE(validate(config).ok());
  config.store.blobs = "s3";
  auto bad = validate(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("[store] blobs"), std::string::npos);
}

TEST(ConfigTest, TimeStampSettingsAreChecked) {
  Config config;
  EXPECT_TRUE(validate(config).ok());
  config.signing.time_stamp = "always";
  auto bad = validate(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("[signing] time_stamp"), std::string::npos);
  config = Config{};
  config.tsa.signature = "raw";
  bad = validate(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("[tsa] signature"), std::string::npos);
  config = Config{};
  config.tsa.include_name = 2;
  EXPECT_FALSE(validate(config).ok());
}

TEST(ConfigTest, FileValuesReplaceDefaults) {
  test::TempDir dir;
  test::write_text(dir / "eseal.toml",
                   "[server]\nhost = \"0.0.0.0\"\nport = 9443\nworkers = 3\nbody_limit_mib = 8\n"
                   "[tls]\ncert = \"c.pem\"\nkey = \"k.pem\"\n[data]\ndir = \"/srv/eseal\"\n"
                   "[log]\nlevel = \"debug\"\n");
  Result<Config> config = load_config(dir / "eseal.toml", {});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.host, "0.0.0.0");
  EXPECT_EQ(config->server.port, 9443);
  EXPECT_EQ(config->server.threads_io, 1);  // untouched keys keep their defaults
  EXPECT_EQ(config->data.dir, "/srv/eseal");
  ServerOptions options = server_options(*config);
  EXPECT_EQ(options.port, 9443);
  EXPECT_EQ(options.workers, 3);
  EXPECT_EQ(options.body_limit, 8u << 20);
  EXPECT_EQ(options.tls_cert, "c.pem");

  Result<Config> missing = load_config(dir / "absent.toml", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("absent.toml"), std::string::npos);
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  Config config = parsed("[server]\nport = 9000\nhost = \"::1\"\n");
  Status status = apply_environment(config, {{"ESEAL_SERVER_PORT", "9090"},
                                             {"ESEAL_LOG_FILE", "/tmp/eseal.log"},
                                             {"ESEAL_DATA_DIR", "data"},
                                             {"ESEAL_KEK_FILE", "not a config key"}});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(config.server.port, 9090);
  EXPECT_EQ(config.server.host, "::1");
  EXPECT_EQ(config.log.file, "/tmp/eseal.log");
  EXPECT_EQ(config.data.dir, "data");

  for (const char* bad : {"80x", "", " 80", "eighty"}) {
    Config copy = config;
    Status refused = apply_environment(copy, {{"ESEAL_SERVER_PORT", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().message.rfind("ESEAL_SERVER_PORT: expected an integer", 0), 0u);
  }
}

TEST(ConfigTest, UnknownKeysAndWrongTypesAreErrorsNamingTheKey) {
  EXPECT_EQ(parse_error("[server]\nprot = 1\n"), "test.toml: unknown key [server] prot");
  EXPECT_EQ(parse_error("[sever]\nport = 1\n"), "test.toml: unknown section [sever]");
  EXPECT_EQ(parse_error("port = 1\n"), "test.toml: unknown section [port]");
  EXPECT_EQ(parse_error("[server]\nport = \"8080\"\n"),
            "test.toml: [server] port: expected an integer");
  EXPECT_EQ(parse_error("[data]\ndir = 5\n"), "test.toml: [data] dir: expected a string");
  EXPECT_EQ(parse_error("[server]\nport = 1.5\n"), "test.toml: [server] port: expected an integer");
  EXPECT_NE(parse_error("[server\nport = 1\n").find("test.toml: line 1"), std::string::npos);
}

// A switch (a key whose range is 0..1) may be written as a TOML boolean; other integers may not.
TEST(ConfigTest, SwitchesTakeBooleans) {
  EXPECT_EQ(parsed("[filing]\nrequired = true\n").filing.required, 1);
  EXPECT_EQ(parsed("[filing]\nrequired = false\n").filing.required, 0);
  EXPECT_EQ(parsed("[tsa]\ninclude_name = true\n").tsa.include_name, 1);
  EXPECT_EQ(parse_error("[server]\nport = true\n"),
            "test.toml: [server] port: expected an integer");
}

TEST(ConfigTest, ValidationChecksRangesAndCombinations) {
  auto invalid = [](const std::string& toml) {
    Result<Config> config = parse_config(toml, "test.toml");
    EXPECT_TRUE(config.ok()) << toml;
    if (!config) return std::string();
    Status status = validate(*config);
    EXPECT_FALSE(status.ok()) << toml;
    return status.ok() ? std::string() : status.error().message;
  };
  EXPECT_EQ(invalid("[server]\nport = 70000\n"),
            "[server] port: must be between 0 and 65535, got 70000");
  EXPECT_EQ(invalid("[server]\nthreads_io = 0\n"),
            "[server] threads_io: must be between 1 and 64, got 0");
  EXPECT_EQ(invalid("[server]\nread_timeout_s = -1\n"),
            "[server] read_timeout_s: must be between 1 and 86400, got -1");
  EXPECT_EQ(invalid("[tls]\ncert = \"c.pem\"\n"), "[tls] cert and key: give both or neither");
  EXPECT_NE(invalid("[log]\nlevel = \"loud\"\n").find("[log] level: \"loud\""), std::string::npos);
  EXPECT_EQ(invalid("[data]\ndir = \"\"\n"), "[data] dir: must not be empty");
  for (const char* url : {"seal.example.org", "ftp://seal.example.org", "https://", "https://a/",
                          "https://a/#/verify", "https://a b"}) {
    EXPECT_NE(invalid("[console]\npublic_url = \"" + std::string(url) + "\"\n")
                  .find("[console] public_url"),
              std::string::npos)
        << url;
  }
  for (const char* url : {"https://seal.example.org", "http://10.0.0.1:8080/eseal"}) {
    auto config = parse_config("[console]\npublic_url = \"" + std::string(url) + "\"\n", "t.toml");
    ASSERT_TRUE(config.ok());
    EXPECT_TRUE(validate(*config).ok()) << url;
  }

  Result<Config> from_environment = load_config({}, {{"ESEAL_SERVER_PORT", "-1"}});
  ASSERT_FALSE(from_environment.ok());
  EXPECT_EQ(from_environment.error().message, "[server] port: must be between 0 and 65535, got -1");
}

}  // namespace
}  // namespace eseal::api
