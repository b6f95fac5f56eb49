// Seal templates: reference pictures, geometry measured on the rendered pixels (ring, star,
// where text lands and which way it faces), SVG output and the errors for unacceptable specs.
#include "image/seal_picture.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>

#include "image/pixels.h"

namespace eseal::image {
namespace {

using test::decode_png;
using test::expect_matches_reference;
using test::Pixels;

constexpr double kDpi = 150;
constexpr std::uint32_t kSealRed = 0xE60012;

double px(double mm) {
  return mm * kDpi / 25.4;
}

SealPictureSpec spec_of(SealTemplate kind, std::string name, std::string purpose = "",
                        std::string code = "") {
  SealPictureSpec spec = default_spec(kind);
  spec.name = std::move(name);
  spec.purpose = std::move(purpose);
  spec.code = std::move(code);
  spec.style.dpi = kDpi;
  return spec;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

SealPictureSpec contract_seal() {
  return spec_of(SealTemplate::kRound, "某某市人力资源和社会保障局", "合同专用章", "4403000012345");
}

Pixels render(const SealPictureSpec& spec) {
  auto png = render_png(spec);
  EXPECT_TRUE(png.ok()) << png.error().message;
  if (!png) return {};
  return decode_png(*png);
}

// A pixel seen from the picture's centre: distance in mm and angle in degrees from straight up,
// clockwise (right is 90, bottom 180, left -90).
struct Polar {
  int x, y;
  double r;
  double angle;
  int alpha;
};

template <typename F>
void for_each_polar(const Pixels& p, F f) {
  const double cx = p.width / 2.0;
  const double cy = p.height / 2.0;
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      const double dx = x + 0.5 - cx;
      const double dy = y + 0.5 - cy;
      f(Polar{x, y, std::hypot(dx, dy) * 25.4 / kDpi, std::atan2(dx, -dy) * 180 / std::numbers::pi,
              p.alpha(x, y)});
    }
  }
}

// Ink (sum of alpha / 255) of the pixels for which `where` holds.
template <typename F>
double ink_where(const Pixels& p, F where) {
  double ink = 0;
  for_each_polar(p, [&](const Polar& q) {
    if (where(q)) ink += q.alpha / 255.0;
  });
  return ink;
}

// The first opaque pixel from each end of a row or column.
struct Extent {
  int first = -1;
  int last = -1;
};

Extent row_extent(const Pixels& p, int y) {
  Extent e;
  for (int x = 0; x < p.width; ++x) {
    if (p.alpha(x, y) >= 128) {
      if (e.first < 0) e.first = x;
      e.last = x;
    }
  }
  return e;
}

Extent column_extent(const Pixels& p, int x) {
  Extent e;
  for (int y = 0; y < p.height; ++y) {
    if (p.alpha(x, y) >= 128) {
      if (e.first < 0) e.first = y;
      e.last = y;
    }
  }
  return e;
}

void expect_corners_transparent(const Pixels& p) {
  EXPECT_EQ(p.alpha(0, 0), 0);
  EXPECT_EQ(p.alpha(p.width - 1, 0), 0);
  EXPECT_EQ(p.alpha(0, p.height - 1), 0);
  EXPECT_EQ(p.alpha(p.width - 1, p.height - 1), 0);
}

void expect_opaque_pixels_have_colour(const Pixels& p, std::uint32_t rgb) {
  int opaque = 0;
  int wrong = 0;
  for (std::uint32_t pixel : p.argb) {
    if (pixel >> 24 != 0xFF) continue;
    ++opaque;
    if ((pixel & 0xFFFFFF) != rgb) ++wrong;
  }
  EXPECT_GT(opaque, 1000);
  EXPECT_EQ(wrong, 0);
}

// ---- References: look at these pictures before accepting new ones (see pixels.h). ----

TEST(Reference, RoundContractSeal) {
  auto png = render_png(contract_seal());
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_LT(png->size(), 100'000u);
  expect_matches_reference("round_contract.png", *png);
}

TEST(Reference, RoundOfficialSealWithoutPurpose) {
  auto png = render_png(spec_of(SealTemplate::kRound, "深圳市某某科技有限公司"));
  ASSERT_TRUE(png.ok()) << png.error().message;
  expect_matches_reference("round_official.png", *png);
}

TEST(Reference, OvalInvoiceSeal) {
  auto png = render_png(
      spec_of(SealTemplate::kOval, "深圳市某某科技有限公司", "发票专用章", "91440300MA5XXXXX0Y"));
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_LT(png->size(), 100'000u);
  expect_matches_reference("oval_invoice.png", *png);
}

TEST(Reference, SquareNameSeals) {
  for (const char* name : {"张三", "王小明", "欧阳修印"}) {
    auto png = render_png(spec_of(SealTemplate::kSquare, name));
    ASSERT_TRUE(png.ok()) << png.error().message;
    const auto count = std::to_string(std::string(name).size() / 3);
    expect_matches_reference("square_" + count + ".png", *png);
  }
  auto spec = spec_of(SealTemplate::kSquare, "欧阳修印");
  spec.frame = false;
  auto png = render_png(spec);
  ASSERT_TRUE(png.ok()) << png.error().message;
  expect_matches_reference("square_4_no_frame.png", *png);
}

// ---- Templates and sizes ----

TEST(SealTemplate, NamesRoundTrip) {
  for (SealTemplate t : {SealTemplate::kRound, SealTemplate::kOval, SealTemplate::kSquare}) {
    auto parsed = parse_template(template_name(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
  }
  auto unknown = parse_template("triangle");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kInvalidInput);
}

TEST(SealTemplate, DefaultSizesAreTheUsualSeals) {
  EXPECT_EQ(default_spec(SealTemplate::kRound).width_mm, 42);
  EXPECT_EQ(default_spec(SealTemplate::kOval).width_mm, 40);
  EXPECT_EQ(default_spec(SealTemplate::kOval).height_mm, 30);
  EXPECT_EQ(default_spec(SealTemplate::kSquare).width_mm, 20);
  EXPECT_EQ(default_spec(SealTemplate::kSquare).height_mm, 20);
}

TEST(SealPicture, PixelSizeFollowsMillimetresAndDpi) {
  const Pixels at150 = render(contract_seal());
  EXPECT_EQ(at150.width, 248);  // 42 mm at 150 dpi
  EXPECT_EQ(at150.height, 248);
  auto spec = contract_seal();
  spec.style.dpi = 300;
  const Pixels at300 = render(spec);
  EXPECT_EQ(at300.width, 496);
  const Pixels oval = render(spec_of(SealTemplate::kOval, "某某公司", "发票专用章", "123"));
  EXPECT_EQ(oval.width, 236);
  EXPECT_EQ(oval.height, 177);
}

TEST(SealPicture, SameSpecGivesSameBytes) {
  for (const SealPictureSpec& spec :
       {contract_seal(), spec_of(SealTemplate::kOval, "某某公司", "发票专用章", "123"),
        spec_of(SealTemplate::kSquare, "张三")}) {
    auto first = render_png(spec);
    auto second = render_png(spec);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(*first, *second);
  }
}

// ---- Round seal geometry ----

TEST(RoundSeal, RingHasTheOuterRadiusAndWidth) {
  const Pixels p = render(contract_seal());
  ASSERT_EQ(p.width, 248);
  const int middle = p.width / 2;
  for (Extent e : {row_extent(p, middle), row_extent(p, middle - 1), column_extent(p, middle),
                   column_extent(p, middle - 1)}) {
    EXPECT_NEAR((e.last - e.first + 1) / 2.0, px(21), 2);
    EXPECT_NEAR(e.first + 0.0, p.width / 2.0 - px(21), 2);
  }
  int ring = 0;
  for (int x = row_extent(p, middle).first; p.alpha(x, middle) >= 128; ++x) ++ring;
  EXPECT_NEAR(ring, px(1.2), 2);

  auto thick = contract_seal();
  thick.style.ring_width_mm = 2.5;
  const Pixels q = render(thick);
  ring = 0;
  for (int x = row_extent(q, middle).first; q.alpha(x, middle) >= 128; ++x) ++ring;
  EXPECT_NEAR(ring, px(2.5), 2);
}

TEST(RoundSeal, StarIsSolidAndCentred) {
  const Pixels p = render(contract_seal());
  ASSERT_GT(p.width, 0);
  EXPECT_EQ(p.alpha(p.width / 2, p.height / 2), 255);
  // Inside a disc a little smaller than the star's 7 mm radius there is only the star.
  const double disc = 0.9 * 7;
  double ink = 0, sum_x = 0, sum_y = 0, area = 0;
  for_each_polar(p, [&](const Polar& q) {
    if (q.r > disc) return;
    area += 1;
    ink += q.alpha / 255.0;
    sum_x += q.alpha / 255.0 * (q.x + 0.5);
    sum_y += q.alpha / 255.0 * (q.y + 0.5);
  });
  EXPECT_NEAR(sum_x / ink, p.width / 2.0, 2);
  EXPECT_NEAR(sum_y / ink, p.height / 2.0, 2);
  // A five-pointed star covers 1.12 R^2; the disc 2.54 R^2.
  EXPECT_NEAR(ink / area, 0.43, 0.06);

  auto no_star = contract_seal();
  no_star.star = false;
  no_star.purpose.clear();  // without a star the purpose moves up towards the middle
  EXPECT_LT(ink_where(render(no_star), [&](const Polar& q) { return q.r <= disc; }), 1.0);
}

TEST(RoundSeal, NothingIsDrawnOutsideTheRing) {
  for (const SealPictureSpec& spec :
       {contract_seal(),
        spec_of(SealTemplate::kRound, repeat("某", 40), "合同专用章", "12345678901234567890")}) {
    const Pixels p = render(spec);
    ASSERT_GT(p.width, 0);
    expect_corners_transparent(p);
    int outside = 0;
    for_each_polar(p, [&](const Polar& q) {
      if (q.r > 21 + 25.4 / kDpi && q.alpha != 0) ++outside;
    });
    EXPECT_EQ(outside, 0);
  }
}

TEST(RoundSeal, OpaquePixelsHaveTheRequestedColour) {
  expect_opaque_pixels_have_colour(render(contract_seal()), kSealRed);
  auto blue = contract_seal();
  blue.style.color = 0x1F3FBF;
  expect_opaque_pixels_have_colour(render(blue), 0x1F3FBF);
}

// The ring's inside edge is at 19.8 mm; text lies inside it.
bool in_text_band(const Polar& q, double from_mm) {
  return q.r >= from_mm && q.r <= 19.4;
}

TEST(RoundSeal, NameSpreadsEvenlyOverTheUpperArcAndLeavesTheLowerArcWithoutCode) {
  const Pixels p =
      render(spec_of(SealTemplate::kRound, "某某市人力资源和社会保障局", "合同专用章"));
  ASSERT_GT(p.width, 0);
  const double band = 0.3 * 19.4 * 19.4 * std::numbers::pi;  // mm^2 of the upper band, roughly
  const double upper =
      ink_where(p, [](const Polar& q) { return in_text_band(q, 12) && std::abs(q.angle) < 90; });
  EXPECT_GT(upper * std::pow(25.4 / kDpi, 2), 0.15 * band);
  // Nothing within 45 degrees of the bottom, beyond the purpose's reach.
  EXPECT_EQ(
      ink_where(p, [](const Polar& q) { return in_text_band(q, 16) && std::abs(q.angle) > 135; }),
      0);
  // The name's ends sit symmetrically, spread over 210 to 250 degrees.
  double low = 180, high = -180;
  for_each_polar(p, [&](const Polar& q) {
    if (in_text_band(q, 16) && q.alpha >= 128) {  // beyond the purpose's corners
      low = std::min(low, q.angle);
      high = std::max(high, q.angle);
    }
  });
  EXPECT_NEAR(low, -high, 3);
  EXPECT_GT(high - low, 210);
  EXPECT_LT(high - low, 260);
}

TEST(RoundSeal, CodeRunsAlongTheLowerArc) {
  const Pixels p = render(contract_seal());
  const double lower =
      ink_where(p, [](const Polar& q) { return in_text_band(q, 16) && std::abs(q.angle) > 135; });
  EXPECT_GT(lower, 100);
  const double left =
      ink_where(p, [](const Polar& q) { return in_text_band(q, 16) && q.angle < -135; });
  EXPECT_NEAR(left / lower, 0.5, 0.15);
}

// Radial spread and ink-weighted mean radius of the ink in a band of angles.
struct Radial {
  double low = 100, high = 0, mean = 0;
};

template <typename F>
Radial radial_ink(const Pixels& p, F where) {
  Radial r;
  double ink = 0;
  for_each_polar(p, [&](const Polar& q) {
    if (!where(q) || q.alpha == 0) return;
    if (q.alpha >= 128) {
      r.low = std::min(r.low, q.r);
      r.high = std::max(r.high, q.r);
    }
    r.mean += q.r * q.alpha;
    ink += q.alpha;
  });
  r.mean /= ink;
  return r;
}

TEST(RoundSeal, GlyphsLieAlongTheArc) {
  // "一" is one horizontal stroke: set tangent to the arc it stays in a thin ring, set upright
  // it would reach across the ring near the sides.
  auto spec = spec_of(SealTemplate::kRound, "一一一一一一一", "", "一一一");
  spec.star = false;
  const Pixels p = render(spec);
  const Radial name =
      radial_ink(p, [](const Polar& q) { return in_text_band(q, 5) && std::abs(q.angle) < 120; });
  EXPECT_LT(name.high - name.low, 2.0);
  double left = 0, right = 0;
  for_each_polar(p, [&](const Polar& q) {
    if (in_text_band(q, 5) && q.alpha >= 128 && std::abs(q.angle) < 120) {
      left = std::min(left, q.angle);
      right = std::max(right, q.angle);
    }
  });
  EXPECT_GT(right - left, 150);  // spread round the arc, not stacked
  const Radial code =
      radial_ink(p, [](const Polar& q) { return in_text_band(q, 5) && std::abs(q.angle) > 120; });
  EXPECT_LT(code.high - code.low, 1.5);
}

TEST(RoundSeal, NameTopsPointOutwardAndCodeTopsInward) {
  // "上" carries its long stroke at the bottom: its ink leans towards its feet.
  auto spec = spec_of(SealTemplate::kRound, "上上上上上", "", "上上上");
  spec.star = false;
  const Pixels p = render(spec);
  const Radial name =
      radial_ink(p, [](const Polar& q) { return in_text_band(q, 5) && std::abs(q.angle) < 120; });
  EXPECT_LT(name.mean, (name.low + name.high) / 2 - 0.3);  // feet inward
  const Radial code =
      radial_ink(p, [](const Polar& q) { return in_text_band(q, 5) && std::abs(q.angle) > 120; });
  EXPECT_GT(code.mean, (code.low + code.high) / 2 + 0.2);  // feet outward
}

TEST(RoundSeal, NameAndCodeReadLeftToRight) {
  // "口" holds far more ink than "一": wherever it lands is the first character's place.
  auto spec = spec_of(SealTemplate::kRound, "口一一一一", "", "口一一一");
  spec.star = false;
  const Pixels p = render(spec);
  auto name_ink = [&](bool left_side) {
    return ink_where(p, [&](const Polar& q) {
      return in_text_band(q, 5) && std::abs(q.angle) < 120 && (q.angle < 0) == left_side;
    });
  };
  EXPECT_GT(name_ink(true), 1.5 * name_ink(false));
  auto code_ink = [&](bool left_side) {
    return ink_where(p, [&](const Polar& q) {
      return in_text_band(q, 5) && std::abs(q.angle) > 120 && (q.angle < 0) == left_side;
    });
  };
  EXPECT_GT(code_ink(true), 1.5 * code_ink(false));
}

// ---- Oval seal ----

TEST(OvalSeal, RingHasTheSealsProportionsAndNothingIsOutside) {
  const Pixels p = render(
      spec_of(SealTemplate::kOval, "深圳市某某科技有限公司", "发票专用章", "91440300MA5XXXXX0Y"));
  ASSERT_EQ(p.width, 236);
  ASSERT_EQ(p.height, 177);
  const Extent across = row_extent(p, p.height / 2);
  const Extent down = column_extent(p, p.width / 2);
  const double width = across.last - across.first + 1;
  const double height = down.last - down.first + 1;
  EXPECT_NEAR(width / 2, px(20), 2);
  EXPECT_NEAR(height / 2, px(15), 2);
  EXPECT_NEAR(width / height, 40.0 / 30.0, 0.02);
  int ring = 0;
  for (int x = across.first; p.alpha(x, p.height / 2) >= 128; ++x) ++ring;
  EXPECT_NEAR(ring, px(1.0), 2);

  expect_corners_transparent(p);
  const double a = p.width / 2.0 + 1;
  const double b = p.height / 2.0 + 1;
  int outside = 0;
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      const double dx = (x + 0.5 - p.width / 2.0) / a;
      const double dy = (y + 0.5 - p.height / 2.0) / b;
      if (dx * dx + dy * dy > 1 && p.alpha(x, y) != 0) ++outside;
    }
  }
  EXPECT_EQ(outside, 0);
  expect_opaque_pixels_have_colour(p, kSealRed);
}

TEST(OvalSeal, TaxNumberInTheMiddleNameAboveNoStar) {
  auto with_code = spec_of(SealTemplate::kOval, "深圳市某某科技有限公司", "", "91440300MA5XXXXX0Y");
  auto without = with_code;
  without.code.clear();
  const Pixels p = render(with_code);
  const Pixels q = render(without);
  // The middle of the seal, clear of the name at the ends of the long axis.
  auto middle = [](const Pixels& pixels) {
    double ink = 0;
    for (int y = static_cast<int>(pixels.height / 2 - px(1.5));
         y <= static_cast<int>(pixels.height / 2 + px(1.5)); ++y) {
      for (int x = static_cast<int>(pixels.width / 2 - px(10));
           x <= static_cast<int>(pixels.width / 2 + px(10)); ++x) {
        ink += pixels.alpha(x, y) / 255.0;
      }
    }
    return ink;
  };
  EXPECT_GT(middle(p), 200);
  EXPECT_EQ(middle(q), 0);  // and so no star either
  // The name runs along the upper part: ink just inside the top of the ring.
  double top = 0;
  for (int y = static_cast<int>(px(1.3)); y < static_cast<int>(px(6)); ++y) {
    for (int x = 0; x < p.width; ++x) top += p.alpha(x, y) / 255.0;
  }
  EXPECT_GT(top, 300);
}

// ---- Square seal ----

TEST(SquareSeal, FrameIsDrawnOrLeftOut) {
  auto spec = spec_of(SealTemplate::kSquare, "张三");
  const Pixels framed = render(spec);
  ASSERT_EQ(framed.width, 118);
  spec.frame = false;
  const Pixels bare = render(spec);
  // The frame is 0.8 mm (4.7 px) wide: the outer four pixels all round are solid with it; the
  // characters keep 0.6 mm (3.5 px) from the edge, so without it the outer three are empty.
  auto count_edge = [](const Pixels& p, int depth, auto counted) {
    int n = 0;
    for (int i = 0; i < p.width; ++i) {
      for (int d = 0; d < depth; ++d) {
        for (auto [x, y] : {std::pair{i, d}, std::pair{i, p.height - 1 - d}, std::pair{d, i},
                            std::pair{p.width - 1 - d, i}}) {
          n += counted(p.alpha(x, y));
        }
      }
    }
    return n;
  };
  EXPECT_EQ(count_edge(framed, 4, [](int a) { return a != 255; }), 0);
  EXPECT_EQ(count_edge(bare, 3, [](int a) { return a != 0; }), 0);
  EXPECT_GT(ink_where(bare, [](const Polar&) { return true; }), 1000);
  expect_corners_transparent(bare);
  expect_opaque_pixels_have_colour(framed, kSealRed);
}

// Ink in a rectangle given as fractions of the picture.
double ink_in(const Pixels& p, double x0, double y0, double x1, double y1) {
  double ink = 0;
  for (int y = static_cast<int>(y0 * p.height); y < static_cast<int>(y1 * p.height); ++y) {
    for (int x = static_cast<int>(x0 * p.width); x < static_cast<int>(x1 * p.width); ++x) {
      ink += p.alpha(x, y) / 255.0;
    }
  }
  return ink;
}

TEST(SquareSeal, TwoCharactersReadRightColumnFirst) {
  for (bool frame : {true, false}) {
    auto spec = spec_of(SealTemplate::kSquare, "口一");
    spec.frame = frame;
    const Pixels p = render(spec);
    EXPECT_GT(ink_in(p, 0.5, 0.1, 0.9, 0.9), 2 * ink_in(p, 0.1, 0.1, 0.5, 0.9));
    spec.name = "一口";
    const Pixels q = render(spec);
    EXPECT_GT(ink_in(q, 0.1, 0.1, 0.5, 0.9), 2 * ink_in(q, 0.5, 0.1, 0.9, 0.9));
    // Each character is stretched to the full height: "口"'s top and bottom strokes reach
    // the outer quarter.
    EXPECT_GT(ink_in(q, 0.1, 0.05, 0.5, 0.2), 20);
    EXPECT_GT(ink_in(q, 0.1, 0.8, 0.5, 0.95), 20);
  }
}

TEST(SquareSeal, ThreeCharactersFirstFillsTheRightColumn) {
  const Pixels p = render(spec_of(SealTemplate::kSquare, "口一一"));
  // Across the middle line: "口"'s upright strokes on the right, the gap between the two
  // cells on the left.
  EXPECT_GT(ink_in(p, 0.5, 0.48, 0.95, 0.52), 5);
  EXPECT_EQ(ink_in(p, 0.08, 0.48, 0.45, 0.52), 0);
  EXPECT_GT(ink_in(p, 0.5, 0.08, 0.95, 0.2), 20);   // "口" reaches the top
  EXPECT_GT(ink_in(p, 0.08, 0.15, 0.45, 0.35), 5);  // the second character, top left
  EXPECT_GT(ink_in(p, 0.08, 0.65, 0.45, 0.85), 5);  // the third, bottom left
}

TEST(SquareSeal, FourCharactersFillTwoColumnsRightToLeft) {
  // Quadrants in reading order: top right, bottom right, top left, bottom left.
  const double quadrants[4][2] = {{0.5, 0}, {0.5, 0.5}, {0, 0}, {0, 0.5}};
  for (int heavy = 0; heavy < 4; ++heavy) {
    std::string name;
    for (int i = 0; i < 4; ++i) name += i == heavy ? "口" : "一";
    auto spec = spec_of(SealTemplate::kSquare, name);
    spec.frame = false;  // the frame would add the same ink to every quadrant
    const Pixels p = render(spec);
    for (int other = 0; other < 4; ++other) {
      if (other == heavy) continue;
      const auto [hx, hy] = std::pair{quadrants[heavy][0], quadrants[heavy][1]};
      const auto [ox, oy] = std::pair{quadrants[other][0], quadrants[other][1]};
      EXPECT_GT(ink_in(p, hx, hy, hx + 0.5, hy + 0.5), 2 * ink_in(p, ox, oy, ox + 0.5, oy + 0.5))
          << name << " quadrant " << other;
    }
  }
}

// ---- SVG ----

TEST(SealSvg, SizedInMillimetresWithTextAsOutlines) {
  auto svg = render_svg(contract_seal());
  ASSERT_TRUE(svg.ok()) << svg.error().message;
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("width=\"42mm\""), std::string::npos) << svg->substr(0, 400);
  EXPECT_NE(svg->find("height=\"42mm\""), std::string::npos);
  EXPECT_NE(svg->find("<path"), std::string::npos);
  EXPECT_EQ(svg->find("<text"), std::string::npos);
  auto again = render_svg(contract_seal());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*svg == *again);  // (not EXPECT_EQ: it would print both documents)
  auto oval = render_svg(spec_of(SealTemplate::kOval, "某某公司", "发票专用章", "123"));
  ASSERT_TRUE(oval.ok());
  EXPECT_NE(oval->find("width=\"40mm\""), std::string::npos);
  EXPECT_NE(oval->find("height=\"30mm\""), std::string::npos);
}

