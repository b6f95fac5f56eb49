#include "render/ofd_render.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numbers>
#include <set>

#include "base/utf8.h"
#include "image/cairo_support.h"
#include "ofd/content.h"
#include "ofd/document.h"
#include "ofd/glyphs.h"
#include "ofd/package.h"
#include "ofd/text.h"
#include "ofd/xml.h"
#include "render/fonts.h"
#include "render/jbig2.h"
#include "ses/signature.h"

namespace eseal::render {
namespace {

using ofd::attribute;
using ofd::child;
using ofd::children;
using ofd::local_name;
using ofd::Matrix;

constexpr double kMmPerInch = 25.4;
constexpr double kPointsPerMm = 72.0 / kMmPerInch;
constexpr double kDefaultLineWidth = 0.353;  // GB/T 33190 §9.1
constexpr double kThinnestLine = 0.1;        // drawn for LineWidth 0
constexpr double kDefaultMiterLimit = 4.234;
constexpr std::size_t kMaxGlyphsPerPage = 2'000'000;
// Graphic units drawn for one page from composite units (a page's own objects are bounded by the
// size of its XML; composite units are reused, so ten wide and sixty deep would be 10^60).
constexpr std::size_t kMaxCompositeObjectsPerPage = 100'000;

bool flag(pugi::xml_node node, std::string_view name, bool fallback) {
  pugi::xml_attribute a = attribute(node, name);
  if (!a) return fallback;
  std::string_view v = a.value();
  return v == "true" || v == "1";
}

std::vector<double> numbers(std::string_view text) {
  std::vector<double> out;
  for (auto t : ofd::array_tokens(text)) {
    if (auto v = ofd::parse_number(t)) out.push_back(*v);
  }
  return out;
}

// Bytes written by cairo's stream functions.
cairo_status_t append_to(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

// A Res file's resources by ID, with the folder their files are found in.
struct Resource {
  pugi::xml_node node;
  std::string res_path;  // the Res XML's entry name
  std::string base;      // its BaseLoc folder, resolved; "" for the package root
};

// What drawing one page keeps: its own resources (Page/PageRes) and a glyph count for the limit.
struct PageContext {
  std::size_t glyphs = 0;
  std::size_t composite_objects = 0;  // drawn inside composite units
  int composite_depth = 0;
  std::map<std::string, Resource> page_resources;
};

}  // namespace

struct OfdRenderer::Impl {
  std::optional<ofd::Package> package;
  ofd::DocBody body;
  std::string title;
  RenderOptions options;
  doc::PageSize default_size{210, 297};
  std::vector<std::unique_ptr<pugi::xml_document>> xml_files;        // kept for the nodes below
  std::map<std::string, Resource> resources;                         // document-wide, by ID
  std::map<std::string, std::string> templates;                      // TemplatePage ID -> entry
  std::map<std::string, std::vector<std::string>> annotation_files;  // page ID -> PageAnnot
  std::map<std::string, pugi::xml_node> parsed;                      // entry -> root element
  FontLibrary fonts;
  struct Font {
    Face* face;
    std::string id, name;
    bool bold, italic;
  };
  std::map<std::string, Font> fonts_by_id;          // Font resource ID -> its face, opened once
  std::map<std::string, Result<Picture>> pictures;  // MultiMedia ID -> decoded
  std::uint64_t decoded_pixels = 0;                 // in `pictures`, against max_document_pixels
  bool seals_read = false;
  struct Seal {
    std::string page_id;
    doc::RectMm boundary;
    std::optional<doc::RectMm> clip;
    std::shared_ptr<Result<Picture>> picture;  // a raster picture
    std::shared_ptr<OfdRenderer> vector;       // an OFD picture
  };
  std::vector<Seal> seals;
  RenderReport report;
  std::set<std::string> said;

  void warn(const std::string& what) {
    if (said.insert(what).second) report.warnings.push_back(what);
  }
  void note_substitution(const std::string& what) {
    if (said.insert(what).second) report.substitutions.push_back(what);
  }

  // A page's root element. Only the last page read is kept (page_size and draw read the same
  // page in turn), so a long document's pages are not all held in memory.
  std::string page_path;
  std::unique_ptr<pugi::xml_document> page_xml;
  Result<pugi::xml_node> page_root(const std::string& path) {
    if (page_xml && page_path == path) return page_xml->document_element();
    page_xml.reset();
    auto xml = ofd::read_xml(*package, path);
    if (!xml) return xml.error();
    page_xml = std::move(*xml);
    page_path = path;
    return page_xml->document_element();
  }

  // Any other entry's root element (templates, resources, annotations), parsed once and kept.
  Result<pugi::xml_node> root(const std::string& path) {
    if (auto it = parsed.find(path); it != parsed.end()) return it->second;
    auto xml = ofd::read_xml(*package, path);
    if (!xml) return xml.error();
    pugi::xml_node r = (*xml)->document_element();
    xml_files.push_back(std::move(*xml));
    parsed.emplace(path, r);
    return r;
  }

  // A file named in a Res file: from the package root when absolute, else from the Res file's
  // BaseLoc folder, else (as some producers mean it) from the Res file's own folder.
  std::string resource_file(const Resource& res, std::string_view loc) {
    std::string text(loc);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    std::vector<std::string> tries;
    if (!res.base.empty()) tries.push_back(res.base + "_");
    tries.push_back(res.res_path);
    for (const auto& from : tries) {
      auto p = ofd::resolve_path(from, text);
      if (p && package->contains(*p)) return *p;
    }
    return "";
  }

  void read_resources(const std::string& res_path, std::map<std::string, Resource>& into) {
    auto r = root(res_path);
    if (!r) {
      warn("resource file " + res_path + " cannot be read: " + r.error().message);
      return;
    }
    Resource base{{}, res_path, ""};
    if (pugi::xml_attribute loc = attribute(*r, "BaseLoc")) {
      auto folder = ofd::resolve_path(res_path, loc.value());
      if (folder) base.base = *folder + "/";
    }
    for (pugi::xml_node group : r->children()) {
      if (group.type() != pugi::node_element) continue;
      for (pugi::xml_node item : group.children()) {
        if (item.type() != pugi::node_element) continue;
        if (pugi::xml_attribute id = attribute(item, "ID")) {
          Resource res = base;
          res.node = item;
          into.emplace(id.value(), res);
        }
      }
    }
  }

  Status load() {
    auto structure = ofd::read_structure(*package);
    if (!structure) return structure.error();
    body = std::move(structure->documents.front());
    if (body.pages.empty()) return Error::invalid_input("the OFD document has no pages");
    auto size = ofd::default_page_size(body);
    if (!size) return size.error();
    default_size = *size;
    auto t = ofd::template_pages(*package, body);
    if (!t) return t.error();
    templates = std::move(*t);
    if (auto ofd_root = root(std::string(ofd::kOfdXml))) {
      pugi::xml_node info = child(child(*ofd_root, "DocBody"), "DocInfo");
      title = ofd::text(child(info, "Title"));
    }
    if (body.document_path.empty()) return ok_status();
    auto doc = root(body.document_path);
    if (!doc) return doc.error();
    pugi::xml_node common = child(*doc, "CommonData");
    for (const char* kind : {"PublicRes", "DocumentRes"}) {
      for (pugi::xml_node n : children(common, kind)) {
        auto p = ofd::resolve_path(body.document_path, ofd::text(n));
        if (p && package->contains(*p)) {
          read_resources(*p, resources);
        } else {
          warn(std::string(kind) + " \"" + ofd::text(n) + "\" names no file in the package");
        }
      }
    }
    if (options.annotations) {
      std::string loc = ofd::text(child(*doc, "Annotations"));
      if (!loc.empty()) read_annotations(loc);
    }
    return ok_status();
  }

