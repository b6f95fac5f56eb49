// render/office: real LibreOffice conversions of documents made here (python-docx, openpyxl,
// HTML), checked with pdftotext; damaged and unsupported input, the time limit (no process or
// folder left behind) and the bound on conversions at once. Skipped without soffice or python.
#include "render/office.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/file.h"
#include "support/process.h"

namespace eseal::render {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::TempDir;

const char kChinese[] = "电子印章平台测试文档";
const char kLatin[] = "Electronic seal platform";

bool have(const std::string& command) {
  return run_command("command -v " + command + " >/dev/null 2>&1").exit_code == 0;
}

// A python that has `module`, or "" (the system one first: pyenv shims may lack Debian's).
std::string python_with(const std::string& module) {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    if (run_command(std::string(python) + " -c 'import " + module + "' 2>/dev/null").exit_code ==
        0) {
      return python;
    }
  }
  return {};
}

Bytes bytes_of(const fs::path& path) {
  auto bytes = read_file(path);
  EXPECT_TRUE(bytes.ok()) << path;
  return bytes ? *bytes : Bytes{};
}

// A long table: LibreOffice takes several seconds over it.
std::string long_table() {
  std::string html = "<html><body><table>";
  for (int i = 0; i < 20000; ++i)
    html += "<tr><td>" + std::to_string(i) + "</td><td>cell</td></tr>";
  return html + "</table></body></html>";
}

std::string pdf_text(const Bytes& pdf) {
  TempDir dir;
  const auto path = dir / "out.pdf";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
  auto result = run_command("pdftotext '" + path.string() + "' - 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

// The command lines of the processes running now, from /proc. A process may end while it is
// read; its read then fails (ESRCH) and it is left out.
std::vector<std::string> command_lines() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    auto cmdline = read_file(entry.path() / "cmdline");
    if (cmdline.ok()) out.emplace_back(cmdline->begin(), cmdline->end());
  }
  return out;
}

// Processes whose command line mentions `needle` (our work folders).
int processes_mentioning(const std::string& needle) {
  int count = 0;
  for (const auto& cmdline : command_lines()) {
    if (cmdline.find(needle) != std::string::npos) ++count;
  }
  return count;
}

// The distinct conversion folders (PREFIX followed by a name up to the next '/') that running
// processes' command lines name: one per conversion, however many processes soffice starts for
// it (its launcher script, oosplash and soffice.bin all carry the profile's path).
std::set<std::string> conversions_running(const std::string& prefix) {
  std::set<std::string> out;
  for (const auto& cmdline : command_lines()) {
    auto at = cmdline.find(prefix);
    if (at == std::string::npos) continue;
    auto end = cmdline.find('/', at + prefix.size());
    out.insert(cmdline.substr(at, end == std::string::npos ? std::string::npos : end - at));
  }
  return out;
}

bool folder_is_empty(const fs::path& path) {
  return fs::is_empty(path);
}

class OfficeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("soffice")) GTEST_SKIP() << "LibreOffice (soffice) is not installed";
    if (!have("pdftotext")) GTEST_SKIP() << "poppler-utils (pdftotext) is not installed";
    options_.work_root = work_.path().string();
  }

  Bytes make_with_python(const std::string& module, const std::string& file,
                         const std::string& script) {
    const std::string python = python_with(module);
    if (python.empty()) return {};
    test::write_text(scripts_ / "make.py", script);
    auto result = run_command(python + " '" + (scripts_ / "make.py").string() + "' '" +
                              (scripts_ / file).string() + "' 2>&1");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return bytes_of(scripts_ / file);
  }

  void expect_words(const Result<Bytes>& pdf) {
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    const std::string text = pdf_text(*pdf);
    EXPECT_NE(text.find(kChinese), std::string::npos) << text;
    EXPECT_NE(text.find(kLatin), std::string::npos) << text;
  }

  void expect_nothing_left() {
    EXPECT_TRUE(folder_is_empty(work_.path()));
    EXPECT_EQ(processes_mentioning(work_.path().string()), 0);
  }

  TempDir work_;     // the converter's work root: must be empty after every conversion
  TempDir scripts_;  // where the test makes its documents
  OfficeOptions options_;
};

TEST_F(OfficeTest, ConvertsDocx) {
  Bytes docx = make_with_python("docx", "test.docx", R"(import sys, docx
d = docx.Document()
d.add_heading("电子印章平台测试文档", 1)
d.add_paragraph("Electronic seal platform: 第二段 with Latin words.")
d.save(sys.argv[1])
)");
  if (docx.empty()) GTEST_SKIP() << "python3 with python-docx is not available";
  OfficeConverter converter(options_);
  expect_words(converter.to_pdf(docx, "报告.DOCX"));
  expect_nothing_left();
}

TEST_F(OfficeTest, ConvertsXlsx) {
  Bytes xlsx = make_with_python("openpyxl", "test.xlsx", R"(import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws["A1"] = "电子印章平台测试文档"
ws["A2"] = "Electronic seal platform"
ws["B2"] = 42
ws.column_dimensions["A"].width = 40
wb.save(sys.argv[1])
)");
  if (xlsx.empty()) GTEST_SKIP() << "python3 with openpyxl is not available";
  OfficeConverter converter(options_);
  expect_words(converter.to_pdf(xlsx, "sheet.xlsx"));
  expect_nothing_left();
}

