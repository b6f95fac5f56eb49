// An external time-stamp authority over RFC 3161's HTTP transport, for deployments that must use
// a licensed TSA: the same service::TimeStampAuthority as the built-in one, so signing does not
// know which answers.
#pragma once

#include <chrono>
#include <string>

#include "api/http_client.h"
#include "service/time_stamping.h"

namespace eseal::api::tsa {

class RemoteTimeStampAuthority final : public service::TimeStampAuthority {
 public:
  // `url` is http://host[:port]/path; kInvalidInput when it is not.
  static Result<std::unique_ptr<RemoteTimeStampAuthority>> make(const std::string& url,
                                                                std::chrono::seconds timeout);
  // The authority's reply as it came; when it cannot be reached or does not answer a
  // TimeStampResp, a systemFailure rejection naming the URL and what went wrong.
  Bytes respond(ByteView request, const std::string& requester, Time now) override;

 private:
  RemoteTimeStampAuthority(std::string url, HttpUrl where, std::chrono::seconds timeout)
      : url_(std::move(url)), where_(std::move(where)), timeout_(timeout) {}
  std::string url_;
  HttpUrl where_;
  std::chrono::seconds timeout_;
};

}  // namespace eseal::api::tsa
