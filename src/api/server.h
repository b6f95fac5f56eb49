// The HTTP/1.1 server every protocol adapter sits on (Boost.Beast over Asio, TLS by OpenSSL):
// keep-alive, a request body limit, timeouts, graceful shutdown, a worker pool for handlers, an
// exact-path router and the operations endpoints /healthz, /readyz and /metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "api/message.h"
#include "api/router.h"
#include "base/result.h"

namespace spdlog {
class logger;
}

namespace eseal::api {

class HttpMetrics;

struct ServerOptions {
  std::string host = "127.0.0.1";                     // an address or a name resolved at start()
  std::uint16_t port = 8080;                          // 0: an ephemeral port, see Server::port()
  int io_threads = 1;                                 // threads reading and writing sockets
  int workers = 0;                                    // handler threads; 0: four per core
  std::uint64_t body_limit = std::uint64_t{1} << 30;  // larger bodies are answered with 413
  // Connections open at once; 0: no limit. At the limit the server accepts no more until one
  // closes: new clients wait in the listener's queue, and every open one keeps its descriptor.
  std::size_t max_connections = 0;
  // Waiting for the next request's header on an open connection (and for the TLS handshake).
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds read_timeout{300};   // reading one request's body
  std::chrono::seconds write_timeout{300};  // writing one response
  std::chrono::seconds shutdown_grace{30};  // in-flight requests' time to finish after stop()
  // Both set: HTTPS only, with this PEM certificate chain and PEM private key.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // Access log lines and server errors; null: the server logs nothing.
  std::shared_ptr<spdlog::logger> logger;
};

using ReadinessCheck = std::function<Status()>;

// Routes and readiness checks are set up before start(); after it the server only reads them.
// start(), stop(), wait() and port() may be called from any thread. Handlers run concurrently
// on the worker pool (cheap ones on a network thread) and must be thread-safe; an exception
// escaping a handler becomes a 500 response.
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // stop() then wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // `method` as on the wire ("GET", "POST"); `path` exact, e.g. "/seal/v1/electricSeal".
  // Requests for an unknown path get 404, for a known path with another method 405; both as
  // json_error. Replaces an earlier route with the same method and path (also the built-in
  // /healthz, /readyz and /metrics).
  void route(std::string method, std::string path, Handler handler, RouteOptions options = {});

  // /readyz answers 200 when every check returns ok, else 503 naming the failed checks. Checks
  // run on the worker pool, possibly for several requests at once, and should be quick (a ping,
  // not a scan).
  void add_readiness_check(std::string name, ReadinessCheck check);

  // From start() on, SIGTERM or SIGINT begins stop(); a second one ends the process at once.
  void stop_on_signals();

  // Binds, listens and starts the network and worker threads; once per server. Fails (kIo,
  // kInvalidInput) when the address cannot be bound or the TLS certificate or key cannot be
  // loaded.
  Status start();

  // The bound port once start() succeeded (the ephemeral one when the options asked for 0).
  std::uint16_t port() const;
  bool tls() const;

  // Graceful stop: stops accepting, closes idle connections, lets requests in flight finish
  // (each answered with "Connection: close") for up to shutdown_grace, then drops the rest.
  // Returns at once; idempotent.
  void stop();
  // Blocks until the server has stopped and its threads are joined.
  void wait();

  const HttpMetrics& metrics() const;
  // The routes set up so far (for documentation checks; read-only once started).
  const Router& router() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace eseal::api
