// A data folder's platform CA for tests and fuzz targets: D/platform/user-ca.pem and .key (the
// CA of users' certificates), the seal maker whose personal seals WEB_SEAL signatures show, and
// the time-stamp authority, both under that CA, as `eseal demo` lays them out.
#pragma once

#include <chrono>
#include <filesystem>

#include "base/result.h"
#include "base/time.h"
#include "keys/kek.h"
#include "keys/key_pair_files.h"
#include "pki/certificate.h"
#include "pki/distinguished_name.h"

namespace eseal::test {

// The user CA's certificate. One time for all three, so that no period outlasts the CA's.
inline Result<pki::Certificate> write_platform_ca(const std::filesystem::path& data_dir,
                                                  const keys::Kek& kek) {
  const auto dir = data_dir / "platform";
  const Time now = now_utc();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::io("cannot create " + dir.string() + ": " + ec.message());
  const keys::KeyPairFiles ca{dir / "user-ca.pem", dir / "user-ca.key"};
  auto request = [&](pki::CertificateProfile profile, const char* dn) {
    return keys::KeyPairRequest{profile, *pki::DistinguishedName::parse(dn),
                                now - std::chrono::hours(1), now + std::chrono::days(3650)};
  };
  auto root = keys::issue_key_pair(
      request(pki::CertificateProfile::kRootCa, "C=CN,O=eseal test,CN=COSS user CA"), std::nullopt,
      ca, kek);
  if (!root) return root.error();
  auto maker = keys::issue_key_pair(
      request(pki::CertificateProfile::kSealMaker, "C=CN,O=eseal test,CN=seal maker"), ca,
      {dir / "seal-maker.pem", dir / "seal-maker.key"}, kek);
  if (!maker) return maker.error();
  auto tsa =
      keys::issue_key_pair(request(pki::CertificateProfile::kTsa, "C=CN,O=eseal test,CN=COSS TSA"),
                           ca, {dir / "tsa.pem", dir / "tsa.key"}, kek);
  if (!tsa) return tsa.error();
  return root;
}

}  // namespace eseal::test
