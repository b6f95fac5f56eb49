#include "api/metrics.h"

#include <fmt/format.h>

namespace eseal::api {
namespace {

std::string label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void HttpMetrics::request_finished(std::string_view route, std::string_view method, int status,
                                   double seconds) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(requests_mutex_);
    auto key = std::make_tuple(std::string(route), std::string(method), status);
    ++requests_[std::move(key)];
  }
  std::lock_guard lock(durations_mutex_);
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  Histogram& histogram = it->second;
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) ++histogram.buckets[bucket];
  ++histogram.count;
  histogram.sum += seconds;
}

std::string HttpMetrics::render() const {
  std::string out;
  out +=
      "# HELP eseal_http_requests_total HTTP requests answered, by route, method and status.\n"
      "# TYPE eseal_http_requests_total counter\n";
  {
    std::lock_guard lock(requests_mutex_);
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out +=
          fmt::format("eseal_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                      label_value(route), label_value(method), status, count);
    }
  }
  out +=
      "# HELP eseal_http_request_duration_seconds Time from a request's header to its response "
      "written.\n"
      "# TYPE eseal_http_request_duration_seconds histogram\n";
  {
    std::lock_guard lock(durations_mutex_);
    for (const auto& [route, histogram] : durations_) {
      std::string label = label_value(route);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.buckets[i];
        out +=
            fmt::format("eseal_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                        label, kBuckets[i], cumulative);
      }
      out += fmt::format(
          "eseal_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
          "eseal_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
          "eseal_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
          label, histogram.count, label, histogram.sum, label, histogram.count);
    }
  }
  out += fmt::format(
      "# HELP eseal_http_requests_in_flight Requests being read, handled or answered.\n"
      "# TYPE eseal_http_requests_in_flight gauge\n"
      "eseal_http_requests_in_flight {}\n"
      "# HELP eseal_http_connections_open Connections open ([server] connections at most).\n"
      "# TYPE eseal_http_connections_open gauge\n"
      "eseal_http_connections_open {}\n"
      "# HELP eseal_http_accept_paused_total Times the server stopped accepting at its limit of "
      "open connections.\n"
      "# TYPE eseal_http_accept_paused_total counter\n"
      "eseal_http_accept_paused_total {}\n",
      in_flight_.load(std::memory_order_relaxed), connections_.load(std::memory_order_relaxed),
      paused_.load(std::memory_order_relaxed));
  return out;
}

}  // namespace eseal::api
