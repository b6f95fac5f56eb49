#include "tsa/request.h"

#include "asn1/der.h"
#include "asn1/oid.h"

namespace eseal::tsa {
namespace {

namespace tag = asn1::tag;
namespace oid = asn1::oid;

constexpr std::pair<FailInfo, std::string_view> kFailNames[] = {
    {FailInfo::kBadAlg, "badAlg"},
    {FailInfo::kBadRequest, "badRequest"},
    {FailInfo::kBadDataFormat, "badDataFormat"},
    {FailInfo::kTimeNotAvailable, "timeNotAvailable"},
    {FailInfo::kUnacceptedPolicy, "unacceptedPolicy"},
    {FailInfo::kUnacceptedExtension, "unacceptedExtension"},
    {FailInfo::kAddInfoNotAvailable, "addInfoNotAvailable"},
    {FailInfo::kSystemFailure, "systemFailure"},
};

Error bad_format(const Error& e) {
  return refusal(FailInfo::kBadDataFormat, "not a TimeStampReq: " + e.message);
}

Result<std::string> object_id(const asn1::Element& e) {
  if (e.tag != tag::kObjectIdentifier) return Error::invalid_input("expected an OBJECT IDENTIFIER");
  return oid::decode_content(e.content);
}

Result<MessageImprint> parse_imprint(const asn1::Element& e) {
  if (e.tag != tag::kSequence) return bad_format(Error::invalid_input("messageImprint"));
  auto f = asn1::read_all(e.content);
  if (!f) return bad_format(f.error());
  if (f->size() != 2 || (*f)[0].tag != tag::kSequence || (*f)[1].tag != tag::kOctetString) {
    return bad_format(
        Error::invalid_input("messageImprint is not { AlgorithmIdentifier, OCTET STRING }"));
  }
  auto algorithm = asn1::read_all((*f)[0].content);
  if (!algorithm || algorithm->empty() || algorithm->size() > 2) {
    return bad_format(Error::invalid_input("messageImprint.hashAlgorithm"));
  }
  auto hash = object_id((*algorithm)[0]);
  if (!hash) return bad_format(hash.error());
  if (algorithm->size() == 2 && (*algorithm)[1].tag != tag::kNull) {
    return refusal(FailInfo::kBadAlg, "the hash algorithm has parameters other than NULL");
  }
  if (*hash != oid::kSm3 && *hash != oid::kSha256) {
    return refusal(FailInfo::kBadAlg, "hash algorithm " + *hash + " is not SM3 or SHA-256");
  }
  MessageImprint out{*hash, Bytes((*f)[1].content.begin(), (*f)[1].content.end()),
                     Bytes(e.encoded.begin(), e.encoded.end())};
  if (out.hashed_message.size() != 32) {
    return refusal(FailInfo::kBadAlg, "the hashed message is " +
                                          std::to_string(out.hashed_message.size()) + " bytes; " +
                                          oid::describe(*hash) + " gives 32");
  }
  return out;
}

Status parse_extensions(const asn1::Element& e, Request& out) {
  auto list = asn1::read_all(e.content);
  if (!list) return bad_format(list.error());
  for (const asn1::Element& x : *list) {
    auto f = x.tag == tag::kSequence
                 ? asn1::read_all(x.content)
                 : Result<std::vector<asn1::Element>>(Error::invalid_input("extension"));
    if (!f || f->size() < 2) return bad_format(Error::invalid_input("an extension"));
    auto id = object_id((*f)[0]);
    if (!id) return bad_format(id.error());
    bool critical = false;
    if ((*f)[1].tag == tag::kBoolean) {
      auto b = asn1::boolean_value((*f)[1]);
      if (!b) return bad_format(b.error());
      critical = *b;
    }
    out.extensions.emplace_back(*id, critical);
  }
  return ok_status();
}

}  // namespace

std::string_view fail_info_name(FailInfo f) {
  for (const auto& [value, name] : kFailNames) {
    if (value == f) return name;
  }
  return "systemFailure";
}

Error refusal(FailInfo fail, std::string message) {
  return Error::invalid_input(std::move(message)).with_code(std::string(fail_info_name(fail)));
}

FailInfo fail_info_of(const Error& e) {
  for (const auto& [value, name] : kFailNames) {
    if (e.code == name) return value;
  }
  return FailInfo::kSystemFailure;
}

Result<Request> parse_request(ByteView der) {
  auto outer = asn1::parse_single(der, tag::kSequence);
  if (!outer) return bad_format(outer.error());
  auto f = asn1::read_all(outer->content);
  if (!f) return bad_format(f.error());
  if (f->size() < 2 || (*f)[0].tag != tag::kInteger) {
    return bad_format(Error::invalid_input("no version and messageImprint"));
  }
  auto version = asn1::integer_value((*f)[0]);
  if (!version) return bad_format(version.error());
  if (*version != 1) {
    return refusal(FailInfo::kBadRequest, "version " + std::to_string(*version) + " (not 1)");
  }
  auto imprint = parse_imprint((*f)[1]);
  if (!imprint) return imprint.error();
  Request out;
  out.imprint = std::move(*imprint);
  for (std::size_t i = 2; i < f->size(); ++i) {
    const asn1::Element& e = (*f)[i];
    if (e.tag == tag::kObjectIdentifier && !out.policy && !out.nonce) {
      auto policy = object_id(e);
      if (!policy) return bad_format(policy.error());
      out.policy = *policy;
    } else if (e.tag == tag::kInteger && !out.nonce) {
      out.nonce = Bytes(e.encoded.begin(), e.encoded.end());
    } else if (e.tag == tag::kBoolean) {
      auto b = asn1::boolean_value(e);
      if (!b) return bad_format(b.error());
      out.cert_req = *b;
    } else if (e.tag == tag::context_constructed(0) && i + 1 == f->size()) {
      if (auto s = parse_extensions(e, out); !s) return s.error();
    } else {
      return bad_format(Error::invalid_input("unexpected field " + std::to_string(i)));
    }
  }
  return out;
}

Result<Bytes> encode_request(const RequestOptions& options) {
  if (options.hash_oid != oid::kSm3 && options.hash_oid != oid::kSha256) {
    return Error::invalid_input("hash algorithm " + options.hash_oid + " is not SM3 or SHA-256");
  }
  if (options.hashed_message.size() != 32) {
    return Error::invalid_input("the hashed message must be 32 bytes");
  }
  Bytes content;
  append(content, asn1::encode_integer(1));
  append(content, asn1::encode_sequence({asn1::encode_sequence({oid::encode(options.hash_oid)}),
                                         asn1::encode(tag::kOctetString, options.hashed_message)}));
  if (options.policy) {
    auto policy = oid::encode_content(*options.policy);
    if (!policy) return policy.error().with_context("policy");
    append(content, asn1::encode(tag::kObjectIdentifier, *policy));
  }
  if (options.nonce) append(content, asn1::encode_unsigned_integer(*options.nonce));
  if (options.cert_req) append(content, asn1::encode_boolean(true));
  return asn1::encode(tag::kSequence, content);
}

Bytes granted_response(ByteView token) {
  return asn1::encode_sequence({asn1::encode_sequence({asn1::encode_integer(0)}), token});
}

Bytes rejection_response(FailInfo fail, std::string_view text) {
  // PKIFailureInfo as a DER named BIT STRING: bit n of the first byte is 0x80 >> n, trailing
  // zero bits dropped (X.690 §11.2.2).
  int bit = static_cast<int>(fail);
  Bytes bits(static_cast<std::size_t>(bit / 8 + 1), 0);
  bits.back() = static_cast<std::uint8_t>(0x80 >> (bit % 8));
  Bytes bit_string{static_cast<std::uint8_t>(7 - bit % 8)};
  append(bit_string, bits);
  Bytes status = asn1::encode_sequence(
      {asn1::encode_integer(2),
       asn1::encode_sequence({asn1::encode(tag::kUtf8String, as_bytes(text))}),
       asn1::encode(tag::kBitString, bit_string)});
  return asn1::encode_sequence({status});
}

Result<Response> parse_response(ByteView der) {
  auto outer = asn1::parse_single(der, tag::kSequence);
  if (!outer) return outer.error().with_context("TimeStampResp");
  auto f = asn1::read_all(outer->content);
  if (!f || f->empty() || (*f)[0].tag != tag::kSequence) {
    return Error::invalid_input("TimeStampResp: no PKIStatusInfo");
  }
  auto status = asn1::read_all((*f)[0].content);
  if (!status || status->empty()) return Error::invalid_input("TimeStampResp: empty PKIStatusInfo");
  Response out;
  auto value = asn1::integer_value((*status)[0]);
  if (!value) return value.error().with_context("PKIStatusInfo.status");
  out.status = static_cast<int>(*value);
  for (std::size_t i = 1; i < status->size(); ++i) {
    const asn1::Element& e = (*status)[i];
    if (e.tag == tag::kSequence) {
      auto texts = asn1::read_all(e.content);
      if (!texts) return texts.error().with_context("PKIStatusInfo.statusString");
      for (const auto& t : *texts) {
        if (auto s = asn1::string_value(t)) out.status_text.push_back(*s);
      }
    } else if (e.tag == tag::kBitString && e.content.size() >= 2) {
      for (std::size_t byte = 1; byte < e.content.size() && !out.fail_info; ++byte) {
        for (int b = 0; b < 8; ++b) {
          if (e.content[byte] & (0x80 >> b)) {
            out.fail_info = static_cast<FailInfo>(static_cast<int>(byte - 1) * 8 + b);
            break;
          }
        }
      }
    }
  }
  if (f->size() > 1) out.token = Bytes((*f)[1].encoded.begin(), (*f)[1].encoded.end());
  return out;
}

}  // namespace eseal::tsa
