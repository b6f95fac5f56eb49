#include "pki/request.h"

#include <openssl/x509.h>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "pki/x509_support.h"

namespace eseal::pki {
namespace {

using crypto::ossl::failure;
using X509ReqPtr = std::unique_ptr<X509_REQ, crypto::ossl::Deleter<X509_REQ_free>>;

}  // namespace

Result<Bytes> request_info(const DistinguishedName& subject, const crypto::Sm2PublicKey& key) {
  X509ReqPtr req(X509_REQ_new());
  if (!req) return failure("X509_REQ_new");
  auto name = detail::to_x509_name(subject);
  if (!name) return name.error();
  if (X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_subject_name(req.get(), name->get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.native()) != 1) {
    return failure("building the certification request");
  }
  unsigned char* out = nullptr;
  int length = i2d_re_X509_REQ_tbs(req.get(), &out);
  if (length <= 0) return failure("i2d_re_X509_REQ_tbs");
  Bytes info(out, out + length);
  OPENSSL_free(out);
  return info;
}

Result<Bytes> assemble_request(ByteView info, ByteView signature) {
  auto parsed = asn1::parse_single(info, asn1::tag::kSequence);
  if (!parsed) return parsed.error().with_context("certification request info");
  auto der = crypto::sm2_signature_to_der(signature);
  if (!der) return der.error();
  Bytes algorithm = asn1::encode_sequence({asn1::oid::encode(asn1::oid::kSm3WithSm2)});
  return asn1::encode_sequence({info, algorithm, asn1::encode_bit_string(*der)});
}

Result<CertificationRequest> read_request(ByteView data) {
  auto der = detail::der_from_text_or_binary(data, "CERTIFICATE REQUEST");
  if (!der) return der.error();
  const unsigned char* p = der->data();
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der->size())));
  if (!req || p != der->data() + der->size()) {
    return Error::invalid_input("not a DER certification request");
  }
  auto key = crypto::Sm2PublicKey::from_native(X509_REQ_get0_pubkey(req.get()));
  if (!key) return key.error().with_context("certification request");
  Status signed_by_itself = detail::verify_signed_structure(*der, *key, true);
  if (!signed_by_itself) return signed_by_itself.error().with_context("certification request");
  return CertificationRequest{detail::from_x509_name(X509_REQ_get_subject_name(req.get())), *key};
}

}  // namespace eseal::pki
