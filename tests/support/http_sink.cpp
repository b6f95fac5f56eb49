// A business system's callback receiver for the CLI tests: listens on a free loopback port,
// writes "port N" and then "attempt N" for every POST to stdout, and appends the body of every
// POST it accepts to FILE, one per line. The first FAIL requests are answered 500 (the receiver
// is down), the rest 200 with the manual's answer.
// Runs until SIGTERM.  Usage: http_sink FILE FAIL
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

#include "api/server.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: http_sink FILE FAIL\n";
    return 2;
  }
  std::string file = argv[1];
  int fail = std::stoi(argv[2]);
  std::mutex mutex;
  int seen = 0;
  eseal::api::ServerOptions options;
  options.port = 0;
  eseal::api::Server server(options);
  server.route("POST", "/cb", [&](const eseal::api::Request& request) {
    std::lock_guard lock(mutex);
    std::cout << "attempt " << seen + 1 << std::endl;
    if (seen++ < fail) return eseal::api::Response::json(500, R"({"status":500})");
    std::ofstream(file, std::ios::app) << request.body << "\n";
    return eseal::api::Response::json(200, R"({"status":200,"message":"SUCCESS"})");
  });
  server.stop_on_signals();
  if (!server.start()) return 1;
  std::cout << "port " << server.port() << std::endl;
  server.wait();
  return 0;
}
