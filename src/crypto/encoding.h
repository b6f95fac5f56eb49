// Text encodings of binary data used on every wire: hex (RFC 4648 §8) and base64 (RFC 4648 §4).
// Decoders are lenient in what they skip (ASCII whitespace, either hex case) and strict in what
// they accept (no stray characters, correct base64 padding).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::crypto {

std::string to_hex(ByteView bytes);        // lower case
std::string to_hex_upper(ByteView bytes);  // upper case, as the GM/T test vectors print
Result<Bytes> from_hex(std::string_view text);

std::string to_base64(ByteView bytes);
Result<Bytes> from_base64(std::string_view text);
// Decodes `text` into its own first bytes (a large value needs no second buffer) and returns
// how many; the rest of `text` is left as it was. On error its content is unspecified.
Result<std::size_t> from_base64_in_place(std::span<char> text);

}  // namespace eseal::crypto
