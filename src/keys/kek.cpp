#include "keys/kek.h"

#include <sys/stat.h>

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::keys {
namespace {

Result<Kek> from_text(std::string_view text, const std::string& origin) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (text.size() < kMinKekLength) {
    return Error::invalid_input(origin + " holds a key-encryption key shorter than " +
                                std::to_string(kMinKekLength) +
                                " characters; use e.g. `openssl rand -hex 32`");
  }
  if (text.find('\0') != std::string_view::npos) {
    return Error::invalid_input(origin + " holds a key-encryption key with a NUL character");
  }
  crypto::SecureBytes secret(text.begin(), text.end());
  secret.push_back(0);
  return Kek(std::move(secret));
}

}  // namespace

Result<Kek> load_or_create_kek(std::optional<std::string_view> env_value,
                               const std::filesystem::path& file) {
  if (env_value) return from_text(*env_value, "ESEAL_KEK");

  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      return Error::invalid_input("the key-encryption key file " + file.string() +
                                  " is accessible to other users; run `chmod 600 " + file.string() +
                                  "`");
    }
    auto content = read_file(file);
    if (!content) return content.error();
    crypto::SecureBytes wiped(content->begin(), content->end());
    std::fill(content->begin(), content->end(), 0);
    return from_text(std::string_view(reinterpret_cast<const char*>(wiped.data()), wiped.size()),
                     file.string());
  }

  auto secret = crypto::random_secret(32);
  if (!secret) return secret.error();
  std::string hex = crypto::to_hex(ByteView(secret->data(), secret->size())) + "\n";
  // A folder made here holds nothing but secrets, so only its owner may enter it; an existing
  // folder keeps its permissions.
  std::error_code ec;
  if (file.has_parent_path() && std::filesystem::create_directories(file.parent_path(), ec)) {
    std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all, ec);
  }
  auto written = write_file_atomic(file, as_bytes(hex), 0600);
  auto kek = from_text(hex, file.string());
  std::fill(hex.begin(), hex.end(), '\0');
  if (!written) return written.error();
  return kek;
}

}  // namespace eseal::keys
