// What eseal's agent asks the person through its viewer while an HRSS call waits: the USB key's
// PIN, where to put the seal, a file to open or a name to save under, printing, the settings.
// The call's thread asks and blocks; the viewer polls for the questions (long polling on a
// version number) and answers them. Nothing here knows HTTP.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eseal::api::agent {

struct Prompt {
  std::uint64_t id = 0;
  std::string kind;     // "pin", "place", "open", "save", "print", "settings"
  std::string details;  // a JSON object: what the viewer shows with the question
};

class Prompts {
 public:
  // Asks and waits until the viewer answers (a JSON text), the question is cancelled or `timeout`
  // runs out (both: nothing).
  std::optional<std::string> ask(std::string kind, std::string details,
                                 std::chrono::milliseconds timeout);
  // Answers prompt `id`; nothing: cancelled. False when no such question waits.
  bool answer(std::uint64_t id, std::optional<std::string> answer);
  // Cancels every question waiting (the agent is stopping).
  void cancel_all();

  // The questions waiting, oldest first, and the version they are at.
  std::pair<std::uint64_t, std::vector<Prompt>> current() const;
  // Blocks until the version is no longer `seen`, or `timeout`; returns the version.
  std::uint64_t wait_change(std::uint64_t seen, std::chrono::milliseconds timeout) const;
  // Something else the viewer shows has changed (the document, the pairings): a new version.
  void notify();

 private:
  struct Waiting {
    Prompt prompt;
    bool done = false;
    std::optional<std::string> answer;
  };
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::uint64_t, Waiting> waiting_;
  std::uint64_t next_id_ = 1;
  std::uint64_t version_ = 1;
};

}  // namespace eseal::api::agent
