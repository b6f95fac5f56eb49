#include "api/tsa/routes.h"

namespace eseal::api::tsa {
namespace {

// Requests are a few hundred bytes; anything much larger is not one.
constexpr std::size_t kBodyLimit = 64 * 1024;

Response text(int status, const std::string& message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = message + "\n";
  return r;
}

Response reply(Bytes der) {
  Response r;
  r.status = 200;
  r.content_type = std::string(kReplyType);
  r.body = to_string(der);
  return r;
}

}  // namespace

void add_routes(Server& server, service::TimeStampAuthority& authority) {
  RouteOptions options;
  options.body_limit = kBodyLimit;
  options.on_error = [](const Request&, int status, std::string_view message) {
    return text(status, std::string(message));
  };
  server.route(
      "POST", "/tsa",
      [&authority](const Request& request) {
        std::string type(request.headers.get("Content-Type").value_or(""));
        if (type.substr(0, type.find(';')) != kQueryType) {
          return text(415, "POST a DER TimeStampReq as " + std::string(kQueryType));
        }
        Response r =
            reply(authority.respond(as_bytes(request.body), "http:" + request.remote, now_utc()));
        r.log_fields = {{"operation", "tsa"}};
        return r;
      },
      options);
}

}  // namespace eseal::api::tsa