  void read_annotations(const std::string& loc) {
    auto path = ofd::resolve_path(body.document_path, loc);
    if (!path || !package->contains(*path)) {
      warn("Annotations \"" + loc + "\" names no file in the package");
      return;
    }
    auto r = root(*path);
    if (!r) {
      warn("annotations cannot be read: " + r.error().message);
      return;
    }
    for (pugi::xml_node page : children(*r, "Page")) {
      auto file = ofd::resolve_path(*path, ofd::text(child(page, "FileLoc")));
      if (file && package->contains(*file)) {
        annotation_files[attribute(page, "PageID").value()].push_back(*file);
      }
    }
  }

  // The seals of every signature, read once: where each shows and its picture.
  void read_seals() {
    seals_read = true;
    for (const ofd::SignatureEntry& entry : body.signatures) {
      if (entry.path.empty() || !package->contains(entry.path)) continue;
      auto xml = package->read(entry.path);
      if (!xml) continue;
      auto description = ofd::parse_signature_xml(*xml, entry.path);
      if (!description || description->stamp_annots.empty()) continue;
      std::shared_ptr<Result<Picture>> raster;
      std::shared_ptr<OfdRenderer> vector;
      std::string problem;
      auto value = description->signed_value_path.empty()
                       ? Result<Bytes>(Error::not_found("no SignedValue"))
                       : package->read(description->signed_value_path);
      if (!value) {
        problem = value.error().message;
      } else if (auto signature = ses::decode_signature(*value); !signature) {
        problem = "its SignedValue is not an SES_Signature";
      } else {
        const ses::SealPicture& pic = signature->seal.info.picture;
        std::string type = pic.type;
        std::transform(type.begin(), type.end(), type.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (type == "ofd") {
          if (options.max_nesting <= 0) {
            problem = "its OFD picture nests too deep";
          } else {
            RenderOptions inner = options;
            inner.max_nesting = options.max_nesting - 1;
            auto r = OfdRenderer::open(pic.data, inner);
            if (r) {
              vector = std::make_shared<OfdRenderer>(std::move(*r));
            } else {
              problem = "its OFD picture cannot be read: " + r.error().message;
            }
          }
        } else {
          raster = std::make_shared<Result<Picture>>(decode_picture(pic.data, pixel_budget()));
          if (*raster) {
            decoded_pixels += static_cast<std::uint64_t>((*raster)->width) * (*raster)->height;
          } else {
            problem = "its picture cannot be decoded: " + raster->error().message;
          }
        }
      }
      if (!problem.empty()) {
        warn("signature " + entry.id + ": the seal is not drawn: " + problem);
        continue;
      }
      for (const ofd::StampAnnot& a : description->stamp_annots) {
        seals.push_back({a.page_ref, a.boundary, a.clip, raster, vector});
      }
    }
  }

  // What one more decoded picture may hold: the per-picture limit, or what is left of the
  // document's budget (seal pictures included).
  std::uint64_t pixel_budget() const {
    const std::uint64_t budget = std::min(options.max_document_pixels, kMaxDocumentPixels);
    return std::min(
        {options.max_picture_pixels, kMaxPicturePixels, budget - std::min(budget, decoded_pixels)});
  }

  const Result<Picture>& picture(const std::string& id, const Resource& res) {
    if (auto it = pictures.find(id); it != pictures.end()) return it->second;
    std::string file = resource_file(res, ofd::text(child(res.node, "MediaFile")));
    Result<Picture> decoded =
        Error::not_found("image " + id + ": its MediaFile is not in the package");
    if (!file.empty()) {
      auto media = package->read(file);
      const std::uint64_t limit = pixel_budget();
      decoded = !media             ? Result<Picture>(media.error())
                : is_jbig2(*media) ? decode_jbig2(*media, limit)
                                   : decode_picture(*media, limit);
      if (decoded) {
        decoded_pixels += static_cast<std::uint64_t>(decoded->width) * decoded->height;
      } else {
        decoded = decoded.error().with_context("image " + id + " (" + file + ")");
      }
    }
    return pictures.emplace(id, std::move(decoded)).first->second;
  }
};

namespace {

// One page's drawing: walks the content XML and draws on a cairo context in mm.
class Drawer {
 public:
  Drawer(OfdRenderer::Impl& doc, cairo_t* cr, PageContext& page)
      : doc_(doc), cr_(cr), page_(page) {}

  const Resource* resource(std::string_view id) {
    std::string key(id);
    if (auto it = page_.page_resources.find(key); it != page_.page_resources.end()) {
      return &it->second;
    }
    if (auto it = doc_.resources.find(key); it != doc_.resources.end()) return &it->second;
    return nullptr;
  }

  // A page file (the page or a template): its layers, Background first and Foreground last.
  Status page_file(pugi::xml_node page, const std::string& path) {
    std::vector<pugi::xml_node> layers = children(child(page, "Content"), "Layer");
    auto rank = [](pugi::xml_node layer) {
      std::string_view type = attribute(layer, "Type").value();
      return type == "Background" ? 0 : type == "Foreground" ? 2 : 1;
    };
    std::stable_sort(layers.begin(), layers.end(),
                     [&](pugi::xml_node a, pugi::xml_node b) { return rank(a) < rank(b); });
    path_ = path;
    for (pugi::xml_node layer : layers) {
      std::string layer_param = attribute(layer, "DrawParam").value();
      std::swap(layer_param_, layer_param);
      Status s = blocks(layer, 0);
      std::swap(layer_param_, layer_param);
      if (!s) return s;
    }
    return ok_status();
  }

  Status blocks(pugi::xml_node parent, int depth) {
    if (depth > ofd::kMaxBlockDepth) {
      return Error::invalid_input(path_ + ": PageBlocks nested deeper than " +
                                  std::to_string(ofd::kMaxBlockDepth));
    }
    for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling()) {
      if (n.type() != pugi::node_element) continue;
      std::string_view name = local_name(n.name());
      if (name == "PageBlock") {
        if (auto s = blocks(n, depth + 1); !s) return s;
      } else if (name == "TextObject" || name == "PathObject" || name == "ImageObject" ||
                 name == "CompositeObject") {
        if (auto s = object(n, name, depth); !s) return s;
      }
    }
    return ok_status();
  }

  // An annotation's Appearance: its Boundary places its content on the page.
  Status appearance(pugi::xml_node appearance) {
    auto box = ofd::parse_box(attribute(appearance, "Boundary").value());
    cairo_save(cr_);
    if (box) cairo_translate(cr_, box->x, box->y);
    Status s = blocks(appearance, 1);
    cairo_restore(cr_);
    return s;
  }

