#include "api/tsa/authority.h"

#include "api/tsa/remote.h"
#include "asn1/oid.h"

namespace eseal::api::tsa {

Result<eseal::tsa::Settings> settings_from(const Config& config) {
  eseal::tsa::Settings s;
  if (!asn1::oid::encode_content(config.tsa.policy)) {
    return Error::invalid_input("[tsa] policy: \"" + config.tsa.policy + "\" is not an OID");
  }
  s.policy = config.tsa.policy;
  const std::string& list = config.tsa.accepted_policies;
  for (std::size_t from = 0; from < list.size();) {
    std::size_t comma = std::min(list.find(',', from), list.size());
    std::string policy = list.substr(from, comma - from);
    if (!asn1::oid::encode_content(policy)) {
      return Error::invalid_input("[tsa] accepted_policies: \"" + policy + "\" is not an OID");
    }
    s.accepted_policies.push_back(policy);
    from = comma + 1;
  }
  s.z = config.tsa.signature != "no-z";
  s.include_name = config.tsa.include_name != 0;
  return s;
}

Result<std::unique_ptr<service::TimeStampAuthority>> authority_from(
    const Config& config, service::StorePlatform& platform) {
  if (!config.tsa.url.empty()) {
    auto remote =
        RemoteTimeStampAuthority::make(config.tsa.url, std::chrono::seconds(config.tsa.timeout_s));
    if (!remote) return remote.error().with_context("[tsa] url");
    return std::unique_ptr<service::TimeStampAuthority>(std::move(*remote));
  }
  auto settings = settings_from(config);
  if (!settings) return settings.error();
  auto signer = platform.tsa_signer();
  if (!signer) {
    if (signer.error().kind == ErrorKind::kNotFound) {
      return std::unique_ptr<service::TimeStampAuthority>();
    }
    return signer.error().with_context("the time-stamp authority's key");
  }
  return std::unique_ptr<service::TimeStampAuthority>(
      new service::LocalTimeStampAuthority(*signer, std::move(*settings), platform));
}

Result<service::TimeStampAuthority*> signing_authority(const Config& config,
                                                       service::TimeStampAuthority* authority) {
  if (config.signing.time_stamp == "none") return nullptr;
  if (config.signing.time_stamp == "tsa" && !authority) {
    return Error::invalid_input(
        "[signing] time_stamp = \"tsa\", but there is no time-stamp authority: set [tsa] url, or "
        "put the TSA's certificate and key in D/platform/tsa.pem and tsa.key (eseal demo does)");
  }
  return authority;
}

}  // namespace eseal::api::tsa
