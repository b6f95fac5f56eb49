#include "render/pdf_to_ofd.h"

#include <cairo.h>
#include <poppler/GfxFont.h>
#include <poppler/GfxState.h>
#include <poppler/OutputDev.h>
#include <poppler/PDFDoc.h>
#include <poppler/Stream.h>
#include <poppler/UTF.h>
#include <poppler/fofi/FoFiTrueType.h>
#include <poppler/goo/gmem.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "ofd/glyphs.h"
#include "ofd/writer.h"
#include "render/picture.h"
#include "render/poppler_support.h"

namespace eseal::render {
namespace {

constexpr double kMmPerPoint = 25.4 / 72;
// Images with more pixels are left out with a warning (400 MB of RGBA).
constexpr std::int64_t kMaxImagePixels = 100'000'000;

struct Point {
  double x = 0, y = 0;
};

struct Bounds {
  double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
  void add(double x, double y) {
    x0 = std::min(x0, x);
    y0 = std::min(y0, y);
    x1 = std::max(x1, x);
    y1 = std::max(y1, y);
  }
  bool empty() const { return !(x0 <= x1 && y0 <= y1); }
  bool finite() const {
    return std::isfinite(x0) && std::isfinite(y0) && std::isfinite(x1) && std::isfinite(y1);
  }
  bool contains(const Bounds& o, double slack = 0.01) const {
    return o.x0 >= x0 - slack && o.y0 >= y0 - slack && o.x1 <= x1 + slack && o.y1 <= y1 + slack;
  }
  bool intersects(const Bounds& o) const {
    return o.x0 < x1 && x0 < o.x1 && o.y0 < y1 && y0 < o.y1;
  }
  Bounds padded(double d) const { return {x0 - d, y0 - d, x1 + d, y1 + d}; }
  doc::RectMm rect() const { return {x0, y0, x1 - x0, y1 - y0}; }
};

// A path in page millimetres: subpaths of points, each point after the first either a line end
// or part of a cubic Bézier (three points flagged `curve`).
struct Subpath {
  std::vector<Point> points;
  std::vector<bool> curve;
  bool closed = false;
};
using PagePath = std::vector<Subpath>;

// ST_Array numbers as ofd/writer writes them: up to four decimals.
std::string number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  std::string s = buffer;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// ST_AbbreviatedData relative to (ox, oy): M, L, B (cubic Bézier) and C (close).
std::string abbreviated(const PagePath& path, double ox, double oy) {
  std::string out;
  auto point = [&](const Point& p) { out += " " + number(p.x - ox) + " " + number(p.y - oy); };
  for (const Subpath& sub : path) {
    if (sub.points.empty()) continue;
    if (!out.empty()) out += ' ';
    out += "M";
    point(sub.points[0]);
    for (std::size_t i = 1; i < sub.points.size(); ++i) {
      if (sub.curve[i] && i + 2 < sub.points.size()) {
        out += " B";
        point(sub.points[i]);
        point(sub.points[i + 1]);
        point(sub.points[i + 2]);
        i += 2;
      } else {
        out += " L";
        point(sub.points[i]);
      }
    }
    if (sub.closed) out += " C";
  }
  return out;
}

PagePath page_path(const GfxPath* path, const GfxState* state, Bounds& bounds) {
  PagePath out;
  for (int i = 0; i < path->getNumSubpaths(); ++i) {
    const GfxSubpath* sub = path->getSubpath(i);
    Subpath s;
    s.closed = sub->isClosed();
    for (int j = 0; j < sub->getNumPoints(); ++j) {
      double x, y;
      state->transform(sub->getX(j), sub->getY(j), &x, &y);
      s.points.push_back({x * kMmPerPoint, y * kMmPerPoint});
      s.curve.push_back(sub->getCurve(j));
      bounds.add(s.points.back().x, s.points.back().y);
    }
    out.push_back(std::move(s));
  }
  return out;
}

// An axis-aligned rectangle's bounds, when the path is one.
std::optional<Bounds> as_rectangle(const PagePath& path) {
  if (path.size() != 1) return std::nullopt;
  std::vector<Point> pts = path[0].points;
  for (bool c : path[0].curve) {
    if (c) return std::nullopt;
  }
  if (pts.size() == 5 && std::hypot(pts[4].x - pts[0].x, pts[4].y - pts[0].y) < 1e-6) {
    pts.pop_back();
  }
  if (pts.size() != 4) return std::nullopt;
  Bounds b;
  for (const Point& p : pts) b.add(p.x, p.y);
  for (std::size_t i = 0; i < 4; ++i) {
    const Point& p = pts[i];
    const Point& q = pts[(i + 1) % 4];
    if (std::abs(p.x - q.x) > 1e-6 && std::abs(p.y - q.y) > 1e-6) return std::nullopt;
  }
  return b;
}

struct Clip {
  PagePath path;
  bool even_odd = false;
  Bounds bounds;
  std::optional<Bounds> rectangle;
};

ofd::Rgb rgb_of(const GfxRGB& rgb) {
  return {colToByte(rgb.r), colToByte(rgb.g), colToByte(rgb.b)};
}

int alpha_of(double opacity) {
  return std::clamp(static_cast<int>(std::lround(opacity * 255)), 0, 255);
}

std::string utf8_of(const GooString* text) {
  if (!text) return {};
  Unicode* ucs4 = nullptr;
  int n = TextStringToUCS4(text->toStr(), &ucs4);
  std::u32string out;
  for (int i = 0; i < n; ++i) {
    char32_t c = ucs4[i];
    if (is_scalar(c) && c >= 0x20 && c != 0x7F && c != 0xFFFE && c != 0xFFFF) out += c;
  }
  gfree(ucs4);
  return encode_utf8(out);
}

// The base font name without a subset tag ("ABCDEF+").
std::string base_name(const GfxFont& font) {
  std::string name;
  if (font.getName()) name = *font.getName();
  if (name.size() > 7 && name[6] == '+' &&
      std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= 'A' && c <= 'Z'; })) {
    name.erase(0, 7);
  }
  return name;
}

