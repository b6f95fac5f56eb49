#include "api/server.h"

#include <fmt/format.h>
#include <spdlog/logger.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "api/access_log.h"
#include "api/beast.h"
#include "api/metrics.h"

#ifdef __linux__
#include <linux/filter.h>
#include <sys/socket.h>
#endif

namespace eseal::api {
namespace {

using namespace net;  // asio, beast, http, ssl, tcp (api/beast.h)
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// Beast reads at most the read buffer's free capacity at a time (and at least 512 bytes): a
// buffer left at the header's size read a 1.4 MB body in some 2,800 system calls, each with an
// epoll wait and a timer re-armed. A body larger than this (or chunked) is read with a buffer
// this large, given back once the request is answered, so that idle connections hold little.
constexpr std::size_t kBodyReadSize = 256 * 1024;
// After an error answered before the body was read, the rest of the body is read and dropped
// for this long, so that closing does not reset the connection before the client reads the
// answer.
constexpr std::chrono::seconds kLingerTime{5};
constexpr std::chrono::milliseconds kDrainPoll{20};
// Once a stopping server drops new connections' SYNs, handshakes already under way still reach
// the accept queue (within a round trip); the listener stays open this long to accept them.
constexpr std::chrono::milliseconds kListenerSettle{100};
// A stopping server waits this long for a first request on a connection it accepted.
constexpr std::chrono::seconds kFirstRequestWait{1};
// After a failed accept (e.g. out of file descriptors), so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetry{100};
constexpr std::string_view kUnmatchedRoute = "unmatched";

// Metric labels take the method only when it is a standard one, so clients cannot add series.
std::string_view method_label(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

// While the server stops, a socket filter on its listener drops every SYN, so that no new
// connection completes its handshake into the accept queue only to be reset when the listener
// closes, after its client has sent a request (behind nginx, a 502 that is never retried for a
// POST). The client's SYN, sent again a second later, finds the port closed and is refused, and
// a proxy then sends the request to another node. Where this cannot be done, a stop still
// serves every connection accepted and closes the listener after kListenerSettle.
void drop_new_connections(tcp::acceptor& acceptor) {
#ifdef __linux__
  if (!acceptor.is_open()) return;
  // Classic BPF over the TCP header: a segment with SYN set and ACK clear is dropped.
  std::array<sock_filter, 5> code{{
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),           // the flags byte
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),        // SYN and ACK
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02, 0, 1),  // SYN alone: the next instruction
      BPF_STMT(BPF_RET | BPF_K, 0),                     // dropped
      BPF_STMT(BPF_RET | BPF_K, 0xffffffff),            // kept whole
  }};
  sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
  ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
#else
  (void)acceptor;
#endif
}

std::string new_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", generator(), generator());
}

// A client's X-Request-Id is reused when it is short and plain, so it can go into logs as is.
bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 c == '-' || c == '_' || c == '.' || c == ':';
    if (!plain) return false;
  }
  return true;
}

std::string http_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 64> text{};
  std::size_t size = std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return {text.data(), size};
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
  return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

// A request the client sent but the parser refused (answered with 4xx), as opposed to the
// connection ending, timing out or being cancelled (closed without an answer).
bool is_refused_request(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::short_read;
}

std::string readiness_body(const std::vector<std::pair<std::string, Status>>& results, bool ready) {
  std::string failed, checks;
  for (const auto& [name, status] : results) {
    if (!checks.empty()) checks += ',';
    checks += json_string(name) + ':' + json_string(status ? "ok" : status.error().message);
    if (!status) {
      if (!failed.empty()) failed += ',';
      failed += json_string(name);
    }
  }
  return fmt::format("{{\"status\":\"{}\",\"failed\":[{}],\"checks\":{{{}}}}}",
                     ready ? "ready" : "unavailable", failed, checks);
}

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Called on any thread when the server begins to stop, and again with `all` once connections
  // have had kFirstRequestWait to send a first request.
  virtual void notify_stopping(bool all) = 0;
};

}  // namespace

struct Server::Impl {
  explicit Impl(ServerOptions server_options) : options(std::move(server_options)) {}

  ServerOptions options;
  Router router;
  std::vector<std::pair<std::string, ReadinessCheck>> readiness_checks;
  HttpMetrics metrics;
  bool handle_signals = false;
  std::atomic<bool> stopping{false};
  std::uint16_t bound_port = 0;

  std::mutex sessions_mutex;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  bool accept_paused = false;  // at max_connections; under sessions_mutex

