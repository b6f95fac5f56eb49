// The LD/T 01.4 door on the HTTP server.
#pragma once

#include "api/ldt/operations.h"
#include "api/server.h"

namespace eseal::api::ldt {

// POST /seal/v1/electricSeal: LD/T 01.4 centralized signing, answered by `adapter` (which must
// outlive the server). The server's own errors on this route (a body over the limit, a
// malformed request) are answered in LD/T terms too.
void add_routes(Server& server, Adapter& adapter);

}  // namespace eseal::api::ldt
