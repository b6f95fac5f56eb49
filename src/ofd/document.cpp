#include "ofd/document.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "ofd/content.h"
#include "ofd/xml.h"

namespace eseal::ofd {
namespace {

// The entry `location` names from `base_file`, or "" when it cannot be resolved.
std::string resolved_or_empty(std::string_view base_file, std::string_view location) {
  auto r = resolve_path(base_file, location);
  return r ? *r : std::string();
}

Status read_attachments(const Package& package, DocBody& body, const std::string& path) {
  if (path.empty() || !package.contains(path)) return ok_status();
  auto xml = read_xml(package, path);
  if (!xml) return xml.error();
  for (pugi::xml_node a : children((*xml)->document_element(), "Attachment")) {
    Attachment out{attribute(a, "ID").value(), attribute(a, "Name").value(),
                   attribute(a, "Format").value(), attribute(a, "Usage").value(),
                   resolved_or_empty(path, text(child(a, "FileLoc")))};
    body.attachments.push_back(std::move(out));
  }
  return ok_status();
}

Status read_document_xml(const Package& package, DocBody& body,
                         std::vector<std::string>& warnings) {
  if (body.document_path.empty() || !package.contains(body.document_path)) {
    warnings.push_back("DocRoot \"" + body.doc_root + "\" names no file in the package");
    return ok_status();
  }
  auto xml = read_xml(package, body.document_path);
  if (!xml) return xml.error();
  pugi::xml_node root = (*xml)->document_element();
  if (local_name(root.name()) != "Document") {
    return Error::invalid_input(body.document_path + ": the root element is not Document");
  }
  pugi::xml_node box = child(child(child(root, "CommonData"), "PageArea"), "PhysicalBox");
  if (box) {
    if (auto r = parse_box(text(box))) body.physical_box = *r;
  }
  std::string attachments = text(child(root, "Attachments"));
  if (!attachments.empty()) {
    if (auto s =
            read_attachments(package, body, resolved_or_empty(body.document_path, attachments));
        !s)
      return s;
  }
  for (pugi::xml_node page : children(child(root, "Pages"), "Page")) {
    PageEntry p;
    p.id = attribute(page, "ID").value();
    p.base_loc = attribute(page, "BaseLoc").value();
    p.path = resolved_or_empty(body.document_path, p.base_loc);
    body.pages.push_back(std::move(p));
  }
  for (pugi::xml_node mark : children(child(root, "Bookmarks"), "Bookmark")) {
    body.bookmarks.emplace_back(attribute(mark, "Name").value(),
                                attribute(child(mark, "Dest"), "PageID").value());
  }
  return ok_status();
}

Status read_signatures_xml(const Package& package, DocBody& body,
                           std::vector<std::string>& warnings) {
  if (body.signatures_path.empty() || !package.contains(body.signatures_path)) {
    warnings.push_back("DocBody/Signatures \"" + body.signatures_loc +
                       "\" names no file in the package");
    return ok_status();
  }
  auto xml = read_xml(package, body.signatures_path);
  if (!xml) return xml.error();
  pugi::xml_node root = (*xml)->document_element();
  if (local_name(root.name()) != "Signatures") {
    return Error::invalid_input(body.signatures_path + ": the root element is not Signatures");
  }
  body.max_sign_id = text(child(root, "MaxSignId"));
  for (pugi::xml_node sig : children(root, "Signature")) {
    SignatureEntry e;
    e.id = attribute(sig, "ID").value();
    if (pugi::xml_attribute type = attribute(sig, "Type"); type && *type.value()) {
      e.type = type.value();
    }
    e.base_loc = attribute(sig, "BaseLoc").value();
    e.path = resolved_or_empty(body.signatures_path, e.base_loc);
    e.relative = attribute(sig, "Relative").value();
    body.signatures.push_back(std::move(e));
  }
  return ok_status();
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Built by appending: GCC 12 reports a false -Wrestrict for "literal" + std::string at -O3.
Error not_a_box(std::string_view text) {
  std::string message = "\"";
  message += text;
  message += "\" is not a box \"x y w h\"";
  return Error::invalid_input(std::move(message));
}

}  // namespace

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", v);
  std::string s = buffer;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? std::string("0") : s;
}

std::string format_box(const doc::RectMm& r) {
  return format_number(r.x) + " " + format_number(r.y) + " " + format_number(r.width) + " " +
         format_number(r.height);
}

Result<doc::RectMm> parse_box(std::string_view text) {
  double v[4];
  std::size_t at = 0;
  for (int i = 0; i < 4; ++i) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), v[i]);
    if (ec != std::errc() || end == text.data() + at || !std::isfinite(v[i]))
      return not_a_box(text);
    at = static_cast<std::size_t>(end - text.data());
  }
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  if (at != text.size()) return not_a_box(text);
  return doc::RectMm{v[0], v[1], v[2], v[3]};
}

Result<OfdStructure> read_structure(const Package& package) {
  if (!package.contains(kOfdXml)) {
    return Error::invalid_input("not an OFD package: there is no OFD.xml at its root");
  }
  auto xml = read_xml(package, std::string(kOfdXml));
  if (!xml) return xml.error();
  pugi::xml_node root = (*xml)->document_element();
  if (local_name(root.name()) != "OFD") {
    return Error::invalid_input("OFD.xml: the root element is not OFD");
  }
  OfdStructure out;
  for (pugi::xml_node body_node : children(root, "DocBody")) {
    DocBody body;
    body.doc_root = text(child(body_node, "DocRoot"));
    for (pugi::xml_node d :
         children(child(child(body_node, "DocInfo"), "CustomDatas"), "CustomData")) {
      body.custom_data.emplace_back(attribute(d, "Name").value(), text(d));
    }
    body.document_path = resolved_or_empty(kOfdXml, body.doc_root);
    if (auto s = read_document_xml(package, body, out.warnings); !s) return s.error();
    body.signatures_loc = text(child(body_node, "Signatures"));
    if (!body.signatures_loc.empty()) {
      body.signatures_path = resolved_or_empty(kOfdXml, body.signatures_loc);
      if (auto s = read_signatures_xml(package, body, out.warnings); !s) return s.error();
    }
    out.documents.push_back(std::move(body));
  }
  if (out.documents.empty()) return Error::invalid_input("OFD.xml has no DocBody");
  return out;
}

