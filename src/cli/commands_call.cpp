// eseal call ldt OPERATION: an LD/T 01.4 client. It reads the app's credentials from a TOML file
// (as `eseal demo` writes var/demo/app.toml), builds message_content from a JSON file, --file
// (the document, as `data` in base64; for COSS also FIELD=FILE) and --set key=value, signs the
// envelope exactly as the server checks it (api/ldt/envelope.h: integrators can copy that
// canonicalization) and prints the JSON response. Exit 0 when errorCode is "1", 1 when it is "0".
// eseal call coss OPERATION: the same for the COSS business API (api/coss/envelope.h), from
// url, app_id and secure_code in a TOML file (var/demo/coss.toml); exit 0 when status is 200.
// eseal call sz FUNCTION: a DB4403/T 383.4 client (api/sz/envelope.h): the content from a JSON
// file (a string "@file:PATH" anywhere in it is that file in base64, so a batch names its
// files), --file, --set and the app file's grantCode, systemID and organizationCode; encrypted
// with the app's SM4 key, bsign computed; the answer's asign checked and its data decrypted and
// printed. Exit 0 when code is T000000.
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <thread>

#include "api/coss/envelope.h"
#include "api/http_client.h"
#include "api/json.h"
#include "api/json_text.h"
#include "api/ldt/envelope.h"
#include "api/sz/envelope.h"
#include "base/file.h"
#include "cli/app_file.h"
#include "cli/commands.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::cli {
namespace {

struct CallOptions {
  std::string operation, app, url, content, save, trans_id;
  std::vector<std::string> files, sets;
  int retries = 0;
};

// POSTs `body` as JSON and, up to `retries` times a second apart, sends the same bytes again
// while the server cannot be reached or a proxy answers that the node it chose failed (502, 503,
// 504). The door recognizes them as a retry of the same request (DB4403's reqId, COSS's transId
// and signature) and answers as it did, or does it once if it never was.
api::HttpResponse post_retrying(const api::HttpUrl& url, const std::string& body, int retries) {
  api::Headers headers;
  headers.set("Content-Type", "application/json");
  for (int attempt = 0;; ++attempt) {
    api::HttpClient client(url.host, url.port);
    auto response = client.post(url.target, body, headers);
    std::string failure = !response ? response.error().message
                          : response->status >= 502 && response->status <= 504
                              ? "HTTP " + std::to_string(response->status)
                              : "";
    if (failure.empty() || attempt == retries) {
      return need(std::move(response), "cannot reach " + url.host + ":" + std::to_string(url.port));
    }
    std::cerr << "retrying the same request (" << attempt + 1 << "/" << retries
              << ") after: " << failure << "\n";
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

void print_pretty(const rapidjson::Value& reply) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  reply.Accept(writer);
  std::cout << buffer.GetString() << "\n";
}

rapidjson::Document message_content(const CallOptions& o) {
  rapidjson::Document content;
  content.SetObject();
  if (!o.content.empty()) {
    std::string text = to_string(need(read_file(o.content)));
    auto parsed = api::parse_json(text);
    if (!parsed || !parsed.document->IsObject())
      fail(Error::invalid_input(o.content + " is not a JSON object" +
                                (parsed ? "" : ": " + api::describe(parsed.error))));
    content.Swap(*parsed.document);
  }
  auto& a = content.GetAllocator();
  auto put = [&](const std::string& key, rapidjson::Value value) {
    content.RemoveMember(key.c_str());
    content.AddMember(rapidjson::Value(key.c_str(), a), value, a);
  };
  // PATH (sent as data) or FIELD=PATH.
  for (const auto& file : o.files) {
    std::size_t eq = file.find('=');
    bool named = eq != std::string::npos && eq > 0 &&
                 std::all_of(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(eq),
                             [](unsigned char c) { return std::isalnum(c) != 0; });
    std::string key = named ? file.substr(0, eq) : "data";
    std::string data = crypto::to_base64(need(read_file(named ? file.substr(eq + 1) : file)));
    put(key, rapidjson::Value(data.c_str(), static_cast<rapidjson::SizeType>(data.size()), a));
  }
  for (const auto& set : o.sets) {
    std::size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0)
      fail(Error::invalid_input("--set wants key=value, got " + set));
    std::string key = set.substr(0, eq), value = set.substr(eq + 1);
    // JSON arrays and objects (signList) as JSON; anything else as a string.
    auto parsed = api::parse_json(value);
    if (parsed && (parsed.document->IsArray() || parsed.document->IsObject())) {
      put(key, rapidjson::Value(*parsed.document, a));
    } else {
      put(key, rapidjson::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a));
    }
  }
  return content;
}

