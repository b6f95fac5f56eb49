#include "ofd/zip_builder.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "ofd/package.h"

namespace eseal::ofd::test {
namespace {

std::uint32_t le32(const Bytes& b, std::size_t at) {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) |
         (static_cast<std::uint32_t>(b[at + 3]) << 24);
}
std::uint16_t le16(const Bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = (v >> (8 * i)) & 0xFF;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("libzip: " + what);
}

}  // namespace

Bytes make_zip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  check(buffer != nullptr, "buffer");
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  check(archive != nullptr, "open");
  zip_source_keep(buffer);  // read back after zip_close
  for (const ZipEntry& e : entries) {
    if (!e.name.empty() && e.name.back() == '/') {
      check(zip_dir_add(archive, e.name.substr(0, e.name.size() - 1).c_str(), 0) >= 0,
            "dir " + e.name);
      continue;
    }
    // libzip reads the data when the archive is closed: give it its own copy, which it frees
    // (an empty buffer it neither needs nor frees).
    zip_source_t* source = nullptr;
    if (e.data.empty()) {
      source = zip_source_buffer(archive, nullptr, 0, 0);
    } else {
      void* copy = std::malloc(e.data.size());
      std::memcpy(copy, e.data.data(), e.data.size());
      source = zip_source_buffer(archive, copy, e.data.size(), 1);
    }
    check(source != nullptr, "source " + e.name);
    zip_int64_t index = zip_file_add(archive, e.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    check(index >= 0, "add " + e.name);
    // An empty entry is stored: deflating it would cost a deflate stream's quarter megabyte for
    // nothing, which under AddressSanitizer is a mapping made and unmapped per entry (the
    // archives of 100,000 entries took minutes).
    if (e.data.empty()) {
      check(
          zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) == 0,
          "store " + e.name);
    }
  }
  check(zip_close(archive) == 0, "close");
  check(zip_source_open(buffer) == 0, "reopen");
  zip_source_seek(buffer, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  Bytes out(static_cast<std::size_t>(size));
  check(zip_source_read(buffer, out.data(), out.size()) == size, "read back");
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

std::vector<ZipEntry> entries_of(ByteView zip) {
  auto package = Package::open(zip);
  EXPECT_TRUE(package.ok()) << package.error().message;
  std::vector<ZipEntry> out;
  if (!package.ok()) return out;
  for (const Entry& e : package->entries()) {
    if (e.directory) {
      out.push_back({e.name, {}});
      continue;
    }
    auto data = package->read(e.name);
    EXPECT_TRUE(data.ok()) << e.name;
    out.push_back({e.name, data.ok() ? *data : Bytes{}});
  }
  return out;
}

Bytes with_entry(ByteView zip, const std::string& name, ByteView data) {
  std::vector<ZipEntry> entries = entries_of(zip);
  bool found = false;
  for (ZipEntry& e : entries) {
    if (e.name == name) {
      e.data.assign(data.begin(), data.end());
      found = true;
    }
  }
  if (!found) entries.push_back({name, Bytes(data.begin(), data.end())});
  return make_zip(entries);
}

Bytes without_entry(ByteView zip, const std::string& name) {
  std::vector<ZipEntry> entries = entries_of(zip);
  std::erase_if(entries, [&](const ZipEntry& e) { return e.name == name; });
  return make_zip(entries);
}

bool patch_declared_size(Bytes& zip, const std::string& name, std::uint32_t size, bool local_too) {
  bool found = false;
  for (std::size_t at = 0; at + 46 <= zip.size(); ++at) {
    std::uint32_t sig = le32(zip, at);
    if (sig == 0x02014b50) {  // central directory file header
      std::size_t n = le16(zip, at + 28);
      if (at + 46 + n <= zip.size() &&
          std::string(zip.begin() + static_cast<long>(at) + 46,
                      zip.begin() + static_cast<long>(at + 46 + n)) == name) {
        put32(zip, at + 24, size);
        found = true;
      }
    } else if (sig == 0x04034b50 && local_too) {  // local file header
      std::size_t n = le16(zip, at + 26);
      if (at + 30 + n <= zip.size() &&
          std::string(zip.begin() + static_cast<long>(at) + 30,
                      zip.begin() + static_cast<long>(at + 30 + n)) == name) {
        put32(zip, at + 22, size);
      }
    }
  }
  return found;
}

void patch_bytes(Bytes& zip, const std::string& from, const std::string& to) {
  ASSERT_EQ(from.size(), to.size());
  for (std::size_t at = 0; at + from.size() <= zip.size(); ++at) {
    if (std::memcmp(zip.data() + at, from.data(), from.size()) == 0) {
      std::memcpy(zip.data() + at, to.data(), to.size());
    }
  }
}

}  // namespace eseal::ofd::test
