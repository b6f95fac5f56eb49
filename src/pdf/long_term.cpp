#include "pdf/long_term.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>

#include "asn1/der.h"
#include "doc/value_report.h"
#include "pdf/document.h"
#include "pdf/update.h"
#include "pki/signed_data.h"
#include "ses/signature.h"
#include "tsa/verify.h"

namespace eseal::pdf {
namespace {

// The DER structure at the start of a /Contents string (the rest is zero padding).
std::optional<Bytes> contents_value(QPDFObjectHandle contents) {
  if (!contents.isString()) return std::nullopt;
  std::string raw = contents.getStringValue();
  asn1::Reader reader(as_bytes(raw));
  auto element = reader.next();
  if (!element) return std::nullopt;
  return Bytes(element->encoded.begin(), element->encoded.end());
}

// The DER data of each stream of `array` (a /DSS /Certs or /CRLs array).
std::vector<Bytes> stream_data(QPDFObjectHandle array) {
  std::vector<Bytes> out;
  if (!array.isArray()) return out;
  for (int i = 0; i < array.getArrayNItems(); ++i) {
    QPDFObjectHandle stream = array.getArrayItem(i);
    if (!stream.isStream()) continue;
    try {
      auto data = stream.getStreamData(qpdf_dl_generalized);
      out.emplace_back(data->getBuffer(), data->getBuffer() + data->getSize());
    } catch (const std::exception&) {
      // A stream that cannot be decoded holds nothing a verifier could use.
    }
  }
  return out;
}

void add_token_certificates(ByteView token, std::vector<Bytes>& certificates) {
  auto sd = pki::parse_signed_data(token);
  if (!sd) return;
  for (const auto& c : sd->certificates) certificates.push_back(c.der());
}

// The certificates one signature value carries, whatever its format.
void add_value_certificates(ByteView value, std::vector<Bytes>& certificates) {
  if (auto ses = ses::decode_signature(value)) {
    certificates.push_back(ses->signer_cert);
    certificates.push_back(ses->seal.maker_cert);
    if (ses->time_stamp) add_token_certificates(*ses->time_stamp, certificates);
    return;
  }
  auto sd = pki::parse_signed_data(value);
  if (!sd) return;
  for (const auto& c : sd->certificates) certificates.push_back(c.der());
  if (auto token = doc::time_stamp_token(*sd)) add_token_certificates(*token, certificates);
}

// `existing` with the items of `added` it does not hold, each as a new stream object of the
// update; the array of references to all of them.
QPDFObjectHandle merged_streams(Update& update, QPDFObjectHandle existing,
                                const std::vector<Bytes>& added, std::size_t& new_items) {
  QPDFObjectHandle array = QPDFObjectHandle::newArray();
  std::set<Bytes> held;
  for (int i = 0; existing.isArray() && i < existing.getArrayNItems(); ++i) {
    array.appendItem(existing.getArrayItem(i));
  }
  for (const Bytes& b : stream_data(existing)) held.insert(b);
  for (const Bytes& b : added) {
    if (!held.insert(b).second) continue;
    QPDFObjectHandle ref = update.reserve();
    update.set_stream(ref, QPDFObjectHandle::newDictionary(), b);
    array.appendItem(ref);
    ++new_items;
  }
  return array;
}

}  // namespace

Result<PreparedTimeStamp> prepare_document_time_stamp(ByteView pdf, crypto::HashAlgorithm hash,
                                                      std::size_t room) {
  auto opened = Document::open(pdf);
  if (!opened) return opened.error();
  Document& doc = *opened;
  if (doc.page_count() == 0) return Error::invalid_input("the PDF has no page");
  QPDF& q = doc.qpdf();
  PreparedTimeStamp out;
  out.hash = hash;
  auto written = write_signature_update(q, pdf, room, [&](Update& update) {
    out.field_name = new_field_name(q);
    QPDFObjectHandle value = update.reserve();
    update.set(value, "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 " +
                          contents_placeholder(room) + " >>");
    // An invisible widget merged with its field, on the first page.
    QPDFObjectHandle field = update.reserve();
    QPDFObjectHandle widget = QPDFObjectHandle::newDictionary();
    widget.replaceKey("/FT", QPDFObjectHandle::newName("/Sig"));
    widget.replaceKey("/T", QPDFObjectHandle::newUnicodeString(out.field_name));
    widget.replaceKey("/V", value);
    widget.replaceKey("/Type", QPDFObjectHandle::newName("/Annot"));
    widget.replaceKey("/Subtype", QPDFObjectHandle::newName("/Widget"));
    widget.replaceKey("/Rect", QPDFObjectHandle::parse("[0 0 0 0]"));
    widget.replaceKey("/P", doc.page(0));
    widget.replaceKey("/F", QPDFObjectHandle::newInteger(4 | 128));  // Print, Locked
    update.set_object(field, widget);
    append_to_array(update, doc.page(0), "/Annots", {field});
    return Result<SignatureObjects>(SignatureObjects{field, value});
  });
  if (!written) return written.error();
  out.pdf = std::move(written->pdf);
  out.byte_range = written->byte_range;
  out.imprint = range_digest(out.pdf, out.byte_range, hash);
  return out;
}

Result<Bytes> complete_document_time_stamp(const PreparedTimeStamp& prepared, ByteView token) {
  tsa::TokenExpectation expect;
  expect.hashed_message = prepared.imprint;
  tsa::TokenReport report = tsa::verify_token(token, {}, expect);
  const ses::Check* imprint = report.verdict.find("imprint");
  if (!imprint || imprint->result != ses::CheckResult::kPassed) {
    return Error::invalid_input("the time-stamp token is not over this document's byte ranges" +
                                (imprint ? ": " + imprint->detail : std::string()));
  }
  Bytes out = prepared.pdf;
  if (auto s = write_contents(out, prepared.byte_range, token); !s) return s.error();
  return out;
}

ValidationData read_validation_data(const Document& doc) {
  ValidationData data;
  try {
    QPDFObjectHandle dss = doc.qpdf().getRoot().getKey("/DSS");
    if (!dss.isDictionary()) return data;
    data.certificates = stream_data(dss.getKey("/Certs"));
    data.crls = stream_data(dss.getKey("/CRLs"));
  } catch (const std::exception&) {
    return {};
  }
  return data;
}

ValidationData carried_validation_data(ByteView pdf) {
  ValidationData data;
  auto opened = Document::open(pdf);
  if (!opened) return data;
  std::vector<Bytes> found;
  try {
    for (QPDFObjectHandle object : opened->qpdf().getAllObjects()) {
      if (!object.isDictionary() || !object.hasKey("/ByteRange")) continue;
      auto value = contents_value(object.getKey("/Contents"));
      if (value) add_value_certificates(*value, found);
    }
  } catch (const std::exception&) {
    return data;
  }
  std::set<Bytes> seen;
  for (Bytes& c : found) {
    if (seen.insert(c).second) data.certificates.push_back(std::move(c));
  }
  return data;
}

Result<Bytes> add_validation_data(ByteView pdf, const ValidationData& data) {
  auto opened = Document::open(pdf);
  if (!opened) return opened.error();
  QPDF& q = opened->qpdf();
  try {
    Update update(q, pdf);
    QPDFObjectHandle root = q.getRoot();
    QPDFObjectHandle old = root.getKey("/DSS");
    QPDFObjectHandle dss =
        old.isDictionary() ? old.shallowCopy() : QPDFObjectHandle::newDictionary();
    std::size_t added = 0;
    dss.replaceKey("/Certs",
                   merged_streams(update, dss.getKey("/Certs"), data.certificates, added));
    dss.replaceKey("/CRLs", merged_streams(update, dss.getKey("/CRLs"), data.crls, added));
    if (added == 0) return Bytes(pdf.begin(), pdf.end());
    // A new /DSS object, so that the one an earlier revision holds stays as it was.
    QPDFObjectHandle dss_ref = update.reserve();
    update.set_object(dss_ref, dss);
    QPDFObjectHandle catalog = root.shallowCopy();
    catalog.replaceKey("/DSS", dss_ref);
    update.set(root, catalog.unparse());
    return update.write();
  } catch (const std::exception&) {
    return Error::invalid_input("the PDF cannot be updated: its objects are damaged");
  }
}

}  // namespace eseal::pdf