const char* type_name(GfxFontType type) {
  switch (type) {
    case fontType1:
      return "Type1";
    case fontType1C:
      return "Type1C";
    case fontType1COT:
      return "Type1C (OpenType)";
    case fontType3:
      return "Type3";
    case fontTrueType:
      return "TrueType";
    case fontTrueTypeOT:
      return "TrueType (OpenType)";
    case fontCIDType0:
      return "CIDFontType0";
    case fontCIDType0C:
      return "CIDFontType0C";
    case fontCIDType0COT:
      return "CIDFontType0C (OpenType)";
    case fontCIDType2:
      return "CIDFontType2";
    case fontCIDType2OT:
      return "CIDFontType2 (OpenType)";
    default:
      return "unknown";
  }
}

bool contains_any(const std::string& text, std::initializer_list<const char*> words) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : words) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

// One PDF font as an OFD font resource.
struct FontEntry {
  std::size_t index = 0;  // into NewDocument::fonts
  std::string pdf_name;
  GfxFontType type = fontUnknownType;
  bool truetype = false;         // the PDF font is TrueType
  bool embedded = false;         // the TrueType program is in the OFD; glyphs by index
  std::vector<int> code_to_gid;  // 8-bit TrueType fonts
  bool cid = false;
  std::vector<int> cid_to_gid;  // CID fonts; empty: identity
  bool serif = false, bold = false, italic = false, cjk_collection = false;
  bool saw_cjk = false;
  std::string family;

  int glyph_of(CharCode code) const {
    if (cid) return code < cid_to_gid.size() ? cid_to_gid[code] : static_cast<int>(code);
    return code < code_to_gid.size() ? code_to_gid[code] : 0;
  }
};

// A glyph as drawChar saw it, in page millimetres.
struct Glyph {
  Point origin;
  Point advance;
  std::u32string chars;
  int gid = -1;
};

// Consecutive glyphs that will be one TextObject.
struct TextRunState {
  std::size_t font = 0;
  double size_mm = 0;
  std::array<double, 4> matrix{};  // a b c d: the glyph space of the OFD text under its CTM
  ofd::Rgb fill{}, stroke{};
  int render = 0;
  int alpha = 255;
  double line_width_mm = 0;
  std::size_t clip_generation = 0;
  std::vector<Glyph> glyphs;
};

class OfdOutputDev : public OutputDev {
 public:
  OfdOutputDev(XRef* xref, ofd::NewDocument& document) : xref_(xref), document_(document) {}

  bool upsideDown() override { return true; }
  bool useDrawChar() override { return true; }
  bool interpretType3Chars() override { return false; }
  bool useShadedFills(int) override { return true; }

  void startPage(int page_number, GfxState* state, XRef*) override {
    page_number_ = page_number;
    ofd::NewPage page;
    page.size =
        doc::PageSize{state->getPageWidth() * kMmPerPoint, state->getPageHeight() * kMmPerPoint};
    page_bounds_ = {0, 0, page.size->width_mm, page.size->height_mm};
    document_.pages.push_back(std::move(page));
    clips_.clear();
    saved_clips_.clear();
    ++clip_generation_;
  }

  void endPage() override {
    flush_text();
    for (const auto& [what, count] : page_warnings_) {
      warnings_.push_back("page " + std::to_string(page_number_) + ": " + what +
                          (count > 1 ? " (" + std::to_string(count) + " times)" : ""));
    }
    page_warnings_.clear();
  }

  void saveState(GfxState*) override { saved_clips_.push_back(clips_); }
  void restoreState(GfxState*) override {
    if (saved_clips_.empty()) return;
    if (saved_clips_.back().size() != clips_.size()) ++clip_generation_;
    clips_ = std::move(saved_clips_.back());
    saved_clips_.pop_back();
  }

  void updateBlendMode(GfxState* state) override {
    if (state->getBlendMode() != gfxBlendNormal) warn("blend modes are drawn as Normal");
  }
  void setSoftMask(GfxState*, const double*, bool, Function*, GfxColor*) override {
    warn("soft masks (transparency groups as masks) are not carried");
  }

  void stroke(GfxState* state) override { add_path(state, true, false); }
  void fill(GfxState* state) override { add_path(state, false, false); }
  void eoFill(GfxState* state) override { add_path(state, false, true); }

  void clip(GfxState* state) override { add_clip(state, false); }
  void eoClip(GfxState* state) override { add_clip(state, true); }
  void clipToStrokePath(GfxState*) override { warn("clips to stroke outlines are not carried"); }

