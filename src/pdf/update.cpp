#include "pdf/update.h"

#include <algorithm>
#include <cstdio>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <set>

namespace eseal::pdf {
namespace {

constexpr std::string_view kByteRangePlaceholder =
    "/ByteRange [0 0000000000 0000000000 0000000000]";

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

// `existing` (an array, or nothing) with `items` appended.
QPDFObjectHandle extended(QPDFObjectHandle existing, const std::vector<QPDFObjectHandle>& items) {
  QPDFObjectHandle array = QPDFObjectHandle::newArray();
  if (existing.isArray()) {
    for (int i = 0; i < existing.getArrayNItems(); ++i) array.appendItem(existing.getArrayItem(i));
  }
  for (const auto& item : items) array.appendItem(item);
  return array;
}

// Adds the signature field `field` to the document's interactive form.
void add_signature_field(Update& update, QPDF& q, const QPDFObjectHandle& field) {
  QPDFObjectHandle root = q.getRoot();
  QPDFObjectHandle acroform = root.getKey("/AcroForm");
  std::map<std::string, QPDFObjectHandle> sig_flags{{"/SigFlags", QPDFObjectHandle::newInteger(3)}};
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
}

// Fixes the /ByteRange of the signature dictionary written at `value_at` of `pdf`, around its
// /Contents (of `capacity` bytes): the first placeholder from there on.
Result<ByteRange> fix_byte_range(Bytes& pdf, std::size_t capacity, std::size_t value_at) {
  std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  std::size_t range_at = text.find(kByteRangePlaceholder, value_at);
  std::size_t contents_at = text.find("/Contents <", range_at);
  if (range_at == std::string_view::npos || contents_at == std::string_view::npos) {
    return Error::internal("signature dictionary not found in the update");
  }
  std::size_t open = contents_at + 10;          // '<'
  std::size_t close = open + 1 + capacity * 2;  // '>'
  if (close >= pdf.size() || pdf[close] != '>') {
    return Error::internal("the signature dictionary's /Contents is not where it was written");
  }
  ByteRange range{0, open, close + 1, pdf.size() - close - 1};
  char written[96];
  std::snprintf(written, sizeof written, "/ByteRange [0 %010zu %010zu %010zu]", range[1], range[2],
                range[3]);
  std::copy(written, written + kByteRangePlaceholder.size(), pdf.begin() + range_at);
  return range;
}

}  // namespace

std::size_t Update::written_at(const QPDFObjectHandle& ref) const {
  auto found = offsets_.find(ref.getObjGen());
  return found == offsets_.end() ? std::string_view::npos : found->second;
}

Bytes flate(ByteView data) {
  Pl_Buffer buffer("flate");
  Pl_Flate deflate("deflate", &buffer, Pl_Flate::a_deflate);
  deflate.write(data.data(), data.size());
  deflate.finish();
  auto out = buffer.getBufferSharedPointer();
  return Bytes(out->getBuffer(), out->getBuffer() + out->getSize());
}

Result<Bytes> Update::write() {
  auto xref = last_xref(original_);
  if (!xref) return xref.error();
  // One allocation: the original, the new objects and room for the cross-reference section.
  std::size_t added = 0;
  for (const auto& [og, body] : bodies_) added += body.size() + 64;
  Bytes out;
  out.reserve(original_.size() + added + 32 * bodies_.size() + 4096);
  out.assign(original_.begin(), original_.end());
  if (out.empty() || (out.back() != '\n' && out.back() != '\r')) out.push_back('\n');
  std::map<int, std::pair<int, std::size_t>> entries;  // object -> (generation, offset)
  offsets_.clear();
  for (auto& [og, body] : bodies_) {
    entries[og.getObj()] = {og.getGen(), out.size()};
    offsets_[og] = out.size();
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

void append_to_array(Update& update, QPDFObjectHandle owner, const char* key,
                     const std::vector<QPDFObjectHandle>& items,
                     const std::map<std::string, QPDFObjectHandle>& extra) {
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

std::string new_field_name(QPDF& q) {
  QPDFObjectHandle acroform = q.getRoot().getKey("/AcroForm");
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

std::string contents_placeholder(std::size_t capacity) {
  return std::string(kByteRangePlaceholder) + " /Contents <" + std::string(capacity * 2, '0') + ">";
}

Result<SignatureUpdate> write_signature_update(
    QPDF& q, ByteView pdf, std::size_t capacity,
    const std::function<Result<SignatureObjects>(Update&)>& build) {
  SignatureUpdate out;
  std::size_t value_at = 0;
  try {
    Update update(q, pdf);
    auto objects = build(update);
    if (!objects) return objects.error();
    add_signature_field(update, q, objects->field);
    auto written = update.write();
    if (!written) return written.error();
    out.pdf = std::move(*written);
    value_at = update.written_at(objects->value);
  } catch (const std::exception&) {
    return Error::invalid_input("the PDF cannot be updated: its objects are damaged");
  }
  auto range = fix_byte_range(out.pdf, capacity, value_at);
  if (!range) return range.error();
  out.byte_range = *range;
  return out;
}

Bytes range_digest(ByteView pdf, const ByteRange& range, crypto::HashAlgorithm algorithm,
                   crypto::HashedPrefix* first_range) {
  crypto::Hasher hasher(algorithm);
  hasher.update(pdf.subspan(range[0], range[1]));
  if (first_range && range[0] == 0) {
    *first_range = {std::make_shared<const crypto::Hasher>(hasher.copy()), range[1]};
  }
  hasher.update(pdf.subspan(range[2], range[3]));
  return hasher.finish();
}

}  // namespace eseal::pdf
