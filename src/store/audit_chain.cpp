#include "store/audit_chain.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace eseal::store {
namespace {

void append_field(Bytes& out, std::string_view field) {
  auto size = static_cast<std::uint32_t>(field.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(size >> shift));
  append(out, as_bytes(field));
}

}  // namespace

Bytes canonical_audit_row(std::int64_t id, const AuditEntry& entry) {
  Bytes out;
  append_field(out, std::to_string(id));
  append_field(out, std::to_string(entry.time.time_since_epoch().count()));
  append_field(out, entry.actor);
  append_field(out, entry.operation);
  append_field(out, entry.object);
  append_field(out, entry.detail);
  append_field(out, entry.biznum);
  return out;
}

std::string chain_audit_hash(const std::string& previous, std::int64_t id,
                             const AuditEntry& entry) {
  Bytes input(32, 0);
  if (!previous.empty()) {
    // A stored hash that is not hex is itself a break; hashing its text keeps that visible.
    auto raw = crypto::from_hex(previous);
    input = raw ? std::move(*raw) : to_bytes(previous);
  }
  append(input, canonical_audit_row(id, entry));
  return crypto::to_hex(crypto::sm3(input));
}

}  // namespace eseal::store
