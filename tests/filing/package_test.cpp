// The filing package (LD/T 01.4 §5.2.6): GAData's DER against the seed's ASN.1 (checked with
// `openssl asn1parse`), SM4-ECB-PKCS7 against the published vectors, and the keys' ECCCipher
// envelopes read back by OpenSSL's SM2 decryption; then issue and open round trips and refusals.
#include "filing/package.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/sm2_cipher.h"
#include "crypto/sm4.h"
#include "support/process.h"

namespace eseal::filing {
namespace {

using eseal::test::openssl_binary;
using eseal::test::run_command;
using eseal::test::TempDir;

// The types `openssl asn1parse` reports for the SEQUENCE's children, in order, each as
// "prim: IA5STRING"; a child that is not at depth 1 or not primitive shows up as a mismatch.
std::vector<std::string> asn1parse_children(ByteView der) {
  TempDir dir;
  EXPECT_TRUE(write_file_atomic(dir.path() / "ga.der", der));
  auto parsed = run_command(openssl_binary() + " asn1parse -inform DER -in " +
                            (dir.path() / "ga.der").string());
  EXPECT_EQ(parsed.exit_code, 0) << parsed.output;
  std::vector<std::string> children;
  std::istringstream lines(parsed.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("d=0") != std::string::npos) continue;
    std::size_t at = std::min(line.find("prim:"), line.find("cons:"));
    if (at == std::string::npos) {  // not an element: kept whole so that the comparison shows it
      children.push_back(line);
      continue;
    }
    std::istringstream words(line.substr(at));
    std::string kind, type;
    words >> kind >> type;
    children.push_back((line.find("d=1") == std::string::npos ? "depth? " : "") + kind + " " +
                       type);
  }
  return children;
}

// What asn1parse should list for a GAData: the seed's sixteen types in order.
std::vector<std::string> ga_data_types() {
  std::vector<std::string> out;
  for (const char* t :
       {"IA5STRING", "UTF8STRING", "IA5STRING", "IA5STRING", "IA5STRING", "UTF8STRING", "IA5STRING",
        "IA5STRING", "IA5STRING", "UTF8STRING", "UTF8STRING", "UTF8STRING", "UTF8STRING",
        "UTF8STRING", "UTF8STRING", "UTF8STRING"})
    out.push_back(std::string("prim: ") + t);
  return out;
}

// deviceCode "D1", yzmc "章", yzbm "11", the other thirteen fields empty, each with its type.
GaData small_record() {
  GaData d;
  d.device_code = "D1";
  d.yzmc = "章";
  d.yzbm = "11";
  return d;
}

constexpr const char* kSmallRecordDer =
    "3027"
    "16024431"    // deviceCode IA5String "D1"
    "0c03e7aba0"  // yzmc UTF8String "章"
    "16023131"    // yzbm IA5String "11"
    "1600"
    "1600"  // yzzzdwbm, yzlxdm
    "0c00"  // jbr_xm
    "1600"
    "1600"
    "1600"  // jbr_zjlx, jbr_zjhm, zzrq
    "0c00"
    "0c00"
    "0c00"
    "0c00"
    "0c00"
    "0c00"
    "0c00";  // the units' names, the credit code

TEST(GaDataTest, EncodesTheSeedsSequenceFieldByField) {
  auto der = encode_ga_data(small_record());
  ASSERT_TRUE(der) << der.error().message;
  EXPECT_EQ(crypto::to_hex(*der), kSmallRecordDer);
  auto back = decode_ga_data(*der);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, small_record());
  EXPECT_EQ(asn1parse_children(*der), ga_data_types());
}

// Every field filled but four, Chinese and ASCII, 135 bytes of content: the SEQUENCE's length
// takes the long form 81 87 (X.690 §8.1.3.5), each string's the short form.
GaData full_record() {
  GaData d;
  d.device_code = "D1";
  d.yzmc = "测试章";
  d.yzbm = "11010000000001";
  d.yzzzdwbm = "11010000001";
  d.yzlxdm = "01";
  d.jbr_xm = "张三";
  d.jbr_zjlx = "111";
  d.zzrq = "20261204";
  d.yzsydw_dwmc = "测试单位";
  d.yzsydw_dwywmc = "Test Unit";
  d.yzzzdw_dwmc = "刻章厂";
  d.yzsydw_tyshxydm = "91110000000000000X";
  return d;
}

