// The parties of a sealing test: a root CA, a seal maker (制章者) and a signer it certifies, and
// a round 40 mm contract seal (合同专用章) the maker made for the signer. Made once per test
// program.
#pragma once

#include "image/seal_picture.h"
#include "pki/test_ca.h"
#include "ses/seal.h"
#include "ses/verify.h"

namespace eseal::test {

using pki::test::kNow;

struct Parties {
  pki::test::IssuedKey root =
      pki::test::issue(pki::CertificateProfile::kRootCa, "C=CN,CN=测试根CA", nullptr,
                       kNow - std::chrono::days(30), kNow + std::chrono::days(3650));
  pki::test::IssuedKey maker =
      pki::test::issue(pki::CertificateProfile::kSealMaker, "C=CN,CN=制章者", &root);
  pki::test::IssuedKey signer =
      pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,O=某单位,CN=合同章", &root);
  ses::SesSeal seal = make();

  ses::SesSeal make() const {
    image::SealPictureSpec spec = image::default_spec(image::SealTemplate::kRound);
    spec.width_mm = spec.height_mm = 40;
    spec.name = "某某市测试单位";
    spec.purpose = "合同专用章";
    spec.style.dpi = 150;
    ses::SealInfo info;
    info.es_id = "TEST-SEAL-1";
    info.type = 5;
    info.name = "某某市测试单位合同专用章";
    info.signer_certs = {signer.cert.der()};
    info.create_date = info.valid_start = kNow - std::chrono::hours(1);
    info.valid_end = kNow + std::chrono::days(365);
    info.picture = {"PNG", *image::render_png(spec), 40, 40};
    return *ses::make_seal(info, maker.cert, maker.key);
  }
};

inline const Parties& parties() {
  static const Parties p;
  return p;
}

inline ses::TrustPolicy trust() {
  static const std::vector<pki::Certificate> roots{parties().root.cert};
  return {roots, {}, {}};
}

}  // namespace eseal::test
