#include "pdf/text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <utility>

#include "pdf/font.h"
#include "pdf/object_values.h"
#include "pdf/page_warnings.h"
#include "pdf/text_encoding.h"

namespace eseal::pdf {
namespace {

using text_detail::entry;
using text_detail::Font;
using text_detail::FontLoader;
using text_detail::GlyphCode;
using text_detail::GlyphMetrics;
using text_detail::name_of;
using text_detail::number_of;
using text_detail::PageWarnings;

// Limits that keep hostile documents from exhausting time or memory.
constexpr int kMaxFormDepth = 12;
constexpr std::size_t kMaxCharsPerPage = 2'000'000;
constexpr int kMaxFormsPerPage = 10'000;
constexpr std::size_t kMaxContentBytesPerPage = std::size_t{256} << 20;  // decoded, forms included
constexpr std::size_t kMaxGraphicsStates = 4096;
constexpr std::size_t kMaxOperands = 32;

// ---------------------------------------------------------------------------------------------
// Geometry

struct Point {
  double x = 0, y = 0;
};

Point operator-(Point p, Point q) {
  return {p.x - q.x, p.y - q.y};
}
double dot(Point p, Point q) {
  return p.x * q.x + p.y * q.y;
}
double cross(Point p, Point q) {
  return p.x * q.y - p.y * q.x;
}
double length(Point p) {
  return std::hypot(p.x, p.y);
}

// An affine map in PDF's row-vector convention: p' = p × M.
struct Matrix {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;

  // This map followed by `m` (the product this × m).
  Matrix then(const Matrix& m) const {
    return {a * m.a + b * m.c, a * m.b + b * m.d,       c * m.a + d * m.c,
            c * m.b + d * m.d, e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
  }
  Point apply(Point p) const { return {p.x * a + p.y * c + e, p.x * b + p.y * d + f}; }
  Point apply_vector(Point p) const { return {p.x * a + p.y * c, p.x * b + p.y * d}; }
};

Matrix translation(double tx, double ty) {
  return {1, 0, 0, 1, tx, ty};
}

// ---------------------------------------------------------------------------------------------
// Unicode

// Presentation-form ligatures are spelled out, so that "fi" in a keyword finds "ﬁ".
void append_spelled_out(std::u32string& out, char32_t c) {
  switch (c) {
    case 0xFB00:
      out += U"ff";
      return;
    case 0xFB01:
      out += U"fi";
      return;
    case 0xFB02:
      out += U"fl";
      return;
    case 0xFB03:
      out += U"ffi";
      return;
    case 0xFB04:
      out += U"ffl";
      return;
    case 0xFB06:
      out += U"st";
      return;
    default:
      out += c;
  }
}

// A forward jump of more than this many ems between two characters on a line is a word space.
constexpr double kWordGap = 0.15;

bool is_blank(char32_t c) {
  return c == U' ' || c == U'\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x3000;
}

// Ideographs, kana, hangul and CJK punctuation and full-width forms.
bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

// ---------------------------------------------------------------------------------------------
// Content streams: the graphics state (ISO 32000-1 §8.4), text state and text objects (§9.3,
// §9.4), text-showing operators (§9.4.3) and Form XObjects (§8.10).

struct TextState {
  double char_spacing = 0, word_spacing = 0, horizontal_scale = 1, leading = 0, rise = 0;
  double font_size = 0;
  const Font* font = nullptr;
};

struct GraphicsState {
  Matrix ctm;
  TextState text;
};

class PageReader {
 public:
  PageReader(FontLoader& fonts, PageText& out, PageWarnings& warnings)
      : fonts_(fonts), out_(out), warnings_(warnings) {}

  void read(QPDFObjectHandle page);

  // For the content-stream callbacks.
  bool stopped() const { return stopped_; }
  void content_size(std::size_t size);
  void run(const std::string& op, const std::vector<QPDFObjectHandle>& operands);

 private:
  struct Frame {
    QPDFObjectHandle resources;
    QPDFObjGen form;                           // the Form XObject drawn, or none for the page
    std::map<std::string, const Font*> fonts;  // by resource name; nullptr when missing
  };
  struct LastGlyph {
    bool valid = false;
    Point origin, next_origin, direction;
    double size = 0;
  };

