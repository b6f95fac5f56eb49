#include "pdf/sign.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>

#include "base/content_cache.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "image/raster.h"
#include "pdf/contents.h"
#include "pdf/document.h"
#include "pdf/update.h"

namespace eseal::pdf {
namespace {

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

// A seal picture as a PDF draws it: its size and its colour and alpha planes, deflated.
struct PdfPicture {
  int width = 0, height = 0;
  Bytes rgb, alpha;
};

// Decoding the PNG and deflating its planes is most of a stamp's cost and the same for every
// signature with the seal: kept by the picture's SM3.
ContentCache<PdfPicture>& pictures() {
  static ContentCache<PdfPicture> cache(64);
  return cache;
}

// The seal's picture as an image XObject with its alpha as /SMask.
Result<QPDFObjectHandle> add_picture(Update& update, const ses::SesSeal& seal,
                                     std::uint64_t max_pixels) {
  if (seal.info.picture.type != "PNG" && seal.info.picture.type != "png") {
    return Error::invalid_input("the seal's picture is " + seal.info.picture.type +
                                "; PDF stamping needs a PNG picture");
  }
  const Bytes& png = seal.info.picture.data;
  auto raster = pictures().get(crypto::to_hex(crypto::sm3(png)), [&]() -> Result<PdfPicture> {
    auto decoded = image::decode_png(png, max_pixels);
    if (!decoded) return decoded.error().with_context("seal picture");
    return PdfPicture{decoded->width, decoded->height, flate(decoded->rgb), flate(decoded->alpha)};
  });
  if (!raster) return raster.error();
  // A picture decoded under a higher limit is in the cache all the same.
  if (static_cast<std::uint64_t>(raster->width) * raster->height > max_pixels) {
    return Error::invalid_input("seal picture: the picture has more than " +
                                image::pixels_text(max_pixels));
  }
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
  update.set_stream(mask, image_dict("/DeviceGray"), raster->alpha);
  QPDFObjectHandle picture = update.reserve();
  QPDFObjectHandle dict = image_dict("/DeviceRGB");
  dict.replaceKey("/SMask", mask);
  update.set_stream(picture, dict, raster->rgb);
  return picture;
}

// The /Matrix that turns a form against the page's /Rotate so that it stands upright when shown;
// null for an unrotated page.
const char* rotation_matrix(int rotate) {
  static const std::map<int, const char*> kMatrix{
      {90, "[0 1 -1 0 0 0]"}, {180, "[-1 0 0 -1 0 0]"}, {270, "[0 -1 1 0 0 0]"}};
  auto m = kMatrix.find(rotate);
  return m == kMatrix.end() ? nullptr : m->second;
}

// A form XObject's dictionary, `w` × `h` points, turned by /Matrix against the page's /Rotate so
// that what it draws stands upright when shown.
QPDFObjectHandle form_dictionary(double w, double h, int rotate) {
  QPDFObjectHandle form = QPDFObjectHandle::newDictionary();
  form.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  form.replaceKey("/Subtype", QPDFObjectHandle::newName("/Form"));
  form.replaceKey("/BBox", QPDFObjectHandle::parse("[0 0 " + number(w) + " " + number(h) + "]"));
  if (const char* m = rotation_matrix(rotate))
    form.replaceKey("/Matrix", QPDFObjectHandle::parse(m));
  return form;
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
  QPDFObjectHandle form = form_dictionary(w, h, rotate);
  QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
  xobjects.replaceKey("/Seal", picture);
  QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
  resources.replaceKey("/XObject", xobjects);
  form.replaceKey("/Resources", resources);
  QPDFObjectHandle ref = update.reserve();
  update.set_stream(ref, form, as_bytes(content));
  return ref;
}

// A form the size of a verification code's area: white, with the dark modules on it, turned
// against the page's /Rotate as a stamp's appearance is.
QPDFObjectHandle add_code_appearance(Update& update, const doc::CodeMark& mark, int rotate) {
  const double k = kPointsPerMm;
  double w = mark.area.width * k, h = mark.area.height * k;
  std::string content = "q 1 g 0 0 " + number(w) + " " + number(h) + " re f 0 g\n";
  for (const doc::RectMm& r : doc::dark_runs(mark)) {
    content += number(r.x * k) + " " + number(h - (r.y + r.height) * k) + " " +
               number(r.width * k) + " " + number(r.height * k) + " re\n";
  }
  content += "f Q\n";
  QPDFObjectHandle form = form_dictionary(w, h, rotate);
  QPDFObjectHandle ref = update.reserve();
  update.set_stream(ref, form, as_bytes(content));
  return ref;
}

QPDFObjectHandle rect_array(const Rect& r) {
  std::string array = "[";
  array += number(r.llx) + " " + number(r.lly) + " " + number(r.urx) + " " + number(r.ury) + "]";
  return QPDFObjectHandle::parse(array);
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
  for (const doc::CodeMark& m : request.marks) {
    if (m.page < 0 || m.page >= doc.page_count()) {
      return Error::invalid_input("page " + std::to_string(m.page + 1) + " does not exist");
    }
    PageGeometry g = doc.geometry(m.page);
    if (auto s = doc::check_mark(m, {g.width_mm(), g.height_mm()}); !s) return s.error();
  }
  // Room for the finished container with the longest propertyInfo, and for a time-stamp token.
  // A seal or certificate the format cannot use fails here, before anything is written.
  auto longest =
      doc::build_unsigned_value(request.format, request.seal, request.signer, request.signing_time,
                                Bytes(32, 0), "/ByteRange [0 9999999999 9999999999 9999999999]");
  if (!longest) return longest.error();
  std::size_t capacity = longest->final_size + 4096;

  PreparedSignature out;
  auto written =
      write_signature_update(q, pdf, capacity, [&](Update& update) -> Result<SignatureObjects> {
        out.field_name = new_field_name(q);

        auto picture = add_picture(update, *request.seal, request.max_picture_pixels);
        if (!picture) return picture.error();

        QPDFObjectHandle sig = update.reserve();
        std::string sig_body =
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached " +
            contents_placeholder(capacity) + " /M " +
            QPDFObjectHandle::newString(pdf_date(request.signing_time)).unparse();
        sig_body +=
            " /Name " +
            QPDFObjectHandle::newUnicodeString(request.signer.subject().get("CN")).unparse();
        if (!request.reason.empty()) {
          sig_body += " /Reason " + QPDFObjectHandle::newUnicodeString(request.reason).unparse();
        }
        if (!request.location.empty()) {
          sig_body +=
              " /Location " + QPDFObjectHandle::newUnicodeString(request.location).unparse();
        }
        sig_body += " /Prop_Build << /App << /Name /eseal >> >> >>";
        update.set(sig, sig_body);

        // One field; one widget per signed stamp. A single widget is merged with its field, the
        // form readers expect most widely (poppler before 25 reads no other); several hang under
        // /Kids. Unsigned cross-page slices (signAllPages FALSE) are plain stamp annotations.
        std::size_t signed_count = static_cast<std::size_t>(
            std::count_if(request.stamps.begin(), request.stamps.end(),
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
        for (const doc::CodeMark& mark : request.marks) {
          PageGeometry g = doc.geometry(mark.page);
          QPDFObjectHandle annot = QPDFObjectHandle::newDictionary();
          annot.replaceKey("/Type", QPDFObjectHandle::newName("/Annot"));
          annot.replaceKey("/Subtype", QPDFObjectHandle::newName("/Stamp"));
          annot.replaceKey("/Rect", rect_array(g.from_visual_mm(mark.area)));
          annot.replaceKey("/P", doc.page(mark.page));
          annot.replaceKey("/F",
                           QPDFObjectHandle::newInteger(4 | 64 | 128));  // Print, ReadOnly, Locked
          annot.replaceKey("/NM", QPDFObjectHandle::newUnicodeString(out.field_name + " code"));
          annot.replaceKey("/Contents", QPDFObjectHandle::newUnicodeString("核验码"));
          QPDFObjectHandle ap = QPDFObjectHandle::newDictionary();
          ap.replaceKey("/N", add_code_appearance(update, mark, g.rotate));
          annot.replaceKey("/AP", ap);
          QPDFObjectHandle ref = update.reserve();
          update.set_object(ref, annot);
          annots_by_page[mark.page].push_back(ref);
        }
        if (signed_count > 1) field_dict.replaceKey("/Kids", kids);
        update.set_object(field, field_dict);

        for (auto& [index, refs] : annots_by_page)
          append_to_array(update, doc.page(index), "/Annots", refs);
        return SignatureObjects{field, sig};
      });
  if (!written) return written.error();
  out.pdf = std::move(written->pdf);
  out.byte_range = written->byte_range;

  // Hash the byte ranges and fill in the unsigned container.
  out.document_digest =
      range_digest(out.pdf, out.byte_range, crypto::HashAlgorithm::kSm3, &out.sm3_prefix);
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

Result<Bytes> complete_signature(Bytes&& prepared_pdf, ByteView signature,
                                 const doc::TimeStamper& time_stamper) {
  auto found = find_last_contents(prepared_pdf);
  if (!found) return found.error();
  auto container = doc::complete_value(found->container, signature, time_stamper);
  if (!container) return container.error();
  Bytes out = std::move(prepared_pdf);
  if (auto s = write_contents(out, found->byte_range, *container); !s) return s.error();
  return out;
}

Result<Bytes> complete_signature(ByteView prepared_pdf, ByteView signature,
                                 const doc::TimeStamper& time_stamper) {
  return complete_signature(Bytes(prepared_pdf.begin(), prepared_pdf.end()), signature,
                            time_stamper);
}

}  // namespace eseal::pdf
