// OFD packages: entries listed and read byte for byte, ST_Loc paths resolved, ZIP64, and every
// limit against hostile archives (built here with libzip and patched) refused with a clear
// kInvalidInput error.
#include "ofd/package.h"

#include <gtest/gtest.h>

#include "ofd/content.h"
#include "ofd/xml.h"
#include "ofd/zip_builder.h"

namespace eseal::ofd {
namespace {

using test::make_zip;
using test::ZipEntry;

bool mentions(const Error& e, std::string_view text) {
  return e.message.find(text) != std::string::npos;
}

TEST(Package, ListsEntriesAndReadsExactBytes) {
  Bytes binary(70000);
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<std::uint8_t>(i * 7);
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<ofd:OFD/>\r\n")},
                        {"Doc_0/", {}},
                        {"Doc_0/Res/image.bin", binary},
                        {"Doc_0/空.xml", {}}});
  auto p = Package::open(zip);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->entries().size(), 4u);
  EXPECT_TRUE(p->entries()[1].directory);
  EXPECT_EQ(p->files(),
            (std::vector<std::string>{"OFD.xml", "Doc_0/Res/image.bin", "Doc_0/空.xml"}));
  EXPECT_EQ(*p->read("OFD.xml"), to_bytes("<ofd:OFD/>\r\n")) << "no newline conversion";
  EXPECT_EQ(*p->read("/Doc_0/Res/image.bin"), binary);
  EXPECT_TRUE(p->read("Doc_0/空.xml")->empty());
  EXPECT_EQ(p->entries()[2].size, binary.size());

  std::size_t chunks = 0, total = 0;
  ASSERT_TRUE(p->read_chunks("Doc_0/Res/image.bin", [&](ByteView c) {
    ++chunks;
    total += c.size();
    EXPECT_LE(c.size(), 64u * 1024);
    return ok_status();
  }));
  EXPECT_EQ(total, binary.size());
  EXPECT_GE(chunks, 2u);
  auto stop = p->read_chunks("OFD.xml", [](ByteView) { return Status(Error::io("stop")); });
  EXPECT_EQ(stop.error().message, "stop");

  auto missing = p->read("Doc_0/none.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(p->contains("Doc_0")) << "a folder is not a file";
}

TEST(Package, FindsNamesCaseInsensitivelyOnlyWhenUnambiguous) {
  auto p = Package::open(make_zip({{"Doc_0/Tpls/Tpl_0/Content.xml", to_bytes("a")},
                                   {"X/a.xml", to_bytes("1")},
                                   {"X/A.xml", to_bytes("2")}}));
  ASSERT_TRUE(p.ok());
  ASSERT_NE(p->find("Doc_0/TPLS/Tpl_0/Content.xml"), nullptr);
  EXPECT_EQ(p->find("Doc_0/TPLS/Tpl_0/Content.xml")->name, "Doc_0/Tpls/Tpl_0/Content.xml");
  EXPECT_EQ(*p->read("X/A.xml"), to_bytes("2")) << "an exact match wins";
  EXPECT_EQ(p->find("x/a.XML"), nullptr) << "two entries match case-insensitively";
}

