// eseal agent: the local service through which a business system's page signs with the person's
// USB key (api/agent/agent.h), until SIGTERM or SIGINT.
#include <spdlog/logger.h>

#include <cstdlib>
#include <iostream>

#include "api/access_log.h"
#include "api/agent/agent.h"
#include "api/server.h"
#include "cli/commands.h"

namespace eseal::cli {
namespace {

struct AgentCommandOptions {
  int port = 17480;
  std::vector<std::string> origins;
  std::string state;
  std::string viewer_dir = "web/agent";
  std::string files_dir;
  std::string save_dir = ".";
  std::string library;
  std::string device;
  std::string roots;
  int prompt_timeout_s = 300;
  std::string log_level = "info";
};

// $XDG_CONFIG_HOME/eseal/agent.json, else ~/.config/eseal/agent.json.
std::string default_state_file() {
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config) {
    return std::string(config) + "/eseal/agent.json";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.config/eseal/agent.json";
}

void run_agent(const AgentCommandOptions& o) {
  auto logger = need(api::make_logger(o.log_level, ""));
  api::agent::AgentOptions options;
  options.origins = o.origins;
  options.state_file = o.state.empty() ? default_state_file() : o.state;
  options.viewer_dir = o.viewer_dir;
  options.files_dir = o.files_dir;
  options.save_dir = o.save_dir;
  options.skf_library = o.library;
  options.device = o.device;
  options.roots = o.roots;
  options.prompt_timeout = std::chrono::seconds(o.prompt_timeout_s);
  options.logger = logger;
  auto agent = need(api::agent::Agent::create(std::move(options)), "cannot start the agent");

  api::ServerOptions server_options;
  server_options.host = "127.0.0.1";
  server_options.port = static_cast<std::uint16_t>(o.port);
  // Calls wait for the person (a PIN, a place for the seal) while the viewer long-polls: enough
  // threads that waiting never starves the requests that end the wait.
  server_options.workers = 16;
  server_options.body_limit = std::uint64_t{64} << 20;
  server_options.shutdown_grace = std::chrono::seconds(2);
  server_options.logger = logger;
  api::Server server(server_options);
  auto files = need(agent->add_routes(server),
                    "cannot serve the viewer from " + o.viewer_dir + " (--viewer-dir)");
  server.stop_on_signals();
  need(server.start(), "cannot start the agent");
  std::string origins;
  for (const auto& origin : o.origins) origins += (origins.empty() ? "" : ", ") + origin;
  logger->info("the viewer: {} files from {}; pages allowed to pair: {}", files, o.viewer_dir,
               origins.empty() ? "none (--allow-origin)" : origins);
  std::cout << "eseal agent listening on http://127.0.0.1:" << server.port() << "\n"
            << "open the viewer: " << agent->viewer_url(server.port()) << std::endl;
  server.wait();
  logger->info("stopped");
}

}  // namespace

void add_agent_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "agent",
      "Run the local agent: business pages sign with the person's USB key through it (LD/T 01.4 "
      "§5.3.2 HRSS functions over loopback HTTP), the person answers in its viewer");
  auto o = std::make_shared<AgentCommandOptions>();
  command->add_option("--port", o->port, "TCP port on 127.0.0.1, 0 for any free one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command->add_option("--allow-origin", o->origins,
                      "A page origin that may ask to pair, scheme://host[:port] (repeatable)");
  command->add_option("--state", o->state,
                      "The pairings' file (default: ~/.config/eseal/agent.json)");
  command->add_option("--viewer-dir", o->viewer_dir, "The viewer's files")->capture_default_str();
  command->add_option("--files", o->files_dir,
                      "A folder whose files pages may name by path (default: none)");
  command->add_option("--save-dir", o->save_dir, "Where the viewer's \"save as\" writes")
      ->capture_default_str();
  command->add_option("--library", o->library,
                      "The USB key's SKF library (default: ESEAL_SKF_LIBRARY, else eseal's "
                      "software key)");
  command->add_option("--device", o->device, "The USB key's name (default: the first present)");
  command->add_option("--roots", o->roots, "Trusted roots (PEM) for verifying signatures");
  command
      ->add_option("--prompt-timeout", o->prompt_timeout_s,
                   "Seconds a question waits for the person before it is cancelled")
      ->capture_default_str()
      ->check(CLI::Range(5, 3600));
  command->add_option("--log-level", o->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  command->callback([o] { run_agent(*o); });
}

}  // namespace eseal::cli
