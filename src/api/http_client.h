// A small blocking HTTP/1.1 client, for `eseal call` and the API tests: one connection kept alive
// across requests (reopened when the server closed it), plain or TLS, with a timeout on every
// exchange.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "api/message.h"
#include "base/result.h"

namespace eseal::api {

struct HttpResponse {
  int status = 0;
  std::string body;
  Headers headers;

  // The header's value, or "" when absent.
  std::string header(std::string_view name) const;
};

struct HttpClientOptions {
  // Non-empty: speak TLS and trust only this PEM certificate (the test server's own).
  std::filesystem::path ca_file;
  std::chrono::seconds timeout{60};  // per request: connect, write and read
};

// "http://host[:port][/path]": where a client connects and what it asks for.
struct HttpUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string target;  // the path, `default_target` when the URL has none
};
// kInvalidInput for another scheme, no host, or a port outside 1..65535.
Result<HttpUrl> parse_http_url(std::string_view url, std::string_view default_target = "/");

// Errors are values: a server that cannot be reached, a TLS failure, a timeout or a connection
// closed before a whole response arrived are kIo, naming the step that failed.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> get(const std::string& target, const Headers& headers = {});
  Result<HttpResponse> post(const std::string& target, std::string body,
                            const Headers& headers = {});
  Result<HttpResponse> request(const std::string& method, const std::string& target,
                               std::string body, const Headers& headers = {});

  // Opens the connection now (requests open it on demand).
  Status connect();
  void close();
  bool connected() const;
  // How many connections this client has opened, to tell keep-alive from reconnects.
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// POSTs a JSON `body` to `url` (http://) on a connection of its own; the status that came back.
Result<int> post_json(std::string_view url, std::string body, std::chrono::seconds timeout);

}  // namespace eseal::api