  GraphicsState& state() { return stack_.back(); }
  void bad_operands(const std::string& op) {
    warnings_.add_once("operands " + op, "operator " + op + " with bad operands ignored");
  }
  void push_state();
  void pop_state();
  void move_line(double tx, double ty) {
    tlm_ = translation(tx, ty).then(tlm_);
    tm_ = tlm_;
  }
  void set_font(const std::string& name, double size);
  const Font& current_font();
  void show(const std::string& bytes);
  void show_array(QPDFObjectHandle array);
  void adjust(double thousandths);
  void emit(const Font& font, GlyphCode code);
  bool breaks_line(Point origin, Point direction, double size) const;
  void add_word_space(const Font& font, Point origin, double size, char32_t before,
                      std::vector<TextChar>& made);
  void draw_xobject(const std::string& name);
  void parse(QPDFObjectHandle content, bool page, const std::string& what);

  FontLoader& fonts_;
  PageText& out_;
  PageWarnings& warnings_;
  std::vector<GraphicsState> stack_{GraphicsState{}};
  std::size_t floor_ = 1;     // Q never pops below this in the current content stream
  std::size_t overflow_ = 0;  // q beyond kMaxGraphicsStates, matched by Q that do nothing
  std::vector<Frame> frames_;
  Matrix tm_, tlm_;
  LastGlyph last_;
  std::vector<GlyphCode> codes_;       // the codes of the string being shown
  std::vector<TextChar> glyph_chars_;  // the characters of the glyph being shown
  int forms_ = 0;
  std::size_t content_bytes_ = 0;
  bool stopped_ = false;
};

class ContentCallbacks : public QPDFObjectHandle::ParserCallbacks {
 public:
  explicit ContentCallbacks(PageReader& reader) : reader_(reader) {}

  using QPDFObjectHandle::ParserCallbacks::handleObject;
  void handleObject(QPDFObjectHandle object) override {
    ++objects_;
    if (reader_.stopped()) terminateParsing();
    if (object.isOperator()) {
      reader_.run(object.getOperatorValue(), operands_);
      operands_.clear();
      if (reader_.stopped()) terminateParsing();
    } else {
      // Operators use their last operands; a run of stray operands is cut short.
      if (operands_.size() == kMaxOperands) operands_.erase(operands_.begin());
      operands_.push_back(object);
    }
  }
  void contentSize(std::size_t size) override { reader_.content_size(size); }
  void handleEOF() override {}
  std::size_t objects() const { return objects_; }