  bool axialShadedFill(GfxState*, GfxAxialShading*, double, double) override {
    return skip_shading();
  }
  bool radialShadedFill(GfxState*, GfxRadialShading*, double, double) override {
    return skip_shading();
  }
  bool functionShadedFill(GfxState*, GfxFunctionShading*) override { return skip_shading(); }
  bool gouraudTriangleShadedFill(GfxState*, GfxGouraudTriangleShading*) override {
    return skip_shading();
  }
  bool patchMeshShadedFill(GfxState*, GfxPatchMeshShading*) override { return skip_shading(); }

  void drawChar(GfxState* state, double x, double y, double dx, double dy, double origin_x,
                double origin_y, CharCode code, int, const Unicode* u, int u_length) override;

  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* color_map, bool, const int* mask_colors, bool) override;
  void drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height, bool invert,
                     bool, bool) override;
  void drawMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                       GfxImageColorMap* color_map, bool, Stream* mask_str, int mask_width,
                       int mask_height, bool mask_invert, bool) override;
  void drawSoftMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                           GfxImageColorMap* color_map, bool, Stream* mask_str, int mask_width,
                           int mask_height, GfxImageColorMap* mask_color_map, bool) override;

  // Names the fonts that were not embedded, now that it is known which drew CJK text.
  void finish_fonts();

  const std::vector<std::string>& warnings() const { return warnings_; }
  void add_warning(std::string line) { warnings_.push_back(std::move(line)); }
  std::vector<std::string> font_lines() const;

 private:
  void warn(const std::string& what) { ++page_warnings_[what]; }
  bool skip_shading() {
    warn("shadings (smooth gradients) are not carried");
    return true;
  }
  ofd::NewPage& page() { return document_.pages.back(); }

  std::vector<ofd::ClipPath> clips_for(const Bounds& object, bool& hidden);
  void add_path(GfxState* state, bool stroke, bool even_odd);
  void add_clip(GfxState* state, bool even_odd);
  FontEntry* font_for(GfxState* state);
  void flush_text();
  // Draws RGBA `pixels` (straight alpha) with the state's CTM.
  void add_image(GfxState* state, int width, int height, std::vector<std::uint32_t>& pixels,
                 const std::string& cache_key);

  XRef* xref_;
  ofd::NewDocument& document_;
  int page_number_ = 0;
  Bounds page_bounds_;
  std::vector<Clip> clips_;
  std::vector<std::vector<Clip>> saved_clips_;
  std::size_t clip_generation_ = 0;
  std::map<std::string, FontEntry> fonts_;
  std::map<std::string, std::size_t> image_cache_;
  std::optional<TextRunState> text_;
  std::map<std::string, int> page_warnings_;
  std::vector<std::string> warnings_;
};

std::vector<ofd::ClipPath> OfdOutputDev::clips_for(const Bounds& object, bool& hidden) {
  std::vector<ofd::ClipPath> out;
  hidden = false;
  for (const Clip& clip : clips_) {
    if (clip.rectangle && clip.rectangle->contains(page_bounds_)) continue;
    if (!clip.bounds.intersects(object)) {
      hidden = true;
      return {};
    }
    if (clip.rectangle && clip.rectangle->contains(object)) continue;
    out.push_back({abbreviated(clip.path, object.x0, object.y0), clip.even_odd});
  }
  return out;
}

void OfdOutputDev::add_clip(GfxState* state, bool even_odd) {
  flush_text();
  Clip clip;
  clip.path = page_path(state->getPath(), state, clip.bounds);
  clip.even_odd = even_odd;
  if (clip.bounds.empty() || !clip.bounds.finite()) clip.bounds = {0, 0, 0, 0};
  clip.rectangle = as_rectangle(clip.path);
  clips_.push_back(std::move(clip));
  ++clip_generation_;
}

void OfdOutputDev::add_path(GfxState* state, bool stroke, bool even_odd) {
  flush_text();
  Bounds bounds;
  PagePath path = page_path(state->getPath(), state, bounds);
  if (bounds.empty() || !bounds.finite()) return;

  ofd::PathBlock block;
  block.stroke = stroke;
  block.fill = !stroke;
  block.even_odd = even_odd;
  const double* ctm = state->getCTM();
  const double scale = std::sqrt(std::abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) * kMmPerPoint;
  GfxRGB rgb;
  if (stroke) {
    state->getStrokeRGB(&rgb);
    block.stroke_alpha = alpha_of(state->getStrokeOpacity());
    // A zero width is the thinnest line the device can draw.
    block.line_width_mm = std::max(state->getLineWidth() * scale, 0.05);
    block.cap = static_cast<ofd::LineCap>(std::clamp(state->getLineCap(), 0, 2));
    block.join = static_cast<ofd::LineJoin>(std::clamp(state->getLineJoin(), 0, 2));
    block.miter_limit = state->getMiterLimit();
    double start = 0;
    const std::vector<double>& dash = state->getLineDash(&start);
    bool visible_dash = false;
    for (double d : dash) visible_dash = visible_dash || d > 0;
    if (visible_dash) {
      for (double d : dash) block.dash_pattern_mm.push_back(std::abs(d) * scale);
      if (block.dash_pattern_mm.size() % 2 == 1) {
        // An odd pattern repeats with on and off swapped, as in PDF.
        auto copy = block.dash_pattern_mm;
        block.dash_pattern_mm.insert(block.dash_pattern_mm.end(), copy.begin(), copy.end());
      }
      block.dash_offset_mm = start * scale;
    }
    double reach = block.line_width_mm / 2;
    if (block.join == ofd::LineJoin::kMiter) reach *= std::clamp(block.miter_limit, 1.0, 10.0);
    if (block.cap == ofd::LineCap::kSquare) reach = std::max(reach, block.line_width_mm * 0.75);
    bounds = bounds.padded(reach + 0.01);
  } else {
    state->getFillRGB(&rgb);
    block.fill_alpha = alpha_of(state->getFillOpacity());
    if (bounds.x1 - bounds.x0 < 1e-6 || bounds.y1 - bounds.y0 < 1e-6) return;  // no area
    bounds = bounds.padded(0.01);
  }
  block.color = rgb_of(rgb);
  bool hidden = false;
  block.clips = clips_for(bounds, hidden);
  if (hidden) return;
  block.boundary = bounds.rect();
  block.abbreviated_data = abbreviated(path, bounds.x0, bounds.y0);
  page().objects.emplace_back(std::move(block));
}