 private:
  std::string where(pugi::xml_node object) const {
    std::string w = path_ + ": " + std::string(local_name(object.name()));
    if (pugi::xml_attribute id = attribute(object, "ID")) w += std::string(" ") + id.value();
    return w;
  }

  // A graphic unit (§8.5): Visible, Boundary, Clips, CTM and Alpha, then the object itself.
  Status object(pugi::xml_node node, std::string_view name, int depth) {
    if (page_.composite_depth > 0 && ++page_.composite_objects > kMaxCompositeObjectsPerPage) {
      return Error::invalid_input(path_ + ": composite units draw more than " +
                                  std::to_string(kMaxCompositeObjectsPerPage) +
                                  " graphic units on one page");
    }
    if (!flag(node, "Visible", true)) return ok_status();
    doc::RectMm boundary{};
    if (pugi::xml_attribute b = attribute(node, "Boundary")) {
      auto r = ofd::parse_box(b.value());
      if (!r) {
        doc_.warn(where(node) + ": Boundary \"" + b.value() + "\" is not a box; not drawn");
        return ok_status();
      }
      boundary = *r;
    }
    auto ctm = ofd::ctm_attribute(node, where(node));
    if (!ctm) {
      doc_.warn(ctm.error().message + "; not drawn");
      return ok_status();
    }
    auto alpha = ofd::number_attribute(node, "Alpha", 255, where(node));
    const double opacity = alpha ? std::clamp(*alpha, 0.0, 255.0) / 255 : 1;
    cairo_save(cr_);
    cairo_translate(cr_, boundary.x, boundary.y);
    clips(node);
    Status s = ok_status();
    if (apply(*ctm, node)) {
      if (opacity < 1) cairo_push_group(cr_);
      if (name == "PathObject") {
        path_object(node);
      } else if (name == "TextObject") {
        s = text_object(node);
      } else if (name == "ImageObject") {
        image_object(node);
      } else {
        s = composite_object(node, depth);
      }
      if (opacity < 1) {
        cairo_pop_group_to_source(cr_);
        cairo_paint_with_alpha(cr_, opacity);
      }
    }
    cairo_restore(cr_);
    return s;
  }

  // Applies a CTM; false (and a warning) when it cannot be inverted, which draws nothing.
  bool apply(const std::optional<Matrix>& m, pugi::xml_node node) {
    if (!m) return true;
    cairo_matrix_t cm;
    cairo_matrix_init(&cm, (*m)[0], (*m)[1], (*m)[2], (*m)[3], (*m)[4], (*m)[5]);
    cairo_matrix_t inverse = cm;
    if (cairo_matrix_invert(&inverse) != CAIRO_STATUS_SUCCESS) {
      if (node) doc_.warn(where(node) + ": its CTM cannot be inverted; not drawn");
      return false;
    }
    cairo_transform(cr_, &cm);
    return true;
  }

  // Clips (§8.5): every Clip intersects; the Areas of one Clip unite. An Area's path is in the
  // object's Boundary space, through the Area's CTM.
  void clips(pugi::xml_node node) {
    for (pugi::xml_node clip : children(child(node, "Clips"), "Clip")) {
      cairo_new_path(cr_);
      bool any = false;
      for (pugi::xml_node area : children(clip, "Area")) {
        cairo_save(cr_);
        auto ctm = ofd::ctm_attribute(area, where(node) + ": Clip/Area");
        bool drawn = ctm && apply(*ctm, {});
        pugi::xml_node shape = child(area, "Path");
        if (!shape) shape = child(area, "Text");
        if (drawn && shape) {
          auto box = ofd::parse_box(attribute(shape, "Boundary").value());
          if (box) cairo_translate(cr_, box->x, box->y);
          auto inner = ofd::ctm_attribute(shape, where(node) + ": Clip/Area");
          if (inner && apply(*inner, {})) {
            if (local_name(shape.name()) == "Path") {
              any = abbreviated_path(ofd::text(child(shape, "AbbreviatedData")), shape) || any;
            } else if (box) {
              cairo_rectangle(cr_, 0, 0, box->width, box->height);
              any = true;
            }
          }
        }
        cairo_restore(cr_);
      }
      if (any) cairo_clip(cr_);
      cairo_new_path(cr_);
    }
  }

  // ST_AbbreviatedData (§9.3) as cairo's current path. False when nothing was drawable.
  bool abbreviated_path(std::string_view data, pugi::xml_node node) {
    auto t = ofd::array_tokens(data);
    std::size_t i = 0;
    bool any = false, bad = false;
    double cx = 0, cy = 0;
    auto take = [&](std::size_t n, double* out) {
      if (i + n > t.size()) return false;
      for (std::size_t k = 0; k < n; ++k) {
        auto v = ofd::parse_number(t[i + k]);
        if (!v) return false;
        out[k] = *v;
      }
      i += n;
      return true;
    };
    while (i < t.size() && !bad) {
      std::string_view op = t[i++];
      double v[7];
      if (op == "S" || op == "M") {
        if (!(bad = !take(2, v))) cairo_move_to(cr_, cx = v[0], cy = v[1]);
      } else if (op == "L") {
        if (!(bad = !take(2, v))) {
          if (!cairo_has_current_point(cr_)) cairo_move_to(cr_, cx, cy);
          cairo_line_to(cr_, cx = v[0], cy = v[1]);
          any = true;
        }
      } else if (op == "Q") {
        if (!(bad = !take(4, v))) {
          if (!cairo_has_current_point(cr_)) cairo_move_to(cr_, cx, cy);
          // A quadratic Bézier as the cubic with the same curve.
          cairo_curve_to(cr_, cx + 2.0 / 3 * (v[0] - cx), cy + 2.0 / 3 * (v[1] - cy),
                         v[2] + 2.0 / 3 * (v[0] - v[2]), v[3] + 2.0 / 3 * (v[1] - v[3]), v[2],
                         v[3]);
          cx = v[2];
          cy = v[3];
          any = true;
        }
      } else if (op == "B") {
        if (!(bad = !take(6, v))) {
          if (!cairo_has_current_point(cr_)) cairo_move_to(cr_, cx, cy);
          cairo_curve_to(cr_, v[0], v[1], v[2], v[3], cx = v[4], cy = v[5]);
          any = true;
        }
      } else if (op == "A") {
        if (!(bad = !take(7, v))) {
          if (!cairo_has_current_point(cr_)) cairo_move_to(cr_, cx, cy);
          arc(cx, cy, v);
          cx = v[5];
          cy = v[6];
          any = true;
        }
      } else if (op == "C") {
        cairo_close_path(cr_);
      } else {
        bad = true;
      }
    }
    if (bad && node) {
      doc_.warn(where(node) + ": AbbreviatedData is malformed; drawn up to the fault");
    }
    return any;
  }

