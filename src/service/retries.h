// Idempotent retries for the doors whose nonce names one request (DB4403's reqId, COSS's
// transId with its signature). Such a call remembers its nonce at its end, in the commit of its
// audit row, with the door's digest of the request and, when small, the answer it got
// (KeptRequest). A request that arrives under a remembered nonce is then:
//   - a retry when its digest is the one kept: answered with the kept answer, so that nothing is
//     done twice; when the answer was too large to keep, done again if the door says the call is
//     safe to redo (it only reads, or its writes are idempotent by themselves), refused if not;
//   - a replay otherwise: refused.
// A call that died before its end (its node killed) remembered nothing: its retry is done anew.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"

namespace eseal::service {

// Answers up to this size are kept with their nonce, as long as the nonce is (the door's replay
// window, a year for DB4403 by default); larger ones (documents, seal pictures) are not, and the
// doors' calls that answer them only read or are idempotent by themselves.
inline constexpr std::size_t kKeptAnswerLimit = std::size_t{64} << 10;

enum class Seen {
  kNew,     // not seen: do the call
  kRetry,   // the same request, answered before: answer with Recalled::answer
  kRedo,    // the same request, its answer not kept and the call safe to redo: do it again
  kReplay,  // another request under the nonce, or a retry that cannot be answered: refuse
};

struct Recalled {
  Seen seen = Seen::kNew;
  std::string answer;  // kRetry: the answer kept
};

// What the caller's `nonce` says of a request whose digest is `digest`.
Result<Recalled> recall(Credentials& credentials, const Caller& caller, const std::string& nonce,
                        const std::string& digest, Time now, bool redo_safe);

// What a call remembers with its nonce: `digest`, and `answer` when at most kKeptAnswerLimit
// bytes (a larger one is not copied).
KeptRequest kept_request(std::string digest, std::string_view answer);

}  // namespace eseal::service
