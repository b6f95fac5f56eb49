// The parts of an OFD package that signing and verification need (GB/T 33190-2016 §7.4 OFD.xml,
// §7.5 Document.xml, §18.1 Signatures.xml, §18.2 Signature.xml; docs/ENCODINGS.md §4.2-§4.3):
// OFD.xml -> each DocBody -> DocRoot (pages, in order) and Signatures -> each Signature ->
// Signature.xml. Every ST_Loc is kept as written and resolved to an entry name. Element order
// does not matter and names are matched without their prefix. Nothing here re-serializes XML:
// digests are always taken over the raw entries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/placement.h"
#include "ofd/package.h"
#include "ofd/xml.h"

namespace eseal::ofd {

// The package's entry point, the one file with a fixed name.
inline constexpr std::string_view kOfdXml = "OFD.xml";

// A page of Document.xml's Pages, in document order.
struct PageEntry {
  std::string id;        // Page/@ID, what StampAnnot/@PageRef names
  std::string base_loc;  // Page/@BaseLoc as written
  std::string path;      // the entry it resolves to, from Document.xml's folder; "" if it cannot
};

// One Signature of Signatures.xml, in file order.
struct SignatureEntry {
  std::string id;
  std::string type = "Seal";  // Type is optional and defaults to "Seal" (电子签章); or "Sign"
  std::string base_loc;       // as written
  std::string path;           // Signature.xml's entry name; "" if it cannot be resolved
  std::string relative;       // GM/T 0099 Relative: the ID of a base signature, when present
};

// An attachment of Document.xml's Attachments file (GB/T 33190 §20).
struct Attachment {
  std::string id, name, format, usage;
  std::string path;  // the attached file's entry name; "" if FileLoc cannot be resolved
};

// One DocBody of OFD.xml.
struct DocBody {
  // DocInfo/CustomDatas/CustomData: Name -> text, in order (a certified copy's metadata).
  std::vector<std::pair<std::string, std::string>> custom_data;
  std::vector<Attachment> attachments;
  std::string doc_root;       // DocRoot as written
  std::string document_path;  // Document.xml's entry name; "" if absent or unresolvable
  std::vector<PageEntry> pages;
  // Document.xml Bookmarks (GB/T 33190 §7.5): each Bookmark's Name and its Dest's PageID.
  std::vector<std::pair<std::string, std::string>> bookmarks;
  std::optional<doc::RectMm> physical_box;  // CommonData/PageArea/PhysicalBox, in mm
  std::string signatures_loc;   // DocBody/Signatures as written; "" for an unsigned document
  std::string signatures_path;  // Signatures.xml's entry name
  std::string max_sign_id;
  std::vector<SignatureEntry> signatures;
};

struct OfdStructure {
  std::vector<DocBody> documents;
  // Referenced files that are missing or unreadable (a Document.xml, a Signatures.xml): reported
  // rather than refused, so that a verifier can still say what the signatures cover.
  std::vector<std::string> warnings;
};

// Reads OFD.xml, each DocBody's Document.xml and Signatures.xml. kInvalidInput when OFD.xml is
// missing or not an OFD root, has no DocBody, or any XML read is malformed or has a DOCTYPE.
Result<OfdStructure> read_structure(const Package& package);

// Signature.xml: one Reference of SignedInfo/References.
struct Reference {
  std::string file_ref;     // FileRef as written
  std::string path;         // the entry it resolves to; "" if it cannot be resolved
  std::string check_value;  // CheckValue text (base64)
};

// A StampAnnot: where a seal shows. Boundary is in mm on the page (origin top-left, y down);
// Clip's x and y are relative to the Boundary's top-left corner (docs/ENCODINGS.md §4.7).
struct StampAnnot {
  std::string id;
  std::string page_ref;  // the Page ID
  doc::RectMm boundary;
  std::optional<doc::RectMm> clip;
};

struct SignatureDescription {
  std::string provider_name, provider_version, provider_company;
  std::string signature_method;     // usually 1.2.156.10197.1.501
  std::string signature_date_time;  // free text, as written
  std::string check_method;         // References/@CheckMethod as written; "" when absent
  std::vector<Reference> references;
  std::vector<StampAnnot> stamp_annots;
  std::string seal_loc, seal_path;                  // Seal/BaseLoc; "" when absent
  std::string signed_value_loc, signed_value_path;  // SignedValue
};

// Parses a Signature.xml found at entry `own_path` (relative locations resolve from its
// folder). kInvalidInput for malformed XML, a DOCTYPE, XML nested deeper than `max_depth`, a
// root that is not Signature, no SignedInfo, or a Boundary or Clip that is not four numbers.
Result<SignatureDescription> parse_signature_xml(ByteView xml, std::string_view own_path,
                                                 std::size_t max_depth = kMaxXmlDepth);

// An ST_Box "x y w h" in mm.
Result<doc::RectMm> parse_box(std::string_view text);
// The ST_Box text of `r`, each number as format_number writes it.
std::string format_box(const doc::RectMm& r);
// A number to 0.001 (mm) without trailing zeros.
std::string format_number(double v);

// SignatureDateTime in the forms producers write: "20201010151120", "20201004072855.302Z",
// "2026-08-04 10:08:09", "2020-10-10T07:11:20Z", "2020-10-10T15:11:20+08:00", "2020-10-10".
// Without a zone the time is taken as UTC; producers often write local time (UTC+8 in China),
// so such a time may be 8 hours off. nullopt for anything else.
std::optional<Time> parse_signature_date_time(std::string_view text);

}  // namespace eseal::ofd
