// What every reader of OFD page content shares (GB/T 33190-2016 §7.7 Page and Template, §8.2
// graphic units, §11.3 TextCode): ST_Array numbers, CTMs, TextCode deltas, the template pages of
// a document, and the order in which a page's files are drawn. Used by the text reader
// (ofd/text.h) and the renderer (render/ofd_render.h), so both see the same page.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/xml.h"

namespace eseal::ofd {

// An ST_Array CTM "a b c d e f": (x, y) maps to (a·x + c·y + e, b·x + d·y + f).
using Matrix = std::array<double, 6>;
inline constexpr Matrix kIdentityMatrix = {1, 0, 0, 1, 0, 0};

// PageBlocks (and composite units, annotation appearances) nested deeper are refused.
inline constexpr int kMaxBlockDepth = 64;

// The whitespace-separated tokens of an ST_Array.
std::vector<std::string_view> array_tokens(std::string_view text);
// A finite decimal number, the whole token; nullopt otherwise.
std::optional<double> parse_number(std::string_view token);
// "WHAT \"VALUE\" is not a valid number list".
Error bad_number(const std::string& what, std::string_view value);
// The attribute `name` of `node` as one number, `fallback` when absent; kInvalidInput naming
// `where` when it is not one number.
Result<double> number_attribute(pugi::xml_node node, std::string_view name, double fallback,
                                const std::string& where);
// A TextCode's DeltaX or DeltaY expanded to `count` values: "g N v" is N copies of v and the last
// value repeats to the end (as ofdrw reads it). Expansion stops at `count`, so a huge N costs
// nothing. Empty when the array is.
Result<std::vector<double>> expand_deltas(std::string_view text, std::size_t count,
                                          const std::string& what);
// The node's CTM attribute; nullopt when absent.
Result<std::optional<Matrix>> ctm_attribute(pugi::xml_node node, const std::string& where);
// A TextCode's text: every PCDATA and CDATA child, untrimmed (spaces are glyphs too).
std::string code_text(pugi::xml_node code);

// Reads and parses one XML entry of the package.
Result<std::unique_ptr<pugi::xml_document>> read_xml(const Package& package,
                                                     const std::string& path);

// Document.xml's CommonData/TemplatePage: ID -> the template's entry name ("" if unresolvable).
Result<std::map<std::string, std::string>> template_pages(const Package& package,
                                                          const DocBody& body);

// A page's size: its own Area/PhysicalBox when it has one, else `fallback` (the document's
// CommonData/PageArea, else A4). kInvalidInput naming `path` for a PhysicalBox that is not four
// numbers with a positive width and height.
Result<doc::PageSize> page_size_of(pugi::xml_node page, doc::PageSize fallback,
                                   const std::string& path);
// The document's default page size: CommonData/PageArea/PhysicalBox, else A4.
Result<doc::PageSize> default_page_size(const DocBody& body);

// The files a page is drawn from, in drawing order: the Background templates (Page/Template
// with ZOrder Background, the default), the page itself, then the Foreground templates. A
// Template whose ID names no template page in the package is left out with a line in
// `problems`; a TemplateID named again is drawn once.
struct PageFiles {
  std::vector<std::string> background, foreground;
};
PageFiles page_templates(const Package& package, pugi::xml_node page,
                         const std::map<std::string, std::string>& templates,
                         std::vector<std::string>& problems);

}  // namespace eseal::ofd
