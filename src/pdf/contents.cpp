#include "pdf/contents.h"

#include <cstring>
#include <optional>

#include "asn1/der.h"
#include "crypto/encoding.h"

namespace eseal::pdf {
Result<Bytes> read_contents(ByteView pdf, const ByteRange& range) {
  std::size_t open = range[1], close = range[2];
  if (close <= open + 1 || close > pdf.size() || pdf[open] != '<' || pdf[close - 1] != '>') {
    return Error::invalid_input("/ByteRange does not frame a <hex> /Contents string");
  }
  std::string_view hex(reinterpret_cast<const char*>(pdf.data()) + open + 1, close - open - 2);
  auto bytes = crypto::from_hex(hex);
  if (!bytes) return Error::invalid_input("/Contents is not hexadecimal");
  // The DER container, without the zero padding after it.
  asn1::Reader reader(*bytes);
  auto element = reader.next();
  if (!element)
    return Error::invalid_input("/Contents holds no DER structure: " + element.error().message);
  return Bytes(element->encoded.begin(), element->encoded.end());
}

Status write_contents(Bytes& pdf, const ByteRange& range, ByteView container) {
  std::size_t capacity = (range[2] - range[1] - 2) / 2;
  if (container.size() > capacity) {
    return Error::invalid_input("the signature (" + std::to_string(container.size()) +
                                " bytes) does not fit the reserved /Contents (" +
                                std::to_string(capacity) + " bytes)");
  }
  std::string hex = crypto::to_hex(container);
  hex.append(capacity * 2 - hex.size(), '0');
  std::memcpy(pdf.data() + range[1] + 1, hex.data(), hex.size());
  return ok_status();
}

namespace {

// The four numbers of the array after the /ByteRange at `at`.
Result<ByteRange> parse_byte_range(std::string_view text, std::size_t at) {
  ByteRange range{};
  std::size_t p = text.find_first_not_of(std::string_view(" \t\r\n\f\0", 6), at + 10);
  if (p == std::string_view::npos || text[p] != '[') {
    return Error::invalid_input("the last /ByteRange is damaged");
  }
  for (std::size_t i = 0; i < 4; ++i) {
    ++p;
    while (p < text.size() && text[p] == ' ') ++p;
    std::size_t v = 0, digits = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9' && digits < 15) {
      v = v * 10 + static_cast<std::size_t>(text[p++] - '0');
      ++digits;
    }
    if (digits == 0) return Error::invalid_input("the last /ByteRange is damaged");
    range[i] = v;
    --p;
  }
  return range;
}

// Where the last `needle` begins before `end`: memrchr finds its first character (a plain
// backward search compares the whole needle at every byte).
std::size_t find_last_before(std::string_view text, std::string_view needle, std::size_t end) {
  while (end > 0) {
    const void* hit = memrchr(text.data(), needle.front(), end);
    if (!hit) break;
    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    if (text.substr(at, needle.size()) == needle) return at;
    end = at;
  }
  return std::string_view::npos;
}

}  // namespace

Result<FoundContents> find_last_contents(ByteView pdf) {
  std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  // The last /ByteRange that frames a /Contents after it and ends at the end of the file: text
  // after the signature's own that merely reads like one (its reason, say) is passed over.
  std::optional<Error> first_error;
  for (std::size_t end = text.size();;) {
    std::size_t at = find_last_before(text, "/ByteRange", end);
    if (at == std::string_view::npos) break;
    end = at;
    auto range = parse_byte_range(text, at);
    Result<Bytes> container = Error::invalid_input(
        "the last signature does not end at the end of the file: not a prepared document");
    if (!range) {
      container = range.error();
    } else if ((*range)[0] == 0 && (*range)[1] > at && (*range)[2] + (*range)[3] == pdf.size()) {
      container = read_contents(pdf, *range);
      if (container) return FoundContents{*range, std::move(*container)};
    }
    if (!first_error) first_error = container.error();
  }
  if (first_error) return *first_error;
  return Error::invalid_input("the PDF has no signature to complete");
}

}  // namespace eseal::pdf
