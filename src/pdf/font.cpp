#include "pdf/font.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <qpdf/Buffer.hh>

#include "pdf/object_values.h"
#include "pdf/text_encoding.h"

namespace eseal::pdf::text_detail {
namespace {

constexpr std::size_t kMaxCMapBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxWidthEntries = std::size_t{1} << 20;

// The decoded bytes of a stream, or nullopt (with `problem` set) when it cannot be decoded or is
// larger than `limit`.
std::optional<std::string> stream_bytes(QPDFObjectHandle stream, std::size_t limit,
                                        std::string& problem) {
  if (!stream.isStream()) {
    problem = "not a stream";
    return std::nullopt;
  }
  try {
    std::shared_ptr<Buffer> data = stream.getStreamData(qpdf_dl_generalized);
    if (data->getSize() > limit) {
      problem = "larger than " + std::to_string(limit) + " bytes";
      return std::nullopt;
    }
    return std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
  } catch (const std::exception& e) {
    problem = e.what();
    return std::nullopt;
  }
}

struct PredefinedCMap {
  CodeScheme scheme = CodeScheme::kUnknown;
  const char* charset = nullptr;  // iconv's name for the codes' character set
};

// The predefined CMaps of ISO 32000-1 Table 118, by family.
PredefinedCMap predefined_cmap(const std::string& name) {
  auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
  auto starts = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
  if (starts("Identity")) return {CodeScheme::kIdentity, nullptr};
  if (has("UCS2")) return {CodeScheme::kFixed2, "UCS-2BE"};
  if (has("UTF16")) return {CodeScheme::kUtf16, "UTF-16BE"};
  if (has("UTF8")) return {CodeScheme::kUtf8, "UTF-8"};
  if (has("UTF32")) return {CodeScheme::kFixed4, "UTF-32BE"};
  if (starts("GB")) return {CodeScheme::kGb, "GB18030"};
  if (has("B5")) return {CodeScheme::kBig5, "BIG5-HKSCS"};
  if (has("RKSJ")) return {CodeScheme::kShiftJis, "CP932"};
  if (starts("EUC")) return {CodeScheme::kEucJp, "EUC-JP"};
  if (starts("KSC")) return {CodeScheme::kKorean, "CP949"};
  return {};
}

template <typename Range>
const Range* find_range(const std::vector<Range>& ranges, std::uint32_t cid) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), cid,
                             [](std::uint32_t c, const Range& r) { return c < r.first; });
  // Ranges may overlap; look back a little for one that holds `cid`.
  for (int k = 0; k < 8 && it != ranges.begin(); ++k) {
    --it;
    if (cid <= it->last) return &*it;
  }
  return nullptr;
}

double standard_width(int metrics, const std::string& glyph) {
  if (metrics == kCourier) return 0.6;
  const LatinGlyph* g = metrics >= 0 ? find_latin(glyph) : nullptr;
  return g && g->widths[metrics] > 0 ? g->widths[metrics] / 1000.0 : 0.5;
}

// The font descriptor's ascent and descent, when they are plausible.
void set_extent(Font& font, QPDFObjectHandle descriptor, double scale) {
  std::optional<double> ascent = number_of(entry(descriptor, "/Ascent"));
  std::optional<double> descent = number_of(entry(descriptor, "/Descent"));
  if (!ascent || !descent) return;
  double a = *ascent * scale, d = *descent * scale;
  if (a > 0 && a <= 3 && d <= 0 && d >= -2 && a - d >= 0.2) {
    font.ascent = a;
    font.descent = d;
  }
}

// The glyph names and Unicode of a simple font's 256 codes; returns the names.
EncodingNames set_simple_encoding(Font& font, BaseEncoding base, QPDFObjectHandle differences,
                                  PageWarnings* warnings) {
  EncodingNames names = encoding_names(base);
  std::array<bool, 256> renamed{};
  if (differences.isArray()) {
    long long code = -1;
    int n = differences.getArrayNItems();
    for (int i = 0; i < n; ++i) {
      QPDFObjectHandle item = differences.getArrayItem(i);
      if (std::optional<long long> number = integer_of(item)) {
        code = *number;
      } else if (item.isName() && code >= 0 && code < 256) {
        names[static_cast<std::size_t>(code)] = name_of(item);
        renamed[static_cast<std::size_t>(code)] = true;
        ++code;
      } else if (item.isName()) {
        ++code;
      } else if (warnings) {
        warnings->add_once("differences " + font.name,
                           "font " + font.name + ": bad /Differences entry ignored");
      }
    }
  }
  for (std::size_t code = 0; code < 256; ++code) {
    if (base == BaseEncoding::kLatin1 && !renamed[code]) {
      if (code >= 0x20)
        font.encoding_unicode[code] = std::u32string(1, static_cast<char32_t>(code));
    } else {
      font.encoding_unicode[code] = glyph_name_unicode(names[code]);
    }
  }
  return names;
}

