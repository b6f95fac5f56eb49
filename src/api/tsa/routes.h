// The RFC 3161 door: POST /tsa with a DER TimeStampReq (Content-Type
// application/timestamp-query), answered with a DER TimeStampResp
// (application/timestamp-reply) — a token or a refusal with its failInfo, always HTTP 200.
#pragma once

#include "api/server.h"
#include "service/time_stamping.h"

namespace eseal::api::tsa {

inline constexpr std::string_view kQueryType = "application/timestamp-query";
inline constexpr std::string_view kReplyType = "application/timestamp-reply";

// `authority` must outlive the server. A body of another Content-Type is answered 415.
void add_routes(Server& server, service::TimeStampAuthority& authority);

}  // namespace eseal::api::tsa