 private:
  PageReader& reader_;
  std::size_t objects_ = 0;
  std::vector<QPDFObjectHandle> operands_;
};

void PageReader::read(QPDFObjectHandle page) {
  QPDFPageObjectHelper helper(page);
  frames_.push_back({helper.getAttribute("/Resources", false), QPDFObjGen(), {}});
  ContentCallbacks callbacks(*this);
  try {
    helper.parseContents(&callbacks);
    return;
  } catch (const std::exception& e) {
    warnings_.add_once(e.what(), std::string("content stream: ") + e.what());
    if (callbacks.objects() > 0) return;
  }
  // QPDF decodes all of a page's content streams before parsing, so one that cannot be decoded
  // stops them all: read the others one by one.
  QPDFObjectHandle contents = page.getKey("/Contents");
  if (!contents.isArray()) return;
  int n = contents.getArrayNItems();
  for (int i = 0; i < n && !stopped_; ++i) {
    QPDFObjectHandle part = contents.getArrayItem(i);
    if (!part.isStream()) continue;
    ContentCallbacks one(*this);
    try {
      QPDFObjectHandle::parseContentStream(part, &one);
    } catch (const std::exception& e) {
      warnings_.add_once(e.what(), std::string("content stream: ") + e.what());
    }
  }
}

void PageReader::content_size(std::size_t size) {
  content_bytes_ += size;
  if (content_bytes_ > kMaxContentBytesPerPage && !stopped_) {
    warnings_.add("more than " + std::to_string(kMaxContentBytesPerPage >> 20) +
                  " MiB of content; the rest of the page is not read");
    stopped_ = true;
  }
}

void PageReader::push_state() {
  if (stack_.size() >= kMaxGraphicsStates) {
    ++overflow_;
    return;
  }
  stack_.push_back(stack_.back());
}

void PageReader::pop_state() {
  if (overflow_ > 0) {
    --overflow_;
  } else if (stack_.size() > floor_) {
    stack_.pop_back();
  } else {
    warnings_.add_once("Q", "Q without a matching q ignored");
  }
}

void PageReader::run(const std::string& op, const std::vector<QPDFObjectHandle>& operands) {
  // The last `n` operands as numbers.
  double v[6] = {};
  auto numbers = [&](std::size_t n) {
    if (operands.size() < n) return false;
    for (std::size_t k = 0; k < n; ++k) {
      std::optional<double> x = number_of(operands[operands.size() - n + k]);
      if (!x) return false;
      v[k] = *x;
    }
    return true;
  };
  // The operand `k` places from the end (1: the last).
  auto from_end = [&](std::size_t k) {
    return k <= operands.size() ? operands[operands.size() - k] : QPDFObjectHandle::newNull();
  };
  auto matrix = [&] { return Matrix{v[0], v[1], v[2], v[3], v[4], v[5]}; };
  TextState& text = state().text;

  if (op == "q") {
    push_state();
  } else if (op == "Q") {
    pop_state();
  } else if (op == "cm") {
    if (!numbers(6)) return bad_operands(op);
    state().ctm = matrix().then(state().ctm);
  } else if (op == "BT") {
    tm_ = tlm_ = Matrix{};
  } else if (op == "Tc" || op == "Tw" || op == "Tz" || op == "TL" || op == "Ts") {
    if (!numbers(1)) return bad_operands(op);
    if (op == "Tc") text.char_spacing = v[0];
    if (op == "Tw") text.word_spacing = v[0];
    if (op == "Tz") text.horizontal_scale = v[0] / 100;
    if (op == "TL") text.leading = v[0];
    if (op == "Ts") text.rise = v[0];
  } else if (op == "Tf") {
    if (!numbers(1) || !from_end(2).isName()) return bad_operands(op);
    set_font(from_end(2).getName(), v[0]);
  } else if (op == "Td" || op == "TD") {
    if (!numbers(2)) return bad_operands(op);
    if (op == "TD") text.leading = -v[1];
    move_line(v[0], v[1]);
  } else if (op == "Tm") {
    if (!numbers(6)) return bad_operands(op);
    tm_ = tlm_ = matrix();
  } else if (op == "T*") {
    move_line(0, -text.leading);
  } else if (op == "Tj" || op == "'") {
    if (!from_end(1).isString()) return bad_operands(op);
    if (op == "'") move_line(0, -text.leading);
    show(from_end(1).getStringValue());
  } else if (op == "\"") {
    std::optional<double> aw = number_of(from_end(3)), ac = number_of(from_end(2));
    if (!from_end(1).isString() || !aw || !ac) return bad_operands(op);
    text.word_spacing = *aw;
    text.char_spacing = *ac;
    move_line(0, -text.leading);
    show(from_end(1).getStringValue());
  } else if (op == "TJ") {
    if (!from_end(1).isArray()) return bad_operands(op);
    show_array(from_end(1));
  } else if (op == "Do") {
    if (!from_end(1).isName()) return bad_operands(op);
    draw_xobject(from_end(1).getName());
  }
}

void PageReader::set_font(const std::string& name, double size) {
  Frame& frame = frames_.back();
  const Font* font = nullptr;
  if (auto it = frame.fonts.find(name); it != frame.fonts.end()) {
    font = it->second;
  } else {
    font = fonts_.load(entry(entry(frame.resources, "/Font"), name), warnings_);
    frame.fonts.emplace(name, font);
  }
  if (font == nullptr) {
    warnings_.add_once("font " + name, "font " + name.substr(1) +
                                           " is not in the resources; Helvetica substituted");
  }
  state().text.font = font;
  state().text.font_size = size;
}

const Font& PageReader::current_font() {
  if (state().text.font) return *state().text.font;
  warnings_.add_once("no font", "text shown without a usable font; Helvetica substituted");
  return fonts_.fallback();
}

void PageReader::show(const std::string& bytes) {
  const Font& font = current_font();
  font.split(bytes, codes_);
  for (GlyphCode code : codes_) {
    if (stopped_) return;
    emit(font, code);
  }
}

void PageReader::show_array(QPDFObjectHandle array) {
  int n = array.getArrayNItems();
  for (int i = 0; i < n && !stopped_; ++i) {
    QPDFObjectHandle item = array.getArrayItem(i);
    if (item.isString()) {
      show(item.getStringValue());
    } else if (std::optional<double> amount = number_of(item)) {
      adjust(*amount);
    } else {
      bad_operands("TJ");
    }
  }
}

void PageReader::adjust(double thousandths) {
  const TextState& text = state().text;
  const Font& font = current_font();
  double shift = -thousandths / 1000 * text.font_size;
  tm_ = (font.vertical ? translation(0, shift) : translation(shift * text.horizontal_scale, 0))
            .then(tm_);
}

bool PageReader::breaks_line(Point origin, Point direction, double size) const {
  if (!last_.valid) return false;
  double em = std::max(last_.size, size);
  if (dot(last_.direction, direction) < 0.95) return true;
  if (std::fabs(cross(last_.direction, origin - last_.origin)) > 0.5 * em) return true;
  return dot(last_.direction, origin - last_.next_origin) < -em;
}

void PageReader::emit(const Font& font, GlyphCode code) {
  const TextState& text = state().text;
  const GlyphMetrics m = font.metrics(code);
  const double size = text.font_size, scale = text.horizontal_scale;
  const double spacing =
      text.char_spacing + (code.bytes == 1 && code.code == 32 ? text.word_spacing : 0);
  const Matrix to_user = tm_.then(state().ctm);

  // The glyph's box in text space (font size, horizontal scaling and rise applied) and the
  // text matrix after it.
  double x0, x1, y0, y1;
  Matrix next;
  Point along;
  if (!font.vertical) {
    x0 = 0;
    x1 = m.advance * size * scale;
    y0 = font.descent * size + text.rise;
    y1 = font.ascent * size + text.rise;
    next = translation((m.advance * size + spacing) * scale, 0).then(tm_);
    along = {1, 0};
  } else {
    x0 = -m.vx * size * scale;
    x1 = (m.advance - m.vx) * size * scale;
    y0 = m.w1y * size + text.rise;
    y1 = text.rise;
    next = translation(0, m.w1y * size + spacing).then(tm_);
    along = {0, -1};
  }

  std::u32string chars;
  for (char32_t c : font.unicode(code)) append_spelled_out(chars, c);
  if (chars.empty()) chars = std::u32string(1, kReplacementCharacter);
  if (chars.size() > 32) chars.resize(32);

  Point origin = to_user.apply({0, 0});
  Point direction = to_user.apply_vector(along);
  double norm = length(direction);
  direction = norm > 1e-12 && std::isfinite(norm) ? Point{direction.x / norm, direction.y / norm}
                                                  : Point{1, 0};
  double em = length(to_user.apply_vector(font.vertical ? Point{size, 0} : Point{0, size}));
  Point next_origin = next.then(state().ctm).apply({0, 0});

  std::vector<TextChar>& made = glyph_chars_;
  made.clear();
  const double parts = static_cast<double>(chars.size());
  for (std::size_t k = 0; k < chars.size(); ++k) {
    // A ligature's characters share its box evenly along the advance.
    double t0 = static_cast<double>(k) / parts, t1 = static_cast<double>(k + 1) / parts;
    Point corners[4];
    if (!font.vertical) {
      double a = x0 + (x1 - x0) * t0, b = x0 + (x1 - x0) * t1;
      corners[0] = {a, y0}, corners[1] = {b, y0}, corners[2] = {a, y1}, corners[3] = {b, y1};
    } else {
      double a = y1 - (y1 - y0) * t0, b = y1 - (y1 - y0) * t1;
      corners[0] = {x0, a}, corners[1] = {x1, a}, corners[2] = {x0, b}, corners[3] = {x1, b};
    }
    TextChar c;
    c.code = is_scalar(chars[k]) ? chars[k] : kReplacementCharacter;
    Point p = to_user.apply(corners[0]);
    c.box = {p.x, p.y, p.x, p.y};
    for (const Point& corner : corners) {
      Point q = to_user.apply(corner);
      c.box.llx = std::min(c.box.llx, q.x);
      c.box.lly = std::min(c.box.lly, q.y);
      c.box.urx = std::max(c.box.urx, q.x);
      c.box.ury = std::max(c.box.ury, q.y);
    }
    if (!std::isfinite(c.box.llx) || !std::isfinite(c.box.lly) || !std::isfinite(c.box.urx) ||
        !std::isfinite(c.box.ury)) {
      warnings_.add_once("infinite", "glyphs placed outside any finite position skipped");
      made.clear();
      break;
    }
    made.push_back(c);
  }
  tm_ = next;
  if (made.empty()) return;
  if (out_.chars.size() + made.size() > kMaxCharsPerPage) {
    warnings_.add("more than " + std::to_string(kMaxCharsPerPage) +
                  " characters; the rest of the page is not read");
    stopped_ = true;
    return;
  }
  made.front().starts_line = breaks_line(origin, direction, em);
  if (!made.front().starts_line && last_.valid && !out_.chars.empty()) {
    add_word_space(font, origin, em, out_.chars.back().code, made);
  }
  out_.chars.insert(out_.chars.end(), made.begin(), made.end());
  last_ = {true, origin, next_origin, direction, em};
}

// Many writers leave word spaces out and move the next word along instead (TeX always does):
// such a gap between two characters that are not whitespace becomes a space, with the gap as
// its box. CJK text is set without spaces, so gaps next to CJK characters (justified or
// letter-spaced lines) stay gaps.
void PageReader::add_word_space(const Font& font, Point origin, double size, char32_t before,
                                std::vector<TextChar>& made) {
  const char32_t after = made.front().code;
  const double gap = dot(last_.direction, origin - last_.next_origin);
  if (gap <= kWordGap * std::max(size, last_.size) || is_blank(before) || is_blank(after) ||
      is_cjk(before) || is_cjk(after)) {
    return;
  }
  const Point across{-last_.direction.y, last_.direction.x};
  TextChar space;
  space.code = U' ';
  space.box = {origin.x, origin.y, origin.x, origin.y};
  for (Point p : {last_.next_origin, origin}) {
    for (double extent : {font.descent * size, font.ascent * size}) {
      Point q{p.x + across.x * extent, p.y + across.y * extent};
      space.box.llx = std::min(space.box.llx, q.x);
      space.box.lly = std::min(space.box.lly, q.y);
      space.box.urx = std::max(space.box.urx, q.x);
      space.box.ury = std::max(space.box.ury, q.y);
    }
  }
  made.insert(made.begin(), space);
}

void PageReader::draw_xobject(const std::string& name) {
  QPDFObjectHandle resources = frames_.back().resources;
  QPDFObjectHandle xobject = entry(entry(resources, "/XObject"), name);
  if (!xobject.isStream()) {
    warnings_.add_once("xobject " + name, "XObject " + name.substr(1) + " is not in the resources");
    return;
  }
  if (name_of(entry(xobject, "/Subtype")) != "Form") return;  // images carry no text
  QPDFObjGen id = xobject.getObjGen();
  for (const Frame& frame : frames_) {
    if (frame.form == id) {
      warnings_.add_once("recursive " + id.unparse(' '),
                         "Form XObject " + name.substr(1) + " draws itself; not drawn again");
      return;
    }
  }
  if (frames_.size() > static_cast<std::size_t>(kMaxFormDepth)) {
    warnings_.add_once("depth", "Form XObjects nested deeper than " +
                                    std::to_string(kMaxFormDepth) + " not drawn");
    return;
  }
  if (++forms_ > kMaxFormsPerPage) {
    warnings_.add("more than " + std::to_string(kMaxFormsPerPage) +
                  " Form XObjects drawn; the rest of the page is not read");
    stopped_ = true;
    return;
  }

  // The form runs in a graphics state of its own, with its matrix, its resources (else those
  // of the stream that draws it) and a text object of its own.
  const std::size_t depth = stack_.size(), floor = floor_, overflow = overflow_;
  const Matrix tm = tm_, tlm = tlm_;
  stack_.push_back(stack_.back());
  floor_ = stack_.size();
  overflow_ = 0;
  if (QPDFObjectHandle matrix = entry(xobject, "/Matrix"); matrix.isMatrix()) {
    QPDFObjectHandle::Matrix m = matrix.getArrayAsMatrix();
    Matrix form{m.a, m.b, m.c, m.d, m.e, m.f};
    if (std::isfinite(form.a + form.b + form.c + form.d + form.e + form.f)) {
      state().ctm = form.then(state().ctm);
    }
  }
  QPDFObjectHandle own = entry(xobject, "/Resources");
  frames_.push_back({own.isDictionary() ? own : resources, id, {}});
  ContentCallbacks callbacks(*this);
  try {
    xobject.parseAsContents(&callbacks);
  } catch (const std::exception& e) {
    warnings_.add("Form XObject " + name.substr(1) + ": " + e.what());
  }
  frames_.pop_back();
  stack_.resize(depth);
  floor_ = floor;
  overflow_ = overflow;
  tm_ = tm;
  tlm_ = tlm;
}

}  // namespace

std::string PageText::utf8() const {
  std::string text;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i > 0 && chars[i].starts_line) text += '\n';
    append_utf8(text, chars[i].code);
  }
  return text;
}

