#include "keys/key_pair_files.h"

#include "base/file.h"
#include "keys/key_file.h"
#include "keys/signer.h"

namespace eseal::keys {
namespace {

Result<crypto::Sm2PrivateKey> read_key(const std::filesystem::path& file, const Kek& kek) {
  auto pem = read_file(file);
  if (!pem) return pem.error();
  auto key = decrypt_private_key(*pem, kek);
  if (!key) return key.error().with_context(file.string());
  return key;
}

}  // namespace

Result<pki::Certificate> issue_certificate(const pki::CertificateRequest& request,
                                           const KeyPairFiles& issuer, const Kek& kek) {
  auto issuer_pem = read_file(issuer.cert);
  if (!issuer_pem) return issuer_pem.error();
  auto issuer_cert = pki::Certificate::parse(*issuer_pem);
  if (!issuer_cert) return issuer_cert.error().with_context(issuer.cert.string());
  auto issuer_key = read_key(issuer.key, kek);
  if (!issuer_key) return issuer_key.error();
  return pki::issue_certificate(request, *issuer_cert, *issuer_key);
}

Result<pki::Certificate> issue_key_pair(const KeyPairRequest& what,
                                        const std::optional<KeyPairFiles>& issuer,
                                        const KeyPairFiles& out, const Kek& kek) {
  auto key = crypto::Sm2PrivateKey::generate();
  if (!key) return key.error();
  pki::CertificateRequest request{what.profile,    what.subject,   key->public_key(),
                                  what.not_before, what.not_after, {}};
  auto cert = issuer ? issue_certificate(request, *issuer, kek)
                     : pki::issue_certificate(request, std::nullopt, *key);
  if (!cert) return cert.error();
  auto key_pem = encrypt_private_key(*key, kek);
  if (!key_pem) return key_pem.error();
  if (auto s = write_file_atomic(out.key, as_bytes(*key_pem), 0600); !s) return s.error();
  if (auto s = write_file_atomic(out.cert, as_bytes(cert->pem()), 0644); !s) return s.error();
  return cert;
}

Result<pki::Crl> issue_crl(const pki::CrlRequest& request, const pki::Certificate& issuer_cert,
                           const std::filesystem::path& issuer_key, const Kek& kek) {
  auto key = read_key(issuer_key, kek);
  if (!key) return key.error();
  return pki::issue_crl(request, issuer_cert, *key);
}

Result<Bytes> sign_with_key_file(const std::filesystem::path& key_file, ByteView data,
                                 std::string_view user_id, const Kek& kek) {
  auto key = read_key(key_file, kek);
  if (!key) return key.error();
  return crypto::sm2_sign(*key, data, user_id);
}

Result<std::string> import_key(SoftKeystore& keystore, const std::filesystem::path& key_file,
                               const pki::Certificate& cert, const Kek& kek) {
  auto key = read_key(key_file, kek);
  if (!key) return key.error();
  // The signer check: the same rule as every signer's.
  auto signer = KeySigner::make(*key, cert);
  if (!signer) return signer.error();
  return keystore.put(*key);
}

}  // namespace eseal::keys
