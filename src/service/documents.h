// Format-neutral documents: the one place that tells PDF from OFD by content, for every door and
// the CLI. Signing is service/signing.h, verification service/verification.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "doc/document_format.h"
#include "doc/placement.h"

namespace eseal::service {

using doc::DocumentFormat;
using doc::format_name;

// By content: "%PDF-" near the start, or a ZIP archive with OFD.xml at its root. kInvalidInput
// for anything else: kNotPdfOrOfd, or for a ZIP archive the package rules refuse (ofd/package.h:
// too large when inflated, a name that escapes the package, …) "OFD package refused: " and the
// rule it breaks.
inline constexpr std::string_view kNotPdfOrOfd = "not a PDF or OFD document";
Result<DocumentFormat> detect_format(ByteView document);

// The sizes of a PDF's or OFD's pages (of an OFD's first document), in order; kInvalidInput as
// detect_format, or for a document that cannot be read.
Result<std::vector<doc::PageSize>> page_sizes(ByteView document);

// The 0-based page a bookmark goes to (a PDF's outline item by title, an OFD's Bookmark by Name;
// the first found), nullopt when there is none.
Result<std::optional<int>> bookmark_page(ByteView document, const std::string& name);

// Where `keyword` shows in a PDF or OFD (of an OFD's first document), in document order.
Result<std::vector<doc::KeywordHit>> keyword_hits(ByteView document, const std::string& keyword);

using doc::Placement;

}  // namespace eseal::service