// /W: "c [w1 w2 …]" and "c_first c_last w" (§9.7.4.3).
void read_widths(Font& font, QPDFObjectHandle w, PageWarnings& warnings) {
  if (!w.isArray()) return;
  int n = w.getArrayNItems();
  bool bad = false;
  for (int i = 0; i < n && font.cid_widths.size() < kMaxWidthEntries;) {
    std::optional<long long> first = integer_of(w.getArrayItem(i));
    if (!first || *first < 0 || *first > 0xFFFFFFFF || i + 1 >= n) {
      bad = true;
      break;
    }
    QPDFObjectHandle next = w.getArrayItem(i + 1);
    if (next.isArray()) {
      int m = next.getArrayNItems();
      for (int k = 0; k < m && font.cid_widths.size() < kMaxWidthEntries; ++k) {
        std::optional<double> width = number_of(next.getArrayItem(k));
        auto cid = static_cast<std::uint32_t>(std::min<long long>(*first + k, 0xFFFFFFFF));
        if (width) font.cid_widths.push_back({cid, cid, *width / 1000});
      }
      i += 2;
      continue;
    }
    std::optional<long long> last = integer_of(next);
    std::optional<double> width = i + 2 < n ? number_of(w.getArrayItem(i + 2)) : std::nullopt;
    if (!last || !width || *last < *first || *last > 0xFFFFFFFF) {
      bad = true;
      break;
    }
    font.cid_widths.push_back(
        {static_cast<std::uint32_t>(*first), static_cast<std::uint32_t>(*last), *width / 1000});
    i += 3;
  }
  if (bad)
    warnings.add_once("widths " + font.name,
                      "font " + font.name + ": bad /W array; the rest uses /DW");
  std::stable_sort(font.cid_widths.begin(), font.cid_widths.end(),
                   [](const WidthRange& x, const WidthRange& y) { return x.first < y.first; });
}

// /W2: "c [w1y vx vy …]" and "c_first c_last w1y vx vy" (§9.7.4.3).
void read_vertical(Font& font, QPDFObjectHandle w2) {
  if (!w2.isArray()) return;
  int n = w2.getArrayNItems();
  for (int i = 0; i < n && font.cid_vertical.size() < kMaxWidthEntries;) {
    std::optional<long long> first = integer_of(w2.getArrayItem(i));
    if (!first || *first < 0 || *first > 0xFFFFFFFF || i + 1 >= n) break;
    QPDFObjectHandle next = w2.getArrayItem(i + 1);
    if (next.isArray()) {
      int m = next.getArrayNItems();
      for (int k = 0; k + 2 < m; k += 3) {
        std::optional<double> w1y = number_of(next.getArrayItem(k));
        std::optional<double> vx = number_of(next.getArrayItem(k + 1));
        auto cid = static_cast<std::uint32_t>(std::min<long long>(*first + k / 3, 0xFFFFFFFF));
        if (w1y && vx) font.cid_vertical.push_back({cid, cid, *w1y / 1000, *vx / 1000});
      }
      i += 2;
      continue;
    }
    std::optional<long long> last = integer_of(next);
    std::optional<double> w1y = i + 2 < n ? number_of(w2.getArrayItem(i + 2)) : std::nullopt;
    std::optional<double> vx = i + 3 < n ? number_of(w2.getArrayItem(i + 3)) : std::nullopt;
    if (!last || !w1y || !vx || *last < *first || *last > 0xFFFFFFFF) break;
    font.cid_vertical.push_back({static_cast<std::uint32_t>(*first),
                                 static_cast<std::uint32_t>(*last), *w1y / 1000, *vx / 1000});
    i += 5;
  }
  std::stable_sort(
      font.cid_vertical.begin(), font.cid_vertical.end(),
      [](const VerticalRange& x, const VerticalRange& y) { return x.first < y.first; });
}

}  // namespace

