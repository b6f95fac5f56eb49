// The OFD structure a verifier follows: OFD.xml -> DocBody -> Document.xml (pages) and
// Signatures.xml -> Signature.xml, from the fixtures (../shared/fixtures/ofd-interop) and from
// packages built here with either namespace prefix, any element order and relative paths.
#include "ofd/document.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file.h"
#include "ofd/zip_builder.h"

namespace eseal::ofd {
namespace {

using test::make_zip;

const std::filesystem::path kDir = std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop";

Bytes fixture(const std::string& name) {
  auto data = read_file(kDir / name);
  EXPECT_TRUE(data.ok()) << name;
  return data.ok() ? *data : Bytes{};
}

void expect_box(const doc::RectMm& r, double x, double y, double w, double h) {
  EXPECT_DOUBLE_EQ(r.x, x);
  EXPECT_DOUBLE_EQ(r.y, y);
  EXPECT_DOUBLE_EQ(r.width, w);
  EXPECT_DOUBLE_EQ(r.height, h);
}

class DocumentFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDir))
      GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
  }
};

TEST_F(DocumentFixtures, TaxInvoiceStructure) {
  Bytes zip = fixture("v4signed.ofd");
  auto p = Package::open(zip);
  ASSERT_TRUE(p.ok()) << p.error().message;
  auto s = read_structure(*p);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->warnings.empty());
  ASSERT_EQ(s->documents.size(), 1u);
  const DocBody& d = s->documents[0];
  EXPECT_EQ(d.doc_root, "Doc_0/Document.xml");
  EXPECT_EQ(d.document_path, "Doc_0/Document.xml");
  ASSERT_EQ(d.pages.size(), 1u);
  EXPECT_EQ(d.pages[0].id, "1");
  EXPECT_EQ(d.pages[0].base_loc, "Pages/Page_0/Content.xml");
  EXPECT_EQ(d.pages[0].path, "Doc_0/Pages/Page_0/Content.xml");
  ASSERT_TRUE(d.physical_box);
  expect_box(*d.physical_box, 0, 0, 210, 297);
  EXPECT_EQ(d.signatures_loc, "Doc_0/Signs/Signatures.xml") << "relative in tax bureau files";
  EXPECT_EQ(d.signatures_path, "Doc_0/Signs/Signatures.xml");
  EXPECT_EQ(d.max_sign_id, "1");
  ASSERT_EQ(d.signatures.size(), 1u);
  EXPECT_EQ(d.signatures[0].id, "1");
  EXPECT_EQ(d.signatures[0].type, "Seal") << "Type omitted means Seal";
  EXPECT_EQ(d.signatures[0].path, "Doc_0/Signs/Sign_0/Signature.xml");

  auto xml = p->read(d.signatures[0].path);
  ASSERT_TRUE(xml.ok());
  auto sig = parse_signature_xml(*xml, d.signatures[0].path);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->provider_name, "gomain_eseal");
  EXPECT_EQ(sig->provider_version, "2.0");
  EXPECT_EQ(sig->provider_company, "BW");
  EXPECT_EQ(sig->signature_method, "1.2.156.10197.1.501");
  EXPECT_EQ(sig->signature_date_time, "20201010151120");
  EXPECT_EQ(sig->check_method, "1.2.156.10197.1.401");
  ASSERT_EQ(sig->references.size(), 13u);
  EXPECT_EQ(sig->references[0].file_ref, "/Doc_0/Attachs/Attachments.xml");
  EXPECT_EQ(sig->references[0].path, "Doc_0/Attachs/Attachments.xml");
  EXPECT_EQ(sig->references[0].check_value, "xrTLMRwHhKaEXIYvj+tcGGsRTkLj2O4xFtxNg7N7tZg=");
  ASSERT_EQ(sig->stamp_annots.size(), 1u);
  EXPECT_EQ(sig->stamp_annots[0].id, "1");
  EXPECT_EQ(sig->stamp_annots[0].page_ref, "1");
  expect_box(sig->stamp_annots[0].boundary, 90, 8, 30, 20);
  EXPECT_FALSE(sig->stamp_annots[0].clip);
  EXPECT_TRUE(sig->seal_loc.empty()) << "the tax bureau writes no Seal.esl";
  EXPECT_EQ(sig->signed_value_path, "Doc_0/Signs/Sign_0/SignedValue.dat");
}

