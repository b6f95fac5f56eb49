// Fonts for drawing OFD text with cairo (GB/T 33190-2016 §11.1 Font): the embedded font program
// when the document carries one (FreeType through cairo), otherwise an installed face found
// through fontconfig by a fixed map of the names Chinese documents use, with every substitution
// recorded. A glyph a font lacks is taken from a CJK or Latin fallback face. Positions never come
// from a font: the renderer places each glyph where the OFD says.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"

typedef struct _cairo_font_face cairo_font_face_t;

namespace eseal::render {

// A Font resource as the document declares it.
struct FontRequest {
  std::string id;         // the resource ID, for reports
  std::string name;       // FontName
  std::string family;     // FamilyName
  Bytes file;             // the embedded font program; empty when only named
  std::string file_path;  // the entry it came from, for reports
  bool bold = false, italic = false;
  bool serif = true;  // Serif="false" names a sans face
  bool fixed_width = false;
};

// An opened face. Owned by its FontLibrary.
class Face {
 public:
  virtual ~Face() = default;
  // The glyph for `code` (0 when the face has none): through the Unicode cmap, else a symbol
  // cmap at 0xF000 + code.
  virtual unsigned glyph_for(char32_t code) const = 0;
  // The number of glyphs, to check CGTransform's glyph ids.
  virtual unsigned glyph_count() const = 0;
  // A cairo face, with synthetic emboldening or slant when asked and the face has neither.
  virtual cairo_font_face_t* cairo_face(bool bold, bool italic) = 0;
  // "embedded Doc_0/Res/font_1.ttf" or "Noto Serif CJK SC for 宋体".
  virtual const std::string& description() const = 0;
};

class FontLibrary {
 public:
  FontLibrary();
  ~FontLibrary();
  FontLibrary(const FontLibrary&) = delete;
  FontLibrary& operator=(const FontLibrary&) = delete;

  // The face for a document font, opened once per resource ID. An embedded program FreeType
  // cannot open falls back to the named face, with a note in `notes`. Substitutions (a named
  // font drawn with another installed face) are added to `notes` the first time they happen.
  Face& face(const FontRequest& request, std::vector<std::string>& notes);

  // A face holding `code` when the document's font does not: Noto Sans CJK SC for wide
  // characters, DejaVu Sans for others (whatever fontconfig finds for those names). nullptr when
  // nothing installed has the glyph.
  Face* fallback(char32_t code);

  // The installed families that `name` maps to, best first (宋体 -> Noto Serif CJK SC, SimHei ->
  // Noto Sans CJK SC, 楷体 -> AR PL UKai CN, Times New Roman -> Liberation Serif, ...); the first
  // one fontconfig has installed is used, else a CJK face by `serif`.
  static std::vector<std::string> candidates(const std::string& name, bool serif, bool fixed_width);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eseal::render
