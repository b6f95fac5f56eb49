#include "api/agent/agent.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <variant>

#include "api/agent/pairing.h"
#include "api/agent/prompts.h"
#include "api/json.h"
#include "api/json_text.h"
#include "api/static_files.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "hrss/hrss.h"
#include "keys/skf.h"
#include "render/ofd_render.h"
#include "render/pdf_pixels.h"
#include "service/documents.h"
#include "service/usb_key.h"

namespace eseal::api::agent {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr double kViewDpi = 120;  // pages are drawn at this and scaled by the viewer's zoom
constexpr auto kLongPoll = std::chrono::seconds(20);
constexpr std::uint64_t kCallBodyLimit = std::uint64_t{64} << 20;  // a document in base64
constexpr std::uint64_t kUploadLimit = std::uint64_t{48} << 20;    // a document the viewer opens
constexpr std::size_t kRenderCache = 8;

void key(Writer& w, const char* name, std::string_view value) {
  w.Key(name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// "scheme://host[:port]" of an http(s) URL or Origin, lower case, without a default port.
std::optional<std::string> origin_of(std::string_view url) {
  std::string text(url);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string scheme;
  for (const char* s : {"http://", "https://"}) {
    if (text.rfind(s, 0) == 0) scheme = s;
  }
  if (scheme.empty()) return std::nullopt;
  std::string rest = text.substr(scheme.size());
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  std::string default_port = scheme == "http://" ? ":80" : ":443";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(),
                        default_port) == 0) {
    authority.resize(authority.size() - default_port.size());
  }
  return scheme + authority;
}

// The document the viewer shows: what the HRSS session held after the last call.
struct View {
  unsigned long version = 0;
  std::shared_ptr<const Bytes> document;
  std::string name;
  std::string format;  // "pdf", "ofd"
  int pages = 0, page = 0, zoom = 100, rotation = 0;

  bool same_place(const View& other) const {
    return version == other.version && page == other.page && zoom == other.zoom &&
           rotation == other.rotation && name == other.name;
  }
};

// What a function returned, for the page.
struct Reply {
  enum class Kind { kNumber, kText, kNull } kind = Kind::kNull;
  long long number = 0;
  std::string text;
  bool records_errors = true;          // the library recorded success or failure
  std::optional<std::string> refusal;  // the agent refused the call (HRSS_E_ARGUMENT)

  static Reply of(long long n, bool records = true) { return {Kind::kNumber, n, {}, records, {}}; }
  static Reply of_text(const char* s, bool records = true) {
    return {Kind::kText, 0, s ? s : "", records, {}};
  }
  static Reply none() { return {}; }
  static Reply refused(std::string why) { return {Kind::kNumber, 0, {}, false, std::move(why)}; }
};

// The checked arguments of a call: their types are those of the function's signature ("s" a
// string, "i" an integer), so the functions read them without further checks.
class Args {
 public:
  explicit Args(const rapidjson::Value& array) : array_(array) {}
  std::string s(unsigned i) const { return std::string(json_view(array_[i])); }
  long long i(unsigned i) const { return array_[i].GetInt64(); }

  static std::optional<std::string> check(const rapidjson::Value& array,
                                          std::string_view signature) {
    if (array.Size() != signature.size()) {
      return "takes " + std::to_string(signature.size()) + " arguments";
    }
    for (unsigned n = 0; n < signature.size(); ++n) {
      bool fits = signature[n] == 's' ? array[n].IsString()
                                      : array[n].IsInt64() && array[n].GetInt64() >= -32768 &&
                                            array[n].GetInt64() <= 2147483647;
      if (!fits) {
        return "argument " + std::to_string(n + 1) +
               (signature[n] == 's' ? " is a string" : " is an integer");
      }
    }
    return std::nullopt;
  }

 private:
  const rapidjson::Value& array_;
};

}  // namespace

struct Agent::Impl {
  AgentOptions options;
  std::string viewer_key;
  std::unique_ptr<Pairings> pairings;
  Prompts prompts;
  Server* server = nullptr;

  struct Function {
    std::string signature;
    std::function<Reply(const Args&, const std::string& origin)> call;
  };
  std::map<std::string, Function, std::less<>> functions;

  std::mutex call_mutex;  // one HRSS call and the view taken after it at a time

  mutable std::mutex view_mutex;
  View view;
  std::vector<std::pair<std::string, Bytes>> rendered;  // "version/page" -> PNG, newest last

  std::mutex key_mutex;
  std::shared_ptr<keys::SkfLibrary> skf;

  std::mutex uploads_mutex;
  std::filesystem::path uploads_dir;
  std::map<std::string, std::filesystem::path> uploads;

  ESEAL_HRSS_HOST host{};

  void log(const std::string& line) const {
    if (options.logger) options.logger->info("agent: {}", line);
  }

  // --- requests ---------------------------------------------------------------------------------

