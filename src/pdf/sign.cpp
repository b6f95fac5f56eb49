#include "pdf/sign.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "image/raster.h"
#include "pdf/contents.h"
#include "pdf/document.h"

namespace eseal::pdf {
namespace {

constexpr std::string_view kByteRangePlaceholder =
    "/ByteRange [0 0000000000 0000000000 0000000000]";

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string pdf_date(Time t) {
  std::string iso = format_utc(t);  // 2026-11-23T12:00:00Z
  std::string digits;
  for (char c : iso) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return "D:" + digits + "Z";
}

Bytes flate(ByteView data) {
  Pl_Buffer buffer("flate");
  Pl_Flate deflate("deflate", &buffer, Pl_Flate::a_deflate);
  deflate.write(data.data(), data.size());
  deflate.finish();
  auto out = buffer.getBufferSharedPointer();
  return Bytes(out->getBuffer(), out->getBuffer() + out->getSize());
}

// Where the last cross-reference section starts and whether it is a stream (PDF 1.5).
struct LastXref {
  std::size_t offset = 0;
  bool is_stream = false;
};

Result<LastXref> last_xref(ByteView bytes) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::size_t at = text.rfind("startxref");
  if (at == std::string_view::npos) {
    return Error::invalid_input("the PDF has no startxref; repair it first (qpdf in.pdf out.pdf)");
  }
  std::size_t p = at + 9;
  while (p < text.size() && (text[p] == ' ' || text[p] == '\r' || text[p] == '\n')) ++p;
  std::size_t offset = 0;
  std::size_t digits = 0;
  while (p < text.size() && text[p] >= '0' && text[p] <= '9' && digits < 15) {
    offset = offset * 10 + static_cast<std::size_t>(text[p++] - '0');
    ++digits;
  }
  if (digits == 0 || offset >= text.size()) {
    return Error::invalid_input("the PDF's startxref is damaged; repair it first");
  }
  if (text.substr(offset, 4) == "xref") return LastXref{offset, false};
  // "N G obj" of an xref stream.
  std::size_t q = offset;
  while (q < text.size() && q < offset + 32 && text.substr(q, 3) != "obj") ++q;
  if (q >= text.size() || text.substr(q, 3) != "obj") {
    return Error::invalid_input(
        "the PDF's last cross-reference section is damaged; repair it first");
  }
  return LastXref{offset, true};
}

// Runs of consecutive object numbers (first, count): the subsections of a cross-reference
// section.
std::vector<std::pair<int, int>> subsections(
    const std::map<int, std::pair<int, std::size_t>>& entries) {
  std::vector<std::pair<int, int>> runs;
  for (const auto& entry : entries) {
    if (!runs.empty() && runs.back().first + runs.back().second == entry.first) {
      ++runs.back().second;
    } else {
      runs.push_back({entry.first, 1});
    }
  }
  return runs;
}

// The objects an incremental update writes: new ones and new versions of changed ones.
class Update {
 public:
  Update(QPDF& q, ByteView original) : q_(q), original_(original) {}

  // Reserves an object number for an object written later with set().
  // (An empty dictionary, not null: QPDF drops dictionary keys whose value is null.)
  QPDFObjectHandle reserve() { return q_.makeIndirectObject(QPDFObjectHandle::newDictionary()); }
  void set(const QPDFObjectHandle& ref, std::string body) {
    bodies_[ref.getObjGen()] = std::move(body);
  }
  void set_object(const QPDFObjectHandle& ref, QPDFObjectHandle value) {
    set(ref, value.unparse());
  }
  void set_stream(const QPDFObjectHandle& ref, QPDFObjectHandle dict, ByteView data) {
    dict.replaceKey("/Length", QPDFObjectHandle::newInteger(static_cast<long long>(data.size())));
    std::string body = dict.unparse() + "\nstream\n";
    body.append(reinterpret_cast<const char*>(data.data()), data.size());
    body += "\nendstream";
    set(ref, std::move(body));
  }