  // Declared after everything sessions use, so that sessions still queued in the context or the
  // pool are destroyed first.
  asio::io_context ioc;
  tcp::acceptor acceptor{asio::make_strand(ioc)};
  asio::steady_timer drain_timer{acceptor.get_executor()};
  asio::steady_timer accept_retry{acceptor.get_executor()};
  Clock::time_point listener_close;
  bool first_requests_waited = false;
  Clock::time_point drain_deadline;
  std::optional<asio::signal_set> signals;
  std::optional<ssl::context> tls_context;
  std::unique_ptr<asio::thread_pool> workers;
  std::vector<std::thread> io_threads;
  std::mutex wait_mutex;

  void accept();
  bool pause_at_limit();
  void serve(tcp::socket socket);
  void accept_queued();
  template <class Stream, class... Args>
  void start_session(tcp::socket socket, Args&&... args);
  // A closed connection's place: accepting resumes when it was paused at the limit (not once
  // stopping: the listener is then drained and closed, and may already be gone).
  void forget_session(SessionBase* session) {
    bool resume = false;
    {
      std::lock_guard lock(sessions_mutex);
      sessions.erase(session);
      resume = accept_paused && !stopping && sessions.size() < options.max_connections;
      if (resume) accept_paused = false;
    }
    metrics.connection_closed();
    if (resume) {
      asio::post(acceptor.get_executor(), [this] {
        if (acceptor.is_open()) accept();
      });
    }
  }
  void request_stop();
  void begin_drain();
  void notify_sessions(bool all);
  void poll_drain();
  Response readiness() const;

  void log_error(std::string_view message) const {
    if (options.logger) options.logger->error("{}", message);
  }
};

namespace {

// One connection: reads requests one after another, routes each, writes the response, and
// keeps the connection open while both sides want. Every step runs on the connection's strand;
// handlers on the worker pool hand their response back to it.
template <class Stream>
class Session : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Session(Server::Impl& server, tcp::socket socket, Args&&... args)
      : server_(server), stream_(std::move(socket), std::forward<Args>(args)...) {}

  ~Session() override {
    if (in_request_) server_.metrics.request_abandoned();
    server_.forget_session(this);
  }

  void start() {
    beast::error_code ec;
    auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    remote_ = ec ? "-" : endpoint_text(peer);
    asio::dispatch(stream_.get_executor(), [self = shared()] {
      if constexpr (kTls) {
        self->idle_ = true;
        self->lowest().expires_after(self->server_.options.idle_timeout);
        self->stream_.async_handshake(
            ssl::stream_base::server,
            [self](beast::error_code handshake_error) { self->on_handshake(handshake_error); });
      } else {
        self->read_next();
      }
    });
  }

  // A connection waiting for its next request is closed. One that has had no answer yet may
  // have sent its first request already: it is closed only on the second call.
  void notify_stopping(bool all) override {
    asio::post(stream_.get_executor(), [self = shared(), all] {
      if (self->idle_ && (self->answered_ || all)) self->lowest().cancel();
    });
  }

