#include "pdf/layout.h"

#include <functional>
#include <qpdf/QPDFOutlineDocumentHelper.hh>

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

std::optional<int> bookmark_page(const Document& doc, std::string_view title) {
  QPDFOutlineDocumentHelper outlines(doc.qpdf());
  std::optional<QPDFObjectHandle> target;
  // QPDF stops at outline loops; the depth is bounded too, as a damaged file may nest deeply.
  std::function<void(std::vector<QPDFOutlineObjectHelper>, int)> walk =
      [&](std::vector<QPDFOutlineObjectHelper> items, int depth) {
        for (auto& item : items) {
          if (target || depth > 64) return;
          if (item.getTitle() == title) {
            target = item.getDestPage();
            return;
          }
          walk(item.getKids(), depth + 1);
        }
      };
  walk(outlines.getTopLevelOutlines(), 0);
  if (!target || target->isNull()) return std::nullopt;
  for (int i = 0; i < doc.page_count(); ++i) {
    if (doc.page(i).getObjGen() == target->getObjGen()) return i;
  }
  return std::nullopt;
}

}  // namespace eseal::pdf
