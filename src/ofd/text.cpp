#include "ofd/text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

#include "ofd/content.h"
#include "ofd/glyphs.h"
#include "ofd/xml.h"

namespace eseal::ofd {
namespace {

constexpr std::size_t kMaxCharsPerPage = 2'000'000;
constexpr double kAscent = 0.8;  // the em box's top above the baseline, in ems

doc::RectMm bounds(const doc::RectMm& a, const doc::RectMm& b) {
  double left = std::min(a.x, b.x), top = std::min(a.y, b.y);
  double right = std::max(a.x + a.width, b.x + b.width);
  double bottom = std::max(a.y + a.height, b.y + b.height);
  return {left, top, right - left, bottom - top};
}

// `box` in object space through `m`, then offset by `origin`.
doc::RectMm place(const doc::RectMm& box, const Matrix& m, double origin_x, double origin_y) {
  double xs[4], ys[4];
  const double corners[4][2] = {{box.x, box.y},
                                {box.x + box.width, box.y},
                                {box.x, box.y + box.height},
                                {box.x + box.width, box.y + box.height}};
  for (int i = 0; i < 4; ++i) {
    xs[i] = m[0] * corners[i][0] + m[2] * corners[i][1] + m[4];
    ys[i] = m[1] * corners[i][0] + m[3] * corners[i][1] + m[5];
  }
  double left = *std::min_element(xs, xs + 4), right = *std::max_element(xs, xs + 4);
  double top = *std::min_element(ys, ys + 4), bottom = *std::max_element(ys, ys + 4);
  return {left + origin_x, top + origin_y, right - left, bottom - top};
}

// Reads the text objects of one page file (a page or a template) into runs.
class ContentReader {
 public:
  ContentReader(std::string path, std::vector<TextRun>& out, std::size_t& chars)
      : path_(std::move(path)), out_(out), chars_(chars) {}

  Status read_page(pugi::xml_node page) {
    for (pugi::xml_node layer : children(child(page, "Content"), "Layer")) {
      if (auto s = blocks(layer, 0); !s) return s;
    }
    return ok_status();
  }

 private:
  Status blocks(pugi::xml_node parent, int depth) {
    if (depth > kMaxBlockDepth) {
      return Error::invalid_input(path_ + ": PageBlocks nested deeper than " +
                                  std::to_string(kMaxBlockDepth));
    }
    for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling()) {
      if (n.type() != pugi::node_element) continue;
      std::string_view name = local_name(n.name());
      Status s;
      if (name == "TextObject") {
        s = text_object(n);
      } else if (name == "PageBlock") {
        s = blocks(n, depth + 1);
      }
      if (!s) return s;
    }
    return ok_status();
  }

  Status text_object(pugi::xml_node object) {
    std::string where = path_ + ": TextObject";
    if (pugi::xml_attribute id = attribute(object, "ID")) {
      where += ' ';
      where += id.value();
    }
    doc::RectMm boundary;
    if (pugi::xml_attribute b = attribute(object, "Boundary")) {
      auto r = parse_box(b.value());
      if (!r) return r.error().with_context(where + ": Boundary");
      boundary = *r;
    }
    auto size = number_attribute(object, "Size", 0, where);
    if (!size) return size.error();
    auto ctm = ctm_attribute(object, where);
    if (!ctm) return ctm.error();
    const Matrix& m = ctm->value_or(kIdentityMatrix);
    double x = 0, y = 0;
    for (pugi::xml_node code : children(object, "TextCode")) {
      auto cx = number_attribute(code, "X", x, where + ": TextCode X");
      if (!cx) return cx.error();
      auto cy = number_attribute(code, "Y", y, where + ": TextCode Y");
      if (!cy) return cy.error();
      x = *cx;
      y = *cy;
      std::string raw = code_text(code);
      std::u32string text = decode_utf8(raw);
      if (text.empty()) continue;
      chars_ += text.size();
      if (chars_ > kMaxCharsPerPage) {
        return Error::invalid_input(path_ + ": more than " + std::to_string(kMaxCharsPerPage) +
                                    " characters on one page");
      }
      auto dx = expand_deltas(attribute(code, "DeltaX").value(), text.size(), where + ": DeltaX");
      if (!dx) return dx.error();
      auto dy = expand_deltas(attribute(code, "DeltaY").value(), text.size(), where + ": DeltaY");
      if (!dy) return dy.error();

      TextRun run;
      run.size_mm = *size;
      run.text = encode_utf8(text);
      double gx = x, gy = y;
      for (std::size_t i = 0; i < text.size(); ++i) {
        double step_x = dx->empty() ? default_advance_em(text[i]) * *size : (*dx)[i];
        double step_y = dy->empty() ? 0 : (*dy)[i];
        bool along = i + 1 < text.size() && step_x > 0 && step_y == 0;
        double advance = along ? step_x : default_advance_em(text[i]) * *size;
        doc::RectMm em{gx, gy - kAscent * *size, advance, *size};
        TextChar c{text[i], place(em, m, boundary.x, boundary.y)};
        run.box = i == 0 ? c.box : bounds(run.box, c.box);
        run.chars.push_back(c);
        gx += step_x;
        gy += step_y;
      }
      out_.push_back(std::move(run));
    }
    return ok_status();
  }

