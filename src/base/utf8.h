// UTF-8 in and out, for every text eseal reads or writes (PDF and OFD text, XML values).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eseal {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// A Unicode scalar value: at most U+10FFFF and not a surrogate.
bool is_scalar(char32_t c);

// Strict: nullopt for ill-formed UTF-8 (overlong forms, surrogates, values past U+10FFFF).
std::optional<std::u32string> decode_utf8_strict(std::string_view text);
// Lenient: each offending byte becomes U+FFFD.
std::u32string decode_utf8(std::string_view text);

// A value that is not a scalar is written as U+FFFD.
void append_utf8(std::string& out, char32_t c);
std::string encode_utf8(std::u32string_view text);
// Whether `text` is well-formed UTF-8 (as decode_utf8_strict would accept it), ASCII eight bytes at
// a time.
bool is_utf8(std::string_view text);
// `text` with each offending byte of ill-formed UTF-8 replaced by U+FFFD: safe to send.
std::string valid_utf8(std::string_view text);

}  // namespace eseal
