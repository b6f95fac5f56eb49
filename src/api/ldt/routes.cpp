#include "api/ldt/routes.h"

#include "api/ldt/envelope.h"

namespace eseal::api::ldt {

void add_routes(api::Server& server, Adapter& adapter) {
  api::RouteOptions options;
  options.body_limit = body_limit(adapter.options());
  options.on_error = [](const api::Request&, int status, std::string_view message) {
    std::string info = status == 413 ? "报文超过大小限制" : "请求无法处理：" + std::string(message);
    return api::Response::json(status, response("", "", false, info));
  };
  server.route(
      "POST", "/seal/v1/electricSeal",
      [&adapter](api::Request& request) {
        Outcome out =
            adapter.handle(std::move(request.body), now_utc(), api::request_origin(request));
        api::Response response = api::Response::json(200, std::move(out.body));
        response.log_fields = {
            {"app", out.app}, {"operation", out.operation}, {"errorCode", out.success ? "1" : "0"}};
        if (!out.biznum.empty()) response.log_fields["biznum"] = out.biznum;
        return response;
      },
      options);
}

}  // namespace eseal::api::ldt
