#include "keys/kek.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/file.h"
#include "crypto/random.h"

namespace eseal::keys {
namespace {

Result<Kek> from_text(crypto::SecureBytes text, const std::string& origin) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() < kMinKekLength) {
    return Error::invalid_input(origin + " holds a key-encryption key shorter than " +
                                std::to_string(kMinKekLength) +
                                " characters; use e.g. `openssl rand -hex 32`");
  }
  if (std::find(text.begin(), text.end(), 0) != text.end()) {
    return Error::invalid_input(origin + " holds a key-encryption key with a NUL character");
  }
  return Kek(std::move(text));
}

// Reads the whole file straight into wiping memory, so no stray copy of the KEK stays behind.
Result<crypto::SecureBytes> read_secret(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::io("cannot open " + file.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size > 4096) {
    ::close(fd);
    return Error::invalid_input(file.string() + " is not a key-encryption key file");
  }
  crypto::SecureBytes secret(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < secret.size()) {
    ssize_t n = ::read(fd, secret.data() + got, secret.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  secret.resize(got);
  return secret;
}

Result<Kek> read_kek_file(const std::filesystem::path& file, const struct stat& st) {
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    return Error::invalid_input("the key-encryption key file " + file.string() +
                                " is accessible to other users; run `chmod 600 " + file.string() +
                                "`");
  }
  auto secret = read_secret(file);
  if (!secret) return secret.error();
  return from_text(std::move(*secret), file.string());
}

Result<crypto::SecureBytes> fresh_hex_secret() {
  auto secret = crypto::random_secret(32);
  if (!secret) return secret.error();
  static constexpr char kDigits[] = "0123456789abcdef";
  crypto::SecureBytes hex;
  hex.reserve(65);
  for (std::uint8_t b : *secret) {
    hex.push_back(static_cast<std::uint8_t>(kDigits[b >> 4]));
    hex.push_back(static_cast<std::uint8_t>(kDigits[b & 0xF]));
  }
  hex.push_back('\n');
  return hex;
}

}  // namespace

Result<Kek> load_or_create_kek(std::optional<std::string_view> env_value,
                               const std::filesystem::path& file, KekFile mode) {
  if (env_value) {
    return from_text(crypto::to_secure(as_bytes(*env_value)), "ESEAL_KEK");
  }

  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) return read_kek_file(file, st);
  if (mode == KekFile::kMustExist) {
    return Error::not_found("no key-encryption key: " + file.string() +
                            " does not exist and ESEAL_KEK is not set (keys made elsewhere need "
                            "the KEK they were made with)");
  }

  auto hex = fresh_hex_secret();
  if (!hex) return hex.error();
  // A folder made here holds nothing but secrets, so only its owner may enter it; an existing
  // folder keeps its permissions.
  std::error_code ec;
  if (file.has_parent_path() && std::filesystem::create_directories(file.parent_path(), ec)) {
    std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all, ec);
  }
  auto created = create_file_exclusive(file, ByteView(hex->data(), hex->size()), 0600);
  if (!created) return created.error();
  if (!*created) {
    // Another process created the KEK first: use theirs, so both write keys it can open.
    if (::stat(file.c_str(), &st) != 0) return Error::io("cannot read " + file.string());
    return read_kek_file(file, st);
  }
  return from_text(std::move(*hex), file.string());
}

}  // namespace eseal::keys
