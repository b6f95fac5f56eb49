#include "api/tsa/remote.h"

#include "api/tsa/routes.h"
#include "tsa/request.h"

namespace eseal::api::tsa {

Result<std::unique_ptr<RemoteTimeStampAuthority>> RemoteTimeStampAuthority::make(
    const std::string& url, std::chrono::seconds timeout) {
  auto where = parse_http_url(url, "/");
  if (!where) return where.error().with_context("time-stamp authority URL");
  return std::unique_ptr<RemoteTimeStampAuthority>(
      new RemoteTimeStampAuthority(url, std::move(*where), timeout));
}

Bytes RemoteTimeStampAuthority::respond(ByteView request, const std::string&, Time) {
  auto failure = [this](const std::string& why) {
    return eseal::tsa::rejection_response(eseal::tsa::FailInfo::kSystemFailure,
                                          "time-stamp authority " + url_ + ": " + why);
  };
  HttpClientOptions options;
  options.timeout = timeout_;
  HttpClient client(where_.host, where_.port, options);
  Headers headers;
  headers.set("Content-Type", std::string(kQueryType));
  auto response = client.post(where_.target, to_string(request), headers);
  if (!response) return failure(response.error().message);
  if (response->status != 200) return failure("HTTP " + std::to_string(response->status));
  Bytes body = to_bytes(response->body);
  if (!eseal::tsa::parse_response(body)) return failure("the answer is not a TimeStampResp");
  return body;
}

}  // namespace eseal::api::tsa
