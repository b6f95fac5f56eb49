// The DB4403/T 383.4 status codes (appendix B, table B.1) as one table: every answer of the
// Shenzhen door carries the most specific code and the table's message, the `{**}` placeholders
// filled with the particulars, and further particulars after a full-width colon.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eseal::api::sz {

namespace code {
inline constexpr std::string_view kSuccess = "T000000";            // 操作成功
inline constexpr std::string_view kBadParameter = "T000001";       // 请求参数{**}校验失败
inline constexpr std::string_view kServer = "T000002";             // 服务端处理异常
inline constexpr std::string_view kUnauthorizedQuery = "T000003";  // 未授权的数据查询
inline constexpr std::string_view kNoSeal = "T000004";  // 未查询到有效的电子印章数据
inline constexpr std::string_view kGrantEnded = "T000005";    // 已失效授权码
inline constexpr std::string_view kGrantInvalid = "T000006";  // 授权码校验失败
inline constexpr std::string_view kTaskExpired = "T000007";  // 电子签章任务已失效（超时）
inline constexpr std::string_view kPdfConversion = "T000008";  // PDF 文档格式转换错误
inline constexpr std::string_view kOfdConversion = "T000009";  // OFD 文档格式转换错误
inline constexpr std::string_view kTooLarge = "T000010";       // 文档大小超限
inline constexpr std::string_view kBadJson = "T000011";        // 请求参数 Json 转换异常
inline constexpr std::string_view kDamaged = "T000012";        // 文件已损坏
inline constexpr std::string_view kUnauthorized = "T000013";   // 请求未授权
inline constexpr std::string_view kSealServer = "T000014";     // 电子印章服务端处理异常
inline constexpr std::string_view kBusiness = "T000015";       // 业务处理异常
inline constexpr std::string_view kPlatform = "T000016";       // 请求印章平台返回错误
inline constexpr std::string_view kNoFileId = "T000017";       // 未找到 fileId 对应的文件
inline constexpr std::string_view kSealType = "T000018";       // 盖章类型错误
inline constexpr std::string_view kDeleteOption = "T000019";   // 删除签章选项错误
inline constexpr std::string_view kDocument = "T000020";       // PDF/OFD 文档处理异常
inline constexpr std::string_view kNoKeyword = "T000021";  // 未找到电子签章关键字：{**}
inline constexpr std::string_view kNoLeftCrossPage = "T000022";  // 该业务不支持左侧骑缝章
inline constexpr std::string_view kBadPage = "T000023";          // 页码{**、**}错误
inline constexpr std::string_view kBadSignValue = "T000024";     // 摘要签名值验证失败
inline constexpr std::string_view kNoSignature = "T000025";      // 文档未找到签章
inline constexpr std::string_view kRevokeFailed = "T000026";     // 撤销印章失败
inline constexpr std::string_view kTimeStamp = "T000027";        // 时间戳验证失败
inline constexpr std::string_view kRootCertificate = "T000028";  // 根证书验证失败
inline constexpr std::string_view kTaskFailed = "T000029";       // 请求电子签章任务失败
inline constexpr std::string_view kDigest = "T000030";           // 电子签章摘要处理异常
inline constexpr std::string_view kCompose = "T000031";          // 电子签章合章处理异常
inline constexpr std::string_view kMethod = "T000032";           // 不支持当前请求方法
inline constexpr std::string_view kMediaType = "T000033";        // 不支持当前媒体类型
inline constexpr std::string_view kRejected = "T000034";         // 请求被拒绝
inline constexpr std::string_view kFileType = "T000035";         // 不支持的文件类型
inline constexpr std::string_view kNotStandard = "T000036";      // 非标准印章
inline constexpr std::string_view kLibrary = "T000037";          // 加载库错误
inline constexpr std::string_view kGetSeal = "T000038";          // 获取印章错误
inline constexpr std::string_view kSignFailed = "T000039";       // 签名失败
inline constexpr std::string_view kVerifyFailed = "T000040";     // 验签失败
inline constexpr std::string_view kSealParse = "T000041";        // 印章解析失败
inline constexpr std::string_view kUnsigned = "T000042";         // 未签署的文件
inline constexpr std::string_view kNoVerifyData = "T000043";     // 传入的验签数据为空
inline constexpr std::string_view kConversion = "T000044";       // 文档转换失败
inline constexpr std::string_view kUserCheck = "T000045";        // 用户校验失败
inline constexpr std::string_view kNoSealData = "T000046";       // 获取印章数据为空
inline constexpr std::string_view kFrozen = "T000047";           // 印章已冻结
inline constexpr std::string_view kRevoked = "T000048";          // 印章已注销
inline constexpr std::string_view kNotFiled = "T000049";         // 印章未备案
inline constexpr std::string_view kExpired = "T000050";          // 印章已过期
inline constexpr std::string_view kNotYetValid = "T000051";      // 印章未生效
inline constexpr std::string_view kNoFile = "T000052";           // 文件不存在
inline constexpr std::string_view kUntrustedMaker = "T000053";  // 制章者未在受信任的…体系内
inline constexpr std::string_view kUnknown = "T999999";         // 未知异常
}  // namespace code

// Table B.1's message for `code`, as printed; "" for a code the table does not list.
std::string_view message_of(std::string_view code);

// The message with its `{**}` placeholders filled from `parts` in order (T000023 has two), and
// what is left of `parts` after a full-width colon; e.g. ("T000001", {"sealType"}) is
// "请求参数sealType校验失败" and ("T000047", {"seal 12"}) "印章已冻结：seal 12".
std::string message(std::string_view code, std::initializer_list<std::string_view> parts = {});

// Every code of the table, in its order.
const std::vector<std::string_view>& all_codes();

}  // namespace eseal::api::sz