TEST(Package, ResolvesAbsoluteAndRelativeLocations) {
  EXPECT_EQ(*resolve_path("OFD.xml", "Doc_0/Document.xml"), "Doc_0/Document.xml");
  EXPECT_EQ(*resolve_path("OFD.xml", "/Doc_0/Signs/Signatures.xml"), "Doc_0/Signs/Signatures.xml");
  EXPECT_EQ(*resolve_path("Doc_0/Document.xml", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml");
  EXPECT_EQ(*resolve_path("Doc_0/Document.xml", "./Pages/./Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml");
  EXPECT_EQ(*resolve_path("Doc_0/Signs/Sign_0/Signature.xml", "../../Document.xml"),
            "Doc_0/Document.xml");
  EXPECT_EQ(*resolve_path("Doc_0/Signs/Sign_0/Signature.xml", "/Doc_0/Signs/Sign_0/Seal.esl"),
            "Doc_0/Signs/Sign_0/Seal.esl");
  EXPECT_EQ(*resolve_path("Doc_0/Document.xml", " Pages/Page_0/Content.xml\n"),
            "Doc_0/Pages/Page_0/Content.xml");
  for (const char* bad : {"../../OFD.xml", "", "/", "Pages\\Page_0\\Content.xml",
                          "C:/Windows/x.xml", "file:///etc/passwd", "/../etc/passwd"}) {
    auto r = resolve_path("Doc_0/Document.xml", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << bad;
  }
}

// libzip writes a ZIP64 end of central directory once there are more than 65535 entries.
TEST(Package, ReadsZip64Archives) {
  std::vector<ZipEntry> entries{{"OFD.xml", to_bytes("<OFD/>")}};
  for (int i = 0; i < 70000; ++i) entries.push_back({"Doc_0/Res/r" + std::to_string(i), {}});
  entries.push_back({"Doc_0/last.xml", to_bytes("last")});
  Bytes zip = make_zip(entries);
  const Bytes zip64_eocd{0x50, 0x4b, 0x06, 0x06};
  ASSERT_NE(std::search(zip.begin(), zip.end(), zip64_eocd.begin(), zip64_eocd.end()), zip.end())
      << "the archive is not ZIP64";
  auto p = Package::open(zip);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->entries().size(), entries.size());
  EXPECT_EQ(*p->read("Doc_0/last.xml"), to_bytes("last"));
}

void expect_refused(const Result<Package>& p, std::string_view why) {
  ASSERT_FALSE(p.ok()) << "accepted; expected: " << why;
  EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput) << p.error().message;
  EXPECT_TRUE(mentions(p.error(), why)) << p.error().message;
}

TEST(PackageLimits, TooManyEntries) {
  std::vector<ZipEntry> entries;
  for (int i = 0; i < 100001; ++i) entries.push_back({"e" + std::to_string(i), {}});
  Bytes zip = make_zip(entries);
  expect_refused(Package::open(zip), "100001 entries; at most 100000");
  PackageLimits small;
  small.max_entries = 10;
  expect_refused(Package::open(make_zip({entries.begin(), entries.begin() + 11}), small),
                 "11 entries");
}

// The count is checked in the end record itself, before libzip allocates a table for it.
TEST(PackageLimits, AnEndRecordDeclaringManyEntriesIsRefusedBeforeReading) {
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<OFD/>")}});
  ASSERT_EQ(zip[zip.size() - 22], 0x50);
  zip[zip.size() - 22 + 8] = zip[zip.size() - 22 + 10] = 0x50;  // 0xC350 = 50000 entries
  zip[zip.size() - 22 + 9] = zip[zip.size() - 22 + 11] = 0xC3;
  PackageLimits limits;
  limits.max_entries = 1000;
  expect_refused(Package::open(zip, limits), "declares 50000 entries");
}

TEST(PackageLimits, AnEntryClaimingAHugeSize) {
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<OFD/>")}, {"Doc_0/big.bin", to_bytes("x")}});
  ASSERT_TRUE(test::patch_declared_size(zip, "Doc_0/big.bin", 0xF0000000u));
  expect_refused(Package::open(zip), "\"Doc_0/big.bin\" declares 4026531840 bytes");
}

TEST(PackageLimits, TheTotalDeclaredSize) {
  PackageLimits limits;
  limits.max_entry_size = 1000;
  limits.max_total_size = 1500;
  Bytes zip = make_zip({{"a", Bytes(800)}, {"b", Bytes(800)}});
  expect_refused(Package::open(zip, limits), "more than 1500 bytes in all");
  expect_refused(Package::open(make_zip({{"a", Bytes(1001)}}), limits), "declares 1001 bytes");
}

TEST(PackageLimits, ItsXmlIsReadWithinTheDepthItWasOpenedWith) {
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<OFD><DocBody><DocInfo/></DocBody></OFD>")}});
  PackageLimits limits;
  limits.max_xml_depth = 2;
  auto shallow = Package::open(zip, limits);
  ASSERT_TRUE(shallow.ok()) << shallow.error().message;
  EXPECT_EQ(shallow->limits().max_xml_depth, 2u);
  auto refused = read_xml(*shallow, "OFD.xml");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "OFD.xml: nested deeper than 2 levels");
  EXPECT_EQ(refused.error().code, kLimitExceeded);
  auto deep_enough = Package::open(zip);
  ASSERT_TRUE(deep_enough.ok());
  EXPECT_TRUE(read_xml(*deep_enough, "OFD.xml").ok());
}

// A header that understates the size must not make the reader inflate more than declared.
TEST(PackageLimits, InflatingPastTheDeclaredSizeStops) {
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<OFD/>")}, {"bomb.bin", Bytes(4 << 20)}});
  ASSERT_TRUE(test::patch_declared_size(zip, "bomb.bin", 100));
  auto p = Package::open(zip);
  ASSERT_TRUE(p.ok()) << p.error().message;
  std::size_t seen = 0;
  auto s = p->read_chunks("bomb.bin", [&](ByteView c) {
    seen += c.size();
    return ok_status();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput) << s.error().message;
  EXPECT_LE(seen, 100u);
  auto r = p->read("bomb.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
}

TEST(PackageLimits, NamesThatEscapeOrAreAbsolute) {
  expect_refused(Package::open(make_zip({{"../evil.xml", to_bytes("x")}})), "path traversal");
  expect_refused(Package::open(make_zip({{"Doc_0/../../evil.xml", to_bytes("x")}})),
                 "path traversal");
  expect_refused(Package::open(make_zip({{"/etc/passwd", to_bytes("x")}})), "absolute path");
  expect_refused(Package::open(make_zip({{"Doc_0\\evil.xml", to_bytes("x")}})), "backslash");
  expect_refused(Package::open(make_zip({{"C:/evil.xml", to_bytes("x")}})), "drive or scheme");
  expect_refused(Package::open(make_zip({{"Doc_0//x.xml", to_bytes("x")}})), "empty");
}

TEST(PackageLimits, DuplicateNames) {
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<OFD/>")}, {"OFD.xmm", to_bytes("<OFD/>")}});
  test::patch_bytes(zip, "OFD.xmm", "OFD.xml");
  expect_refused(Package::open(zip), "\"OFD.xml\" appears more than once");
}

TEST(PackageLimits, NotAZipArchive) {
  expect_refused(Package::open(to_bytes("<?xml version=\"1.0\"?><ofd:OFD/>")), "ZIP");
  expect_refused(Package::open(Bytes{}), "ZIP");
  Bytes noise(5000);
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 31 + 7);
  expect_refused(Package::open(noise), "ZIP");
  Bytes zip = make_zip({{"OFD.xml", to_bytes("<OFD/>")}});
  expect_refused(Package::open(ByteView(zip).first(zip.size() - 10)), "ZIP");
}

TEST(Xml, NestingIsBounded) {
  auto nested = [](std::size_t depth, const std::string& inner = "") {
    std::string xml;
    for (std::size_t i = 0; i < depth; ++i) xml += "<a>";
    xml += inner;
    for (std::size_t i = 0; i < depth; ++i) xml += "</a>";
    return xml;
  };
  EXPECT_TRUE(parse_xml(to_bytes(nested(kMaxXmlDepth)), "Content.xml").ok());
  // Text is a level below its element.
  EXPECT_FALSE(parse_xml(to_bytes(nested(kMaxXmlDepth, "t")), "Content.xml").ok());
  auto deep = parse_xml(to_bytes(nested(100'000)), "Content.xml");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().message, "Content.xml: nested deeper than 256 levels");
  EXPECT_EQ(deep.error().code, kLimitExceeded);
  // A lower limit is taken as given, a higher one only up to the ceiling.
  EXPECT_TRUE(parse_xml(to_bytes(nested(16)), "Content.xml", 16).ok());
  auto lower = parse_xml(to_bytes(nested(17)), "Content.xml", 16);
  ASSERT_FALSE(lower.ok());
  EXPECT_EQ(lower.error().message, "Content.xml: nested deeper than 16 levels");
  EXPECT_EQ(lower.error().code, kLimitExceeded);
  EXPECT_FALSE(parse_xml(to_bytes(nested(kMaxXmlDepth + 1)), "Content.xml", 1000).ok());
}

TEST(Xml, RefusesDoctypesAndMalformedXml) {
  auto ok =
      parse_xml(to_bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD "
                         "xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody/></ofd:OFD>"),
                "OFD.xml");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(local_name((*ok)->document_element().name()), "OFD");
  EXPECT_TRUE(child((*ok)->document_element(), "DocBody"));

  const char* laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
      "<OFD>&lol2;</OFD>";
  const char* external =
      "<?xml version=\"1.0\"?><!DOCTYPE OFD [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<OFD><DocBody>&xxe;</DocBody></OFD>";
  for (const char* xml : {laughs, external}) {
    auto r = parse_xml(to_bytes(xml), "OFD.xml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    EXPECT_TRUE(mentions(r.error(), "OFD.xml: declares a DOCTYPE")) << r.error().message;
  }
  for (const char* bad : {"<OFD>", "", "not xml", "<OFD></DocBody>"}) {
    auto r = parse_xml(to_bytes(bad), "OFD.xml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  }
}

}  // namespace
}  // namespace eseal::ofd
