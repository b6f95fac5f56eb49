#include "ofd/writer.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <pugixml.hpp>

#include "crypto/encoding.h"
#include "crypto/random.h"
#include "ofd/glyphs.h"
#include "ofd/package_edit.h"
#include "ofd/xml.h"

namespace eseal::ofd {
namespace {

constexpr double kBaselineDepth = 0.8;  // the baseline's depth in the em box, in ems

// Up to four decimals (a tenth of a micrometre), trailing zeros dropped: "12.5", "0.3528".
std::string number(double v) {
  char buffer[400];  // DBL_MAX has 309 digits
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 4);
  std::string s(buffer, ec == std::errc() ? end : buffer);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string box(double x, double y, double w, double h) {
  return number(x) + " " + number(y) + " " + number(w) + " " + number(h);
}
std::string box(const doc::RectMm& r) {
  return box(r.x, r.y, r.width, r.height);
}

// ST_Array with each run of two or more equal values as "g N value" (GB/T 33190 §11.3).
std::string delta_array(const std::vector<double>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size();) {
    std::string v = number(values[i]);
    std::size_t run = 1;
    while (i + run < values.size() && number(values[i + run]) == v) ++run;
    if (!out.empty()) out += ' ';
    out += run > 1 ? "g " + std::to_string(run) + " " + v : v;
    i += run;
  }
  return out;
}

bool finite(std::initializer_list<double> values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}
bool finite(const doc::RectMm& r) {
  return finite({r.x, r.y, r.width, r.height});
}

// XML 1.0 allows no C0 controls but tab, LF and CR, nor U+FFFE and U+FFFF; text drawn by OFD
// needs none of them.
Status check_text(std::string_view text, const std::string& what) {
  auto decoded = decode_utf8_strict(text);
  if (!decoded) return Error::invalid_input(what + " is not UTF-8");
  for (char32_t c : *decoded) {
    if (c < 0x20 || c == 0x7F || c == 0xFFFE || c == 0xFFFF) {
      return Error::invalid_input(what + " holds a control character");
    }
  }
  return ok_status();
}

// A document whose root carries the ofd namespace, and its serialization.
class XmlFile {
 public:
  explicit XmlFile(const char* root_name) {
    pugi::xml_node declaration = doc_.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    root_ = element(doc_, root_name);
    root_.append_attribute("xmlns:ofd") = std::string(kOfdNamespace).c_str();
  }
  pugi::xml_node root() const { return root_; }

  static pugi::xml_node element(pugi::xml_node parent, std::string_view name) {
    return parent.append_child(("ofd:" + std::string(name)).c_str());
  }
  static pugi::xml_node element(pugi::xml_node parent, std::string_view name,
                                const std::string& text) {
    pugi::xml_node n = element(parent, name);
    n.text() = text.c_str();
    return n;
  }

  Bytes bytes() const {
    struct Sink : pugi::xml_writer {
      Bytes out;
      void write(const void* data, std::size_t size) override {
        const auto* p = static_cast<const std::uint8_t*>(data);
        out.insert(out.end(), p, p + size);
      }
    } sink;
    doc_.save(sink, "", pugi::format_raw, pugi::encoding_utf8);
    return std::move(sink.out);
  }

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

void set(pugi::xml_node node, const char* name, const std::string& value) {
  node.append_attribute(name) = value.c_str();
}

using ZipFile = std::pair<std::string, Bytes>;

std::string date_of(Time t) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

std::string font_extension(const FontResource& font) {
  std::string ext = std::filesystem::path(font.file_name).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext.empty() || ext.size() > 8) return ".ttf";
  for (char c : ext.substr(1)) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return ".ttf";
  }
  return ext;
}

bool is_png(const Bytes& data) {
  static constexpr std::uint8_t kSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return data.size() > sizeof kSignature &&
         std::memcmp(data.data(), kSignature, sizeof kSignature) == 0;
}

bool valid_alpha(int alpha) {
  return alpha >= 0 && alpha <= 255;
}
bool valid_color(const std::optional<Rgb>& rgb) {
  if (!rgb) return true;
  for (int c : *rgb) {
    if (!valid_alpha(c)) return false;
  }
  return true;
}