constexpr const char* kFullRecordDer =
    "308187"
    "16024431"                                   // deviceCode "D1"
    "0c09e6b58be8af95e7aba0"                     // yzmc "测试章"
    "160e3131303130303030303030303031"           // yzbm "11010000000001"
    "160b3131303130303030303031"                 // yzzzdwbm "11010000001"
    "16023031"                                   // yzlxdm "01"
    "0c06e5bca0e4b889"                           // jbr_xm "张三"
    "1603313131"                                 // jbr_zjlx "111"
    "1600"                                       // jbr_zjhm ""
    "16083230323631323034"                       // zzrq "20261204"
    "0c0ce6b58be8af95e58d95e4bd8d"               // yzsydw_dwmc "测试单位"
    "0c00"                                       // yzsydw_dwssmzwzmc ""
    "0c095465737420556e6974"                     // yzsydw_dwywmc "Test Unit"
    "0c09e588bbe7aba0e58e82"                     // yzzzdw_dwmc "刻章厂"
    "0c00"                                       // yzzzdw_dwssmzwzmc ""
    "0c00"                                       // yzzzdw_dwywmc ""
    "0c12393131313030303030303030303030303058";  // yzsydw_tyshxydm "91110000000000000X"

TEST(GaDataTest, EncodesAFullRecordWithALongFormLength) {
  auto der = encode_ga_data(full_record());
  ASSERT_TRUE(der) << der.error().message;
  EXPECT_EQ(crypto::to_hex(*der), kFullRecordDer);
  EXPECT_EQ(asn1parse_children(*der), ga_data_types());
  auto back = decode_ga_data(*der);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, full_record());
  // The same record with a non-minimal length (82 00 87) is BER, not DER.
  Bytes long_length = *crypto::from_hex(std::string("30820087") + (kFullRecordDer + 6));
  EXPECT_FALSE(decode_ga_data(long_length));
}

TEST(GaDataTest, FieldsByTheirNames) {
  ASSERT_EQ(ga_data_field_names().size(), 16u);
  EXPECT_EQ(ga_data_field_names().front(), "deviceCode");
  EXPECT_EQ(ga_data_field_names().back(), "yzsydw_tyshxydm");
  GaData d;
  *ga_data_field(d, "yzzzdw_dwywmc") = "Maker";
  EXPECT_EQ(d.yzzzdw_dwywmc, "Maker");
  EXPECT_EQ(ga_data_field(d, "nonsense"), nullptr);
}

// The refusal a caller can tell apart from a fault of its own: kInvalidInput, with a message.
template <typename T>
::testing::AssertionResult refused_as_invalid(const Result<T>& result) {
  if (result.ok()) return ::testing::AssertionFailure() << "accepted";
  if (result.error().kind != ErrorKind::kInvalidInput)
    return ::testing::AssertionFailure() << "wrong kind: " << result.error().message;
  return ::testing::AssertionSuccess() << result.error().message;
}

TEST(GaDataTest, RefusesWhatIsNotTheSequence) {
  Bytes der = *crypto::from_hex(kSmallRecordDer);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(trailing)));
  // Fifteen fields.
  Bytes short_one =
      *crypto::from_hex(std::string("3025") + std::string(kSmallRecordDer).substr(4, 74));
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(short_one)));
  // Seventeen.
  Bytes long_one = *crypto::from_hex(std::string("3029") + (kSmallRecordDer + 4) + "0c00");
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(long_one)));
  // A PrintableString where an IA5String belongs, and a UTF8String where an IA5String belongs.
  Bytes wrong_tag = der;
  wrong_tag[2] = 0x13;
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(wrong_tag)));
  wrong_tag[2] = 0x0C;
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(wrong_tag)));
  // Non-ASCII in an IA5String, and invalid UTF-8 in a UTF8String.
  Bytes high = der;
  high[4] = 0xC4;
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(high)));
  Bytes broken = der;
  broken[8] = 0xFF;
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(broken)));
  // A SET, and nothing.
  Bytes set = der;
  set[0] = 0x31;
  EXPECT_TRUE(refused_as_invalid(decode_ga_data(set)));
  EXPECT_TRUE(refused_as_invalid(decode_ga_data({})));
  // Encoding refuses the same: Chinese in an IA5String field, a lone continuation byte in a
  // UTF8String one.
  GaData d = small_record();
  d.yzbm = "编码";
  EXPECT_TRUE(refused_as_invalid(encode_ga_data(d)));
  d = small_record();
  d.jbr_xm = "\x80";
  EXPECT_TRUE(refused_as_invalid(encode_ga_data(d)));
}

