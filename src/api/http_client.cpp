#include "api/http_client.h"

#include <boost/asio/connect.hpp>
#include <charconv>
#include <limits>
#include <optional>

#include "api/beast.h"

namespace eseal::api {
namespace {

using namespace net;  // asio, beast, http, ssl, tcp (api/beast.h)

Error failure(const std::string& what, const beast::error_code& ec) {
  return Error::io("http client: " + what + ": " + ec.message());
}

// How much one read may take of a response's body.
constexpr std::size_t kReadSize = 256 * 1024;

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url, std::string_view default_target) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return Error::invalid_input("\"" + std::string(url) + "\" does not start with http://");
  }
  std::string_view rest = url.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.target = slash == std::string_view::npos ? std::string(default_target)
                                               : std::string(rest.substr(slash));
  std::size_t colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  if (out.host.empty()) return Error::invalid_input("no host in " + std::string(url));
  if (colon != std::string_view::npos) {
    std::string_view digits = authority.substr(colon + 1);
    int port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port <= 0 || port > 65535) {
      return Error::invalid_input("bad port in " + std::string(url));
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

std::string HttpResponse::header(std::string_view name) const {
  return std::string(headers.get(name).value_or(""));
}

struct HttpClient::Impl {
  std::string host;
  std::string port;
  HttpClientOptions options;
  std::optional<Error> setup_error;  // the TLS trust file could not be loaded
  asio::io_context ioc;
  std::optional<ssl::context> tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  int opened = 0;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool is_open() const { return plain || secure; }

  // Runs the context until the operation just started completes.
  void run() {
    ioc.restart();
    ioc.run();
  }

  Status connect() {
    if (setup_error) return *setup_error;
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return failure("resolve " + host, ec);
    beast::tcp_stream stream(ioc);
    stream.expires_after(options.timeout);
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) return failure("connect to " + host + ":" + port, ec);
    buffer.clear();
    // Beast reads at most the buffer's free capacity at a time: room for large reads, or a
    // signed document comes back a kilobyte per system call.
    buffer.reserve(kReadSize);
    ++opened;
    if (!tls_context) {
      plain.emplace(std::move(stream));
      return ok_status();
    }
    secure.emplace(std::move(stream), *tls_context);
    if (!SSL_set_tlsext_host_name(secure->native_handle(), host.c_str())) {
      close();
      return failure("SNI", beast::error_code(static_cast<int>(::ERR_get_error()),
                                              asio::error::get_ssl_category()));
    }
    secure->set_verify_callback(ssl::host_name_verification(host));
    beast::get_lowest_layer(*secure).expires_after(options.timeout);
    secure->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    run();
    if (ec) {
      close();
      return failure("TLS handshake", ec);
    }
    return ok_status();
  }

  void close() {
    beast::error_code ignored;
    if (is_open()) lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    plain.reset();
    secure.reset();
  }

  template <class Stream>
  beast::error_code exchange(Stream& stream, http::request<http::string_body>& request,
                             http::response_parser<http::string_body>& parser) {
    beast::error_code ec;
    lowest().expires_after(options.timeout);
    http::async_write(stream, request, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) return ec;
    lowest().expires_after(options.timeout);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  beast::error_code exchange(http::request<http::string_body>& request,
                             http::response_parser<http::string_body>& parser) {
    return secure ? exchange(*secure, request, parser) : exchange(*plain, request, parser);
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, HttpClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = std::to_string(port);
  impl_->options = std::move(options);
  if (!impl_->options.ca_file.empty()) {
    impl_->tls_context.emplace(ssl::context::tls_client);
    beast::error_code ec;
    impl_->tls_context->load_verify_file(impl_->options.ca_file.string(), ec);
    if (ec) impl_->setup_error = failure("trust file " + impl_->options.ca_file.string(), ec);
    impl_->tls_context->set_verify_mode(ssl::verify_peer);
  }
}

HttpClient::~HttpClient() {
  impl_->close();
}

Result<HttpResponse> HttpClient::get(const std::string& target, const Headers& headers) {
  return request("GET", target, {}, headers);
}

Result<HttpResponse> HttpClient::post(const std::string& target, std::string body,
                                      const Headers& headers) {
  return request("POST", target, std::move(body), headers);
}

Result<HttpResponse> HttpClient::request(const std::string& method, const std::string& target,
                                         std::string body, const Headers& headers) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  // RFC 9110 §7.2: the port too unless it is the scheme's default.
  bool tls = impl_->tls_context.has_value();
  bool default_port = impl_->port == (tls ? "443" : "80");
  std::string host =
      impl_->host.find(':') != std::string::npos ? "[" + impl_->host + "]" : impl_->host;
  request.set(http::field::host, default_port ? host : host + ":" + impl_->port);
  for (const auto& [name, value] : headers.fields()) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();

  // A kept-alive connection the server has since closed fails at once; that one is retried.
  bool reused = impl_->is_open();
  for (int attempt = 0;; ++attempt) {
    if (!impl_->is_open()) {
      if (auto s = impl_->connect(); !s) return s.error();
    }
    http::response_parser<http::string_body> parser;
    // No limit, spelled as the largest one: Boost 1.74 takes an unset limit (boost::none) as
    // smaller than any Content-Length whose header arrives before the body.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec = impl_->exchange(request, parser);
    if (ec) {
      impl_->close();
      bool stale = reused && attempt == 0 &&
                   (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                    ec == asio::error::broken_pipe);
      if (stale) continue;
      return failure(method + " " + target, ec);
    }
    auto response = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      out.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(response.body());
    if (!response.keep_alive()) impl_->close();
    return out;
  }
}

Status HttpClient::connect() {
  return impl_->is_open() ? ok_status() : impl_->connect();
}

void HttpClient::close() {
  impl_->close();
}

bool HttpClient::connected() const {
  return impl_->is_open();
}

int HttpClient::connections_opened() const {
  return impl_->opened;
}

Result<int> post_json(std::string_view url, std::string body, std::chrono::seconds timeout) {
  auto where = parse_http_url(url);
  if (!where) return where.error();
  HttpClient client(where->host, where->port, {.ca_file = {}, .timeout = timeout});
  Headers headers;
  headers.set("Content-Type", "application/json");
  auto response = client.post(where->target, std::move(body), headers);
  if (!response) return response.error();
  return response->status;
}

}  // namespace eseal::api