TEST_F(DocumentFixtures, OtherProducersStructure) {
  struct Case {
    const char* file;
    const char* type;
    double page_height;
    std::size_t references;
    bool seal;
  };
  for (const Case& c : {Case{"signedFile.ofd", "Seal", 140, 13, false},
                        Case{"SESV4SignDoc.ofd", "Seal", 297, 5, true},
                        Case{"allprotected.ofd", "Seal", 297, 6, true},
                        Case{"DigitalSign.ofd", "Sign", 297, 4, false}}) {
    Bytes zip = fixture(c.file);
    auto p = Package::open(zip);
    ASSERT_TRUE(p.ok()) << c.file;
    auto s = read_structure(*p);
    ASSERT_TRUE(s.ok()) << c.file << ": " << s.error().message;
    const DocBody& d = s->documents.at(0);
    ASSERT_TRUE(d.physical_box) << c.file;
    EXPECT_DOUBLE_EQ(d.physical_box->height, c.page_height) << c.file;
    ASSERT_EQ(d.signatures.size(), 1u) << c.file;
    EXPECT_EQ(d.signatures[0].type, c.type) << c.file;
    auto sig = parse_signature_xml(*p->read(d.signatures[0].path), d.signatures[0].path);
    ASSERT_TRUE(sig.ok()) << c.file << ": " << sig.error().message;
    EXPECT_EQ(sig->references.size(), c.references) << c.file;
    EXPECT_EQ(!sig->seal_path.empty(), c.seal) << c.file;
    if (c.seal) {
      EXPECT_EQ(sig->seal_path, "Doc_0/Signs/Sign_0/Seal.esl");
    }
    EXPECT_EQ(sig->signed_value_path, "Doc_0/Signs/Sign_0/SignedValue.dat") << c.file;
  }
}

// No prefix, OFDRW's element order (SignedValue first, StampAnnot before References), relative
// locations from the Signature.xml's folder, Clip and several stamps.
TEST(Document, SignatureXmlInAnyOrderWithoutPrefix) {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<Signature xmlns="http://www.ofdspec.org/2016">
  <SignedValue> SignedValue.dat </SignedValue>
  <SignedInfo>
    <Seal><BaseLoc>./Seal.esl</BaseLoc></Seal>
    <StampAnnot ID="7" PageRef="3" Boundary="170 128.5 40 40" Clip="20 0 20 40"/>
    <StampAnnot Boundary="-20 1e1 40 40" PageRef="4" ID="8"/>
    <References CheckMethod="SM3">
      <Reference FileRef="../../Pages/Page_0/Content.xml"><CheckValue>
        AAAA</CheckValue></Reference>
      <Reference FileRef="/OFD.xml"><CheckValue>BBBB</CheckValue></Reference>
    </References>
    <SignatureDateTime>2020-04-22 16:22:44</SignatureDateTime>
    <Provider ProviderName="ofdrw-sign" Version="1.2.0" Company="ofdrw"/>
  </SignedInfo>
</Signature>)";
  auto s = parse_signature_xml(to_bytes(xml), "Doc_0/Signs/Sign_0/Signature.xml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->provider_name, "ofdrw-sign");
  EXPECT_EQ(s->check_method, "SM3");
  ASSERT_EQ(s->references.size(), 2u);
  EXPECT_EQ(s->references[0].path, "Doc_0/Pages/Page_0/Content.xml");
  EXPECT_EQ(s->references[0].check_value, "AAAA");
  EXPECT_EQ(s->references[1].path, "OFD.xml");
  ASSERT_EQ(s->stamp_annots.size(), 2u);
  expect_box(s->stamp_annots[0].boundary, 170, 128.5, 40, 40);
  ASSERT_TRUE(s->stamp_annots[0].clip);
  expect_box(*s->stamp_annots[0].clip, 20, 0, 20, 40);
  expect_box(s->stamp_annots[1].boundary, -20, 10, 40, 40);
  EXPECT_EQ(s->stamp_annots[1].page_ref, "4");
  EXPECT_EQ(s->seal_path, "Doc_0/Signs/Sign_0/Seal.esl");
  EXPECT_EQ(s->signed_value_loc, "SignedValue.dat");
  EXPECT_EQ(s->signed_value_path, "Doc_0/Signs/Sign_0/SignedValue.dat");
}

