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

// OpenSSL 3.0 checks certificate signatures under the ID set on each Certificate: the standard
// one. Lenient in, this callback accepts a signature OpenSSL rejected if our own SM2 code finds
// it valid under the empty ID, as the OpenSSL 3.0 command line makes them. The issuer is the next
// certificate up the chain being built (OpenSSL's "current issuer" still names an earlier one).
int accept_empty_id_signatures(int ok, X509_STORE_CTX* ctx) {
  if (ok || X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_SIGNATURE_FAILURE) return ok;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  if (!chain || depth < 0 || depth >= sk_X509_num(chain)) return ok;
  X509* current = sk_X509_value(chain, depth);
  X509* issuer = depth + 1 < sk_X509_num(chain) ? sk_X509_value(chain, depth + 1) : current;
  auto issuer_key = Certificate::from_native(issuer).public_key();
  bool valid = issuer_key && Certificate::from_native(current).signed_by(*issuer_key, true);
  crypto::ossl::drain_errors();
  if (!valid) return ok;
  X509_STORE_CTX_set_error(ctx, X509_V_OK);
  return 1;
}

// Checks every certificate below the trust anchor against the CRLs its issuer published; the
// end certificate must be covered.
Status check_chain_revocation(STACK_OF(X509) * chain, std::span<const Crl> crls, Time at,
                              bool end_crl_required, ChainProblem& problem) {
  int count = sk_X509_num(chain);
  for (int i = 0; i + 1 < count; ++i) {
    Certificate cert = Certificate::from_native(sk_X509_value(chain, i));
    Certificate issuer = Certificate::from_native(sk_X509_value(chain, i + 1));
    bool covered = false;
    for (const auto& crl : crls) {
      if (crl.issuer() != issuer.subject()) continue;
      Status s = check_crl_applies(cert, crl, issuer, at);
      problem = ChainProblem::kRevocationUnknown;
      if (s) {
        s = check_not_listed(cert, crl, at);
        problem = ChainProblem::kRevoked;
      }
      if (!s) return s.error().with_context(cert.subject().to_string());
      covered = true;
    }
    if (!covered && i == 0 && end_crl_required) {
      problem = ChainProblem::kRevocationUnknown;
      return Error::verification_failed("no CRL from " + issuer.subject().to_string() +
                                        " was given for " + cert.subject().to_string());
    }
  }
  return ok_status();
}

ChainProblem problem_of(int x509_error) {
  switch (x509_error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
      return ChainProblem::kUntrusted;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return ChainProblem::kExpired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return ChainProblem::kNotYetValid;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      return ChainProblem::kBadSignature;
    default:
      return ChainProblem::kInvalid;
  }
}

}  // namespace

Status verify_chain(const Certificate& cert, std::span<const Certificate> intermediates,
                    std::span<const Certificate> trusted, const ChainPolicy& policy,
                    ChainProblem* problem) {
  ChainProblem ignored = ChainProblem::kInvalid;
  ChainProblem& why = problem ? *problem : ignored;
  why = ChainProblem::kUntrusted;
  if (trusted.empty()) return Error::invalid_input("no trusted root certificate was given");
  why = ChainProblem::kInvalid;
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

  crypto::ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.native(), untrusted.stack) != 1) {
    return failure("cannot set up path validation");
  }
  X509_STORE_CTX_set_verify_cb(ctx.get(), accept_empty_id_signatures);
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(policy.at.time_since_epoch().count()));
  int rc = X509_verify_cert(ctx.get());
  crypto::ossl::drain_errors();
  if (rc == 1) {
    if (policy.crls.empty()) return ok_status();
    return check_chain_revocation(X509_STORE_CTX_get0_chain(ctx.get()), policy.crls, policy.at,
                                  policy.end_crl_required, why);
  }

  int error = X509_STORE_CTX_get_error(ctx.get());
  why = problem_of(error);
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509* current = X509_STORE_CTX_get_current_cert(ctx.get());
  std::string who = current ? detail::from_x509_name(X509_get_subject_name(current)).to_string()
                            : cert.subject().to_string();
  return Error::verification_failed(std::string(X509_verify_cert_error_string(error)) + " (depth " +
                                    std::to_string(depth) + ": " + who + ")");
}

}  // namespace eseal::pki
