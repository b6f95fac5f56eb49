// The server half of `eseal demo`: the platform's material in the data folder, the organization,
// one app with its
// LD/T credentials and key pair, the demo's seals registered to it, sample documents and a
// ready-to-run request for each LD/T 01.4 operation.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "ses/seal.h"

namespace eseal::cli {

struct ServerDemo {
  std::filesystem::path data_dir;  // the server's data folder (var)
  std::filesystem::path demo_dir;  // the demo's files (var/demo)
  std::filesystem::path ca_dir;    // the demo CA (root.pem, root.key)
  std::filesystem::path root_cert;
  std::string maker_prefix;  // P.pem, P.key
  // Each seal with the prefix of its signer's certificate and key; the first is the official
  // seal the samples are sealed with.
  std::vector<std::pair<ses::SesSeal, std::string>> seals;
  int port = 8080;  // where the examples send their requests
  std::string organization, credit_code;
};

void set_up_server_demo(const ServerDemo& demo, const keys::Kek& kek, const GlobalOptions& global);

}  // namespace eseal::cli
