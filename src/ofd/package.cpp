#include "ofd/package.h"

#include <zip.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace eseal::ofd {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

std::uint64_t le(ByteView b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i > 0; --i) v = (v << 8) | b[at + i - 1];
  return v;
}

// The entry counts every end-of-central-directory record near the end of `zip` declares, and
// the ZIP64 records their locators point to. libzip tries each candidate record and allocates
// its entry table from the count before reading a single entry, so every candidate is checked
// here, not only the one that will win.
Status check_declared_entries(ByteView zip, std::uint64_t max_entries) {
  constexpr std::size_t kEocd = 22, kLocator = 20, kEocd64 = 56;
  const std::size_t window = 0xFFFF + kEocd + kLocator;
  std::size_t start = zip.size() > window ? zip.size() - window : 0;
  auto too_many = [&](std::uint64_t n) {
    return Error::invalid_input("the ZIP central directory declares " + std::to_string(n) +
                                " entries; at most " + std::to_string(max_entries) +
                                " are accepted")
        .with_code(kLimitExceeded);
  };
  for (std::size_t at = start; at + kEocd <= zip.size(); ++at) {
    if (le(zip, at, 4) != 0x06054b50) continue;
    std::uint64_t n = std::max(le(zip, at + 8, 2), le(zip, at + 10, 2));
    if (n != 0xFFFF && n > max_entries) return too_many(n);
    if (at < kLocator || le(zip, at - kLocator, 4) != 0x07064b50) continue;
    std::uint64_t offset = le(zip, at - kLocator + 8, 8);
    // libzip reads the ZIP64 record where the locator says; check it there and, for archives
    // with data prepended, right before the locator.
    for (std::uint64_t record : {offset, static_cast<std::uint64_t>(at - kLocator) - kEocd64}) {
      if (record > zip.size() || zip.size() - record < kEocd64) continue;
      if (le(zip, record, 4) != 0x06064b50) continue;
      std::uint64_t n64 = std::max(le(zip, record + 24, 8), le(zip, record + 32, 8));
      if (n64 > max_entries) return too_many(n64);
    }
  }
  return ok_status();
}

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return parts;
}

bool has_drive_or_scheme(std::string_view path) {
  std::size_t colon = path.find(':');
  if (colon == std::string_view::npos) return false;
  std::size_t slash = path.find('/');
  return slash == std::string_view::npos || colon < slash;
}

// Entry names must be plain relative paths: no backslash, no leading "/", no drive or scheme,
// no empty, "." or ".." segment (a folder's trailing "/" aside).
Status check_entry_name(std::string_view name) {
  auto bad = [&](const std::string& why) {
    return Error::invalid_input("ZIP entry \"" + std::string(name) + "\": " + why);
  };
  if (name.empty()) return bad("empty name");
  if (name.find('\\') != std::string_view::npos) return bad("a backslash in the name");
  if (name.front() == '/') return bad("an absolute path");
  if (has_drive_or_scheme(name)) return bad("a drive or scheme in the name");
  std::string_view body = name.back() == '/' ? name.substr(0, name.size() - 1) : name;
  for (std::string_view part : split(body)) {
    if (part == "..") return bad("a \"..\" segment (path traversal)");
    if (part.empty() || part == ".") return bad("an empty or \".\" segment");
  }
  return ok_status();
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string zip_message(zip_error_t* error) {
  return zip_error_strerror(error);
}

}  // namespace

struct Package::Archive {
  Bytes owned;  // the archive's bytes when the package owns them
  zip_t* zip = nullptr;
  ~Archive() {
    if (zip) zip_discard(zip);  // read-only: nothing to write back
  }
};

