// Which business pages may use the person's USB key through eseal's agent. A page on an origin
// the agent allows asks to pair; the person allows or refuses it once, in the agent's own viewer;
// an allowed page receives a token, once, and shows it on every call. Tokens are kept only as
// SM3 hashes, in a state file written atomically with mode 0600, so a pairing outlives the
// agent's restart and the file gives no token away. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace eseal::api::agent {

enum class PairingState { kPending, kAllowed, kRefused, kExpired };
const char* pairing_state_name(PairingState state);  // "pending", "allowed", ...

struct PairingRequest {
  std::string id;
  std::string origin;
  std::string name;  // what the page calls itself, shown to the person
  Time asked{};
  PairingState state = PairingState::kPending;
  std::string token;  // once allowed, until the page has collected it
};

struct Paired {
  std::string origin;
  std::string name;
  Time since{};
};

class Pairings {
 public:
  // Reads `state_file` (absent: nothing is paired yet). kInvalidInput for a damaged file.
  // Unanswered requests expire after `ask_timeout`.
  static Result<std::unique_ptr<Pairings>> open(std::filesystem::path state_file,
                                                std::chrono::seconds ask_timeout);

  // A page on `origin` asks to pair: the request's id. At most 8 requests wait at a time.
  Result<std::string> ask(const std::string& origin, const std::string& name, Time now);
  // The request `id` as the page that made it sees it; when allowed, the token is in it this
  // once and the request is gone. kNotFound for an unknown id or another origin's request.
  Result<PairingRequest> collect(const std::string& id, const std::string& origin, Time now);
  // The person's decision; allowing makes the token and saves the pairing. kNotFound when no
  // such request waits.
  Status decide(const std::string& id, bool allow, Time now);
  // Whether `token` is one the person gave to `origin`.
  bool check(const std::string& origin, std::string_view token) const;
  // Forgets every token of `origin` (the person revoked it). kNotFound when it is not paired.
  Status forget(const std::string& origin);

  std::vector<PairingRequest> pending(Time now);
  std::vector<Paired> paired() const;

 private:
  struct Entry {
    Paired paired;
    std::vector<std::string> token_hashes;  // hex SM3 of each token given out
  };
  Pairings(std::filesystem::path state_file, std::chrono::seconds ask_timeout);
  void expire(Time now);
  Status save() const;

  mutable std::mutex mutex_;
  std::filesystem::path state_file_;
  std::chrono::seconds ask_timeout_;
  std::map<std::string, PairingRequest> requests_;
  std::map<std::string, Entry> paired_;  // by origin
};

}  // namespace eseal::api::agent
