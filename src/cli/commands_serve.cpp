// eseal serve: the HTTP server on eseal.toml (or the built-in defaults) until SIGTERM or SIGINT.
#include <malloc.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "api/access_log.h"
#include "api/config.h"
#include "api/coss/mobile.h"
#include "api/coss/routes.h"
#include "api/http_client.h"
#include "api/ldt/filing.h"
#include "api/ldt/routes.h"
#include "api/rest/routes.h"
#include "api/server.h"
#include "api/static_files.h"
#include "api/sz/routes.h"
#include "api/tsa/authority.h"
#include "api/tsa/routes.h"
#include "base/file.h"
#include "cli/app_file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "keys/soft_keystore.h"
#include "render/office.h"
#include "service/store_platform.h"
#include "service/tasks.h"
#include "store/store.h"

namespace eseal::cli {
namespace {

struct ServeOptions {
  std::string config;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> data_dir;
};

std::string url(const api::Server& server, const std::string& host) {
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return (server.tls() ? "https://" : "http://") + shown + ":" + std::to_string(server.port());
}

// Buffers of 4 MiB and more (documents, their base64, signed copies) are mapped for each request
// and given back to the system when freed. By default glibc raises its mmap threshold to the size
// of the largest block freed (up to 32 MiB), after which 20 MiB documents are taken from and kept
// in each worker thread's heap: a server that has seen some grows to about ten times the memory
// it needs (bench/soak.sh: 476 MiB against 45 MiB under the same load). Smaller buffers stay in
// the heap, where reusing them costs no page faults. Fixing the mmap threshold also stops glibc
// moving the trim threshold with it (to twice the mmap threshold), leaving 128 KiB: every heap
// was then shrunk after each request and faulted in again by the next, tripling getSealStatus's
// CPU (bench/ldt_load.sh: 1.38 against 0.44 ms a request). It is set as glibc would.
constexpr int kMmapThreshold = 4 << 20;
constexpr int kTrimThreshold = 2 * kMmapThreshold;

void serve(const ServeOptions& options, const GlobalOptions& global) {
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
  std::filesystem::path file = configuration_file(options.config);
  api::Config config = load_configuration(options.config);
  if (options.host) config.server.host = *options.host;
  if (options.port) config.server.port = *options.port;
  if (options.data_dir) config.data.dir = *options.data_dir;
  need(api::validate(config));
  api::ldt::Options ldt_options = need(api::ldt::options_from(config));

  std::error_code ec;
  std::filesystem::create_directories(config.data.dir, ec);
  if (ec) fail(Error::io("cannot create data folder " + config.data.dir + ": " + ec.message()));
  auto logger = need(api::make_logger(config.log.level, config.log.file));
  // Writes killed with an earlier run (blobs, keys, app files) leave their temporary files behind.
  std::size_t swept = need(remove_stale_temporaries(config.data.dir, std::chrono::minutes(1)));
  if (swept > 0) logger->info("removed {} temporary files left by interrupted writes", swept);

  keys::Kek kek = data_folder_kek(global, config.data.dir);
  auto store = need(store::open_store(config.data.dir, kek, store_options(config)),
                    "cannot open the data folder");
  service::StorePlatform platform(*store, kek, config.data.dir);
  std::shared_ptr<service::DeviceKeys> device = device_keys(config);
  platform.use_device_keys(device);
  platform.limit_seal_pictures(ldt_options.signing.limits.seal_picture_pixels);
  auto time_stamps = need(api::tsa::authority_from(config, platform));
  ldt_options.signing.time_stamps = need(api::tsa::signing_authority(config, time_stamps.get()));
  // The national platform's filing operations on the same door; seals made by applySeal wait for
  // their filing when [filing] required is set.
  service::filing::FilingRegistry filing(*store, {std::chrono::seconds(config.filing.challenge_s),
                                                  std::chrono::hours(24 * config.filing.task_days),
                                                  std::chrono::hours(config.filing.token_hours)});
  api::ldt::FilingDoor filing_door{filing, platform.platform()};
  platform.require_filing(config.filing.required != 0);
  api::ldt::Adapter ldt(platform.platform(), ldt_options, &filing_door);
  service::CossUsers coss_users(*store);
  service::CossKeys coss_keys(*store, platform, platform);
  service::CallbackPolicy callbacks{std::chrono::seconds(config.coss.callback_first_retry_s),
                                    static_cast<int>(config.coss.callback_attempts)};
  service::SignJobs sign_jobs(*store, coss_keys, platform, api::coss::callback_body(platform),
                              callbacks, static_cast<std::size_t>(config.coss.open_jobs_per_user));
  std::optional<service::SmsGateway> gateway;
  if (!config.sms.gateway_url.empty()) {
    gateway = service::SmsGateway{config.sms.gateway_url, config.sms.gateway_body};
  }
  service::Sms sms(*store, gateway, [](const std::string& url, const std::string& body) {
    return api::post_json(url, body, std::chrono::seconds(10));
  });
  service::CossCertificates coss_certificates(*store, coss_keys, platform, platform);
  // The platform's own TSA certificate, for tokens that do not carry it.
  std::vector<pki::Certificate> tsa_certificates;
  if (auto tsa = platform.tsa_signer(); tsa) tsa_certificates.push_back((*tsa)->certificate());
  service::AutoSigning auto_sign(*store, coss_keys, sign_jobs, platform);
  service::Delegations delegations(*store);
  api::coss::Adapter coss({platform, coss_users, coss_keys, sign_jobs, sms, coss_certificates,
                           auto_sign, delegations, time_stamps.get(), tsa_certificates},
                          api::coss::options_from(config));
  api::coss::MobileAdapter mobile(platform, coss_keys, sign_jobs, platform, auto_sign, delegations,
                                  platform, api::json_limits(config));

  // The Shenzhen door: grants, QR tasks on the sign jobs above, held signatures, stored files,
  // and LibreOffice for word/excel/html (run in a private folder per conversion).
  service::SzGrants sz_grants(*store, platform, platform);
  service::HeldSignatures held(*store);
  service::StoredFiles stored_files(*store);
  render::OfficeOptions office_options;
  office_options.time_limit = std::chrono::seconds(config.limits.conversion_s);
  office_options.max_concurrent = static_cast<int>(config.limits.conversions);
  office_options.queue_wait = std::chrono::seconds(config.limits.conversion_wait_s);
  render::OfficeConverter office(office_options);
  api::sz::Options sz_options = api::sz::options_from(config);
  sz_options.signing = ldt_options.signing;
  sz_options.office = &office;
  service::UsbKeyLogins usb_logins(*store);
  api::sz::Adapter sz({platform.platform(), sign_jobs, sz_grants, held, stored_files, usb_logins},
                      sz_options);

  // The native REST API and the web console's accounts.
  service::Console console(*store, api::rest::console_settings(config));
  api::rest::Options rest_options;
  rest_options.signing = ldt_options.signing;
  rest_options.max_document_bytes = static_cast<std::uint64_t>(config.limits.file_mib) << 20;
  rest_options.json = api::json_limits(config);
  rest_options.render.max_picture_pixels =
      static_cast<std::uint64_t>(config.limits.picture_mpixels) * 1'000'000;
  rest_options.render.max_document_pixels =
      static_cast<std::uint64_t>(config.limits.render_mpixels) * 1'000'000;
  rest_options.secure_cookies = !config.tls.cert.empty();
  rest_options.public_url = config.console.public_url;
  // Filing our seals upward from the console, when [filing] names the upstream platform.
  std::unique_ptr<api::ldt::FilingClient> upstream;
  std::optional<service::filing::FilingRun> filing_run;
  if (!config.filing.credentials.empty()) {
    upstream = filing_upstream(config, kek);
    filing_run.emplace(*store, platform, platform, kek, *upstream);
  }
  api::rest::Adapter rest({platform.platform(), console, *store, sign_jobs, coss_users,
                           filing_run ? &*filing_run : nullptr, device.get()},
                          rest_options);

  api::ServerOptions server_options = api::server_options(config);
  server_options.logger = logger;
  api::Server server(server_options);
  server.add_readiness_check("data-dir", [dir = config.data.dir]() -> Status {
    if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
      return Error::io("data folder " + dir + " is not writable");
    }
    return ok_status();
  });
  server.add_readiness_check("database", [&store]() -> Status {
    auto check = store->apps().list();
    if (!check) return check.error();
    return ok_status();
  });
  server.add_readiness_check("keystore", [&store]() { return store->key_files()->ready(); });
  api::ldt::add_routes(server, ldt);
  api::coss::add_routes(server, coss);
  api::coss::add_mobile_routes(server, mobile);
  api::sz::add_routes(server, sz);
  rest.add_routes(server);
  if (auto page = api::add_static_files(server, "/coss/h5/", config.coss.h5_dir); page) {
    logger->info("the phone page: {} files from {} at /coss/h5/", *page, config.coss.h5_dir);
  } else {
    logger->warn("the phone page is not served ({}): build it with scripts/build-web",
                 page.error().message);
  }
  if (auto console_files = api::add_static_files(server, "/console/", config.console.dir);
      console_files) {
    logger->info("the web console: {} files from {} at /console/", *console_files,
                 config.console.dir);
  } else {
    logger->warn("the web console is not served ({}): build it with scripts/build-web",
                 console_files.error().message);
  }
  if (config.console.public_url.empty()) {
    logger->warn(
        "no [console] public_url: verification codes printed on documents carry the address "
        "each request came by, for good; set the address the public reaches");
  }
  if (time_stamps) {
    api::tsa::add_routes(server, *time_stamps);
  } else {
    logger->warn(
        "no time-stamp authority: POST /tsa is not served and signatures carry no time "
        "stamp (set [tsa] url, or put D/platform/tsa.pem and tsa.key; eseal demo does)");
  }
  // Tasks past their time are expired when read and, so that none lingers, every minute; keys
  // enrolled without a certificate in time are abandoned.
  service::Tasks tasks(*store);
  service::Sweeper sweeper(std::chrono::minutes(1), [&](Time now) {
    auto report = [&logger](const std::string& what, const Result<int>& done) {
      if (!done) {
        logger->warn("sweeping {}: {}", what, done.error().message);
      } else if (*done > 0) {
        logger->info("expired {} {}", *done, what);
      }
    };
    std::vector<const service::TaskKind*> kinds = {
        &service::activation_kind(),   &service::token_kind(),
        &service::session_kind(),      &service::delegation_kind(),
        &service::sz_grant_kind(),     &service::held_signature_kind(),
        &service::stored_file_kind(),  &service::console_session_kind(),
        &service::usb_key_login_kind()};
    for (const service::TaskKind* kind : service::filing::expiring_kinds()) kinds.push_back(kind);
    for (const service::TaskKind* kind : kinds) {
      report(kind->name + " tasks", tasks.sweep(*kind, now));
    }
    report("coss.sign tasks", sign_jobs.sweep(now));
    report("co-sign keys without a certificate", coss_keys.abandon_stale(now));
    // Auto-sign windows end with their escrowed shares.
    report("escrowed shares of ended auto-sign grants", auto_sign.sweep(now));
  });
  // Callbacks due are posted every two seconds, from the queue in the database.
  service::Sweeper deliverer(std::chrono::seconds(2), [&](Time now) {
    auto delivered =
        sign_jobs.callbacks().deliver_due(now, [](const std::string& url, const std::string& body) {
          return api::post_json(url, body, std::chrono::seconds(10));
        });
    if (!delivered) logger->warn("delivering callbacks: {}", delivered.error().message);
  });
  server.stop_on_signals();
  need(server.start(), "cannot start the server");

  std::string where = url(server, config.server.host);
  logger->info("listening on {} (config: {}, data: {})", where,
               file.empty() ? "built-in defaults" : file.string(), config.data.dir);
  std::cout << "eseal listening on " << where << std::endl;
  server.wait();
  logger->info("stopped");
  logger->flush();
}

}  // namespace

void add_serve_command(CLI::App& app, const GlobalOptions& global) {
  auto* command = app.add_subcommand(
      "serve", "Run the HTTP server until SIGTERM or SIGINT (requests in flight finish first)");
  auto options = std::make_shared<ServeOptions>();
  command->add_option("--config", options->config,
                      "Configuration file (default: eseal.toml when present, else built-in "
                      "defaults; see eseal.toml.example)");
  command->add_option("--host", options->host, "Address to listen on (overrides [server] host)");
  command->add_option("--port", options->port, "TCP port, 0 for any free one ([server] port)")
      ->check(CLI::Range(0, 65535));
  command->add_option("--data-dir", options->data_dir, "Data folder (overrides [data] dir)");
  command->callback([options, &global] { serve(*options, global); });
}

}  // namespace eseal::cli
