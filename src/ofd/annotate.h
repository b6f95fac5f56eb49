// Editing one document of an OFD package before (or without) sealing it: Document.xml and the
// files it lists, read with the edits made so far, new IDs counted in CommonData/MaxUnitID, and
// page annotations (GB/T 33190 §15) — each page's appended to its annotation file, or in a new
// one listed in Annotations.xml (itself new when the document has none). The certified copy
// writes its watermark and the original's seals this way, and signing its verification code.
// Earlier seals cover Document.xml, so such edits are for documents no seal covers yet.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/package_edit.h"

namespace eseal::ofd {

// Inserts `fragment` before the first of `followers` (local names, in `prefix`) that `xml` has,
// else before the closing tag of `parent`; `name` names the file in the error.
Status insert_before(std::string& xml, const std::string& prefix,
                     const std::vector<std::string_view>& followers, std::string_view parent,
                     const std::string& fragment, const std::string& name);

class DocumentEdit {
 public:
  // kInvalidInput when the document's Document.xml cannot be read or parsed.
  static Result<DocumentEdit> open(const Package& package, const DocBody& body);

  // A new ID of the document's one sequence, after MaxUnitID.
  std::string take_id() { return std::to_string(++last_id_); }
  const Package& package() const { return *package_; }
  const DocBody& body() const { return *body_; }

  // Document.xml as edited so far, and its elements' prefix ("ofd:" or "").
  std::string& document_xml() { return document_xml_; }
  const std::string& prefix() const { return prefix_; }

  // An entry's content with the edits made so far.
  Result<std::string> current(const std::string& path) const;
  void put(const std::string& path, std::string content);

  // Adds each page's annotations (page index -> Annot elements, "ofd:" prefixed); a page
  // without an annotation file gets "Page_<n>/<file_name>" beside Annotations.xml.
  Status add_annotations(const std::map<int, std::string>& annots, const std::string& file_name);

  // Puts Document.xml, with MaxUnitID raised to the last ID taken, and every changed entry into
  // `edit`.
  Status finish(PackageEdit& edit);

 private:
  DocumentEdit() = default;
  const Package* package_ = nullptr;
  const DocBody* body_ = nullptr;
  std::string document_xml_, prefix_, max_unit_name_;
  long last_id_ = 0;
  std::map<std::string, std::string> replaced_;
};

// The "xmlns:ofd" attribute that our own elements declare.
extern const std::string kOfdNamespaceAttribute;

}  // namespace eseal::ofd