 private:
  std::shared_ptr<Session> shared() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return server_.options; }

  void on_handshake(beast::error_code ec) {
    idle_ = false;
    if (ec) return;  // a scanner or a client that does not trust us: nothing to answer
    read_next();
  }

  void read_next() {
    if (server_.stopping && answered_) return close();
    if (buffer_.capacity() > kHeaderLimit) buffer_.shrink_to_fit();
    parser_.emplace();
    // The route is known only once the header is in: until then, the largest limit of any.
    parser_->body_limit(std::max(options().body_limit, server_.router.largest_body_limit()));
    parser_->header_limit(kHeaderLimit);
    idle_ = true;
    lowest().expires_after(options().idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    idle_ = false;
    if (ec && !is_refused_request(ec)) return close();  // closed, timed out or cancelled while idle
    begin_request();
    if (ec) return fail_request(ec);
    auto length = parser_->content_length();
    if (length && *length > body_limit()) return fail_request(http::error::body_limit);
    parser_->body_limit(body_limit());  // a chunked body is counted as it arrives
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue") &&
        !parser_->is_done()) {
      continue_.emplace(http::status::continue_, parser_->get().version());
      lowest().expires_after(options().write_timeout);
      http::async_write(stream_, *continue_,
                        [self = shared()](beast::error_code write_error, std::size_t) {
                          if (write_error) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_after(options().read_timeout);
    if (auto length = parser_->content_length();
        (length && *length > kBodyReadSize) || (!parser_->is_done() && parser_->chunked()))
      buffer_.reserve(kBodyReadSize);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    // The client went away or was too slow (the stream has closed the socket): no one to answer.
    if (ec && !is_refused_request(ec)) return close();
    if (ec) return fail_request(ec);
    keep_alive_ = parser_->get().keep_alive();
    request_.body = std::move(parser_->get().body());
    dispatch();
  }

  // Fills the request from the header read so far; it starts the request's clock.
  void begin_request() {
    in_request_ = true;
    started_ = Clock::now();
    server_.metrics.request_started();
    const auto& header = parser_->get();
    request_ = Request{};
    request_.method = std::string(header.method_string());
    request_.target = std::string(header.target());
    auto question = request_.target.find('?');
    request_.path = request_.target.substr(0, question);
    if (question != std::string::npos) request_.query = request_.target.substr(question + 1);
    for (const auto& field : header) {
      request_.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    request_.remote = remote_;
    request_.tls = kTls;
    auto given_id = request_.headers.get("X-Request-Id");
    request_.request_id =
        given_id && usable_request_id(*given_id) ? std::string(*given_id) : new_request_id();
    auto match = server_.router.find(request_.method, request_.path);
    route_ = match.route;
    route_path_ = match.path;
    request_.params = std::move(match.params);
  }

  // The body limit of the request being read: its route's when it has one.
  std::uint64_t body_limit() const {
    return route_ && route_->options.body_limit ? route_->options.body_limit : options().body_limit;
  }

  // Answers a request the parser refused, then closes the connection.
  void fail_request(beast::error_code ec) {
    linger_ = true;
    if (ec == http::error::body_limit) {
      return respond(
          error_response(413, "payload_too_large",
                         fmt::format("the request body exceeds {} bytes", body_limit())));
    }
    if (ec == http::error::header_limit) {
      return respond(error_response(431, "header_too_large", "the request header is too large"));
    }
    respond(error_response(400, "bad_request", "malformed HTTP request: " + ec.message()));
  }

  Response error_response(int status, std::string_view code, std::string_view message) {
    if (route_ && route_->options.on_error) {
      try {
        return route_->options.on_error(request_, status, message);
      } catch (const std::exception& e) {
        server_.log_error(fmt::format("error handler of {} failed: {}", route_->path, e.what()));
      }
    }
    return json_error(status, code, message);
  }

  void dispatch() {
    if (!route_) {
      auto match = server_.router.find(request_.method, request_.path);
      if (match.path.empty()) {
        return respond(json_error(404, "not_found", "no route for " + request_.path));
      }
      std::string allowed;
      for (const auto& method : match.allowed) allowed += (allowed.empty() ? "" : ", ") + method;
      Response response = json_error(405, "method_not_allowed",
                                     fmt::format("{} is not allowed on {}; allowed: {}",
                                                 request_.method, request_.path, allowed));
      response.headers.set("Allow", allowed);
      return respond(std::move(response));
    }
    if (route_->options.cheap) return respond(invoke());
    asio::post(*server_.workers, [self = shared()] {
      Response response = self->invoke();
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->respond(std::move(response));
      });
    });
  }

  // Runs the handler. The strand does not touch request_ until the response comes back.
  Response invoke() {
    try {
      return route_->handler(request_);
    } catch (const std::exception& e) {
      server_.log_error(fmt::format("handler of {} {} failed (request {}): {}", route_->method,
                                    route_->path, request_.request_id, e.what()));
    } catch (...) {
      server_.log_error(fmt::format("handler of {} {} failed (request {})", route_->method,
                                    route_->path, request_.request_id));
    }
    return error_response(500, "internal_error", "the request could not be handled");
  }

  void respond(Response response) {
    request_.body.clear();
    request_.body.shrink_to_fit();
    if (response.status < 100 || response.status > 599) response.status = 500;
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "eseal");
    response_.set(http::field::date, http_date());
    if (!response.body.empty()) response_.set(http::field::content_type, response.content_type);
    response_.set("X-Request-Id", request_.request_id);
    for (const auto& [name, value] : response.headers.fields()) response_.set(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive_ && !linger_ && !server_.stopping);
    response_.prepare_payload();
    log_fields_ = std::move(response.log_fields);
    lowest().expires_after(options().write_timeout);
    http::async_write(stream_, response_,
                      [self = shared()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    finish_request();
    answered_ = true;
    if (ec || !response_.keep_alive()) return close();
    keep_alive_ = false;
    read_next();
  }

  void finish_request() {
    in_request_ = false;
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    int status = static_cast<int>(response_.result_int());
    server_.metrics.request_finished(route_path_.empty() ? kUnmatchedRoute : route_path_,
                                     method_label(request_.method), status, seconds);
    if (server_.options.logger) {
      write_access_log(*server_.options.logger, {.request_id = request_.request_id,
                                                 .remote = remote_,
                                                 .method = request_.method,
                                                 .route = route_path_,
                                                 .path = request_.path,
                                                 .fields = &log_fields_,
                                                 .status = status,
                                                 .bytes = response_.body().size(),
                                                 .duration_ms = seconds * 1000});
    }
  }

  void close() {
    if constexpr (kTls) {
      // The TLS close_notify exchange waits for the peer; not worth holding up a shutdown for.
      if (!server_.stopping) {
        lowest().expires_after(kLingerTime);
        stream_.async_shutdown([self = shared()](beast::error_code) {});
        return;
      }
    }
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (linger_) {
      lowest().expires_after(kLingerTime);
      drain();
    }
  }

  // Reads and drops what the client still sends until it closes or kLingerTime passes.
  void drain() {
    lowest().async_read_some(asio::buffer(scratch_),
                             [self = shared()](beast::error_code ec, std::size_t) {
                               if (!ec) self->drain();
                             });
  }

  Server::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  Request request_;
  const Route* route_ = nullptr;  // the route for this method and path, if any
  std::string_view route_path_;   // the path when some method has a route for it
  std::map<std::string, std::string> log_fields_;
  std::string remote_;
  Clock::time_point started_;
  bool idle_ = false;
  bool answered_ = false;
  bool in_request_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;
  std::array<char, 16 * 1024> scratch_{};
};

}  // namespace

template <class Stream, class... Args>
void Server::Impl::start_session(tcp::socket socket, Args&&... args) {
  auto session =
      std::make_shared<Session<Stream>>(*this, std::move(socket), std::forward<Args>(args)...);
  {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(session.get(), session);
  }
  metrics.connection_opened();
  session->start();
}

void Server::Impl::serve(tcp::socket socket) {
  if (tls_context) {
    start_session<beast::ssl_stream<beast::tcp_stream>>(std::move(socket), *tls_context);
  } else {
    start_session<beast::tcp_stream>(std::move(socket));
  }
}

// A connection accepted is always served, even once the server is stopping: its client may
// already have sent a request.
void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      if (!acceptor.is_open()) return;
      log_error("accept failed: " + ec.message());
      accept_retry.expires_after(kAcceptRetry);
      accept_retry.async_wait([this](beast::error_code wait_error) {
        if (!wait_error && acceptor.is_open()) accept();
      });
      return;
    }
    serve(std::move(socket));
    if (acceptor.is_open() && !pause_at_limit()) accept();
  });
}

