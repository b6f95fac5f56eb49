// The HTTP core over real loopback connections: routing, keep-alive, limits, the worker pool,
// graceful shutdown, the operations endpoints, request ids, access logs and TLS.
#include "api/server.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>

#include "api/http_client.h"
#include "api/metrics.h"
#include "support/process.h"
#include "support/raw_http.h"

namespace eseal::api {
namespace {

using api::HttpClient;
using api::HttpResponse;
using eseal::test::raw_exchange;

namespace asio = boost::asio;

constexpr const char* kHost = "127.0.0.1";

// A one-shot latch. Opened on destruction, so that a failed assertion never leaves a handler
// blocked and the server's destructor waiting for it.
class Gate {
 public:
  ~Gate() { open(); }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

ServerOptions test_options() {
  ServerOptions options;
  options.host = kHost;
  options.port = 0;
  options.workers = 2;
  return options;
}

void start(Server& server) {
  Status started = server.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_NE(server.port(), 0);
}

Handler echo() {
  return [](const Request& request) { return Response::text(200, request.body); };
}

TEST(ServerTest, HealthzIsOkWithARequestId) {
  Server server(test_options());
  start(server);
  HttpClient client(kHost, server.port());
  HttpResponse response = *client.get("/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ok"})");
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_EQ(response.header("X-Request-Id").size(), 32u);
  EXPECT_NE(client.get("/healthz")->header("X-Request-Id"), response.header("X-Request-Id"));
}

TEST(ServerTest, RoutesByExactMethodAndPath) {
  Server server(test_options());
  server.route("POST", "/echo", echo());
  server.route("GET", "/request", [](const Request& request) {
    return Response::text(200, request.method + " " + request.path + " " + request.query + " " +
                                   std::string(request.headers.get("x-CUSTOM").value_or("")));
  });
  start(server);
  HttpClient client(kHost, server.port());

  HttpResponse echoed = *client.post("/echo", "hello");
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.body, "hello");
  EXPECT_EQ(echoed.header("content-type"), "text/plain; charset=utf-8");

  api::Headers headers;
  headers.add("X-Custom", "value");
  EXPECT_EQ(client.get("/request?a=1&b=2", headers)->body, "GET /request a=1&b=2 value");

  HttpResponse wrong_method = *client.get("/echo");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "POST");
  EXPECT_NE(wrong_method.body.find(R"("error":"method_not_allowed")"), std::string::npos);

  for (const char* target : {"/missing", "/echo/", "/ECHO", "/echo%2f"}) {
    HttpResponse missing = *client.post(target, "x");
    EXPECT_EQ(missing.status, 404) << target;
    EXPECT_NE(missing.body.find(R"("error":"not_found")"), std::string::npos) << target;
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(ServerTest, PathParametersMatchWholeSegmentsAndExactPathsWin) {
  Server server(test_options());
  auto show = [](const Request& request) {
    std::string text = request.path;
    for (const auto& [name, value] : request.params) text += " " + name + "=" + value;
    return Response::text(200, text);
  };
  server.route("GET", "/items/{id}", show);
  server.route("GET", "/items/new", show);
  server.route("POST", "/items/{id}/pages/{page}", show);
  server.route("GET", "/items/{id}/history", show);
  start(server);
  HttpClient client(kHost, server.port());

  EXPECT_EQ(client.get("/items/a1")->body, "/items/a1 id=a1");
  EXPECT_EQ(client.get("/items/new")->body, "/items/new");
  EXPECT_EQ(client.get("/items/a1/history")->body, "/items/a1/history id=a1");
  EXPECT_EQ(client.post("/items/x/pages/3", "")->body, "/items/x/pages/3 id=x page=3");
  // A parameter is one whole, non-empty segment, compared as sent.
  for (const char* target : {"/items/", "/items//history", "/items/a/b", "/items/a/pages/"}) {
    EXPECT_EQ(client.get(target)->status, 404) << target;
  }
  EXPECT_EQ(client.get("/items/a%40b%20c")->body, "/items/a%40b%20c id=a@b c");
  for (const char* target : {"/items/a%2Fb", "/items/a%zz", "/items/a%4"}) {
    EXPECT_EQ(client.get(target)->status, 404) << target;
  }
  HttpResponse wrong_method = *client.get("/items/x/pages/3");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "POST");

  std::vector<std::string> listed;
  for (const Route* route : server.router().routes())
    listed.push_back(route->method + " " + route->path);
  EXPECT_NE(std::find(listed.begin(), listed.end(), "POST /items/{id}/pages/{page}"), listed.end());
}

TEST(ServerTest, KeepAliveServesRequestsOnOneConnection) {
  Server server(test_options());
  server.route("GET", "/remote", [](const Request& r) { return Response::text(200, r.remote); });
  start(server);
  HttpClient client(kHost, server.port());
  HttpResponse first = *client.get("/remote");
  HttpResponse second = *client.get("/remote");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body.rfind("127.0.0.1:", 0), 0u) << first.body;
  EXPECT_EQ(first.body, second.body);  // same client port: same connection
  EXPECT_EQ(client.connections_opened(), 1);