Status check_clips(const std::vector<ClipPath>& clips, const std::string& where) {
  for (const ClipPath& clip : clips) {
    if (auto s = check_text(clip.abbreviated_data, where + ": a clip's data"); !s) return s;
  }
  return ok_status();
}

// Each CGTransform covers characters of the TextCode, in order, without overlapping.
Status check_cg_transforms(const TextBlock& t, const std::string& where) {
  auto decoded = decode_utf8_strict(t.text);
  const int length = decoded ? static_cast<int>(decoded->size()) : 0;
  int end = 0;
  for (const CgTransform& g : t.cg_transforms) {
    if (g.code_position < end || g.code_count < 1 || g.code_position + g.code_count > length ||
        g.glyphs.empty()) {
      return Error::invalid_input(where + ": a text's CGTransform does not fit its characters");
    }
    for (int glyph : g.glyphs) {
      if (glyph < 0 || glyph > 0xFFFF) {
        return Error::invalid_input(where + ": a CGTransform names a glyph outside 0-65535");
      }
    }
    end = g.code_position + g.code_count;
  }
  return ok_status();
}

Status check(const NewDocument& d) {
  if (d.pages.empty()) return Error::invalid_input("an OFD document needs at least one page");
  auto positive = [](const doc::PageSize& s) {
    return finite({s.width_mm, s.height_mm}) && s.width_mm > 0 && s.height_mm > 0;
  };
  if (!positive(d.page_size)) return Error::invalid_input("the page size must be positive");
  if (auto s = check_text(d.title, "the title"); !s) return s;
  if (auto s = check_text(d.author, "the author"); !s) return s;
  for (std::size_t i = 0; i < d.fonts.size(); ++i) {
    if (auto s = check_text(d.fonts[i].name, "font " + std::to_string(i) + "'s name"); !s) return s;
    if (auto s = check_text(d.fonts[i].family, "font " + std::to_string(i) + "'s family"); !s)
      return s;
  }
  for (std::size_t i = 0; i < d.images.size(); ++i) {
    if (!is_png(d.images[i])) {
      return Error::invalid_input("image " + std::to_string(i) + " is not a PNG file");
    }
  }
  for (std::size_t p = 0; p < d.pages.size(); ++p) {
    const std::string where = "page " + std::to_string(p + 1);
    if (d.pages[p].size && !positive(*d.pages[p].size)) {
      return Error::invalid_input(where + ": the page size must be positive");
    }
    for (const PageObject& object : d.pages[p].objects) {
      if (const auto* t = std::get_if<TextBlock>(&object)) {
        if (t->font >= d.fonts.size()) {
          return Error::invalid_input(where + ": a text names font " + std::to_string(t->font) +
                                      ", which the document does not have");
        }
        if (!finite({t->size_mm}) || t->size_mm <= 0) {
          return Error::invalid_input(where + ": a text's size must be positive");
        }
        bool numbers = finite(t->boundary) && finite({t->x, t->y});
        for (double v : t->delta_x) numbers = numbers && finite({v});
        for (double v : t->delta_y) numbers = numbers && finite({v});
        if (t->ctm) {
          for (double v : *t->ctm) numbers = numbers && finite({v});
        }
        numbers = numbers && finite({t->line_width_mm});
        if (!numbers) return Error::invalid_input(where + ": a text has a non-finite number");
        if (auto s = check_text(t->text, where + ": a text"); !s) return s;
        if (!valid_color(t->fill_color) || !valid_color(t->stroke_color) ||
            !valid_alpha(t->alpha)) {
          return Error::invalid_input(where + ": a text's color is not RGB 0-255");
        }
        if (auto s = check_cg_transforms(*t, where); !s) return s;
        if (auto s = check_clips(t->clips, where); !s) return s;
      } else if (const auto* image = std::get_if<ImageBlock>(&object)) {
        if (image->image >= d.images.size()) {
          return Error::invalid_input(where + ": an image object names image " +
                                      std::to_string(image->image) +
                                      ", which the document does not have");
        }
        bool numbers = finite(image->boundary);
        if (image->ctm) {
          for (double v : *image->ctm) numbers = numbers && finite({v});
        }
        if (!numbers) {
          return Error::invalid_input(where + ": an image has a non-finite boundary");
        }
        if (auto s = check_clips(image->clips, where); !s) return s;
      } else {
        const auto& path = std::get<PathBlock>(object);
        bool numbers = finite(path.boundary) &&
                       finite({path.line_width_mm, path.miter_limit, path.dash_offset_mm});
        for (double v : path.dash_pattern_mm) numbers = numbers && finite({v}) && v >= 0;
        if (path.ctm) {
          for (double v : *path.ctm) numbers = numbers && finite({v});
        }
        if (!numbers) return Error::invalid_input(where + ": a path has a non-finite number");
        if (!valid_color(path.fill_color) || !valid_alpha(path.fill_alpha) ||
            !valid_alpha(path.stroke_alpha)) {
          return Error::invalid_input(where + ": a path's color is not RGB 0-255");
        }
        if (auto s = check_clips(path.clips, where); !s) return s;
        for (int c : path.color) {
          if (c < 0 || c > 255) {
            return Error::invalid_input(where + ": a path's color is not RGB 0-255");
          }
        }
        if (auto s = check_text(path.abbreviated_data, where + ": a path's data"); !s) return s;
      }
    }
  }
  return ok_status();
}