TEST_F(OfficeTest, ConvertsHtml) {
  const std::string html = std::string(
                               "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                               "<title>t</title></head><body><h1>") +
                           kChinese + "</h1><p>" + kLatin + "</p></body></html>";
  OfficeConverter converter(options_);
  expect_words(converter.to_pdf(as_bytes(html), "page.html"));
  expect_nothing_left();
}

TEST_F(OfficeTest, RefusesCorruptDocument) {
  std::mt19937 random(7);
  Bytes junk(20000);
  for (auto& b : junk) b = static_cast<std::uint8_t>(random());
  // A ZIP's first bytes then junk: LibreOffice cannot open it as Word.
  junk[0] = 'P', junk[1] = 'K', junk[2] = 3, junk[3] = 4;
  OfficeConverter converter(options_);
  const auto start = std::chrono::steady_clock::now();
  auto pdf = converter.to_pdf(junk, "broken.docx");
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kInvalidInput) << pdf.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  expect_nothing_left();
}

// Bytes that are not the container their name says are refused before LibreOffice runs (it would
// import them as plain text): the converter here has no soffice to start at all.
TEST(OfficeContainers, RefusedBeforeLibreOfficeRuns) {
  OfficeOptions options;
  options.soffice = "/nonexistent/soffice";
  OfficeConverter converter(options);
  const Bytes text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
  for (const char* name : {"a.docx", "a.xlsx", "a.odt", "a.doc", "a.xls", "a.rtf"}) {
    auto pdf = converter.to_pdf(text, name);
    ASSERT_FALSE(pdf.ok()) << name;
    EXPECT_EQ(pdf.error().kind, ErrorKind::kInvalidInput) << name;
    EXPECT_NE(pdf.error().message.find("damaged or not a"), std::string::npos)
        << pdf.error().message;
  }
  auto html = converter.to_pdf(text, "a.html");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.error().kind, ErrorKind::kInternal) << "HTML has no signature: soffice is tried";
}

TEST_F(OfficeTest, TimeLimitKillsTheConversion) {
  options_.time_limit = std::chrono::seconds(1);
  OfficeConverter converter(options_);
  const auto start = std::chrono::steady_clock::now();
  auto pdf = converter.to_pdf(as_bytes(long_table()), "slow.html");
  ASSERT_FALSE(pdf.ok()) << "LibreOffice converted within 1 s; the limit was not exercised";
  EXPECT_NE(pdf.error().message.find("time limit of 1 s was exceeded"), std::string::npos)
      << pdf.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  expect_nothing_left();
}

TEST_F(OfficeTest, RefusesUnsupportedAndEmptyInput) {
  OfficeConverter converter(options_);
  for (const char* name : {"notes.txt", "picture.png", "noextension", "trailing."}) {
    auto pdf = converter.to_pdf(as_bytes("hello"), name);
    ASSERT_FALSE(pdf.ok()) << name;
    EXPECT_EQ(pdf.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(pdf.error().message.find("unsupported"), std::string::npos) << name;
  }
  EXPECT_FALSE(converter.to_pdf({}, "empty.docx").ok());
  EXPECT_TRUE(OfficeConverter::supports("A.PpTx"));
  EXPECT_FALSE(OfficeConverter::supports("a.pdf"));
  expect_nothing_left();
}

TEST_F(OfficeTest, MissingExecutableIsAnInternalError) {
  options_.soffice = "/nonexistent/soffice";
  OfficeConverter converter(options_);
  auto pdf = converter.to_pdf(as_bytes("<p>x</p>"), "a.htm");
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kInternal) << pdf.error().message;
  EXPECT_NE(pdf.error().message.find("cannot be started"), std::string::npos);
  expect_nothing_left();
}

TEST_F(OfficeTest, BoundOfOneRunsConversionsOneAtATime) {
  options_.max_concurrent = 1;
  OfficeConverter converter(options_);
  const std::string html = std::string("<html><head><meta charset=\"utf-8\"></head><body><p>") +
                           kChinese + "</p><p>" + kLatin + "</p></body></html>";
  std::atomic<bool> done = false;
  std::atomic<int> most = 0;
  std::thread watcher([&] {
    while (!done) {
      const int running =
          static_cast<int>(conversions_running(work_.path().string() + "/eseal-office-").size());
      most = std::max(most.load(), running);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  Result<Bytes> first = Error::internal("not run"), second = Error::internal("not run");
  std::thread a([&] { first = converter.to_pdf(as_bytes(html), "a.html"); });
  std::thread b([&] { second = converter.to_pdf(as_bytes(html), "b.html"); });
  a.join();
  b.join();
  done = true;
  watcher.join();
  expect_words(first);
  expect_words(second);
  EXPECT_EQ(most.load(), 1) << "conversions seen running at once";
  expect_nothing_left();
}

TEST_F(OfficeTest, ACallerThatGetsNoTurnInTimeIsRefusedAsBusy) {
  options_.max_concurrent = 1;
  options_.time_limit = std::chrono::seconds(3);
  options_.queue_wait = std::chrono::milliseconds(200);
  OfficeConverter converter(options_);
  const std::string html = long_table();
  Result<Bytes> slow = Error::internal("not run");
  std::thread a([&] { slow = converter.to_pdf(as_bytes(html), "slow.html"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto start = std::chrono::steady_clock::now();
  auto busy = converter.to_pdf(as_bytes("<p>x</p>"), "b.html");
  const auto waited = std::chrono::steady_clock::now() - start;
  a.join();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, kConversionBusy) << busy.error().message;
  EXPECT_NE(busy.error().message.find("1 conversions are running"), std::string::npos);
  EXPECT_GE(waited, std::chrono::milliseconds(200));
  expect_nothing_left();
}

}  // namespace
}  // namespace eseal::render