TEST(Document, MalformedSignatureXml) {
  auto bad_box = parse_signature_xml(
      to_bytes("<ofd:Signature xmlns:ofd=\"x\"><ofd:SignedInfo><ofd:StampAnnot ID=\"2\" "
               "PageRef=\"1\" Boundary=\"50 50 40\"/></ofd:SignedInfo></ofd:Signature>"),
      "Doc_0/Signs/Sign_0/Signature.xml");
  ASSERT_FALSE(bad_box.ok());
  EXPECT_EQ(bad_box.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(bad_box.error().message.find("StampAnnot 2 Boundary"), std::string::npos)
      << bad_box.error().message;
  for (const char* bad : {"<Signatures/>", "<Signature/>", "<Signature><SignedInfo>",
                          "<!DOCTYPE Signature><Signature><SignedInfo/></Signature>"}) {
    auto r = parse_signature_xml(to_bytes(bad), "S.xml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << bad;
  }
  EXPECT_TRUE(parse_box(" 1 2\t3\n4 ").ok());
  for (const char* bad : {"", "1 2 3", "1 2 3 4 5", "a b c d", "1,2,3,4"}) {
    EXPECT_FALSE(parse_box(bad).ok()) << bad;
  }
}

Bytes minimal_ofd(const std::string& ofd_xml, const std::string& document_xml,
                  const std::string& signatures_xml = "") {
  std::vector<test::ZipEntry> entries{{"OFD.xml", to_bytes(ofd_xml)},
                                      {"Doc_0/Document.xml", to_bytes(document_xml)}};
  if (!signatures_xml.empty()) {
    entries.push_back({"Doc_0/Signs/Signatures.xml", to_bytes(signatures_xml)});
  }
  return make_zip(entries);
}

TEST(Document, PagesInOrderAndSeveralDocBodies) {
  Bytes zip = minimal_ofd(
      "<OFD><DocBody><DocRoot>/Doc_0/Document.xml</DocRoot><Signatures>Doc_0/Signs/"
      "Signatures.xml</Signatures></DocBody><DocBody><DocRoot>Doc_1/Document.xml</DocRoot>"
      "</DocBody></OFD>",
      "<Document><Pages><Page ID=\"5\" BaseLoc=\"Pages/Page_0/Content.xml\"/><Page "
      "BaseLoc=\"/Doc_0/Pages/Page_1/Content.xml\" ID=\"9\"/></Pages><CommonData><PageArea>"
      "<PhysicalBox>0 0 297 210</PhysicalBox></PageArea></CommonData></Document>",
      "<Signatures><Signature ID=\"s002\" Type=\"Sign\" BaseLoc=\"Sign_1/Signature.xml\" "
      "Relative=\"s001\"/><MaxSignId>s002</MaxSignId><Signature ID=\"s001\" "
      "BaseLoc=\"/Doc_0/Signs/Sign_0/Signature.xml\"/></Signatures>");
  auto p = Package::open(zip);
  ASSERT_TRUE(p.ok());
  auto s = read_structure(*p);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->documents.size(), 2u);
  const DocBody& d = s->documents[0];
  ASSERT_EQ(d.pages.size(), 2u);
  EXPECT_EQ(d.pages[0].id, "5");
  EXPECT_EQ(d.pages[0].path, "Doc_0/Pages/Page_0/Content.xml");
  EXPECT_EQ(d.pages[1].id, "9");
  EXPECT_EQ(d.pages[1].path, "Doc_0/Pages/Page_1/Content.xml");
  expect_box(*d.physical_box, 0, 0, 297, 210);
  EXPECT_EQ(d.max_sign_id, "s002");
  ASSERT_EQ(d.signatures.size(), 2u);
  EXPECT_EQ(d.signatures[0].id, "s002");
  EXPECT_EQ(d.signatures[0].type, "Sign");
  EXPECT_EQ(d.signatures[0].relative, "s001");
  EXPECT_EQ(d.signatures[0].path, "Doc_0/Signs/Sign_1/Signature.xml");
  EXPECT_EQ(d.signatures[1].type, "Seal");
  EXPECT_EQ(d.signatures[1].path, "Doc_0/Signs/Sign_0/Signature.xml");
  // The second DocBody's Document.xml is not in the package: a warning, not an error.
  EXPECT_TRUE(s->documents[1].pages.empty());
  ASSERT_EQ(s->warnings.size(), 1u);
  EXPECT_NE(s->warnings[0].find("Doc_1/Document.xml"), std::string::npos) << s->warnings[0];
}

TEST(Document, StructureErrors) {
  auto refused = [](const Bytes& zip, std::string_view why) {
    auto p = Package::open(zip);
    ASSERT_TRUE(p.ok()) << p.error().message;
    auto s = read_structure(*p);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(s.error().message.find(why), std::string::npos) << s.error().message;
  };
  refused(make_zip({{"Doc_0/Document.xml", to_bytes("<Document/>")}}), "no OFD.xml");
  refused(make_zip({{"ofd.xml.bak", to_bytes("<OFD/>")}}), "no OFD.xml");
  refused(minimal_ofd("<Document/>", "<Document/>"), "root element is not OFD");
  refused(minimal_ofd("<OFD/>", "<Document/>"), "no DocBody");
  refused(minimal_ofd("<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody></OFD>",
                      "<!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Document>&e;"
                      "</Document>"),
          "Doc_0/Document.xml: declares a DOCTYPE");
  refused(minimal_ofd("<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot><Signatures>"
                      "Doc_0/Signs/Signatures.xml</Signatures></DocBody></OFD>",
                      "<Document/>", "<Signatures><Signature"),
          "Doc_0/Signs/Signatures.xml: not well-formed");
}

TEST(Document, SignatureDateTimeForms) {
  auto at = [](const char* text) { return parse_signature_date_time(text); };
  EXPECT_EQ(at("20201010151120"), *parse_utc("2020-10-10T15:11:20Z"));
  EXPECT_EQ(at("20201004072855.302Z"), *parse_utc("2020-10-04T07:28:55Z"));
  EXPECT_EQ(at("2026-08-04 10:08:09"), *parse_utc("2026-08-04T10:08:09Z"));
  EXPECT_EQ(at("2020-10-10T07:11:20Z"), *parse_utc("2020-10-10T07:11:20Z"));
  EXPECT_EQ(at("2020-10-10T15:11:20+08:00"), *parse_utc("2020-10-10T07:11:20Z"));
  EXPECT_EQ(at("2020-10-10T01:11:20.5-0600"), *parse_utc("2020-10-10T07:11:20Z"));
  EXPECT_EQ(at(" 2020-10-10 "), *parse_utc("2020-10-10T00:00:00Z"));
  EXPECT_EQ(at("20201010"), *parse_utc("2020-10-10T00:00:00Z"));
  for (const char* bad : {"", "yesterday", "2020-13-01", "20201310151120", "2020-10-10 25:00:00",
                          "202010101511", "2020-10-10T07:11:20+8"}) {
    EXPECT_FALSE(at(bad)) << bad;
  }
}

}  // namespace
}  // namespace eseal::ofd