Charset::Charset(const char* name) : cd_(iconv_open("UTF-32LE", name)) {}

Charset::~Charset() {
  if (ok()) iconv_close(cd_);
}

std::u32string Charset::decode(std::string_view bytes) const {
  if (!ok()) return {};
  iconv(cd_, nullptr, nullptr, nullptr, nullptr);
  std::string in(bytes);
  char out[64];
  char* in_at = in.data();
  char* out_at = out;
  std::size_t in_left = in.size(), out_left = sizeof out;
  if (iconv(cd_, &in_at, &in_left, &out_at, &out_left) == static_cast<std::size_t>(-1) ||
      in_left != 0) {
    return {};
  }
  std::u32string text;
  for (std::size_t at = 0; at + 4 <= sizeof out - out_left; at += 4) {
    auto byte = [&](std::size_t k) {
      return static_cast<char32_t>(static_cast<unsigned char>(out[at + k]));
    };
    char32_t c = byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
    text += is_scalar(c) ? c : kReplacementCharacter;
  }
  return text;
}

void Font::split(std::string_view text, std::vector<GlyphCode>& out) const {
  out.clear();
  std::size_t at = 0;
  while (at < text.size()) {
    std::string_view rest = text.substr(at);
    int n = composite ? code_length(rest) : 1;
    n = std::clamp(n, 1, static_cast<int>(std::min<std::size_t>(rest.size(), 4)));
    GlyphCode g;
    g.bytes = n;
    for (int k = 0; k < n; ++k) {
      g.code = g.code << 8 | static_cast<unsigned char>(rest[static_cast<std::size_t>(k)]);
    }
    out.push_back(g);
    at += static_cast<std::size_t>(n);
  }
}

std::u32string Font::unicode(GlyphCode g) const {
  std::u32string text;
  if (to_unicode) text = to_unicode->unicode(g.code, g.bytes);
  if (!text.empty()) return text;
  if (!composite) return g.code < 256 ? encoding_unicode[g.code] : std::u32string{};
  if (charset) {
    std::string bytes;
    for (int k = g.bytes - 1; k >= 0; --k) bytes += static_cast<char>(g.code >> (8 * k) & 0xFF);
    return charset->decode(bytes);
  }
  return {};
}

GlyphMetrics Font::metrics(GlyphCode g) const {
  GlyphMetrics m;
  if (!composite) {
    m.advance = g.code < 256 ? widths[g.code] : 0;
    m.vx = m.advance / 2;
    return m;
  }
  std::optional<std::uint32_t> cid;
  if (scheme == CodeScheme::kIdentity) cid = g.code;
  if (scheme == CodeScheme::kEmbedded && encoding) cid = encoding->cid(g.code, g.bytes);
  if (!cid) {
    // Without CIDs, single bytes are taken as half-width characters, the rest as full-width.
    m.advance = g.bytes == 1 ? 0.5 : default_width;
    m.vx = m.advance / 2;
    m.w1y = default_w1y;
    return m;
  }
  const WidthRange* w = find_range(cid_widths, *cid);
  m.advance = w ? w->width : default_width;
  m.vx = m.advance / 2;
  m.w1y = default_w1y;
  if (const VerticalRange* v = find_range(cid_vertical, *cid)) {
    m.w1y = v->w1y;
    m.vx = v->vx;
  }
  return m;
}

int Font::code_length(std::string_view rest) const {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(rest[k]); };
  unsigned char b = byte(0);
  switch (scheme) {
    case CodeScheme::kIdentity:
    case CodeScheme::kFixed2:
      return 2;
    case CodeScheme::kFixed4:
      return 4;
    case CodeScheme::kEmbedded: {
      int n = encoding ? codespace_length(encoding->codespace(), rest) : 0;
      return n > 0 ? n : 2;
    }
    case CodeScheme::kUtf16:
      return b >= 0xD8 && b < 0xDC && rest.size() >= 4 ? 4 : 2;
    case CodeScheme::kUtf8:
      return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    case CodeScheme::kGb:
      if (b <= 0x80 || b == 0xFF) return 1;
      return rest.size() >= 4 && byte(1) >= 0x30 && byte(1) <= 0x39 ? 4 : 2;
    case CodeScheme::kBig5:
      return b < 0x81 ? 1 : 2;
    case CodeScheme::kShiftJis:
      return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC) ? 2 : 1;
    case CodeScheme::kEucJp:
      return b == 0x8F ? 3 : b == 0x8E || b >= 0xA1 ? 2 : 1;
    case CodeScheme::kKorean:
      return b >= 0x81 ? 2 : 1;
    case CodeScheme::kUnknown: {
      int n = to_unicode ? codespace_length(to_unicode->codespace(), rest) : 0;
      return n > 0 ? n : 2;
    }
  }
  return 1;
}

