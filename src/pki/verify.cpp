#include "pki/verify.h"

#include <openssl/x509_vfy.h>

#include "pki/x509_support.h"

namespace eseal::pki {
namespace {

using crypto::ossl::failure;

struct CertStack {
  STACK_OF(X509) * stack = sk_X509_new_null();
  ~CertStack() { sk_X509_pop_free(stack, X509_free); }
  bool push(const Certificate& c) {
    X509_up_ref(c.native());
    if (sk_X509_push(stack, c.native()) > 0) return true;
    X509_free(c.native());
    return false;
  }
};

// OpenSSL 3.0 checks certificate signatures under the ID set on each Certificate (the standard
// one) but CRL signatures always under the empty ID. This callback re-checks the signatures
// OpenSSL rejected with our own SM2 code: CRLs under the standard ID, and, lenient in,
// certificates made by the OpenSSL 3.0 command line, which are signed under the empty ID.
int recheck_sm2_signatures(int ok, X509_STORE_CTX* ctx) {
  if (ok) return ok;
  int error = X509_STORE_CTX_get_error(ctx);
  X509* issuer = X509_STORE_CTX_get0_current_issuer(ctx);
  if (!issuer) return ok;
  Certificate issuer_cert = Certificate::from_native(issuer);
  bool valid = false;
  if (error == X509_V_ERR_CERT_SIGNATURE_FAILURE) {
    auto issuer_key = issuer_cert.public_key();
    X509* current = X509_STORE_CTX_get_current_cert(ctx);
    valid = issuer_key && current && Certificate::from_native(current).signed_by(*issuer_key, true);
  } else if (error == X509_V_ERR_CRL_SIGNATURE_FAILURE) {
    X509_CRL* crl = X509_STORE_CTX_get0_current_crl(ctx);
    valid = crl && Crl::from_native(crl).verify_signature(issuer_cert).ok();
  }
  crypto::ossl::drain_errors();
  if (!valid) return ok;
  X509_STORE_CTX_set_error(ctx, X509_V_OK);
  return 1;
}

struct CrlStack {
  STACK_OF(X509_CRL) * stack = sk_X509_CRL_new_null();
  ~CrlStack() { sk_X509_CRL_pop_free(stack, X509_CRL_free); }
};

}  // namespace

Status verify_chain(const Certificate& cert, std::span<const Certificate> intermediates,
                    std::span<const Certificate> trusted, const ChainPolicy& policy) {
  if (trusted.empty()) return Error::invalid_input("no trusted root certificate was given");
  crypto::ossl::X509StorePtr store(X509_STORE_new());
  if (!store) return failure("cannot create a certificate store");
  for (const auto& root : trusted) {
    if (X509_STORE_add_cert(store.get(), root.native()) != 1) {
      return failure("cannot add a trusted certificate");
    }
  }
  CertStack untrusted;
  for (const auto& c : intermediates) {
    if (!untrusted.push(c)) return failure("cannot collect intermediate certificates");
  }
  CrlStack crls;
  for (const auto& crl : policy.crls) {
    X509_CRL_up_ref(crl.native());
    sk_X509_CRL_push(crls.stack, crl.native());
  }

  crypto::ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.native(), untrusted.stack) != 1) {
    return failure("cannot set up path validation");
  }
  X509_STORE_CTX_set_verify_cb(ctx.get(), recheck_sm2_signatures);
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(policy.at.time_since_epoch().count()));
  if (!policy.crls.empty()) {
    X509_STORE_CTX_set0_crls(ctx.get(), crls.stack);
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_CRL_CHECK);
  }
  int rc = X509_verify_cert(ctx.get());
  crypto::ossl::drain_errors();
  if (rc == 1) return ok_status();

  int error = X509_STORE_CTX_get_error(ctx.get());
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509* current = X509_STORE_CTX_get_current_cert(ctx.get());
  std::string who = current ? detail::from_x509_name(X509_get_subject_name(current)).to_string()
                            : cert.subject().to_string();
  return Error::verification_failed(std::string(X509_verify_cert_error_string(error)) + " (depth " +
                                    std::to_string(depth) + ": " + who + ")");
}

}  // namespace eseal::pki
