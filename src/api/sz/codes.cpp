#include "api/sz/codes.h"

#include <utility>

namespace eseal::api::sz {
namespace {

// Table B.1, in order.
const std::vector<std::pair<std::string_view, std::string_view>>& table() {
  static const std::vector<std::pair<std::string_view, std::string_view>> rows = {
      {code::kSuccess, "操作成功"},
      {code::kBadParameter, "请求参数{**}校验失败"},
      {code::kServer, "服务端处理异常"},
      {code::kUnauthorizedQuery, "未授权的数据查询"},
      {code::kNoSeal, "未查询到有效的电子印章数据"},
      {code::kGrantEnded, "已失效授权码"},
      {code::kGrantInvalid, "授权码校验失败"},
      {code::kTaskExpired, "电子签章任务已失效（超时）"},
      {code::kPdfConversion, "PDF 文档格式转换错误"},
      {code::kOfdConversion, "OFD 文档格式转换错误"},
      {code::kTooLarge, "文档大小超限"},
      {code::kBadJson, "请求参数 Json 转换异常"},
      {code::kDamaged, "文件已损坏"},
      {code::kUnauthorized, "请求未授权"},
      {code::kSealServer, "电子印章服务端处理异常"},
      {code::kBusiness, "业务处理异常"},
      {code::kPlatform, "请求印章平台返回错误"},
      {code::kNoFileId, "未找到 fileId 对应的文件"},
      {code::kSealType, "盖章类型错误"},
      {code::kDeleteOption, "删除签章选项错误"},
      {code::kDocument, "PDF/OFD 文档处理异常"},
      {code::kNoKeyword, "未找到电子签章关键字：{**}"},
      {code::kNoLeftCrossPage, "该业务不支持左侧骑缝章"},
      {code::kBadPage, "页码{**、**}错误"},
      {code::kBadSignValue, "摘要签名值验证失败"},
      {code::kNoSignature, "文档未找到签章"},
      {code::kRevokeFailed, "撤销印章失败"},
      {code::kTimeStamp, "时间戳验证失败"},
      {code::kRootCertificate, "根证书验证失败"},
      {code::kTaskFailed, "请求电子签章任务失败"},
      {code::kDigest, "电子签章摘要处理异常"},
      {code::kCompose, "电子签章合章处理异常"},
      {code::kMethod, "不支持当前请求方法"},
      {code::kMediaType, "不支持当前媒体类型"},
      {code::kRejected, "请求被拒绝"},
      {code::kFileType, "不支持的文件类型"},
      {code::kNotStandard, "非标准印章"},
      {code::kLibrary, "加载库错误"},
      {code::kGetSeal, "获取印章错误"},
      {code::kSignFailed, "签名失败"},
      {code::kVerifyFailed, "验签失败"},
      {code::kSealParse, "印章解析失败"},
      {code::kUnsigned, "未签署的文件"},
      {code::kNoVerifyData, "传入的验签数据为空"},
      {code::kConversion, "文档转换失败"},
      {code::kUserCheck, "用户校验失败"},
      {code::kNoSealData, "获取印章数据为空"},
      {code::kFrozen, "印章已冻结"},
      {code::kRevoked, "印章已注销"},
      {code::kNotFiled, "印章未备案"},
      {code::kExpired, "印章已过期"},
      {code::kNotYetValid, "印章未生效"},
      {code::kNoFile, "文件不存在"},
      {code::kUntrustedMaker, "制章者未在受信任的电子印章体系或 PKI 体系内"},
      {code::kUnknown, "未知异常"},
  };
  return rows;
}

}  // namespace

std::string_view message_of(std::string_view code) {
  for (const auto& [c, m] : table()) {
    if (c == code) return m;
  }
  return {};
}

std::string message(std::string_view code, std::initializer_list<std::string_view> parts) {
  std::string_view pattern = message_of(code);
  std::string out;
  const auto* part = parts.begin();
  constexpr std::string_view kHole = "{**}";
  constexpr std::string_view kHoles = "{**、**}";
  std::size_t at = 0;
  while (at < pattern.size()) {
    if (pattern.substr(at).starts_with(kHoles)) {
      // Two particulars, joined as the placeholder joins them.
      for (int i = 0; i < 2 && part != parts.end(); ++i, ++part) {
        out += (i == 0 ? "" : "、") + std::string(*part);
      }
      at += kHoles.size();
    } else if (pattern.substr(at).starts_with(kHole)) {
      if (part != parts.end()) out += *part++;
      at += kHole.size();
    } else {
      out += pattern[at++];
    }
  }
  for (std::string_view sep = "："; part != parts.end(); ++part, sep = "；") {
    if (part->empty()) continue;
    out += std::string(sep) + std::string(*part);
  }
  return out;
}

const std::vector<std::string_view>& all_codes() {
  static const std::vector<std::string_view> codes = [] {
    std::vector<std::string_view> out;
    for (const auto& row : table()) out.push_back(row.first);
    return out;
  }();
  return codes;
}

}  // namespace eseal::api::sz