std::string color(const std::array<int, 3>& rgb) {
  return std::to_string(rgb[0]) + " " + std::to_string(rgb[1]) + " " + std::to_string(rgb[2]);
}

std::string matrix(const Matrix& m) {
  return number(m[0]) + " " + number(m[1]) + " " + number(m[2]) + " " + number(m[3]) + " " +
         number(m[4]) + " " + number(m[5]);
}

std::string number_array(const std::vector<double>& values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : " ") + number(v);
  return out;
}

void set_color(pugi::xml_node color_node, const Rgb& rgb, int alpha) {
  set(color_node, "Value", color(rgb));
  if (alpha < 255) set(color_node, "Alpha", std::to_string(alpha));
}

// Clips (GB/T 33190 §8.4) go first among a graphic unit's children.
void write_clips(pugi::xml_node object, const std::vector<ClipPath>& clips,
                 const doc::RectMm& boundary) {
  if (clips.empty()) return;
  pugi::xml_node list = XmlFile::element(object, "Clips");
  for (const ClipPath& clip : clips) {
    pugi::xml_node area = XmlFile::element(XmlFile::element(list, "Clip"), "Area");
    pugi::xml_node path = XmlFile::element(area, "Path");
    set(path, "Boundary", box(boundary));
    if (clip.even_odd) set(path, "Rule", "Even-Odd");
    XmlFile::element(path, "AbbreviatedData", clip.abbreviated_data);
  }
}

