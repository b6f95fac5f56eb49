// Writing OFD packages with libzip. An edit makes a new archive from an old one in which every
// entry it does not name is copied as stored — its compressed bytes are not touched — so files
// that signatures cover stay byte for byte what was signed; named entries are written whole
// (GB/T 33190 §18; docs/ENCODINGS.md §4.4: never re-serialize a covered file).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"

namespace eseal::ofd {

struct PackageEdit {
  // Entry name -> the whole new content; an existing entry is replaced in place (keeping its
  // position in the central directory), a new one is appended in this order. Deflated.
  std::vector<std::pair<std::string, Bytes>> put;
  std::vector<std::string> remove;  // entry names; a missing one is an error
  Time modified{};  // the new entries' modification time, written as UTC whatever TZ says
};

// The edited archive. kInvalidInput when `original` is not a ZIP archive or `remove` names an
// entry it lacks; an empty `original` starts a new archive.
Result<Bytes> edit_package(ByteView original, const PackageEdit& edit);

}  // namespace eseal::ofd