void call_ldt(const CallOptions& o, const GlobalOptions& global) {
  keys::Kek kek = load_kek(global);
  AppFile app = read_app_file(o.app, kek);
  api::HttpUrl url =
      need(api::parse_http_url(o.url.empty() ? app.url : o.url, "/seal/v1/electricSeal"), "--url");
  rapidjson::Document content = message_content(o);
  std::string random = crypto::to_hex(need(crypto::random_bytes(16)));
  std::string body =
      need(api::ldt::build_request(app.credentials, o.operation, content, now_utc(), random));
  api::HttpClient client(url.host, url.port);
  api::HttpResponse response = need(client.post(url.target, std::move(body)),
                                    "cannot reach " + url.host + ":" + std::to_string(url.port));
  // The answer is read as strictly as the server reads requests: whoever answers may be hostile.
  auto answer = api::parse_json(response.body);
  rapidjson::Document reply;
  if (answer) reply.Swap(*answer.document);
  if (!answer || !reply.IsObject() || !reply.HasMember("message_header")) {
    std::cout << response.body << "\n";
    fail(Error::invalid_input("HTTP " + std::to_string(response.status) +
                              ": the answer is not an LD/T message"));
  }
  // A signed document is saved rather than printed when --save is given.
  if (!o.save.empty() && reply.HasMember("message_content") &&
      reply["message_content"].HasMember("signedData")) {
    auto& data = reply["message_content"]["signedData"];
    need(write_file_atomic(o.save, need(crypto::from_base64(data.GetString())), 0644));
    std::string note = "saved to " + o.save;
    data.SetString(note.c_str(), static_cast<rapidjson::SizeType>(note.size()),
                   reply.GetAllocator());
  }
  print_pretty(reply);
  const auto& header = reply["message_header"];
  bool ok = header.HasMember("errorCode") && header["errorCode"].IsString() &&
            std::string(header["errorCode"].GetString()) == "1";
  throw CommandFailure{ok ? kExitOk : kExitVerificationFailed};
}

void call_coss(const CallOptions& o) {
  toml::table table;
  try {
    table = toml::parse_file(o.app);
  } catch (const toml::parse_error& e) {
    fail(Error::invalid_input(o.app + ": " + std::string(e.description())));
  }
  auto text = [&](const char* key) {
    auto value = table[key].value<std::string>();
    if (!value || value->empty()) fail(Error::invalid_input(o.app + ": no " + key));
    return *value;
  };
  std::string base =
      o.url.empty() ? table["url"].value_or(std::string("http://127.0.0.1:8080")) : o.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  api::HttpUrl url = need(api::parse_http_url(base + "/coss/service/v1/" + o.operation), "--url");
  rapidjson::Document fields = message_content(o);
  std::string trans_id =
      o.trans_id.empty() ? "T" + crypto::to_hex(need(crypto::random_bytes(8))) : o.trans_id;
  std::string body =
      api::coss::build_request(text("app_id"), as_bytes(text("secure_code")), fields, trans_id);
  api::HttpResponse response = post_retrying(url, body, o.retries);
  // getAuthCodeForH5Mini answers a page.
  if (response.header("Content-Type").rfind("text/html", 0) == 0) {
    std::cout << response.body << "\n";
    throw CommandFailure{kExitOk};
  }
  auto answer = api::parse_json(response.body);
  rapidjson::Document reply;
  if (answer) reply.Swap(*answer.document);
  if (!answer || !reply.IsObject() || !reply.HasMember("status") || !reply["status"].IsInt()) {
    std::cout << response.body << "\n";
    fail(Error::invalid_input("HTTP " + std::to_string(response.status) +
                              ": the answer is not a COSS message"));
  }
  // The document an answer carries: a WEB_SEAL job's signedFile, getPdfHash's pdfBytes or
  // composePdfSeal's data.
  if (!o.save.empty() && reply.HasMember("data")) {
    rapidjson::Value& data = reply["data"];
    rapidjson::Value* file = data.IsString() ? &data : nullptr;
    for (const char* name : {"signedFile", "pdfBytes"}) {
      if (data.IsObject() && data.HasMember(name) && data[name].IsString()) file = &data[name];
    }
    if (file) {
      need(write_file_atomic(o.save, need(crypto::from_base64(file->GetString())), 0644));
      std::string note = "saved to " + o.save;
      file->SetString(note.c_str(), static_cast<rapidjson::SizeType>(note.size()),
                      reply.GetAllocator());
    }
  }
  print_pretty(reply);
  throw CommandFailure{reply["status"].GetInt() == 200 ? kExitOk : kExitVerificationFailed};
}

