// Test helpers that make and rewrite ZIP archives in memory with libzip: OFD packages built in
// the tests, tampered copies of the fixtures (one entry replaced, added or removed), and hostile
// archives whose headers are patched after writing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace eseal::ofd::test {

struct ZipEntry {
  std::string name;  // a name ending in "/" makes a folder entry
  Bytes data;
};

// A ZIP archive of `entries` in order, deflated.
Bytes make_zip(const std::vector<ZipEntry>& entries);

// Every entry of `zip` (read with ofd::Package), folders included, in order.
std::vector<ZipEntry> entries_of(ByteView zip);

// `zip` rewritten with entry `name` replaced by `data`, or added at the end when absent.
Bytes with_entry(ByteView zip, const std::string& name, ByteView data);
// `zip` rewritten without entry `name`.
Bytes without_entry(ByteView zip, const std::string& name);

// Sets the declared inflated size of entry `name` in its central-directory record (and, with
// `local_too`, in its local header) to `size`. Returns false when the name was not found.
bool patch_declared_size(Bytes& zip, const std::string& name, std::uint32_t size,
                         bool local_too = true);

// Replaces every occurrence of `from` by `to` (the same length) in the raw archive: renames an
// entry in its local and central headers when the names are stored uncompressed.
void patch_bytes(Bytes& zip, const std::string& from, const std::string& to);

}  // namespace eseal::ofd::test