  api::Headers close;
  close.add("Connection", "close");
  EXPECT_EQ(client.get("/remote", close)->header("Connection"), "close");
  EXPECT_FALSE(client.connected());
  EXPECT_NE(client.get("/remote")->body, first.body);
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST(ServerTest, BodyOverTheLimitIs413InTheRoutesErrorShape) {
  ServerOptions options = test_options();
  options.body_limit = 1024;
  Server server(options);
  server.route("POST", "/echo", echo());
  server.route("POST", "/shaped", echo(),
               {.cheap = false,
                .on_error = [](const Request& request, int status, std::string_view message) {
                  return Response::json(200, "{\"errorCode\":\"" + std::to_string(status) +
                                                 "\",\"path\":\"" + request.path +
                                                 "\",\"errorInfo\":" + json_string(message) + "}");
                }});
  start(server);
  HttpClient client(kHost, server.port());

  EXPECT_EQ(client.post("/echo", std::string(1024, 'a'))->status, 200);

  HttpResponse too_large = *client.post("/echo", std::string(64 * 1024, 'a'));
  EXPECT_EQ(too_large.status, 413);
  EXPECT_NE(too_large.body.find(R"("error":"payload_too_large")"), std::string::npos);
  EXPECT_NE(too_large.body.find("1024 bytes"), std::string::npos);
  EXPECT_EQ(too_large.header("Connection"), "close");

  HttpResponse shaped = *client.post("/shaped", std::string(4096, 'a'));
  EXPECT_EQ(shaped.status, 200);
  EXPECT_EQ(shaped.body.rfind(R"({"errorCode":"413","path":"/shaped","errorInfo":)", 0), 0u)
      << shaped.body;

  // A chunked body is only found too large while it is read.
  std::string chunk(2000, 'b');
  std::string reply = raw_exchange(server.port(),
                                   "POST /echo HTTP/1.1\r\nHost: x\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n"
                                   "7d0\r\n" +
                                       chunk + "\r\n7d0\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413 ", 0), 0u) << reply;

  EXPECT_EQ(client.get("/healthz")->status, 200);
}

// A route's own limit wins over the server's, larger or smaller, and is checked against
// Content-Length before the body is read.
TEST(ServerTest, ARoutesOwnBodyLimitWinsOverTheServers) {
  ServerOptions options = test_options();
  options.body_limit = 1024;
  Server server(options);
  RouteOptions small_limit, large_limit;
  small_limit.body_limit = 100;
  large_limit.body_limit = 64 * 1024;
  server.route("POST", "/small", echo(), small_limit);
  server.route("POST", "/large", echo(), large_limit);
  server.route("POST", "/echo", echo());
  start(server);
  HttpClient client(kHost, server.port());
  EXPECT_EQ(client.post("/large", std::string(60 * 1024, 'a'))->status, 200);
  EXPECT_EQ(client.post("/large", std::string(65 * 1024, 'a'))->status, 413);
  EXPECT_EQ(client.post("/echo", std::string(2048, 'a'))->status, 413);
  HttpResponse small = *client.post("/small", std::string(101, 'a'));
  EXPECT_EQ(small.status, 413);
  EXPECT_NE(small.body.find("100 bytes"), std::string::npos) << small.body;
  // Only the header is sent: the answer comes without waiting for a body of 300 MiB.
  std::string reply = raw_exchange(server.port(),
                                   "POST /large HTTP/1.1\r\nHost: x\r\n"
                                   "Content-Length: 314572800\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413 ", 0), 0u) << reply;
}