FontEntry* OfdOutputDev::font_for(GfxState* state) {
  const std::shared_ptr<GfxFont>& font = state->getFont();
  if (!font) return nullptr;
  const Ref* id = font->getID();
  std::string key = id && id->num >= 0
                        ? std::to_string(id->num) + " " + std::to_string(id->gen)
                        : "tag " + font->getTag() + " page " + std::to_string(page_number_);
  auto found = fonts_.find(key);
  if (found != fonts_.end()) return &found->second;

  FontEntry entry;
  entry.pdf_name = base_name(*font);
  entry.type = font->getType();
  entry.serif = font->isSerif() || contains_any(entry.pdf_name, {"serif", "times", "song", "sun",
                                                                 "ming", "kai", "fang"});
  entry.serif = entry.serif && !contains_any(entry.pdf_name, {"sans"});
  entry.bold = font->isBold() || contains_any(entry.pdf_name, {"bold", "black", "heavy"});
  entry.italic = font->isItalic() || contains_any(entry.pdf_name, {"italic", "oblique"});
  if (font->getFamily()) entry.family = font->getFamily()->toStr();
  if (font->isCIDFont()) {
    const auto* cid_font = static_cast<const GfxCIDFont*>(font.get());
    if (const GooString* collection = cid_font->getCollection()) {
      entry.cjk_collection = contains_any(collection->toStr(), {"gb1", "cns1", "japan", "korea"});
    }
  }

  ofd::FontResource resource;
  const GfxFontType type = font->getType();
  const bool truetype = type == fontTrueType || type == fontTrueTypeOT || type == fontCIDType2 ||
                        type == fontCIDType2OT;
  entry.truetype = truetype;
  Ref embedded_id;
  if (truetype && font->getEmbeddedFontID(&embedded_id)) {
    std::optional<std::vector<unsigned char>> program = font->readEmbFontFile(xref_);
    std::unique_ptr<FoFiTrueType> parsed;
    if (program && !program->empty()) {
      parsed = FoFiTrueType::make(program->data(), static_cast<int>(program->size()));
    }
    if (parsed) {
      entry.embedded = true;
      if (font->isCIDFont()) {
        entry.cid = true;
        const auto* cid_font = static_cast<const GfxCIDFont*>(font.get());
        if (const int* map = cid_font->getCIDToGID()) {
          entry.cid_to_gid.assign(map, map + cid_font->getCIDToGIDLen());
        }
      } else if (int* map = static_cast<Gfx8BitFont*>(font.get())->getCodeToGIDMap(parsed.get())) {
        entry.code_to_gid.assign(map, map + 256);
        gfree(map);
      }
      resource.file.assign(program->begin(), program->end());
      resource.file_name = parsed->isOpenTypeCFF() ? ".otf" : ".ttf";
    }
  }
  if (type == fontType3) warn("Type 3 glyph shapes are not carried; their text is kept");
  entry.index = document_.fonts.size();
  document_.fonts.push_back(std::move(resource));
  return &fonts_.emplace(key, std::move(entry)).first->second;
}