const Font* FontLoader::load(QPDFObjectHandle dict, PageWarnings& warnings) {
  if (!dict.isDictionary()) return nullptr;
  QPDFObjGen id = dict.getObjGen();
  if (id.isIndirect()) {
    if (auto it = indirect_.find(id); it != indirect_.end()) return it->second.get();
  }
  std::unique_ptr<Font> font = read(dict, warnings);
  const Font* result = font.get();
  if (id.isIndirect()) {
    indirect_.emplace(id, std::move(font));
  } else {
    direct_.push_back(std::move(font));
  }
  return result;
}

const Font& FontLoader::fallback() {
  if (!fallback_) {
    fallback_ = std::make_unique<Font>();
    fallback_->name = "Helvetica (substituted)";
    set_simple_encoding(*fallback_, BaseEncoding::kWinAnsi, QPDFObjectHandle::newNull(), nullptr);
    const EncodingNames& names = encoding_names(BaseEncoding::kWinAnsi);
    for (std::size_t code = 0; code < 256; ++code) {
      fallback_->widths[code] = standard_width(0, names[code]);
    }
  }
  return *fallback_;
}

std::shared_ptr<const CMap> FontLoader::cmap(QPDFObjectHandle stream, const char* what,
                                             PageWarnings& warnings) {
  QPDFObjGen id = stream.getObjGen();
  if (auto it = cmaps_.find(id); id.isIndirect() && it != cmaps_.end()) return it->second;
  std::string problem;
  std::shared_ptr<const CMap> result;
  if (std::optional<std::string> text = stream_bytes(stream, kMaxCMapBytes, problem)) {
    result = std::make_shared<CMap>(CMap::parse(*text, problem));
  }
  if (!problem.empty()) warnings.add(std::string(what) + " " + id.unparse(' ') + ": " + problem);
  if (id.isIndirect()) cmaps_[id] = result;
  return result;
}

std::unique_ptr<Font> FontLoader::read(QPDFObjectHandle dict, PageWarnings& warnings) {
  auto font = std::make_unique<Font>();
  font->name = name_of(entry(dict, "/BaseFont"));
  if (font->name.empty()) font->name = dict.getObjGen().unparse(' ');
  if (QPDFObjectHandle to_unicode = entry(dict, "/ToUnicode"); to_unicode.isStream()) {
    font->to_unicode = cmap(to_unicode, "ToUnicode CMap", warnings);
  }
  if (name_of(entry(dict, "/Subtype")) == "Type0") {
    read_composite(*font, dict, warnings);
  } else {
    read_simple(*font, dict, warnings);
  }
  return font;
}