TEST(DeviceCodeTest, IsSm4EcbWithPkcs7Padding) {
  // GB/T 32907's vector: key = plaintext = 0123456789ABCDEFFEDCBA9876543210; PKCS#7 adds a block.
  Bytes key = *crypto::from_hex("0123456789abcdeffedcba9876543210");
  std::string block(key.begin(), key.end());
  auto sealed = encrypt_device_code(key, block);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(crypto::to_hex_upper(*crypto::from_base64(*sealed)),
            "681EDF34D206965E86B3E94F536E4246002A8A4EFA863CCAD024AC0300BB40D2");
  auto abc = encrypt_device_code(key, "abc");
  EXPECT_EQ(crypto::to_hex_upper(*crypto::from_base64(*abc)), "1055435B9ECE612344F8E10016C4943B");
  EXPECT_EQ(*decrypt_device_code(key, *abc), "abc");
  Bytes other = key;
  other[0] ^= 1;
  EXPECT_FALSE(decrypt_device_code(other, *abc));
}

TEST(PackageTest, IssuedToAKeyOpensWithItOnly) {
  auto key = *crypto::Sm2PrivateKey::generate();
  GaData record = small_record();
  record.yzsydw_dwmc = "某某市测试单位";
  auto issued = issue_package(record, key.public_key());
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_EQ(issued->package.yzbm, "11");
  // Each key travels as a packed ECCCipher: 164 bytes and the 16-byte key, L little-endian.
  for (const auto& blob : {issued->package.data_sym_key_enc, issued->package.app_sym_key_enc}) {
    Bytes raw = *crypto::from_base64(blob);
    ASSERT_EQ(raw.size(), 180u);
    EXPECT_EQ(raw[160], 16);
    EXPECT_EQ(raw[161] | raw[162] | raw[163], 0);
  }
  auto opened = open_package(issued->package, key);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->data, record);
  EXPECT_EQ(Bytes(opened->data_key.begin(), opened->data_key.end()),
            Bytes(issued->data_key.begin(), issued->data_key.end()));
  EXPECT_NE(Bytes(opened->data_key.begin(), opened->data_key.end()),
            Bytes(opened->app_key.begin(), opened->app_key.end()));
  auto other = *crypto::Sm2PrivateKey::generate();
  auto refused = open_package(issued->package, other);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("dataSymKeyEnc"), std::string::npos);
  // A GM/T 0009 DER envelope from another platform opens as well.
  Package der_package = issued->package;
  auto parts = crypto::sm2_ciphertext_decode(*crypto::from_base64(der_package.data_sym_key_enc),
                                             crypto::Sm2CipherFormat::kEccCipher);
  der_package.data_sym_key_enc =
      crypto::to_base64(crypto::sm2_ciphertext_encode(*parts, crypto::Sm2CipherFormat::kDer));
  EXPECT_TRUE(open_package(der_package, key));
}