// "@file:PATH" strings replaced by the file's base64, at any depth.
void inline_files(rapidjson::Value& value, rapidjson::Document::AllocatorType& a,
                  const std::filesystem::path& base) {
  if (value.IsObject()) {
    for (auto& m : value.GetObject()) inline_files(m.value, a, base);
  } else if (value.IsArray()) {
    for (auto& v : value.GetArray()) inline_files(v, a, base);
  } else if (value.IsString() && std::string_view(value.GetString()).starts_with("@file:")) {
    std::filesystem::path path(value.GetString() + 6);
    if (path.is_relative()) path = base / path;
    std::string data = crypto::to_base64(need(read_file(path)));
    value.SetString(data.c_str(), static_cast<rapidjson::SizeType>(data.size()), a);
  }
}

// The field a bare --file fills, by function.
std::string sz_file_field(const std::string& function) {
  if (function == "genFormatFile") return "fileB64";
  if (function == "genCalculateFileHash") return "fileStr";
  if (function == "genRecognizeRegionalsSeal") return "gbSealData";
  return "fileBase64";
}

// Saves the documents an answer carries (destfileB64, fileBase64, fileList[].fileB64) under
// `save` — a file, or a folder for several — and puts a note in their place.
void save_documents(rapidjson::Value& data, rapidjson::Document::AllocatorType& a,
                    const std::string& save) {
  auto keep = [&](rapidjson::Value& field, const std::filesystem::path& to) {
    Bytes bytes = need(crypto::from_base64(field.GetString()));
    need(write_file_atomic(to, bytes, 0644));
    std::string note = "saved to " + to.string();
    field.SetString(note.c_str(), static_cast<rapidjson::SizeType>(note.size()), a);
  };
  for (const char* name : {"destfileB64", "fileBase64"}) {
    if (data.HasMember(name) && data[name].IsString()) keep(data[name], save);
  }
  if (!data.HasMember("fileList") || !data["fileList"].IsArray()) return;
  auto& list = data["fileList"];
  bool folder = list.Size() > 1 || std::filesystem::is_directory(save) || save.ends_with('/');
  if (folder) std::filesystem::create_directories(save);
  for (auto& item : list.GetArray()) {
    if (!item.IsObject() || !item.HasMember("fileB64") || !item["fileB64"].IsString()) continue;
    std::string id = item.HasMember("fileUniqueId") && item["fileUniqueId"].IsString()
                         ? item["fileUniqueId"].GetString()
                         : "file";
    // A file id names a file in the folder only if it is a plain name.
    if (id.empty() || id.find_first_of("/\\") != std::string::npos || id == "." || id == "..") {
      id = "file";
    }
    Bytes head = need(crypto::from_base64(item["fileB64"].GetString()));
    std::string extension = head.size() > 4 && head[0] == 'P' && head[1] == 'K' ? ".ofd" : ".pdf";
    keep(item["fileB64"],
         folder ? std::filesystem::path(save) / (id + extension) : std::filesystem::path(save));
  }
}

