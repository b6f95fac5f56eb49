#include "ofd/sign.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "ofd/annotate.h"
#include "ofd/document.h"
#include "ofd/package_edit.h"
#include "ofd/text.h"
#include "ofd/xml.h"

namespace eseal::ofd {
namespace {

constexpr std::string_view kSm3Oid = "1.2.156.10197.1.401";
constexpr std::string_view kSm3WithSm2Oid = "1.2.156.10197.1.501";

// Signature IDs continue the style the document already uses: "s001" style by default, plain
// numbers when its IDs are plain numbers. StampAnnot IDs come from the same counter, as in
// OFDRW, and MaxSignId records the last one taken.
class IdCounter {
 public:
  explicit IdCounter(const DocBody& body) {
    std::vector<std::string> seen;
    for (const auto& s : body.signatures) seen.push_back(s.id);
    if (!body.max_sign_id.empty()) seen.push_back(body.max_sign_id);
    bool styled = false;
    for (const auto& id : seen) {
      std::size_t digits = id.size();
      while (digits > 0 && std::isdigit(static_cast<unsigned char>(id[digits - 1]))) --digits;
      if (digits == id.size()) continue;
      long n = 0;
      std::from_chars(id.data() + digits, id.data() + id.size(), n);
      last_ = std::max(last_, n);
      if (!styled || id == body.max_sign_id) {
        prefix_ = id.substr(0, digits);
        width_ = static_cast<int>(id.size() - digits);
        styled = true;
      }
    }
  }
  std::string take() { return format(++last_); }
  std::string last() const { return format(last_); }

 private:
  std::string format(long n) const {
    std::string digits = std::to_string(n);
    if (static_cast<int>(digits.size()) < width_) digits.insert(0, width_ - digits.size(), '0');
    return prefix_ + digits;
  }

