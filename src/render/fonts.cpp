#include "render/fonts.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "ofd/glyphs.h"

namespace eseal::render {
namespace {

// One FreeType library for the process: cairo may release a face from any thread, long after the
// renderer that opened it, so the library is never torn down and every face's creation and
// destruction is serialized by this lock (FreeType's rule for a shared library).
std::mutex& ft_mutex() {
  static std::mutex m;
  return m;
}

FT_Library ft_library() {
  static FT_Library library = [] {
    FT_Library l = nullptr;
    return FT_Init_FreeType(&l) == 0 ? l : nullptr;
  }();
  return library;
}

// An FT_Face and the bytes it reads (an embedded program), shared by the cairo faces made from it.
struct FtHolder {
  Bytes data;
  FT_Face face = nullptr;
  ~FtHolder() {
    std::lock_guard lock(ft_mutex());
    if (face) FT_Done_Face(face);
  }
};

std::shared_ptr<FtHolder> open_memory(Bytes data) {
  auto h = std::make_shared<FtHolder>();
  h->data = std::move(data);
  std::lock_guard lock(ft_mutex());
  if (!ft_library() || FT_New_Memory_Face(ft_library(), h->data.data(),
                                          static_cast<FT_Long>(h->data.size()), 0, &h->face) != 0) {
    h->face = nullptr;
    return nullptr;
  }
  return h;
}

std::shared_ptr<FtHolder> open_file(const std::string& path, int index) {
  auto h = std::make_shared<FtHolder>();
  std::lock_guard lock(ft_mutex());
  if (!ft_library() || FT_New_Face(ft_library(), path.c_str(), index, &h->face) != 0) {
    h->face = nullptr;
    return nullptr;
  }
  return h;
}

const cairo_user_data_key_t kHolderKey{};

void release_holder(void* p) {
  delete static_cast<std::shared_ptr<FtHolder>*>(p);
}

class FtFace final : public Face {
 public:
  FtFace(std::shared_ptr<FtHolder> holder, std::string description)
      : holder_(std::move(holder)), description_(std::move(description)) {
    FT_Face f = holder_->face;
    if (!f->charmap) {
      for (int i = 0; i < f->num_charmaps; ++i) {
        if (f->charmaps[i]->encoding == FT_ENCODING_MS_SYMBOL) {
          FT_Set_Charmap(f, f->charmaps[i]);
          break;
        }
      }
    }
    symbol_ = f->charmap && f->charmap->encoding == FT_ENCODING_MS_SYMBOL;
  }
  ~FtFace() override {
    for (cairo_font_face_t* c : cairo_) {
      if (c) cairo_font_face_destroy(c);
    }
  }

  unsigned glyph_for(char32_t code) const override {
    if (auto it = glyphs_.find(code); it != glyphs_.end()) return it->second;
    FT_Face f = holder_->face;
    unsigned g = 0;
    if (f->charmap) {
      g = FT_Get_Char_Index(f, code);
      if (g == 0 && symbol_ && code < 0x100) g = FT_Get_Char_Index(f, 0xF000 + code);
    }
    glyphs_.emplace(code, g);
    return g;
  }

  unsigned glyph_count() const override { return static_cast<unsigned>(holder_->face->num_glyphs); }

  cairo_font_face_t* cairo_face(bool bold, bool italic) override {
    FT_Face f = holder_->face;
    bold = bold && !(f->style_flags & FT_STYLE_FLAG_BOLD);
    italic = italic && !(f->style_flags & FT_STYLE_FLAG_ITALIC);
    cairo_font_face_t*& slot = cairo_[(bold ? 1 : 0) + (italic ? 2 : 0)];
    if (!slot) {
      slot = cairo_ft_font_face_create_for_ft_face(f, FT_LOAD_NO_HINTING);
      auto* keep = new std::shared_ptr<FtHolder>(holder_);
      cairo_font_face_set_user_data(slot, &kHolderKey, keep, release_holder);
      unsigned synth =
          (bold ? CAIRO_FT_SYNTHESIZE_BOLD : 0) | (italic ? CAIRO_FT_SYNTHESIZE_OBLIQUE : 0);
      if (synth) cairo_ft_font_face_set_synthesize(slot, synth);
    }
    return slot;
  }

  const std::string& description() const override { return description_; }