// At max_connections, the accept loop stops (forget_session starts it again).
bool Server::Impl::pause_at_limit() {
  if (options.max_connections == 0) return false;
  {
    std::lock_guard lock(sessions_mutex);
    if (sessions.size() < options.max_connections) return false;
    accept_paused = true;
  }
  metrics.accepting_paused();
  return true;
}

// Takes every connection waiting in the listener's queue, so that closing it resets none.
void Server::Impl::accept_queued() {
  beast::error_code ec;
  acceptor.non_blocking(true, ec);
  while (!ec) {
    tcp::socket socket = acceptor.accept(asio::make_strand(ioc), ec);
    if (!ec) serve(std::move(socket));
  }
}

void Server::Impl::request_stop() {
  if (stopping.exchange(true)) return;
  drop_new_connections(acceptor);
  asio::post(acceptor.get_executor(), [this] { begin_drain(); });
}

void Server::Impl::begin_drain() {
  beast::error_code ignored;
  if (signals) {
    // Back to the default action, so that a second signal ends the process at once.
    signals->clear(ignored);
    signals->cancel(ignored);
  }
  notify_sessions(false);
  listener_close = Clock::now() + kListenerSettle;
  drain_deadline = Clock::now() + options.shutdown_grace;
  poll_drain();
}

void Server::Impl::notify_sessions(bool all) {
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [raw, weak] : sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  for (auto& session : open) session->notify_stopping(all);
}