Package::Package(std::unique_ptr<Archive> archive, std::vector<Entry> entries,
                 const PackageLimits& limits)
    : archive_(std::move(archive)), entries_(std::move(entries)), limits_(limits) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].directory) continue;
    by_name_.emplace(entries_[i].name, i);
    auto [it, added] = by_folded_name_.emplace(lower(entries_[i].name), i);
    if (!added) it->second = kAmbiguous;
  }
}
Package::Package(Package&&) noexcept = default;
Package& Package::operator=(Package&&) noexcept = default;
Package::~Package() = default;

Result<Package> Package::open(Bytes&& zip, const PackageLimits& limits) {
  auto archive = std::make_unique<Archive>();
  archive->owned = std::move(zip);
  ByteView view(archive->owned);  // the heap buffer stays put when the archive moves
  return open_archive(std::move(archive), view, limits);
}

Result<Package> Package::open(ByteView zip, const PackageLimits& limits) {
  return open_archive(std::make_unique<Archive>(), zip, limits);
}

Result<Package> Package::open_archive(std::unique_ptr<Archive> archive, ByteView zip,
                                      const PackageLimits& limits) {
  if (zip.size() < 22) return Error::invalid_input("not a ZIP archive (too short)");
  if (auto s = check_declared_entries(zip, limits.max_entries); !s) return s.error();

  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (!source) {
    std::string m = zip_message(&error);
    zip_error_fini(&error);
    return Error::internal("libzip: " + m);
  }
  archive->zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!archive->zip) {
    std::string m = zip_message(&error);
    zip_error_fini(&error);
    zip_source_free(source);
    return Error::invalid_input("not a readable ZIP archive: " + m);
  }
  zip_error_fini(&error);

  zip_int64_t count = zip_get_num_entries(archive->zip, 0);
  if (count < 0 || static_cast<std::uint64_t>(count) > limits.max_entries) {
    return Error::invalid_input("the package has " + std::to_string(count) + " entries; at most " +
                                std::to_string(limits.max_entries) + " are accepted")
        .with_code(kLimitExceeded);
  }
  std::vector<Entry> entries;
  entries.reserve(static_cast<std::size_t>(count));
  std::set<std::string> names;
  std::uint64_t total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive->zip, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
      return Error::invalid_input("ZIP entry " + std::to_string(i) + " cannot be read");
    }
    Entry e{st.name, st.size, st.comp_size, false};
    if (auto s = check_entry_name(e.name); !s) return s.error();
    e.directory = e.name.back() == '/';
    if (!names.insert(e.directory ? e.name.substr(0, e.name.size() - 1) : e.name).second) {
      return Error::invalid_input("ZIP entry \"" + e.name + "\" appears more than once");
    }
    if (e.size > limits.max_entry_size) {
      return Error::invalid_input("ZIP entry \"" + e.name + "\" declares " +
                                  std::to_string(e.size) + " bytes; at most " +
                                  std::to_string(limits.max_entry_size) + " are accepted")
          .with_code(kLimitExceeded);
    }
    total += e.size;  // no overflow: each term is at most max_entry_size
    if (total > limits.max_total_size) {
      return Error::invalid_input("the package's entries declare more than " +
                                  std::to_string(limits.max_total_size) + " bytes in all")
          .with_code(kLimitExceeded);
    }
    if (!e.directory) {
      if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
        return Error::invalid_input("ZIP entry \"" + e.name + "\" is encrypted");
      }
      if ((st.valid & ZIP_STAT_COMP_METHOD) &&
          !zip_compression_method_supported(st.comp_method, 0)) {
        return Error::invalid_input("ZIP entry \"" + e.name + "\" uses compression method " +
                                    std::to_string(st.comp_method) + ", which is not supported");
      }
    }
    entries.push_back(std::move(e));
  }
  return Package(std::move(archive), std::move(entries), limits);
}

std::vector<std::string> Package::files() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) {
    if (!e.directory) out.push_back(e.name);
  }
  return out;
}

