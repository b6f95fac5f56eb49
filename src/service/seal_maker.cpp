#include "service/seal_maker.h"

#include <algorithm>
#include <cmath>

#include "crypto/encoding.h"
#include "crypto/random.h"
#include "image/seal_picture.h"
#include "ses/seal_type.h"

namespace eseal::service {
namespace {

Result<ses::SealType> seal_type(int code) {
  auto found = ses::find_seal_type(code);
  if (!found)
    return Error::invalid_input("seal type must be 1..6 or 99, not " + std::to_string(code));
  return *found;
}

// The drawing a template design describes, at the template's usual size unless overridden. A
// round seal is as tall as it is wide.
Result<image::SealPictureSpec> template_spec(const SealDesign& d, const ses::SealType& type) {
  auto kind =
      image::parse_template(d.template_name.empty() ? type.default_template : d.template_name);
  if (!kind) return kind.error().with_context("template");
  image::SealPictureSpec spec = image::default_spec(*kind);
  double aspect = spec.height_mm / spec.width_mm;
  if (d.width_mm > 0) spec.width_mm = d.width_mm;
  bool free_height = d.height_mm > 0 && *kind != image::SealTemplate::kRound;
  spec.height_mm = free_height ? d.height_mm : std::round(spec.width_mm * aspect);
  spec.name = d.name;
  spec.purpose = d.purpose.empty() ? std::string(type.purpose) : d.purpose;
  spec.code = d.code;
  return spec;
}

// The seal's picture: a user's picture normalized to transparent PNG, or the template drawn.
Result<ses::SealPicture> picture_of(const SealDesign& d, const ses::SealType& type,
                                    std::uint64_t max_pixels) {
  if (d.picture.empty()) {
    auto spec = template_spec(d, type);
    if (!spec) return spec.error();
    auto png = image::render_png(*spec, max_pixels);
    if (!png) return png.error().with_context("seal picture");
    return ses::SealPicture{"PNG", std::move(*png), static_cast<std::int64_t>(spec->width_mm),
                            static_cast<std::int64_t>(spec->height_mm)};
  }
  if (!d.template_name.empty())
    return Error::invalid_input("give a template or a picture, not both");
  auto normalized = image::normalize_picture(d.picture, max_pixels);
  if (!normalized) return normalized.error().with_context("picture");
  // Display size: as given, else 40 mm wide with the picture's aspect ratio.
  int width = d.width_mm > 0 ? d.width_mm : 40;
  int height =
      d.height_mm > 0
          ? d.height_mm
          : std::max(
                1, static_cast<int>(std::lround(width * static_cast<double>(normalized->height_px) /
                                                normalized->width_px)));
  return ses::SealPicture{"PNG", std::move(normalized->png), width, height};
}

}  // namespace

Result<ses::SesSeal> make_seal(const SealDesign& design, keys::Signer& maker, Time now,
                               std::uint64_t max_picture_pixels) {
  auto type = seal_type(design.type);
  if (!type) return type.error();
  if (design.valid_days <= 0)
    return Error::invalid_input("validity must be a positive number of days");
  if (design.signers.empty())
    return Error::invalid_input("a seal needs at least one signer certificate");
  const pki::Certificate& maker_cert = maker.certificate();
  if (now < maker_cert.not_before() || now > maker_cert.not_after()) {
    return Error::invalid_input("the seal maker's certificate is not valid now (valid " +
                                format_utc(maker_cert.not_before()) + " .. " +
                                format_utc(maker_cert.not_after()) + ")");
  }
  ses::SealInfo info;
  if (design.id.empty()) {
    auto id = crypto::random_bytes(16);
    if (!id) return id.error();
    info.es_id = crypto::to_hex_upper(*id);
  } else {
    info.es_id = design.id;
  }
  info.type = design.type;
  info.name = design.name;
  Time last_signer_end{};
  for (const auto& cert : design.signers) {
    info.signer_certs.push_back(cert.der());
    last_signer_end = std::max(last_signer_end, cert.not_after());
  }
  info.create_date = info.valid_start = now;
  // A seal outliving every certificate that may sign with it could never be used then.
  info.valid_end = std::min(now + std::chrono::days(design.valid_days), last_signer_end);
  if (info.valid_end <= now)
    return Error::invalid_input("no signer certificate is valid after now");
  auto picture = picture_of(design, *type, max_picture_pixels);
  if (!picture) return picture.error();
  info.picture = std::move(*picture);
  auto tbs = ses::encode_seal_info(info);
  if (!tbs) return tbs.error();
  auto signature = maker.sign(*tbs);
  if (!signature) return signature.error().with_context("the seal maker's signature");
  return ses::assemble_seal(*tbs, maker_cert, *signature);
}

Result<std::string> seal_picture_svg(const SealDesign& design) {
  if (!design.picture.empty()) return Error::invalid_input("only a drawn seal has an SVG picture");
  auto type = seal_type(design.type);
  if (!type) return type.error();
  auto spec = template_spec(design, *type);
  if (!spec) return spec.error();
  return image::render_svg(*spec);
}

}  // namespace eseal::service
