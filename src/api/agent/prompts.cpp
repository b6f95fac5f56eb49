#include "api/agent/prompts.h"

namespace eseal::api::agent {

std::optional<std::string> Prompts::ask(std::string kind, std::string details,
                                        std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::uint64_t id = next_id_++;
  waiting_[id].prompt = {id, std::move(kind), std::move(details)};
  ++version_;
  changed_.notify_all();
  changed_.wait_for(lock, timeout, [&] { return waiting_.at(id).done; });
  std::optional<std::string> answer = std::move(waiting_.at(id).answer);
  waiting_.erase(id);
  ++version_;
  changed_.notify_all();
  return answer;
}

bool Prompts::answer(std::uint64_t id, std::optional<std::string> answer) {
  std::lock_guard lock(mutex_);
  auto it = waiting_.find(id);
  if (it == waiting_.end() || it->second.done) return false;
  it->second.done = true;
  it->second.answer = std::move(answer);
  changed_.notify_all();
  return true;
}

void Prompts::cancel_all() {
  std::lock_guard lock(mutex_);
  for (auto& [id, waiting] : waiting_) waiting.done = true;
  changed_.notify_all();
}

std::pair<std::uint64_t, std::vector<Prompt>> Prompts::current() const {
  std::lock_guard lock(mutex_);
  std::vector<Prompt> prompts;
  for (const auto& [id, waiting] : waiting_) {
    if (!waiting.done) prompts.push_back(waiting.prompt);
  }
  return {version_, std::move(prompts)};
}

std::uint64_t Prompts::wait_change(std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
  return version_;
}

void Prompts::notify() {
  std::lock_guard lock(mutex_);
  ++version_;
  changed_.notify_all();
}

}  // namespace eseal::api::agent