 private:
  std::shared_ptr<FtHolder> holder_;
  std::string description_;
  bool symbol_ = false;
  cairo_font_face_t* cairo_[4] = {};
  mutable std::unordered_map<char32_t, unsigned> glyphs_;  // cmap lookups, remembered
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

struct Located {
  std::string file;
  int index = 0;
  std::string family;
};

std::mutex& fc_mutex() {
  static std::mutex m;
  return m;
}

// The installed face fontconfig finds for `family`, only when one of its family names is
// `family` (fontconfig otherwise answers its default face, which is not what was asked).
std::optional<Located> locate(const std::string& family, bool bold, bool italic) {
  std::lock_guard lock(fc_mutex());
  if (!FcInit()) return std::nullopt;
  FcPattern* pattern = FcPatternCreate();
  FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcPatternAddInteger(pattern, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddInteger(pattern, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result = FcResultNoMatch;
  FcPattern* match = FcFontMatch(nullptr, pattern, &result);
  FcPatternDestroy(pattern);
  if (!match) return std::nullopt;
  std::optional<Located> out;
  const std::string wanted = lower(family);
  FcChar8* name = nullptr;
  for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &name) == FcResultMatch; ++i) {
    if (lower(reinterpret_cast<const char*>(name)) != wanted) continue;
    FcChar8* file = nullptr;
    int index = 0;
    if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
      FcPatternGetInteger(match, FC_INDEX, 0, &index);
      out = Located{reinterpret_cast<const char*>(file), index, family};
    }
    break;
  }
  FcPatternDestroy(match);
  return out;
}

}  // namespace

std::vector<std::string> FontLibrary::candidates(const std::string& name, bool serif,
                                                 bool fixed_width) {
  const std::string n = lower(name);
  std::vector<std::string> out;
  if (has(n, "仿宋") || has(n, "fangsong")) {
    out = {"Noto Serif CJK SC"};
  } else if (has(n, "楷") || has(n, "kai")) {
    out = {"AR PL UKai CN", "Noto Serif CJK SC"};
  } else if (has(n, "宋") || has(n, "song") || has(n, "simsun") || has(n, "ming")) {
    out = {"Noto Serif CJK SC"};
  } else if (has(n, "黑") || has(n, "hei") || has(n, "yahei") || has(n, "雅黑") ||
             has(n, "dengxian") || has(n, "等线")) {
    out = {"Noto Sans CJK SC"};
  } else if (has(n, "courier") || has(n, "consolas") || has(n, "mono")) {
    out = {"Liberation Mono", "DejaVu Sans Mono"};
  } else if (has(n, "times") || has(n, "georgia") || has(n, "cambria")) {
    out = {"Liberation Serif", "DejaVu Serif"};
  } else if (has(n, "arial") || has(n, "helvetica") || has(n, "verdana") || has(n, "tahoma") ||
             has(n, "calibri") || has(n, "segoe")) {
    out = {"Liberation Sans", "DejaVu Sans"};
  } else if (!name.empty()) {
    out = {name};
  }
  if (fixed_width) out.push_back("Noto Sans Mono CJK SC");
  out.push_back(serif ? "Noto Serif CJK SC" : "Noto Sans CJK SC");
  out.push_back("DejaVu Sans");
  return out;
}

struct FontLibrary::Impl {
  std::map<std::string, Face*> by_id;                      // resource ID -> face
  std::vector<std::unique_ptr<Face>> owned;                // embedded and installed faces
  std::map<std::string, std::shared_ptr<FtHolder>> files;  // "path#index" -> opened face
  std::map<std::string, Face*> installed;                  // family (+ style) -> face or null

  Face* own(std::unique_ptr<Face> face) {
    owned.push_back(std::move(face));
    return owned.back().get();
  }

  // The installed face of the first candidate family that exists, or nullptr.
  Face* installed_face(const std::vector<std::string>& families, bool bold, bool italic) {
    for (const std::string& family : families) {
      std::string key = family + (bold ? "#b" : "") + (italic ? "#i" : "");
      auto [it, fresh] = installed.emplace(key, nullptr);
      if (fresh) {
        if (auto where = locate(family, bold, italic)) {
          auto& holder = files[where->file + "#" + std::to_string(where->index)];
          if (!holder) holder = open_file(where->file, where->index);
          if (holder) it->second = own(std::make_unique<FtFace>(holder, family));
        }
      }
      if (it->second) return it->second;
    }
    return nullptr;
  }
};

// A face for a font that nothing installed can draw: every glyph is missing.
class MissingFace final : public Face {
 public:
  unsigned glyph_for(char32_t) const override { return 0; }
  unsigned glyph_count() const override { return 0; }
  cairo_font_face_t* cairo_face(bool, bool) override { return nullptr; }
  const std::string& description() const override { return what_; }

 private:
  std::string what_ = "no installed face";
};

FontLibrary::FontLibrary() : impl_(std::make_unique<Impl>()) {}
FontLibrary::~FontLibrary() = default;

Face& FontLibrary::face(const FontRequest& request, std::vector<std::string>& notes) {
  if (auto it = impl_->by_id.find(request.id); it != impl_->by_id.end()) return *it->second;
  Face* face = nullptr;
  const std::string label =
      "font " + request.id + " (" + (request.name.empty() ? request.family : request.name) + ")";
  if (!request.file.empty()) {
    if (auto holder = open_memory(request.file)) {
      face = impl_->own(std::make_unique<FtFace>(holder, "embedded " + request.file_path));
    } else {
      notes.push_back(label + ": the embedded program " + request.file_path +
                      " cannot be read; drawn with an installed face");
    }
  }
  if (!face) {
    const std::string& name = request.name.empty() ? request.family : request.name;
    auto families = candidates(name, request.serif, request.fixed_width);
    if (!request.family.empty() && request.family != name) {
      families.insert(families.begin() + 1,
                      candidates(request.family, request.serif, request.fixed_width).front());
    }
    face = impl_->installed_face(families, request.bold, request.italic);
    if (!face) {
      face = impl_->own(std::make_unique<MissingFace>());
      notes.push_back(label + ": no installed face can draw it");
    } else if (lower(face->description()) != lower(name)) {
      notes.push_back(label + ": drawn with " + face->description());
    }
  }
  impl_->by_id.emplace(request.id, face);
  return *face;
}

Face* FontLibrary::fallback(char32_t code) {
  const bool wide = ofd::is_wide(code);
  for (bool cjk : {wide, !wide}) {
    Face* f = cjk ? impl_->installed_face({"Noto Serif CJK SC", "Noto Sans CJK SC"}, false, false)
                  : impl_->installed_face({"DejaVu Sans"}, false, false);
    if (f && f->glyph_for(code) != 0) return f;
  }
  return nullptr;
}

}  // namespace eseal::render