void FontLoader::read_simple(Font& font, QPDFObjectHandle dict, PageWarnings& warnings) {
  std::string subtype = name_of(entry(dict, "/Subtype"));
  bool type3 = subtype == "Type3";
  QPDFObjectHandle descriptor = entry(dict, "/FontDescriptor");
  long long flags = integer_of(entry(descriptor, "/Flags")).value_or(0);
  double scale = 0.001;
  if (type3) {
    QPDFObjectHandle matrix = entry(dict, "/FontMatrix");
    std::optional<double> a = matrix.isArray() ? number_of(matrix.getArrayItem(0)) : std::nullopt;
    if (a && *a != 0 && std::fabs(*a) < 1e3) scale = *a;
  }

  std::string base_name =
      font.name.size() > 7 && font.name[6] == '+' ? font.name.substr(7) : font.name;
  BaseEncoding base = BaseEncoding::kStandard;
  if (type3 || base_name.rfind("Symbol", 0) == 0 ||
      base_name.find("Dingbats") != std::string::npos) {
    base = BaseEncoding::kNone;
  } else if (subtype == "TrueType" && (flags & 4) != 0 && (flags & 32) == 0) {
    base = BaseEncoding::kLatin1;
  }
  QPDFObjectHandle encoding = entry(dict, "/Encoding");
  QPDFObjectHandle differences = QPDFObjectHandle::newNull();
  std::string encoding_name = name_of(encoding);
  if (encoding.isDictionary()) {
    encoding_name = name_of(entry(encoding, "/BaseEncoding"));
    differences = entry(encoding, "/Differences");
  }
  if (encoding_name == "WinAnsiEncoding") {
    base = BaseEncoding::kWinAnsi;
  } else if (encoding_name == "MacRomanEncoding") {
    base = BaseEncoding::kMacRoman;
  } else if (encoding_name == "StandardEncoding") {
    base = BaseEncoding::kStandard;
  } else if (!encoding_name.empty()) {
    warnings.add_once("encoding " + encoding_name,
                      "font " + font.name + ": encoding " + encoding_name + " is not supported");
  }
  EncodingNames names = set_simple_encoding(font, base, differences, &warnings);

  QPDFObjectHandle widths = entry(dict, "/Widths");
  if (widths.isArray()) {
    long long first = integer_of(entry(dict, "/FirstChar")).value_or(0);
    double missing = number_of(entry(descriptor, "/MissingWidth")).value_or(0) * scale;
    font.widths.fill(missing);
    int n = widths.getArrayNItems();
    for (int i = 0; i < n && first + i < 256; ++i) {
      std::optional<double> w = number_of(widths.getArrayItem(i));
      if (first + i >= 0 && w) font.widths[static_cast<std::size_t>(first + i)] = *w * scale;
    }
  } else {
    int metrics = standard_metrics(font.name);
    for (std::size_t code = 0; code < 256; ++code) {
      font.widths[code] = standard_width(metrics, names[code]);
    }
  }
  if (!type3) set_extent(font, descriptor, 0.001);
}

void FontLoader::read_composite(Font& font, QPDFObjectHandle dict, PageWarnings& warnings) {
  font.composite = true;
  QPDFObjectHandle descendants = entry(dict, "/DescendantFonts");
  QPDFObjectHandle cid_font = descendants.isArray() && descendants.getArrayNItems() > 0
                                  ? descendants.getArrayItem(0)
                                  : QPDFObjectHandle::newNull();
  if (!cid_font.isDictionary()) {
    warnings.add_once("descendant " + font.name,
                      "font " + font.name + ": no descendant CIDFont; default widths used");
  }

  QPDFObjectHandle encoding = entry(dict, "/Encoding");
  if (encoding.isStream()) {
    font.scheme = CodeScheme::kEmbedded;
    font.encoding = cmap(encoding, "encoding CMap", warnings);
    font.vertical = font.encoding && font.encoding->vertical();
    if (!font.encoding) font.scheme = CodeScheme::kIdentity;
  } else {
    std::string name = name_of(encoding);
    if (name.empty()) {
      warnings.add_once("encoding " + font.name,
                        "font " + font.name + ": no /Encoding; taken as Identity-H");
      name = "Identity-H";
    }
    PredefinedCMap predefined = predefined_cmap(name);
    font.scheme = predefined.scheme;
    font.vertical = name.size() > 2 && name.compare(name.size() - 2, 2, "-V") == 0;
    if (predefined.charset) {
      font.charset = std::make_unique<Charset>(predefined.charset);
      if (!font.charset->ok()) font.charset.reset();
    }
    if (predefined.scheme == CodeScheme::kUnknown) {
      warnings.add_once("encoding " + name,
                        "font " + font.name + ": CMap " + name +
                            " is not known; codes are read through its ToUnicode CMap");
    }
  }

  if (std::optional<double> dw = number_of(entry(cid_font, "/DW"))) font.default_width = *dw / 1000;
  read_widths(font, entry(cid_font, "/W"), warnings);
  QPDFObjectHandle dw2 = entry(cid_font, "/DW2");
  if (dw2.isArray() && dw2.getArrayNItems() == 2) {
    if (std::optional<double> w1y = number_of(dw2.getArrayItem(1))) font.default_w1y = *w1y / 1000;
  }
  if (font.vertical) read_vertical(font, entry(cid_font, "/W2"));
  set_extent(font, entry(cid_font, "/FontDescriptor"), 0.001);
}

}  // namespace eseal::pdf::text_detail
