// The server half of `eseal demo`: the platform's material in the data folder, the organization,
// one app with its LD/T credentials and key pair, the demo's seals registered to it, sample
// documents and a ready-to-run request for each LD/T 01.4 operation. Like the rest of the demo it
// keeps what an earlier run made and makes only what is missing (DemoInventory).
#pragma once

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "crypto/secure_buffer.h"
#include "ses/seal.h"
#include "store/store.h"

namespace eseal::cli {

// What a demo run keeps from an earlier one, and what it makes anew.
class DemoInventory {
 public:
  explicit DemoInventory(bool force) : force_(force) {}

  // Whether `what` is to be made: with --force, when one of `files` is missing, or when `stale`
  // (something it is made from was just made, or the kept one no longer serves). Otherwise it
  // is recorded as kept.
  bool make(const std::string& what, std::initializer_list<std::filesystem::path> files,
            bool stale = false);
  // Records `what` as kept.
  void keep(std::string what) { kept_.push_back(std::move(what)); }
  const std::vector<std::string>& kept() const { return kept_; }

 private:
  bool force_;
  std::vector<std::string> kept_;
};

// Whether `file` holds a certificate that is valid at `now`.
bool current_certificate(const std::filesystem::path& file, Time now);

// The demo app's LD/T credentials, as app.toml keeps them.
struct DemoApp {
  std::string syscode, authcode;
  crypto::SecureBytes hmac_key;
};

// The demo app an earlier run left in `demo_dir` (app.toml, app.key, app.pem), when the store
// still has it enabled with those credentials.
std::optional<DemoApp> earlier_demo_app(store::Store& store, const std::filesystem::path& demo_dir);

struct ServerDemo {
  std::filesystem::path data_dir;  // the server's data folder (var)
  std::filesystem::path demo_dir;  // the demo's files (var/demo)
  std::filesystem::path ca_dir;    // the demo CA (root.pem, root.key)
  std::string maker_prefix;        // P.pem, P.key
  // Each seal with the prefix of its signer's certificate and key; the first is the official
  // seal the samples are sealed with.
  std::vector<std::pair<ses::SesSeal, std::string>> seals;
  int port = 8080;  // where the examples send their requests
  std::string organization, credit_code;
  bool new_ca = false, new_maker = false, new_seals = false;  // made by this run
  // The earlier run's app: kept unless `new_app`, else disabled (its credentials are replaced).
  std::optional<DemoApp> earlier;
  bool new_app = true;
};

void set_up_server_demo(const ServerDemo& demo, store::Store& store, DemoInventory& items,
                        const keys::Kek& kek, const GlobalOptions& global);

// Mobile collaborative signing (COSS): an app with COSS credentials and a user of it, kept in
// D/demo/coss.toml (url, app_id, secure_code, user_id; 0600) for `eseal call coss`. An earlier
// run's are kept while they still hold. Returns the user's id.
std::string set_up_coss_demo(const ServerDemo& demo, store::Store& store, DemoInventory& items);

}  // namespace eseal::cli