// Long values (pictures, documents not saved) shortened for the terminal.
void shorten(rapidjson::Value& value, rapidjson::Document::AllocatorType& a) {
  constexpr rapidjson::SizeType kLong = 512;
  if (value.IsObject()) {
    for (auto& m : value.GetObject()) shorten(m.value, a);
  } else if (value.IsArray()) {
    for (auto& v : value.GetArray()) shorten(v, a);
  } else if (value.IsString() && value.GetStringLength() > kLong) {
    std::string text = std::string(value.GetString(), 60) + "…(" +
                       std::to_string(value.GetStringLength()) + " characters)";
    value.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), a);
  }
}

void call_sz(const CallOptions& o) {
  toml::table table;
  try {
    table = toml::parse_file(o.app);
  } catch (const toml::parse_error& e) {
    fail(Error::invalid_input(o.app + ": " + std::string(e.description())));
  }
  auto text = [&](const char* key) { return table[key].value_or(std::string()); };
  api::sz::Keys keys{text("app_key"), {}, {}};
  if (keys.app_key.empty()) fail(Error::invalid_input(o.app + ": no app_key"));
  keys.sm4_key = need(crypto::from_hex(text("sm4_key")), o.app + ": sm4_key");
  keys.mac_key = need(crypto::from_base64(text("mac_key")), o.app + ": mac_key");
  if (keys.sm4_key.size() != 16) fail(Error::invalid_input(o.app + ": sm4_key is not 16 bytes"));
  std::string base =
      o.url.empty() ? table["url"].value_or(std::string("http://127.0.0.1:8080")) : o.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  api::HttpUrl url = need(api::parse_http_url(base + "/sz/v1/" + o.operation), "--url");

  CallOptions with_defaults = o;
  for (auto& file : with_defaults.files) {
    if (file.find('=') == std::string::npos) file = sz_file_field(o.operation) + "=" + file;
  }
  rapidjson::Document content = message_content(with_defaults);
  auto& a = content.GetAllocator();
  inline_files(content, a,
               o.content.empty() ? std::filesystem::current_path()
                                 : std::filesystem::path(o.content).parent_path());
  // The app file's identity, where the content does not say otherwise.
  for (auto [field, key] :
       {std::pair{"grantCode", "grant_code"}, std::pair{"systemID", "system_id"},
        std::pair{"organizationCode", "organization_code"}}) {
    std::string value = text(key);
    if (value.empty() || content.HasMember(field)) continue;
    content.AddMember(
        rapidjson::Value(field, a),
        rapidjson::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a), a);
  }
  Bytes id = need(crypto::random_bytes(16));
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);
  std::string hex = crypto::to_hex(id);
  std::string req_id = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                       hex.substr(16, 4) + "-" + hex.substr(20);
  std::string body = need(api::sz::build_request(keys, req_id, api::compact_json(content)));
  api::HttpResponse response = post_retrying(url, body, o.retries);
  auto reply = api::sz::read_response(keys, response.body);
  // A success must come signed with the app's key: anyone on the way could write one.
  if (reply && reply->code == "T000000" && !reply->signed_by_server) {
    reply = Error::verification_failed("a T000000 answer without asign");
  }
  if (!reply) {
    std::cout << response.body << "\n";
    fail(Error::invalid_input("HTTP " + std::to_string(response.status) + ": " +
                              reply.error().message));
  }
  rapidjson::Document shown;
  shown.SetObject();
  auto& sa = shown.GetAllocator();
  auto put = [&](const char* key, const std::string& value) {
    shown.AddMember(
        rapidjson::Value(key, sa),
        rapidjson::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), sa), sa);
  };
  put("reqId", reply->req_id);
  put("code", reply->code);
  put("msg", reply->msg);
  put("asign", reply->signed_by_server ? "checked" : "none");
  if (reply->data) {
    rapidjson::Value data(*reply->data, sa);
    if (!o.save.empty() && data.IsObject()) save_documents(data, sa, o.save);
    shorten(data, sa);
    shown.AddMember("data", data, sa);
  }
  print_pretty(shown);
  throw CommandFailure{reply->code == "T000000" ? kExitOk : kExitVerificationFailed};
}

}  // namespace

