// The hex gap between a PDF signature's two byte ranges that holds its /Contents: a value in
// one of the formats of doc/signature_value.h (docs/ENCODINGS.md §3), or the pending record
// between prepare and complete.
#pragma once

#include <array>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::pdf {

using ByteRange = std::array<std::size_t, 4>;

// The DER container held in the gap between the byte ranges (hex, zero-padded).
Result<Bytes> read_contents(ByteView pdf, const ByteRange& range);
// Writes `container` as hex into the gap, zero-padded; fails when it does not fit.
Status write_contents(Bytes& pdf, const ByteRange& range, ByteView container);

// The last signature of a prepared document: the /ByteRange that ends at the end of the file.
struct FoundContents {
  ByteRange byte_range{};
  Bytes container;
};
Result<FoundContents> find_last_contents(ByteView pdf);

}  // namespace eseal::pdf
