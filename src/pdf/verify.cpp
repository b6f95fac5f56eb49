#include "pdf/verify.h"

#include <algorithm>
#include <map>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>

#include "crypto/digest.h"
#include "pdf/document.h"
#include "pdf/long_term.h"
#include "pki/signed_data.h"
#include "tsa/verify.h"

namespace eseal::pdf {
namespace {

using ses::Check;
using ses::CheckResult;

constexpr auto passed = &Check::passed;
constexpr auto failed = &Check::failed;

std::string range_text(const ByteRange& r) {
  return "[" + std::to_string(r[0]) + " " + std::to_string(r[1]) + " " + std::to_string(r[2]) +
         " " + std::to_string(r[3]) + "]";
}

// A signature field: its name, signature dictionary and widgets.
struct SignatureField {
  std::string name;
  QPDFObjectHandle value;
  std::vector<QPDFObjectHandle> widgets;
};

void collect_fields(QPDFObjectHandle field, const std::string& parent_name, std::string parent_type,
                    std::vector<SignatureField>& out, std::set<QPDFObjGen>& seen, int depth) {
  if (!field.isDictionary() || depth > 32) return;
  if (field.isIndirect() && !seen.insert(field.getObjGen()).second) return;
  std::string name = parent_name;
  if (field.getKey("/T").isString()) {
    name = (name.empty() ? "" : name + ".") + field.getKey("/T").getUTF8Value();
  }
  std::string type = field.getKey("/FT").isName() ? field.getKey("/FT").getName() : parent_type;
  QPDFObjectHandle kids = field.getKey("/Kids");
  bool has_field_kids = false;
  if (kids.isArray()) {
    for (int i = 0; i < kids.getArrayNItems(); ++i) {
      QPDFObjectHandle kid = kids.getArrayItem(i);
      if (kid.isDictionary() && kid.hasKey("/T")) {
        has_field_kids = true;
        collect_fields(kid, name, type, out, seen, depth + 1);
      }
    }
  }
  if (type != "/Sig" || has_field_kids) return;
  QPDFObjectHandle value = field.getKey("/V");
  if (!value.isDictionary()) return;  // an empty signature field
  SignatureField f{name, value, {}};
  if (field.getKey("/Subtype").isName() && field.getKey("/Subtype").getName() == "/Widget") {
    f.widgets.push_back(field);
  }
  if (kids.isArray()) {
    for (int i = 0; i < kids.getArrayNItems(); ++i) f.widgets.push_back(kids.getArrayItem(i));
  }
  out.push_back(std::move(f));
}

Result<ByteRange> byte_range_of(QPDFObjectHandle sig) {
  QPDFObjectHandle a = sig.getKey("/ByteRange");
  if (!a.isArray() || a.getArrayNItems() != 4)
    return Error::invalid_input("no /ByteRange of four numbers");
  ByteRange r{};
  for (int i = 0; i < 4; ++i) {
    QPDFObjectHandle n = a.getArrayItem(i);
    if (!n.isInteger() || n.getIntValue() < 0)
      return Error::invalid_input("/ByteRange holds a non-number");
    r[static_cast<std::size_t>(i)] = static_cast<std::size_t>(n.getIntValue());
  }
  return r;
}

// The byte ranges cover one revision exactly, leaving out only the /Contents string.
Check coverage_check(ByteView pdf, const ByteRange& r, const std::vector<std::size_t>& ends,
                     int& revision) {
  revision = 0;
  if (r[0] != 0 || r[1] == 0 || r[2] <= r[1] || r[2] + r[3] > pdf.size() || r[2] + r[3] < r[2]) {
    return failed("byte-range", range_text(r) + " is not two ranges around a gap within the file");
  }
  auto end = std::find(ends.begin(), ends.end(), r[2] + r[3]);
  if (end == ends.end()) {
    return failed("byte-range", range_text(r) + " ends at " + std::to_string(r[2] + r[3]) +
                                    ", which is not the end of a revision");
  }
  revision = static_cast<int>(end - ends.begin()) + 1;
  std::string_view gap(reinterpret_cast<const char*>(pdf.data()) + r[1], r[2] - r[1]);
  bool hex = gap.size() >= 2 && gap.front() == '<' && gap.back() == '>' &&
             std::all_of(gap.begin() + 1, gap.end() - 1,
                         [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  std::string_view before(reinterpret_cast<const char*>(pdf.data()), r[1]);
  std::size_t key = before.find_last_not_of(" \r\n\t");
  bool after_contents_key =
      key != std::string_view::npos && key >= 8 && before.substr(key - 8, 9) == "/Contents";
  if (!hex || !after_contents_key) {
    return failed("byte-range",
                  "the gap in " + range_text(r) + " is not exactly the /Contents string");
  }
  return passed("byte-range", range_text(r) + " covers revision " + std::to_string(revision) +
                                  " but for /Contents");
}

Bytes digest_of(ByteView pdf, const ByteRange& r) {
  crypto::Hasher h(crypto::HashAlgorithm::kSm3);
  h.update(pdf.subspan(r[0], r[1]));
  h.update(pdf.subspan(r[2], r[3]));
  return h.finish();
}

// What a PDF signature value protects: its byte ranges.
constexpr doc::Protected kByteRanges{"digest", "the byte ranges"};

std::optional<Time> pdf_date_value(QPDFObjectHandle m) {
  if (!m.isString()) return std::nullopt;
  std::string s = m.getUTF8Value();
  if (s.rfind("D:", 0) == 0) s = s.substr(2);
  if (s.size() < 14) return std::nullopt;
  auto t = parse_utc(s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + " " +
                     s.substr(8, 2) + ":" + s.substr(10, 2) + ":" + s.substr(12, 2));
  if (!t) return std::nullopt;
  return *t;
}

// Whether `after` differs from `before` (the same object in a later revision) only in ways a
// later signature, document time stamp, annotation or validation data needs: a page's /Annots,
// the catalog's /AcroForm and /DSS, the form's /Fields and /SigFlags, an /Annots or /Fields
// array that keeps every earlier item, and the document information dictionary.
bool allowed_change(QPDFObjectHandle before, QPDFObjectHandle after, bool is_list, bool is_info) {
  if (is_info) return true;
  if (before.isArray() && after.isArray()) {
    if (!is_list) return false;
    std::set<std::string> items;
    for (int i = 0; i < after.getArrayNItems(); ++i) items.insert(after.getArrayItem(i).unparse());
    for (int i = 0; i < before.getArrayNItems(); ++i) {
      if (!items.count(before.getArrayItem(i).unparse())) return false;
    }
    return true;
  }
  if (!before.isDictionary() || !after.isDictionary() || before.isStream() || after.isStream()) {
    return false;
  }
  static const std::set<std::string> kLists{"/Annots", "/Fields"};
  static const std::set<std::string> kMayChange{"/AcroForm", "/SigFlags", "/NeedAppearances",
                                                "/DR",       "/DA",       "/DSS"};
  std::set<std::string> keys = before.getKeys();
  for (const auto& k : after.getKeys()) keys.insert(k);
  for (const auto& k : keys) {
    if (kMayChange.count(k) || before.getKey(k).unparse() == after.getKey(k).unparse()) continue;
    if (!kLists.count(k)) return false;
    QPDFObjectHandle old_list = before.getKey(k), new_list = after.getKey(k);
    if (old_list.isNull()) continue;
    if (!allowed_change(old_list, new_list, true, false)) return false;
  }
  return true;
}

// Every widget of the signature at least half on its page, in finite numbers.
Check stamp_geometry(const std::vector<Appearance>& appearances, const Document& doc) {
  const std::string name = "stamp-geometry";
  for (const Appearance& a : appearances) {
    const PageGeometry& g = doc.geometry(a.page);
    double share = doc::share_on_page(a.rect, {g.width_mm(), g.height_mm()});
    if (share < 0.5) {
      return failed(name, "the stamp on page " + std::to_string(a.page + 1) +
                              " lies mostly off the page (" +
                              std::to_string(static_cast<int>(share * 100)) + "% on it)");
    }
  }
  return passed(name, "every stamp lies on its page");
}

std::string stream_fingerprint(QPDFObjectHandle stream) {
  auto data = stream.getRawStreamData();
  return stream.getDict().unparse() +
         std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
}

// Whether an object of a signed revision is the same in the final document.
bool same_object(QPDFObjectHandle before, QPDFObjectHandle after) {
  if (before.isStream() != after.isStream()) return false;
  return before.isStream() ? stream_fingerprint(before) == stream_fingerprint(after)
                           : before.unparseResolved() == after.unparseResolved();
}

// Whether `before` and `after` (dictionaries) differ in the value of `key` and nothing else.
bool only_key_differs(QPDFObjectHandle before, QPDFObjectHandle after, const std::string& key) {
  if (!before.isDictionary() || !after.isDictionary()) return false;
  std::set<std::string> keys = before.getKeys();
  for (const auto& k : after.getKeys()) keys.insert(k);
  bool differs = false;
  for (const auto& k : keys) {
    if (before.getKey(k).unparse() == after.getKey(k).unparse()) continue;
    if (k != key) return false;
    differs = true;
  }
  return differs;
}

// What changed after a signature's revision, and whether that was only validation data: the
// catalog's /DSS the one thing that differs (PAdES B-LT, added after signing).
struct Changes {
  ChangesAfter kind = ChangesAfter::kSignaturesOrAnnotations;
  bool only_validation_data = false;
  std::vector<doc::ChangedRegion> regions = {};
};

// The objects of a signed revision that later revisions changed, and those it had.
struct Revisions {
  std::set<QPDFObjGen> known, differing;
};

Revisions compare_revisions(QPDF& before, QPDF& after) {
  Revisions r;
  for (QPDFObjectHandle b : before.getAllObjects()) {
    QPDFObjGen og = b.getObjGen();
    r.known.insert(og);
    if (!same_object(b, after.getObjectByObjGen(og))) r.differing.insert(og);
  }
  return r;
}

// Whether what an object of the final document draws changed after the signed revision: the
// object, or anything it refers to, is new or differs. The back links (/Parent, /P) and a
// page's /Annots are not followed, so that a page is judged by what it shows. Each indirect
// object is judged once for all pages (without recursion: a chain of references as long as a
// file can hold is walked on the heap); in a cycle of references, an object is judged by the
// part of the cycle seen before it.
class ChangeFinder {
 public:
  explicit ChangeFinder(const Revisions& revisions) : revisions_(revisions) {}

  bool changed(QPDFObjectHandle o) {
    if (o.isIndirect()) return changed_indirect(o);
    std::vector<QPDFObjectHandle> refs;
    references(o, refs, 0);
    return std::any_of(refs.begin(), refs.end(),
                       [this](QPDFObjectHandle r) { return changed_indirect(r); });
  }

 private:
  static bool followed(const std::string& key) {
    return key != "/Parent" && key != "/P" && key != "/Annots";
  }
  // The indirect objects a direct object refers to, through its direct parts (whose nesting
  // the parser bounds; deeper than any drawing needs counts as nothing more).
  static void references(QPDFObjectHandle o, std::vector<QPDFObjectHandle>& out, int depth) {
    if (depth > kMaxNesting) return;
    if (o.isIndirect() && depth > 0) {
      out.push_back(o);
    } else if (o.isStream()) {
      references(o.getDict(), out, depth + 1);
    } else if (o.isDictionary()) {
      for (const std::string& key : o.getKeys()) {
        if (followed(key)) references(o.getKey(key), out, depth + 1);
      }
    } else if (o.isArray()) {
      for (int i = 0; i < o.getArrayNItems(); ++i) references(o.getArrayItem(i), out, depth + 1);
    }
  }
  bool changed_itself(QPDFObjGen og) const {
    return !revisions_.known.count(og) || revisions_.differing.count(og);
  }
  bool changed_indirect(QPDFObjectHandle root) {
    struct Frame {
      QPDFObjGen og;
      std::vector<QPDFObjectHandle> refs;
      std::size_t next = 0;
    };
    std::vector<Frame> stack;
    auto enter = [&](QPDFObjectHandle o) {
      QPDFObjGen og = o.getObjGen();
      if (judged_.count(og)) return false;
      judged_[og] = changed_itself(og);
      Frame frame{og, {}};
      references(o, frame.refs, 0);
      stack.push_back(std::move(frame));
      return true;
    };
    enter(root);
    while (!stack.empty()) {
      Frame& top = stack.back();
      QPDFObjGen og = top.og;
      if (judged_[og] || top.next == top.refs.size()) {
        bool changed = judged_[og];
        stack.pop_back();
        if (changed && !stack.empty()) judged_[stack.back().og] = true;
        continue;
      }
      QPDFObjectHandle ref = top.refs[top.next++];
      if (!enter(ref) && judged_[ref.getObjGen()]) judged_[og] = true;
    }
    return judged_[root.getObjGen()];
  }

  static constexpr int kMaxNesting = 64;
  const Revisions& revisions_;
  std::map<QPDFObjGen, bool> judged_;
};

bool is_signature_widget(QPDFObjectHandle annot) {
  QPDFObjectHandle f = annot;
  for (int level = 0; level < 32 && f.isDictionary(); ++level, f = f.getKey("/Parent")) {
    if (f.getKey("/FT").isName()) return f.getKey("/FT").getName() == "/Sig";
  }
  return false;
}

// A page attribute, its own or inherited from the page tree (ISO 32000-1 §7.7.3.4).
QPDFObjectHandle page_attribute(QPDFObjectHandle page, const std::string& key) {
  QPDFObjectHandle node = page;
  for (int level = 0; level < 32 && node.isDictionary(); ++level, node = node.getKey("/Parent")) {
    if (node.hasKey(key)) return node.getKey(key);
  }
  return QPDFObjectHandle::newNull();
}

// Whether a page shows anything other than it did: another page object in its place, a value
// of its own changed (its annotations aside), or anything it draws with (content, resources,
// inherited attributes) new or different.
bool page_changed(QPDFObjectHandle old_page, QPDFObjectHandle new_page, ChangeFinder& finder) {
  if (old_page.getObjGen() != new_page.getObjGen()) return true;
  std::set<std::string> keys = old_page.getKeys();
  for (const auto& k : new_page.getKeys()) keys.insert(k);
  for (const std::string& key : keys) {
    if (key == "/Annots" || key == "/Parent" || key == "/P") continue;
    if (old_page.getKey(key).unparse() != new_page.getKey(key).unparse()) return true;
    if (finder.changed(new_page.getKey(key))) return true;
  }
  for (const char* key : {"/Resources", "/MediaBox", "/CropBox", "/Rotate"}) {
    if (new_page.hasKey(key)) continue;
    QPDFObjectHandle was = page_attribute(old_page, key), is = page_attribute(new_page, key);
    if (was.unparse() != is.unparse() || finder.changed(is)) return true;
  }
  return false;
}

// Where `after` differs from the signed revision `before`, page by page: a page added, or whose
// content, resources or attributes changed, as a whole; each annotation added or changed by
// its rectangle.
std::vector<doc::ChangedRegion> changed_regions(Document& before, Document& after,
                                                const Revisions& revisions) {
  std::vector<doc::ChangedRegion> out;
  ChangeFinder finder(revisions);
  for (int p = 0; p < after.page_count(); ++p) {
    PageGeometry g = after.geometry(p);
    doc::RectMm whole{0, 0, g.width_mm(), g.height_mm()};
    if (p >= before.page_count()) {
      out.push_back({p, whole, "page"});
      continue;
    }
    QPDFObjectHandle old_page = before.page(p), new_page = after.page(p);
    if (page_changed(old_page, new_page, finder)) out.push_back({p, whole, "content"});
    std::set<QPDFObjGen> old_annots;
    QPDFObjectHandle list = old_page.getKey("/Annots");
    for (int i = 0; list.isArray() && i < list.getArrayNItems(); ++i) {
      QPDFObjectHandle a = list.getArrayItem(i);
      if (a.isIndirect()) old_annots.insert(a.getObjGen());
    }
    list = new_page.getKey("/Annots");
    for (int i = 0; list.isArray() && i < list.getArrayNItems(); ++i) {
      QPDFObjectHandle a = list.getArrayItem(i);
      if (!a.isDictionary() || !a.getKey("/Rect").isRectangle()) continue;
      if (a.isIndirect() && old_annots.count(a.getObjGen()) && !finder.changed(a)) continue;
      auto r = a.getKey("/Rect").getArrayAsRectangle();
      Rect user{std::min(r.llx, r.urx), std::min(r.lly, r.ury), std::max(r.llx, r.urx),
                std::max(r.lly, r.ury)};
      if (user.width() <= 0 || user.height() <= 0) continue;
      out.push_back({p, g.to_visual_mm(user), is_signature_widget(a) ? "signature" : "annotation"});
    }
  }
  doc::bound_changed_regions(out);
  return out;
}

// What later revisions changed in the objects of the revision that ends at `end`: every object
// the signed revision has is compared with its final version.
Result<Changes> changes_after(ByteView pdf, std::size_t end, Document& final_doc) {
  auto signed_doc = Document::open(pdf.first(end), "signed revision");
  if (!signed_doc) return signed_doc.error().with_context("the signed revision");
  QPDF& before_q = signed_doc->qpdf();
  QPDF& after_q = final_doc.qpdf();
  bool dss_changed = false, other_changed = false;
  Revisions revisions;
  try {
    revisions = compare_revisions(before_q, after_q);
  } catch (const std::exception& e) {
    return Error::invalid_input(std::string("the revisions cannot be compared: ") + e.what());
  }
  std::vector<doc::ChangedRegion> regions;
  try {
    regions = changed_regions(*signed_doc, final_doc, revisions);
  } catch (const std::exception&) {
    // Pages that cannot be compared are shown as no region; the classification below decides.
  }
  auto modified = [&regions] { return Changes{ChangesAfter::kModified, false, regions}; };
  try {
    // The final document's /Annots and /Fields arrays, and its information dictionary.
    std::set<QPDFObjGen> lists;
    for (int p = 0; p < final_doc.page_count(); ++p) {
      QPDFObjectHandle annots = final_doc.page(p).getKey("/Annots");
      if (annots.isIndirect()) lists.insert(annots.getObjGen());
    }
    QPDFObjectHandle form = after_q.getRoot().getKey("/AcroForm");
    if (form.isDictionary() && form.getKey("/Fields").isIndirect()) {
      lists.insert(form.getKey("/Fields").getObjGen());
    }
    QPDFObjectHandle info = after_q.getTrailer().getKey("/Info");
    QPDFObjGen catalog = after_q.getRoot().getObjGen();
    for (QPDFObjGen og : revisions.differing) {
      QPDFObjectHandle before = before_q.getObjectByObjGen(og);
      QPDFObjectHandle after = after_q.getObjectByObjGen(og);
      if (before.isStream() != after.isStream()) return modified();
      bool is_info = info.isIndirect() && info.getObjGen() == og;
      if (!allowed_change(before, after, lists.count(og) > 0, is_info)) return modified();
      bool dss = og == catalog && only_key_differs(before, after, "/DSS");
      dss_changed = dss_changed || dss;
      other_changed = other_changed || !dss;
    }
  } catch (const std::exception& e) {
    return Error::invalid_input(std::string("the revisions cannot be compared: ") + e.what());
  }
  return Changes{ChangesAfter::kSignaturesOrAnnotations, dss_changed && !other_changed,
                 std::move(regions)};
}

// A document time stamp: the token over the byte ranges, verified as any time-stamp token
// (tsa::verify_token's checks); its genTime is the time it proves and its TSA the signer.
void check_document_time_stamp(ByteView pdf, const ByteRange& r, ByteView token,
                               const ses::TrustPolicy& trust, SignatureReport& s) {
  s.format = "doc-time-stamp";
  tsa::TokenExpectation expect;
  expect.data = {pdf.subspan(r[0], r[1]), pdf.subspan(r[2], r[3])};
  tsa::TokenReport t = tsa::verify_token(token, trust, expect);
  s.signer = t.tsa;
  if (t.info) s.signing_time = t.info->gen_time;
  if (auto at = t.proven_time()) {
    s.time_stamp = at;
    s.time_stamp_authority = t.tsa;
  }
  for (ses::Check& c : t.verdict.checks) s.verdict.checks.push_back(std::move(c));
}

bool has_name(QPDFObjectHandle dict, const char* key, std::string_view name) {
  QPDFObjectHandle value = dict.getKey(key);
  return value.isName() && value.getName() == name;
}

}  // namespace

std::string_view changes_name(ChangesAfter c) {
  switch (c) {
    case ChangesAfter::kNone:
      return "none";
    case ChangesAfter::kSignaturesOrAnnotations:
      return "signatures-or-annotations";
    case ChangesAfter::kModified:
      return "modified";
  }
  return "?";
}

ses::Outcome VerifyReport::outcome() const {
  ses::Outcome o;
  if (signatures.empty()) o.add(ses::Indication::kFailed, "no-signature");
  if (unsigned_changes) o.add(ses::Indication::kFailed, "unsigned-changes");
  for (const SignatureReport& s : signatures) o.add(s.outcome());
  return o;
}

bool VerifyReport::valid() const {
  return outcome().indication == ses::Indication::kValid;
}

Result<VerifyReport> verify_pdf(ByteView pdf, const ses::TrustPolicy& given) {
  auto opened = Document::open(pdf);
  if (!opened) return opened.error();
  Document& doc = *opened;
  VerifyReport report;
  // What the document security store holds joins what the caller gave: more certificates to
  // build paths with and more CRLs; the trust anchors stay the caller's.
  ValidationData dss = read_validation_data(doc);
  std::vector<pki::Certificate> intermediates(given.intermediates.begin(),
                                              given.intermediates.end());
  for (const Bytes& der : dss.certificates) {
    if (auto c = pki::Certificate::from_der(der)) {
      intermediates.push_back(std::move(*c));
      ++report.dss_certificates;
    }
  }
  std::vector<pki::Crl> crls(given.crls.begin(), given.crls.end());
  for (const Bytes& der : dss.crls) {
    if (auto c = pki::Crl::from_der(der)) {
      crls.push_back(std::move(*c));
      ++report.dss_crls;
    }
  }
  const ses::TrustPolicy trust{given.trusted, intermediates, crls};
  report.warnings = doc.warnings();
  std::vector<std::size_t> ends = doc.revision_ends();
  report.revisions = static_cast<int>(ends.size());

  std::vector<SignatureField> fields;
  std::set<QPDFObjGen> seen;
  std::map<QPDFObjGen, int> page_of;
  try {
    QPDFObjectHandle form = doc.qpdf().getRoot().getKey("/AcroForm");
    QPDFObjectHandle list =
        form.isDictionary() ? form.getKey("/Fields") : QPDFObjectHandle::newNull();
    if (list.isArray()) {
      for (int i = 0; i < list.getArrayNItems(); ++i)
        collect_fields(list.getArrayItem(i), "", "", fields, seen, 0);
    }
    for (int p = 0; p < doc.page_count(); ++p) {
      QPDFObjectHandle annots = doc.page(p).getKey("/Annots");
      if (!annots.isArray()) continue;
      for (int i = 0; i < annots.getArrayNItems(); ++i) {
        QPDFObjectHandle a = annots.getArrayItem(i);
        if (a.isIndirect()) page_of[a.getObjGen()] = p;
      }
    }
  } catch (const std::exception& e) {
    return Error::invalid_input(std::string("the PDF's form cannot be read: ") + e.what());
  }

  std::size_t last_signed_end = 0;
  std::map<std::size_t, bool> only_validation_data_after;  // by the end of a signed revision
  for (SignatureField& field : fields) {
    SignatureReport s;
    s.field_name = field.name;
    try {
      if (field.value.isDictionary() && field.value.getKey("/Reason").isString()) {
        s.reason = field.value.getKey("/Reason").getUTF8Value();
      }
    } catch (const std::exception&) {
      // An unreadable /Reason is shown as none; the signature is judged all the same.
    }
    auto& checks = s.verdict.checks;
    auto range = byte_range_of(field.value);
    if (!range) {
      checks.push_back(failed("byte-range", range.error().message));
      report.signatures.push_back(std::move(s));
      continue;
    }
    s.byte_range = *range;
    checks.push_back(coverage_check(pdf, *range, ends, s.revision));
    if (checks.back().result == CheckResult::kFailed) {
      report.signatures.push_back(std::move(s));
      continue;
    }
    std::size_t end = (*range)[2] + (*range)[3];
    last_signed_end = std::max(last_signed_end, end);
    Bytes digest = digest_of(pdf, *range);
    auto container = read_contents(pdf, *range);
    if (!container) {
      checks.push_back(failed("signature", container.error().message));
    } else if (has_name(field.value, "/Type", "/DocTimeStamp") ||
               has_name(field.value, "/SubFilter", "/ETSI.RFC3161")) {
      check_document_time_stamp(pdf, *range, *container, trust, s);
    } else if (auto ses_signature = ses::decode_signature(*container)) {
      doc::check_ses(*ses_signature, digest, trust, kByteRanges, s);
    } else if (auto sd = pki::parse_signed_data(*container)) {
      doc::check_cms(*sd, digest, pdf_date_value(field.value.getKey("/M")), trust, kByteRanges, s);
    } else {
      s.format = "unknown";
      checks.push_back(
          failed("signature",
                 "/Contents is neither an SES_Signature nor a SignedData: " + sd.error().message));
    }
    for (QPDFObjectHandle widget : field.widgets) {
      if (!widget.isDictionary() || !widget.getKey("/Rect").isRectangle()) continue;
      auto it = widget.isIndirect() ? page_of.find(widget.getObjGen()) : page_of.end();
      if (it == page_of.end()) continue;
      auto r = widget.getKey("/Rect").getArrayAsRectangle();
      Rect user{std::min(r.llx, r.urx), std::min(r.lly, r.ury), std::max(r.llx, r.urx),
                std::max(r.lly, r.ury)};
      if (user.width() <= 0 || user.height() <= 0) continue;  // an invisible widget
      s.appearances.push_back({it->second, doc.geometry(it->second).to_visual_mm(user)});
    }
    if (!s.appearances.empty()) checks.push_back(stamp_geometry(s.appearances, doc));
    // What changed after this signature's revision.
    if (end == pdf.size()) {
      s.changes_after = ChangesAfter::kNone;
      checks.push_back(passed("changes-after", "the signature covers the whole document"));
    } else {
      auto changes = changes_after(pdf, end, doc);
      s.changes_after = changes ? changes->kind : ChangesAfter::kModified;
      if (changes) s.changed_regions = changes->regions;
      only_validation_data_after[end] = changes && changes->only_validation_data;
      if (!changes) {
        checks.push_back(failed("changes-after", changes.error().message));
      } else if (changes->kind == ChangesAfter::kModified) {
        checks.push_back(
            failed("changes-after", "a later revision changed what this signature covers"));
      } else {
        checks.push_back(
            passed("changes-after", "later revisions add only signatures or annotations"));
      }
    }
    report.signatures.push_back(std::move(s));
  }
  std::sort(report.signatures.begin(), report.signatures.end(),
            [](const SignatureReport& a, const SignatureReport& b) {
              return a.byte_range[2] + a.byte_range[3] < b.byte_range[2] + b.byte_range[3];
            });
  if (!report.signatures.empty() && last_signed_end < pdf.size()) {
    // Only a /DSS update that ends the file, not bytes appended after it.
    report.validation_data_after =
        !ends.empty() && ends.back() == pdf.size() && only_validation_data_after[last_signed_end];
    report.unsigned_changes = !report.validation_data_after;
  }
  return report;
}

}  // namespace eseal::pdf