void OfdOutputDev::drawChar(GfxState* state, double x, double y, double dx, double dy,
                            double origin_x, double origin_y, CharCode code, int, const Unicode* u,
                            int u_length) {
  FontEntry* font = font_for(state);
  if (!font) return;
  std::u32string chars;
  for (int i = 0; i < u_length; ++i) {
    char32_t c = u[i];
    if (is_scalar(c) && c >= 0x20 && c != 0x7F && c != 0xFFFE && c != 0xFFFF) chars += c;
  }
  if (chars.empty()) {
    warn("glyphs without Unicode are dropped");
    return;
  }
  const int render = state->getRender();
  if (render >= 4) warn("text used as a clip is drawn without clipping");
  for (char32_t c : chars) font->saw_cjk = font->saw_cjk || ofd::is_wide(c);

  double m11, m12, m21, m22;
  state->getFontTransMat(&m11, &m12, &m21, &m22);
  const double size = std::sqrt(std::abs(m11 * m22 - m12 * m21));
  if (!(size > 1e-9) || !std::isfinite(size)) return;
  std::array<double, 4> matrix = {m11 / size, m12 / size, -m21 / size, -m22 / size};

  Glyph glyph;
  double px, py, ax, ay;
  state->transform(x - origin_x, y - origin_y, &px, &py);
  state->transformDelta(dx, dy, &ax, &ay);
  glyph.origin = {px * kMmPerPoint, py * kMmPerPoint};
  glyph.advance = {ax * kMmPerPoint, ay * kMmPerPoint};
  glyph.chars = std::move(chars);
  if (font->embedded) glyph.gid = font->glyph_of(code);
  if (!std::isfinite(glyph.origin.x) || !std::isfinite(glyph.origin.y)) return;

  GfxRGB fill, stroke;
  state->getFillRGB(&fill);
  state->getStrokeRGB(&stroke);
  const double size_mm = size * kMmPerPoint;
  const int mode = render % 4;
  const int alpha = alpha_of(mode == 1 ? state->getStrokeOpacity() : state->getFillOpacity());

  bool same = text_ && text_->font == font->index && std::abs(text_->size_mm - size_mm) < 1e-4 &&
              text_->fill == rgb_of(fill) && text_->render == mode && text_->alpha == alpha &&
              text_->clip_generation == clip_generation_ &&
              (mode == 0 || mode == 3 || text_->stroke == rgb_of(stroke));
  for (int i = 0; same && i < 4; ++i) same = std::abs(text_->matrix[i] - matrix[i]) < 1e-4;
  if (same) {
    // In the run's glyph space: where the last glyph's advance ends and where this one starts.
    const Glyph& last = text_->glyphs.back();
    const double ex = glyph.origin.x - (last.origin.x + last.advance.x);
    const double ey = glyph.origin.y - (last.origin.y + last.advance.y);
    const auto& m = text_->matrix;
    const double det = m[0] * m[3] - m[1] * m[2];
    const double lx = (m[3] * ex - m[2] * ey) / det;
    const double ly = (-m[1] * ex + m[0] * ey) / det;
    // A jump along the line (a gap between words or a column) or to another line starts a new
    // object, so that each character's box stays its own advance wide.
    same = std::abs(lx) < 0.1 * size_mm && std::abs(ly) < 0.5 * size_mm;
  }
  if (!same) {
    flush_text();
    TextRunState run;
    run.font = font->index;
    run.size_mm = size_mm;
    run.matrix = matrix;
    run.fill = rgb_of(fill);
    run.stroke = rgb_of(stroke);
    run.render = mode;
    run.alpha = alpha;
    const double* ctm = state->getCTM();
    run.line_width_mm =
        std::max(state->getLineWidth() * std::sqrt(std::abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) *
                     kMmPerPoint,
                 0.05);
    run.clip_generation = clip_generation_;
    text_ = std::move(run);
  }
  text_->glyphs.push_back(std::move(glyph));
}

void OfdOutputDev::flush_text() {
  if (!text_) return;
  TextRunState run = std::move(*text_);
  text_.reset();
  const auto& m = run.matrix;
  const double s = run.size_mm;
  const double det = m[0] * m[3] - m[1] * m[2];
  const bool identity = std::abs(m[0] - 1) < 1e-4 && std::abs(m[1]) < 1e-4 &&
                        std::abs(m[2]) < 1e-4 && std::abs(m[3] - 1) < 1e-4;
  if (std::abs(det) < 1e-9) return;
  auto to_page = [&](double lx, double ly) {
    return Point{m[0] * lx + m[2] * ly, m[1] * lx + m[3] * ly};
  };
  auto to_local = [&](double px, double py) {
    return Point{(m[3] * px - m[2] * py) / det, (-m[1] * px + m[0] * py) / det};
  };

  // The boundary holds each glyph's em box (ascent 0.8, descent 0.2 of the size) with half an
  // em to spare, for glyphs that reach beyond it.
  Bounds bounds;
  for (const Glyph& g : run.glyphs) {
    const Point adv = to_local(g.advance.x, g.advance.y);
    const double width = std::max(adv.x, s);
    for (double lx : {-0.5 * s, width + 0.5 * s}) {
      for (double ly : {-1.3 * s, 0.7 * s}) {
        Point p = to_page(lx, ly);
        bounds.add(g.origin.x + p.x, g.origin.y + p.y);
      }
    }
  }
  if (bounds.empty() || !bounds.finite()) return;

  ofd::TextBlock block;
  block.font = run.font;
  block.size_mm = s;
  block.boundary = bounds.rect();
  if (!identity) block.ctm = ofd::Matrix{m[0], m[1], m[2], m[3], 0, 0};
  block.fill = run.render == 0 || run.render == 2;
  block.stroke = run.render == 1 || run.render == 2;
  if (block.fill) block.fill_color = run.fill;
  if (block.stroke) {
    block.stroke_color = run.stroke;
    block.line_width_mm = run.line_width_mm;
  }
  block.alpha = run.alpha;
  bool hidden = false;
  block.clips = clips_for(bounds, hidden);
  if (hidden) return;

  std::vector<Point> positions;  // each character's origin, local to the boundary
  std::u32string text;
  ofd::CgTransform* open = nullptr;  // a run of one-to-one glyphs still growing
  for (std::size_t i = 0; i < run.glyphs.size(); ++i) {
    const Glyph& g = run.glyphs[i];
    const Point origin = to_local(g.origin.x - bounds.x0, g.origin.y - bounds.y0);
    const Point adv = to_local(g.advance.x, g.advance.y);
    const int position = static_cast<int>(text.size());
    const int count = static_cast<int>(g.chars.size());
    for (int k = 0; k < count; ++k) {
      positions.push_back({origin.x + adv.x * k / count, origin.y + adv.y * k / count});
    }
    text += g.chars;
    if (g.gid < 0) continue;
    if (count == 1 && open && open->code_position + open->code_count == position &&
        open->code_count == static_cast<int>(open->glyphs.size())) {
      ++open->code_count;
      open->glyphs.push_back(g.gid);
    } else {
      block.cg_transforms.push_back({position, count, {g.gid}});
      open = count == 1 ? &block.cg_transforms.back() : nullptr;
    }
  }
  block.text = encode_utf8(text);
  block.x = positions[0].x;
  block.y = positions[0].y;
  bool moves_y = false;
  for (std::size_t i = 1; i < positions.size(); ++i) {
    block.delta_x.push_back(positions[i].x - positions[i - 1].x);
    block.delta_y.push_back(positions[i].y - positions[i - 1].y);
    moves_y = moves_y || std::abs(block.delta_y.back()) >= 0.00005;
  }
  if (!moves_y) block.delta_y.clear();
  page().objects.emplace_back(std::move(block));
}

