// The seal maker (制章者): the one way eseal makes a GB/T 38540 seal, from the same design
// whoever asks — `eseal seal make`, LD/T applySeal, and every later door. The maker signs with a
// keys::Signer, so its key may live anywhere a signer can.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "image/picture_limits.h"
#include "keys/signer.h"
#include "pki/certificate.h"
#include "ses/seal.h"

namespace eseal::service {

// What a seal should be. Defaults are the rules every door shares.
struct SealDesign {
  std::string id;  // esID; empty: 32 random hex digits
  int type = 99;   // ses/seal_type.h code: 1..6 or 99
  std::string name;
  std::vector<pki::Certificate> signers;  // who may sign with it (at least one)
  // The picture: a template drawn with the name (template_name "round", "oval", "square", or
  // empty for the type's), or a user's scanned seal or signature (PNG or JPEG) in `picture`.
  std::string template_name;
  Bytes picture;
  std::string code, purpose;        // template texts; purpose defaults to the type's
  int width_mm = 0, height_mm = 0;  // display size; 0: the template's, or 40 mm wide for a picture
  int valid_days = 1825;            // from `now`, and never past the last signer's certificate
};

// Makes the seal, signed by `maker` (its certificate is the seal's maker certificate). Every
// problem of the design is kInvalidInput with a message naming the field: a type not in the
// table, no signer, validity not positive, both a template and a picture, a picture that cannot
// be read or has more than `max_picture_pixels` (a drawn picture included: [limits]
// seal_picture_mpixels), a maker whose certificate is not valid at `now`.
Result<ses::SesSeal> make_seal(const SealDesign& design, keys::Signer& maker, Time now,
                               std::uint64_t max_picture_pixels = image::kSealPicturePixels);

// A drawn seal's picture as SVG, for print; kInvalidInput for a design with a user's picture.
Result<std::string> seal_picture_svg(const SealDesign& design);

}  // namespace eseal::service