TEST(ServerTest, ThirtyMebibyteBodiesArriveWhole) {
  Server server(test_options());
  server.route("POST", "/size", [](const Request& request) {
    bool intact = request.body.size() == (30u << 20) && request.body.front() == 'A' &&
                  request.body.back() == 'Z';
    return Response::text(200, intact ? "intact" : "damaged");
  });
  start(server);
  std::string body(30u << 20, 'm');
  body.front() = 'A';
  body.back() = 'Z';
  HttpClient client(kHost, server.port());
  EXPECT_EQ(client.post("/size", body)->body, "intact");
  EXPECT_EQ(client.post("/size", body)->body, "intact");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(ServerTest, MalformedRequestsAre400) {
  Server server(test_options());
  start(server);
  std::string reply = raw_exchange(server.port(), "GARBAGE\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 ", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("error":"bad_request")"), std::string::npos) << reply;
}

TEST(ServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Server server(test_options());
  server.route("POST", "/echo", echo());
  start(server);
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address(kHost), server.port()});
  asio::write(socket, asio::buffer(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n"
                                               "Content-Length: 5\r\nExpect: 100-continue\r\n"
                                               "Connection: close\r\n\r\n")));
  std::string reply;
  std::size_t header_end = asio::read_until(socket, asio::dynamic_buffer(reply), "\r\n\r\n");
  EXPECT_EQ(reply.substr(0, header_end), "HTTP/1.1 100 Continue\r\n\r\n");
  asio::write(socket, asio::buffer(std::string("hello")));
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(reply), ec);
  EXPECT_NE(reply.find("HTTP/1.1 200 OK"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 9), "\r\n\r\nhello") << reply;
}

TEST(ServerTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  ServerOptions options = test_options();
  options.idle_timeout = std::chrono::seconds(1);
  Server server(options);
  start(server);
  // The server closes a connection that never sends anything: the read ends with end of file.
  EXPECT_EQ(raw_exchange(server.port(), ""), "");
  HttpClient client(kHost, server.port());
  EXPECT_EQ(client.get("/healthz")->status, 200);
}

TEST(ServerTest, AtItsConnectionLimitTheServerWaitsForOneToClose) {
  ServerOptions options = test_options();
  options.max_connections = 2;
  Server server(options);
  start(server);
  HttpClient first(kHost, server.port()), second(kHost, server.port());
  ASSERT_EQ(first.get("/healthz")->status, 200);
  ASSERT_EQ(second.get("/healthz")->status, 200);  // both kept open: the limit is reached

  // A third connection waits in the listener's queue, its request unanswered, until one closes.
  auto third = std::async(std::launch::async, [&server] {
    HttpClient client(kHost, server.port());
    return client.get("/metrics");
  });
  EXPECT_EQ(third.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  first.close();
  auto metrics = third.get();
  ASSERT_TRUE(metrics.ok()) << metrics.error().message;
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("\neseal_http_connections_open 2\n"), std::string::npos)
      << metrics->body;
  EXPECT_EQ(metrics->body.find("\neseal_http_accept_paused_total 0\n"), std::string::npos)
      << metrics->body;
  EXPECT_EQ(second.get("/healthz")->status, 200);
}

