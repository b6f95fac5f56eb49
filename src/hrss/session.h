// The state behind the HRSS functions (hrss/hrss.h): one document open at a time with its view
// (page, zoom, rotation, toolbar), the signer's USB key, and a form being put together for a
// POST. Each operation is the engines' and services' own: placement rules, prepare → the USB
// key's signer → complete, verification. Not thread-safe: the C functions hold a lock around it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/document_format.h"
#include "doc/placement.h"
#include "keys/skf.h"
#include "service/usb_key.h"
#include "service/verification.h"
#include "ses/verify.h"

namespace eseal::hrss {

// The error numbers of hrss.h, carried as Error::code ("hrss:-3") by the session's errors.
enum class Failure {
  kNoDocument = -1,
  kDocument = -2,
  kNoKey = -3,
  kNoSeal = -4,
  kPin = -5,
  kPlacement = -6,
  kSign = -7,
  kNotOfd = -8,
  kHttp = -9,
  kNoViewer = -10,
  kArgument = -11,
  kIo = -12,
};
Error failure(Failure kind, const std::string& message);
// The number of a session error (kSign for an error that carries none).
int failure_number(const Error& error);
// What an error number means, in Chinese (the interface's language).
std::string failure_text(int number);

// "0;2-10;2,5": 1-based numbers and ranges separated by ';' or ','. 0 anywhere: everything
// (an empty vector). Returned 0-based.
Result<std::vector<doc::PageRange>> parse_ranges(const std::string& text, const char* what);

// The PIN for the key, asked of the person (tries left, 0 when unknown); nullopt: cancelled.
using PinSource = std::function<std::optional<std::string>(unsigned tries_left)>;

struct KeyChoice {
  std::string library;  // empty: service::default_skf_library()
  std::string device;   // empty: the first key present
};

class Session {
 public:
  // --- the document ---
  Status open(Bytes document, std::string name);
  Status open_path(const std::string& path, bool network);
  void close();
  bool is_open() const { return document_.has_value(); }
  const Bytes& document() const { return *document_; }
  const std::string& name() const { return name_; }
  // Changes whenever the document does (opened, signed, closed).
  unsigned long version() const { return version_; }
  Status save_to(const std::filesystem::path& path) const;

  // --- the view ---
  int page() const { return page_; }  // 1-based; 0 with no document
  int page_count() const { return static_cast<int>(pages_.size()); }
  Status go_to(int page);
  int zoom() const { return zoom_; }  // percent
  Status zoom_by(int direction);      // +1 larger, -1 smaller
  int rotation() const { return rotation_; }
  Status rotate(int quarter_turns);  // +1 right, -1 left
  void show_button(int index, bool shown);
  bool button_shown(int index) const;
  // The first page (1-based) a bookmark or a keyword takes the view to; kPlacement when none.
  Status go_to_bookmark(const std::string& name);
  Status go_to_keyword(const std::string& keyword);

  // --- the USB key ---
  void use_key(KeyChoice choice);
  void use_pin_source(PinSource source) { pin_source_ = std::move(source); }
  bool key_present();
  Result<std::string> key_id();   // the key's serial number
  Result<std::string> seal_id();  // the esID of the seal in HRSS_ESEAL
  // The signing certificate of the key's first container (read without the PIN).
  Result<pki::Certificate> certificate();
  // SM3withSM2 over `data` with the key (the PIN asked through the host): a login statement
  // (DB4403 LOGIN-04) or anything else a business system has the person sign. DER.
  Result<Bytes> sign_data(ByteView data);

  // --- signing with the key (each replaces the document with the signed one) ---
  Status sign_at(const std::string& pages, double x_centre_mm, double y_centre_mm, Time now);
  Status sign_by_keyword(const std::string& keyword, const std::string& pages,
                         const std::string& occurrences, Time now);
  Status sign_cross_page(double y_top_mm, Time now);
  // OFD: a certified copy (LD/T's description JSON) closed by the key's lock signature; with an
  // empty description, the lock signature alone.
  Status lock(const std::string& description, Time now);
  Status remove_lock(Time now);

  // --- the document's signatures ---
  void trust(std::vector<pki::Certificate> roots);
  Result<service::VerifySummary> verify(Time now) const;
  // The seals (kind "seal"), those of them on two pages or more, and every signature.
  Result<int> seal_count(Time now) const;
  Result<int> cross_page_count(Time now) const;
  Result<int> signature_count(Time now) const;
  Result<std::string> sign_info_json(Time now) const;

  // --- a multipart/form-data POST ---
  void form_reset();
  Status form_add_field(const std::string& name, const std::string& value);
  Status form_add_file(const std::string& name, const std::filesystem::path& path);
  Status form_add_document(const std::string& name);
  // POSTs the form to an http:// URL with `cookie`; kHttp unless the answer is 2xx.
  Status form_post(const std::string& url, const std::string& cookie);

 private:
  struct Part {
    std::string name, file_name, content_type;
    Bytes data;
  };
  Status need_document() const;
  unsigned pin_tries_left();
  // The key logged in, its seal and signer: the PIN asked until right, cancelled or locked.
  Result<service::UsbKeySeal> open_key();
  // Where the seal goes, once the key's seal (and so its picture's size) is known.
  using PlacementsFor = std::function<std::vector<doc::Placement>(const ses::SesSeal& seal)>;
  Status sign_with_key(const PlacementsFor& placements, Time now);
  Status replace(Bytes signed_document);

  std::optional<Bytes> document_;
  std::string name_;
  doc::DocumentFormat format_ = doc::DocumentFormat::kPdf;
  std::vector<doc::PageSize> pages_;
  unsigned long version_ = 0;
  int page_ = 0, zoom_ = 100, rotation_ = 0;
  std::map<int, bool> buttons_;
  KeyChoice key_;
  std::shared_ptr<keys::SkfLibrary> library_;
  PinSource pin_source_;
  ses::TrustPolicy trust_;
  std::vector<pki::Certificate> roots_;
  std::vector<Part> form_;
};

}  // namespace eseal::hrss