void Server::Impl::poll_drain() {
  Clock::time_point now = Clock::now();
  if (acceptor.is_open() && now >= listener_close) {
    accept_queued();
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
  }
  if (!first_requests_waited && now >= listener_close + kFirstRequestWait) {
    first_requests_waited = true;
    notify_sessions(true);
  }
  if (!acceptor.is_open()) {
    std::lock_guard lock(sessions_mutex);
    if (sessions.empty()) return;  // nothing left: the io threads run out of work and return
  }
  if (now >= drain_deadline) {
    if (options.logger) {
      options.logger->warn("shutdown grace of {} s over; dropping the requests still open",
                           options.shutdown_grace.count());
    }
    ioc.stop();
    return;
  }
  drain_timer.expires_after(kDrainPoll);
  drain_timer.async_wait([this](beast::error_code ec) {
    if (!ec) poll_drain();
  });
}

Response Server::Impl::readiness() const {
  std::vector<std::pair<std::string, Status>> results;
  bool ready = true;
  for (const auto& [name, check] : readiness_checks) {
    Status status = check();
    ready = ready && status.ok();
    results.emplace_back(name, std::move(status));
  }
  return Response::json(ready ? 200 : 503, readiness_body(results, ready));
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const RouteOptions cheap{.cheap = true, .on_error = {}};
  route(
      "GET", "/healthz", [](const Request&) { return Response::json(200, R"({"status":"ok"})"); },
      cheap);
  route("GET", "/readyz", [impl = impl_.get()](const Request&) { return impl->readiness(); });
  route(
      "GET", "/metrics",
      [impl = impl_.get()](const Request&) {
        Response response = Response::text(200, impl->metrics.render());
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        return response;
      },
      cheap);
}

Server::~Server() {
  stop();
  wait();
}

void Server::route(std::string method, std::string path, Handler handler, RouteOptions options) {
  impl_->router.add(std::move(method), std::move(path), std::move(handler), std::move(options));
}

void Server::add_readiness_check(std::string name, ReadinessCheck check) {
  impl_->readiness_checks.emplace_back(std::move(name), std::move(check));
}

void Server::stop_on_signals() {
  impl_->handle_signals = true;
}

Status Server::start() {
  Impl& impl = *impl_;
  const ServerOptions& options = impl.options;
  if (impl.acceptor.is_open()) return Error::invalid_input("the server is already started");
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Error::invalid_input("TLS needs both a certificate and a key");
  }
  if (!options.tls_cert.empty()) {
    impl.tls_context.emplace(ssl::context::tls_server);
    impl.tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                  ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    impl.tls_context->use_certificate_chain_file(options.tls_cert.string(), ec);
    if (ec) return Error::io("cannot load TLS certificate " + options.tls_cert.string());
    impl.tls_context->use_private_key_file(options.tls_key.string(), ssl::context::pem, ec);
    if (ec) return Error::io("cannot load TLS key " + options.tls_key.string());
  }

  beast::error_code ec;
  tcp::resolver resolver(impl.ioc);
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Error::invalid_input("cannot resolve host " + options.host + ": " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  std::string where = endpoint_text(endpoint);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    return Error::io("cannot listen on " + where + ": " + ec.message());
  }
  impl.bound_port = impl.acceptor.local_endpoint().port();

  if (impl.handle_signals) {
    impl.signals.emplace(impl.ioc, SIGTERM, SIGINT);
    impl.signals->async_wait([&impl](beast::error_code signal_error, int) {
      if (!signal_error) impl.request_stop();
    });
  }
  // Handlers wait on disk (each write's commit) as well as compute: by default four per core, so
  // that a core has work while requests wait, and group commit has writers to gather.
  unsigned workers = options.workers > 0 ? static_cast<unsigned>(options.workers)
                                         : 4 * std::max(1u, std::thread::hardware_concurrency());
  impl.workers = std::make_unique<asio::thread_pool>(workers);
  impl.accept();
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl.io_threads.emplace_back([&impl] { impl.ioc.run(); });
  }
  return ok_status();
}

std::uint16_t Server::port() const {
  return impl_->bound_port;
}

bool Server::tls() const {
  return !impl_->options.tls_cert.empty();
}

void Server::stop() {
  impl_->request_stop();
}

void Server::wait() {
  std::lock_guard lock(impl_->wait_mutex);
  for (auto& thread : impl_->io_threads) thread.join();
  impl_->io_threads.clear();
  if (impl_->workers) {
    // Only handlers of requests dropped after the grace period can still be queued.
    impl_->workers->stop();
    impl_->workers->join();
  }
}

const Router& Server::router() const {
  return impl_->router;
}

const HttpMetrics& Server::metrics() const {
  return impl_->metrics;
}

}  // namespace eseal::api