  // Appends the update to a copy of the original: objects, then a cross-reference section of
  // the same kind as the last one, then the trailer.
  Result<Bytes> write() {
    auto xref = last_xref(original_);
    if (!xref) return xref.error();
    Bytes out(original_.begin(), original_.end());
    if (out.empty() || (out.back() != '\n' && out.back() != '\r')) out.push_back('\n');
    std::map<int, std::pair<int, std::size_t>> entries;  // object -> (generation, offset)
    for (auto& [og, body] : bodies_) {
      entries[og.getObj()] = {og.getGen(), out.size()};
      std::string head = std::to_string(og.getObj()) + " " + std::to_string(og.getGen()) + " obj\n";
      append(out, as_bytes(head));
      append(out, as_bytes(body));
      append(out, as_bytes(std::string_view("\nendobj\n")));
    }
    QPDFObjectHandle old_trailer = q_.getTrailer();
    long long size =
        old_trailer.getKey("/Size").isInteger() ? old_trailer.getKey("/Size").getIntValue() : 0;
    int top = entries.empty() ? 0 : entries.rbegin()->first;
    QPDFObjectHandle trailer = QPDFObjectHandle::newDictionary();
    for (const char* key : {"/Root", "/Info", "/ID"}) {
      if (old_trailer.hasKey(key)) trailer.replaceKey(key, old_trailer.getKey(key));
    }
    trailer.replaceKey("/Prev", QPDFObjectHandle::newInteger(static_cast<long long>(xref->offset)));
    std::size_t xref_offset = out.size();
    if (!xref->is_stream) {
      trailer.replaceKey("/Size", QPDFObjectHandle::newInteger(std::max<long long>(size, top + 1)));
      std::string table = "xref\n";
      for (auto [first, count] : subsections(entries)) {
        table += std::to_string(first) + " " + std::to_string(count) + "\n";
        for (int id = first; id < first + count; ++id) {
          char line[32];
          std::snprintf(line, sizeof line, "%010zu %05d n\r\n", entries[id].second,
                        entries[id].first);
          table += line;
        }
      }
      table += "trailer\n" + trailer.unparse() + "\n";
      append(out, as_bytes(table));
    } else {
      // The xref stream is itself an object of the update, listed in its own index.
      int self = std::max<int>(static_cast<int>(size), top + 1);
      entries[self] = {0, xref_offset};
      trailer.replaceKey("/Type", QPDFObjectHandle::newName("/XRef"));
      trailer.replaceKey("/Size", QPDFObjectHandle::newInteger(self + 1));
      trailer.replaceKey("/W", QPDFObjectHandle::parse("[1 4 2]"));
      QPDFObjectHandle index = QPDFObjectHandle::newArray();
      Bytes rows;
      for (auto [first, count] : subsections(entries)) {
        index.appendItem(QPDFObjectHandle::newInteger(first));
        index.appendItem(QPDFObjectHandle::newInteger(count));
        for (int id = first; id < first + count; ++id) {
          auto [generation, offset] = entries[id];
          rows.push_back(1);
          for (int shift = 24; shift >= 0; shift -= 8) {
            rows.push_back(static_cast<std::uint8_t>(offset >> shift));
          }
          rows.push_back(static_cast<std::uint8_t>(generation >> 8));
          rows.push_back(static_cast<std::uint8_t>(generation));
        }
      }
      trailer.replaceKey("/Index", index);
      trailer.replaceKey("/Length",
                         QPDFObjectHandle::newInteger(static_cast<long long>(rows.size())));
      std::string head = std::to_string(self) + " 0 obj\n" + trailer.unparse() + "\nstream\n";
      append(out, as_bytes(head));
      append(out, rows);
      append(out, as_bytes(std::string_view("\nendstream\nendobj\n")));
    }
    append(out, as_bytes("startxref\n" + std::to_string(xref_offset) + "\n%%EOF\n"));
    return out;
  }

 private:
  QPDF& q_;
  ByteView original_;
  std::map<QPDFObjGen, std::string> bodies_;
};

// The seal's picture as an image XObject with its alpha as /SMask.
Result<QPDFObjectHandle> add_picture(Update& update, const ses::SesSeal& seal) {
  if (seal.info.picture.type != "PNG" && seal.info.picture.type != "png") {
    return Error::invalid_input("the seal's picture is " + seal.info.picture.type +
                                "; PDF stamping needs a PNG picture");
  }
  auto raster = image::decode_png(seal.info.picture.data);
  if (!raster) return raster.error().with_context("seal picture");
  auto image_dict = [&raster](const char* space) {
    QPDFObjectHandle d = QPDFObjectHandle::newDictionary();
    d.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
    d.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
    d.replaceKey("/Width", QPDFObjectHandle::newInteger(raster->width));
    d.replaceKey("/Height", QPDFObjectHandle::newInteger(raster->height));
    d.replaceKey("/ColorSpace", QPDFObjectHandle::newName(space));
    d.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(8));
    d.replaceKey("/Filter", QPDFObjectHandle::newName("/FlateDecode"));
    return d;
  };
  QPDFObjectHandle mask = update.reserve();
  update.set_stream(mask, image_dict("/DeviceGray"), flate(raster->alpha));
  QPDFObjectHandle picture = update.reserve();
  QPDFObjectHandle dict = image_dict("/DeviceRGB");
  dict.replaceKey("/SMask", mask);
  update.set_stream(picture, dict, flate(raster->rgb));
  return picture;
}

