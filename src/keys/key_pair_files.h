// Keys on disk beside their certificates, for the built-in CA and for operators who bring key
// files: making a key pair with its certificate, issuing certificates and CRLs with an issuer's
// key file, signing bytes with a key file, and importing a key file into the soft keystore. The
// private keys stay inside keys/: callers hand over paths and the KEK, and get certificates,
// CRLs, signatures and keystore references back.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "keys/kek.h"
#include "keys/soft_keystore.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/issue.h"

namespace eseal::keys {

// A certificate (PEM) and its key, encrypted under the KEK (keys/key_file.h).
struct KeyPairFiles {
  std::filesystem::path cert, key;
};

// What a new key pair's certificate says (pki::CertificateRequest without the key).
struct KeyPairRequest {
  pki::CertificateProfile profile = pki::CertificateProfile::kUser;
  pki::DistinguishedName subject;
  Time not_before, not_after;
};

// Generates a key pair, has its certificate issued by `issuer` — or self-signed when there is
// none, for a root — and writes the key (0600) and then the certificate (0644), so that a
// certificate is never on disk without its key.
Result<pki::Certificate> issue_key_pair(const KeyPairRequest& what,
                                        const std::optional<KeyPairFiles>& issuer,
                                        const KeyPairFiles& out, const Kek& kek);

// A certificate for a key held elsewhere (request.subject_key), issued by `issuer`.
Result<pki::Certificate> issue_certificate(const pki::CertificateRequest& request,
                                           const KeyPairFiles& issuer, const Kek& kek);

// `request` signed with the key of `issuer` (whose certificate is `issuer_cert`).
Result<pki::Crl> issue_crl(const pki::CrlRequest& request, const pki::Certificate& issuer_cert,
                           const std::filesystem::path& issuer_key, const Kek& kek);

// The DER SM2 signature over `data` with the key in `key_file` and SM2 user ID `user_id`.
Result<Bytes> sign_with_key_file(const std::filesystem::path& key_file, ByteView data,
                                 std::string_view user_id, const Kek& kek);

// Imports the key in `key_file` into `keystore` and returns its reference. kInvalidInput (code
// kKeyMismatch, keys/signer.h) when it is not the key of `cert`.
Result<std::string> import_key(SoftKeystore& keystore, const std::filesystem::path& key_file,
                               const pki::Certificate& cert, const Kek& kek);

}  // namespace eseal::keys
