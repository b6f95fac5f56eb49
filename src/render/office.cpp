// LibreOffice conversions: one soffice process group per conversion, in a private folder.
#include "render/office.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "base/file.h"

extern char** environ;

namespace eseal::render {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::array<std::string_view, 14> kExtensions = {"doc",  "docx", "odt",  "rtf", "wps",
                                                          "xls",  "xlsx", "ods",  "csv", "ppt",
                                                          "pptx", "odp",  "html", "htm"};

std::string extension_of(std::string_view file_name) {
  const std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// A file: URL for a local absolute path, with everything but unreserved characters and '/'
// percent-encoded.
std::string file_url(const fs::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : path.string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// The private folder of one conversion, removed with everything in it when this goes.
class WorkFolder {
 public:
  static Result<WorkFolder> make(const std::string& root) {
    std::error_code ec;
    fs::path base = root.empty() ? fs::temp_directory_path(ec) : fs::path(root);
    if (ec) return Error::io("no temporary folder: " + ec.message());
    // Absolute, for the profile's file:// URL (a relative path would name a host).
    base = fs::absolute(base, ec);
    if (ec) return Error::io("no work folder: " + ec.message());
    std::string pattern = (base / "eseal-office-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {  // mode 0700
      return Error::io("cannot make a work folder in " + base.string() + ": " + errno_text(errno));
    }
    return WorkFolder(pattern);
  }
  WorkFolder(WorkFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  WorkFolder& operator=(WorkFolder&&) = delete;
  ~WorkFolder() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit WorkFolder(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

// The last `limit` bytes of LibreOffice's output, for error messages.
std::string output_tail(const fs::path& log, std::size_t limit = 600) {
  auto bytes = read_file(log);
  if (!bytes || bytes->empty()) return {};
  std::string text = to_string(*bytes);
  if (text.size() > limit) text = "…" + text.substr(text.size() - limit);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

struct Outcome {
  bool started = false;
  int spawn_error = 0;
  bool timed_out = false;
  int status = 0;  // from waitpid, when started and not timed out
};

// Kills what is left of process group `group` and waits (up to a few seconds) until none of its
// processes is left, the leader `leader` reaped by us, the others by their new parent.
void end_group(pid_t group, pid_t leader, int* status) {
  kill(-group, SIGKILL);
  while (waitpid(leader, status, 0) < 0 && errno == EINTR) {
  }
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (kill(-group, 0) == 0 && Clock::now() < give_up) {
    kill(-group, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Runs `argv` in a new process group, stdin from /dev/null, stdout and stderr to `log`, and
// waits for it at most `limit`.
Outcome run(const std::vector<std::string>& argv, const fs::path& log,
            std::chrono::milliseconds limit) {
  Outcome outcome;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
  // The caller's other descriptors (a server's sockets) are none of LibreOffice's business.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  // A group of its own, so that the time limit can kill soffice and everything it started; the
  // default signal dispositions and an empty mask, whatever the calling thread had.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  outcome.spawn_error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (outcome.spawn_error != 0) return outcome;
  outcome.started = true;

  // Poll without reaping (WNOWAIT): while the leader is an unreaped zombie its pid, and so the
  // group's id, cannot be reused, so killing the group afterwards cannot hit a stranger.
  const auto deadline = Clock::now() + limit;
  while (true) {
    siginfo_t info{};
    const int r = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (r == 0 && info.si_pid == pid) break;
    if (r < 0 && errno != EINTR) break;  // cannot happen for our own child; end it below
    if (Clock::now() >= deadline) {
      outcome.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  end_group(pid, pid, &outcome.status);
  return outcome;
}

}  // namespace

OfficeConverter::OfficeConverter(OfficeOptions options)
    : options_(std::move(options)),
      slots_(std::make_unique<std::counting_semaphore<>>(std::max(1, options_.max_concurrent))) {}

bool OfficeConverter::supports(std::string_view file_name) {
  const std::string ext = extension_of(file_name);
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

namespace {

// A container format's signature, checked before LibreOffice sees the file: given bytes that are
// not the format its name says, LibreOffice falls back to importing them as plain text and
// "converts" any garbage. Office Open XML and OpenDocument files are ZIP archives; the older
// binary formats (and WPS's) are OLE2 compound files — or RTF or HTML under their name; RTF
// begins with "{\rtf". HTML and CSV are text and have no signature.
Status check_container(ByteView input, std::string_view file_name, const std::string& ext) {
  auto starts = [&](std::string_view magic) {
    return input.size() >= magic.size() &&
           std::equal(magic.begin(), magic.end(), input.begin(),
                      [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; });
  };
  const char* expected = nullptr;
  if (ext == "docx" || ext == "xlsx" || ext == "pptx" || ext == "odt" || ext == "ods" ||
      ext == "odp") {
    if (!starts("PK\x03\x04")) expected = "a ZIP archive (Office Open XML or OpenDocument)";
  } else if (ext == "doc" || ext == "xls" || ext == "ppt" || ext == "wps") {
    // Many .doc files are RTF and many .xls exports are HTML tables: LibreOffice reads those
    // by their content, so they pass too.
    std::size_t text_at = starts("\xEF\xBB\xBF") ? 3 : 0;
    while (text_at < input.size() && std::isspace(input[text_at])) ++text_at;
    const bool markup = text_at < input.size() && input[text_at] == '<';
    if (!starts("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") && !starts("{\\rtf") && !markup) {
      expected = "an OLE2 compound file (nor RTF or HTML)";
    }
  } else if (ext == "rtf") {
    if (!starts("{\\rtf")) expected = "an RTF document ({\\rtf)";
  }
  if (!expected) return ok_status();
  return Error::invalid_input(std::string(file_name) + ": damaged or not a ." + ext +
                              " file: it is not " + expected);
}

}  // namespace

Result<Bytes> OfficeConverter::to_pdf(ByteView input, std::string_view file_name) {
  const std::string ext = extension_of(file_name);
  if (!supports(file_name)) {
    return Error::invalid_input(std::string(file_name) +
                                ": unsupported document type; LibreOffice converts doc, docx, "
                                "odt, rtf, wps, xls, xlsx, ods, csv, ppt, pptx, odp and html");
  }
  if (input.empty()) return Error::invalid_input(std::string(file_name) + ": the file is empty");
  if (auto s = check_container(input, file_name, ext); !s) return s.error();

  if (!slots_->try_acquire_for(options_.queue_wait)) {
    return Error::internal(std::to_string(options_.max_concurrent) +
                           " conversions are running and none ended within " +
                           std::to_string(options_.queue_wait.count()) + " ms; try again later")
        .with_code(kConversionBusy);
  }
  struct Release {
    std::counting_semaphore<>* slots;
    ~Release() { slots->release(); }
  } release{slots_.get()};

  auto folder = WorkFolder::make(options_.work_root);
  if (!folder) return folder.error();
  const fs::path& dir = folder->path();
  // The input's own name is not used: it may hold anything, and LibreOffice names its output
  // after it.
  const fs::path source = dir / ("input." + ext);
  const fs::path out_dir = dir / "out";
  const fs::path log = dir / "soffice.log";
  std::error_code ec;
  fs::create_directory(out_dir, ec);
  if (ec) return Error::io("cannot make the output folder: " + ec.message());
  if (Status s = write_file_atomic(source, input, 0600); !s) return s.error();

  const bool html = ext == "html" || ext == "htm";
  // HTML goes into Writer itself rather than Writer/Web, whose default fonts have no CJK glyphs.
  std::vector<std::string> argv = {options_.soffice,
                                   "-env:UserInstallation=" + file_url(dir / "profile"),
                                   "--headless",
                                   "--norestore",
                                   "--nolockcheck",
                                   "--nologo",
                                   "--nodefault",
                                   "--convert-to",
                                   html ? "pdf:writer_pdf_Export" : "pdf",
                                   "--outdir",
                                   out_dir.string()};
  if (html) {
    argv.push_back("--infilter=HTML (StarWriter)");
  } else if (ext == "csv") {
    // Comma-separated, double-quoted, UTF-8 (76), starting at line 1.
    argv.push_back("--infilter=Text - txt - csv (StarCalc):44,34,76,1");
  }
  argv.push_back(source.string());

  const std::string what = std::string(file_name) + ": LibreOffice";
  const Outcome outcome = run(argv, log, options_.time_limit);
  if (!outcome.started) {
    return Error::internal(what + " (" + options_.soffice +
                           ") cannot be started: " + errno_text(outcome.spawn_error));
  }
  const std::string output = output_tail(log);
  const std::string said = output.empty() ? std::string() : " (it said: " + output + ")";
  if (outcome.timed_out) {
    const double seconds = std::chrono::duration<double>(options_.time_limit).count();
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", seconds);
    return Error::invalid_input(what + ": the time limit of " + limit +
                                " s was exceeded; the conversion was stopped");
  }
  if (WIFSIGNALED(outcome.status)) {
    return Error::invalid_input(what + " crashed (signal " +
                                std::to_string(WTERMSIG(outcome.status)) +
                                ") converting the document" + said);
  }
  const fs::path pdf = out_dir / "input.pdf";
  if (!fs::exists(pdf, ec)) {
    std::string exit;
    if (WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) != 0) {
      exit = " and exited with status " + std::to_string(WEXITSTATUS(outcome.status));
    }
    return Error::invalid_input(what + " made no PDF" + exit +
                                ": the document is damaged or cannot be read" + said);
  }
  auto bytes = read_file(pdf);
  if (!bytes) return bytes.error();
  if (bytes->size() < 5 || std::memcmp(bytes->data(), "%PDF-", 5) != 0) {
    return Error::invalid_input(what + " made an empty or broken PDF" + said);
  }
  return std::move(*bytes);
}

}  // namespace eseal::render
