// A load client for the LD/T 01.4 door: CONNECTIONS keep-alive connections send REQUESTS signed
// requests for OPERATION (each with its own random, so none is a replay), then print requests per
// second and the p50 and p99 latencies. The requests are built before the clock starts, so the
// figures are the server's. bench/ldt_load.sh runs it against `eseal serve`.
//   ldt_load APP_TOML URL OPERATION CONTENT_JSON [DOCUMENT] [REQUESTS] [CONNECTIONS]
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "api/http_client.h"
#include "api/ldt/envelope.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "ldt_app.h"

using namespace eseal;
using bench::credentials;
using bench::must;

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: ldt_load APP_TOML URL OPERATION CONTENT_JSON [DOCUMENT] [REQUESTS] "
                 "[CONNECTIONS]\n";
    return 2;
  }
  auto creds = credentials(argv[1]);
  std::string url = argv[2], operation = argv[3];
  std::string rest = url.substr(url.find("//") + 2);
  std::string host = rest.substr(0, rest.find(':'));
  auto port = static_cast<std::uint16_t>(std::stoi(rest.substr(rest.find(':') + 1)));
  std::string target = rest.substr(rest.find('/'));
  int requests = argc > 6 ? std::stoi(argv[6]) : 200;
  int connections = argc > 7 ? std::stoi(argv[7]) : 4;

  rapidjson::Document content;
  std::string text = to_string(must(read_file(argv[4]), argv[4]));
  content.Parse(text.c_str());
  if (argc > 5 && std::string(argv[5]) != "-") {
    std::string data = crypto::to_base64(must(read_file(argv[5]), argv[5]));
    content.AddMember("data", rapidjson::Value(data.c_str(), content.GetAllocator()),
                      content.GetAllocator());
  }
  std::vector<std::string> bodies;
  for (int i = 0; i < requests; ++i) {
    std::string random = crypto::to_hex(must(crypto::random_bytes(16), "random"));
    bodies.push_back(
        must(api::ldt::build_request(creds, operation, content, now_utc(), random), "request"));
  }

  std::vector<double> latencies(bodies.size());
  std::atomic<int> next{0}, failures{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      api::HttpClient client(host, port);
      for (int i; (i = next++) < static_cast<int>(bodies.size());) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = client.post(target, bodies[i]);
        latencies[i] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        if (!r || r->status != 200 || r->body.find("\"errorCode\":\"1\"") == std::string::npos)
          ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies[static_cast<std::size_t>(p * (latencies.size() - 1))];
  };
  std::printf(
      "%s: %d requests over %d connections in %.2f s: %.1f requests/s, p50 %.1f ms, "
      "p99 %.1f ms, %d failed\n",
      operation.c_str(), requests, connections, seconds, requests / seconds, pct(0.5), pct(0.99),
      failures.load());
  return failures.load() == 0 ? 0 : 1;
}
