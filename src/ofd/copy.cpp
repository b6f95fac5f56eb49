#include "ofd/copy.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>

#include "ofd/annotate.h"
#include "ofd/document.h"
#include "ofd/package_edit.h"
#include "ofd/text.h"
#include "ofd/verify.h"
#include "ofd/xml.h"

namespace eseal::ofd {
namespace {

constexpr double kWatermarkSize = 3.5;  // mm

std::string utc_date(Time t) {
  return format_utc(t).substr(0, 10);
}

// `years` calendar years after `t` (29 February becomes 28 February).
Time add_years(Time t, int years) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  auto later = ymd + std::chrono::years(years);
  if (!later.ok()) later = later.year() / later.month() / std::chrono::last;
  return std::chrono::sys_days(later) + (t - day);
}

// The advance of each character of a watermark line: a full em for CJK and other wide
// characters, half an em for ASCII.
std::vector<double> advances(std::string_view utf8, double size) {
  std::vector<double> out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if ((c & 0xC0) == 0x80) continue;
    out.push_back(c < 0x80 ? size / 2 : size);
  }
  return out;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

struct SealImage {
  std::string resource_id;
  std::string file;  // entry name
  const Bytes* picture = nullptr;
  std::string format;
};

std::string watermark_annot(DocumentEdit& ids, const std::string& font_id, const std::string& line,
                            const doc::PageSize& page, const CopyRequest& request) {
  std::vector<double> deltas = advances(line, kWatermarkSize);
  double width = 0;
  for (double d : deltas) width += d;
  std::string delta_x;
  for (std::size_t i = 0; i + 1 < deltas.size(); ++i) {
    if (i) delta_x += ' ';
    delta_x += format_number(deltas[i]);
  }
  double x = std::max(0.0, (page.width_mm - width) / 2);
  std::string annot_id = ids.take_id(), text_id = ids.take_id();
  return "<ofd:Annot ID=\"" + annot_id + "\" Type=\"Watermark\" Creator=\"" +
         escape(request.creator) + "\" LastModDate=\"" + utc_date(request.created) +
         "\" ReadOnly=\"true\" Print=\"true\"><ofd:Remark>加注件</ofd:Remark>"
         "<ofd:Appearance Boundary=\"" +
         format_box({x, 4, width + 1, kWatermarkSize * 1.6}) + "\"><ofd:TextObject ID=\"" +
         text_id + "\" Boundary=\"" + format_box({0, 0, width + 1, kWatermarkSize * 1.6}) +
         "\" Font=\"" + font_id + "\" Size=\"" + format_number(kWatermarkSize) +
         "\"><ofd:FillColor Value=\"200 30 30\" Alpha=\"160\"/><ofd:TextCode X=\"0\" Y=\"" +
         format_number(kWatermarkSize) + "\"" +
         (delta_x.empty() ? "" : " DeltaX=\"" + delta_x + "\"") + ">" + escape(line) +
         "</ofd:TextCode></ofd:TextObject></ofd:Appearance></ofd:Annot>";
}

// A Stamp annotation showing a seal picture where a StampAnnot showed it: the appearance is
// the visible part, and the image, placed by its CTM at the whole picture's box, is clipped to
// it (objects draw only inside their Boundary).
std::string stamp_annot(DocumentEdit& ids, const SealImage& image, const Appearance& a,
                        const CopyRequest& request) {
  doc::RectMm visible = a.boundary;
  if (a.clip) {
    visible = {a.boundary.x + a.clip->x, a.boundary.y + a.clip->y, a.clip->width, a.clip->height};
  }
  double dx = a.boundary.x - visible.x, dy = a.boundary.y - visible.y;
  std::string annot_id = ids.take_id(), image_id = ids.take_id();
  return "<ofd:Annot ID=\"" + annot_id + "\" Type=\"Stamp\" Creator=\"" + escape(request.creator) +
         "\" LastModDate=\"" + utc_date(request.created) +
         "\" ReadOnly=\"true\" Print=\"true\"><ofd:Remark>原件印章</ofd:Remark>"
         "<ofd:Appearance Boundary=\"" +
         format_box(visible) + "\"><ofd:ImageObject ID=\"" + image_id + "\" ResourceID=\"" +
         image.resource_id + "\" Boundary=\"" + format_box({0, 0, visible.width, visible.height}) +
         "\" CTM=\"" + format_number(a.boundary.width) + " 0 0 " +
         format_number(a.boundary.height) + " " + format_number(dx) + " " + format_number(dy) +
         "\"/></ofd:Appearance></ofd:Annot>";
}

struct Copy {
  const Package& package;
  const CopyRequest& request;
  DocumentEdit doc;
  PackageEdit edit;
};

// OFD.xml: the original's Signatures left out, the copy's metadata added to DocInfo.
Status edit_ofd_xml(Copy& c) {
  auto text = c.doc.current(std::string(kOfdXml));
  if (!text) return text.error();
  std::string xml = std::move(*text);
  auto parsed = parse_xml(as_bytes(xml), kOfdXml, c.package.limits().max_xml_depth);
  if (!parsed) return parsed.error();
  pugi::xml_node body = child((*parsed)->document_element(), "DocBody");
  if (pugi::xml_node signatures = child(body, "Signatures")) {
    std::string name = signatures.name();
    std::size_t from = find_start_tag(xml, name);
    std::size_t to = xml.find("</" + name + ">", from);
    if (from == std::string::npos || to == std::string::npos)
      return Error::invalid_input("OFD.xml: cannot find DocBody/Signatures");
    xml.erase(from, to + name.size() + 3 - from);
  }
  pugi::xml_node info = child(body, "DocInfo");
  if (!info) return Error::invalid_input("OFD.xml: the DocBody has no DocInfo");
  std::string prefix = prefix_of(info.name());
  auto data = [&](std::string_view name, const std::string& value) {
    return "<" + prefix + "CustomData Name=\"" + std::string(name) + "\">" + escape(value) + "</" +
           prefix + "CustomData>";
  };
  std::string items =
      data(kCopyCreatedName, format_utc(c.request.created)) +
      data(kCopyCreatorName, c.request.creator) + data(kCopyCauseName, c.request.cause) +
      data(kCopyExpiresName, format_utc(add_years(c.request.created, c.request.years)));
  if (pugi::xml_node datas = child(info, "CustomDatas")) {
    std::size_t at = xml.find("</" + std::string(datas.name()) + ">");
    if (at == std::string::npos) return Error::invalid_input("OFD.xml: cannot find CustomDatas");
    xml.insert(at, items);
  } else {
    std::size_t at = xml.find("</" + std::string(info.name()) + ">");
    if (at == std::string::npos) return Error::invalid_input("OFD.xml: cannot find DocInfo");
    xml.insert(at, "<" + prefix + "CustomDatas>" + items + "</" + prefix + "CustomDatas>");
  }
  c.doc.put(std::string(kOfdXml), std::move(xml));
  return ok_status();
}

// The original attached unchanged: in the document's Attachments file, new or extended.
Status attach_original(Copy& c, ByteView original, const std::string& attachment_id) {
  const std::string& document_path = c.doc.body().document_path;
  std::string& document_xml = c.doc.document_xml();
  auto parsed = parse_xml(as_bytes(document_xml), document_path, c.package.limits().max_xml_depth);
  if (!parsed) return parsed.error();
  std::string loc = text(child((*parsed)->document_element(), "Attachments"));
  std::string path = folder_of(document_path) + "Attachs/Attachments.xml";
  if (!loc.empty()) {
    auto resolved = resolve_path(document_path, loc);
    if (!resolved) return resolved.error().with_context(document_path + ": Attachments");
    path = *resolved;
  }
  std::string file = "original.ofd";
  if (c.package.contains(folder_of(path) + file))
    return Error::invalid_input("the document already has an attachment " + file);
  std::string xml;
  if (loc.empty()) {
    xml = std::string(kXmlDeclaration) + "<ofd:Attachments" + kOfdNamespaceAttribute +
          "></ofd:Attachments>\n";
    const std::string& prefix = c.doc.prefix();
    auto s = insert_before(
        document_xml, prefix, {"Annotations", "CustomTags", "Extensions"}, "Document",
        "<" + prefix + "Attachments>Attachs/Attachments.xml</" + prefix + "Attachments>",
        document_path);
    if (!s) return s;
  } else {
    auto current = c.doc.current(path);
    if (!current) return current.error();
    xml = std::move(*current);
  }
  auto list = parse_xml(as_bytes(xml), path, c.package.limits().max_xml_depth);
  if (!list) return list.error();
  std::string root = (*list)->document_element().name();
  std::string prefix = prefix_of(root);
  std::size_t at = xml.rfind("</" + root + ">");
  if (at == std::string::npos) return Error::invalid_input(path + ": cannot find the end");
  xml.insert(at,
             "<" + prefix + "Attachment ID=\"" + attachment_id +
                 "\" Name=\"原件\" Format=\"ofd\" CreationDate=\"" + format_utc(c.request.created) +
                 "\" Size=\"" + format_number(static_cast<double>(original.size()) / 1024) +
                 "\" Visible=\"false\" Usage=\"" + std::string(kOriginalUsage) + "\"><" + prefix +
                 "FileLoc>" + file + "</" + prefix + "FileLoc></" + prefix + "Attachment>");
  c.doc.put(path, std::move(xml));
  c.edit.put.emplace_back(folder_of(path) + file, Bytes(original.begin(), original.end()));
  return ok_status();
}

}  // namespace