  std::string prefix_ = "s";
  int width_ = 3;
  long last_ = 0;
};

// The position of the `n`-th "</name>" in `xml`, or npos.
std::size_t closing_tag(std::string_view xml, std::string_view name, int n) {
  std::string tag = "</" + std::string(name) + ">";
  std::size_t at = 0;
  for (int i = 0;; ++i) {
    at = xml.find(tag, at);
    if (at == std::string_view::npos || i == n) return at;
    at += tag.size();
  }
}

// OFD.xml with DocBody/Signatures added for document `document` (its first signature). The
// XSD puts Signatures last in DocBody, so it goes right before the closing tag.
Result<Bytes> add_signatures_to_ofd_xml(ByteView ofd_xml, int document,
                                        const std::string& signatures_path) {
  auto xml = parse_xml(ofd_xml, kOfdXml);
  if (!xml) return xml.error();
  auto bodies = children((*xml)->document_element(), "DocBody");
  if (document >= static_cast<int>(bodies.size()))
    return Error::invalid_input("OFD.xml has no DocBody " + std::to_string(document + 1));
  std::string name = bodies[document].name();
  int occurrence = 0;
  for (int i = 0; i < document; ++i) occurrence += bodies[i].name() == name ? 1 : 0;
  std::string text = to_string(ofd_xml);
  std::size_t at = closing_tag(text, name, occurrence);
  if (at == std::string::npos)
    return Error::invalid_input("OFD.xml: cannot find the end of DocBody " +
                                std::to_string(document + 1));
  std::string prefix = prefix_of(name);
  text.insert(
      at, "<" + prefix + "Signatures>/" + escape(signatures_path) + "</" + prefix + "Signatures>");
  return to_bytes(text);
}

// Signatures.xml with the new Signature entry appended and MaxSignId set; a new file when the
// document has none. The existing text is kept as written around the two changes.
Result<Bytes> add_signature_entry(std::optional<ByteView> existing, const std::string& path,
                                  const std::string& max_sign_id, const std::string& id,
                                  std::string_view type, const std::string& base_loc) {
  if (!existing) {
    return to_bytes(std::string(kXmlDeclaration) + "<ofd:Signatures xmlns:ofd=\"" +
                    std::string(kOfdNamespace) + "\"><ofd:MaxSignId>" + escape(max_sign_id) +
                    "</ofd:MaxSignId><ofd:Signature ID=\"" + escape(id) + "\" Type=\"" +
                    std::string(type) + "\" BaseLoc=\"" + escape(base_loc) +
                    "\"/></ofd:Signatures>\n");
  }
  auto xml = parse_xml(*existing, path);
  if (!xml) return xml.error();
  pugi::xml_node root = (*xml)->document_element();
  std::string root_name = root.name();
  std::string prefix = prefix_of(root_name);
  std::string text = to_string(*existing);
  std::size_t end = text.rfind("</" + root_name + ">");
  if (end == std::string::npos)
    return Error::invalid_input(path + ": cannot find the end of Signatures");
  text.insert(end, "<" + prefix + "Signature ID=\"" + escape(id) + "\" Type=\"" +
                       std::string(type) + "\" BaseLoc=\"" + escape(base_loc) + "\"/>");
  if (pugi::xml_node max = child(root, "MaxSignId")) {
    std::string open = "<" + std::string(max.name()) + ">";
    std::string close = "</" + std::string(max.name()) + ">";
    std::size_t from = text.find(open), to = text.find(close);
    if (from == std::string::npos || to == std::string::npos || to < from)
      return Error::invalid_input(path + ": cannot find MaxSignId");
    text.replace(from + open.size(), to - from - open.size(), escape(max_sign_id));
  } else {
    std::size_t start = text.find("<" + root_name);
    std::size_t close = start == std::string::npos ? start : text.find('>', start);
    if (close == std::string::npos || text[close - 1] == '/')
      return Error::invalid_input(path + ": cannot find the start of Signatures");
    text.insert(close + 1,
                "<" + prefix + "MaxSignId>" + escape(max_sign_id) + "</" + prefix + "MaxSignId>");
  }
  return to_bytes(text);
}

struct Opened {
  Package package;
  OfdStructure structure;
};

Result<Opened> open_ofd(ByteView ofd) {
  auto package = Package::open(ofd);
  if (!package) return package.error();
  auto structure = read_structure(*package);
  if (!structure) return structure.error();
  return Opened{std::move(*package), std::move(*structure)};
}

Result<SignatureDescription> read_description(const Package& package, const SignatureEntry& e) {
  auto xml = package.read(e.path);
  if (!xml) return xml.error().with_context("signature " + e.id);
  return parse_signature_xml(*xml, e.path, package.limits().max_xml_depth);
}

bool covers(const SignatureDescription& d, const std::string& path) {
  return std::any_of(d.references.begin(), d.references.end(),
                     [&](const Reference& r) { return !path.empty() && r.path == path; });
}

// Refuses a document that a signature locks and a package with a prepared signature that was
// never completed.
Status check_open_for_signing(const Opened& o, const DocBody& body) {
  for (const auto& s : body.signatures) {
    auto d = read_description(o.package, s);
    if (!d) return d.error();
    if (covers(*d, body.signatures_path)) {
      return Error::invalid_input("the document is locked by signature " + s.id +
                                  " (锁定签名): no further signature can be added");
    }
  }
  for (const auto& doc : o.structure.documents) {
    for (const auto& s : doc.signatures) {
      auto d = read_description(o.package, s);
      if (!d) return d.error();
      auto value = o.package.read(d->signed_value_path);
      if (value && doc::is_pending(*value)) {
        return Error::invalid_input("signature " + s.id +
                                    " was prepared but never completed; complete it first");
      }
    }
  }
  return ok_status();
}

// The first "Sign_N/" folder under `signs` that no entry uses.
std::string free_sign_folder(const Package& package, const std::string& signs) {
  for (int n = 0;; ++n) {
    std::string folder = signs + "Sign_" + std::to_string(n) + "/";
    bool used = std::any_of(package.entries().begin(), package.entries().end(),
                            [&](const Entry& e) { return e.name.rfind(folder, 0) == 0; });
    if (!used) return folder;
  }
}

std::string stamp_annots_xml(const SignRequest& request, const DocBody& body, IdCounter& ids,
                             std::string& error) {
  std::string out;
  for (const auto& s : request.stamps) {
    if (s.page < 0 || s.page >= static_cast<int>(body.pages.size())) {
      error = "page " + std::to_string(s.page + 1) + " does not exist (the document has " +
              std::to_string(body.pages.size()) + ")";
      return {};
    }
    out += "<ofd:StampAnnot ID=\"" + ids.take() + "\" PageRef=\"" + escape(body.pages[s.page].id) +
           "\" Boundary=\"" + format_box(s.picture) + "\"";
    const doc::RectMm& v = s.visible;
    const doc::RectMm& p = s.picture;
    if (v.x != p.x || v.y != p.y || v.width != p.width || v.height != p.height) {
      out += " Clip=\"" + format_box({v.x - p.x, v.y - p.y, v.width, v.height}) + "\"";
    }
    out += "/>\n";
  }
  return out;
}

// A verification code as a Stamp annotation: a white square with the dark modules on it.
std::string code_annot(DocumentEdit& doc, const doc::CodeMark& mark, Time at) {
  const doc::RectMm& a = mark.area;
  std::string w = format_number(a.width), h = format_number(a.height);
  std::string runs;
  for (const doc::RectMm& r : doc::dark_runs(mark)) {
    std::string x0 = format_number(r.x), y0 = format_number(r.y);
    std::string x1 = format_number(r.x + r.width), y1 = format_number(r.y + r.height);
    runs += "M " + x0 + " " + y0 + " L " + x1 + " " + y0 + " L " + x1 + " " + y1 + " L " + x0 +
            " " + y1 + " C ";
  }
  if (!runs.empty()) runs.pop_back();
  std::string box = format_box({0, 0, a.width, a.height});
  std::string annot_id = doc.take_id(), white_id = doc.take_id(), dark_id = doc.take_id();
  return "<ofd:Annot ID=\"" + annot_id + "\" Type=\"Stamp\" Creator=\"eseal\" LastModDate=\"" +
         format_utc(at).substr(0, 10) +
         "\" ReadOnly=\"true\" Print=\"true\"><ofd:Remark>核验码</ofd:Remark>"
         "<ofd:Appearance Boundary=\"" +
         format_box(a) + "\"><ofd:PathObject ID=\"" + white_id + "\" Boundary=\"" + box +
         "\" Stroke=\"false\" Fill=\"true\"><ofd:FillColor Value=\"255 255 255\"/>"
         "<ofd:AbbreviatedData>M 0 0 L " +
         w + " 0 L " + w + " " + h + " L 0 " + h + " C</ofd:AbbreviatedData></ofd:PathObject>" +
         "<ofd:PathObject ID=\"" + dark_id + "\" Boundary=\"" + box +
         "\" Stroke=\"false\" Fill=\"true\"><ofd:FillColor Value=\"0 0 0\"/><ofd:AbbreviatedData>" +
         runs + "</ofd:AbbreviatedData></ofd:PathObject></ofd:Appearance></ofd:Annot>";
}

// The marks written into `edit`: only a document no signature covers yet can take them.
Status add_marks(const Package& package, const DocBody& body, const SignRequest& request,
                 PackageEdit& edit) {
  if (request.marks.empty()) return ok_status();
  if (!body.signatures.empty()) {
    return Error::invalid_input(
        "a verification code can only be printed with an OFD document's first signature: the "
        "earlier signatures cover Document.xml, which lists the page annotations");
  }
  auto sizes = page_sizes(package, body);
  if (!sizes) return sizes.error();
  auto doc = DocumentEdit::open(package, body);
  if (!doc) return doc.error();
  std::map<int, std::string> annots;
  for (const doc::CodeMark& mark : request.marks) {
    if (mark.page < 0 || mark.page >= static_cast<int>(sizes->size()))
      return Error::invalid_input("page " + std::to_string(mark.page + 1) + " does not exist");
    if (auto s = doc::check_mark(mark, (*sizes)[mark.page]); !s) return s;
    annots[mark.page] += code_annot(*doc, mark, request.signing_time);
  }
  if (auto s = doc->add_annotations(annots, "CodeAnnotation.xml"); !s) return s;
  return doc->finish(edit);
}

// The References: base64 SM3 of every file of the new package, in archive order, but the ones
// `excluded` names.
Result<std::string> references_xml(const Package& package,
                                   const std::vector<std::pair<std::string, Bytes>>& put,
                                   const std::vector<std::string>& excluded) {
  std::map<std::string, const Bytes*> replaced;
  for (const auto& [name, bytes] : put) replaced[name] = &bytes;
  std::vector<std::string> names;
  for (const auto& name : package.files()) names.push_back(name);
  for (const auto& [name, bytes] : put) {
    if (!package.find(name) || package.find(name)->name != name) names.push_back(name);
  }
  std::string out = "<ofd:References CheckMethod=\"" + std::string(kSm3Oid) + "\">\n";
  for (const auto& name : names) {
    if (std::find(excluded.begin(), excluded.end(), name) != excluded.end()) continue;
    Bytes digest;
    if (auto it = replaced.find(name); it != replaced.end()) {
      digest = crypto::sm3(*it->second);
    } else {
      crypto::Hasher h(crypto::HashAlgorithm::kSm3);
      auto s = package.read_chunks(name, [&](ByteView chunk) {
        h.update(chunk);
        return ok_status();
      });
      if (!s) return s.error();
      digest = h.finish();
    }
    out += "<ofd:Reference FileRef=\"/" + escape(name) + "\"><ofd:CheckValue>" +
           crypto::to_base64(digest) + "</ofd:CheckValue></ofd:Reference>\n";
  }
  return out + "</ofd:References>\n";
}

}  // namespace

Result<PreparedSignature> prepare_signature(ByteView ofd, const SignRequest& request) {
  if (auto s = doc::check_finite(request.stamps); !s) return s.error();
  auto opened = open_ofd(ofd);
  if (!opened) return opened.error();
  const Package& package = opened->package;
  auto& documents = opened->structure.documents;
  if (request.document < 0 || request.document >= static_cast<int>(documents.size())) {
    return Error::invalid_input("the package has no document " +
                                std::to_string(request.document + 1));
  }
  const DocBody& body = documents[request.document];
  if (body.document_path.empty() || !package.contains(body.document_path))
    return Error::invalid_input("the document's Document.xml is missing");
  bool seal = request.kind == SignatureKind::kSeal;
  if (seal && request.seal == nullptr) return Error::invalid_input("a seal signature needs a seal");
  if (seal && request.stamps.empty())
    return Error::invalid_input("a seal signature needs at least one place to show the seal");
  if (seal) {
    if (auto s = ses::check_signer_listed(*request.seal, request.signer); !s) return s.error();
  }
  if (auto s = check_open_for_signing(*opened, body); !s) return s.error();

  bool first = body.signatures_path.empty() || !package.contains(body.signatures_path);
  std::string signatures_path = body.signatures_path.empty()
                                    ? folder_of(body.document_path) + "Signs/Signatures.xml"
                                    : body.signatures_path;
  std::string folder = free_sign_folder(package, folder_of(signatures_path));
  std::string signature_path = folder + "Signature.xml";
  std::string value_path = folder + "SignedValue.dat";
  std::string seal_path = folder + "Seal.esl";

  IdCounter ids(body);
  std::string id = ids.take();
  std::string error;
  std::string annots = seal ? stamp_annots_xml(request, body, ids, error) : std::string();
  if (!error.empty()) return Error::invalid_input(error);

  PackageEdit edit;
  edit.modified = request.signing_time;
  if (seal) {
    if (auto s = add_marks(package, body, request, edit); !s) return s.error();
  }
  if (body.signatures_path.empty()) {
    auto ofd_xml = package.read(kOfdXml);
    if (!ofd_xml) return ofd_xml.error();
    auto updated = add_signatures_to_ofd_xml(*ofd_xml, request.document, signatures_path);
    if (!updated) return updated.error();
    edit.put.emplace_back(std::string(kOfdXml), std::move(*updated));
  }
  std::optional<Bytes> old_signatures;
  if (!first) {
    auto read = package.read(signatures_path);
    if (!read) return read.error();
    old_signatures = std::move(*read);
  }
  auto signatures_xml = add_signature_entry(
      old_signatures ? std::optional<ByteView>(*old_signatures) : std::nullopt, signatures_path,
      ids.last(), id, seal ? "Seal" : "Sign", "/" + signature_path);
  if (!signatures_xml) return signatures_xml.error();
  edit.put.emplace_back(signatures_path, std::move(*signatures_xml));
  if (seal) edit.put.emplace_back(seal_path, request.seal->encoded);

  // A seal leaves Signatures.xml out so that more seals may follow; a lock covers it.
  std::vector<std::string> excluded = {signature_path, value_path};
  if (seal) excluded.push_back(signatures_path);
  auto references = references_xml(package, edit.put, excluded);
  if (!references) return references.error();

  std::string xml =
      std::string(kXmlDeclaration) + "<ofd:Signature xmlns:ofd=\"" + std::string(kOfdNamespace) +
      "\">\n<ofd:SignedInfo>\n<ofd:Provider ProviderName=\"eseal\" "
      "Version=\"1.0\" Company=\"eseal\"/>\n<ofd:SignatureMethod>" +
      std::string(kSm3WithSm2Oid) + "</ofd:SignatureMethod>\n<ofd:SignatureDateTime>" +
      format_utc(request.signing_time) + "</ofd:SignatureDateTime>\n" + *references + annots;
  if (seal) xml += "<ofd:Seal><ofd:BaseLoc>/" + escape(seal_path) + "</ofd:BaseLoc></ofd:Seal>\n";
  xml += "</ofd:SignedInfo>\n<ofd:SignedValue>/" + escape(value_path) +
         "</ofd:SignedValue>\n</ofd:Signature>\n";
  Bytes signature_xml = to_bytes(xml);
  Bytes digest = crypto::sm3(signature_xml);

  auto value = doc::build_unsigned_value(
      seal ? doc::SignatureFormat::kSes : doc::SignatureFormat::kGmCms, request.seal,
      request.signer, request.signing_time, digest, "/" + signature_path);
  if (!value) return value.error();
  edit.put.emplace_back(signature_path, std::move(signature_xml));
  edit.put.emplace_back(value_path, std::move(value->pending));
  auto written = edit_package(ofd, edit);
  if (!written) return written.error();
  return PreparedSignature{std::move(*written), std::move(value->to_be_signed), id, signature_path,
                           std::move(digest)};
}

Result<Bytes> complete_signature(ByteView prepared_ofd, ByteView signature, Time at,
                                 const doc::TimeStamper& time_stamper) {
  auto opened = open_ofd(prepared_ofd);
  if (!opened) return opened.error();
  for (const auto& body : opened->structure.documents) {
    for (const auto& s : body.signatures) {
      auto d = read_description(opened->package, s);
      if (!d) return d.error();
      auto value = opened->package.read(d->signed_value_path);
      if (!value || !doc::is_pending(*value)) continue;
      auto done = doc::complete_value(*value, signature, time_stamper);
      if (!done) return done.error();
      PackageEdit edit;
      edit.modified = at;
      edit.put.emplace_back(d->signed_value_path, std::move(*done));
      return edit_package(prepared_ofd, edit);
    }
  }
  return Error::invalid_input("the package has no prepared signature to complete");
}

Result<Bytes> remove_lock(ByteView ofd, Time at, int document) {
  auto opened = open_ofd(ofd);
  if (!opened) return opened.error();
  const Package& package = opened->package;
  const auto& documents = opened->structure.documents;
  if (document < 0 || document >= static_cast<int>(documents.size()))
    return Error::invalid_input("the package has no document " + std::to_string(document + 1));
  const DocBody& body = documents[document];
  if (body.signatures.empty()) return Error::invalid_input("the document has no lock signature");
  const SignatureEntry& last = body.signatures.back();
  auto d = read_description(package, last);
  if (!d) return d.error();
  if (last.type != "Sign" || !covers(*d, body.signatures_path)) {
    return Error::invalid_input("the document has no lock signature: its last signature (" +
                                last.id + ") does not lock it");
  }

  auto old = package.read(body.signatures_path);
  if (!old) return old.error();
  auto xml = parse_xml(*old, body.signatures_path, package.limits().max_xml_depth);
  if (!xml) return xml.error();
  auto entries = children((*xml)->document_element(), "Signature");
  std::string name = entries.back().name();
  std::string text = to_string(*old);
  std::size_t start = text.rfind("<" + name + " ");
  std::size_t tag_end = start == std::string::npos ? start : text.find('>', start);
  if (tag_end == std::string::npos ||
      text.substr(start, tag_end - start).find("\"" + escape(last.id) + "\"") == std::string::npos)
    return Error::invalid_input(body.signatures_path + ": cannot find signature " + last.id);
  std::size_t end = tag_end + 1;
  if (text[tag_end - 1] != '/') {
    std::string close = "</" + name + ">";
    end = text.find(close, tag_end);
    if (end == std::string::npos)
      return Error::invalid_input(body.signatures_path + ": cannot find signature " + last.id);
    end += close.size();
  }
  text.erase(start, end - start);

  PackageEdit edit;
  edit.modified = at;
  edit.put.emplace_back(body.signatures_path, to_bytes(text));
  std::string folder = folder_of(last.path);
  for (const auto& e : package.entries()) {
    if (e.name.rfind(folder, 0) != 0) continue;
    bool own = e.directory || e.name == d->signed_value_path || e.name == last.path ||
               e.name == d->seal_path;
    if (!own) {
      return Error::invalid_input("the lock's folder " + folder + " holds " + e.name +
                                  ", which is not the lock's; refusing to remove it");
    }
    edit.remove.push_back(e.name);
  }
  return edit_package(ofd, edit);
}

}  // namespace eseal::ofd
