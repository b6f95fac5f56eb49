#include "hrss/session.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "api/http_client.h"
#include "api/static_files.h"
#include "base/file.h"
#include "base/utf8.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/documents.h"
#include "service/signing.h"
#include "service/usb_key.h"

namespace eseal::hrss {
namespace {

constexpr const char* kCodePrefix = "hrss:";
constexpr int kMinZoom = 25, kMaxZoom = 400, kZoomStep = 25;
constexpr int kCrossPageGroup = 10;  // §5.3.2.1.17: a cross-page seal every 10 pages
constexpr std::size_t kMaxFormBytes = 256u << 20;

Error as(Failure kind, const Error& error) {
  return failure(kind, error.message);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

Result<int> number(std::string_view text, const char* what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return failure(Failure::kPlacement,
                   std::string(what) + ": \"" + std::string(text) + "\" is not a number");
  }
  return value;
}

// The person's PIN through the host; kPin when there is no host or the person cancels.
Result<std::string> ask(const PinSource& source, unsigned tries_left) {
  if (!source) return failure(Failure::kPin, "no one to ask the USB key's PIN of (no viewer)");
  auto pin = source(tries_left);
  if (!pin) return failure(Failure::kPin, "the PIN was not given");
  return *pin;
}

// A quoted-string of a form part's header: no quote, CR or LF may break out of it.
Result<std::string> header_value(const std::string& text, const char* what) {
  if (text.find_first_of("\"\r\n") != std::string::npos) {
    return failure(Failure::kArgument, std::string(what) + " may not hold '\"', CR or LF");
  }
  return text;
}

}  // namespace

Error failure(Failure kind, const std::string& message) {
  Error e = kind == Failure::kIo ? Error::io(message) : Error::invalid_input(message);
  return e.with_code(kCodePrefix + std::to_string(static_cast<int>(kind)));
}

int failure_number(const Error& error) {
  if (!error.code.starts_with(kCodePrefix)) return static_cast<int>(Failure::kSign);
  int value = 0;
  std::string_view digits =
      std::string_view(error.code).substr(std::string_view(kCodePrefix).size());
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

std::string failure_text(int number) {
  switch (static_cast<Failure>(number)) {
    case Failure::kNoDocument:
      return "没有打开的文档";
    case Failure::kDocument:
      return "文档不是PDF或OFD，或已损坏";
    case Failure::kNoKey:
      return "未检测到USBKEY或无法加载其接口库";
    case Failure::kNoSeal:
      return "USBKEY中没有可用的电子印章";
    case Failure::kPin:
      return "PIN码错误、已锁定或未输入";
    case Failure::kPlacement:
      return "签章位置无效：页码不存在、未找到关键字或页码格式错误";
    case Failure::kSign:
      return "签章失败";
    case Failure::kNotOfd:
      return "该操作仅适用于OFD文档";
    case Failure::kHttp:
      return "HTTP提交失败";
    case Failure::kNoViewer:
      return "该操作需要签章助手的阅读界面";
    case Failure::kArgument:
      return "参数错误";
    case Failure::kIo:
      return "文件读写失败";
  }
  return number == 0 ? "成功" : "未知错误";
}

Result<std::vector<doc::PageRange>> parse_ranges(const std::string& text, const char* what) {
  std::vector<doc::PageRange> out;
  std::string_view rest = text;
  bool all = trim(rest).empty();
  while (!rest.empty()) {
    std::size_t end = rest.find_first_of(";,");
    std::string_view item = trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (item.empty()) continue;
    std::size_t dash = item.find('-');
    auto first = number(trim(item.substr(0, dash)), what);
    if (!first) return first.error();
    int last = *first;
    if (dash != std::string_view::npos) {
      auto upper = number(trim(item.substr(dash + 1)), what);
      if (!upper) return upper.error();
      last = *upper;
    }
    if (*first == 0 && last == 0) {
      all = true;
      continue;
    }
    if (*first == 0 || last < *first) {
      return failure(Failure::kPlacement,
                     std::string(what) + ": \"" + std::string(item) + "\" is not a range");
    }
    out.push_back({*first - 1, last - 1});
    if (out.size() > 1000) return failure(Failure::kPlacement, std::string(what) + ": too many");
  }
  if (all) out.clear();
  return out;
}

// --- the document ------------------------------------------------------------------------------

Status Session::open(Bytes document, std::string name) {
  auto format = service::detect_format(document);
  if (!format) return as(Failure::kDocument, format.error());
  auto pages = service::page_sizes(document);
  if (!pages) return as(Failure::kDocument, pages.error());
  if (pages->empty()) return failure(Failure::kDocument, "the document has no page");
  document_ = std::move(document);
  ++version_;
  name_ = name.empty() ? (*format == doc::DocumentFormat::kPdf ? "document.pdf" : "document.ofd")
                       : std::move(name);
  format_ = *format;
  pages_ = std::move(*pages);
  page_ = 1;
  zoom_ = 100;
  rotation_ = 0;
  return ok_status();
}

Status Session::open_path(const std::string& path, bool network) {
  if (!network) {
    auto bytes = read_file(path);
    if (!bytes) return as(Failure::kIo, bytes.error());
    return open(std::move(*bytes), std::filesystem::path(path).filename().string());
  }
  auto url = api::parse_http_url(path);
  if (!url) {
    return failure(Failure::kArgument, "a network path is an http:// URL (" + path + ")");
  }
  api::HttpClient client(url->host, url->port);
  auto response = client.get(url->target);
  if (!response) return as(Failure::kHttp, response.error());
  if (response->status != 200) {
    return failure(Failure::kHttp, path + " answered HTTP " + std::to_string(response->status));
  }
  std::string name = url->target.substr(url->target.find_last_of('/') + 1);
  name = name.substr(0, name.find('?'));
  return open(to_bytes(response->body), name);
}

void Session::close() {
  document_.reset();
  ++version_;
  name_.clear();
  pages_.clear();
  page_ = 0;
}

Status Session::need_document() const {
  return is_open() ? ok_status() : failure(Failure::kNoDocument, "no document is open");
}

Status Session::save_to(const std::filesystem::path& path) const {
  if (auto s = need_document(); !s) return s;
  if (auto s = write_file_atomic(path, *document_); !s) return as(Failure::kIo, s.error());
  return ok_status();
}

Status Session::replace(Bytes signed_document) {
  auto pages = service::page_sizes(signed_document);
  if (!pages) return as(Failure::kSign, pages.error());
  document_ = std::move(signed_document);
  ++version_;
  pages_ = std::move(*pages);
  page_ = std::clamp(page_, 1, page_count());
  return ok_status();
}

// --- the view ------------------------------------------------------------------------------------

Status Session::go_to(int page) {
  if (auto s = need_document(); !s) return s;
  if (page < 1 || page > page_count()) {
    return failure(Failure::kPlacement, "no page " + std::to_string(page) + " (the document has " +
                                            std::to_string(page_count()) + ")");
  }
  page_ = page;
  return ok_status();
}

Status Session::zoom_by(int direction) {
  if (auto s = need_document(); !s) return s;
  int next = zoom_ + direction * kZoomStep;
  if (next < kMinZoom || next > kMaxZoom) {
    return failure(Failure::kArgument, "the zoom stays between 25% and 400%");
  }
  zoom_ = next;
  return ok_status();
}

Status Session::rotate(int quarter_turns) {
  if (auto s = need_document(); !s) return s;
  rotation_ = ((rotation_ + quarter_turns * 90) % 360 + 360) % 360;
  return ok_status();
}

void Session::show_button(int index, bool shown) {
  if (index == 99) {
    buttons_.clear();
    if (!shown) buttons_[99] = false;
    return;
  }
  buttons_[index] = shown;
}

bool Session::button_shown(int index) const {
  if (auto it = buttons_.find(index); it != buttons_.end()) return it->second;
  auto all = buttons_.find(99);
  return all == buttons_.end() || all->second;
}

Status Session::go_to_bookmark(const std::string& name) {
  if (auto s = need_document(); !s) return s;
  auto page = service::bookmark_page(*document_, name);
  if (!page) return as(Failure::kDocument, page.error());
  if (!*page) return failure(Failure::kPlacement, "no bookmark \"" + name + "\"");
  page_ = **page + 1;
  return ok_status();
}

Status Session::go_to_keyword(const std::string& keyword) {
  if (auto s = need_document(); !s) return s;
  if (keyword.empty()) return failure(Failure::kArgument, "an empty keyword");
  auto hits = service::keyword_hits(*document_, keyword);
  if (!hits) return as(Failure::kDocument, hits.error());
  if (hits->empty()) return failure(Failure::kPlacement, "keyword \"" + keyword + "\" not found");
  page_ = hits->front().page + 1;
  return ok_status();
}

// --- the USB key ---------------------------------------------------------------------------------

void Session::use_key(KeyChoice choice) {
  key_ = std::move(choice);
  library_.reset();
}

bool Session::key_present() {
  if (!library_) {
    auto loaded = keys::SkfLibrary::load(key_.library.empty() ? service::default_skf_library()
                                                              : key_.library);
    if (!loaded) return false;
    library_ = std::move(*loaded);
  }
  auto present = library_->devices();
  if (!present || present->empty()) return false;
  return key_.device.empty() ||
         std::find(present->begin(), present->end(), key_.device) != present->end();
}

Result<std::string> Session::key_id() {
  if (!key_present()) return failure(Failure::kNoKey, "no USB key is present");
  auto device = library_->connect(key_.device);
  if (!device) return as(Failure::kNoKey, device.error());
  auto info = (*device)->info();
  if (!info) return as(Failure::kNoKey, info.error());
  return info->serial;
}

Result<pki::Certificate> Session::certificate() {
  if (!key_present()) return failure(Failure::kNoKey, "no USB key is present");
  auto device = library_->connect(key_.device);
  if (!device) return as(Failure::kNoKey, device.error());
  auto application = (*device)->open_application();
  if (!application) return as(Failure::kNoSeal, application.error());
  auto containers = (*application)->containers();
  if (!containers) return as(Failure::kNoSeal, containers.error());
  if (containers->empty()) return failure(Failure::kNoSeal, "the USB key holds no container");
  auto certificate = (*application)->certificate(containers->front());
  if (!certificate) return as(Failure::kNoSeal, certificate.error());
  return certificate;
}

Result<Bytes> Session::sign_data(ByteView data) {
  auto key = open_key();
  if (!key) return key.error();
  auto signature = key->signer->sign(data);
  if (!signature) return as(Failure::kSign, signature.error());
  return signature;
}

Result<std::string> Session::seal_id() {
  if (!key_present()) return failure(Failure::kNoKey, "no USB key is present");
  auto seal = service::read_usb_key_seal(*library_, key_.device);
  if (!seal) return as(Failure::kNoSeal, seal.error());
  return seal->info.es_id;
}

unsigned Session::pin_tries_left() {
  auto device = library_->connect(key_.device);
  if (!device) return 0;
  auto application = (*device)->open_application();
  if (!application) return 0;
  auto pin = (*application)->pin_info();
  return pin ? pin->retries_left : 0;
}

// --- signing -------------------------------------------------------------------------------------

Result<service::UsbKeySeal> Session::open_key() {
  if (!key_present()) return failure(Failure::kNoKey, "no USB key is present");
  // The PIN is asked again while the key counts wrong ones down, until it locks.
  unsigned tries_left = 0;
  for (;;) {
    auto pin = ask(pin_source_, tries_left);
    if (!pin) return pin.error();
    auto opened = service::open_usb_key_seal(*library_, key_.device, *pin);
    if (opened) return opened;
    if (opened.error().code != keys::kDevicePinIncorrect) {
      Failure kind = opened.error().code == keys::kDevicePinLocked ? Failure::kPin
                     : opened.error().kind == ErrorKind::kNotFound ? Failure::kNoSeal
                                                                   : Failure::kNoKey;
      return as(kind, opened.error());
    }
    tries_left = pin_tries_left();
    if (tries_left == 0) return as(Failure::kPin, opened.error());
  }
}

Status Session::sign_with_key(const PlacementsFor& placements, Time now) {
  if (auto s = need_document(); !s) return s;
  auto key = open_key();
  if (!key) return key.error();
  service::SealSignature request{placements(key->seal), &key->seal, doc::SignatureFormat::kSes, "",
                                 ""};
  auto pending = service::prepare_seal(*document_, request, key->signer->certificate(), now);
  if (!pending) return as(Failure::kPlacement, pending.error());
  auto signed_document = service::sign(std::move(pending), *key->signer);
  if (!signed_document) return as(Failure::kSign, signed_document.error());
  return replace(std::move(*signed_document));
}

Status Session::sign_at(const std::string& pages, double x_centre_mm, double y_centre_mm,
                        Time now) {
  if (auto s = need_document(); !s) return s;
  auto ranges = parse_ranges(pages, "pages");
  if (!ranges) return ranges.error();
  if (!std::isfinite(x_centre_mm) || !std::isfinite(y_centre_mm)) {
    return failure(Failure::kPlacement, "the position is not a number");
  }
  std::vector<int> listed;
  if (ranges->empty()) ranges->push_back({0, page_count() - 1});
  for (const auto& range : *ranges) {
    for (int page = range.first; page <= range.last; ++page) {
      if (page >= page_count()) {
        return failure(Failure::kPlacement, "no page " + std::to_string(page + 1) +
                                                " (the document has " +
                                                std::to_string(page_count()) + ")");
      }
      listed.push_back(page);
    }
  }
  // The rules take the seal's top-left corner: the centre less half the key's seal's picture.
  return sign_with_key(
      [&](const ses::SesSeal& seal) {
        double x = x_centre_mm - seal.info.picture.width_mm / 2.0;
        double y = y_centre_mm - seal.info.picture.height_mm / 2.0;
        std::vector<doc::Placement> placements;
        for (int page : listed) placements.push_back(doc::PositionRule{page, x, y});
        return placements;
      },
      now);
}

Status Session::sign_by_keyword(const std::string& keyword, const std::string& pages,
                                const std::string& occurrences, Time now) {
  if (keyword.empty()) return failure(Failure::kArgument, "an empty keyword");
  auto page_ranges = parse_ranges(pages, "pages");
  if (!page_ranges) return page_ranges.error();
  auto occurrence_ranges = parse_ranges(occurrences, "occurrences");
  if (!occurrence_ranges) return occurrence_ranges.error();
  doc::KeywordRule rule;
  rule.keyword = keyword;
  rule.selection.kind = page_ranges->empty() ? doc::KeywordSelection::Kind::kAll
                                             : doc::KeywordSelection::Kind::kPages;
  rule.selection.pages = std::move(*page_ranges);
  rule.selection.occurrences = std::move(*occurrence_ranges);
  return sign_with_key([&](const ses::SesSeal&) { return std::vector<doc::Placement>{rule}; }, now);
}

Status Session::sign_cross_page(double y_top_mm, Time now) {
  if (auto s = need_document(); !s) return s;
  if (page_count() < 2) return failure(Failure::kPlacement, "a cross-page seal needs two pages");
  doc::CrossPageRule rule;
  rule.y_mm = y_top_mm;
  rule.group = kCrossPageGroup;
  return sign_with_key([&](const ses::SesSeal&) { return std::vector<doc::Placement>{rule}; }, now);
}

// LD/T's description: certificateCopyMetaData (creator, cause, expiry "YYYY年MM月DD日") makes a
// certified copy; watermarkInfomation with a type asks for a watermark of its own, which eseal's
// certified copies do not draw (their watermark names the creator, cause and expiry).
Status Session::lock(const std::string& description, Time now) {
  if (auto s = need_document(); !s) return s;
  if (format_ != doc::DocumentFormat::kOfd) {
    return failure(Failure::kNotOfd, "a lock signature is for OFD documents");
  }
  std::optional<service::CopyRequest> copy;
  if (!trim(description).empty()) {
    rapidjson::Document json;
    json.Parse(description.c_str(), description.size());
    if (json.HasParseError() || !json.IsObject()) {
      return failure(Failure::kArgument, "the description is not a JSON object");
    }
    auto text = [](const rapidjson::Value& object, const char* name) -> std::string {
      auto it = object.FindMember(name);
      return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    };
    if (auto mark = json.FindMember("watermarkInfomation");
        mark != json.MemberEnd() && mark->value.IsObject() &&
        !text(mark->value, "watermarkType").empty()) {
      return failure(Failure::kArgument,
                     "a watermark of one's own (watermarkType) is not drawn: eseal's certified "
                     "copy carries its own watermark");
    }
    if (auto meta = json.FindMember("certificateCopyMetaData");
        meta != json.MemberEnd() && meta->value.IsObject()) {
      service::CopyRequest request{text(meta->value, "certificateCopyCreator"),
                                   text(meta->value, "certificateCopyCause"), 1};
      // Both spellings of the expiry key: the text's misprint and the word meant.
      std::string expiry = text(meta->value, "certificateCopyCpiringTime");
      if (expiry.empty()) expiry = text(meta->value, "certificateCopyExpiringTime");
      if (!expiry.empty()) {
        int year = 0, month = 0, day = 0;
        if (std::sscanf(expiry.c_str(), "%d年%d月%d日", &year, &month, &day) != 3) {
          return failure(Failure::kArgument, "the expiry \"" + expiry + "\" is not YYYY年MM月DD日");
        }
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
        auto until = parse_utc(date);
        if (!until) return failure(Failure::kArgument, "the expiry \"" + expiry + "\" is no date");
        auto days = std::chrono::duration_cast<std::chrono::hours>(*until - now).count() / 24;
        request.years = static_cast<int>(std::max<long long>(1, (days + 364) / 365));
      }
      copy = std::move(request);
    }
  }
  auto key = open_key();
  if (!key) return key.error();
  const pki::Certificate& signer = key->signer->certificate();
  auto pending = copy ? service::prepare_certified_copy(*document_, *copy, signer, now)
                      : service::prepare_lock(*document_, signer, now);
  if (!pending) return as(Failure::kSign, pending.error());
  auto locked = service::sign(std::move(pending), *key->signer);
  if (!locked) return as(Failure::kSign, locked.error());
  return replace(std::move(*locked));
}

Status Session::remove_lock(Time now) {
  if (auto s = need_document(); !s) return s;
  if (format_ != doc::DocumentFormat::kOfd) {
    return failure(Failure::kNotOfd, "a lock signature is for OFD documents");
  }
  auto unlocked = service::remove_lock(*document_, now);
  if (!unlocked) return as(Failure::kSign, unlocked.error());
  return replace(std::move(*unlocked));
}

// --- the document's signatures -------------------------------------------------------------------

void Session::trust(std::vector<pki::Certificate> roots) {
  roots_ = std::move(roots);
  trust_ = ses::TrustPolicy{roots_, {}, {}};
}

Result<service::VerifySummary> Session::verify(Time now) const {
  if (auto s = need_document(); !s) return s.error();
  auto summary = service::verify(*document_, trust_, now);
  if (!summary) return as(Failure::kDocument, summary.error());
  return summary;
}

Result<int> Session::seal_count(Time now) const {
  auto summary = verify(now);
  if (!summary) return summary.error();
  return static_cast<int>(std::count_if(summary->signatures.begin(), summary->signatures.end(),
                                        [](const auto& s) { return s.kind == "seal"; }));
}

Result<int> Session::cross_page_count(Time now) const {
  auto summary = verify(now);
  if (!summary) return summary.error();
  return static_cast<int>(
      std::count_if(summary->signatures.begin(), summary->signatures.end(),
                    [](const auto& s) { return s.kind == "seal" && s.cross_page; }));
}

Result<int> Session::signature_count(Time now) const {
  auto summary = verify(now);
  if (!summary) return summary.error();
  return static_cast<int>(summary->signatures.size());
}

Result<std::string> Session::sign_info_json(Time now) const {
  auto summary = verify(now);
  if (!summary) return summary.error();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto field = [&](const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartArray();
  for (const auto& s : summary->signatures) {
    w.StartObject();
    field("kind", s.kind);
    field("result", std::string(ses::indication_name(s.outcome().indication)));
    field("sealId", s.seal_id);
    field("sealName", s.seal_name);
    field("signer", s.signer);
    field("time", s.signing_time ? format_utc(*s.signing_time) : "");
    w.Key("crossPage");
    w.Bool(s.cross_page);
    w.Key("pages");
    w.StartArray();
    for (int page : s.pages) w.Int(page);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// --- the form ------------------------------------------------------------------------------------

void Session::form_reset() {
  form_.clear();
}

Status Session::form_add_field(const std::string& name, const std::string& value) {
  auto checked = header_value(name, "a field name");
  if (!checked || name.empty()) return failure(Failure::kArgument, "a bad field name");
  form_.push_back({name, "", "", to_bytes(value)});
  return ok_status();
}

Status Session::form_add_file(const std::string& name, const std::filesystem::path& path) {
  auto checked = header_value(name, "a field name");
  if (!checked || name.empty()) return failure(Failure::kArgument, "a bad field name");
  auto data = read_file(path);
  if (!data) return as(Failure::kIo, data.error());
  std::string file_name = path.filename().string();
  if (!header_value(file_name, "a file name"))
    return failure(Failure::kArgument, "a bad file name");
  form_.push_back({name, file_name, api::content_type_of(file_name), std::move(*data)});
  return ok_status();
}

Status Session::form_add_document(const std::string& name) {
  if (auto s = need_document(); !s) return s;
  auto checked = header_value(name, "a field name");
  if (!checked || name.empty()) return failure(Failure::kArgument, "a bad field name");
  if (!header_value(name_, "the document's name")) {
    return failure(Failure::kArgument, "the document's name cannot go in a form");
  }
  form_.push_back({name, name_, api::content_type_of(name_), *document_});
  return ok_status();
}

Status Session::form_post(const std::string& url, const std::string& cookie) {
  auto parsed = api::parse_http_url(url);
  if (!parsed) return failure(Failure::kArgument, "not an http:// URL: " + url);
  if (cookie.find_first_of("\r\n") != std::string::npos) {
    return failure(Failure::kArgument, "the cookie may not hold CR or LF");
  }
  auto random = crypto::random_bytes(12);
  if (!random) return as(Failure::kHttp, random.error());
  std::string boundary = "----eseal-hrss-" + crypto::to_hex(*random);
  std::string body;
  for (const Part& part : form_) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
    if (!part.file_name.empty()) {
      body += "; filename=\"" + part.file_name + "\"\r\nContent-Type: " + part.content_type;
    }
    body += "\r\n\r\n";
    body.append(reinterpret_cast<const char*>(part.data.data()), part.data.size());
    body += "\r\n";
    if (body.size() > kMaxFormBytes) return failure(Failure::kHttp, "the form is too large");
  }
  body += "--" + boundary + "--\r\n";
  api::Headers headers;
  headers.set("Content-Type", "multipart/form-data; boundary=" + boundary);
  if (!cookie.empty()) headers.set("Cookie", cookie);
  api::HttpClient client(parsed->host, parsed->port);
  auto response = client.post(parsed->target, std::move(body), headers);
  if (!response) return as(Failure::kHttp, response.error());
  if (response->status < 200 || response->status > 299) {
    return failure(Failure::kHttp, url + " answered HTTP " + std::to_string(response->status));
  }
  return ok_status();
}

}  // namespace eseal::hrss
