// X.509 v3 certificates with SM2 keys (GM/T 0015-2012 profile, RFC 5280): parsing and the
// fields the seal rules look at. Issuing is in pki/issue.h, chain checks in pki/verify.h.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/sm2.h"
#include "pki/distinguished_name.h"

namespace eseal::pki {

// keyUsage bits (RFC 5280 §4.2.1.3).
enum KeyUsage : std::uint32_t {
  kDigitalSignature = 1u << 0,
  kNonRepudiation = 1u << 1,
  kKeyEncipherment = 1u << 2,
  kDataEncipherment = 1u << 3,
  kKeyAgreement = 1u << 4,
  kKeyCertSign = 1u << 5,
  kCrlSign = 1u << 6,
};

// Names of the bits set in `usage`, in RFC order ("digitalSignature", ...).
std::vector<std::string> key_usage_names(std::uint32_t usage);

// An immutable certificate. Cheap to copy.
class Certificate {
 public:
  static Result<Certificate> from_der(ByteView der);
  // The first "CERTIFICATE" block of a PEM text.
  static Result<Certificate> from_pem(std::string_view pem);
  // PEM, DER, or base64 of DER (as the interfaces carry certificates).
  static Result<Certificate> parse(ByteView data);
  // Takes a reference on an OpenSSL certificate.
  static Certificate from_native(X509* cert);

  // Whether `issuer_key` signed this certificate (SM3withSM2, standard user ID). With
  // `accept_empty_id`, a signature made under the empty ID (the OpenSSL 3.0 default, seen in
  // certificates made with its command line) is accepted too.
  bool signed_by(const crypto::Sm2PublicKey& issuer_key, bool accept_empty_id = false) const;

  Bytes der() const;
  std::string pem() const;

  DistinguishedName subject() const;
  DistinguishedName issuer() const;
  // The subject and issuer Name elements as DER (for ESS IssuerSerial, RFC 3161 TSTInfo.tsa).
  Bytes subject_der() const;
  Bytes issuer_der() const;
  Bytes serial() const;  // big-endian magnitude
  std::string serial_hex() const;
  Time not_before() const;
  Time not_after() const;
  // keyUsage bits; 0 when the extension is absent.
  std::uint32_t key_usage() const;
  // extendedKeyUsage short names ("timeStamping", "clientAuth", ...).
  std::vector<std::string> extended_key_usage() const;
  // Whether the extendedKeyUsage extension is present and marked critical (RFC 3161 §2.3 asks
  // it of a TSA's certificate).
  bool extended_key_usage_critical() const;
  bool is_ca() const;
  bool is_self_signed() const;
  Result<crypto::Sm2PublicKey> public_key() const;
  // Signature algorithm as OpenSSL names it, e.g. "SM2-with-SM3".
  std::string signature_algorithm() const;
  Bytes sm3_fingerprint() const;

  X509* native() const { return cert_.get(); }

 private:
  // Takes ownership of one reference and marks the certificate for verification under the
  // standard SM2 user ID (OpenSSL 3.0 would otherwise use an empty one).
  explicit Certificate(X509* cert);
  std::shared_ptr<X509> cert_;
};

// All certificates in a PEM bundle (or the single certificate of a DER input), in order.
Result<std::vector<Certificate>> parse_certificates(ByteView data);

}  // namespace eseal::pki
