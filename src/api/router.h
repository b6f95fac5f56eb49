// Routes of the HTTP server: a (method, path) table. Paths are compared byte for byte, without
// percent-decoding or trailing-slash folding, so each route has one spelling. A path may hold
// parameters, whole segments written "{name}" ("/api/v1/seals/{id}/picture"), which match one
// non-empty segment each, handed over percent-decoded (a malformed escape, or one that decodes
// to '/', matches nothing); an exact path wins over a pattern, and a pattern with fewer parameters
// over one with more.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/message.h"

namespace eseal::api {

// A handler may take the request's body (std::move) when it would rather not copy a large one.
using Handler = std::function<Response(Request&)>;

// Builds the response for an error the server detects itself before or around a handler
// (400 malformed request, 413 body too large, 500 handler failure), so an adapter can answer in
// its family's error vocabulary. `request` carries what was read: at least method, path, headers.
using ErrorHandler =
    std::function<Response(const Request& request, int status, std::string_view message)>;

struct RouteOptions {
  // Cheap handlers (no I/O, microseconds) run inline on the network thread; all others run on the
  // worker pool so that slow requests never hold up cheap ones.
  bool cheap = false;
  ErrorHandler on_error = {};  // empty: the server's JSON error shape (json_error)
  // The largest body this route takes (0: the server's body_limit). Checked against
  // Content-Length before the body is read, so an oversized request costs no memory.
  std::uint64_t body_limit = 0;
};

struct Route {
  std::string method;
  std::string path;
  Handler handler;
  RouteOptions options;
};

class Router {
 public:
  // Adds a route, replacing an earlier one with the same method and path.
  void add(std::string method, std::string path, Handler handler, RouteOptions options);

  struct Match {
    const Route* route = nullptr;      // null: no route for this method and path
    std::string_view path;             // the routed path (the pattern) when known, as registered
    std::vector<std::string> allowed;  // when route is null: the methods the path has (405)
    std::vector<std::pair<std::string, std::string>> params;  // a pattern's segments, by name
  };
  Match find(std::string_view method, std::string_view path) const;
  // The largest body_limit any route has (0 when none has its own).
  std::uint64_t largest_body_limit() const;
  // Every route, ordered by path then method.
  std::vector<const Route*> routes() const;

 private:
  std::map<std::string, std::map<std::string, Route>, std::less<>> routes_;  // path -> method
  // The paths holding parameters, split into segments, fewest parameters first.
  struct Pattern {
    std::string path;
    std::vector<std::string> segments;
    int params = 0;
  };
  std::vector<Pattern> patterns_;
};

}  // namespace eseal::api