// ---- Errors ----

void expect_invalid(const SealPictureSpec& spec, const std::string& message_part) {
  auto png = render_png(spec);
  ASSERT_FALSE(png.ok()) << "accepted: " << message_part;
  EXPECT_EQ(png.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(png.error().message.find(message_part), std::string::npos) << png.error().message;
  auto svg = render_svg(spec);
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.error().kind, ErrorKind::kInvalidInput);
}

TEST(SealPictureErrors, EmptyAndOverLongNames) {
  expect_invalid(spec_of(SealTemplate::kRound, ""), "seal name is empty");
  expect_invalid(spec_of(SealTemplate::kOval, "   "), "seal name is empty");
  expect_invalid(spec_of(SealTemplate::kRound, repeat("某", 45)),
                 "seal name has 45 characters; a round seal holds at most 40");
  expect_invalid(spec_of(SealTemplate::kOval, repeat("某", 41)), "an oval seal holds at most 40");
  EXPECT_TRUE(render_png(spec_of(SealTemplate::kRound, repeat("某", 40))).ok());
  expect_invalid(spec_of(SealTemplate::kRound, "某某", repeat("章", 21)), "seal purpose has 21");
  expect_invalid(spec_of(SealTemplate::kRound, "某某", "", repeat("1", 33)), "seal code has 33");
}