// Writes one page's objects into `layer`, taking IDs from `next_id`.
void write_objects(pugi::xml_node layer, const NewPage& page, const std::vector<int>& font_ids,
                   const std::vector<int>& image_ids, int& next_id) {
  using E = XmlFile;
  for (const PageObject& object : page.objects) {
    if (const auto* t = std::get_if<TextBlock>(&object)) {
      pugi::xml_node n = E::element(layer, "TextObject");
      set(n, "ID", std::to_string(next_id++));
      set(n, "Boundary", box(t->boundary));
      if (t->ctm) set(n, "CTM", matrix(*t->ctm));
      set(n, "Font", std::to_string(font_ids[t->font]));
      set(n, "Size", number(t->size_mm));
      if (t->stroke) {
        set(n, "Stroke", "true");
        set(n, "LineWidth", number(t->line_width_mm));
      }
      if (!t->fill) set(n, "Fill", "false");
      if (t->alpha < 255) set(n, "Alpha", std::to_string(t->alpha));
      write_clips(n, t->clips, t->boundary);
      if (t->fill_color) set_color(E::element(n, "FillColor"), *t->fill_color, 255);
      if (t->stroke_color) set_color(E::element(n, "StrokeColor"), *t->stroke_color, 255);
      for (const CgTransform& g : t->cg_transforms) {
        pugi::xml_node cg = E::element(n, "CGTransform");
        set(cg, "CodePosition", std::to_string(g.code_position));
        set(cg, "CodeCount", std::to_string(g.code_count));
        set(cg, "GlyphCount", std::to_string(g.glyphs.size()));
        std::string glyphs;
        for (int glyph : g.glyphs) glyphs += (glyphs.empty() ? "" : " ") + std::to_string(glyph);
        E::element(cg, "Glyphs", glyphs);
      }
      pugi::xml_node code = E::element(n, "TextCode", t->text);
      set(code, "X", number(t->x));
      set(code, "Y", number(t->y));
      if (!t->delta_x.empty()) set(code, "DeltaX", delta_array(t->delta_x));
      if (!t->delta_y.empty()) set(code, "DeltaY", delta_array(t->delta_y));
    } else if (const auto* image = std::get_if<ImageBlock>(&object)) {
      pugi::xml_node n = E::element(layer, "ImageObject");
      set(n, "ID", std::to_string(next_id++));
      set(n, "Boundary", box(image->boundary));
      set(n, "CTM",
          image->ctm
              ? matrix(*image->ctm)
              : number(image->boundary.width) + " 0 0 " + number(image->boundary.height) + " 0 0");
      set(n, "ResourceID", std::to_string(image_ids[image->image]));
      write_clips(n, image->clips, image->boundary);
    } else {
      const auto& path = std::get<PathBlock>(object);
      pugi::xml_node n = E::element(layer, "PathObject");
      set(n, "ID", std::to_string(next_id++));
      set(n, "Boundary", box(path.boundary));
      if (path.ctm) set(n, "CTM", matrix(*path.ctm));
      set(n, "LineWidth", number(path.line_width_mm));
      static constexpr const char* kCaps[] = {"Butt", "Round", "Square"};
      static constexpr const char* kJoins[] = {"Miter", "Round", "Bevel"};
      if (path.cap != LineCap::kButt) set(n, "Cap", kCaps[static_cast<int>(path.cap)]);
      if (path.join != LineJoin::kMiter) set(n, "Join", kJoins[static_cast<int>(path.join)]);
      if (number(path.miter_limit) != "3.528") set(n, "MiterLimit", number(path.miter_limit));
      if (!path.dash_pattern_mm.empty()) {
        if (path.dash_offset_mm != 0) set(n, "DashOffset", number(path.dash_offset_mm));
        set(n, "DashPattern", number_array(path.dash_pattern_mm));
      }
      set(n, "Stroke", path.stroke ? "true" : "false");
      set(n, "Fill", path.fill ? "true" : "false");
      if (path.even_odd) set(n, "Rule", "Even-Odd");
      write_clips(n, path.clips, path.boundary);
      if (path.fill) {
        set_color(E::element(n, "FillColor"), path.fill_color.value_or(path.color),
                  path.fill_alpha);
      }
      if (path.stroke) set_color(E::element(n, "StrokeColor"), path.color, path.stroke_alpha);
      E::element(n, "AbbreviatedData", path.abbreviated_data);
    }
  }
}

}  // namespace