Result<std::vector<PageText>> extract_text(const Document& doc, std::optional<int> page,
                                           std::vector<std::string>* warnings) {
  const int count = doc.page_count();
  if (page && (*page < 0 || *page >= count)) {
    return Error::invalid_input("page " + std::to_string(*page + 1) +
                                " does not exist: the document has " + std::to_string(count) +
                                " pages");
  }
  const int first = page.value_or(0), end = page ? *page + 1 : count;
  FontLoader fonts;
  std::vector<PageText> pages;
  for (int p = first; p < end; ++p) {
    PageText text;
    text.page = p;
    PageWarnings page_warnings(warnings, p);
    try {
      PageReader reader(fonts, text, page_warnings);
      reader.read(doc.page(p));
    } catch (const std::exception& e) {
      page_warnings.add(e.what());
    }
    fonts.end_page();
    // QPDF's own warnings while reading this page (undecodable streams, bad objects).
    for (const QPDFExc& w : doc.qpdf().getWarnings()) page_warnings.add_once(w.what(), w.what());
    pages.push_back(std::move(text));
  }
  return pages;
}

std::vector<TextMatch> find_text(const std::vector<PageText>& pages, std::string_view keyword) {
  std::vector<TextMatch> matches;
  const std::u32string wanted = decode_utf8(keyword);
  if (wanted.empty()) return matches;
  for (const PageText& page : pages) {
    const std::vector<TextChar>& chars = page.chars;
    for (std::size_t i = 0; i + wanted.size() <= chars.size();) {
      std::size_t k = 0;
      while (k < wanted.size() && chars[i + k].code == wanted[k] &&
             (k == 0 || !chars[i + k].starts_line)) {
        ++k;
      }
      if (k < wanted.size()) {
        ++i;
        continue;
      }
      TextMatch match{page.page, chars[i].box};
      for (std::size_t j = i + 1; j < i + wanted.size(); ++j) {
        match.box.llx = std::min(match.box.llx, chars[j].box.llx);
        match.box.lly = std::min(match.box.lly, chars[j].box.lly);
        match.box.urx = std::max(match.box.urx, chars[j].box.urx);
        match.box.ury = std::max(match.box.ury, chars[j].box.ury);
      }
      matches.push_back(match);
      i += wanted.size();
    }
  }
  return matches;
}

}  // namespace eseal::pdf