TEST(SealPictureErrors, SquareSealsHoldTwoToFourCharacters) {
  expect_invalid(spec_of(SealTemplate::kSquare, "张"), "a square seal holds 2 to 4");
  expect_invalid(spec_of(SealTemplate::kSquare, "欧阳修印章"), "has 5 characters");
  expect_invalid(spec_of(SealTemplate::kSquare, "张三", "合同专用章"), "no purpose or code");
}

TEST(SealPictureErrors, TextMustBeValidUtf8WithoutControls) {
  expect_invalid(spec_of(SealTemplate::kRound, "某\xff某"), "not valid UTF-8");
  expect_invalid(spec_of(SealTemplate::kRound, "某\xe6\x9f"), "not valid UTF-8");
  expect_invalid(spec_of(SealTemplate::kRound, "某\n某"), "control character");
  expect_invalid(spec_of(SealTemplate::kRound, "某某", "", "12\x01"), "control character");
  // U+10FFFD: valid, but no font draws it; an empty box on a seal is no use.
  expect_invalid(spec_of(SealTemplate::kRound, "某\xf4\x8f\xbf\xbd"),
                 "no installed font has a glyph");
}

TEST(SealPictureErrors, SizesResolutionAndStyleOutOfRange) {
  auto spec = contract_seal();
  for (double dpi : {0.0, 50.0, 1300.0, std::nan("")}) {
    spec.style.dpi = dpi;
    expect_invalid(spec, "dpi");
  }
  spec = contract_seal();
  for (double width : {-42.0, 0.0, 250.0, std::numeric_limits<double>::infinity()}) {
    spec.width_mm = width;
    expect_invalid(spec, "width");
  }
  auto oval = spec_of(SealTemplate::kOval, "某某公司");
  oval.height_mm = 0;
  expect_invalid(oval, "height");
  oval.height_mm = 45;  // taller than wide
  expect_invalid(oval, "wider than tall");
  oval.height_mm = 15;  // 40 x 15: too flat for the name to follow the ring
  expect_invalid(oval, "at most twice");
  auto square = spec_of(SealTemplate::kSquare, "张三");
  square.height_mm = 50;
  expect_invalid(square, "twofold");
  spec = contract_seal();
  spec.width_mm = 200;
  spec.style.dpi = 1200;  // 9449 x 9449 pixels; SVG has no pixels and is fine
  auto huge = render_png(spec);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("megapixels"), std::string::npos);
  spec = contract_seal();
  spec.style.color = 0x1000000;
  expect_invalid(spec, "colour");
  spec = contract_seal();
  spec.style.ring_width_mm = -1;
  expect_invalid(spec, "ring width");
  spec.style.ring_width_mm = 10;
  expect_invalid(spec, "ring width");
  spec = contract_seal();
  spec.style.name_size_mm = 30;
  expect_invalid(spec, "name size");
  spec = contract_seal();
  spec.style.font_weight = 5000;
  expect_invalid(spec, "font weight");
}

