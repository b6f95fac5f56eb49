// The COSS door's business side on the HTTP server: POST /coss/service/v1/{operation}, each
// request authenticated as the manual says (api/coss/envelope.h) and answered with the chapter-4
// codes, always HTTP 200 with the {status, message, transId, data} envelope (the server's own
// errors on these routes — a body over the limit — too). Operations so far: addUser,
// queryUserInfo, updateUser, getAuthCode, getAuthCodeWithIdenVerify.
#pragma once

#include <chrono>

#include "api/server.h"
#include "service/coss_users.h"
#include "service/platform.h"

namespace eseal::api::coss {

struct Options {
  // How long a (transId, signature) pair is remembered: the same pair again within it is a replay.
  std::chrono::seconds replay_window{300};
};

class Adapter {
 public:
  // Everything passed must outlive the adapter.
  Adapter(service::Credentials& credentials, service::CossUsers& users, Options options = {})
      : credentials_(credentials), users_(users), options_(options) {}

  // The response body for `body` sent to `operation` at `now`. `public_url` is where phones
  // reach this server ("https://host:port"), for the QR payloads.
  std::string handle(std::string_view operation, std::string_view body, Time now,
                     std::string_view public_url);

  // One authenticated request, as the operations below see it.
  struct Call;
  using Operation = std::string (Adapter::*)(const Call&);
  // The operations, by the manual's names.
  static const std::vector<std::pair<std::string_view, Operation>>& table();

 private:
  std::string add_user(const Call& call);
  std::string query_user_info(const Call& call);
  std::string update_user(const Call& call);
  std::string get_auth_code(const Call& call);
  std::string get_auth_code_verified(const Call& call);
  std::string issue_auth_code(const Call& call, bool verify);

  service::Credentials& credentials_;
  service::CossUsers& users_;
  Options options_;
};

void add_routes(Server& server, Adapter& adapter);

}  // namespace eseal::api::coss
