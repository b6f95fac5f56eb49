// The native REST API (/api/v1/…): the web console's door and the integration surface for
// systems that speak none of the three families. Resources over the same services the families
// use — seals, documents and their signing, verification, apps, the audit log — plus the
// console's own accounts and sessions (service/console.h).
//
// Conventions: JSON in and out (application/json; a JSON body must say so, which a cross-site
// form cannot), documents as raw bodies; errors as {"error": code, "message": text} with the
// HTTP status that fits (400 invalid_input, 401 unauthenticated, 403 forbidden or csrf,
// 404 not_found, 409 conflict, 423 account_locked); times in UTC, RFC 3339. A signed-in person
// carries the session cookie (HttpOnly, SameSite=Strict) and echoes the session's CSRF token in
// X-CSRF-Token on every request that changes something. Each route names the permission it needs
// (service::role_allows); the public ones — signing in, verifying a document, looking up a
// seal's status, this API's OpenAPI document — need none. The OpenAPI 3.1 document
// (src/api/rest/openapi.json, served at /api/v1/openapi.json) describes every route.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/config.h"
#include "api/server.h"
#include "render/ofd_render.h"
#include "service/console.h"
#include "service/coss_users.h"
#include "service/device_keys.h"
#include "service/filing.h"
#include "service/platform.h"
#include "service/sign_jobs.h"
#include "service/signing.h"
#include "store/store.h"

namespace eseal::api::rest {

struct Options {
  service::SigningSettings signing;
  std::uint64_t max_document_bytes = std::uint64_t{64} << 20;  // an uploaded document
  JsonLimits json;  // nesting and values of a JSON body ([limits] json_depth, json_values)
  // Pages and seal pictures drawn ([limits] picture_mpixels, render_mpixels).
  render::RenderOptions render;
  // The session cookie only over HTTPS: the server has TLS (a request that came through a
  // TLS-terminating proxy, X-Forwarded-Proto https, gets it so too).
  bool secure_cookies = false;
  // Where people reach the public verification page ("https://seal.example.org"), for the
  // verification codes printed on documents; empty: as the request reached the server.
  std::string public_url;
};

// What the door works with; everything must outlive the routes.
struct Services {
  service::Platform platform;
  service::Console& console;
  store::Store& store;        // reads for the lists and the audit chain
  service::SignJobs& jobs;    // COSS sign jobs, revoked by staff
  service::CossUsers& users;  // COSS users, frozen and thawed by staff
  // Filing our seals with the upstream platform; null when [filing] names none.
  service::filing::FilingRun* filing = nullptr;
  // The crypto device holding seal keys ([keys] provider = "sdf"); null when there is none.
  service::DeviceKeys* device_keys = nullptr;
};

// One route of the API, as documented: method, path (with {name} parameters) and the permission
// it needs ("" public; "session": any signed-in account).
struct RouteInfo {
  std::string method, path, permission;
};

class Adapter {
 public:
  Adapter(Services services, Options options);
  ~Adapter();
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  // Adds every route to `server` (which must not outlive the adapter); returns them, in the
  // order added.
  std::vector<RouteInfo> add_routes(Server& server);

 private:
  class Api;
  std::unique_ptr<Api> api_;
};

// [console] of the configuration as the console service takes it.
service::ConsoleSettings console_settings(const Config& config);

// The OpenAPI 3.1 document, as checked in.
std::string_view openapi_document();

inline constexpr const char* kSessionCookie = "eseal_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

}  // namespace eseal::api::rest
