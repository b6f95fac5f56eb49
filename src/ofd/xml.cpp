#include "ofd/xml.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "ofd/package.h"

namespace eseal::ofd {

// A package reads its XML at the reader's ceiling unless told otherwise.
static_assert(PackageLimits{}.max_xml_depth == kMaxXmlDepth);

namespace {

// Whether any node of `doc` lies deeper than `max_depth` (the root element is at depth 1): a walk
// over the tree without recursion.
bool deeper_than(const pugi::xml_document& doc, std::size_t max_depth) {
  std::size_t depth = 0;
  pugi::xml_node node = doc;
  for (;;) {
    if (pugi::xml_node first = node.first_child()) {
      if (++depth > max_depth) return true;
      node = first;
      continue;
    }
    while (node != doc && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (node == doc) return false;
    node = node.next_sibling();
  }
}

}  // namespace

Result<std::unique_ptr<pugi::xml_document>> parse_xml(ByteView xml, std::string_view name,
                                                      std::size_t max_depth) {
  std::string what(name);
  if (xml.size() > kMaxXmlSize) {
    return Error::invalid_input(what + ": " + std::to_string(xml.size()) +
                                " bytes of XML; at most " + std::to_string(kMaxXmlSize) +
                                " are accepted")
        .with_code(kLimitExceeded);
  }
  auto doc = std::make_unique<pugi::xml_document>();
  // parse_doctype keeps the DOCTYPE as a node so it can be refused below; without it pugixml
  // skips the declaration silently.
  pugi::xml_parse_result parsed =
      doc->load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype);
  if (!parsed) {
    return Error::invalid_input(what + ": not well-formed XML (" + parsed.description() +
                                " at byte " + std::to_string(parsed.offset) + ")");
  }
  for (pugi::xml_node n = doc->first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_doctype) {
      return Error::invalid_input(what + ": declares a DOCTYPE, which OFD files never need");
    }
  }
  if (!doc->document_element()) return Error::invalid_input(what + ": no root element");
  max_depth = std::min(max_depth, kMaxXmlDepth);
  if (deeper_than(*doc, max_depth)) {
    return Error::invalid_input(what + ": nested deeper than " + std::to_string(max_depth) +
                                " levels")
        .with_code(kLimitExceeded);
  }
  return doc;
}

std::string_view local_name(const char* qualified) {
  std::string_view name(qualified);
  std::size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && local_name(n.name()) == local) return n;
  }
  return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && local_name(n.name()) == local) out.push_back(n);
  }
  return out;
}

pugi::xml_attribute attribute(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (local_name(a.name()) == local) return a;
  }
  return {};
}

std::string text(pugi::xml_node node) {
  std::string_view value = node.text().get();
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  return std::string(value);
}

std::string escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string prefix_of(std::string_view qualified) {
  std::size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? std::string()
                                         : std::string(qualified.substr(0, colon + 1));
}

std::size_t find_start_tag(std::string_view xml, std::string_view name, std::size_t from) {
  std::string open = "<";
  open += name;
  for (std::size_t at = xml.find(open, from); at != std::string_view::npos;
       at = xml.find(open, at + 1)) {
    char next = at + open.size() < xml.size() ? xml[at + open.size()] : '\0';
    if (next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\r' || next == '\n')
      return at;
  }
  return std::string_view::npos;
}

}  // namespace eseal::ofd