TEST(PackageTest, OpensslReadsTheEnvelopeAndTheFile) {
  TempDir dir;
  auto made =
      run_command(openssl_binary() + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " +
                  (dir.path() / "key.pem").string());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto key = *crypto::Sm2PrivateKey::from_pem(to_string(*read_file(dir.path() / "key.pem")));
  GaData record = small_record();
  auto issued = issue_package(record, key.public_key());
  ASSERT_TRUE(issued);
  auto parts = crypto::sm2_ciphertext_decode(*crypto::from_base64(issued->package.data_sym_key_enc),
                                             crypto::Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(parts);
  ASSERT_TRUE(
      write_file_atomic(dir.path() / "key.der",
                        crypto::sm2_ciphertext_encode(*parts, crypto::Sm2CipherFormat::kDer)));
  auto plain = run_command(
      openssl_binary() + " pkeyutl -decrypt -inkey " + (dir.path() / "key.pem").string() + " -in " +
      (dir.path() / "key.der").string() + " -out " + (dir.path() / "data.key").string());
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  Bytes data_key = *read_file(dir.path() / "data.key");
  EXPECT_EQ(data_key, Bytes(issued->data_key.begin(), issued->data_key.end()));
  ASSERT_TRUE(
      write_file_atomic(dir.path() / "enc.bin", *crypto::from_base64(issued->package.enc_file)));
  auto file =
      run_command(openssl_binary() + " enc -d -sm4-ecb -K " + crypto::to_hex(data_key) + " -in " +
                  (dir.path() / "enc.bin").string() + " -out " + (dir.path() / "ga.der").string());
  ASSERT_EQ(file.exit_code, 0) << file.output;
  EXPECT_EQ(*read_file(dir.path() / "ga.der"), *encode_ga_data(record));
}

TEST(PackageTest, OpensEveryEnvelopeEncodingPeersSend) {
  // sm2_decrypt without a format tells ECCCipher (first byte 00, L consistent), DER (30) and
  // C1C3C2 (04) apart; C1C2C3 cannot be told from C1C3C2 and is not accepted.
  auto key = *crypto::Sm2PrivateKey::generate();
  auto issued = issue_package(full_record(), key.public_key());
  ASSERT_TRUE(issued) << issued.error().message;
  for (auto format : {crypto::Sm2CipherFormat::kDer, crypto::Sm2CipherFormat::kC1C3C2}) {
    Package package = issued->package;
    for (std::string* blob : {&package.data_sym_key_enc, &package.app_sym_key_enc}) {
      auto parts = crypto::sm2_ciphertext_decode(*crypto::from_base64(*blob),
                                                 crypto::Sm2CipherFormat::kEccCipher);
      ASSERT_TRUE(parts);
      *blob = crypto::to_base64(crypto::sm2_ciphertext_encode(*parts, format));
    }
    auto opened = open_package(package, key);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->data, full_record());
    EXPECT_EQ(opened->app_key, issued->app_key);
    EXPECT_EQ(opened->data_key, issued->data_key);
  }
}

TEST(PackageTest, NamesThePartThatFails) {
  auto key = *crypto::Sm2PrivateKey::generate();
  auto issued = issue_package(small_record(), key.public_key());
  ASSERT_TRUE(issued) << issued.error().message;
  auto fails_naming = [&](const Package& package, const std::string& part) {
    auto opened = open_package(package, key);
    EXPECT_TRUE(refused_as_invalid(opened)) << part;
    if (!opened) {
      EXPECT_NE(opened.error().message.find(part), std::string::npos) << opened.error().message;
    }
  };

  Package p = issued->package;
  p.app_sym_key_enc = "not base64!";
  fails_naming(p, "appSymKeyEnc");
  // A C3 check that fails: one bit of C2 flipped.
  p = issued->package;
  Bytes blob = *crypto::from_base64(p.app_sym_key_enc);
  blob.back() ^= 1;
  p.app_sym_key_enc = crypto::to_base64(blob);
  fails_naming(p, "appSymKeyEnc");
  // An envelope that holds 32 bytes, not an SM4 key.
  p = issued->package;
  p.data_sym_key_enc = crypto::to_base64(
      *crypto::sm2_encrypt(key.public_key(), Bytes(32, 7), crypto::Sm2CipherFormat::kEccCipher));
  fails_naming(p, "16-byte");

  p = issued->package;
  p.enc_file = "@@@@";
  fails_naming(p, "encFile");
  // Padding byte 00: not PKCS#7 however the block decrypts.
  p = issued->package;
  p.enc_file = crypto::to_base64(
      *crypto::sm4_ecb_encrypt(issued->data_key, Bytes(16, 0), crypto::Padding::kNone));
  fails_naming(p, "encFile");
  // Decrypts and unpads, but is not GAData.
  p = issued->package;
  p.enc_file = crypto::to_base64(*crypto::sm4_ecb_encrypt(issued->data_key, as_bytes("no DER")));
  fails_naming(p, "GAData");
  // Over 40 KiB of base64, refused before any decryption.
  p = issued->package;
  p.enc_file = std::string(kMaxEncFileSize + 4, 'A');
  fails_naming(p, "40 KiB");
}

TEST(PackageTest, RefusesARecordOverFortyKibibytes) {
  auto key = *crypto::Sm2PrivateKey::generate();
  GaData record = small_record();
  record.yzmc = std::string(40 * 1024, 'x');
  auto issued = issue_package(record, key.public_key());
  ASSERT_FALSE(issued);
  EXPECT_NE(issued.error().message.find("40 KiB"), std::string::npos);
}

}  // namespace
}  // namespace eseal::filing