Result<PreparedSignature> prepare_certified_copy(ByteView original, const CopyRequest& request) {
  if (request.creator.empty() || request.cause.empty())
    return Error::invalid_input("a certified copy needs its creator and its cause");
  if (request.years < 1 || request.years > 100)
    return Error::invalid_input("the validity of a certified copy is 1 to 100 years");
  auto package = Package::open(original);
  if (!package) return package.error();
  auto structure = read_structure(*package);
  if (!structure) return structure.error();
  if (structure->documents.size() != 1)
    return Error::invalid_input("certified copies are made of single-document packages");
  const DocBody& body = structure->documents[0];
  for (const auto& [name, value] : body.custom_data) {
    if (name == kCopyCreatorName)
      return Error::invalid_input("the document is already a certified copy (加注件)");
  }
  auto report = verify_ofd(original, {});
  if (!report) return report.error();
  // Verified without trust anchors, an original is at best indeterminate; only a failed one
  // is refused.
  if (!report->signatures.empty() && report->outcome().indication == ses::Indication::kFailed) {
    return Error::invalid_input(
        "the original's signatures do not all verify; a certified copy certifies a valid "
        "original (eseal ofd verify says why)");
  }

  auto doc = DocumentEdit::open(*package, body);
  if (!doc) return doc.error();
  Copy c{*package, request, std::move(*doc), {}};
  c.edit.modified = request.created;
  if (auto s = edit_ofd_xml(c); !s) return s.error();
  // The original's signatures stay with the original (attached below).
  for (const auto& s : report->signatures) {
    for (const std::string* f : {&s.signature_path, &s.signed_value_path, &s.seal_path}) {
      if (!f->empty() && package->find(*f)) c.edit.remove.push_back(package->find(*f)->name);
    }
  }
  if (!body.signatures_path.empty() && package->contains(body.signatures_path))
    c.edit.remove.push_back(package->find(body.signatures_path)->name);
  DocumentEdit& ids = c.doc;

  // The copy's resources: a font for the watermark and the original's seal pictures.
  std::string font_id = ids.take_id();
  std::string res_folder = "CopyRes/";
  std::string res = std::string(kXmlDeclaration) + "<ofd:Res" + kOfdNamespaceAttribute +
                    " BaseLoc=\"CopyRes\"><ofd:Fonts><ofd:Font ID=\"" + font_id +
                    "\" FontName=\"宋体\" FamilyName=\"宋体\"/></ofd:Fonts>";
  std::string media;
  std::vector<std::pair<const SignatureReport*, SealImage>> images;
  for (const auto& s : report->signatures) {
    std::string format = s.picture_type;
    for (char& ch : format) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (s.picture.empty() || (format != "PNG" && format != "JPG" && format != "JPEG" &&
                              format != "BMP" && format != "GIF"))
      continue;  // a seal drawn as an OFD page (picture type "ofd") cannot be an image resource
    SealImage image{ids.take_id(),
                    folder_of(body.document_path) + res_folder + "seal_" +
                        std::to_string(images.size() + 1) + "." +
                        lower(format == "JPEG" ? std::string("JPG") : format),
                    &s.picture, format == "JPEG" ? "JPG" : format};
    media += "<ofd:MultiMedia ID=\"" + image.resource_id + "\" Type=\"Image\" Format=\"" +
             image.format + "\"><ofd:MediaFile>" + image.file.substr(image.file.rfind('/') + 1) +
             "</ofd:MediaFile></ofd:MultiMedia>";
    images.emplace_back(&s, std::move(image));
  }
  if (!media.empty()) res += "<ofd:MultiMedias>" + media + "</ofd:MultiMedias>";
  res += "</ofd:Res>\n";
  std::string res_path = folder_of(body.document_path) + "CopyRes.xml";
  if (package->contains(res_path)) return Error::invalid_input(res_path + " already exists");
  c.doc.put(res_path, std::move(res));
  for (const auto& [s, image] : images) c.edit.put.emplace_back(image.file, *image.picture);

  // Each page: the watermark, then the original's seals shown on it.
  std::string line = "加注件 仅供" + request.cause + "使用 制作者：" + request.creator +
                     " 有效期至" + utc_date(add_years(request.created, request.years));
  auto sizes = page_sizes(*package, body);
  if (!sizes) return sizes.error();
  std::map<int, std::string> annots;
  for (int page = 0; page < static_cast<int>(body.pages.size()); ++page) {
    annots[page] = watermark_annot(ids, font_id, line, (*sizes)[page], request);
  }
  for (const auto& [s, image] : images) {
    for (const auto& a : s->appearances) {
      if (a.page >= 0) annots[a.page] += stamp_annot(ids, image, a, request);
    }
  }
  if (auto s = c.doc.add_annotations(annots, "CopyAnnotation.xml"); !s) return s.error();
  if (auto s = attach_original(c, original, ids.take_id()); !s) return s.error();

  // Document.xml: the new resource file.
  const std::string& prefix = c.doc.prefix();
  std::string res_element = "<" + prefix + "DocumentRes>CopyRes.xml</" + prefix + "DocumentRes>";
  if (auto s = insert_before(c.doc.document_xml(), prefix, {"TemplatePage", "DefaultCS"},
                             "CommonData", res_element, body.document_path);
      !s)
    return s.error();
  if (auto s = c.doc.finish(c.edit); !s) return s.error();
  auto copy = edit_package(original, c.edit);
  if (!copy) return copy.error();
  SignRequest lock{SignatureKind::kLock, {}, nullptr, request.signer, request.created, 0};
  return prepare_signature(*copy, lock);
}