  std::string path_;
  std::vector<TextRun>& out_;
  std::size_t& chars_;
};

void warn(std::vector<std::string>* warnings, int page, const std::string& what) {
  if (warnings) warnings->push_back("page " + std::to_string(page + 1) + ": " + what);
}

// The text of every page, with each template read once however many pages use it.
class TextReader {
 public:
  TextReader(const Package& package, std::map<std::string, std::string> templates,
             std::vector<std::string>* warnings)
      : package_(package), templates_(std::move(templates)), warnings_(warnings) {}

  Status read(int index, const PageEntry& entry, std::vector<TextRun>& out) {
    if (entry.path.empty() || !package_.contains(entry.path)) {
      warn(warnings_, index, "\"" + entry.base_loc + "\" names no file in the package");
      return ok_status();
    }
    auto xml = read_xml(package_, entry.path);
    if (!xml) return xml.error();
    pugi::xml_node page = (*xml)->document_element();
    std::vector<std::string> problems;
    PageFiles files = page_templates(package_, page, templates_, problems);
    for (const auto& p : problems) warn(warnings_, index, p);
    std::size_t chars = 0;
    std::size_t first = out.size();
    for (const auto& path : files.background) {
      if (auto s = add_template(path, out, chars); !s) return s;
    }
    std::vector<TextRun> own;
    if (auto s = ContentReader(entry.path, own, chars).read_page(page); !s) return s;
    out.insert(out.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
    for (const auto& path : files.foreground) {
      if (auto s = add_template(path, out, chars); !s) return s;
    }
    for (std::size_t i = first; i < out.size(); ++i) out[i].page = index;
    return ok_status();
  }

 private:
  Status add_template(const std::string& path, std::vector<TextRun>& out, std::size_t& chars) {
    auto cached = cache_.find(path);
    if (cached == cache_.end()) {
      auto xml = read_xml(package_, path);
      if (!xml) return xml.error();
      std::vector<TextRun> runs;
      std::size_t count = 0;
      if (auto s = ContentReader(path, runs, count).read_page((*xml)->document_element()); !s)
        return s;
      for (TextRun& r : runs) r.in_template = true;
      cached = cache_.emplace(path, std::make_pair(std::move(runs), count)).first;
    }
    chars += cached->second.second;
    if (chars > kMaxCharsPerPage) {
      return Error::invalid_input(path + ": more than " + std::to_string(kMaxCharsPerPage) +
                                  " characters on one page");
    }
    out.insert(out.end(), cached->second.first.begin(), cached->second.first.end());
    return ok_status();
  }

  const Package& package_;
  std::map<std::string, std::string> templates_;
  std::vector<std::string>* warnings_;
  std::map<std::string, std::pair<std::vector<TextRun>, std::size_t>> cache_;
};

}  // namespace

Result<std::vector<TextRun>> extract_text(const Package& package, const DocBody& body,
                                          std::optional<int> page,
                                          std::vector<std::string>* warnings) {
  const int count = static_cast<int>(body.pages.size());
  if (page && (*page < 0 || *page >= count)) {
    return Error::invalid_input("page " + std::to_string(*page + 1) + " does not exist; the " +
                                "document has " + std::to_string(count));
  }
  auto templates = template_pages(package, body);
  if (!templates) return templates.error();
  TextReader reader(package, std::move(*templates), warnings);
  std::vector<TextRun> out;
  for (int i = page.value_or(0); i < (page ? *page + 1 : count); ++i) {
    if (auto s = reader.read(i, body.pages[static_cast<std::size_t>(i)], out); !s) {
      return s.error();
    }
  }
  return out;
}

std::vector<doc::KeywordHit> find_text(const std::vector<TextRun>& runs, std::string_view keyword) {
  std::u32string key = decode_utf8(keyword);
  std::vector<doc::KeywordHit> hits;
  if (key.empty()) return hits;
  // Each page's characters in order; a match is looked for within one page at a time.
  std::size_t r = 0;
  while (r < runs.size()) {
    const int page = runs[r].page;
    std::vector<const TextChar*> chars;
    for (; r < runs.size() && runs[r].page == page; ++r) {
      for (const TextChar& c : runs[r].chars) chars.push_back(&c);
    }
    for (std::size_t i = 0; i + key.size() <= chars.size();) {
      std::size_t n = 0;
      while (n < key.size() && chars[i + n]->code == key[n]) ++n;
      if (n < key.size()) {
        ++i;
        continue;
      }
      doc::RectMm box = chars[i]->box;
      for (std::size_t k = 1; k < n; ++k) box = bounds(box, chars[i + k]->box);
      hits.push_back({page, box});
      i += n;
    }
  }
  return hits;
}

Result<std::vector<doc::KeywordHit>> find_text(const Package& package, const DocBody& body,
                                               std::string_view keyword) {
  auto runs = extract_text(package, body);
  if (!runs) return runs.error();
  return find_text(*runs, keyword);
}

Result<std::vector<doc::PageSize>> page_sizes(const Package& package, const DocBody& body) {
  auto fallback = default_page_size(body);
  if (!fallback) return fallback.error();
  std::vector<doc::PageSize> out;
  for (const PageEntry& entry : body.pages) {
    doc::PageSize size = *fallback;
    if (!entry.path.empty() && package.contains(entry.path)) {
      auto xml = read_xml(package, entry.path);
      if (!xml) return xml.error();
      auto s = page_size_of((*xml)->document_element(), *fallback, entry.path);
      if (!s) return s.error();
      size = *s;
    }
    out.push_back(size);
  }
  return out;
}

}  // namespace eseal::ofd
