// A folder of built web files served read-only under a path prefix (the COSS phone page at
// /coss/h5/): every regular file under the folder at start becomes a GET route, the prefix
// itself answers index.html; bodies are read when asked for, so a rebuilt page needs no restart
// (a new file does). Each answer carries its content type, no-cache for HTML, a year's immutable
// cache for a bundler's hashed files under assets/ and a short cache for the rest, and a
// Content-Security-Policy that allows only the page's own scripts, styles,
// images and requests.
#pragma once

#include <filesystem>
#include <string>

#include "api/server.h"
#include "base/result.h"

namespace eseal::api {

// The Content-Type of a file by its extension (any case); application/octet-stream when unknown.
std::string content_type_of(const std::filesystem::path& file);

// `prefix` starts and ends with "/". Returns how many files are served; kNotFound when the
// folder does not exist.
Result<int> add_static_files(Server& server, const std::string& prefix,
                             const std::filesystem::path& folder);

}  // namespace eseal::api
