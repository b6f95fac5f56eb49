// Makes new OFD documents (GB/T 33190-2016): OFD.xml with DocInfo (§7.4), Doc_0/Document.xml
// (§7.5), the public and document resources with fonts (§11.1) and images (§13), and one
// Content.xml per page whose single layer holds text (§11.2-11.3), image (§13) and path (§9)
// objects. Every element carries the "ofd:" prefix of http://www.ofdspec.org/2016. The package
// is a deflated ZIP; the same document and options always give the same bytes.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/placement.h"

namespace eseal::ofd {

// A font in PublicRes.xml. With `file`, the font program is embedded: copied to
// Doc_0/Res/font_N<extension of file_name> and named by FontFile.
struct FontResource {
  std::string name = "宋体";  // FontName
  std::string family;         // FamilyName; "" writes `name`
  Bytes file;                 // the font program (TrueType, OpenType); empty: referenced only
  std::string file_name;      // where `file` came from, for its extension (".ttf" by default)
  bool bold = false, italic = false;  // Bold, Italic; written only when true
};

// An ST_Array CTM "a b c d e f": (x, y) maps to (a·x + c·y + e, b·x + d·y + f).
using Matrix = std::array<double, 6>;

using Rgb = std::array<int, 3>;  // 0-255 each

// One Clip of a graphic unit's Clips (GB/T 33190 §8.4): an Area holding a Path whose
// Boundary is the object's own and whose AbbreviatedData is, like the object's, relative to
// that Boundary's top-left corner. An object with several clips is drawn where all of them
// overlap.
struct ClipPath {
  std::string abbreviated_data;
  bool even_odd = false;  // Rule="Even-Odd"; NonZero otherwise
};

// CGTransform (GB/T 33190 §11.4): `code_count` characters of the TextCode starting at
// `code_position` are drawn with the font program's glyphs `glyphs` (GlyphCount of them).
struct CgTransform {
  int code_position = 0;
  int code_count = 1;
  std::vector<int> glyphs;
};

// A TextObject holding one TextCode. X and Y (the first glyph's baseline origin) and the
// deltas are in mm, relative to the Boundary's top-left corner (through `ctm` when given).
// Runs of equal deltas are written in the "g N value" form.
struct TextBlock {
  std::size_t font = 0;  // index into NewDocument::fonts
  double size_mm = 5;
  doc::RectMm boundary;
  double x = 0, y = 0;
  std::string text;  // UTF-8, no control characters
  std::vector<double> delta_x, delta_y;
  std::optional<Matrix> ctm;
  // Drawing: FillColor and StrokeColor when given (the reader's default, black, otherwise);
  // Fill="false" and Stroke="true" are written only when they differ from the defaults.
  std::optional<Rgb> fill_color, stroke_color;
  bool fill = true, stroke = false;
  double line_width_mm = 0.353;            // LineWidth, written only when `stroke`
  int alpha = 255;                         // Alpha of the object, written when below 255
  std::vector<CgTransform> cg_transforms;  // in code order, not overlapping
  std::vector<ClipPath> clips;
};

// An ImageObject: the image fills `boundary` (CTM "width 0 0 height 0 0"), or, with `ctm`, the
// unit square (the image's top-left corner at 0 0) is mapped by it, relative to the Boundary's
// top-left corner.
struct ImageBlock {
  std::size_t image = 0;  // index into NewDocument::images
  doc::RectMm boundary;
  std::optional<Matrix> ctm;
  std::vector<ClipPath> clips;
};

enum class LineCap { kButt, kRound, kSquare };
enum class LineJoin { kMiter, kRound, kBevel };

// A PathObject: ST_AbbreviatedData ("M 0 0 L 10 0 C …") relative to `boundary`.
struct PathBlock {
  doc::RectMm boundary;
  std::string abbreviated_data;
  double line_width_mm = 0.353;  // the GB/T 33190 default
  bool stroke = true, fill = false;
  std::array<int, 3> color = {0, 0, 0};  // RGB 0-255, for both stroke and fill
  // The fill's own color when it differs from the stroke's `color`.
  std::optional<Rgb> fill_color;
  int stroke_alpha = 255, fill_alpha = 255;  // the colors' Alpha, written when below 255
  bool even_odd = false;                     // Rule="Even-Odd"; NonZero otherwise
  // Cap, Join, MiterLimit, DashOffset and DashPattern; each is written only when it differs
  // from the GB/T 33190 default (Butt, Miter, 3.528, no dashes).
  LineCap cap = LineCap::kButt;
  LineJoin join = LineJoin::kMiter;
  double miter_limit = 3.528;
  std::vector<double> dash_pattern_mm;
  double dash_offset_mm = 0;
  std::optional<Matrix> ctm;  // maps the path data before the Boundary offset
  std::vector<ClipPath> clips;
};

using PageObject = std::variant<TextBlock, ImageBlock, PathBlock>;

struct NewPage {
  std::optional<doc::PageSize> size;  // the document's page size when absent
  std::vector<PageObject> objects;    // drawn in order
};

struct NewDocument {
  std::string title, author;
  doc::PageSize page_size{210, 297};  // CommonData/PageArea
  std::vector<FontResource> fonts;
  std::vector<Bytes> images;  // PNG files
  std::vector<NewPage> pages;
};

struct WriteOptions {
  Time creation_time;  // DocInfo/CreationDate (its date) and the ZIP entries' times
  // DocInfo/DocID; "" makes a random one (32 hex digits, as ofdrw writes).
  std::string doc_id;
};

// The package's bytes. kInvalidInput for no pages, a font or image index out of range, an image
// that is not a PNG, a non-positive page or font size, text that is not UTF-8 or holds control
// characters, numbers that are not finite, or a color outside 0-255. Entry times are
// `creation_time` in UTC whatever the local time zone.
Result<Bytes> write_ofd(const NewDocument& document, const WriteOptions& options);

// How layout_text sets plain text on pages.
struct TextLayout {
  doc::PageSize page{210, 297};
  double margin_left_mm = 25, margin_top_mm = 25, margin_right_mm = 25, margin_bottom_mm = 25;
  double font_size_mm = 5;
  double line_height_em = 1.5;  // baseline to baseline
  FontResource font;
};

// Where layout_text put each line, so that callers (and tests) know where any character is.
struct LaidOutLine {
  int page = 0;  // 0-based
  std::u32string text;
  std::vector<double> x_mm;  // each character's left edge on the page
  double top_mm = 0;         // the top of the line's em box; its baseline is 0.8 em lower
};

struct LaidOutText {
  NewDocument document;
  std::vector<LaidOutLine> lines;
};

// Sets UTF-8 `text` on pages: each '\n' ends a paragraph (a final one is ignored, a tab counts
// as a space, "\r" and other control characters are dropped), lines wrap at the right margin —
// before the word that would cross it when the line holds a space, else before the character — and
// spaces at the start of a wrapped line are dropped. Characters advance by default_advance_em (one
// em for CJK, half an em otherwise, see ofd/glyphs.h) whatever font is named or embedded: every
// glyph is placed by DeltaX, so readers draw it exactly there, and positions never depend on
// font files. Each line is one TextObject whose Boundary is the line's em box (its width the
// sum of advances, its height one em), with the baseline at Y = 0.8 em. kInvalidInput for text
// that is not UTF-8, negative margins, or sizes that leave no room for one character or line.
Result<LaidOutText> layout_text(std::string_view text, const TextLayout& layout);

}  // namespace eseal::ofd
