// The time-stamp authority a server uses, from its configuration ([tsa], [signing] time_stamp):
// an external one at [tsa] url, else the platform's own from D/platform/tsa.pem and .key.
#pragma once

#include <memory>

#include "api/config.h"
#include "service/signing.h"
#include "service/store_platform.h"
#include "service/time_stamping.h"

namespace eseal::api::tsa {

// [tsa] policy, accepted_policies, signature and include_name as the engine's settings;
// kInvalidInput naming the key for a policy that is not an OID.
Result<eseal::tsa::Settings> settings_from(const Config& config);

// The authority, or nullptr when none is set up (no [tsa] url and no D/platform/tsa.pem).
// kInvalidInput for a bad URL or policy; the platform's errors for a TSA key that cannot be
// read.
Result<std::unique_ptr<service::TimeStampAuthority>> authority_from(
    const Config& config, service::StorePlatform& platform);

// Whether the server's signatures carry time stamps from `authority` ([signing] time_stamp):
// kInvalidInput for "tsa" without an authority.
Result<service::TimeStampAuthority*> signing_authority(const Config& config,
                                                       service::TimeStampAuthority* authority);

}  // namespace eseal::api::tsa
