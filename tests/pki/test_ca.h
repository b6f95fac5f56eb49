// A small CA hierarchy for PKI tests: root -> sub-CA -> end certificates of every profile.
#pragma once

#include <gtest/gtest.h>

#include "pki/issue.h"

namespace eseal::pki::test {

inline const Time kNow = *parse_utc("2026-11-23T12:00:00Z");

struct IssuedKey {
  Certificate cert;
  crypto::Sm2PrivateKey key;
};

inline IssuedKey issue(CertificateProfile profile, const std::string& subject,
                       const IssuedKey* issuer, Time not_before = kNow - std::chrono::hours(24),
                       Time not_after = kNow + std::chrono::days(365)) {
  auto key = crypto::Sm2PrivateKey::generate();
  EXPECT_TRUE(key.ok());
  CertificateRequest request{
      profile, *DistinguishedName::parse(subject), key->public_key(), not_before, not_after, {}};
  auto cert =
      issue_certificate(request, issuer ? std::optional<Certificate>(issuer->cert) : std::nullopt,
                        issuer ? issuer->key : *key);
  EXPECT_TRUE(cert.ok()) << (cert.ok() ? "" : cert.error().message);
  return {*cert, *key};
}

struct Hierarchy {
  IssuedKey root = issue(CertificateProfile::kRootCa, "C=CN,O=电子印章测试,CN=测试根CA", nullptr,
                         kNow - std::chrono::days(30), kNow + std::chrono::days(3650));
  IssuedKey sub = issue(CertificateProfile::kSubCa, "C=CN,O=电子印章测试,CN=测试二级CA", &root,
                        kNow - std::chrono::days(10), kNow + std::chrono::days(1000));
  IssuedKey seal =
      issue(CertificateProfile::kSeal, "C=CN,O=某某市人力资源和社会保障局,CN=公章", &sub);
};

}  // namespace eseal::pki::test
