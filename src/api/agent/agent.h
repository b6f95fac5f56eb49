// eseal's local agent (`eseal agent`): the HRSS functions of LD/T 01.4 §5.3.2 (hrss/hrss.h) for
// the page of a business system, over HTTP on the loopback address, in place of the browser
// plugins the text was written for. Its parts:
//
// - Pages. A page on an allowed origin pairs once (POST /pair, then GET /pair/{id} until the
//   person has decided in the viewer) and calls each function as POST /hrss/{function} with
//   {"args": [...]} and `Authorization: Bearer <token>`, answered {"result": ...} and, when the
//   function failed, "error": {"number", "message"} (HRSGetLastError's). Other origins are refused
//   before anything runs (403), calls without the origin's token too (401), and a Host header
//   other than the loopback address's is refused as DNS rebinding (403).
// - The viewer, the agent's own page at /viewer/ (web/agent), opened with a key the agent prints:
//   it shows the document, asks the person to allow pairings, and answers what a function needs of
//   the person — the USB key's PIN (never taken from a page), where to put the seal, a file to open
//   or a name to save under, printing, settings — while the function waits (api/agent/prompts.h).
// - What a page may not do through the agent: name a library or trust roots (the agent's options
//   do), name local files outside the folder it was given (none by default), or fetch or post to
//   an origin that is not allowed. Such calls fail with HRSS_E_ARGUMENT and say why.
//
// The HRSS library has one process-wide session and host: one Agent per process.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/server.h"
#include "base/result.h"

namespace spdlog {
class logger;
}

namespace eseal::api::agent {

struct AgentOptions {
  std::vector<std::string> origins;  // pages that may ask to pair, "https://oa.example.gov.cn"
  std::filesystem::path state_file;  // the pairings (api/agent/pairing.h)
  std::filesystem::path viewer_dir;  // the built viewer (web/agent)
  std::filesystem::path files_dir;   // local files pages may name; empty: none
  std::filesystem::path save_dir;    // where the viewer's "save as" writes
  std::string skf_library;           // the USB key's SKF library; empty: the default
  std::string device;                // the key; empty: the first present
  std::filesystem::path roots;       // trusted roots (PEM) for verification; empty: not judged
  std::chrono::seconds prompt_timeout{300};   // a question to the person, then cancelled
  std::chrono::seconds pairing_timeout{300};  // a pairing request, then expired
  std::shared_ptr<spdlog::logger> logger;     // pairings and refusals; null: nothing logged
};

class Agent {
 public:
  // Reads the pairings, sets the HRSS library's key, trust and host. kInvalidInput for an origin
  // that is not scheme://host[:port], a damaged state file or unreadable roots.
  static Result<std::unique_ptr<Agent>> create(AgentOptions options);
  ~Agent();  // cancels the questions waiting and takes the host back from the HRSS library

  // The routes on `server` (which listens on a loopback address); how many viewer files are
  // served. kNotFound when the viewer folder does not exist.
  Result<int> add_routes(Server& server);

  // Where the person opens the viewer once the server listens on `port`.
  std::string viewer_url(std::uint16_t port) const;

  struct Impl;

 private:
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eseal::api::agent
