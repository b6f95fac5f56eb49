// Test helpers for cross-checking with independent tools: temporary folders and running a
// command with its output captured.
#pragma once

#include <filesystem>
#include <string>

namespace eseal::test {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh.
CommandResult run_command(const std::string& command);

// The openssl binary to cross-check with (CMake passes it in ESEAL_OPENSSL).
std::string openssl_binary();

void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace eseal::test
