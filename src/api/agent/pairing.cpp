#include "api/agent/pairing.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "api/json.h"
#include "api/json_text.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::api::agent {
namespace {

constexpr std::size_t kMaxWaiting = 8;

std::string token_hash(std::string_view token) {
  return crypto::to_hex(crypto::sm3(as_bytes(token)));
}

Result<std::string> random_hex(std::size_t bytes) {
  auto random = crypto::random_bytes(bytes);
  if (!random) return random.error();
  return crypto::to_hex(*random);
}

std::string text_of(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? std::string(json_view(it->value))
                                                          : std::string();
}

}  // namespace

const char* pairing_state_name(PairingState state) {
  switch (state) {
    case PairingState::kPending:
      return "pending";
    case PairingState::kAllowed:
      return "allowed";
    case PairingState::kRefused:
      return "refused";
    case PairingState::kExpired:
      return "expired";
  }
  return "pending";
}

Pairings::Pairings(std::filesystem::path state_file, std::chrono::seconds ask_timeout)
    : state_file_(std::move(state_file)), ask_timeout_(ask_timeout) {}

Result<std::unique_ptr<Pairings>> Pairings::open(std::filesystem::path state_file,
                                                 std::chrono::seconds ask_timeout) {
  std::unique_ptr<Pairings> pairings(new Pairings(state_file, ask_timeout));
  std::error_code ec;
  if (!std::filesystem::exists(state_file, ec)) return pairings;
  auto bytes = read_file(state_file);
  if (!bytes) return bytes.error();
  auto parsed =
      parse_json(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  auto damaged = [&] {
    return Error::invalid_input("the agent's state file " + state_file.string() + " is damaged");
  };
  if (!parsed || !parsed.document->IsObject()) return damaged();
  auto list = parsed.document->FindMember("paired");
  if (list == parsed.document->MemberEnd() || !list->value.IsArray()) return damaged();
  for (const auto& item : list->value.GetArray()) {
    if (!item.IsObject()) return damaged();
    Entry entry;
    entry.paired.origin = text_of(item, "origin");
    entry.paired.name = text_of(item, "name");
    auto since = parse_utc(text_of(item, "since"));
    auto tokens = item.FindMember("tokens");
    if (entry.paired.origin.empty() || !since || tokens == item.MemberEnd() ||
        !tokens->value.IsArray()) {
      return damaged();
    }
    entry.paired.since = *since;
    for (const auto& hash : tokens->value.GetArray()) {
      if (!hash.IsString()) return damaged();
      entry.token_hashes.emplace_back(json_view(hash));
    }
    pairings->paired_[entry.paired.origin] = std::move(entry);
  }
  return pairings;
}

Status Pairings::save() const {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("paired");
  w.StartArray();
  for (const auto& [origin, entry] : paired_) {
    w.StartObject();
    w.Key("origin");
    w.String(origin.c_str());
    w.Key("name");
    w.String(entry.paired.name.c_str());
    w.Key("since");
    w.String(format_utc(entry.paired.since).c_str());
    w.Key("tokens");
    w.StartArray();
    for (const auto& hash : entry.token_hashes) w.String(hash.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::error_code ec;
  std::filesystem::create_directories(state_file_.parent_path(), ec);
  return write_file_atomic(state_file_, as_bytes({out.GetString(), out.GetSize()}), 0600);
}

void Pairings::expire(Time now) {
  for (auto it = requests_.begin(); it != requests_.end();) {
    bool stale = now - it->second.asked > ask_timeout_;
    if (stale && it->second.state == PairingState::kPending) {
      it->second.state = PairingState::kExpired;
    }
    // An answer the page never came for is kept no longer than a question.
    if (now - it->second.asked > 2 * ask_timeout_) {
      it = requests_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::string> Pairings::ask(const std::string& origin, const std::string& name, Time now) {
  std::lock_guard lock(mutex_);
  expire(now);
  auto waiting = std::count_if(requests_.begin(), requests_.end(), [](const auto& request) {
    return request.second.state == PairingState::kPending;
  });
  if (static_cast<std::size_t>(waiting) >= kMaxWaiting) {
    return Error::invalid_input("too many pairing requests are waiting for the person");
  }
  auto id = random_hex(16);
  if (!id) return id.error();
  requests_[*id] = {*id, origin, name.substr(0, 100), now, PairingState::kPending, {}};
  return *id;
}

Result<PairingRequest> Pairings::collect(const std::string& id, const std::string& origin,
                                         Time now) {
  std::lock_guard lock(mutex_);
  expire(now);
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second.origin != origin) {
    return Error::not_found("no such pairing request");
  }
  PairingRequest request = it->second;
  if (request.state != PairingState::kPending) requests_.erase(it);
  return request;
}

Status Pairings::decide(const std::string& id, bool allow, Time now) {
  std::lock_guard lock(mutex_);
  expire(now);
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second.state != PairingState::kPending) {
    return Error::not_found("no such pairing request waits");
  }
  PairingRequest& request = it->second;
  if (!allow) {
    request.state = PairingState::kRefused;
    return ok_status();
  }
  auto token = random_hex(32);
  if (!token) return token.error();
  Entry& entry = paired_[request.origin];
  entry.paired = {request.origin, request.name, now};
  entry.token_hashes.push_back(token_hash(*token));
  if (auto saved = save(); !saved) {
    entry.token_hashes.pop_back();
    if (entry.token_hashes.empty()) paired_.erase(request.origin);
    return saved;
  }
  request.state = PairingState::kAllowed;
  request.token = std::move(*token);
  return ok_status();
}

bool Pairings::check(const std::string& origin, std::string_view token) const {
  if (token.empty()) return false;
  std::string hash = token_hash(token);
  std::lock_guard lock(mutex_);
  auto it = paired_.find(origin);
  if (it == paired_.end()) return false;
  return std::any_of(it->second.token_hashes.begin(), it->second.token_hashes.end(),
                     [&](const std::string& known) {
                       return crypto::equal_constant_time(as_bytes(known), as_bytes(hash));
                     });
}

Status Pairings::forget(const std::string& origin) {
  std::lock_guard lock(mutex_);
  auto it = paired_.find(origin);
  if (it == paired_.end()) return Error::not_found(origin + " is not paired");
  Entry removed = std::move(it->second);
  paired_.erase(it);
  if (auto saved = save(); !saved) {
    paired_[origin] = std::move(removed);
    return saved;
  }
  return ok_status();
}

std::vector<PairingRequest> Pairings::pending(Time now) {
  std::lock_guard lock(mutex_);
  expire(now);
  std::vector<PairingRequest> out;
  for (const auto& [id, request] : requests_) {
    if (request.state == PairingState::kPending) out.push_back(request);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.asked < b.asked; });
  return out;
}

std::vector<Paired> Pairings::paired() const {
  std::lock_guard lock(mutex_);
  std::vector<Paired> out;
  for (const auto& [origin, entry] : paired_) out.push_back(entry.paired);
  return out;
}

}  // namespace eseal::api::agent
