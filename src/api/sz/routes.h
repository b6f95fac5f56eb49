// The DB4403/T 383.4 door on the HTTP server.
#pragma once

#include "api/server.h"
#include "api/sz/operations.h"

namespace eseal::api::sz {

// POST /sz/v1/{function} for each function of table 1, answered by `adapter` (which must outlive
// the server). The server's own refusals on these routes (a body over the limit) are answered
// in the door's envelope too.
void add_routes(Server& server, Adapter& adapter);

}  // namespace eseal::api::sz
