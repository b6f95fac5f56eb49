#include "tsa/verify.h"

#include <algorithm>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "crypto/sm2.h"
#include "pki/signed_data.h"

namespace eseal::tsa {
namespace {

namespace tag = asn1::tag;
namespace oid = asn1::oid;
using ses::Check;

constexpr auto passed = &Check::passed;
constexpr auto failed = &Check::failed;
constexpr auto skipped = &Check::skipped;

std::optional<crypto::HashAlgorithm> hash_of(std::string_view dotted) {
  if (dotted == oid::kSm3) return crypto::HashAlgorithm::kSm3;
  if (dotted == oid::kSha256) return crypto::HashAlgorithm::kSha256;
  if (dotted == oid::kSha1) return crypto::HashAlgorithm::kSha1;
  return std::nullopt;
}

// An ESS certificate identifier: the hash algorithm and the certificate's hash.
struct CertId {
  crypto::HashAlgorithm hash = crypto::HashAlgorithm::kSha256;
  Bytes cert_hash;
  int version = 2;
};

// The first ESSCertID(v2) of signingCertificateV2, else of signingCertificate (SHA-1).
Result<std::optional<CertId>> ess_cert_id(const pki::SignedData& sd) {
  for (const auto& [type, values] : sd.other_signed_attributes) {
    int version = type == oid::kSigningCertificateV2 ? 2 : type == oid::kSigningCertificate ? 1 : 0;
    if (version == 0) continue;
    auto set = asn1::parse_single(values, tag::kSet);
    if (!set) return set.error();
    auto value = asn1::read_all(set->content);
    if (!value || value->size() != 1 || (*value)[0].tag != tag::kSequence) {
      return Error::invalid_input("not one SigningCertificate value");
    }
    auto fields = asn1::read_all((*value)[0].content);
    if (!fields || fields->empty() || (*fields)[0].tag != tag::kSequence) {
      return Error::invalid_input("no certs");
    }
    auto certs = asn1::read_all((*fields)[0].content);
    if (!certs || certs->empty() || (*certs)[0].tag != tag::kSequence) {
      return Error::invalid_input("no ESSCertID");
    }
    auto id = asn1::read_all((*certs)[0].content);
    if (!id || id->empty()) return Error::invalid_input("an empty ESSCertID");
    CertId out;
    out.version = version;
    out.hash = version == 1 ? crypto::HashAlgorithm::kSha1 : crypto::HashAlgorithm::kSha256;
    std::size_t at = 0;
    if (version == 2 && (*id)[0].tag == tag::kSequence) {
      auto algorithm = asn1::read_all((*id)[0].content);
      if (!algorithm || algorithm->empty() || (*algorithm)[0].tag != tag::kObjectIdentifier) {
        return Error::invalid_input("ESSCertIDv2.hashAlgorithm");
      }
      auto dotted = oid::decode_content((*algorithm)[0].content);
      if (!dotted) return dotted.error();
      auto hash = hash_of(*dotted);
      if (!hash) return Error::invalid_input("hash algorithm " + *dotted + " is not known");
      out.hash = *hash;
      at = 1;
    }
    if (at >= id->size() || (*id)[at].tag != tag::kOctetString) {
      return Error::invalid_input("no certHash");
    }
    out.cert_hash.assign((*id)[at].content.begin(), (*id)[at].content.end());
    return std::optional<CertId>(out);
  }
  return std::optional<CertId>();
}

bool identifies(const CertId& id, const pki::Certificate& cert) {
  return crypto::hash(id.hash, cert.der()) == id.cert_hash;
}

// The signature over `signed_bytes` by `cert`'s key in each form seen, or "" when none verifies.
std::string signature_form(const pki::Certificate& cert, ByteView signed_bytes,
                           ByteView signature) {
  auto key = cert.public_key();
  if (!key) return {};
  if (crypto::sm2_verify(*key, signed_bytes, signature)) return "z-default-id";
  if (crypto::sm2_verify(*key, signed_bytes, signature, "")) return "z-empty-id";
  if (crypto::sm2_verify_digest(*key, crypto::sm3(signed_bytes), signature)) return "no-z";
  return {};
}

Check imprint_check(const TstInfo& info, const TokenExpectation& expect) {
  const std::string name = "imprint";
  auto hash = hash_of(info.imprint.hash_oid);
  if (!hash) return failed(name, "hash algorithm " + info.imprint.hash_oid + " is not known");
  std::string algorithm = oid::describe(info.imprint.hash_oid);
  if (!expect.data.empty()) {
    crypto::Hasher hasher(*hash);
    std::size_t size = 0;
    for (ByteView part : expect.data) {
      hasher.update(part);
      size += part.size();
    }
    return hasher.finish() == info.imprint.hashed_message
               ? passed(name, algorithm + " of the " + std::to_string(size) + " bytes time-stamped")
               : failed(name, "the token is not over these bytes (" + algorithm + " differs)");
  }
  if (expect.hashed_message) {
    return *expect.hashed_message == info.imprint.hashed_message
               ? passed(name, "the " + algorithm + " hash given")
               : failed(name, "the token is over another hash");
  }
  return skipped(name, "nothing given to compare the imprint with");
}

Check nonce_check(const TstInfo& info, const TokenExpectation& expect) {
  if (!expect.nonce) return skipped("nonce", info.nonce ? "present, none expected" : "none");
  if (info.nonce == expect.nonce) return passed("nonce", "the request's nonce is echoed");
  return failed("nonce", info.nonce ? "not the request's nonce" : "the request's nonce is missing");
}

Check certificate_check(const pki::Certificate& cert, Time at) {
  auto purposes = cert.extended_key_usage();
  if (purposes != std::vector<std::string>{"timeStamping"} || !cert.extended_key_usage_critical()) {
    return failed("tsa-certificate",
                  "the certificate's extendedKeyUsage is not timeStamping alone, marked critical "
                  "(RFC 3161 §2.3)");
  }
  Check c = ses::certificate_check("tsa-certificate", cert, at, "genTime");
  return c;
}

}  // namespace

std::optional<Time> TokenReport::proven_time() const {
  if (!info || !verdict.valid()) return std::nullopt;
  return info->gen_time;
}

TokenReport verify_token(ByteView token, const ses::TrustPolicy& trust,
                         const TokenExpectation& expect) {
  TokenReport report;
  auto& checks = report.verdict.checks;
  auto sd = pki::parse_signed_data(token);
  if (!sd) {
    checks.push_back(failed("structure", "not a SignedData: " + sd.error().message));
    return report;
  }
  bool rfc = sd->content_type == oid::kTstInfo;
  bool legacy = !rfc && !sd->has_signed_attributes &&
                (sd->content_type == oid::kGmData || sd->content_type == oid::kPkcs7Data);
  if (!sd->content || (!rfc && !legacy)) {
    checks.push_back(failed("structure", "the SignedData does not carry a TSTInfo (content type " +
                                             sd->content_type + ")"));
    return report;
  }
  report.profile = rfc ? "RFC 3161" : "GM/T 0010 (legacy)";
  auto info = parse_tst_info(*sd->content);
  if (!info) {
    checks.push_back(failed("structure", info.error().message));
    return report;
  }
  report.info = *info;
  const Time at = info->gen_time;
  checks.push_back(passed("structure", report.profile + " token, serial " +
                                           std::to_string(info->serial.size()) +
                                           " bytes, genTime " + format_utc(at)));
  checks.push_back(imprint_check(*info, expect));
  checks.push_back(nonce_check(*info, expect));

  // The attributes bind the TSTInfo and name the TSA's certificate.
  std::string attributes_problem;
  if (sd->has_signed_attributes) {
    if (!sd->message_digest || *sd->message_digest != crypto::sm3(*sd->content)) {
      attributes_problem = "messageDigest is not SM3 of the TSTInfo";
    } else if (sd->content_type_attribute && *sd->content_type_attribute != sd->content_type) {
      attributes_problem = "the contentType attribute is not the content's type";
    }
  }
  auto ess = ess_cert_id(*sd);
  std::optional<pki::Certificate> cert = sd->signer;
  if (!cert) {
    for (const pki::Certificate& c : expect.tsa_certificates) {
      bool named = ess && *ess ? identifies(**ess, c) : false;
      if (named || !signature_form(c, sd->signed_bytes, sd->signature).empty()) {
        cert = c;
        break;
      }
    }
  }
  static const std::vector<std::string_view> kSignatureOids{oid::kSm3WithSm2, oid::kSm2Sign,
                                                            oid::kSm2, oid::kEcPublicKey};
  if (!cert) {
    checks.push_back(skipped("tsa-signature",
                             "the token carries no TSA certificate and none was "
                             "given")
                         .with_finding("tsa-cert-missing"));
  } else if (sd->digest_algorithm != oid::kSm3) {
    checks.push_back(
        failed("tsa-signature", "digest algorithm " + sd->digest_algorithm + " is not SM3"));
  } else if (std::find(kSignatureOids.begin(), kSignatureOids.end(), sd->signature_algorithm) ==
             kSignatureOids.end()) {
    checks.push_back(
        failed("tsa-signature", "signature algorithm " + sd->signature_algorithm + " is not SM2"));
  } else if (!attributes_problem.empty()) {
    checks.push_back(failed("tsa-signature", attributes_problem));
  } else {
    report.tsa = cert->subject().to_string();
    report.signature_form = signature_form(*cert, sd->signed_bytes, sd->signature);
    checks.push_back(
        report.signature_form.empty()
            ? failed("tsa-signature",
                     "the SM2 signature does not verify with " + report.tsa + "'s key in any form")
            : passed("tsa-signature", "SM2 by " + report.tsa + " (" + report.signature_form + ")"));
  }
  if (!ess) {
    checks.push_back(failed("ess-cert-id", ess.error().message));
  } else if (!*ess) {
    checks.push_back(rfc ? failed("ess-cert-id", "no signingCertificate(V2) attribute")
                         : skipped("ess-cert-id", "a legacy token names no certificate")
                               .with_finding("tsa-legacy-profile"));
  } else if (!cert) {
    checks.push_back(skipped("ess-cert-id", "no TSA certificate to compare"));
  } else {
    checks.push_back(identifies(**ess, *cert)
                         ? passed("ess-cert-id", "ESSCertID" +
                                                     std::string((*ess)->version == 2 ? "v2" : "") +
                                                     " names the TSA certificate")
                         : failed("ess-cert-id", "the ESS certificate id is not the signer's"));
  }
  if (!cert) {
    checks.push_back(skipped("tsa-certificate", "no TSA certificate"));
    checks.push_back(skipped("tsa-chain", "no TSA certificate"));
    return report;
  }
  checks.push_back(certificate_check(*cert, at));
  checks.push_back(ses::chain_check("tsa-chain", *cert, at, trust, sd->certificates));
  return report;
}

}  // namespace eseal::tsa
