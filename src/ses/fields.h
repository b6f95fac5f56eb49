// Internal to ses/: reading and writing the fields SES_Seal and SES_Signature share, with the
// leniency docs/ENCODINGS.md §2.4 asks of readers. Errors name the structure and field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "asn1/der.h"
#include "ses/seal.h"

namespace eseal::ses::fields {

// "SES_Seal.esID: <message>"
Error malformed(std::string_view field, const std::string& message);
// Wraps an error from the DER layer with the field it happened in.
Error malformed(std::string_view field, const Error& cause);

// The elements of a constructed element's content, in order.
Result<std::vector<asn1::Element>> children(const asn1::Element& e, std::string_view field);
// Like children, but first checks the tag.
Result<std::vector<asn1::Element>> children_of(const asn1::Element& e, std::uint8_t tag,
                                               std::string_view field);

Result<std::string> text(const asn1::Element& e, std::string_view field);
Result<std::int64_t> integer(const asn1::Element& e, std::string_view field);
Result<Time> time(const asn1::Element& e, std::string_view field);
Result<std::string> object_id(const asn1::Element& e, std::string_view field);
Result<Bytes> octets(const asn1::Element& e, std::string_view field);
// A signature or hash value: BIT STRING with no unused bits, or (GM/T 0031-era seals) an
// OCTET STRING.
Result<Bytes> bit_or_octets(const asn1::Element& e, std::string_view field);
// A time-stamp token: [0] EXPLICIT BIT STRING, [0] IMPLICIT BIT STRING or an untagged BIT
// STRING, each also with OCTET STRING in place of the BIT STRING.
Result<Bytes> time_stamp(const asn1::Element& e, std::string_view field);
bool is_time_stamp_tag(std::uint8_t tag);

// ExtensionDatas, untagged or [0] EXPLICIT.
Result<std::vector<ExtData>> ext_datas(const asn1::Element& e, std::string_view field);
// ExtensionDatas with critical always written (as BouncyCastle-based peers do).
Bytes encode_ext_datas(const std::vector<ExtData>& ext);

// Fails unless `s` is non-empty printable ASCII, as IA5String fields must be when produced.
Status check_ia5(std::string_view s, std::string_view field);

}  // namespace eseal::ses::fields