  // The elliptical arc of §9.3 "A rx ry angle large sweep x y" from (x0, y0), as SVG defines it
  // (endpoint to centre parameterization, SVG 1.1 appendix F.6.5).
  void arc(double x0, double y0, const double* v) {
    double rx = std::fabs(v[0]), ry = std::fabs(v[1]);
    const double phi = v[2] * std::numbers::pi / 180;
    const bool large = v[3] != 0, sweep = v[4] != 0;
    const double x1 = v[5], y1 = v[6];
    if (rx == 0 || ry == 0 || (x0 == x1 && y0 == y1)) {
      cairo_line_to(cr_, x1, y1);
      return;
    }
    const double c = std::cos(phi), s = std::sin(phi);
    const double dx = (x0 - x1) / 2, dy = (y0 - y1) / 2;
    const double xp = c * dx + s * dy, yp = -s * dx + c * dy;
    const double lambda = xp * xp / (rx * rx) + yp * yp / (ry * ry);
    if (lambda > 1) {
      rx *= std::sqrt(lambda);
      ry *= std::sqrt(lambda);
    }
    double num = rx * rx * ry * ry - rx * rx * yp * yp - ry * ry * xp * xp;
    double den = rx * rx * yp * yp + ry * ry * xp * xp;
    double k = std::sqrt(std::max(0.0, num / den)) * (large == sweep ? -1 : 1);
    const double cxp = k * rx * yp / ry, cyp = -k * ry * xp / rx;
    const double cx = c * cxp - s * cyp + (x0 + x1) / 2;
    const double cy = s * cxp + c * cyp + (y0 + y1) / 2;
    auto angle = [](double ux, double uy, double vx, double vy) {
      return std::atan2(ux * vy - uy * vx, ux * vx + uy * vy);
    };
    const double t1 = angle(1, 0, (xp - cxp) / rx, (yp - cyp) / ry);
    double delta = angle((xp - cxp) / rx, (yp - cyp) / ry, (-xp - cxp) / rx, (-yp - cyp) / ry);
    if (!sweep && delta > 0) delta -= 2 * std::numbers::pi;
    if (sweep && delta < 0) delta += 2 * std::numbers::pi;
    cairo_save(cr_);
    cairo_translate(cr_, cx, cy);
    cairo_rotate(cr_, phi);
    cairo_scale(cr_, rx, ry);
    if (sweep) {
      cairo_arc(cr_, 0, 0, 1, t1, t1 + delta);
    } else {
      cairo_arc_negative(cr_, 0, 0, 1, t1, t1 + delta);
    }
    cairo_restore(cr_);
  }

  // The DrawParam chain of an object (its own, else its layer's), followed through Relative.
  std::vector<pugi::xml_node> draw_params(pugi::xml_node node) {
    std::vector<pugi::xml_node> chain;
    std::string id = attribute(node, "DrawParam").value();
    if (id.empty()) id = layer_param_;
    for (int hops = 0; !id.empty() && hops < 16; ++hops) {
      const Resource* r = resource(id);
      if (!r) break;
      chain.push_back(r->node);
      id = attribute(r->node, "Relative").value();
    }
    return chain;
  }

  // The attribute from the object, else from the nearest DrawParam that has it.
  pugi::xml_attribute inherited(pugi::xml_node node, const std::vector<pugi::xml_node>& chain,
                                std::string_view name) {
    if (pugi::xml_attribute a = attribute(node, name)) return a;
    for (pugi::xml_node p : chain) {
      if (pugi::xml_attribute a = attribute(p, name)) return a;
    }
    return {};
  }

  pugi::xml_node inherited_child(pugi::xml_node node, const std::vector<pugi::xml_node>& chain,
                                 std::string_view name) {
    if (pugi::xml_node c = child(node, name)) return c;
    for (pugi::xml_node p : chain) {
      if (pugi::xml_node c = child(p, name)) return c;
    }
    return {};
  }

  // A colour component list in its colour space as RGB 0-1.
  std::optional<std::array<double, 4>> color_value(pugi::xml_node color) {
    std::string type = "RGB";
    double max = 255;
    pugi::xml_node palette;
    if (pugi::xml_attribute cs = attribute(color, "ColorSpace")) {
      if (const Resource* r = resource(cs.value())) {
        std::string_view t = attribute(r->node, "Type").value();
        if (!t.empty()) type = t;
        auto bits = numbers(attribute(r->node, "BitsPerComponent").value());
        if (!bits.empty() && bits[0] >= 1 && bits[0] <= 16) max = std::exp2(bits[0]) - 1;
        palette = child(r->node, "Palette");
      }
    }
    std::string value = attribute(color, "Value").value();
    if (pugi::xml_attribute index = attribute(color, "Index"); index && palette) {
      auto i = ofd::parse_number(index.value());
      auto cvs = children(palette, "CV");
      if (i && *i >= 0 && *i < static_cast<double>(cvs.size())) {
        value = ofd::text(cvs[static_cast<std::size_t>(*i)]);
      }
    }
    std::vector<double> c;
    for (auto t : ofd::array_tokens(value)) {
      if (!t.empty() && t[0] == '#') {
        c.push_back(
            static_cast<double>(std::strtol(std::string(t.substr(1)).c_str(), nullptr, 16)));
      } else if (auto v = ofd::parse_number(t)) {
        c.push_back(*v);
      }
    }
    auto unit = [max](double v) { return std::clamp(v / max, 0.0, 1.0); };
    const double alpha = std::clamp(numbers(attribute(color, "Alpha").value()).empty()
                                        ? 255.0
                                        : numbers(attribute(color, "Alpha").value())[0],
                                    0.0, 255.0) /
                         255;
    if (type == "GRAY" && !c.empty()) return std::array{unit(c[0]), unit(c[0]), unit(c[0]), alpha};
    if (type == "CMYK" && c.size() >= 4) {
      const double k = 1 - unit(c[3]);
      return std::array{(1 - unit(c[0])) * k, (1 - unit(c[1])) * k, (1 - unit(c[2])) * k, alpha};
    }
    if (c.size() >= 3) return std::array{unit(c[0]), unit(c[1]), unit(c[2]), alpha};
    if (value.empty()) return std::array{0.0, 0.0, 0.0, alpha};
    return std::nullopt;
  }