TEST(ServerTest, SlowHandlersDoNotHoldUpOthers) {
  ServerOptions options = test_options();
  options.io_threads = 1;
  options.workers = 2;
  Server server(options);
  Gate entered, release;
  server.route("GET", "/slow", [&](const Request&) {
    entered.open();
    release.wait();
    return Response::text(200, "slow");
  });
  server.route("GET", "/work", [](const Request&) { return Response::text(200, "work"); });
  start(server);

  auto slow = std::async(std::launch::async, [&] {
    HttpClient client(kHost, server.port());
    return client.get("/slow");
  });
  entered.wait();
  HttpClient client(kHost, server.port());
  EXPECT_EQ(client.get("/healthz")->status, 200);  // cheap: on the network thread
  EXPECT_EQ(client.get("/work")->body, "work");    // on the other worker
  // Both answered while the slow handler is still blocked.
  EXPECT_EQ(slow.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  release.open();
  EXPECT_EQ(slow.get()->body, "slow");
}

// Behind a proxy, a connection the kernel completed before the stop (its request already sent)
// must be answered, never reset when the listener closes; and a connection attempted once the
// server is stopping must not complete at all, so that it is refused and the proxy tries
// another node. The one network thread is held in a handler meanwhile, so that the server's
// accept loop cannot take either connection before the stop.
TEST(ServerTest, AStopAnswersQueuedConnectionsAndRefusesNewOnes) {
  Server server(test_options());
  Gate entered, release;
  server.route(
      "GET", "/hold",
      [&](const Request&) {
        entered.open();
        release.wait();
        return Response::text(200, "held");
      },
      RouteOptions{.cheap = true, .on_error = {}});
  server.route("POST", "/echo",
               [](const Request& request) { return Response::text(200, "echo " + request.body); });
  start(server);
  const asio::ip::tcp::endpoint endpoint{asio::ip::make_address(kHost), server.port()};
  auto held = std::async(std::launch::async, [&] {
    HttpClient client(kHost, server.port());
    return client.get("/hold");
  });
  entered.wait();

  asio::io_context io;
  asio::ip::tcp::socket queued(io);
  queued.connect(endpoint);
  asio::write(queued, asio::buffer(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n"
                                               "Content-Length: 7\r\n\r\npayload")));
  server.stop();
  asio::ip::tcp::socket late(io);
  std::optional<boost::system::error_code> late_result;
  late.async_connect(endpoint, [&](boost::system::error_code ec) { late_result = ec; });
  io.run_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(late_result) << "a connection completed after the stop: " << late_result->message();
  release.open();

  std::string reply;
  boost::system::error_code ec;
  asio::read(queued, asio::dynamic_buffer(reply), ec);
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos) << reply;
  EXPECT_TRUE(reply.ends_with("\r\n\r\necho payload")) << reply;
  EXPECT_EQ(held.get()->status, 200);

  // The dropped SYN is sent again after a second and finds the port closed.
  io.restart();
  for (int i = 0; i < 50 && !late_result; ++i) io.run_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(late_result);
  EXPECT_EQ(*late_result, asio::error::connection_refused) << late_result->message();
  server.wait();
}

TEST(ServerTest, GracefulStopFinishesRequestsInFlight) {
  ServerOptions options = test_options();
  options.idle_timeout = std::chrono::seconds(300);
  options.shutdown_grace = std::chrono::seconds(300);
  Server server(options);
  Gate entered, release;
  server.route("POST", "/slow", [&](const Request& request) {
    entered.open();
    release.wait();
    return Response::text(200, "done " + request.body);
  });
  start(server);
  std::uint16_t port = server.port();

  HttpClient idle(kHost, port);  // a kept-alive connection with nothing in flight
  EXPECT_EQ(idle.get("/healthz")->status, 200);
  auto in_flight = std::async(std::launch::async, [&] {
    HttpClient client(kHost, port);
    return client.post("/slow", "payload");
  });
  entered.wait();
  server.stop();
  auto stopped = std::async(std::launch::async, [&] { server.wait(); });
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  release.open();

  HttpResponse response = *in_flight.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "done payload");
  EXPECT_EQ(response.header("Connection"), "close");
  // The idle connection was closed rather than waited for (the idle timeout is 300 s).
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  HttpClient late(kHost, port);
  auto refused = late.get("/healthz");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kIo);
}