Result<Bytes> write_ofd(const NewDocument& document, const WriteOptions& options) {
  if (auto s = check(document); !s) return s.error();
  std::string doc_id = options.doc_id;
  if (doc_id.empty()) {
    auto random = crypto::random_bytes(16);
    if (!random) return random.error();
    doc_id = crypto::to_hex(*random);
  } else if (auto s = check_text(doc_id, "the DocID"); !s) {
    return s.error();
  }

  // IDs in one sequence (GB/T 33190 §7.5 MaxUnitID): fonts, images, then each page, its layer
  // and its objects.
  int next_id = 1;
  std::vector<int> font_ids, image_ids;
  for (std::size_t i = 0; i < document.fonts.size(); ++i) font_ids.push_back(next_id++);
  for (std::size_t i = 0; i < document.images.size(); ++i) image_ids.push_back(next_id++);

  std::vector<ZipFile> files;
  std::vector<ZipFile> pages;
  std::vector<int> page_ids;
  for (std::size_t p = 0; p < document.pages.size(); ++p) {
    const NewPage& page = document.pages[p];
    page_ids.push_back(next_id++);
    XmlFile content("Page");
    doc::PageSize size = page.size.value_or(document.page_size);
    XmlFile::element(XmlFile::element(content.root(), "Area"), "PhysicalBox",
                     box(0, 0, size.width_mm, size.height_mm));
    pugi::xml_node layer = XmlFile::element(XmlFile::element(content.root(), "Content"), "Layer");
    set(layer, "ID", std::to_string(next_id++));
    write_objects(layer, page, font_ids, image_ids, next_id);
    pages.push_back({"Doc_0/Pages/Page_" + std::to_string(p) + "/Content.xml", content.bytes()});
  }

  XmlFile ofd("OFD");
  set(ofd.root(), "Version", "1.0");
  set(ofd.root(), "DocType", "OFD");
  pugi::xml_node body = XmlFile::element(ofd.root(), "DocBody");
  pugi::xml_node info = XmlFile::element(body, "DocInfo");
  XmlFile::element(info, "DocID", doc_id);
  if (!document.title.empty()) XmlFile::element(info, "Title", document.title);
  if (!document.author.empty()) XmlFile::element(info, "Author", document.author);
  XmlFile::element(info, "CreationDate", date_of(options.creation_time));
  XmlFile::element(info, "Creator", "eseal");
  XmlFile::element(body, "DocRoot", "Doc_0/Document.xml");
  files.push_back({"OFD.xml", ofd.bytes()});

  XmlFile doc("Document");
  pugi::xml_node common = XmlFile::element(doc.root(), "CommonData");
  XmlFile::element(common, "MaxUnitID", std::to_string(next_id - 1));
  XmlFile::element(XmlFile::element(common, "PageArea"), "PhysicalBox",
                   box(0, 0, document.page_size.width_mm, document.page_size.height_mm));
  if (!document.fonts.empty()) XmlFile::element(common, "PublicRes", "PublicRes.xml");
  if (!document.images.empty()) XmlFile::element(common, "DocumentRes", "DocumentRes.xml");
  pugi::xml_node page_list = XmlFile::element(doc.root(), "Pages");
  for (std::size_t p = 0; p < document.pages.size(); ++p) {
    pugi::xml_node n = XmlFile::element(page_list, "Page");
    set(n, "ID", std::to_string(page_ids[p]));
    set(n, "BaseLoc", "Pages/Page_" + std::to_string(p) + "/Content.xml");
  }
  files.push_back({"Doc_0/Document.xml", doc.bytes()});

  std::vector<ZipFile> resources;
  if (!document.fonts.empty()) {
    XmlFile res("Res");
    set(res.root(), "BaseLoc", "Res");
    pugi::xml_node fonts = XmlFile::element(res.root(), "Fonts");
    for (std::size_t i = 0; i < document.fonts.size(); ++i) {
      const FontResource& f = document.fonts[i];
      pugi::xml_node n = XmlFile::element(fonts, "Font");
      set(n, "ID", std::to_string(font_ids[i]));
      set(n, "FontName", f.name);
      set(n, "FamilyName", f.family.empty() ? f.name : f.family);
      if (f.bold) set(n, "Bold", "true");
      if (f.italic) set(n, "Italic", "true");
      if (!f.file.empty()) {
        std::string name = "font_" + std::to_string(font_ids[i]) + font_extension(f);
        XmlFile::element(n, "FontFile", name);
        resources.push_back({"Doc_0/Res/" + name, f.file});
      }
    }
    files.push_back({"Doc_0/PublicRes.xml", res.bytes()});
  }
  if (!document.images.empty()) {
    XmlFile res("Res");
    set(res.root(), "BaseLoc", "Res");
    pugi::xml_node media = XmlFile::element(res.root(), "MultiMedias");
    for (std::size_t i = 0; i < document.images.size(); ++i) {
      std::string name = "image_" + std::to_string(image_ids[i]) + ".png";
      pugi::xml_node n = XmlFile::element(media, "MultiMedia");
      set(n, "ID", std::to_string(image_ids[i]));
      set(n, "Type", "Image");
      set(n, "Format", "PNG");
      XmlFile::element(n, "MediaFile", name);
      resources.push_back({"Doc_0/Res/" + name, document.images[i]});
    }
    files.push_back({"Doc_0/DocumentRes.xml", res.bytes()});
  }
  files.insert(files.end(), resources.begin(), resources.end());
  files.insert(files.end(), pages.begin(), pages.end());
  return edit_package({}, PackageEdit{std::move(files), {}, options.creation_time});
}

