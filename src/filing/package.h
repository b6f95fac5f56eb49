// The filing package the national platform issues for a seal (LD/T 01.4 §5.2.6, table 10): the
// police's record of the seal (GAData, §5.2.6.6) in DER, encrypted with SM4-ECB-PKCS7 under a
// fresh data key (encFile, base64, at most 40 KiB), and that key and an application maintenance
// key each encrypted to the seal's encryption certificate as a GM/T 0018 ECCCipher
// (dataSymKeyEnc, appSymKeyEnc). The carrier proves it holds the package with the device code
// encrypted under the data key (encDeviceCode, table 17). Pure: bytes in, bytes out.
//
// GAData as the seed prints it names two maker-unit fields `yzzzdwbm` (a misprint: they follow
// the user unit's dwmc and dwssmzwzmc) and the third `yzzzd_dwymc`; eseal reads them as
// yzzzdw_dwmc, yzzzdw_dwssmzwzmc and yzzzdw_dwywmc, the names example 4's sealData uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"

namespace eseal::filing {

struct GaData {
  std::string device_code;        // deviceCode IA5String 设备编码
  std::string yzmc;               // UTF8String 印章名称
  std::string yzbm;               // IA5String 印章编码
  std::string yzzzdwbm;           // IA5String 印章制作单位编码
  std::string yzlxdm;             // IA5String 印章类型代码
  std::string jbr_xm;             // UTF8String 经办人姓名
  std::string jbr_zjlx;           // IA5String 经办人证件类型
  std::string jbr_zjhm;           // IA5String 经办人证件号码
  std::string zzrq;               // IA5String 制作日期
  std::string yzsydw_dwmc;        // UTF8String 使用单位名称
  std::string yzsydw_dwssmzwzmc;  // UTF8String 使用单位少数民族文字名称
  std::string yzsydw_dwywmc;      // UTF8String 使用单位英文名称
  std::string yzzzdw_dwmc;        // UTF8String 制作单位名称
  std::string yzzzdw_dwssmzwzmc;  // UTF8String 制作单位少数民族文字名称
  std::string yzzzdw_dwywmc;      // UTF8String 制作单位英文名称
  std::string yzsydw_tyshxydm;    // UTF8String 使用单位统一社会信用代码
  bool operator==(const GaData&) const = default;
};

// The sixteen fields' names in DER order ("deviceCode", "yzmc", …, "yzsydw_tyshxydm"), and a
// field by name (nullptr for a name that is not one), so that a record can be read from and
// compared with sealData field by field.
const std::vector<std::string>& ga_data_field_names();
std::string* ga_data_field(GaData& data, std::string_view name);
const std::string* ga_data_field(const GaData& data, std::string_view name);

// kInvalidInput for an IA5String field that is not 7-bit ASCII or a UTF8String that is not
// well-formed UTF-8.
Result<Bytes> encode_ga_data(const GaData& data);
// Strict: one SEQUENCE of the sixteen strings with their tags, nothing after it.
Result<GaData> decode_ga_data(ByteView der);

inline constexpr std::size_t kMaxEncFileSize = 40 * 1024;  // encFile's base64, "最大不大于40K"
inline constexpr std::size_t kSymmetricKeySize = 16;

struct Package {
  std::string yzbm;
  std::string enc_file;          // base64(SM4-ECB-PKCS7(data key, DER GAData))
  std::string app_sym_key_enc;   // base64(ECCCipher(app key))
  std::string data_sym_key_enc;  // base64(ECCCipher(data key))
};

struct IssuedPackage {
  Package package;
  crypto::SecureBytes data_key, app_key;
};
// With fresh random keys, to `seal_encryption_key`. kInvalidInput when encFile would exceed
// kMaxEncFileSize.
Result<IssuedPackage> issue_package(const GaData& data,
                                    const crypto::Sm2PublicKey& seal_encryption_key);

struct OpenedPackage {
  GaData data;
  crypto::SecureBytes data_key, app_key;
};
// Decrypts the keys with the seal's encryption key (an ECCCipher as written, or a GM/T 0009 DER
// or C1C3C2 ciphertext as other platforms may send) and the record with the data key; each
// failure is kInvalidInput naming the part.
Result<OpenedPackage> open_package(const Package& package,
                                   const crypto::Sm2PrivateKey& seal_encryption_key);

// encDeviceCode: base64(SM4-ECB-PKCS7(data key, device code)).
Result<std::string> encrypt_device_code(ByteView data_key, std::string_view device_code);
Result<std::string> decrypt_device_code(ByteView data_key, std::string_view enc_device_code);

}  // namespace eseal::filing