// Straight-alpha RGBA pixels (0xAARRGGBB) as a PNG file.
std::optional<Bytes> encode_png(int width, int height, const std::vector<std::uint32_t>& pixels) {
  Picture picture;
  picture.width = width;
  picture.height = height;
  picture.argb.resize(pixels.size() * 4);
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    const std::uint32_t p = pixels[i];
    const std::uint32_t a = p >> 24;
    auto premultiply = [a](std::uint32_t c) { return (c * a + 127) / 255; };
    const std::uint32_t px = (a << 24) | (premultiply((p >> 16) & 0xFF) << 16) |
                             (premultiply((p >> 8) & 0xFF) << 8) | premultiply(p & 0xFF);
    std::memcpy(&picture.argb[i * 4], &px, 4);
  }
  auto png = render::encode_png(picture);
  if (!png) return std::nullopt;
  return std::move(*png);
}

std::string image_key(const Object* ref, const std::string& kind) {
  if (!ref || !ref->isRef()) return {};
  return kind + " " + std::to_string(ref->getRef().num) + " " + std::to_string(ref->getRef().gen);
}

bool image_size_ok(int width, int height) {
  return width > 0 && height > 0 && static_cast<std::int64_t>(width) * height <= kMaxImagePixels;
}

// The image's samples as 0xFFRRGGBB.
std::vector<std::uint32_t> decode_image(Stream* str, int width, int height,
                                        GfxImageColorMap* color_map, const int* mask_colors) {
  std::vector<std::uint32_t> pixels(static_cast<std::size_t>(width) * height, 0xFF000000u);
  const int components = color_map->getNumPixelComps();
  ImageStream image(str, width, components, color_map->getBits());
  image.reset();
  for (int y = 0; y < height; ++y) {
    unsigned char* line = image.getLine();
    if (!line) break;
    for (int x = 0; x < width; ++x) {
      const unsigned char* sample = line + static_cast<std::ptrdiff_t>(x) * components;
      GfxRGB rgb;
      color_map->getRGB(sample, &rgb);
      std::uint32_t alpha = 0xFF;
      if (mask_colors) {
        bool masked = true;
        for (int c = 0; c < components; ++c) {
          masked = masked && sample[c] >= mask_colors[2 * c] && sample[c] <= mask_colors[2 * c + 1];
        }
        if (masked) alpha = 0;
      }
      pixels[static_cast<std::size_t>(y) * width + x] =
          (alpha << 24) | (static_cast<std::uint32_t>(colToByte(rgb.r)) << 16) |
          (static_cast<std::uint32_t>(colToByte(rgb.g)) << 8) | colToByte(rgb.b);
    }
  }
  image.close();
  return pixels;
}

// A stencil (1 bit per sample): 255 where it lets paint through.
std::vector<std::uint8_t> decode_stencil(Stream* str, int width, int height, bool invert) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(width) * height, 0);
  ImageStream image(str, width, 1, 1);
  image.reset();
  for (int y = 0; y < height; ++y) {
    unsigned char* line = image.getLine();
    if (!line) break;
    for (int x = 0; x < width; ++x) {
      // Sample 0 paints unless the Decode array is inverted.
      if ((line[x] != 0) == invert) out[static_cast<std::size_t>(y) * width + x] = 255;
    }
  }
  image.close();
  return out;
}

// Multiplies the pixels' alpha by a mask of another size, sampled at the nearest point.
void apply_mask(std::vector<std::uint32_t>& pixels, int width, int height,
                const std::vector<std::uint8_t>& mask, int mask_width, int mask_height) {
  for (int y = 0; y < height; ++y) {
    const int my = std::min(mask_height - 1, static_cast<int>((y + 0.5) * mask_height / height));
    for (int x = 0; x < width; ++x) {
      const int mx = std::min(mask_width - 1, static_cast<int>((x + 0.5) * mask_width / width));
      std::uint32_t& p = pixels[static_cast<std::size_t>(y) * width + x];
      const std::uint32_t a =
          ((p >> 24) * mask[static_cast<std::size_t>(my) * mask_width + mx] + 127) / 255;
      p = (p & 0xFFFFFFu) | (a << 24);
    }
  }
}

