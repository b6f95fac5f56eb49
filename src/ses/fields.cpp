#include "ses/fields.h"

#include "asn1/oid.h"

namespace eseal::ses::fields {

Error malformed(std::string_view field, const std::string& message) {
  return Error::invalid_input(std::string(field) + ": " + message);
}

Error malformed(std::string_view field, const Error& cause) {
  return cause.with_context(std::string(field));
}

Result<std::vector<asn1::Element>> children(const asn1::Element& e, std::string_view field) {
  if (!(e.tag & 0x20)) return malformed(field, "expected a constructed element");
  auto all = asn1::read_all(e.content);
  if (!all) return malformed(field, all.error());
  return all;
}

Result<std::vector<asn1::Element>> children_of(const asn1::Element& e, std::uint8_t tag,
                                               std::string_view field) {
  if (e.tag != tag) {
    return malformed(field, tag == asn1::tag::kSequence ? "expected a SEQUENCE" : "unexpected tag");
  }
  return children(e, field);
}

Result<std::string> text(const asn1::Element& e, std::string_view field) {
  auto v = asn1::string_value(e);
  if (!v) return malformed(field, v.error());
  return v;
}

Result<std::int64_t> integer(const asn1::Element& e, std::string_view field) {
  auto v = asn1::integer_value(e);
  if (!v) return malformed(field, v.error());
  return v;
}

Result<Time> time(const asn1::Element& e, std::string_view field) {
  auto v = asn1::time_value(e);
  if (!v) return malformed(field, v.error());
  return v;
}

Result<std::string> object_id(const asn1::Element& e, std::string_view field) {
  if (e.tag != asn1::tag::kObjectIdentifier) return malformed(field, "expected an OID");
  auto v = asn1::oid::decode_content(e.content);
  if (!v) return malformed(field, v.error());
  return v;
}

Result<Bytes> octets(const asn1::Element& e, std::string_view field) {
  if (e.tag != asn1::tag::kOctetString) return malformed(field, "expected an OCTET STRING");
  return Bytes(e.content.begin(), e.content.end());
}

Result<Bytes> bit_or_octets(const asn1::Element& e, std::string_view field) {
  if (e.tag == asn1::tag::kOctetString) return Bytes(e.content.begin(), e.content.end());
  auto v = asn1::bit_string_bytes(e);
  if (!v) return malformed(field, v.error());
  return Bytes(v->begin(), v->end());
}

bool is_time_stamp_tag(std::uint8_t tag) {
  return tag == asn1::tag::context_constructed(0) || tag == asn1::tag::context_primitive(0) ||
         tag == asn1::tag::kBitString || tag == asn1::tag::kOctetString;
}

Result<Bytes> time_stamp(const asn1::Element& e, std::string_view field) {
  if (e.tag == asn1::tag::context_constructed(0)) {
    auto inner = asn1::parse_single(e.content, e.content.empty() ? 0 : e.content[0]);
    if (!inner) return malformed(field, inner.error());
    return bit_or_octets(*inner, field);
  }
  if (e.tag == asn1::tag::context_primitive(0)) {
    // IMPLICIT BIT STRING: the unused-bits byte comes first.
    if (e.content.empty() || e.content[0] != 0) {
      return malformed(field, "[0] IMPLICIT BIT STRING without a 00 unused-bits byte");
    }
    return Bytes(e.content.begin() + 1, e.content.end());
  }
  return bit_or_octets(e, field);
}

Result<std::vector<ExtData>> ext_datas(const asn1::Element& e, std::string_view field) {
  asn1::Element list = e;
  if (e.tag == asn1::tag::context_constructed(0)) {
    auto inner = asn1::parse_single(e.content, asn1::tag::kSequence);
    if (!inner) return malformed(field, inner.error());
    list = *inner;
  }
  auto items = children_of(list, asn1::tag::kSequence, field);
  if (!items) return items.error();
  std::vector<ExtData> out;
  for (const auto& item : *items) {
    auto parts = children_of(item, asn1::tag::kSequence, field);
    if (!parts) return parts.error();
    if (parts->size() != 2 && parts->size() != 3) {
      return malformed(field, "ExtData has " + std::to_string(parts->size()) + " fields");
    }
    ExtData ext;
    auto id = object_id((*parts)[0], field);
    if (!id) return id.error();
    ext.id = *id;
    if (parts->size() == 3) {
      auto critical = asn1::boolean_value((*parts)[1]);
      if (!critical) return malformed(field, critical.error());
      ext.critical = *critical;
    }
    auto value = octets(parts->back(), field);
    if (!value) return value.error();
    ext.value = std::move(*value);
    out.push_back(std::move(ext));
  }
  return out;
}

Bytes encode_ext_datas(const std::vector<ExtData>& ext) {
  std::vector<Bytes> items;
  for (const ExtData& e : ext) {
    items.push_back(
        asn1::encode_sequence({asn1::oid::encode(e.id), asn1::encode_boolean(e.critical),
                               asn1::encode(asn1::tag::kOctetString, e.value)}));
  }
  return asn1::encode_sequence_of(items);
}

Status check_ia5(std::string_view s, std::string_view field) {
  if (s.empty()) return Error::invalid_input(std::string(field) + " is empty");
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) {
      return Error::invalid_input(std::string(field) + " must be printable ASCII (IA5String)");
    }
  }
  return ok_status();
}

}  // namespace eseal::ses::fields
