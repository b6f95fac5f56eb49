// A load client for the DB4403 door: CONNECTIONS keep-alive connections send REQUESTS encrypted
// and signed requests for FUNCTION (each with its own reqId, since the door refuses a replay),
// then print requests per second and the p50 and p99 latencies. The requests are built before
// the clock starts, so the figures are the server's. With SERVER_PID it also prints how far the
// server's peak RSS rose over its RSS before the run, next to the documents one request carries.
// bench/sz_load.sh runs it against `eseal serve`.
//   sz_load SZ_TOML URL FUNCTION PDF [REQUESTS] [CONNECTIONS] [SERVER_PID]
// FUNCTION is genFileVerify (PDF, signed, verified) or genCalculateFileHash (a batch of 30 copies
// of PDF, each laid out with the organization's official seal on page 1).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <toml++/toml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/http_client.h"
#include "api/sz/envelope.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "must.h"

namespace {

using namespace eseal;
using bench::must;

constexpr int kBatchFiles = 30;  // the door's default [sz] batch_files

struct App {
  api::sz::Keys keys;
  std::string system_id, grant_code, organization_code;
};

App app_of(const std::string& path) {
  toml::table t = toml::parse_file(path);
  auto text = [&](const char* key) { return t[key].value_or(std::string()); };
  return {{text("app_key"), must(crypto::from_hex(text("sm4_key")), "sm4_key"),
           must(crypto::from_base64(text("mac_key")), "mac_key")},
          text("system_id"),
          text("grant_code"),
          text("organization_code")};
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// GENSIGN-01's content for the batch `n`. Its fileUniqueIds are unique across the run, as a real
// client's are: genDetachedFile later finds each held file by its id.
std::string batch_content(const App& app, std::string_view file, int n) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  put(w, "systemID", app.system_id);
  put(w, "grantCode", app.grant_code);
  put(w, "organizationCode", app.organization_code);
  put(w, "scene", "03");
  put(w, "sealType", "1");
  w.Key("sealDataList");
  w.StartArray();
  for (int i = 0; i < kBatchFiles; ++i) {
    std::string id = "load-" + std::to_string(n) + "-" + std::to_string(i);
    w.StartObject();
    put(w, "fileStr", file);
    put(w, "fileUniqueId", id);
    put(w, "title", id + ".pdf");
    put(w, "ruleType", "RECTANGLE");
    w.Key("rectangleRule");
    w.StartObject();
    put(w, "page", "1");
    put(w, "left", "380");
    put(w, "bottom", "80");
    put(w, "right", "520");
    put(w, "top", "220");
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string verify_content(const App& app, std::string_view file) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  put(w, "systemID", app.system_id);
  put(w, "fileName", "signed.pdf");
  put(w, "fileBase64", file);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// A size line of /proc/PID/status ("VmHWM:     123456 kB"), in MiB.
double status_mib(const std::string& pid, std::string_view field) {
  std::ifstream in("/proc/" + pid + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':')
      return std::stod(line.substr(field.size() + 1)) / 1024;
  }
  std::cerr << "no " << field << " in /proc/" << pid << "/status\n";
  std::exit(2);
}

constexpr double kMiB = 1 << 20;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: sz_load SZ_TOML URL FUNCTION PDF [REQUESTS] [CONNECTIONS] [SERVER_PID]\n";
    return 2;
  }
  App app = app_of(argv[1]);
  std::string function = argv[3];
  api::HttpUrl url = must(api::parse_http_url(std::string(argv[2]) + "/sz/v1/" + function), "URL");
  int requests = argc > 5 ? std::stoi(argv[5]) : 200;
  int connections = argc > 6 ? std::stoi(argv[6]) : 4;
  std::string server_pid = argc > 7 ? argv[7] : "";
  bool batch = function == "genCalculateFileHash";
  if (!batch && function != "genFileVerify") {
    std::cerr << "FUNCTION is genFileVerify or genCalculateFileHash\n";
    return 2;
  }

  Bytes pdf = must(read_file(argv[4]), argv[4]);
  std::string file = crypto::to_base64(pdf);
  std::vector<std::string> bodies;
  for (int i = 0; i < requests; ++i) {
    std::string req_id = crypto::to_hex(must(crypto::random_bytes(16), "random"));
    std::string content = batch ? batch_content(app, file, i) : verify_content(app, file);
    bodies.push_back(must(api::sz::build_request(app.keys, req_id, content), "request"));
  }
  double payload_mib = static_cast<double>(pdf.size()) * (batch ? kBatchFiles : 1) / kMiB;
  double body_mib = static_cast<double>(bodies.front().size()) / kMiB;

  double idle_mib = server_pid.empty() ? 0 : status_mib(server_pid, "VmRSS");
  std::vector<double> latencies(bodies.size());
  std::vector<std::string> failures(bodies.size());
  std::atomic<int> next{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      // A batch takes seconds when the connections share two cores; the default minute is
      // for interactive calls.
      api::HttpClientOptions options;
      options.timeout = std::chrono::minutes(10);
      api::HttpClient client(url.host, url.port, options);
      for (int i; (i = next++) < static_cast<int>(bodies.size());) {
        auto t0 = std::chrono::steady_clock::now();
        // Moved, not copied: copying a batch's 50 MiB body would be timed as the server's.
        auto r = client.post(url.target, std::move(bodies[i]));
        latencies[i] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        if (!r) {
          failures[i] = r.error().message;
          continue;
        }
        auto reply = api::sz::read_response(app.keys, r->body);
        if (!reply) {
          failures[i] = "HTTP " + std::to_string(r->status) + ": " + reply.error().message;
        } else if (reply->code != "T000000") {
          failures[i] = reply->code + " " + reply->msg;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int failed = 0;
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (failures[i].empty()) continue;
    ++failed;
    std::cerr << function << " request " << i << " failed: " << failures[i] << "\n";
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies[static_cast<std::size_t>(p * (latencies.size() - 1))];
  };
  std::printf(
      "%s: %d requests over %d connections in %.2f s: %.2f requests/s, p50 %.1f ms, "
      "p99 %.1f ms, %d failed\n",
      function.c_str(), requests, connections, seconds, requests / seconds, pct(0.5), pct(0.99),
      failed);
  if (!server_pid.empty()) {
    double rise = status_mib(server_pid, "VmHWM") - idle_mib;
    std::printf(
        "%s: payload %.1f MiB a request (request body %.1f MiB), server peak RSS +%.0f MiB over "
        "its idle RSS (%.0f MiB) = %.1f× the payload (goal < 3×)\n",
        function.c_str(), payload_mib, body_mib, rise, idle_mib, rise / payload_mib);
  }
  return failed == 0 ? 0 : 1;
}
