#include "ofd/package_edit.h"

#include <zip.h>

#include <ctime>
#include <map>
#include <memory>
#include <set>

namespace eseal::ofd {
namespace {

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using Source = std::unique_ptr<zip_source_t, SourceFree>;

std::string zip_failure(zip_t* za) {
  return zip_strerror(za);
}

// ZIP entry times (DOS date and time) have no zone and libzip fills them from localtime():
// shifting by the local offset makes them read as UTC, so the bytes do not depend on TZ.
time_t dos_time_as_utc(Time t) {
  const time_t when = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  localtime_r(&when, &local);
  return when - (timegm(&local) - when);
}

// The bytes a buffer source holds after an archive was written into it.
Result<Bytes> source_bytes(zip_source_t* source) {
  if (zip_source_open(source) < 0) return Error::internal("libzip: cannot reopen the archive");
  Bytes out;
  Bytes chunk(64 * 1024);
  for (;;) {
    zip_int64_t n = zip_source_read(source, chunk.data(), chunk.size());
    if (n < 0) {
      zip_source_close(source);
      return Error::internal("libzip: cannot read the written archive");
    }
    if (n == 0) break;
    out.insert(out.end(), chunk.begin(), chunk.begin() + n);
  }
  zip_source_close(source);
  return out;
}

}  // namespace

Result<Bytes> edit_package(ByteView original, const PackageEdit& edit) {
  // The old archive is read from its bytes; the new one is written into a buffer libzip owns
  // (libzip 1.7 frees the initial data of a buffer source written in place, even data it was
  // told not to free).
  zip_error_t error;
  zip_error_init(&error);
  zip_t* old = nullptr;
  if (!original.empty()) {
    zip_source_t* in = zip_source_buffer_create(original.data(), original.size(), 0, &error);
    old = in ? zip_open_from_source(in, ZIP_RDONLY, &error) : nullptr;
    if (!old) {
      std::string m = zip_error_strerror(&error);
      zip_error_fini(&error);
      if (in) zip_source_free(in);
      return Error::invalid_input("not a ZIP archive: " + m);
    }
  }
  Source target(zip_source_buffer_create(nullptr, 0, 0, &error));
  zip_t* za =
      target ? zip_open_from_source(target.get(), ZIP_CREATE | ZIP_TRUNCATE, &error) : nullptr;
  zip_error_fini(&error);
  if (!za) {
    if (old) zip_discard(old);
    return Error::internal("libzip: cannot start an archive in memory");
  }
  // The archive took the source; ours keeps the written bytes readable after zip_close.
  zip_source_keep(target.get());
  auto fail = [&](const std::string& message) {
    Error e = Error::internal("libzip: " + message + ": " + zip_failure(za));
    zip_discard(za);
    if (old) zip_discard(old);
    return e;
  };

  std::map<std::string, const Bytes*> put;
  for (const auto& [name, bytes] : edit.put) put[name] = &bytes;
  std::set<std::string> removed(edit.remove.begin(), edit.remove.end());
  const time_t mtime = dos_time_as_utc(edit.modified);
  auto add_new = [&](const std::string& name, const Bytes& bytes) -> bool {
    // The archive reads the bytes at zip_close; `edit` outlives it.
    zip_source_t* data = zip_source_buffer(za, bytes.data(), bytes.size(), 0);
    zip_int64_t index = data ? zip_file_add(za, name.c_str(), data, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (data) zip_source_free(data);
      return false;
    }
    auto at = static_cast<zip_uint64_t>(index);
    return zip_set_file_compression(za, at, ZIP_CM_DEFLATE, 9) == 0 &&
           zip_file_set_mtime(za, at, mtime, 0) == 0;
  };

  zip_int64_t count = old ? zip_get_num_entries(old, 0) : 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    if (zip_stat_index(old, index, 0, &st) != 0)
      return fail("cannot read entry " + std::to_string(i));
    std::string name = st.name;
    if (removed.erase(name) > 0) continue;
    if (auto it = put.find(name); it != put.end()) {
      if (!add_new(name, *it->second)) return fail("cannot replace " + name);
      put.erase(it);
      continue;
    }
    zip_int64_t added;
    if (!name.empty() && name.back() == '/') {
      added = zip_dir_add(za, name.c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      // The stored (compressed) bytes, copied as they are.
      zip_source_t* raw = zip_source_zip(za, old, index, ZIP_FL_COMPRESSED, 0, -1);
      added = raw ? zip_file_add(za, name.c_str(), raw, ZIP_FL_ENC_UTF_8) : -1;
      if (added < 0 && raw) zip_source_free(raw);
    }
    if (added < 0) return fail("cannot copy " + name);
    if ((st.valid & ZIP_STAT_MTIME) &&
        zip_file_set_mtime(za, static_cast<zip_uint64_t>(added), st.mtime, 0) != 0)
      return fail("cannot copy " + name);
  }
  if (!removed.empty()) {
    std::string name = *removed.begin();
    zip_discard(za);
    if (old) zip_discard(old);
    return Error::invalid_input("the package has no entry " + name);
  }
  for (const auto& [name, bytes] : edit.put) {
    if (put.count(name) && !add_new(name, bytes)) return fail("cannot add " + name);
  }
  if (zip_close(za) < 0) return fail("cannot write the archive");
  if (old) zip_discard(old);
  return source_bytes(target.get());
}

}  // namespace eseal::ofd