  // The Host header names this agent on the loopback address (else: DNS rebinding).
  bool host_is_loopback(const Request& request) const {
    auto named = request.headers.get("Host");
    if (!named) return false;
    std::string port = ":" + std::to_string(server->port());
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
      if (*named == std::string(name) + port) return true;
    }
    return false;
  }

  bool allowed(const std::string& origin) const {
    return std::find(options.origins.begin(), options.origins.end(), origin) !=
           options.origins.end();
  }

  // The request's Origin when it is allowed; else the refusal to send.
  std::variant<std::string, Response> page_origin(const Request& request) const {
    if (!host_is_loopback(request)) {
      return json_error(403, "host-not-allowed", "Host is not this agent's");
    }
    auto header = request.headers.get("Origin");
    auto origin = header ? origin_of(*header) : std::nullopt;
    if (!origin || !allowed(*origin)) {
      log("refused a request from origin " + std::string(header.value_or("(none)")));
      return json_error(403, "origin-not-allowed", "this page's origin may not use the agent");
    }
    return *origin;
  }

  static Response with_cors(Response response, const std::string& origin) {
    response.headers.set("Access-Control-Allow-Origin", origin);
    response.headers.set("Vary", "Origin");
    response.headers.set("Cache-Control", "no-store");
    return response;
  }

  Response preflight(const Request& request) const {
    auto origin = page_origin(request);
    if (auto* refusal = std::get_if<Response>(&origin)) return *refusal;
    Response r = with_cors(Response::text(204, ""), std::get<std::string>(origin));
    r.headers.set("Access-Control-Allow-Methods", "GET, POST");
    r.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    // Chromium's Private Network Access: a page on a public address may reach the loopback one.
    r.headers.set("Access-Control-Allow-Private-Network", "true");
    r.headers.set("Access-Control-Max-Age", "600");
    return r;
  }

  // The viewer's requests carry its key and come from its own origin, never from a page.
  std::optional<Response> viewer_refusal(const Request& request) const {
    if (!host_is_loopback(request)) {
      return json_error(403, "host-not-allowed", "Host is not this agent's");
    }
    if (auto origin = request.headers.get("Origin")) {
      auto own = origin_of(*origin);
      std::string port = ":" + std::to_string(server->port());
      if (!own || (*own != "http://127.0.0.1" + port && *own != "http://localhost" + port)) {
        return json_error(403, "origin-not-allowed", "not the viewer's origin");
      }
    }
    auto given = request.headers.get("X-Eseal-Viewer");
    if (!given || !crypto::equal_constant_time(as_bytes(*given), as_bytes(viewer_key))) {
      return json_error(401, "viewer-key", "the viewer's key is missing or wrong");
    }
    return std::nullopt;
  }

  // --- pairing ----------------------------------------------------------------------------------

  Response pair(const Request& request) {
    auto origin = page_origin(request);
    if (auto* refusal = std::get_if<Response>(&origin)) return *refusal;
    const std::string& from = std::get<std::string>(origin);
    std::string name = from;
    if (!request.body.empty()) {
      auto parsed = parse_json(request.body);
      if (!parsed || !parsed.document->IsObject()) {
        return with_cors(json_error(400, "bad-request", "the body is not JSON"), from);
      }
      auto it = parsed.document->FindMember("name");
      if (it != parsed.document->MemberEnd() && it->value.IsString()) {
        name = std::string(json_view(it->value));
      }
    }
    auto id = pairings->ask(from, name, now_utc());
    if (!id) return with_cors(json_error(429, "busy", id.error().message), from);
    log(from + " asks to pair as \"" + name + "\"");
    prompts.notify();
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    key(w, "request", *id);
    key(w, "status", "pending");
    w.EndObject();
    return with_cors(Response::json(202, out.GetString()), from);
  }

  Response pairing_status(const Request& request) {
    auto origin = page_origin(request);
    if (auto* refusal = std::get_if<Response>(&origin)) return *refusal;
    const std::string& from = std::get<std::string>(origin);
    auto found = pairings->collect(std::string(request.param("id")), from, now_utc());
    if (!found) {
      return with_cors(json_error(404, "not-found", found.error().message), from);
    }
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    key(w, "status", pairing_state_name(found->state));
    if (!found->token.empty()) key(w, "token", found->token);
    w.EndObject();
    return with_cors(Response::json(200, out.GetString()), from);
  }

  // --- the functions ----------------------------------------------------------------------------

  Response call(Request& request) {
    auto origin = page_origin(request);
    if (auto* refusal = std::get_if<Response>(&origin)) return *refusal;
    const std::string& from = std::get<std::string>(origin);
    auto answer = [&](int status, std::string_view code, std::string_view message) {
      return with_cors(json_error(status, code, message), from);
    };
    std::string_view authorization = request.headers.get("Authorization").value_or("");
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.substr(0, kBearer.size()) != kBearer ||
        !pairings->check(from, authorization.substr(kBearer.size()))) {
      return answer(401, "not-paired", "pair with the agent first (POST /pair)");
    }
    std::string name(request.param("function"));
    auto function = functions.find(name);
    if (function == functions.end()) {
      return answer(404, "no-such-function", "no HRSS function " + name);
    }
    auto parsed = parse_json_in_place(std::span<char>(request.body.data(), request.body.size()));
    if (!parsed || !parsed.document->IsObject()) {
      return answer(400, "bad-request", "the body is not a JSON object");
    }
    auto args = parsed.document->FindMember("args");
    static const rapidjson::Value kNone(rapidjson::kArrayType);
    const rapidjson::Value& list = args == parsed.document->MemberEnd() ? kNone : args->value;
    if (!list.IsArray()) return answer(400, "bad-arguments", "args is an array");
    if (auto problem = Args::check(list, function->second.signature)) {
      return answer(400, "bad-arguments", name + " " + *problem);
    }

    std::lock_guard lock(call_mutex);
    Reply reply = function->second.call(Args(list), from);
    Response response = with_cors(Response::json(200, reply_body(reply)), from);
    response.log_fields["function"] = name;
    refresh_view();
    return response;
  }

  // The reply as JSON, with the calling thread's last error when the function failed.
  static std::string reply_body(const Reply& reply) {
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    w.Key("result");
    switch (reply.kind) {
      case Reply::Kind::kNumber:
        w.Int64(reply.number);
        break;
      case Reply::Kind::kText:
        w.String(reply.text.c_str(), static_cast<rapidjson::SizeType>(reply.text.size()));
        break;
      case Reply::Kind::kNull:
        w.Null();
        break;
    }
    int number = reply.refusal          ? HRSS_E_ARGUMENT
                 : reply.records_errors ? ESEAL_HRSSLastErrorNumber()
                                        : 0;
    if (number != 0) {
      w.Key("error");
      w.StartObject();
      w.Key("number");
      w.Int(number);
      key(w, "message",
          reply.refusal
              ? HRSGetLastError(static_cast<short>(number)) + std::string("：") + *reply.refusal
              : std::string(HRSGetLastError(0)));
      w.EndObject();
    }
    w.EndObject();
    return out.GetString();
  }

  // A local path a page named: only inside files_dir.
  std::optional<std::string> confined(const std::string& path) const {
    if (options.files_dir.empty()) return std::nullopt;
    std::error_code ec;
    auto base = std::filesystem::weakly_canonical(options.files_dir, ec);
    if (ec) return std::nullopt;
    std::filesystem::path named(path);
    auto full = std::filesystem::weakly_canonical(named.is_absolute() ? named : base / named, ec);
    if (ec) return std::nullopt;
    auto [end, rest] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
    if (end != base.end() || rest == full.end()) return std::nullopt;
    return full.string();
  }

  static std::string outside_files() { return "页面只能指定代理允许的目录中的本地文件"; }

  // A URL a page named: http:// on an allowed origin (the page's own, or another allowed one).
  std::optional<std::string> url_refusal(const std::string& url) const {
    auto origin = origin_of(url);
    if (!origin || origin->rfind("http://", 0) != 0) return "只支持http://地址";
    if (!allowed(*origin)) return "地址不在代理允许的来源中：" + *origin;
    return std::nullopt;
  }

  void add_functions();

  // --- the view ---------------------------------------------------------------------------------

  void refresh_view() {
    View next;
    next.version = ESEAL_HRSSDocumentVersion();
    {
      std::lock_guard lock(view_mutex);
      if (next.version == view.version) next.document = view.document;
    }
    std::size_t size = 0;
    const unsigned char* data = ESEAL_HRSSCurrentFile(&size);
    if (!next.document && data) next.document = std::make_shared<const Bytes>(data, data + size);
    if (next.document) {
      auto format = service::detect_format(*next.document);
      next.format = format && *format == doc::DocumentFormat::kOfd ? "ofd" : "pdf";
      next.name = ESEAL_HRSSFileName();
      next.pages = ESEAL_HRSSPageCount();
      next.page = HRSSGetCurrentPageNum();
      next.zoom = ESEAL_HRSSZoomPercent();
      next.rotation = ESEAL_HRSSRotation();
    }
    bool changed = false;
    {
      std::lock_guard lock(view_mutex);
      changed = !view.same_place(next);
      view = std::move(next);
    }
    if (changed) prompts.notify();
  }

  View current_view() const {
    std::lock_guard lock(view_mutex);
    return view;
  }

  // Page `page` of the document at `version` (the URL carries it, so that a browser's cache never
  // shows an earlier version's page).
  Result<Bytes> render_page(int page, unsigned long version) {
    View shown = current_view();
    if (!shown.document) return Error::not_found("no document is open");
    if (version != shown.version) return Error::not_found("the document has changed");
    if (page < 1 || page > shown.pages) return Error::not_found("no such page");
    std::string cache_key = std::to_string(shown.version) + "/" + std::to_string(page);
    {
      std::lock_guard lock(view_mutex);
      for (const auto& [k, png] : rendered) {
        if (k == cache_key) return png;
      }
    }
    Result<Bytes> png = Error::internal("unrendered");
    if (shown.format == "ofd") {
      auto renderer = render::OfdRenderer::open(*shown.document);
      if (!renderer) return renderer.error();
      png = renderer->render_png(page - 1, kViewDpi);
    } else {
      png = render::pdf_page_png(*shown.document, page - 1, kViewDpi);
    }
    if (!png) return png.error();
    std::lock_guard lock(view_mutex);
    rendered.emplace_back(cache_key, *png);
    if (rendered.size() > kRenderCache) rendered.erase(rendered.begin());
    return png;
  }

  // --- the viewer -------------------------------------------------------------------------------

  Response events(const Request& request) {
    std::uint64_t seen = 0;
    if (auto since = request.query_param("since")) {
      seen = std::strtoull(since->c_str(), nullptr, 10);
    }
    if (seen != 0) prompts.wait_change(seen, kLongPoll);
    auto [version, waiting] = prompts.current();
    View shown = current_view();
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    w.Key("version");
    w.Uint64(version);
    w.Key("prompts");
    w.StartArray();
    for (const Prompt& prompt : waiting) {
      w.StartObject();
      w.Key("id");
      w.Uint64(prompt.id);
      key(w, "kind", prompt.kind);
      w.Key("details");
      w.RawValue(prompt.details.data(), prompt.details.size(), rapidjson::kObjectType);
      w.EndObject();
    }
    w.EndArray();
    w.Key("pairings");
    w.StartArray();
    for (const auto& asking : pairings->pending(now_utc())) {
      w.StartObject();
      key(w, "id", asking.id);
      key(w, "origin", asking.origin);
      key(w, "name", asking.name);
      w.EndObject();
    }
    w.EndArray();
    w.Key("paired");
    w.StartArray();
    for (const auto& paired : pairings->paired()) {
      w.StartObject();
      key(w, "origin", paired.origin);
      key(w, "name", paired.name);
      key(w, "since", format_utc(paired.since));
      w.EndObject();
    }
    w.EndArray();
    w.Key("view");
    w.StartObject();
    w.Key("open");
    w.Bool(shown.document != nullptr);
    w.Key("version");
    w.Uint64(shown.version);
    key(w, "name", shown.name);
    key(w, "format", shown.format);
    w.Key("pages");
    w.Int(shown.pages);
    w.Key("page");
    w.Int(shown.page);
    w.Key("zoom");
    w.Int(shown.zoom);
    w.Key("rotation");
    w.Int(shown.rotation);
    w.Key("dpi");
    w.Double(kViewDpi);
    w.EndObject();
    w.EndObject();
    return Response::json(200, out.GetString());
  }

  Response answer(const Request& request) {
    std::uint64_t id = std::strtoull(std::string(request.param("id")).c_str(), nullptr, 10);
    auto parsed = parse_json(request.body);
    if (!parsed || !parsed.document->IsObject()) {
      return json_error(400, "bad-request", "the answer is a JSON object");
    }
    auto cancel = parsed.document->FindMember("cancel");
    bool cancelled = cancel != parsed.document->MemberEnd() && cancel->value.IsTrue();
    std::optional<std::string> text;
    if (!cancelled) text = request.body;
    if (!prompts.answer(id, std::move(text))) {
      return json_error(404, "not-found", "no such question waits");
    }
    return Response::json(200, "{}");
  }

  Response decide(const Request& request) {
    auto parsed = parse_json(request.body);
    if (!parsed || !parsed.document->IsObject()) {
      return json_error(400, "bad-request", "the answer is a JSON object");
    }
    auto allow = parsed.document->FindMember("allow");
    bool allowed = allow != parsed.document->MemberEnd() && allow->value.IsTrue();
    std::string id(request.param("id"));
    if (auto decided = pairings->decide(id, allowed, now_utc()); !decided) {
      return json_error(404, "not-found", decided.error().message);
    }
    log(std::string(allowed ? "the person allowed" : "the person refused") +
        " the pairing request " + id);
    prompts.notify();
    return Response::json(200, "{}");
  }

  Response forget(const Request& request) {
    auto parsed = parse_json(request.body);
    auto origin = parsed && parsed.document->IsObject() ? parsed.document->FindMember("origin")
                                                        : rapidjson::Value::ConstMemberIterator();
    if (!parsed || !parsed.document->IsObject() || origin == parsed.document->MemberEnd() ||
        !origin->value.IsString()) {
      return json_error(400, "bad-request", "{\"origin\": ...}");
    }
    if (auto forgotten = pairings->forget(std::string(json_view(origin->value))); !forgotten) {
      return json_error(404, "not-found", forgotten.error().message);
    }
    log("the person revoked " + std::string(json_view(origin->value)));
    prompts.notify();
    return Response::json(200, "{}");
  }

  Response page_picture(const Request& request) {
    int page = std::atoi(std::string(request.param("page")).c_str());
    auto version = std::strtoul(request.query_param("v").value_or("0").c_str(), nullptr, 10);
    auto png = render_page(page, version);
    if (!png) return json_error(404, "not-found", png.error().message);
    Response r;
    r.content_type = "image/png";
    r.body.assign(png->begin(), png->end());
    r.headers.set("Cache-Control", "private, max-age=600");
    return r;
  }

  Response document(const Request&) {
    View shown = current_view();
    if (!shown.document) return json_error(404, "not-found", "no document");
    Response r;
    r.content_type = shown.format == "ofd" ? "application/ofd" : "application/pdf";
    r.body.assign(shown.document->begin(), shown.document->end());
    r.headers.set("Cache-Control", "no-store");
    return r;
  }

  Result<ses::SesSeal> key_seal() {
    std::lock_guard lock(key_mutex);
    if (!skf) {
      auto library = keys::SkfLibrary::load(
          options.skf_library.empty() ? service::default_skf_library() : options.skf_library);
      if (!library) return library.error();
      skf = *library;
    }
    return service::read_usb_key_seal(*skf, options.device);
  }

  Response seal(const Request&) {
    auto seal = key_seal();
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    w.Key("present");
    w.Bool(static_cast<bool>(seal));
    if (seal) {
      key(w, "esId", seal->info.es_id);
      key(w, "name", seal->info.name);
      w.Key("widthMm");
      w.Int64(seal->info.picture.width_mm);
      w.Key("heightMm");
      w.Int64(seal->info.picture.height_mm);
    } else {
      key(w, "message", seal.error().message);
    }
    w.EndObject();
    return Response::json(200, out.GetString());
  }

  Response seal_picture(const Request&) {
    auto seal = key_seal();
    if (!seal) return json_error(404, "no-seal", seal.error().message);
    const ses::SealPicture& picture = seal->info.picture;
    Response r;
    r.headers.set("Cache-Control", "no-store");
    if (picture.type == "ofd") {
      auto renderer = render::OfdRenderer::open(picture.data);
      auto png = renderer ? renderer->render_png(0, 300) : Result<Bytes>(renderer.error());
      if (!png) return json_error(422, "picture", png.error().message);
      r.content_type = "image/png";
      r.body.assign(png->begin(), png->end());
      return r;
    }
    std::string type = picture.type;
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.content_type = content_type_of("seal." + type);
    r.body.assign(picture.data.begin(), picture.data.end());
    return r;
  }

  Response upload(Request& request) {
    std::string name = request.query_param("name").value_or("document");
    name = std::filesystem::path(name).filename().string();
    if (name.empty() || name == "." || name == "..") name = "document";
    auto id = crypto::random_bytes(12);
    if (!id) return json_error(500, "internal", id.error().message);
    std::string upload_id = crypto::to_hex(*id);
    std::filesystem::path folder = uploads_dir / upload_id;
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all, ec);
    if (auto written = write_file_atomic(folder / name, as_bytes(request.body), 0600); !written) {
      return json_error(500, "io", written.error().message);
    }
    {
      std::lock_guard lock(uploads_mutex);
      uploads[upload_id] = folder / name;
    }
    return Response::json(200, "{\"upload\":\"" + upload_id + "\"}");
  }

  // --- the host: what the HRSS library asks of the person ---------------------------------------

  // Asks the viewer; the parsed answer, or null when cancelled or unanswered.
  std::unique_ptr<rapidjson::Document> ask(const char* kind, std::string details) {
    auto answer = prompts.ask(kind, std::move(details), options.prompt_timeout);
    if (!answer) return nullptr;
    auto parsed = parse_json(*answer);
    if (!parsed || !parsed.document->IsObject()) return nullptr;
    return std::move(parsed.document);
  }

  static std::string member_text(const rapidjson::Value& object, const char* name) {
    auto it = object.FindMember(name);
    return it != object.MemberEnd() && it->value.IsString() ? std::string(json_view(it->value))
                                                            : std::string();
  }

  static Impl& of(void* context) { return *static_cast<Impl*>(context); }

  static int ask_pin(void* context, unsigned tries_left, char* pin, std::size_t size) {
    auto answer = of(context).ask("pin", "{\"triesLeft\":" + std::to_string(tries_left) + "}");
    if (!answer) return 0;
    std::string given = member_text(*answer, "pin");
    if (given.empty() || given.size() >= size) return 0;
    std::memcpy(pin, given.c_str(), given.size() + 1);
    std::fill(given.begin(), given.end(), '\0');
    return 1;
  }

  static int choose_file(void* context, int saving, char* path, std::size_t size) {
    Impl& self = of(context);
    std::filesystem::path chosen;
    if (saving) {
      rapidjson::StringBuffer out;
      Writer w(out);
      w.StartObject();
      key(w, "name", self.current_view().name);
      key(w, "folder", self.options.save_dir.string());
      w.EndObject();
      auto answer = self.ask("save", out.GetString());
      if (!answer) return 0;
      std::string name = std::filesystem::path(member_text(*answer, "name")).filename().string();
      if (name.empty() || name == "." || name == "..") return 0;
      chosen = self.options.save_dir / name;
    } else {
      auto answer = self.ask("open", "{}");
      if (!answer) return 0;
      std::lock_guard lock(self.uploads_mutex);
      auto it = self.uploads.find(member_text(*answer, "upload"));
      if (it == self.uploads.end()) return 0;
      chosen = it->second;
    }
    std::string text = chosen.string();
    if (text.size() >= size) return 0;
    std::memcpy(path, text.c_str(), text.size() + 1);
    return 1;
  }

  static int place_seal(void* context, int cross_page, int* page, double* x_mm, double* y_mm) {
    Impl& self = of(context);
    View shown = self.current_view();
    std::string details = "{\"crossPage\":" + std::string(cross_page ? "true" : "false") +
                          ",\"page\":" + std::to_string(*page) +
                          ",\"pages\":" + std::to_string(shown.pages) + "}";
    auto answer = self.ask("place", details);
    if (!answer) return 0;
    auto number = [&](const char* name) -> std::optional<double> {
      auto it = answer->FindMember(name);
      if (it == answer->MemberEnd() || !it->value.IsNumber()) return std::nullopt;
      return it->value.GetDouble();
    };
    auto chosen_page = number("page");
    auto x = number("x");
    auto y = number("y");
    if (!chosen_page || !x || !y) return 0;
    *page = static_cast<int>(*chosen_page);
    *x_mm = *x;
    *y_mm = *y;
    return 1;
  }

  static int print(void* context) { return of(context).ask("print", "{}") ? 1 : 0; }
  static int settings(void* context) { return of(context).ask("settings", "{}") ? 1 : 0; }
};