  // Sets a Color element (§8.3) as cairo's source: a plain colour or a shading.
  void set_color(pugi::xml_node color, pugi::xml_node owner) {
    pugi::xml_node axial = child(color, "AxialShd"), radial = child(color, "RadialShd");
    if (axial || radial) {
      pugi::xml_node shd = axial ? axial : radial;
      auto start = numbers(attribute(shd, "StartPoint").value());
      auto end = numbers(attribute(shd, "EndPoint").value());
      if (start.size() >= 2 && end.size() >= 2) {
        cairo_pattern_t* p = axial ? cairo_pattern_create_linear(start[0], start[1], end[0], end[1])
                                   : cairo_pattern_create_radial(
                                         start[0], start[1],
                                         numbers(attribute(shd, "StartRadius").value()).empty()
                                             ? 0
                                             : numbers(attribute(shd, "StartRadius").value())[0],
                                         end[0], end[1],
                                         numbers(attribute(shd, "EndRadius").value()).empty()
                                             ? 0
                                             : numbers(attribute(shd, "EndRadius").value())[0]);
        auto segments = children(shd, "Segment");
        for (std::size_t k = 0; k < segments.size(); ++k) {
          auto pos = numbers(attribute(segments[k], "Position").value());
          double at = pos.empty()
                          ? (segments.size() > 1 ? double(k) / double(segments.size() - 1) : 0)
                          : pos[0];
          auto v = color_value(child(segments[k], "Color"));
          if (v) cairo_pattern_add_color_stop_rgba(p, at, (*v)[0], (*v)[1], (*v)[2], (*v)[3]);
        }
        std::string_view extend = attribute(shd, "Extend").value();
        cairo_pattern_set_extend(
            p, extend.empty() || extend == "0" ? CAIRO_EXTEND_NONE : CAIRO_EXTEND_PAD);
        cairo_set_source(cr_, p);
        cairo_pattern_destroy(p);
        return;
      }
    } else if (child(color, "Pattern") || child(color, "GouraudShd") ||
               child(color, "LaGouraudShd")) {
      doc_.warn(where(owner) + ": patterns and Gouraud shadings are drawn in their base colour");
    }
    auto v = color_value(color);
    if (!v) {
      doc_.warn(where(owner) + ": colour \"" + attribute(color, "Value").value() +
                "\" is not valid; drawn black");
      v = std::array{0.0, 0.0, 0.0, 1.0};
    }
    cairo_set_source_rgba(cr_, (*v)[0], (*v)[1], (*v)[2], (*v)[3]);
  }

  // Line width, caps, joins, miter limit and dashes from the object or its DrawParams.
  void line_style(pugi::xml_node node, const std::vector<pugi::xml_node>& chain) {
    auto w = numbers(inherited(node, chain, "LineWidth").value());
    double width = w.empty() ? kDefaultLineWidth : w[0];
    cairo_set_line_width(cr_, width > 0 ? width : kThinnestLine);
    std::string_view cap = inherited(node, chain, "Cap").value();
    cairo_set_line_cap(cr_, cap == "Round"    ? CAIRO_LINE_CAP_ROUND
                            : cap == "Square" ? CAIRO_LINE_CAP_SQUARE
                                              : CAIRO_LINE_CAP_BUTT);
    std::string_view join = inherited(node, chain, "Join").value();
    cairo_set_line_join(cr_, join == "Round"   ? CAIRO_LINE_JOIN_ROUND
                             : join == "Bevel" ? CAIRO_LINE_JOIN_BEVEL
                                               : CAIRO_LINE_JOIN_MITER);
    auto miter = numbers(inherited(node, chain, "MiterLimit").value());
    cairo_set_miter_limit(cr_, miter.empty() || miter[0] < 1 ? kDefaultMiterLimit : miter[0]);
    auto dash = numbers(inherited(node, chain, "DashPattern").value());
    bool usable = !dash.empty() &&
                  std::all_of(dash.begin(), dash.end(), [](double d) { return d >= 0; }) &&
                  std::any_of(dash.begin(), dash.end(), [](double d) { return d > 0; });
    auto offset = numbers(inherited(node, chain, "DashOffset").value());
    cairo_set_dash(cr_, usable ? dash.data() : nullptr, usable ? static_cast<int>(dash.size()) : 0,
                   offset.empty() ? 0 : offset[0]);
  }

  // §9.1 PathObject: fill (Fill, default false) then stroke (Stroke, default true).
  void path_object(pugi::xml_node node) {
    cairo_new_path(cr_);
    if (!abbreviated_path(ofd::text(child(node, "AbbreviatedData")), node)) return;
    auto chain = draw_params(node);
    const bool fill = flag(node, "Fill", false), stroke = flag(node, "Stroke", true);
    if (fill) {
      std::string_view rule = attribute(node, "Rule").value();
      cairo_set_fill_rule(cr_,
                          rule == "Even-Odd" ? CAIRO_FILL_RULE_EVEN_ODD : CAIRO_FILL_RULE_WINDING);
      set_color(inherited_child(node, chain, "FillColor"), node);
      cairo_fill_preserve(cr_);
    }
    if (stroke) {
      line_style(node, chain);
      set_color(inherited_child(node, chain, "StrokeColor"), node);
      cairo_stroke_preserve(cr_);
    }
    cairo_new_path(cr_);
  }

  // The document's font `id`, opened the first time a TextObject names it (an embedded program
  // is read from the package once).
  const OfdRenderer::Impl::Font& font(const std::string& id) {
    if (auto it = doc_.fonts_by_id.find(id); it != doc_.fonts_by_id.end()) return it->second;
    FontRequest request = font_request(id);
    Face& face = doc_.fonts.face(request, notes_);
    flush_notes();
    return doc_.fonts_by_id
        .emplace(id, OfdRenderer::Impl::Font{&face, request.id, request.name, request.bold,
                                             request.italic})
        .first->second;
  }

  FontRequest font_request(const std::string& id) {
    FontRequest r;
    r.id = id;
    const Resource* res = resource(id);
    if (!res) return r;
    r.name = attribute(res->node, "FontName").value();
    r.family = attribute(res->node, "FamilyName").value();
    r.bold = flag(res->node, "Bold", false);
    r.italic = flag(res->node, "Italic", false);
    r.serif = flag(res->node, "Serif", true);
    r.fixed_width = flag(res->node, "FixedWidth", false);
    std::string loc = ofd::text(child(res->node, "FontFile"));
    if (!loc.empty()) {
      r.file_path = doc_.resource_file(*res, loc);
      if (r.file_path.empty()) {
        doc_.warn("font " + id + ": its FontFile \"" + loc + "\" is not in the package");
      } else if (auto bytes = doc_.package->read(r.file_path)) {
        r.file = std::move(*bytes);
      }
    }
    return r;
  }