Result<LaidOutText> layout_text(std::string_view text, const TextLayout& layout) {
  auto decoded = decode_utf8_strict(text);
  if (!decoded) return Error::invalid_input("the text is not UTF-8");
  const double em = layout.font_size_mm;
  const double width = layout.page.width_mm - layout.margin_left_mm - layout.margin_right_mm;
  const double bottom = layout.page.height_mm - layout.margin_bottom_mm;
  const double line_height = layout.line_height_em * em;
  if (!finite({em, width, bottom, line_height, layout.margin_top_mm}) || em <= 0 ||
      line_height <= 0 || layout.margin_left_mm < 0 || layout.margin_top_mm < 0 ||
      layout.margin_right_mm < 0 || layout.margin_bottom_mm < 0) {
    return Error::invalid_input("the font size, line height and margins must be positive");
  }
  if (width < em || layout.margin_top_mm + em > bottom) {
    return Error::invalid_input("the margins leave no room for a line of " + number(em) +
                                " mm text");
  }

  // Paragraphs of printable characters.
  std::vector<std::u32string> paragraphs(1);
  for (char32_t c : *decoded) {
    if (c == '\n') {
      paragraphs.emplace_back();
    } else if (c == '\t') {
      paragraphs.back() += U' ';
    } else if (c >= 0x20 && c != 0x7F && c != 0xFFFE && c != 0xFFFF) {
      paragraphs.back() += c;
    }
  }
  if (paragraphs.size() > 1 && paragraphs.back().empty()) paragraphs.pop_back();

  LaidOutText out;
  NewDocument& d = out.document;
  d.page_size = layout.page;
  d.fonts.push_back(layout.font);
  d.pages.emplace_back();
  double top = layout.margin_top_mm;
  auto next_line = [&] {
    top += line_height;
    if (top + em > bottom + 1e-9) {
      d.pages.emplace_back();
      top = layout.margin_top_mm;
    }
  };
  auto is_space = [](char32_t c) { return c == U' '; };
  auto in_word = [&](char32_t c) { return !is_space(c) && !is_wide(c); };

  for (std::size_t p = 0; p < paragraphs.size(); ++p) {
    const std::u32string& par = paragraphs[p];
    if (p > 0) next_line();
    std::size_t i = 0;
    bool wrapped = false;
    while (i < par.size() || !wrapped) {
      if (wrapped) {
        while (i < par.size() && is_space(par[i])) ++i;
        if (i == par.size()) break;
        next_line();
      }
      wrapped = true;
      std::size_t j = i;
      double used = 0;
      while (j < par.size() && used + default_advance_em(par[j]) * em <= width + 1e-9) {
        used += default_advance_em(par[j]) * em;
        ++j;
      }
      if (j < par.size() && j > i && in_word(par[j]) && in_word(par[j - 1])) {
        std::size_t space = j;
        while (space > i && !is_space(par[space - 1])) --space;
        if (space > i) j = space;
      }
      LaidOutLine line;
      line.page = static_cast<int>(d.pages.size()) - 1;
      line.text = par.substr(i, j - i);
      line.top_mm = top;
      double x = layout.margin_left_mm;
      TextBlock block;
      for (char32_t c : line.text) {
        line.x_mm.push_back(x);
        double advance = default_advance_em(c) * em;
        x += advance;
        block.delta_x.push_back(advance);
      }
      i = j;
      bool blank = true;
      for (char32_t c : line.text) blank = blank && is_space(c);
      if (!blank) {
        block.delta_x.pop_back();  // n characters, n - 1 steps
        block.font = 0;
        block.size_mm = em;
        block.boundary = {layout.margin_left_mm, top, x - layout.margin_left_mm, em};
        block.x = 0;
        block.y = kBaselineDepth * em;
        block.text = encode_utf8(line.text);
        d.pages.back().objects.emplace_back(std::move(block));
      }
      if (!line.text.empty()) out.lines.push_back(std::move(line));
    }
  }
  return out;
}

}  // namespace eseal::ofd