void OfdOutputDev::add_image(GfxState* state, int width, int height,
                             std::vector<std::uint32_t>& pixels, const std::string& cache_key) {
  flush_text();
  const double* c = state->getCTM();
  const double k = kMmPerPoint;
  // Image space: the unit square, its first row at y = 1; the OFD's has its first row at y = 0.
  const double a = c[0] * k, b = c[1] * k, cc = -c[2] * k, d = -c[3] * k;
  const double e = (c[2] + c[4]) * k, f = (c[3] + c[5]) * k;
  Bounds bounds;
  for (Point p : {Point{0, 0}, Point{1, 0}, Point{0, 1}, Point{1, 1}}) {
    bounds.add(a * p.x + cc * p.y + e, b * p.x + d * p.y + f);
  }
  if (!bounds.finite() || bounds.x1 - bounds.x0 < 1e-6 || bounds.y1 - bounds.y0 < 1e-6) return;
  bool hidden = false;
  std::vector<ofd::ClipPath> clips = clips_for(bounds, hidden);
  if (hidden) return;

  std::size_t index = 0;
  auto cached = cache_key.empty() ? image_cache_.end() : image_cache_.find(cache_key);
  if (cached != image_cache_.end()) {
    index = cached->second;
  } else {
    std::optional<Bytes> png = encode_png(width, height, pixels);
    if (!png) {
      warn("an image could not be encoded as PNG");
      return;
    }
    index = document_.images.size();
    document_.images.push_back(std::move(*png));
    if (!cache_key.empty()) image_cache_[cache_key] = index;
  }
  ofd::ImageBlock block;
  block.image = index;
  block.boundary = bounds.rect();
  block.ctm = ofd::Matrix{a, b, cc, d, e - bounds.x0, f - bounds.y0};
  block.clips = std::move(clips);
  page().objects.emplace_back(std::move(block));
}

void OfdOutputDev::drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                             GfxImageColorMap* color_map, bool, const int* mask_colors, bool) {
  if (!image_size_ok(width, height)) {
    warn("an image too large or empty is left out");
    return;
  }
  const int alpha = alpha_of(state->getFillOpacity());
  std::string key = mask_colors ? std::string() : image_key(ref, "image " + std::to_string(alpha));
  std::vector<std::uint32_t> pixels;
  if (key.empty() || !image_cache_.count(key)) {
    pixels = decode_image(str, width, height, color_map, mask_colors);
    if (alpha < 255) {
      apply_mask(pixels, width, height, std::vector<std::uint8_t>(1, alpha), 1, 1);
    }
  }
  add_image(state, width, height, pixels, key);
}

void OfdOutputDev::drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height,
                                 bool invert, bool, bool) {
  if (!image_size_ok(width, height)) {
    warn("an image too large or empty is left out");
    return;
  }
  GfxRGB rgb;
  state->getFillRGB(&rgb);
  const ofd::Rgb color = rgb_of(rgb);
  const int alpha = alpha_of(state->getFillOpacity());
  std::string key = image_key(ref, "stencil " + std::to_string(color[0]) + " " +
                                       std::to_string(color[1]) + " " + std::to_string(color[2]) +
                                       " " + std::to_string(alpha) + (invert ? " i" : ""));
  std::vector<std::uint32_t> pixels;
  if (key.empty() || !image_cache_.count(key)) {
    std::vector<std::uint8_t> stencil = decode_stencil(str, width, height, invert);
    const std::uint32_t base = (static_cast<std::uint32_t>(color[0]) << 16) |
                               (static_cast<std::uint32_t>(color[1]) << 8) |
                               static_cast<std::uint32_t>(color[2]);
    pixels.resize(stencil.size());
    for (std::size_t i = 0; i < stencil.size(); ++i) {
      pixels[i] = base | (static_cast<std::uint32_t>(stencil[i] * alpha / 255) << 24);
    }
  }
  add_image(state, width, height, pixels, key);
}

void OfdOutputDev::drawMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                                   GfxImageColorMap* color_map, bool, Stream* mask_str,
                                   int mask_width, int mask_height, bool mask_invert, bool) {
  if (!image_size_ok(width, height) || !image_size_ok(mask_width, mask_height)) {
    warn("an image too large or empty is left out");
    return;
  }
  const int alpha = alpha_of(state->getFillOpacity());
  std::string key = image_key(ref, "masked " + std::to_string(alpha));
  std::vector<std::uint32_t> pixels;
  if (key.empty() || !image_cache_.count(key)) {
    std::vector<std::uint8_t> mask = decode_stencil(mask_str, mask_width, mask_height, mask_invert);
    pixels = decode_image(str, width, height, color_map, nullptr);
    apply_mask(pixels, width, height, mask, mask_width, mask_height);
    if (alpha < 255) {
      apply_mask(pixels, width, height, std::vector<std::uint8_t>(1, alpha), 1, 1);
    }
  }
  add_image(state, width, height, pixels, key);
}

void OfdOutputDev::drawSoftMaskedImage(GfxState* state, Object* ref, Stream* str, int width,
                                       int height, GfxImageColorMap* color_map, bool,
                                       Stream* mask_str, int mask_width, int mask_height,
                                       GfxImageColorMap* mask_color_map, bool) {
  if (!image_size_ok(width, height) || !image_size_ok(mask_width, mask_height)) {
    warn("an image too large or empty is left out");
    return;
  }
  const int alpha = alpha_of(state->getFillOpacity());
  std::string key = image_key(ref, "soft " + std::to_string(alpha));
  std::vector<std::uint32_t> pixels;
  if (key.empty() || !image_cache_.count(key)) {
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(mask_width) * mask_height, 255);
    const int components = mask_color_map->getNumPixelComps();
    ImageStream image(mask_str, mask_width, components, mask_color_map->getBits());
    image.reset();
    for (int y = 0; y < mask_height; ++y) {
      unsigned char* line = image.getLine();
      if (!line) break;
      for (int x = 0; x < mask_width; ++x) {
        GfxGray gray;
        mask_color_map->getGray(line + static_cast<std::ptrdiff_t>(x) * components, &gray);
        mask[static_cast<std::size_t>(y) * mask_width + x] = colToByte(gray);
      }
    }
    image.close();
    pixels = decode_image(str, width, height, color_map, nullptr);
    apply_mask(pixels, width, height, mask, mask_width, mask_height);
    if (alpha < 255) {
      apply_mask(pixels, width, height, std::vector<std::uint8_t>(1, alpha), 1, 1);
    }
  }
  add_image(state, width, height, pixels, key);
}

