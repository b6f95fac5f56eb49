#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace eseal {
namespace {

// A temporary file is its target's name, this suffix and mkstemp's six characters.
constexpr std::string_view kTemporarySuffix = ".tmp-";
constexpr std::size_t kTemporaryUnique = 6;

bool is_temporary_name(const std::string& name) {
  if (name.size() <= kTemporarySuffix.size() + kTemporaryUnique) return false;
  std::size_t at = name.size() - kTemporaryUnique - kTemporarySuffix.size();
  if (name.compare(at, kTemporarySuffix.size(), kTemporarySuffix) != 0) return false;
  return std::all_of(name.end() - kTemporaryUnique, name.end(),
                     [](unsigned char c) { return std::isalnum(c); });
}

Error os_error(const std::string& what, const std::filesystem::path& path) {
  int err = errno;
  std::string message = what + " " + path.string() + ": " + std::strerror(err);
  return err == ENOENT ? Error::not_found(message) : Error::io(message);
}

}  // namespace

Result<Bytes> read_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open", path);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return os_error("cannot read", path);
  if (S_ISDIR(st.st_mode)) return Error::invalid_input(path.string() + " is a folder, not a file");
  // One allocation and one read for a regular file; a file that grows meanwhile, or one whose
  // size is not known (a pipe), is read on in chunks.
  Bytes content(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0);
  std::size_t filled = 0;
  for (;;) {
    unsigned char chunk[16384];
    bool spare = filled < content.size();
    ssize_t n = spare ? ::read(fd, content.data() + filled, content.size() - filled)
                      : ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error("cannot read", path);
    if (n == 0) break;
    if (spare) {
      filled += static_cast<std::size_t>(n);
    } else {
      content.insert(content.end(), chunk, chunk + n);
      filled = content.size();
    }
  }
  content.resize(filled);
  return content;
}

namespace {

// Writes `content` to a fresh temporary file beside `path` and flushes it; returns its name.
Result<std::string> write_temporary(const std::filesystem::path& path, ByteView content,
                                    mode_t mode) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return Error::io("cannot create folder " + path.parent_path().string() + ": " + ec.message());
    }
  }
  std::string tmp = path.string();
  tmp += kTemporarySuffix;
  tmp.append(kTemporaryUnique, 'X');
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return os_error("cannot create temporary file for", path);
  auto fail = [&](const char* what) {
    Error e = os_error(what, path);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd, mode) != 0) return fail("cannot set permissions on");
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot flush");
  if (::close(fd) != 0) {
    Error e = os_error("cannot close", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return tmp;
}

}  // namespace

Status write_file_atomic(const std::filesystem::path& path, ByteView content, mode_t mode) {
  auto tmp = write_temporary(path, content, mode);
  if (!tmp) return tmp.error();
  if (::rename(tmp->c_str(), path.c_str()) != 0) {
    Error e = os_error("cannot rename temporary file onto", path);
    ::unlink(tmp->c_str());
    return e;
  }
  return ok_status();
}

Result<bool> create_file_exclusive(const std::filesystem::path& path, ByteView content,
                                   mode_t mode) {
  auto tmp = write_temporary(path, content, mode);
  if (!tmp) return tmp.error();
  // link() fails with EEXIST instead of replacing, so exactly one concurrent creator wins.
  int rc = ::link(tmp->c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp->c_str());
  if (rc == 0) return true;
  if (err == EEXIST) return false;
  errno = err;
  return os_error("cannot create", path);
}

Result<std::size_t> remove_stale_temporaries(const std::filesystem::path& folder,
                                             std::chrono::seconds min_age) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Error::io("cannot read folder " + folder.string() + ": " + ec.message());
  const auto cutoff = fs::file_time_type::clock::now() - min_age;
  std::size_t removed = 0;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Error::io("cannot read folder " + folder.string() + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    if (!is_temporary_name(entry.path().filename().string())) continue;
    auto written = entry.last_write_time(ec);
    if (ec || written > cutoff) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  if (ec) return Error::io("cannot read folder " + folder.string() + ": " + ec.message());
  return removed;
}

}  // namespace eseal
