// The server's configuration: eseal.toml (TOML, every key documented with its default in
// eseal.toml.example), then ESEAL_<SECTION>_<KEY> environment variables, then command-line flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "api/json.h"
#include "api/server.h"
#include "base/result.h"

namespace eseal::api {

struct Config {
  struct Server {
    std::string host = "127.0.0.1";
    std::int64_t port = 8080;
    std::int64_t threads_io = 1;
    std::int64_t workers = 0;          // 0: four per core
    std::int64_t body_limit_mib = 48;  // routes without a limit of their own
    std::int64_t connections = 512;    // open at once; more wait in the listener's queue
    std::int64_t read_timeout_s = 300;
    std::int64_t idle_timeout_s = 60;
    std::int64_t write_timeout_s = 300;
    std::int64_t shutdown_grace_s = 30;
  } server;
  struct Tls {
    std::string cert;  // PEM certificate chain; with key: HTTPS only
    std::string key;   // PEM private key
  } tls;
  struct Data {
    std::string dir = "var";
  } data;
  // Where the rows and blobs live (store::StoreOptions): SQLite in the data folder by default;
  // PostgreSQL for several nodes.
  struct Store {
    std::string url;               // "", "sqlite:<file>" or "postgresql://…"
    std::int64_t pool = 0;         // connections; 0: the database's default
    std::string blobs = "folder";  // or "database"
  } store;
  struct Log {
    std::string level = "info";
    std::string file;  // empty: stderr
  } log;
  struct Ldt {
    std::int64_t time_window_s = 300;  // accepted clock difference of LD/T ctime
  } ldt;
  // What one request may ask of the server, for every door.
  struct Limits {
    std::int64_t file_mib = 30;           // one document in a request, decoded
    std::int64_t output_mib = 64;         // one signed document
    std::int64_t signatures = 20;         // signatures one request makes (LD/T signList entries)
    std::int64_t stamps = 500;            // pictures one signature places (keyword hits, slices)
    std::int64_t list_items = 1000;       // entries of a page list (LD/T keywordModel "a,b,c")
    std::int64_t json_depth = 32;         // nesting of a JSON body
    std::int64_t json_values = 100000;    // values in a JSON body (objects, strings, numbers, …)
    std::int64_t pdf_objects = 1000000;   // objects of a PDF to sign (at most the engine's 1000000)
    std::int64_t pdf_pages = 10000;       // pages of a PDF to sign (at most 10000)
    std::int64_t ofd_entries = 100000;    // files in an OFD package to sign (at most 100000)
    std::int64_t ofd_inflated_mib = 512;  // an OFD package's files inflated (at most 512)
    std::int64_t xml_depth = 256;         // nesting of an OFD package's XML files (at most 256)
    std::int64_t picture_mpixels = 100;   // a picture converted or drawn, in millions (at most 100)
    std::int64_t render_mpixels = 250;    // all the pictures of a document drawn (at most 250)
    std::int64_t seal_picture_mpixels = 40;  // a seal's picture made or stamped (at most 100)
    std::int64_t conversions = 2;            // LibreOffice conversions running at once
    std::int64_t conversion_s = 120;         // one conversion's time
    std::int64_t conversion_wait_s = 30;     // a request's wait for a turn, then refused as busy
  } limits;
  struct Signing {
    // /Contents of PDF signatures: ses, gmcms or pkcs7 (checked by the doors that sign).
    std::string pdf_format = "ses";
    // Time stamps in the signatures the server makes: "auto" (when a time-stamp authority is
    // set up), "tsa" (always; the server does not start without one) or "none".
    std::string time_stamp = "auto";
  } signing;
  // The time-stamp authority (RFC 3161): the platform's own (D/platform/tsa.pem and .key), or
  // an external one at `url`.
  struct Tsa {
    std::string url;                   // "http://host:port/path"; empty: the built-in one
    std::string policy = "2.999.1.1";  // TSTInfo policy OID (2.999: set your own)
    std::string accepted_policies;     // further request policies answered, comma-separated
    std::string signature = "z";       // "z" (GM/T 0009, the default) or "no-z" (OpenSSL 3.0)
    std::int64_t include_name = 0;     // 1: TSTInfo names the TSA
    std::int64_t timeout_s = 30;       // an external authority's answer
  } tsa;
  // Mobile collaborative signing (COSS).
  struct Coss {
    // Where phones reach the server ("https://sign.example.org"), for the QR payloads; empty:
    // as the business system reached it (its Host header, X-Forwarded-Proto).
    std::string public_url;
    std::int64_t replay_window_s = 300;        // a (transId, signature) seen again is a replay
    std::int64_t callback_first_retry_s = 10;  // a failed callback is tried again after this,
    std::int64_t callback_attempts = 10;       // doubling, at most this many times in all
    std::int64_t open_jobs_per_user = 1000;    // unsigned sign jobs one user may have
    // The built phone page (web/coss-h5, `scripts/build-web`), served at /coss/h5/; not served
    // when the folder is absent.
    std::string h5_dir = "web/coss-h5/dist";
  } coss;
  // The DB4403/T 383.4 door (Shenzhen).
  struct Sz {
    // The requests carry no time: a reqId is a replay for as long as it is kept (a year).
    std::int64_t replay_window_s = 365 * 86400;
    std::int64_t task_minutes = 10;  // QR login and signing tasks
    std::int64_t held_hours = 24;    // genCalculateFileHash until genDetachedFile
    std::int64_t file_hours = 168;   // centralized-signing files kept
    std::int64_t batch_files = 30;   // files of one genCalculateFileHash (30 at most)
  } sz;
  // Text messages (activation codes by SMS): kept in the outbox (`eseal sms list`) without a
  // gateway; posted to `gateway_url` with `gateway_body` ({mobile}, {text}) with one.
  struct Sms {
    std::string gateway_url;
    std::string gateway_body = R"({"mobile":"{mobile}","text":"{text}"})";
  } sms;
  // Filing with the national platform (LD/T 01.4 §5.2, api/ldt/filing.h). As the platform:
  // how long a challenge, a task's results and a bearer token last. As a seal-making system:
  // where to file (`upstream_url`), the app file of our credentials there (as `eseal app add`
  // writes it, with the DB.oauth.token account when there is one), the platform's signing
  // certificate (its D/platform/lock.pem), and whether seals made by applySeal wait for their
  // filing before they can be used (0 or 1, or false/true).
  struct Filing {
    std::string upstream_url;
    std::string credentials;
    std::string platform_cert;
    std::int64_t required = 0;
    std::int64_t challenge_s = 300;
    std::int64_t task_days = 30;
    std::int64_t token_hours = 8;
  } filing;
  // Where the server keeps the keys of its seals: "soft" (the data folder's soft keystore, the
  // default) or "sdf" (a GM/T 0018 crypto device: seals are registered with `--key sdf:N`, a key
  // index on the device). The device's vendor library (empty: eseal's software device,
  // libeseal-softsdf.so beside the program) and the key indexes' access password (better given
  // as ESEAL_KEYS_SDF_PASSWORD than written here).
  struct Keys {
    std::string provider = "soft";
    std::string sdf_library;
    std::string sdf_password;
  } keys;
  // The web console and the native REST API (/api/v1/, api/rest/routes.h): the console's built
  // pages (web/console, `scripts/build-web`), served at /console/ when the folder exists; a
  // session's life; how many failed sign-ins in a row lock an account and for how long; the
  // Argon2id cost of new password hashes (memory in KiB, passes).
  struct Console {
    std::string dir = "web/console/dist";
    std::int64_t session_hours = 8;
    std::int64_t lockout_failures = 5;
    std::int64_t lockout_minutes = 15;
    std::int64_t kdf_memory_kib = 19456;
    std::int64_t kdf_passes = 2;
    // Where people reach the public verification page ("https://seal.example.org"), for the
    // verification codes printed on documents; empty: as the request reached the server.
    std::string public_url;
  } console;
};

// Environment variables by name; only ESEAL_<SECTION>_<KEY> names of known keys are read, so
// other ESEAL_ variables (ESEAL_KEK, ...) may sit beside them.
using Environment = std::map<std::string, std::string, std::less<>>;
Environment process_environment();

// Reads TOML text over the defaults. Syntax errors, unknown sections or keys and wrong value
// types are kInvalidInput errors naming `source` and the key, e.g.
// "eseal.toml: [server] port: expected an integer". Ranges are validate()'s.
Result<Config> parse_config(std::string_view toml, std::string_view source);
Result<Config> load_config_file(const std::filesystem::path& path);

// Overrides keys from ESEAL_<SECTION>_<KEY> variables (e.g. ESEAL_SERVER_PORT=9090); a bad
// value is an error naming the variable.
Status apply_environment(Config& config, const Environment& environment);

// The defaults, or `file` when not empty, then the environment; validated.
Result<Config> load_config(const std::filesystem::path& file, const Environment& environment);

// Ranges and combinations: ports, positive timeouts and sizes, a known log level, TLS certificate
// and key given together.
Status validate(const Config& config);

// The server options the [server] and [tls] sections describe (no logger).
ServerOptions server_options(const Config& config);

// How every door reads a JSON body ([limits] json_depth, json_values).
JsonLimits json_limits(const Config& config);

}  // namespace eseal::api