CertifiedCopy verify_certified_copy(
    const Package& package, const DocBody& body, std::optional<Time> at,
    const std::function<Result<VerifyReport>(ByteView original)>& verify_original) {
  CertifiedCopy copy;
  for (const auto& [name, value] : body.custom_data) {
    if (name == kCopyCreatedName) copy.created = value;
    if (name == kCopyCreatorName) copy.creator = value;
    if (name == kCopyCauseName) copy.cause = value;
    if (name == kCopyExpiresName) copy.expires = value;
  }
  auto& checks = copy.verdict.checks;
  if (copy.created.empty() || copy.creator.empty() || copy.cause.empty() || copy.expires.empty()) {
    checks.push_back(ses::Check::failed("copy.metadata",
                                        "CustomDatas lacks some of 加注件制作时间, "
                                        "加注件制作者, 加注件制作事由, 加注件有效期截止时间"));
  } else {
    checks.push_back(ses::Check::passed(
        "copy.metadata", "made " + copy.created + " by " + copy.creator + " for " + copy.cause));
  }
  auto expires = parse_signature_date_time(copy.expires);
  if (!expires) {
    checks.push_back(
        ses::Check::failed("copy.validity", "the expiry \"" + copy.expires + "\" is not a time"));
  } else if (!at) {
    checks.push_back(ses::Check::skipped("copy.validity", "no time to judge the expiry at")
                         .with_finding("no-verification-time"));
  } else if (*at > *expires) {
    checks.push_back(ses::Check::failed("copy.validity", "expired " + format_utc(*expires)));
  } else {
    checks.push_back(ses::Check::passed("copy.validity", "valid until " + format_utc(*expires)));
  }
  for (const Attachment& a : body.attachments) {
    if (a.usage == kOriginalUsage) copy.original_path = a.path;
  }
  auto bytes = copy.original_path.empty() ? Result<Bytes>(Error::not_found("no attachment"))
                                          : package.read(copy.original_path);
  if (!bytes) {
    checks.push_back(ses::Check::failed("copy.original",
                                        "the original is not attached (an Attachment with "
                                        "Usage \"original\")"));
    return copy;
  }
  auto original = verify_original(*bytes);
  if (!original) {
    checks.push_back(
        ses::Check::failed("copy.original", copy.original_path + ": " + original.error().message));
    return copy;
  }
  copy.original = std::make_shared<VerifyReport>(std::move(*original));
  ses::Outcome outcome = copy.original->outcome();
  std::string findings;
  for (const std::string& f : outcome.findings) findings += (findings.empty() ? "" : ", ") + f;
  switch (outcome.indication) {
    case ses::Indication::kValid:
      checks.push_back(
          ses::Check::passed("copy.original", copy.original_path + ": " +
                                                  std::to_string(copy.original->signatures.size()) +
                                                  " signature(s), all valid"));
      break;
    case ses::Indication::kIndeterminate:
      checks.push_back(ses::Check::indeterminate(
          "copy.original", "copy-original-indeterminate",
          copy.original_path + ": its signatures are indeterminate (" + findings + ")"));
      break;
    case ses::Indication::kFailed:
      checks.push_back(ses::Check::failed(
          "copy.original",
          copy.original_path + ": its signatures do not all hold (" + findings + ")"));
      break;
  }
  return copy;
}

}  // namespace eseal::ofd
