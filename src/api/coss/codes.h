// The COSS status codes (the manual's chapter 4) as one table: every refusal of the COSS door
// carries the most specific code and the table's message for it, with the particulars after a
// full-width colon.
#pragma once

#include <string_view>

namespace eseal::api::coss {

namespace code {
inline constexpr int kSuccess = 200;
inline constexpr int kBadParameter = 89000001;   // 请求参数错误
inline constexpr int kDatabase = 89000002;       // 操作数据库异常
inline constexpr int kUnknownApp = 89000003;     // 接入方ID不存在
inline constexpr int kBadSignature = 89000005;   // 验证请求签名错误
inline constexpr int kNoResult = 89000006;       // 操作成功，无结果集
inline constexpr int kServer = 89000007;         // 服务端异常
inline constexpr int kIdNumberEmpty = 89000008;  // 证件号码为空
}  // namespace code

// The manual's message for `code`; "服务端异常" for a code it does not list.
std::string_view message_of(int code);
bool is_known(int code);

}  // namespace eseal::api::coss