TEST(ServerTest, MetricsCountRequestsAndLatencies) {
  Server server(test_options());
  server.route("POST", "/echo", echo());
  start(server);
  HttpClient client(kHost, server.port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.post("/echo", "x")->status, 200);
  EXPECT_EQ(client.get("/nowhere")->status, 404);
  EXPECT_EQ(client.get("/echo")->status, 405);
  EXPECT_EQ(client.request("BREW", "/nowhere", "")->status, 404);

  HttpResponse metrics = *client.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics.body;
  for (const char* line : {
           "# TYPE eseal_http_requests_total counter\n",
           "eseal_http_requests_total{route=\"/echo\",method=\"POST\",status=\"200\"} 3\n",
           "eseal_http_requests_total{route=\"/echo\",method=\"GET\",status=\"405\"} 1\n",
           "eseal_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n",
           "eseal_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1\n",
           "# TYPE eseal_http_request_duration_seconds histogram\n",
           "eseal_http_request_duration_seconds_bucket{route=\"/echo\",le=\"+Inf\"} 4\n",
           "eseal_http_request_duration_seconds_count{route=\"/echo\"} 4\n",
           "eseal_http_request_duration_seconds_sum{route=\"/echo\"} ",
           "eseal_http_requests_in_flight 1\n",  // the /metrics request itself
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("/nowhere"), std::string::npos);  // raw paths never become labels
  EXPECT_NE(
      client.get("/metrics")
          ->body.find(
              "eseal_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"} 1\n"),
      std::string::npos);
}

TEST(ServerTest, ReadyzRunsEveryCheck) {
  Server server(test_options());
  std::atomic<bool> store_up{true};
  server.add_readiness_check("keystore", [] { return ok_status(); });
  server.add_readiness_check("store", [&]() -> Status {
    if (store_up) return ok_status();
    return Error::io("database is locked");
  });
  start(server);
  HttpClient client(kHost, server.port());
  HttpResponse ready = *client.get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body,
            R"({"status":"ready","failed":[],"checks":{"keystore":"ok","store":"ok"}})");
  store_up = false;
  HttpResponse unready = *client.get("/readyz");
  EXPECT_EQ(unready.status, 503);
  EXPECT_EQ(unready.body, R"({"status":"unavailable","failed":["store"],)"
                          R"("checks":{"keystore":"ok","store":"database is locked"}})");
  EXPECT_EQ(client.get("/healthz")->status, 200);  // liveness does not depend on readiness
}

TEST(ServerTest, RequestIdFromTheClientIsKeptWhenPlain) {
  Server server(test_options());
  server.route("GET", "/id", [](const Request& r) { return Response::text(200, r.request_id); });
  start(server);
  HttpClient client(kHost, server.port());
  api::Headers given;
  given.add("X-Request-Id", "order-42.retry_1");
  HttpResponse kept = *client.get("/id", given);
  EXPECT_EQ(kept.header("X-Request-Id"), "order-42.retry_1");
  EXPECT_EQ(kept.body, "order-42.retry_1");
  api::Headers odd;
  odd.add("X-Request-Id", "has space\"quote");
  HttpResponse replaced = *client.get("/id", odd);
  EXPECT_EQ(replaced.header("X-Request-Id").size(), 32u);
  EXPECT_EQ(replaced.body, replaced.header("X-Request-Id"));
}