  // §11 TextObject. Glyph origins come from X, Y, DeltaX and DeltaY (the default advance when
  // absent, along ReadDirection); glyphs from CGTransform when given, else the font's cmap, else
  // a fallback face. Each run of glyphs from one face is shown as text with its characters, so
  // a PDF made from the page keeps the words.
  Status text_object(pugi::xml_node node) {
    const std::string w = where(node);
    auto size = ofd::number_attribute(node, "Size", 0, w);
    auto hscale = ofd::number_attribute(node, "HScale", 1, w);
    if (!size || !hscale) {
      doc_.warn(w + ": Size or HScale is not a number; not drawn");
      return ok_status();
    }
    const int read_dir =
        static_cast<int>(numbers(attribute(node, "ReadDirection").value()).empty()
                             ? 0
                             : numbers(attribute(node, "ReadDirection").value())[0]);
    const auto char_dir_v = numbers(attribute(node, "CharDirection").value());
    const double char_dir = char_dir_v.empty() ? 0 : char_dir_v[0];
    const auto weight_v = numbers(attribute(node, "Weight").value());
    const bool bold_weight = !weight_v.empty() && weight_v[0] >= 600;
    const bool italic = flag(node, "Italic", false);
    const bool fill = flag(node, "Fill", true), stroke = flag(node, "Stroke", false);
    if (*size <= 0 || *hscale == 0 || !std::isfinite(*size * *hscale) || (!fill && !stroke)) {
      return ok_status();
    }

    const OfdRenderer::Impl::Font& font = this->font(attribute(node, "Font").value());
    Face& face = *font.face;
    auto chain = draw_params(node);

    cairo_matrix_t font_matrix;
    cairo_matrix_init_scale(&font_matrix, *size * *hscale, *size);
    if (char_dir != 0) {
      cairo_matrix_t rotation;
      cairo_matrix_init_rotate(&rotation, char_dir * std::numbers::pi / 180);
      cairo_matrix_multiply(&font_matrix, &font_matrix, &rotation);
    }

    // Each glyph stands for utf8[text_at, text_at + text_size): its character, and the spaces
    // and CGTransform-covered characters after it, so that a PDF keeps them (empty for the rest of
    // a ligature).
    struct Glyph {
      Face* face;
      unsigned index;
      double x, y;
      std::size_t text_at, text_size;
    };
    std::vector<Glyph> glyphs;
    std::string utf8;
    auto add_glyph = [&](Face* f, unsigned index, double gx, double gy, char32_t c) {
      const std::size_t at = utf8.size();
      if (c) append_utf8(utf8, c);
      glyphs.push_back({f, index, gx, gy, at, utf8.size() - at});
    };
    auto add_to_last = [&](char32_t c) {
      if (glyphs.empty()) return;
      const std::size_t at = utf8.size();
      append_utf8(utf8, c);
      glyphs.back().text_size += utf8.size() - at;
    };
    std::vector<pugi::xml_node> transforms;
    double x = 0, y = 0;
    for (pugi::xml_node n = node.first_child(); n; n = n.next_sibling()) {
      std::string_view name = local_name(n.name());
      if (name == "CGTransform") {
        transforms.push_back(n);
        continue;
      }
      if (name != "TextCode") continue;
      auto cx = ofd::number_attribute(n, "X", x, w + ": TextCode X");
      auto cy = ofd::number_attribute(n, "Y", y, w + ": TextCode Y");
      if (!cx || !cy) {
        doc_.warn(w + ": a TextCode's X or Y is not a number; not drawn");
        return ok_status();
      }
      x = *cx;
      y = *cy;
      std::u32string text = decode_utf8(ofd::code_text(n));
      if (text.empty()) continue;
      page_.glyphs += text.size();
      if (page_.glyphs > kMaxGlyphsPerPage) {
        return Error::invalid_input(path_ + ": more than " + std::to_string(kMaxGlyphsPerPage) +
                                    " characters on one page");
      }
      auto dx = ofd::expand_deltas(attribute(n, "DeltaX").value(), text.size(), w + ": DeltaX");
      auto dy = ofd::expand_deltas(attribute(n, "DeltaY").value(), text.size(), w + ": DeltaY");
      if (!dx || !dy) {
        doc_.warn(w + ": DeltaX or DeltaY is not a number list; not drawn");
        return ok_status();
      }
      // Where each character's glyph goes: CGTransform maps code ranges to glyph ids.
      std::vector<std::vector<unsigned>> mapped(text.size());
      std::vector<bool> covered(text.size(), false);
      for (pugi::xml_node t : transforms) {
        auto pos = numbers(attribute(t, "CodePosition").value());
        auto count = numbers(attribute(t, "CodeCount").value());
        // Glyph ids the face does not have are kept in place as 0 (drawn as nothing), so that
        // the others stay with their characters.
        std::vector<unsigned> ids;
        for (double g : numbers(ofd::text(child(t, "Glyphs")))) {
          ids.push_back(g >= 1 && g < face.glyph_count() ? static_cast<unsigned>(g) : 0);
        }
        std::size_t from = pos.empty() || pos[0] < 0 ? 0 : static_cast<std::size_t>(pos[0]);
        std::size_t n_codes =
            count.empty() || count[0] < 1 ? 1 : static_cast<std::size_t>(count[0]);
        if (from >= text.size() || ids.empty()) continue;
        for (std::size_t k = from; k < std::min(text.size(), from + n_codes); ++k)
          covered[k] = true;
        if (ids.size() == n_codes) {
          // As many glyphs as codes: each character its glyph, at its own position.
          for (std::size_t k = 0; k < n_codes && from + k < text.size(); ++k) {
            if (ids[k]) mapped[from + k] = {ids[k]};
          }
        } else {
          // A cluster (a ligature, a decomposition): its glyphs at its first character.
          for (unsigned id : ids) {
            if (id) mapped[from].push_back(id);
          }
        }
      }
      transforms.clear();
      glyphs.reserve(glyphs.size() + text.size());
      double gx = x, gy = y;
      for (std::size_t i = 0; i < text.size(); ++i) {
        const double em = ofd::default_advance_em(text[i]) * *size;
        const double step_x = !dx->empty()      ? (*dx)[i]
                              : read_dir == 180 ? -em
                              : read_dir == 0   ? em
                                                : 0;
        const double step_y = !dy->empty()      ? (*dy)[i]
                              : read_dir == 90  ? em
                              : read_dir == 270 ? -em
                                                : 0;
        if (!mapped[i].empty()) {
          for (std::size_t k = 0; k < mapped[i].size(); ++k) {
            add_glyph(&face, mapped[i][k], gx, gy, k == 0 ? text[i] : 0);
          }
        } else if (covered[i] || text[i] == U' ' || text[i] == U'\u3000') {
          add_to_last(text[i]);
        } else {
          Face* f = &face;
          unsigned g = face.glyph_for(text[i]);
          if (g == 0 && (f = doc_.fonts.fallback(text[i]))) g = f->glyph_for(text[i]);
          if (g != 0 && f) {
            if (f != &face) {
              doc_.note_substitution("font " + font.id + " (" + font.name +
                                     ") has no glyph for some characters; drawn with " +
                                     f->description());
            }
            add_glyph(f, g, gx, gy, text[i]);
          } else {
            doc_.warn(w + ": no installed face has a glyph for U+" + hex(text[i]));
          }
        }
        gx += step_x;
        gy += step_y;
      }
    }

    const bool bold = bold_weight || font.bold;
    const bool slant = italic || font.italic;
    for (std::size_t i = 0; i < glyphs.size();) {
      std::size_t j = i;
      while (j < glyphs.size() && glyphs[j].face == glyphs[i].face) ++j;
      cairo_font_face_t* cf = glyphs[i].face->cairo_face(bold, slant);
      if (cf) {
        cairo_set_font_face(cr_, cf);
        cairo_set_font_matrix(cr_, &font_matrix);
        std::vector<cairo_glyph_t> run;
        std::vector<cairo_text_cluster_t> clusters;
        run.reserve(j - i);
        for (std::size_t k = i; k < j; ++k) {
          run.push_back({glyphs[k].index, glyphs[k].x, glyphs[k].y});
          if (glyphs[k].text_size == 0 && !clusters.empty()) {
            ++clusters.back().num_glyphs;
          } else {
            clusters.push_back({static_cast<int>(glyphs[k].text_size), 1});
          }
        }
        const std::size_t text_at = glyphs[i].text_at;
        const std::size_t text_end = glyphs[j - 1].text_at + glyphs[j - 1].text_size;
        if (fill) {
          set_color(inherited_child(node, chain, "FillColor"), node);
          cairo_show_text_glyphs(cr_, utf8.data() + text_at, static_cast<int>(text_end - text_at),
                                 run.data(), static_cast<int>(run.size()), clusters.data(),
                                 static_cast<int>(clusters.size()), cairo_text_cluster_flags_t{});
        }
        if (stroke) {
          cairo_new_path(cr_);
          cairo_glyph_path(cr_, run.data(), static_cast<int>(run.size()));
          line_style(node, chain);
          set_color(inherited_child(node, chain, "StrokeColor"), node);
          cairo_stroke(cr_);
        }
      }
      i = j;
    }
    return ok_status();
  }

