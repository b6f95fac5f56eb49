#include "api/router.h"

#include <algorithm>

#include "api/message.h"

namespace eseal::api {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string path, Handler handler, RouteOptions options) {
  auto [by_path, added] = routes_.try_emplace(path);
  if (added) {
    Pattern pattern{path, split_path(path)};
    pattern.params = static_cast<int>(std::count_if(
        pattern.segments.begin(), pattern.segments.end(), [](auto& s) { return is_param(s); }));
    if (pattern.params > 0) {
      patterns_.push_back(std::move(pattern));
      std::stable_sort(patterns_.begin(), patterns_.end(),
                       [](const Pattern& a, const Pattern& b) { return a.params < b.params; });
    }
  }
  by_path->second.insert_or_assign(
      method, Route{method, std::move(path), std::move(handler), std::move(options)});
}

Router::Match Router::find(std::string_view method, std::string_view path) const {
  Match match;
  auto by_path = routes_.find(path);
  if (by_path == routes_.end() && !patterns_.empty()) {
    std::vector<std::string> segments = split_path(path);
    for (const Pattern& pattern : patterns_) {
      if (pattern.segments.size() != segments.size()) continue;
      std::vector<std::pair<std::string, std::string>> params;
      bool fits = true;
      for (std::size_t i = 0; i < segments.size() && fits; ++i) {
        const std::string& wanted = pattern.segments[i];
        if (is_param(wanted)) {
          // Decoded; a malformed escape or one that hides a '/' does not fit.
          auto value = percent_decode(segments[i], false);
          fits = value && !value->empty() && value->find('/') == std::string::npos;
          if (fits) params.emplace_back(wanted.substr(1, wanted.size() - 2), std::move(*value));
        } else {
          fits = wanted == segments[i];
        }
      }
      if (fits) {
        by_path = routes_.find(pattern.path);
        match.params = std::move(params);
        break;
      }
    }
  }
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

std::vector<const Route*> Router::routes() const {
  std::vector<const Route*> all;
  for (const auto& [path, by_method] : routes_) {
    for (const auto& [method, route] : by_method) all.push_back(&route);
  }
  return all;
}

}  // namespace eseal::api