const Entry* Package::find(std::string_view path) const {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (auto it = by_name_.find(std::string(path)); it != by_name_.end()) {
    return &entries_[it->second];
  }
  auto it = by_folded_name_.find(lower(path));
  if (it == by_folded_name_.end() || it->second == kAmbiguous) return nullptr;
  return &entries_[it->second];
}

std::size_t Package::index_of(const Entry& entry) const {
  return static_cast<std::size_t>(&entry - entries_.data());
}

Status Package::read_chunks(std::string_view path,
                            const std::function<Status(ByteView)>& sink) const {
  const Entry* entry = find(path);
  if (!entry) return Error::not_found("no file \"" + std::string(path) + "\" in the package");
  zip_file_t* file = zip_fopen_index(archive_->zip, index_of(*entry), 0);
  if (!file) {
    return Error::invalid_input("ZIP entry \"" + entry->name +
                                "\" cannot be opened: " + zip_strerror(archive_->zip));
  }
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> closer(file, zip_fclose);
  std::array<std::uint8_t, kChunk> buffer;
  std::uint64_t inflated = 0;
  for (;;) {
    zip_int64_t n = zip_fread(file, buffer.data(), buffer.size());
    if (n < 0) {
      return Error::invalid_input("ZIP entry \"" + entry->name +
                                  "\" is damaged: " + zip_message(zip_file_get_error(file)));
    }
    if (n == 0) break;
    inflated += static_cast<std::uint64_t>(n);
    // Never trust the declared size alone: a lying header must not make us inflate more.
    if (inflated > entry->size) {
      return Error::invalid_input("ZIP entry \"" + entry->name + "\" inflates past its declared " +
                                  std::to_string(entry->size) + " bytes");
    }
    if (auto s = sink(ByteView(buffer.data(), static_cast<std::size_t>(n))); !s) return s;
  }
  if (inflated != entry->size) {
    return Error::invalid_input("ZIP entry \"" + entry->name + "\" holds " +
                                std::to_string(inflated) + " bytes, not the declared " +
                                std::to_string(entry->size));
  }
  return ok_status();
}

Result<Bytes> Package::read(std::string_view path) const {
  const Entry* entry = find(path);
  if (!entry) return Error::not_found("no file \"" + std::string(path) + "\" in the package");
  Bytes out;
  out.reserve(static_cast<std::size_t>(entry->size));  // bounded by the limits at open()
  auto s = read_chunks(path, [&](ByteView chunk) {
    append(out, chunk);
    return ok_status();
  });
  if (!s) return s.error();
  return out;
}

Result<std::string> resolve_path(std::string_view base_file, std::string_view location) {
  auto bad = [&](const std::string& why) {
    return Error::invalid_input("path \"" + std::string(location) + "\": " + why);
  };
  // Surrounding whitespace is a formatting accident of XML text content, not part of the path.
  while (!location.empty() && std::isspace(static_cast<unsigned char>(location.front())))
    location.remove_prefix(1);
  while (!location.empty() && std::isspace(static_cast<unsigned char>(location.back())))
    location.remove_suffix(1);
  if (location.empty()) return bad("empty");
  if (location.find('\\') != std::string_view::npos) return bad("a backslash");
  if (has_drive_or_scheme(location)) return bad("a drive or scheme");
  std::vector<std::string> parts;
  if (location.front() == '/') {
    location.remove_prefix(1);
  } else {
    std::size_t slash = base_file.rfind('/');
    if (slash != std::string_view::npos) {
      for (std::string_view p : split(base_file.substr(0, slash))) {
        if (!p.empty() && p != ".") parts.emplace_back(p);
      }
    }
  }
  for (std::string_view p : split(location)) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (parts.empty()) return bad("\"..\" above the package root");
      parts.pop_back();
      continue;
    }
    parts.emplace_back(p);
  }
  if (parts.empty()) return bad("names no file");
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string folder_of(std::string_view entry) {
  std::size_t slash = entry.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(entry.substr(0, slash + 1));
}

}  // namespace eseal::ofd