Result<SignatureDescription> parse_signature_xml(ByteView xml, std::string_view own_path,
                                                 std::size_t max_depth) {
  std::string name(own_path);
  auto doc = parse_xml(xml, name, max_depth);
  if (!doc) return doc.error();
  pugi::xml_node root = (*doc)->document_element();
  if (local_name(root.name()) != "Signature") {
    return Error::invalid_input(name + ": the root element is not Signature");
  }
  pugi::xml_node info = child(root, "SignedInfo");
  if (!info) return Error::invalid_input(name + ": no SignedInfo");
  SignatureDescription d;
  pugi::xml_node provider = child(info, "Provider");
  d.provider_name = attribute(provider, "ProviderName").value();
  d.provider_version = attribute(provider, "Version").value();
  d.provider_company = attribute(provider, "Company").value();
  d.signature_method = text(child(info, "SignatureMethod"));
  d.signature_date_time = text(child(info, "SignatureDateTime"));
  pugi::xml_node refs = child(info, "References");
  d.check_method = attribute(refs, "CheckMethod").value();
  for (pugi::xml_node r : children(refs, "Reference")) {
    Reference ref;
    ref.file_ref = attribute(r, "FileRef").value();
    ref.path = resolved_or_empty(own_path, ref.file_ref);
    ref.check_value = text(child(r, "CheckValue"));
    d.references.push_back(std::move(ref));
  }
  for (pugi::xml_node a : children(info, "StampAnnot")) {
    StampAnnot s;
    s.id = attribute(a, "ID").value();
    s.page_ref = attribute(a, "PageRef").value();
    auto boundary = parse_box(attribute(a, "Boundary").value());
    if (!boundary) {
      return boundary.error().with_context(name + ": StampAnnot " + s.id + " Boundary");
    }
    s.boundary = *boundary;
    if (pugi::xml_attribute clip = attribute(a, "Clip"); clip) {
      auto box = parse_box(clip.value());
      if (!box) return box.error().with_context(name + ": StampAnnot " + s.id + " Clip");
      s.clip = *box;
    }
    d.stamp_annots.push_back(std::move(s));
  }
  if (pugi::xml_node seal = child(info, "Seal")) {
    d.seal_loc = text(child(seal, "BaseLoc"));
    d.seal_path = resolved_or_empty(own_path, d.seal_loc);
  }
  d.signed_value_loc = text(child(root, "SignedValue"));
  d.signed_value_path = resolved_or_empty(own_path, d.signed_value_loc);
  return d;
}

std::optional<Time> parse_signature_date_time(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  std::string digits;  // YYYYMMDD[HHMMSS]
  std::size_t at = 0;
  if (text.size() >= 10 && text[4] == '-' && text[7] == '-') {
    if (!all_digits(text.substr(0, 4)) || !all_digits(text.substr(5, 2)) ||
        !all_digits(text.substr(8, 2)))
      return std::nullopt;
    digits = std::string(text.substr(0, 4)) + std::string(text.substr(5, 2)) +
             std::string(text.substr(8, 2));
    at = 10;
    if (at < text.size()) {
      if (text[at] != ' ' && text[at] != 'T') return std::nullopt;
      if (text.size() < at + 9 || text[at + 3] != ':' || text[at + 6] != ':') return std::nullopt;
      std::string_view h = text.substr(at + 1, 2), m = text.substr(at + 4, 2),
                       s = text.substr(at + 7, 2);
      if (!all_digits(h) || !all_digits(m) || !all_digits(s)) return std::nullopt;
      digits += std::string(h) + std::string(m) + std::string(s);
      at += 9;
    }
  } else {
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at != 8 && at != 14) return std::nullopt;
    digits = std::string(text.substr(0, at));
  }
  if (digits.size() == 8) digits += "000000";
  // Fractions of a second, then an optional zone: Z, +hh:mm, +hhmm, -hh:mm.
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t begin = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == begin) return std::nullopt;
  }
  std::chrono::seconds offset{0};
  std::string_view zone = text.substr(at);
  if (zone == "Z") {
  } else if (!zone.empty()) {
    if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
    std::string hhmm;
    for (char c : zone.substr(1)) {
      if (c != ':') hhmm += c;
    }
    if (hhmm.size() != 4 || !all_digits(hhmm)) return std::nullopt;
    offset = std::chrono::hours(number(hhmm.substr(0, 2))) +
             std::chrono::minutes(number(hhmm.substr(2, 2)));
    if (zone[0] == '-') offset = -offset;
  }
  std::string_view d(digits);
  std::string iso = std::string(d.substr(0, 4)) + "-" + std::string(d.substr(4, 2)) + "-" +
                    std::string(d.substr(6, 2)) + " " + std::string(d.substr(8, 2)) + ":" +
                    std::string(d.substr(10, 2)) + ":" + std::string(d.substr(12, 2));
  auto t = parse_utc(iso);
  if (!t) return std::nullopt;
  return *t - offset;
}

}  // namespace eseal::ofd