// A Latin name for a standard PDF font, or the PDF's own name.
std::pair<std::string, std::string> latin_font_name(const FontEntry& font) {
  const std::string& name = font.pdf_name;
  if (contains_any(name, {"times"})) return {"Times New Roman", "Times New Roman"};
  if (contains_any(name, {"helvetica", "arial"})) return {"Arial", "Arial"};
  if (contains_any(name, {"courier"})) return {"Courier New", "Courier New"};
  if (name.empty()) return {"Arial", "Arial"};
  std::string family = font.family;
  if (family.empty()) family = name.substr(0, name.find_first_of("-,"));
  return {name, family};
}

void OfdOutputDev::finish_fonts() {
  for (auto& [key, font] : fonts_) {
    ofd::FontResource& resource = document_.fonts[font.index];
    resource.bold = font.bold;
    resource.italic = font.italic;
    if (font.embedded) {
      resource.name = font.pdf_name.empty() ? "Font" + std::to_string(font.index) : font.pdf_name;
      resource.family = font.family.empty() ? resource.name : font.family;
    } else if (font.saw_cjk || font.cjk_collection ||
               contains_any(font.pdf_name, {"cjk", "song", "hei", "kai", "ming", "fang", "sun",
                                            "han", "gothic"})) {
      resource.name = resource.family = font.serif ? "宋体" : "黑体";
    } else {
      auto [name, family] = latin_font_name(font);
      resource.name = name;
      resource.family = family;
    }
    // Names come from the PDF: keep them printable UTF-8 for the writer.
    resource.name = encode_utf8(decode_utf8(resource.name));
    resource.family = encode_utf8(decode_utf8(resource.family));
    for (std::string* s : {&resource.name, &resource.family}) {
      std::erase_if(*s, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
      if (s->empty()) *s = "宋体";
    }
  }
}

std::vector<std::string> OfdOutputDev::font_lines() const {
  std::vector<std::pair<std::size_t, std::string>> lines;
  for (const auto& [key, font] : fonts_) {
    const ofd::FontResource& resource = document_.fonts[font.index];
    std::string line = (font.pdf_name.empty() ? std::string("(unnamed)") : font.pdf_name) + " (" +
                       type_name(font.type) + "): ";
    if (font.embedded) {
      line += "embedded, its TrueType program copied and glyphs drawn by index (CGTransform)";
    } else {
      line += "named \"" + resource.name + "\" (";
      if (font.type == fontType3) {
        line += "Type 3 glyph shapes are not carried";
      } else if (font.truetype) {
        line += "no TrueType program is embedded";
      } else {
        line += "OFD readers take TrueType or OpenType programs; this one is not carried";
      }
      line += "), glyph positions exact";
    }
    lines.emplace_back(font.index, std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::vector<std::string> out;
  for (auto& [index, line] : lines) out.push_back(std::move(line));
  return out;
}

}  // namespace

Result<Bytes> pdf_to_ofd(ByteView pdf, const PdfToOfdOptions& options, PdfToOfdReport* report) {
  auto opened = open_pdf(pdf);
  if (!opened) return opened.error();
  PDFDoc& doc = **opened;
  const int pages = doc.getNumPages();

  ofd::NewDocument document;
  document.title = options.title.empty() ? utf8_of(doc.getDocInfoTitle().get()) : options.title;
  OfdOutputDev device(doc.getXRef(), document);
  for (int p = 1; p <= pages; ++p) {
    doc.displayPage(&device, p, 72, 72, 0, false, true, false);
    if (static_cast<int>(document.pages.size()) < p) {
      // Poppler drew nothing (a page object it cannot use): keep the page, blank.
      const bool turned = doc.getPageRotate(p) % 180 != 0;
      const double w = doc.getPageCropWidth(p), h = doc.getPageCropHeight(p);
      ofd::NewPage blank;
      blank.size = doc::PageSize{(turned ? h : w) * 25.4 / 72, (turned ? w : h) * 25.4 / 72};
      if (!(blank.size->width_mm > 0 && blank.size->height_mm > 0)) blank.size.reset();
      document.pages.push_back(std::move(blank));
      device.add_warning("page " + std::to_string(p) + ": poppler could not draw it; left blank");
    }
  }
  device.finish_fonts();
  if (document.pages[0].size) document.page_size = *document.pages[0].size;

  auto ofd = ofd::write_ofd(document, {options.creation_time, options.doc_id});
  if (!ofd) return ofd.error().with_context("writing the OFD");
  if (report) {
    report->pages = pages;
    report->fonts = device.font_lines();
    report->warnings = device.warnings();
  }
  return ofd;
}

}  // namespace eseal::render
