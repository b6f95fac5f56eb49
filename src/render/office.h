// Office and web documents (Word, Excel, PowerPoint, OpenDocument, RTF, WPS, CSV, HTML) to PDF
// through LibreOffice, run headless as a separate process for each conversion: its own private
// folder and profile, a time limit after which its whole process group is killed, and a bound on
// how many run at once.
#pragma once

#include <chrono>
#include <memory>
#include <semaphore>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::render {

// The error code of a conversion refused because every turn stayed taken for `queue_wait`.
inline constexpr const char* kConversionBusy = "conversion-busy";

struct OfficeOptions {
  std::string soffice = "soffice";  // the executable, looked up in PATH when it has no '/'
  // Each conversion's limit, counted from its start (not from waiting for a turn).
  std::chrono::milliseconds time_limit = std::chrono::seconds(120);
  int max_concurrent = 2;  // conversions running at once; further callers wait (at least 1)
  // How long a caller waits for a turn before it is refused as busy (kConversionBusy).
  std::chrono::milliseconds queue_wait = std::chrono::seconds(30);
  std::string work_root;  // where each conversion's private folder goes; "" is the temp folder
};

// Thread-safe: any number of threads may call to_pdf at once; at most `max_concurrent` run and
// the others wait for one to end, at most `queue_wait`. Each conversion runs soffice in a fresh
// folder (mode 0700) holding the input, the output and a LibreOffice profile of its own, so that
// conversions never share an instance; the folder is removed and every process of the conversion's
// process group is gone (killed and reaped) before to_pdf returns, whatever the outcome.
class OfficeConverter {
 public:
  explicit OfficeConverter(OfficeOptions options = {});
  OfficeConverter(const OfficeConverter&) = delete;
  OfficeConverter& operator=(const OfficeConverter&) = delete;

  const OfficeOptions& options() const { return options_; }

  // Whether to_pdf accepts the file name's extension (case-insensitive): doc docx odt rtf wps
  // xls xlsx ods csv ppt pptx odp html htm.
  static bool supports(std::string_view file_name);

  // The PDF LibreOffice makes of `input`; `file_name` is used for its extension only.
  // kInvalidInput: an unsupported extension or empty input; a document LibreOffice cannot read
  // (it writes no PDF: the message quotes its output) or that it crashes on; one that takes
  // longer than the time limit ("the time limit of N s was exceeded"). kInternal: soffice cannot
  // be started, or (code kConversionBusy) no turn came within `queue_wait`. kIo: the work folder
  // cannot be made or read.
  Result<Bytes> to_pdf(ByteView input, std::string_view file_name);

 private:
  OfficeOptions options_;
  std::unique_ptr<std::counting_semaphore<>> slots_;
};

}  // namespace eseal::render
