// The LD/T 01.4 door's words: how the service's refusals and verification results read in this
// family's responses (Chinese, as the seed's examples). Every failure that is not the caller's
// is worded by its kind only, so that no database or library text reaches a response.
#pragma once

#include <string>

#include "base/result.h"
#include "service/platform.h"
#include "service/time_stamping.h"
#include "service/verification.h"

namespace eseal::api::ldt {

// "服务器存储错误" for an I/O failure, else "服务器内部错误".
std::string internal_error(const Error& e);

// A refusal of the request's content (a page that does not exist, a keyword not found) worded
// by eseal itself is passed on; a limit's (kLimitExceeded: [limits], the engines' ceilings)
// after "超出服务器限制："; a signing without its time stamp is "时间戳服务不可用"; anything
// else is internal_error.
std::string document_refusal(const Error& e);

// The seal registry's refusals (service::seal_code); `subject` is what the request named (a seal
// id or a DN), `seal` the seal when it was found.
std::string seal_refusal(const Error& e, const std::string& subject,
                         const service::RegisteredSeal* seal = nullptr);

// A verified signature's info: "验证通过"; "验证结果不确定：" and the findings; or the failed
// checks with their details ("digest: …; signer-chain: …").
std::string verification_info(const service::SignatureSummary& signature);

// Why a document that does not verify is not valid: "文件中没有签章", "签章验证结果不确定" or
// "签章验证未通过".
std::string invalid_reason(const service::VerifySummary& summary);

}  // namespace eseal::api::ldt