  static std::string hex(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(c));
    return buf;
  }

  void flush_notes() {
    for (auto& n : notes_) doc_.note_substitution(n);
    notes_.clear();
  }

  // §10 ImageObject: the picture fills the unit square of the object's space (its CTM scales
  // it to the Boundary); ImageMask names a picture whose lightness is the image's opacity.
  void image_object(pugi::xml_node node) {
    std::string id = attribute(node, "ResourceID").value();
    const Resource* res = resource(id);
    if (!res) {
      doc_.warn(where(node) + ": ResourceID " + id + " names no resource");
      return;
    }
    const Result<Picture>& pic = doc_.picture(id, *res);
    if (!pic) {
      doc_.warn(pic.error().message);
      return;
    }
    std::optional<Bytes> mask;
    if (pugi::xml_attribute m = attribute(node, "ImageMask")) {
      const Resource* mres = resource(m.value());
      if (mres) {
        const Result<Picture>& mp = doc_.picture(m.value(), *mres);
        if (mp && mp->width == pic->width && mp->height == pic->height) {
          mask = lightness(*mp);
        } else if (mp) {
          doc_.warn(where(node) + ": its ImageMask has another size than the image; ignored");
        }
      }
    }
    draw_picture(*pic, mask ? &*mask : nullptr);
  }

  // A mask's lightness as A8 pixels.
  static Bytes lightness(const Picture& p) {
    const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_A8, p.width);
    Bytes out(static_cast<std::size_t>(stride) * static_cast<std::size_t>(p.height), 0);
    for (int y = 0; y < p.height; ++y) {
      for (int x = 0; x < p.width; ++x) {
        std::uint32_t px;
        std::memcpy(&px, &p.argb[(static_cast<std::size_t>(y) * p.width + x) * 4], 4);
        unsigned r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
        out[static_cast<std::size_t>(y) * stride + x] =
            static_cast<std::uint8_t>((r * 299 + g * 587 + b * 114) / 1000);
      }
    }
    return out;
  }

 public:
  // A picture over the unit square of the current space.
  void draw_picture(const Picture& pic, const Bytes* mask) {
    if (pic.width <= 0 || pic.height <= 0) return;
    cairo_surface_t* s = cairo_image_surface_create_for_data(
        const_cast<unsigned char*>(pic.argb.data()), CAIRO_FORMAT_ARGB32, pic.width, pic.height,
        pic.width * 4);
    cairo_save(cr_);
    cairo_rectangle(cr_, 0, 0, 1, 1);
    cairo_clip(cr_);
    cairo_scale(cr_, 1.0 / pic.width, 1.0 / pic.height);
    cairo_set_source_surface(cr_, s, 0, 0);
    cairo_pattern_set_extend(cairo_get_source(cr_), CAIRO_EXTEND_PAD);
    cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_GOOD);
    if (mask) {
      cairo_surface_t* m = cairo_image_surface_create_for_data(
          const_cast<unsigned char*>(mask->data()), CAIRO_FORMAT_A8, pic.width, pic.height,
          cairo_format_stride_for_width(CAIRO_FORMAT_A8, pic.width));
      cairo_mask_surface(cr_, m, 0, 0);
      cairo_surface_destroy(m);
    } else {
      cairo_paint(cr_);
    }
    cairo_restore(cr_);
    cairo_surface_destroy(s);
  }

 private:
  // §8.2.3 CompositeObject: a CompositeGraphicUnit's Content drawn in the object's space.
  Status composite_object(pugi::xml_node node, int depth) {
    std::string id = attribute(node, "ResourceID").value();
    const Resource* res = resource(id);
    if (!res) {
      doc_.warn(where(node) + ": ResourceID " + id + " names no resource");
      return ok_status();
    }
    auto ctm = ofd::ctm_attribute(res->node, where(node));
    cairo_save(cr_);
    Status s = ok_status();
    if (ctm && apply(*ctm, res->node)) {
      ++page_.composite_depth;
      s = blocks(child(res->node, "Content"), depth + 1);
      --page_.composite_depth;
    }
    cairo_restore(cr_);
    return s;
  }

  OfdRenderer::Impl& doc_;
  cairo_t* cr_;
  PageContext& page_;
  std::string path_;
  std::string layer_param_;
  std::vector<std::string> notes_;
};

}  // namespace

OfdRenderer::OfdRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OfdRenderer::OfdRenderer(OfdRenderer&&) noexcept = default;
OfdRenderer& OfdRenderer::operator=(OfdRenderer&&) noexcept = default;
OfdRenderer::~OfdRenderer() = default;

Result<OfdRenderer> OfdRenderer::open(ByteView ofd, const RenderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto package = ofd::Package::open(Bytes(ofd.begin(), ofd.end()));
  if (!package) return package.error();
  impl->package.emplace(std::move(*package));
  if (auto s = impl->load(); !s) return s.error();
  return OfdRenderer(std::move(impl));
}

int OfdRenderer::page_count() const {
  return static_cast<int>(impl_->body.pages.size());
}

Result<doc::PageSize> OfdRenderer::page_size(int page) {
  if (page < 0 || page >= page_count()) {
    return Error::invalid_input("page " + std::to_string(page + 1) + " does not exist; the " +
                                "document has " + std::to_string(page_count()));
  }
  const ofd::PageEntry& entry = impl_->body.pages[static_cast<std::size_t>(page)];
  if (entry.path.empty() || !impl_->package->contains(entry.path)) return impl_->default_size;
  auto root = impl_->page_root(entry.path);
  if (!root) return root.error();
  return ofd::page_size_of(*root, impl_->default_size, entry.path);
}

const RenderReport& OfdRenderer::report() const {
  return impl_->report;
}

