// The filing package (LD/T 01.4 §5.2.6): GAData's DER against the seed's ASN.1 (checked with
// `openssl asn1parse`), SM4-ECB-PKCS7 against the published vectors, and the keys' ECCCipher
// envelopes read back by OpenSSL's SM2 decryption; then issue and open round trips and refusals.
#include "filing/package.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/sm2_cipher.h"
#include "support/process.h"

namespace eseal::filing {
namespace {

using eseal::test::openssl_binary;
using eseal::test::run_command;
using eseal::test::TempDir;

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

  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "ga.der", *der));
  auto parsed = run_command(openssl_binary() + " asn1parse -inform DER -in " +
                            (dir.path() / "ga.der").string());
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  std::size_t ia5 = 0, utf8 = 0;
  for (std::size_t at = 0; (at = parsed.output.find("IA5STRING", at)) != std::string::npos; ++at)
    ++ia5;
  for (std::size_t at = 0; (at = parsed.output.find("UTF8STRING", at)) != std::string::npos; ++at)
    ++utf8;
  EXPECT_EQ(ia5, 7u) << parsed.output;
  EXPECT_EQ(utf8, 9u) << parsed.output;
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

TEST(GaDataTest, RefusesWhatIsNotTheSequence) {
  Bytes der = *crypto::from_hex(kSmallRecordDer);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_FALSE(decode_ga_data(trailing));
  // Fifteen fields.
  Bytes short_one =
      *crypto::from_hex(std::string("3025") + std::string(kSmallRecordDer).substr(4, 74));
  EXPECT_FALSE(decode_ga_data(short_one));
  // A PrintableString where an IA5String belongs.
  Bytes wrong_tag = der;
  wrong_tag[2] = 0x13;
  EXPECT_FALSE(decode_ga_data(wrong_tag));
  // Non-ASCII in an IA5String, and invalid UTF-8 in a UTF8String.
  Bytes high = der;
  high[4] = 0xC4;
  EXPECT_FALSE(decode_ga_data(high));
  Bytes broken = der;
  broken[8] = 0xFF;
  EXPECT_FALSE(decode_ga_data(broken));
  GaData d = small_record();
  d.yzbm = "编码";
  EXPECT_FALSE(encode_ga_data(d));
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
