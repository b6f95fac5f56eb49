#include "api/static_files.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/file.h"

namespace eseal::api {

std::string content_type_of(const std::filesystem::path& file) {
  static const std::map<std::string, std::string, std::less<>> types{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
      {".map", "application/json"},
      {".pdf", "application/pdf"},
      {".ofd", "application/ofd"},
  };
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = types.find(extension);
  return it == types.end() ? "application/octet-stream" : it->second;
}

namespace {

// `immutable`: a bundler's output whose name carries its content's hash (assets/…).
Response file_response(const std::filesystem::path& file, bool immutable) {
  auto body = read_file(file);
  if (!body) return json_error(404, "not-found", "no such file");
  Response r;
  r.content_type = content_type_of(file);
  r.body = to_string(*body);
  bool page = file.extension() == ".html";
  r.headers.set("Cache-Control", page        ? "no-cache"
                                 : immutable ? "public, max-age=31536000, immutable"
                                             : "max-age=300");
  r.headers.set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  r.headers.set("X-Content-Type-Options", "nosniff");
  r.headers.set("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

Result<int> add_static_files(Server& server, const std::string& prefix,
                             const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return Error::not_found("no folder " + folder.string());
  }
  int served = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::filesystem::path file = it->path();
    std::string relative = std::filesystem::relative(file, folder).generic_string();
    bool immutable = relative.starts_with("assets/");
    server.route("GET", prefix + relative,
                 [file, immutable](const Request&) { return file_response(file, immutable); });
    if (relative == "index.html") {
      server.route("GET", prefix, [file](const Request&) { return file_response(file, false); });
    }
    ++served;
  }
  if (ec) return Error::io("cannot list " + folder.string() + ": " + ec.message());
  return served;
}

}  // namespace eseal::api