void Agent::Impl::add_functions() {
  using F = Function;
  auto n = [](auto fn) {
    return [fn](const Args&, const std::string&) { return Reply::of(fn()); };
  };
  auto v = [](auto fn) {
    return [fn](const Args&, const std::string&) {
      fn();
      return Reply::none();
    };
  };
  auto t = [](auto fn) {
    return [fn](const Args&, const std::string&) { return Reply::of_text(fn()); };
  };
  functions = {
      {"HRSSOpenFile", F{"", n(HRSSOpenFile)}},
      {"HRSSOpenFileByPath", F{"si",
                               [this](const Args& a, const std::string&) {
                                 std::string path = a.s(0);
                                 if (a.i(1) == 1) {
                                   if (auto why = url_refusal(path)) return Reply::refused(*why);
                                 } else if (a.i(1) == 0) {
                                   auto inside = confined(path);
                                   if (!inside) return Reply::refused(outside_files());
                                   path = *inside;
                                 }
                                 return Reply::of(
                                     HRSSOpenFileByPath(path.c_str(), static_cast<short>(a.i(1))));
                               }}},
      {"HRSSCloseFile", F{"", n(HRSSCloseFile)}},
      {"HRSSFileSaveAs", F{"", n(HRSSFileSaveAs)}},
      {"HRSSPrintFile", F{"", n(HRSSPrintFile)}},
      {"HRSSFileZoomLarge", F{"", n(HRSSFileZoomLarge)}},
      {"HRSSFileZoomSmall", F{"", n(HRSSFileZoomSmall)}},
      {"HRSSFileRotateLeft", F{"", n(HRSSFileRotateLeft)}},
      {"HRSSFileRotateRight", F{"", n(HRSSFileRotateRight)}},
      {"HRSSGoToNextPage", F{"", v(HRSSGoToNextPage)}},
      {"HRSSGoToPrevPage", F{"", v(HRSSGoToPrevPage)}},
      {"HRSSGoToFirstPage", F{"", v(HRSSGoToFirstPage)}},
      {"HRSSGoToLastPage", F{"", v(HRSSGoToLastPage)}},
      {"HRSSGoToPage", F{"i",
                         [](const Args& a, const std::string&) {
                           return Reply::of(HRSSGoToPage(static_cast<short>(a.i(0))));
                         }}},
      {"HRSSShowToolBarButton", F{"ii",
                                  [](const Args& a, const std::string&) {
                                    HRSSShowToolBarButton(static_cast<short>(a.i(0)),
                                                          static_cast<int>(a.i(1)));
                                    return Reply::none();
                                  }}},
      {"HRSSInsertESeal", F{"", n(HRSSInsertESeal)}},
      {"HRSSInsertPagingESeal", F{"", n(HRSSInsertPagingESeal)}},
      {"HRSSBatchVerify", F{"", n(HRSSBatchVerify)}},
      {"HRSSSysSet", F{"", n(HRSSSysSet)}},
      {"HRSSCheckKey", F{"", n(HRSSCheckKey)}},
      {"HRSSGetKeyID", F{"", t(HRSSGetKeyID)}},
      {"HRSSGetESealId", F{"", t(HRSSGetESealId)}},
      {"HRSSIsFileSigned", F{"", n(HRSSIsFileSigned)}},
      {"HRSSIsPagingSigned", F{"", n(HRSSIsPagingSigned)}},
      {"HRSSGetCurrentSignatureCount", F{"", n(HRSSGetCurrentSignatureCount)}},
      {"HRSSGetCurrentPageNum", F{"", n(HRSSGetCurrentPageNum)}},
      {"HRSSGetSignInfo", F{"", t(HRSSGetSignInfo)}},
      {"HRSSGotoBookMarkByBookMarkName", F{"s",
                                           [](const Args& a, const std::string&) {
                                             return Reply::of(
                                                 HRSSGotoBookMarkByBookMarkName(a.s(0).c_str()));
                                           }}},
      {"HRSSGotoPageByKeyWord",
       F{"s", [](const Args& a,
                 const std::string&) { return Reply::of(HRSSGotoPageByKeyWord(a.s(0).c_str())); }}},
      {"HRSSHttpInit", F{"", n(HRSSHttpInit)}},
      {"HRSSHttpAddPostString", F{"ss",
                                  [](const Args& a, const std::string&) {
                                    return Reply::of(
                                        HRSSHttpAddPostString(a.s(0).c_str(), a.s(1).c_str()));
                                  }}},
      {"HRSSHttpAddPostFile", F{"ss",
                                [this](const Args& a, const std::string&) {
                                  auto inside = confined(a.s(1));
                                  if (!inside) return Reply::refused(outside_files());
                                  return Reply::of(
                                      HRSSHttpAddPostFile(a.s(0).c_str(), inside->c_str()));
                                }}},
      {"HRSSHttpAddPostCurrFile", F{"ss",
                                    [](const Args& a, const std::string&) {
                                      return Reply::of(
                                          HRSSHttpAddPostCurrFile(a.s(0).c_str(), a.s(1).c_str()));
                                    }}},
      {"HRSSHttpPost", F{"ss",
                         [this](const Args& a, const std::string&) {
                           if (auto why = url_refusal(a.s(0))) return Reply::refused(*why);
                           return Reply::of(HRSSHttpPost(a.s(0).c_str(), a.s(1).c_str()));
                         }}},
      {"HRSSSignByKeyword", F{"sss",
                              [](const Args& a, const std::string&) {
                                return Reply::of(HRSSSignByKeyword(a.s(0).c_str(), a.s(1).c_str(),
                                                                   a.s(2).c_str()));
                              }}},
      {"HRSSSignByPos", F{"sii",
                          [](const Args& a, const std::string&) {
                            return Reply::of(HRSSSignByPos(a.s(0).c_str(), a.i(1), a.i(2)));
                          }}},
      {"HRSOfdLockSign",
       F{"s", [](const Args& a,
                 const std::string&) { return Reply::of(HRSOfdLockSign(a.s(0).c_str())); }}},
      {"HRSOfdDeleteLockSign", F{"", n(HRSOfdDeleteLockSign)}},
      {"HRSGetLastError", F{"i",
                            [](const Args& a, const std::string&) {
                              return Reply::of_text(HRSGetLastError(static_cast<short>(a.i(0))),
                                                    false);
                            }}},
      {"ESEAL_HRSSOpenFileFromMemory", F{"ss",
                                         [](const Args& a, const std::string&) {
                                           auto bytes = crypto::from_base64(a.s(0));
                                           if (!bytes)
                                             return Reply::refused("文件内容不是Base64编码");
                                           return Reply::of(ESEAL_HRSSOpenFileFromMemory(
                                               bytes->data(), bytes->size(), a.s(1).c_str()));
                                         }}},
      {"ESEAL_HRSSSaveFileTo", F{"s",
                                 [this](const Args& a, const std::string&) {
                                   auto inside = confined(a.s(0));
                                   if (!inside) return Reply::refused(outside_files());
                                   return Reply::of(ESEAL_HRSSSaveFileTo(inside->c_str()));
                                 }}},
      {"ESEAL_HRSSSignPaging",
       F{"i", [](const Args& a,
                 const std::string&) { return Reply::of(ESEAL_HRSSSignPaging(a.i(0))); }}},
      {"ESEAL_HRSSCurrentFile", F{"",
                                  [](const Args&, const std::string&) {
                                    std::size_t size = 0;
                                    const unsigned char* data = ESEAL_HRSSCurrentFile(&size);
                                    std::string text =
                                        data ? crypto::to_base64(ByteView(data, size)) : "";
                                    return Reply::of_text(text.c_str(), false);
                                  }}},
      {"ESEAL_HRSSPageCount",
       F{"",
         [](const Args&, const std::string&) { return Reply::of(ESEAL_HRSSPageCount(), false); }}},
      {"ESEAL_HRSSZoomPercent",
       F{"", [](const Args&,
                const std::string&) { return Reply::of(ESEAL_HRSSZoomPercent(), false); }}},
      {"ESEAL_HRSSRotation",
       F{"",
         [](const Args&, const std::string&) { return Reply::of(ESEAL_HRSSRotation(), false); }}},
      {"ESEAL_HRSSToolBarButtonShown",
       F{"i",
         [](const Args& a, const std::string&) {
           return Reply::of(ESEAL_HRSSToolBarButtonShown(static_cast<short>(a.i(0))), false);
         }}},
      {"ESEAL_HRSSFileName", F{"", t(ESEAL_HRSSFileName)}},
      {"ESEAL_HRSSGetCertificate", F{"", t(ESEAL_HRSSGetCertificate)}},
      {"ESEAL_HRSSGetCertSerial", F{"", t(ESEAL_HRSSGetCertSerial)}},
      {"ESEAL_HRSSSignData", F{"s",
                               [](const Args& a, const std::string&) {
                                 return Reply::of_text(ESEAL_HRSSSignData(a.s(0).c_str()));
                               }}},
      {"ESEAL_HRSSDocumentVersion",
       F{"",
         [](const Args&, const std::string&) {
           return Reply::of(static_cast<long long>(ESEAL_HRSSDocumentVersion()), false);
         }}},
  };
}

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Agent::~Agent() {
  impl_->prompts.cancel_all();
  ESEAL_HRSSSetHost(nullptr);
  std::error_code ec;
  std::filesystem::remove_all(impl_->uploads_dir, ec);
}

