#include "pdf/contents.h"

#include <cstring>

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

Result<FoundContents> find_last_contents(ByteView pdf) {
  std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  std::size_t at = text.rfind("/ByteRange");
  if (at == std::string_view::npos)
    return Error::invalid_input("the PDF has no signature to complete");
  FoundContents found;
  std::size_t p = text.find('[', at);
  for (std::size_t i = 0; i < 4 && p != std::string_view::npos; ++i) {
    ++p;
    while (p < text.size() && text[p] == ' ') ++p;
    std::size_t v = 0, digits = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9' && digits < 15) {
      v = v * 10 + static_cast<std::size_t>(text[p++] - '0');
      ++digits;
    }
    if (digits == 0) return Error::invalid_input("the last /ByteRange is damaged");
    found.byte_range[i] = v;
    --p;
  }
  const ByteRange& r = found.byte_range;
  if (r[0] != 0 || r[2] + r[3] != pdf.size()) {
    return Error::invalid_input(
        "the last signature does not end at the end of the file: not a prepared document");
  }
  auto container = read_contents(pdf, r);
  if (!container) return container.error();
  found.container = std::move(*container);
  return found;
}

}  // namespace eseal::pdf