TEST(SealPictureErrors, TheCallerSetsHowManyPixelsAPictureMayHave) {
  auto spec = contract_seal();
  const Pixels p = render(spec);
  const auto pixels = static_cast<std::uint64_t>(p.width) * p.height;
  ASSERT_GT(pixels, 0u);
  EXPECT_TRUE(render_png(spec, pixels).ok());
  auto refused = render_png(spec, pixels - 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(refused.error().message.find("at most " + std::to_string(pixels - 1) + " pixels"),
            std::string::npos)
      << refused.error().message;
}

TEST(SealPicture, ExplicitSizesAreHonoured) {
  auto spec = contract_seal();
  spec.width_mm = 38;
  spec.height_mm = 99;  // ignored for a round seal
  spec.style.name_size_mm = 5;
  spec.style.purpose_size_mm = 4;
  spec.style.code_size_mm = 2.5;
  const Pixels p = render(spec);
  EXPECT_EQ(p.width, static_cast<int>(std::lround(px(38))));
  EXPECT_EQ(p.height, p.width);
  int outside = 0;
  for_each_polar(p, [&](const Polar& q) {
    if (q.r > 19 + 25.4 / kDpi && q.alpha != 0) ++outside;
  });
  EXPECT_EQ(outside, 0);
}

}  // namespace
}  // namespace eseal::image