Result<std::unique_ptr<Agent>> Agent::create(AgentOptions options) {
  auto impl = std::make_unique<Impl>();
  for (auto& origin : options.origins) {
    auto normal = origin_of(origin);
    auto authority = origin.find("://");
    if (!normal ||
        origin.find_first_of("/?#", authority == std::string::npos ? 0 : authority + 3) !=
            std::string::npos) {
      return Error::invalid_input("an allowed origin is scheme://host[:port]: " + origin);
    }
    origin = *normal;
  }
  auto pairings = Pairings::open(options.state_file, options.pairing_timeout);
  if (!pairings) return pairings.error();
  impl->pairings = std::move(*pairings);
  auto key = crypto::random_bytes(24);
  if (!key) return key.error();
  impl->viewer_key = crypto::to_hex(*key);
  impl->uploads_dir =
      std::filesystem::temp_directory_path() /
      ("eseal-agent-" + std::to_string(::getpid()) + "-" + impl->viewer_key.substr(0, 8));
  impl->options = std::move(options);

  const AgentOptions& o = impl->options;
  ESEAL_HRSSSetKey(o.skf_library.c_str(), o.device.c_str());
  if (!o.roots.empty() && ESEAL_HRSSSetTrust(o.roots.c_str()) != 1) {
    return Error::invalid_input("cannot read the trusted roots " + o.roots.string() + ": " +
                                HRSGetLastError(0));
  }
  impl->add_functions();
  Impl* self = impl.get();
  impl->host = {self,         &Impl::ask_pin, &Impl::choose_file, &Impl::place_seal,
                &Impl::print, &Impl::settings};
  ESEAL_HRSSSetHost(&impl->host);
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

Result<int> Agent::add_routes(Server& server) {
  Impl& impl = *impl_;
  impl.server = &server;
  auto files = add_static_files(server, "/viewer/", impl.options.viewer_dir);
  if (!files) return files.error();

  auto preflight = [&impl](Request& request) { return impl.preflight(request); };
  RouteOptions small{.body_limit = 64 << 10};
  for (const char* path : {"/pair", "/pair/{id}", "/hrss/{function}"}) {
    server.route("OPTIONS", path, preflight, {.cheap = true});
  }
  server.route(
      "POST", "/pair", [&impl](Request& r) { return impl.pair(r); }, small);
  server.route(
      "GET", "/pair/{id}", [&impl](Request& r) { return impl.pairing_status(r); }, small);
  server.route("POST", "/hrss/{function}", [&impl](Request& r) { return impl.call(r); },
               {.body_limit = kCallBodyLimit});

  // The viewer's own requests: its key first.
  auto viewer = [&impl](auto handler) {
    return [&impl, handler](Request& request) {
      if (auto refusal = impl.viewer_refusal(request)) return *refusal;
      Response r = handler(impl, request);
      if (!r.headers.contains("Cache-Control")) r.headers.set("Cache-Control", "no-store");
      return r;
    };
  };
  server.route("GET", "/viewer/api/events",
               viewer([](Impl& i, Request& r) { return i.events(r); }));
  server.route("POST", "/viewer/api/answer/{id}",
               viewer([](Impl& i, Request& r) { return i.answer(r); }), small);
  server.route("POST", "/viewer/api/pairings/{id}",
               viewer([](Impl& i, Request& r) { return i.decide(r); }), small);
  server.route("POST", "/viewer/api/forget",
               viewer([](Impl& i, Request& r) { return i.forget(r); }), small);
  server.route("GET", "/viewer/api/pages/{page}",
               viewer([](Impl& i, Request& r) { return i.page_picture(r); }));
  server.route("GET", "/viewer/api/document",
               viewer([](Impl& i, Request& r) { return i.document(r); }));
  server.route("GET", "/viewer/api/seal", viewer([](Impl& i, Request& r) { return i.seal(r); }));
  server.route("GET", "/viewer/api/seal/picture",
               viewer([](Impl& i, Request& r) { return i.seal_picture(r); }));
  server.route("POST", "/viewer/api/upload",
               viewer([](Impl& i, Request& r) { return i.upload(r); }),
               {.body_limit = kUploadLimit});
  return *files;
}

std::string Agent::viewer_url(std::uint16_t port) const {
  return "http://127.0.0.1:" + std::to_string(port) + "/viewer/#key=" + impl_->viewer_key;
}

}  // namespace eseal::api::agent