// The appearance of one stamp: a form the size of the visible rectangle (as the page is shown)
// drawing the whole picture at its place, so that the form's bounding box clips a cross-page
// slice. /Matrix turns it against the page's /Rotate so the seal stands upright when shown.
QPDFObjectHandle add_appearance(Update& update, const QPDFObjectHandle& picture,
                                const doc::Stamp& stamp, int rotate) {
  const double k = kPointsPerMm;
  double w = stamp.visible.width * k, h = stamp.visible.height * k;
  double pw = stamp.picture.width * k, ph = stamp.picture.height * k;
  double ox = (stamp.picture.x - stamp.visible.x) * k;
  double oy = h - (stamp.picture.y - stamp.visible.y) * k - ph;
  std::string content = "q " + number(pw) + " 0 0 " + number(ph) + " " + number(ox) + " " +
                        number(oy) + " cm /Seal Do Q\n";
  QPDFObjectHandle form = QPDFObjectHandle::newDictionary();
  form.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  form.replaceKey("/Subtype", QPDFObjectHandle::newName("/Form"));
  form.replaceKey("/BBox", QPDFObjectHandle::parse("[0 0 " + number(w) + " " + number(h) + "]"));
  static const std::map<int, const char*> kMatrix{
      {90, "[0 1 -1 0 0 0]"}, {180, "[-1 0 0 -1 0 0]"}, {270, "[0 -1 1 0 0 0]"}};
  if (auto m = kMatrix.find(rotate); m != kMatrix.end()) {
    form.replaceKey("/Matrix", QPDFObjectHandle::parse(m->second));
  }
  QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
  xobjects.replaceKey("/Seal", picture);
  QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
  resources.replaceKey("/XObject", xobjects);
  form.replaceKey("/Resources", resources);
  QPDFObjectHandle ref = update.reserve();
  update.set_stream(ref, form, as_bytes(content));
  return ref;
}

QPDFObjectHandle rect_array(const Rect& r) {
  std::string array = "[";
  array += number(r.llx) + " " + number(r.lly) + " " + number(r.urx) + " " + number(r.ury) + "]";
  return QPDFObjectHandle::parse(array);
}

// A name not yet used by a field of the form.
std::string new_field_name(QPDFObjectHandle acroform) {
  std::set<std::string> used;
  if (acroform.isDictionary()) {
    QPDFObjectHandle fields = acroform.getKey("/Fields");
    if (fields.isArray()) {
      for (int i = 0; i < fields.getArrayNItems(); ++i) {
        QPDFObjectHandle t = fields.getArrayItem(i).getKey("/T");
        if (t.isString()) used.insert(t.getUTF8Value());
      }
    }
  }
  for (int n = 1;; ++n) {
    std::string name = "Signature" + std::to_string(n);
    if (!used.count(name)) return name;
  }
}

// `existing` (an array, or nothing) with `items` appended.
QPDFObjectHandle extended(QPDFObjectHandle existing, const std::vector<QPDFObjectHandle>& items) {
  QPDFObjectHandle array = QPDFObjectHandle::newArray();
  if (existing.isArray()) {
    for (int i = 0; i < existing.getArrayNItems(); ++i) array.appendItem(existing.getArrayItem(i));
  }
  for (const auto& item : items) array.appendItem(item);
  return array;
}

// Adds `items` to the array under `key` of `owner` (an indirect dictionary) and sets `extra`
// keys, writing new versions of the objects that change: the array when it is an object of its
// own, the owner when it holds the array directly or gains keys.
void append_to_array(Update& update, QPDFObjectHandle owner, const char* key,
                     const std::vector<QPDFObjectHandle>& items,
                     const std::map<std::string, QPDFObjectHandle>& extra = {}) {
  QPDFObjectHandle existing = owner.getKey(key);
  QPDFObjectHandle array = extended(existing, items);
  bool separate = existing.isArray() && existing.isIndirect();
  if (separate) update.set(existing, array.unparse());
  if (separate && extra.empty()) return;
  QPDFObjectHandle copy = owner.shallowCopy();
  if (!separate) copy.replaceKey(key, array);
  for (const auto& [k, v] : extra) copy.replaceKey(k, v);
  update.set(owner, copy.unparse());
}

}  // namespace

