// HTTP requests and responses as the server hands them to handlers: plain values with no Beast
// types, so protocol adapters (LD/T, DB4403, COSS, REST) depend on this header only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eseal::api {

// Header fields in arrival order. Lookups ignore ASCII case, as RFC 9110 §5.1 requires.
class Headers {
 public:
  // The first field named `name`, or nothing.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  // Appends a field, keeping earlier ones with the same name.
  void add(std::string name, std::string value);
  // Replaces every field named `name` with one field.
  void set(std::string name, std::string value);

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // path and query as sent, e.g. "/a/b?x=1"
  std::string path;    // the target before '?', not percent-decoded
  std::string query;   // the target after '?', without it; empty when absent
  // The route's path parameters ("{id}" segments), percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;
  Headers headers;
  std::string body;
  std::string remote;      // the peer, "address:port"
  bool tls = false;        // it came over this server's own TLS
  std::string request_id;  // echoed in X-Request-Id

  // The path parameter `name`; empty when the route has none of that name.
  std::string_view param(std::string_view name) const;
  // The first query parameter `name` ("a=1&b=x%20y"), '+' and %XX decoded; nothing when absent
  // or when its value has a malformed %-escape.
  std::optional<std::string> query_param(std::string_view name) const;
  // The cookie `name` of the Cookie header (RFC 6265 "a=b; c=d"); nothing when absent.
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;
  // Fields the access log line carries for this request, e.g. {"app", "…"}, {"operation", "…"}.
  // Handlers put identifiers here, never secrets or document content.
  std::map<std::string, std::string> log_fields;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body);
};

// {"error":"<code>","message":"<message>"} with the given status: the server's own error shape,
// which adapters may replace per route (RouteOptions::on_error).
Response json_error(int status, std::string_view code, std::string_view message);

// `text` with %XX escapes decoded (and '+' as a space when `plus_is_space`, as in a query);
// nothing for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Where the client reached this server, "scheme://host": the Host header, and the scheme a proxy
// that terminates TLS says in X-Forwarded-Proto (else https over this server's own TLS, http
// otherwise). For addresses handed back to be opened later (QR codes) when no public URL is
// configured.
std::string request_origin(const Request& request);

// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace eseal::api