TEST(ServerTest, HandlerExceptionsBecome500) {
  Server server(test_options());
  server.route("GET", "/throws",
               [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
  start(server);
  HttpClient client(kHost, server.port());
  HttpResponse response = *client.get("/throws");
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find(R"("error":"internal_error")"), std::string::npos);
  EXPECT_EQ(response.body.find("secret detail"), std::string::npos);
  EXPECT_EQ(client.get("/healthz")->status, 200);
}

TEST(ServerTest, AccessLogHasOneLinePerRequestWithoutContent) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_pattern("%v");
  ServerOptions options = test_options();
  options.logger = logger;
  Server server(options);
  server.route("POST", "/sign", [](const Request&) {
    Response response = Response::json(200, R"({"ok":true})");
    response.log_fields = {{"app", "demo app"}, {"operation", "applySeal"}};
    return response;
  });
  start(server);
  {
    HttpClient client(kHost, server.port());
    api::Headers headers;
    headers.add("X-Request-Id", "req-1");
    headers.add("Authorization", "Bearer top-secret-token");
    EXPECT_EQ(client.post("/sign?key=query-secret", "document-content", headers)->status, 200);
    EXPECT_EQ(client.get("/unknown/path")->status, 404);
  }
  server.stop();
  server.wait();
  std::string text = log.str();
  EXPECT_NE(text.find("access request_id=req-1 remote=127.0.0.1:"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          R"( method=POST route=/sign app="demo app" operation=applySeal status=200 bytes=11 duration_ms=)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(" method=GET route=- path=/unknown/path status=404 "), std::string::npos)
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  for (const char* secret : {"document-content", "top-secret-token", "query-secret"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST(ServerTest, ServesHttpsWithTheConfiguredCertificate) {
  test::TempDir dir;
  test::CommandResult made = test::run_command(
      test::openssl_binary() +
      " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost"
      " -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ServerOptions options = test_options();
  options.tls_cert = dir / "cert.pem";
  options.tls_key = dir / "key.pem";
  Server server(options);
  server.route("POST", "/echo", echo());
  start(server);
  EXPECT_TRUE(server.tls());

  HttpClient client(kHost, server.port(), {.ca_file = dir / "cert.pem"});
  EXPECT_EQ(client.post("/echo", "over tls")->body, "over tls");
  EXPECT_EQ(client.get("/healthz")->status, 200);
  EXPECT_EQ(client.connections_opened(), 1);

  HttpClient plain(kHost, server.port());
  auto plain_answer = plain.get("/healthz");
  ASSERT_FALSE(plain_answer.ok());
  EXPECT_EQ(plain_answer.error().kind, ErrorKind::kIo);
  // A trust file that cannot be read is an error value too, at the first request.
  HttpClient untrusting(kHost, server.port(), {.ca_file = dir / "missing.pem"});
  auto no_trust = untrusting.get("/healthz");
  ASSERT_FALSE(no_trust.ok());
  EXPECT_NE(no_trust.error().message.find("missing.pem"), std::string::npos);
}

TEST(ServerTest, StartFailsOnBadTlsFilesAndBusyPorts) {
  ServerOptions options = test_options();
  options.tls_cert = "/nonexistent/cert.pem";
  options.tls_key = "/nonexistent/key.pem";
  Server bad_tls(options);
  Status status = bad_tls.start();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("/nonexistent/cert.pem"), std::string::npos);

  Server first(test_options());
  start(first);
  ServerOptions same_port = test_options();
  same_port.port = first.port();
  Server second(same_port);
  Status busy = second.start();
  ASSERT_FALSE(busy.ok());
  EXPECT_NE(busy.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos);
}

}  // namespace
}  // namespace eseal::api

namespace eseal::api {
namespace {

// The client's errors are values: nothing listening, and a server that closes the connection
// halfway through its answer.
TEST(HttpClientTest, ANetworkFailureIsAnErrorValue) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::uint16_t port = acceptor.local_endpoint().port();

  auto half_answer = std::async(std::launch::async, [&] {
    asio::ip::tcp::socket socket(io);
    acceptor.accept(socket);
    asio::streambuf request;
    asio::read_until(socket, request, "\r\n\r\n");
    std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
    asio::write(socket, asio::buffer(partial));
    socket.close();
  });
  HttpClient client("127.0.0.1", port);
  auto cut = client.get("/");
  half_answer.get();
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().kind, ErrorKind::kIo);
  EXPECT_NE(cut.error().message.find("GET /"), std::string::npos) << cut.error().message;

  acceptor.close();  // nothing listens on the port any more
  HttpClient nowhere("127.0.0.1", port);
  auto refused = nowhere.get("/");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kIo);
  EXPECT_NE(refused.error().message.find("connect to 127.0.0.1"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(nowhere.connect().ok());
}

// A header that arrives before its body (as Python's http.server writes them) is read whole:
// Boost 1.74's parser compares Content-Length with an unset body limit as larger than it.
TEST(HttpClientTest, AHeaderSentBeforeItsBodyIsReadWhole) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::uint16_t port = acceptor.local_endpoint().port();
  auto answer = std::async(std::launch::async, [&] {
    asio::ip::tcp::socket socket(io);
    acceptor.accept(socket);
    asio::streambuf request;
    asio::read_until(socket, request, "\r\n\r\n");
    socket.set_option(asio::ip::tcp::no_delay(true));
    asio::write(socket, asio::buffer(std::string("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n")));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    asio::write(socket, asio::buffer(std::string("ok")));
    socket.close();
  });
  HttpClient client("127.0.0.1", port);
  auto got = client.get("/");
  answer.get();
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->body, "ok");
}

}  // namespace
}  // namespace eseal::api