Result<PreparedSignature> prepare_signature(ByteView pdf, const SignRequest& request) {
  if (request.seal == nullptr) return Error::invalid_input("no seal given");
  if (request.stamps.empty()) return Error::invalid_input("no place for the seal given");
  if (auto s = ses::check_signer_listed(*request.seal, request.signer); !s) return s.error();
  if (auto s = doc::check_finite(request.stamps); !s) return s.error();
  auto opened = Document::open(pdf);
  if (!opened) return opened.error();
  Document& doc = *opened;
  QPDF& q = doc.qpdf();
  for (const doc::Stamp& s : request.stamps) {
    if (s.page < 0 || s.page >= doc.page_count()) {
      return Error::invalid_input("page " + std::to_string(s.page + 1) + " does not exist");
    }
  }
  // Room for the finished container with the longest propertyInfo, and for a time-stamp token.
  // A seal or certificate the format cannot use fails here, before anything is written.
  auto longest =
      doc::build_unsigned_value(request.format, request.seal, request.signer, request.signing_time,
                                Bytes(32, 0), "/ByteRange [0 9999999999 9999999999 9999999999]");
  if (!longest) return longest.error();
  std::size_t capacity = longest->final_size + 4096;

  PreparedSignature out;
  try {
    Update update(q, pdf);
    QPDFObjectHandle root = q.getRoot();
    QPDFObjectHandle acroform = root.getKey("/AcroForm");
    out.field_name = new_field_name(acroform);

    auto picture = add_picture(update, *request.seal);
    if (!picture) return picture.error();

    QPDFObjectHandle sig = update.reserve();
    std::string sig_body = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached " +
                           std::string(kByteRangePlaceholder) + " /Contents <" +
                           std::string(capacity * 2, '0') + "> /M " +
                           QPDFObjectHandle::newString(pdf_date(request.signing_time)).unparse();
    sig_body += " /Name " +
                QPDFObjectHandle::newUnicodeString(request.signer.subject().get("CN")).unparse();
    if (!request.reason.empty()) {
      sig_body += " /Reason " + QPDFObjectHandle::newUnicodeString(request.reason).unparse();
    }
    if (!request.location.empty()) {
      sig_body += " /Location " + QPDFObjectHandle::newUnicodeString(request.location).unparse();
    }
    sig_body += " /Prop_Build << /App << /Name /eseal >> >> >>";
    update.set(sig, sig_body);

    // One field; one widget per signed stamp. A single widget is merged with its field, the
    // form readers expect most widely (poppler before 25 reads no other); several hang under
    // /Kids. Unsigned cross-page slices (signAllPages FALSE) are plain stamp annotations.
    std::size_t signed_count =
        static_cast<std::size_t>(std::count_if(request.stamps.begin(), request.stamps.end(),
                                               [](const doc::Stamp& s) { return s.in_signature; }));
    QPDFObjectHandle field = update.reserve();
    QPDFObjectHandle field_dict = QPDFObjectHandle::newDictionary();
    field_dict.replaceKey("/FT", QPDFObjectHandle::newName("/Sig"));
    field_dict.replaceKey("/T", QPDFObjectHandle::newUnicodeString(out.field_name));
    field_dict.replaceKey("/V", sig);
    std::map<int, std::vector<QPDFObjectHandle>> annots_by_page;
    QPDFObjectHandle kids = QPDFObjectHandle::newArray();
    for (const doc::Stamp& stamp : request.stamps) {
      PageGeometry g = doc.geometry(stamp.page);
      bool merged = stamp.in_signature && signed_count == 1;
      QPDFObjectHandle annot = merged ? field_dict : QPDFObjectHandle::newDictionary();
      annot.replaceKey("/Type", QPDFObjectHandle::newName("/Annot"));
      annot.replaceKey("/Subtype",
                       QPDFObjectHandle::newName(stamp.in_signature ? "/Widget" : "/Stamp"));
      annot.replaceKey("/Rect", rect_array(g.from_visual_mm(stamp.visible)));
      annot.replaceKey("/P", doc.page(stamp.page));
      annot.replaceKey("/F", QPDFObjectHandle::newInteger(4 | 128));  // Print, Locked
      QPDFObjectHandle ap = QPDFObjectHandle::newDictionary();
      ap.replaceKey("/N", add_appearance(update, *picture, stamp, g.rotate));
      annot.replaceKey("/AP", ap);
      if (merged) {
        annots_by_page[stamp.page].push_back(field);
        continue;
      }
      if (stamp.in_signature) {
        annot.replaceKey("/Parent", field);
      } else {
        annot.replaceKey("/NM", QPDFObjectHandle::newUnicodeString(out.field_name + " slice"));
      }
      QPDFObjectHandle ref = update.reserve();
      update.set_object(ref, annot);
      if (stamp.in_signature) kids.appendItem(ref);
      annots_by_page[stamp.page].push_back(ref);
    }
    if (signed_count > 1) field_dict.replaceKey("/Kids", kids);
    update.set_object(field, field_dict);

    for (auto& [index, refs] : annots_by_page)
      append_to_array(update, doc.page(index), "/Annots", refs);
    std::map<std::string, QPDFObjectHandle> sig_flags{
        {"/SigFlags", QPDFObjectHandle::newInteger(3)}};
    if (acroform.isDictionary() && acroform.isIndirect()) {
      append_to_array(update, acroform, "/Fields", {field}, sig_flags);
    } else {
      QPDFObjectHandle form =
          acroform.isDictionary() ? acroform.shallowCopy() : QPDFObjectHandle::newDictionary();
      form.replaceKey("/Fields", extended(form.getKey("/Fields"), {field}));
      form.replaceKey("/SigFlags", QPDFObjectHandle::newInteger(3));
      QPDFObjectHandle form_ref = update.reserve();
      update.set_object(form_ref, form);
      QPDFObjectHandle catalog = root.shallowCopy();
      catalog.replaceKey("/AcroForm", form_ref);
      update.set(root, catalog.unparse());
    }
    auto written = update.write();
    if (!written) return written.error();
    out.pdf = std::move(*written);
  } catch (const std::exception&) {
    return Error::invalid_input("the PDF cannot be updated: its objects are damaged");
  }

  // Fix the byte range around /Contents, hash it, and fill in the unsigned container.
  std::string_view text(reinterpret_cast<const char*>(out.pdf.data()), out.pdf.size());
  std::size_t range_at = text.rfind(kByteRangePlaceholder);
  std::size_t contents_at = text.find("/Contents <", range_at);
  if (range_at == std::string_view::npos || contents_at == std::string_view::npos) {
    return Error::internal("signature dictionary not found in the update");
  }
  std::size_t open = contents_at + 10;          // '<'
  std::size_t close = open + 1 + capacity * 2;  // '>'
  out.byte_range = {0, open, close + 1, out.pdf.size() - close - 1};
  char range[64];
  std::snprintf(range, sizeof range, "/ByteRange [0 %010zu %010zu %010zu]", out.byte_range[1],
                out.byte_range[2], out.byte_range[3]);
  std::copy(range, range + kByteRangePlaceholder.size(), out.pdf.begin() + range_at);
  crypto::Hasher hasher(crypto::HashAlgorithm::kSm3);
  hasher.update(ByteView(out.pdf).subspan(0, out.byte_range[1]));
  hasher.update(ByteView(out.pdf).subspan(out.byte_range[2], out.byte_range[3]));
  out.document_digest = hasher.finish();
  char scope[96];
  std::snprintf(scope, sizeof scope, "/ByteRange [0 %zu %zu %zu]", out.byte_range[1],
                out.byte_range[2], out.byte_range[3]);
  auto contents = doc::build_unsigned_value(request.format, request.seal, request.signer,
                                            request.signing_time, out.document_digest, scope);
  if (!contents) return contents.error();
  if (auto s = write_contents(out.pdf, out.byte_range, contents->pending); !s) return s.error();
  out.to_be_signed = std::move(contents->to_be_signed);
  return out;
}

Result<Bytes> complete_signature(ByteView prepared_pdf, ByteView signature,
                                 const doc::TimeStamper& time_stamper) {
  auto found = find_last_contents(prepared_pdf);
  if (!found) return found.error();
  auto container = doc::complete_value(found->container, signature, time_stamper);
  if (!container) return container.error();
  Bytes out(prepared_pdf.begin(), prepared_pdf.end());
  if (auto s = write_contents(out, found->byte_range, *container); !s) return s.error();
  return out;
}

}  // namespace eseal::pdf
