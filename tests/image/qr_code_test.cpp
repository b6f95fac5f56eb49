// QR codes: what qr_png draws is read back by an independent decoder (zbarimg, from Debian's
// zbar-tools) as the very text, for a COSS QR payload and for text at the limit of level M;
// longer text is refused.
#include "image/qr_code.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "support/process.h"

namespace eseal::image {
namespace {

std::string decoded(const Bytes& png) {
  test::TempDir dir;
  auto file = dir.path() / "qr.png";
  EXPECT_TRUE(write_file_atomic(file, png).ok());
  auto r = test::run_command("zbarimg --raw -q " + file.string() + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::string text = r.output;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  // The decoded text is the last line: zbar may first complain on stdout that there is no D-Bus.
  return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
}

bool have_zbarimg() {
  return test::run_command("command -v zbarimg").exit_code == 0;
}

TEST(QrCode, AnIndependentDecoderReadsTheTextBack) {
  if (!have_zbarimg()) GTEST_SKIP() << "zbarimg (zbar-tools) is not installed";
  std::string payload =
      R"({"id":"APP_0157E810F6894BEEB4DEC70331720557","sUrl":"http://127.0.0.1:8080/coss/mobile/v1/getServiceInfo","o":"pZvMZnRbp1cDhJ6Tjp8W3aQ1dXk=","cv":"2.0"})";
  auto png = qr_png(payload);
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_EQ(Bytes(png->begin(), png->begin() + 8),
            (Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}));
  EXPECT_EQ(decoded(*png), payload);
  std::string longest(2331, 'x');
  auto big = qr_png(longest, 2);
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(decoded(*big), longest);
}

TEST(QrCode, RefusesWhatNoQrCodeHolds) {
  EXPECT_FALSE(qr_png("").ok());
  EXPECT_FALSE(qr_png(std::string(2332, 'x')).ok());
  EXPECT_FALSE(qr_png("x", 0).ok());
}

}  // namespace
}  // namespace eseal::image
