// The audit log's hash chain, the same for every backend. Each row's hash is
//
//   hash(n) = SM3( hash(n-1) || row_bytes(n) ),   hash(0) = 32 zero bytes,
//
// over raw 32-byte hashes, stored as lower-case hex. row_bytes is the canonical encoding of the
// row: its fields in the order id, time, actor, operation, object, detail, biznum, each as a
// 4-byte big-endian length followed by its UTF-8 bytes; id and time (seconds since the Unix
// epoch, UTC) are written as decimal ASCII. Ids run 1, 2, 3, ... without gaps, so a changed,
// inserted, removed or reordered row breaks the chain from that row on.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "store/records.h"

namespace eseal::store {

Bytes canonical_audit_row(std::int64_t id, const AuditEntry& entry);
// The hex hash of row `id` following the hex hash `previous` ("" for the first row).
std::string chain_audit_hash(const std::string& previous, std::int64_t id, const AuditEntry& entry);

}  // namespace eseal::store
