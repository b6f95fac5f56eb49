#include "api/sz/routes.h"

#include "api/sz/codes.h"
#include "api/sz/envelope.h"

namespace eseal::api::sz {

void add_routes(Server& server, Adapter& adapter) {
  RouteOptions options;
  options.body_limit = body_limit(adapter.options());
  // The server's own refusals: a body over the limit, a request it could not read, a handler
  // that failed. The HTTP parser's words are not the caller's business.
  options.on_error = [](const api::Request&, int status, std::string_view) {
    std::string_view c = status == 413   ? code::kTooLarge
                         : status >= 500 ? code::kServer
                                         : code::kBadJson;
    return Response::json(200, response("", c, message(c), {}));
  };
  for (const std::string& function : function_names()) {
    server.route(
        "POST", "/sz/v1/" + function,
        [&adapter, function](api::Request& request) {
          Outcome out = adapter.handle(function, std::move(request.body), now_utc(),
                                       api::request_origin(request));
          Response response = Response::json(200, std::move(out.body));
          response.log_fields = {{"app", out.app}, {"function", function}, {"code", out.code}};
          return response;
        },
        options);
  }
}

}  // namespace eseal::api::sz
