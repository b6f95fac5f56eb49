// Request metrics in the Prometheus text exposition format (version 0.0.4): a request counter
// by route, method and status, a latency histogram per route, and the requests in flight.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace eseal::api {

// Thread-safe: any thread may record while another renders. Each family has its own lock,
// held only to bump a few integers.
class HttpMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 14> kBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,     2.5,  5,     10,   30,  60};

  void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  // The server stopped accepting at its limit of open connections.
  void accepting_paused() { paused_.fetch_add(1, std::memory_order_relaxed); }
  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  // A started request that ended without a response (the client went away).
  void request_abandoned() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  // `route` is the matched route's path (or a fixed placeholder), never a raw client path, so the
  // number of series stays bounded.
  void request_finished(std::string_view route, std::string_view method, int status,
                        double seconds);

  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };

  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::uint64_t> paused_{0};
  mutable std::mutex requests_mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t, std::less<>> requests_;
  mutable std::mutex durations_mutex_;
  std::map<std::string, Histogram, std::less<>> durations_;
};

}  // namespace eseal::api
