#include "api/router.h"

#include <algorithm>

namespace eseal::api {

void Router::add(std::string method, std::string path, Handler handler, RouteOptions options) {
  auto& by_method = routes_[path];
  by_method.insert_or_assign(
      method, Route{method, std::move(path), std::move(handler), std::move(options)});
}

Router::Match Router::find(std::string_view method, std::string_view path) const {
  Match match;
  auto by_path = routes_.find(path);
  if (by_path == routes_.end()) return match;
  match.path = by_path->first;
  for (const auto& [route_method, route] : by_path->second) {
    if (route_method == method) {
      match.route = &route;
      return match;
    }
    match.allowed.push_back(route_method);
  }
  return match;
}

std::uint64_t Router::largest_body_limit() const {
  std::uint64_t largest = 0;
  for (const auto& [path, by_method] : routes_) {
    for (const auto& [method, route] : by_method) {
      largest = std::max(largest, route.options.body_limit);
    }
  }
  return largest;
}

}  // namespace eseal::api
