#include "pdf/layout.h"

#include "pdf/text.h"

namespace eseal::pdf {

std::vector<doc::PageSize> page_sizes(const Document& doc) {
  std::vector<doc::PageSize> sizes;
  for (int i = 0; i < doc.page_count(); ++i) {
    PageGeometry g = doc.geometry(i);
    sizes.push_back({g.width_mm(), g.height_mm()});
  }
  return sizes;
}

Result<std::vector<doc::KeywordHit>> keyword_hits(const Document& doc, std::string_view keyword) {
  if (keyword.empty()) return Error::invalid_input("the keyword is empty");
  auto pages = extract_text(doc);
  if (!pages) return pages.error();
  std::vector<doc::KeywordHit> hits;
  for (const TextMatch& m : find_text(*pages, keyword)) {
    hits.push_back({m.page, doc.geometry(m.page).to_visual_mm(m.box)});
  }
  return hits;
}

}  // namespace eseal::pdf
