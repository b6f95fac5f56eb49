// Whole-file reads and atomic writes (temp file in the same folder, fsync, rename), so a crash
// never leaves a half-written certificate or key behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal {

Result<Bytes> read_file(const std::filesystem::path& path);

// Writes `content` to `path` atomically with permission bits `mode` (e.g. 0600 for keys),
// creating missing parent folders.
Status write_file_atomic(const std::filesystem::path& path, ByteView content, mode_t mode = 0644);

// Like write_file_atomic, but never replaces an existing file: returns true when it created
// `path`, false when `path` already existed (for example, made by a concurrent process).
Result<bool> create_file_exclusive(const std::filesystem::path& path, ByteView content,
                                   mode_t mode = 0600);

// Removes what killed writes left behind under `folder` and its subfolders: the temporary files
// write_file_atomic and create_file_exclusive make beside their target (TARGET.tmp-XXXXXX) that
// were last written more than `min_age` ago. A write in progress keeps touching its file, so an
// older one has no writer left; younger ones are kept, as another process may be writing them.
// Returns how many were removed; a folder that cannot be read is kIo.
Result<std::size_t> remove_stale_temporaries(const std::filesystem::path& folder,
                                             std::chrono::seconds min_age);

}  // namespace eseal