void add_call_commands(CLI::App& app, const GlobalOptions& global) {
  auto* call = app.add_subcommand("call", "Call an interface family as an integrator does");
  call->require_subcommand(1);
  auto* ldt = call->add_subcommand(
      "ldt", "LD/T 01.4: sign the envelope, POST it, print the response (exit 0 when errorCode 1)");
  auto o = std::make_shared<CallOptions>();
  ldt->add_option("operation", o->operation, "businesstype, e.g. positionSealSign")->required();
  ldt->add_option("--app", o->app, "The app's credentials (TOML), e.g. var/demo/app.toml")
      ->required();
  ldt->add_option("--url", o->url, "Server URL (default: the app file's url)");
  ldt->add_option("--content", o->content, "message_content to start from (a JSON file)");
  ldt->add_option("--file", o->files, "Document to send as data (base64)")->allow_extra_args(false);
  ldt->add_option("--set", o->sets, "key=value in message_content (JSON arrays/objects allowed)")
      ->allow_extra_args(false);
  ldt->add_option("--save", o->save, "Write signedData to this file instead of printing it");
  ldt->callback([o, &global] { call_ldt(*o, global); });

  auto* coss = call->add_subcommand(
      "coss", "COSS: sign the request, POST it, print the response (exit 0 when status is 200)");
  auto c = std::make_shared<CallOptions>();
  coss->add_option("operation", c->operation, "The operation, e.g. addUser")->required();
  coss->add_option("--app", c->app, "url, app_id and secure_code (TOML), e.g. var/demo/coss.toml")
      ->required();
  coss->add_option("--url", c->url, "Server URL (default: the app file's url)");
  coss->add_option("--content", c->content, "Fields to start from (a JSON file)");
  coss->add_option("--file", c->files,
                   "A file to send base64 as data, or FIELD=FILE as that field (repeatable)")
      ->allow_extra_args(false);
  coss->add_option("--set", c->sets, "key=value (JSON objects and arrays allowed)")
      ->allow_extra_args(false);
  coss->add_option("--trans-id", c->trans_id, "transId (default: a random one)");
  coss->add_option("--retries", c->retries,
                   "Send the same request again up to N times while the server cannot be "
                   "reached or answers 502-504 (default 0)")
      ->check(CLI::Range(0, 100));
  coss->add_option("--save", c->save,
                   "Write the document answered (signedFile, pdfBytes, composePdfSeal's data) to "
                   "this file");
  coss->callback([c] { call_coss(*c); });

  auto* sz = call->add_subcommand(
      "sz", "DB4403: encrypt and sign the request, POST it, print the answer (exit 0 on T000000)");
  auto z = std::make_shared<CallOptions>();
  sz->add_option("function", z->operation, "The function, e.g. genGetSealInfoList")->required();
  sz->add_option("--app", z->app,
                 "url, app_key, sm4_key, mac_key, system_id, grant_code, organization_code "
                 "(TOML), e.g. var/demo/sz.toml")
      ->required();
  sz->add_option("--url", z->url, "Server URL (default: the app file's url)");
  sz->add_option("--content", z->content,
                 "content to start from (a JSON file; \"@file:PATH\" strings become the file in "
                 "base64)");
  sz->add_option("--file", z->files,
                 "A file in base64 as the function's file field, or FIELD=FILE (repeatable)")
      ->allow_extra_args(false);
  sz->add_option("--set", z->sets, "key=value (JSON objects and arrays allowed)")
      ->allow_extra_args(false);
  sz->add_option("--retries", z->retries,
                 "Send the same request (the same reqId and bsign) again up to N times while "
                 "the server cannot be reached or answers 502-504 (default 0)")
      ->check(CLI::Range(0, 100));
  sz->add_option("--save", z->save,
                 "Write the documents answered to this file (or folder, for several)");
  sz->callback([z] { call_sz(*z); });
}

}  // namespace eseal::cli
