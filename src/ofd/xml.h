// The XML files of an OFD package (GB/T 33190-2016 §7.2) read with pugixml, matched on local
// names so that both the "ofd:" prefix and no prefix work (docs/ENCODINGS.md §4.1). pugixml
// never expands DTDs or external entities; a document that declares a DOCTYPE is refused anyway,
// since no OFD file needs one and it is the usual vehicle of entity attacks.
#pragma once

#include <cstddef>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::ofd {

// The OFD namespace, bound to the "ofd:" prefix in every file eseal writes.
inline constexpr std::string_view kOfdNamespace = "http://www.ofdspec.org/2016";
inline constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

// Larger XML files are refused: the DOM of a page this size would already be unreasonable.
inline constexpr std::size_t kMaxXmlSize = 64u << 20;
// Deeper XML is refused: pugixml parses without recursion, but whatever walks the tree afterwards
// should not have to count. No OFD file nests anywhere near this deep. A package's files are
// parsed within its PackageLimits::max_xml_depth ([limits] xml_depth), at most this.
inline constexpr std::size_t kMaxXmlDepth = 256;

// Parses `xml` (UTF-8, or whatever encoding its BOM or declaration says). kInvalidInput names
// `name` and says why: malformed, a DOCTYPE, no root element, larger than kMaxXmlSize or nested
// deeper than `max_depth` (or kMaxXmlDepth, whichever is less; those two with the code
// kLimitExceeded).
Result<std::unique_ptr<pugi::xml_document>> parse_xml(ByteView xml, std::string_view name,
                                                      std::size_t max_depth = kMaxXmlDepth);

// "Page" for "ofd:Page" and "Page".
std::string_view local_name(const char* qualified);
// The first child element with that local name, or an empty node.
pugi::xml_node child(pugi::xml_node parent, std::string_view local);
// Every child element with that local name, in document order.
std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view local);
// The attribute with that local name ("ID", or a prefixed "ofd:ID"), or an empty attribute.
pugi::xml_attribute attribute(pugi::xml_node node, std::string_view local);
// The element's text with surrounding whitespace removed; "" for an empty node.
std::string text(pugi::xml_node node);

// `value` with &, <, > and both quotes as entity references, for text and attribute values.
std::string escape(std::string_view value);

// Edits of XML text that leave everything around them as written (a file is never
// re-serialized: docs/ENCODINGS.md §4.4).
// "ofd:" for "ofd:Signatures", "" for a name in the default namespace.
std::string prefix_of(std::string_view qualified);
// Where the start tag "<name" (followed by '>', '/' or white space) is, at or after `from`.
std::size_t find_start_tag(std::string_view xml, std::string_view name, std::size_t from = 0);

}  // namespace eseal::ofd