Status OfdRenderer::draw(cairo_t* cr, int page) {
  Impl& d = *impl_;
  if (page < 0 || page >= page_count()) {
    return Error::invalid_input("page " + std::to_string(page + 1) + " does not exist; the " +
                                "document has " + std::to_string(page_count()));
  }
  const ofd::PageEntry& entry = d.body.pages[static_cast<std::size_t>(page)];
  PageContext context;
  Drawer drawer(d, cr, context);
  cairo_save(cr);
  Status s = ok_status();
  if (entry.path.empty() || !d.package->contains(entry.path)) {
    d.warn("page " + std::to_string(page + 1) + ": \"" + entry.base_loc +
           "\" names no file in the package");
  } else if (auto root = d.page_root(entry.path); !root) {
    s = root.error();
  } else {
    pugi::xml_node area = child(child(*root, "Area"), "PhysicalBox");
    if (auto box = ofd::parse_box(ofd::text(area)); area && box) {
      cairo_translate(cr, -box->x, -box->y);
    }
    for (pugi::xml_node res : children(*root, "PageRes")) {
      auto p = ofd::resolve_path(entry.path, ofd::text(res));
      if (p && d.package->contains(*p)) d.read_resources(*p, context.page_resources);
    }
    std::vector<std::string> problems;
    ofd::PageFiles files = ofd::page_templates(*d.package, *root, d.templates, problems);
    for (const auto& p : problems) d.warn("page " + std::to_string(page + 1) + ": " + p);
    auto template_file = [&](const std::string& path) -> Status {
      auto t = d.root(path);
      if (!t) return t.error();
      return drawer.page_file(*t, path);
    };
    for (const auto& path : files.background) {
      if (s) s = template_file(path);
    }
    if (s) s = drawer.page_file(*root, entry.path);
    for (const auto& path : files.foreground) {
      if (s) s = template_file(path);
    }
  }
  if (s && d.options.annotations) {
    for (const std::string& file : d.annotation_files[entry.id]) {
      auto r = d.root(file);
      if (!r) {
        d.warn("annotations " + file + " cannot be read: " + r.error().message);
        continue;
      }
      for (pugi::xml_node annot : children(*r, "Annot")) {
        if (!flag(annot, "Visible", true) || flag(annot, "NoView", false)) continue;
        if (pugi::xml_node a = child(annot, "Appearance")) {
          if (s) s = drawer.appearance(a);
        }
      }
    }
  }
  if (s && d.options.seals) {
    if (!d.seals_read) d.read_seals();
    for (const Impl::Seal& seal : d.seals) {
      if (seal.page_id != entry.id) continue;
      const doc::RectMm& b = seal.boundary;
      if (!(b.width > 0 && b.height > 0)) continue;
      cairo_save(cr);
      if (seal.clip) {
        cairo_rectangle(cr, b.x + seal.clip->x, b.y + seal.clip->y, seal.clip->width,
                        seal.clip->height);
        cairo_clip(cr);
      }
      cairo_rectangle(cr, b.x, b.y, b.width, b.height);
      cairo_clip(cr);
      // Ink, not a sticker: the seal's colours multiply the page under them.
      cairo_push_group(cr);
      cairo_translate(cr, b.x, b.y);
      if (seal.vector) {
        auto size = seal.vector->page_size(0);
        if (size) cairo_scale(cr, b.width / size->width_mm, b.height / size->height_mm);
        if (auto v = size ? seal.vector->draw(cr, 0) : Status(size.error()); !v) {
          d.warn("a seal's OFD picture cannot be drawn: " + v.error().message);
        }
      } else {
        cairo_scale(cr, b.width, b.height);
        drawer.draw_picture(**seal.picture, nullptr);
      }
      cairo_pop_group_to_source(cr);
      cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
      cairo_paint(cr);
      cairo_restore(cr);
    }
  }
  cairo_restore(cr);
  // cairo refuses what the content asks for (a matrix that collapses, text it cannot show):
  // the document's fault, not the renderer's.
  if (s && cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    return Error::invalid_input("page " + std::to_string(page + 1) +
                                " cannot be drawn: " + cairo_status_to_string(cairo_status(cr)));
  }
  return s;
}

Result<Picture> OfdRenderer::render_pixels(int page, double dpi) {
  if (page < 0 || page >= page_count()) {
    return Error::invalid_input("page " + std::to_string(page + 1) + " does not exist; the " +
                                "document has " + std::to_string(page_count()));
  }
  if (!(dpi > 0 && dpi <= 2400)) return Error::invalid_input("the resolution must be 1-2400 dpi");
  auto sized = page_size(page);
  if (!sized) return sized.error();
  const doc::PageSize size = *sized;
  const double w = std::ceil(size.width_mm / kMmPerInch * dpi);
  const double h = std::ceil(size.height_mm / kMmPerInch * dpi);
  if (w * h > static_cast<double>(kMaxPicturePixels) || w < 1 || h < 1 ||
      w > static_cast<double>(kMaxPictureSide) || h > static_cast<double>(kMaxPictureSide)) {
    return Error::invalid_input("page " + std::to_string(page + 1) + " at " +
                                std::to_string(static_cast<int>(dpi)) +
                                " dpi would exceed the picture size limit");
  }
  Picture out;
  out.width = static_cast<int>(w);
  out.height = static_cast<int>(h);
  out.argb.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 4,
                  0);
  cairo_surface_t* surface = cairo_image_surface_create_for_data(
      out.argb.data(), CAIRO_FORMAT_ARGB32, out.width, out.height, out.width * 4);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, dpi / kMmPerInch, dpi / kMmPerInch);
  Status s = draw(cr, page);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  cairo_surface_destroy(surface);
  if (!s) return s.error();
  return out;
}

Result<Bytes> OfdRenderer::render_png(int page, double dpi) {
  auto pixels = render_pixels(page, dpi);
  if (!pixels) return pixels.error();
  return encode_png(*pixels);
}

Result<Bytes> OfdRenderer::render_pdf(const PdfOutput& output, std::optional<int> first,
                                      std::optional<int> last) {
  const int from = first.value_or(0), to = last.value_or(page_count() - 1);
  if (from < 0 || to >= page_count() || from > to) {
    return Error::invalid_input("pages " + std::to_string(from + 1) + "-" + std::to_string(to + 1) +
                                " are not in the document's 1-" + std::to_string(page_count()));
  }
  Bytes pdf;
  auto first_size = page_size(from);
  if (!first_size) return first_size.error();
  doc::PageSize size = *first_size;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
      append_to, &pdf, size.width_mm * kPointsPerMm, size.height_mm * kPointsPerMm);
  std::string title = output.title.empty() ? impl_->title : output.title;
  if (!title.empty())
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  if (!output.subject.empty()) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, output.subject.c_str());
  }
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "eseal");
  if (output.creation_time) {
    std::string when = format_utc(*output.creation_time);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, when.c_str());
  }
  cairo_t* cr = cairo_create(surface);
  Status s = ok_status();
  for (int p = from; p <= to && s; ++p) {
    auto sized = page_size(p);
    if (!sized) {
      s = sized.error();
      break;
    }
    size = *sized;
    cairo_pdf_surface_set_size(surface, size.width_mm * kPointsPerMm,
                               size.height_mm * kPointsPerMm);
    cairo_save(cr);
    cairo_scale(cr, kPointsPerMm, kPointsPerMm);
    s = draw(cr, p);
    cairo_restore(cr);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  image::detail::finish_surface(surface);
  cairo_status_t st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (!s) return s.error();
  if (st != CAIRO_STATUS_SUCCESS) {
    return Error::internal(std::string("PDF output failed: ") + cairo_status_to_string(st));
  }
  return pdf;
}

}  // namespace eseal::render
