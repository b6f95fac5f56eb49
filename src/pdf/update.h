// Incremental updates (ISO 32000-1 §7.5.6), as signing, document time stamps and validation
// data write them: the objects an update adds or replaces, appended after the original bytes
// with a cross-reference section of the kind the last one is, so that earlier bytes (and the
// signatures over them) are never touched. Internal to src/pdf.
#pragma once

#include <functional>
#include <map>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/digest.h"
#include "pdf/contents.h"

namespace eseal::pdf {

// Deflated `data`, for a /FlateDecode stream.
Bytes flate(ByteView data);

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
  Result<Bytes> write();
  // Where the last write() put the object `ref` ("N G obj"); npos when it wrote no such object.
  std::size_t written_at(const QPDFObjectHandle& ref) const;

 private:
  QPDF& q_;
  ByteView original_;
  std::map<QPDFObjGen, std::string> bodies_;
  std::map<QPDFObjGen, std::size_t> offsets_;
};

// Adds `items` to the array under `key` of `owner` (an indirect dictionary) and sets `extra`
// keys, writing new versions of the objects that change: the array when it is an object of its
// own, the owner when it holds the array directly or gains keys.
void append_to_array(Update& update, QPDFObjectHandle owner, const char* key,
                     const std::vector<QPDFObjectHandle>& items,
                     const std::map<std::string, QPDFObjectHandle>& extra = {});

// "SignatureN", the first such name no field of the form has.
std::string new_field_name(QPDF& q);

// A /ByteRange placeholder and a /Contents string of `capacity` zero bytes, for a signature
// dictionary's body (before any value that comes from outside), which write_signature_update
// fixes.
std::string contents_placeholder(std::size_t capacity);

// What a signature's update adds that write_signature_update must find again: the field, and the
// signature dictionary (the field's /V) whose placeholder it fixes.
struct SignatureObjects {
  QPDFObjectHandle field;
  QPDFObjectHandle value;
};

// A signature's incremental update written out: the document with it, and the byte range
// around its /Contents.
struct SignatureUpdate {
  Bytes pdf;
  ByteRange byte_range{};
};

// Builds and writes a signature's incremental update over `pdf` (opened as `q`): `build` adds
// the signature dictionary (with contents_placeholder(capacity)), the field and its widgets to
// the update and returns the two; the field joins the interactive form (made if there is none;
// /SigFlags 3: signatures that only incremental updates may follow), the update is appended and
// the /ByteRange fixed around /Contents, in the signature dictionary as written: text elsewhere
// (a reason, a page's keys) may read like the placeholder. QPDF's exceptions over damaged
// objects are kInvalidInput.
Result<SignatureUpdate> write_signature_update(
    QPDF& q, ByteView pdf, std::size_t capacity,
    const std::function<Result<SignatureObjects>(Update&)>& build);

// The hash of the bytes `range` covers; with `first_range`, also the hash's state after the first
// range, the bytes before the signature's place.
Bytes range_digest(ByteView pdf, const ByteRange& range,
                   crypto::HashAlgorithm algorithm = crypto::HashAlgorithm::kSm3,
                   crypto::HashedPrefix* first_range = nullptr);

}  // namespace eseal::pdf
