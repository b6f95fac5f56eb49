// The COSS door's auto-sign and delegation operations (manual §3.4.3, §3.4.5): what the
// business system asks of service/auto_sign.h and service/delegations.h, in the manual's fields.
#include <rapidjson/document.h>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"
#include "api/coss/routes.h"
#include "api/coss/wording.h"
#include "crypto/encoding.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Document;
using rapidjson::Value;

// A whole number field ("" as `fallback`); -1 for anything else, which the service refuses.
int whole(const std::string& text, int fallback) {
  if (text.empty()) return fallback;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(text);
}

}  // namespace

// startAutoSign: the consent job the user signs on the phone (and escrows the share for);
// eseal's maxCount (default 1000) bounds the uses besides the window of timeRegion seconds.
std::string Adapter::start_auto_sign(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  int seconds = whole(r.text("timeRegion"), -1);
  int count = whole(r.text("maxCount"), service::kDefaultAutoSignCount);
  auto started = s_.auto_sign.start(c.app, user_id, seconds, count, r.text("callBackUrl"), c.now);
  if (!started) return answer(refusal_of(started.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "signDataId", started->job.id);
  put(data, "qrCode", qr_payload(c.app.name, c.public_url, started->job.ticket));
  put(data, "data", crypto::to_base64(started->job.data));
  return success(r.trans_id, &data);
}

std::string Adapter::end_auto_sign(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  Status ended = s_.auto_sign.end(c.app, user_id, r.text("signToken"), c.now);
  if (!ended) {
    if (ended.error().code == service::auto_sign_code::kNotStarted) {
      return answer({89005021, ""}, r.trans_id);
    }
    return answer(refusal_of(ended.error()), r.trans_id);
  }
  return success(r.trans_id);
}

std::string Adapter::auto_sign(const Call& c) {
  const Request& r = c.r;
  service::NewSignJob j{r.text("userId"),      r.text("title"),
                        r.text("dataType"),    r.text("algo"),
                        r.text("description"), "",
                        r.text("data"),        ""};
  if (j.user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  if (j.title.empty()) j.title = "自动签名";
  if (j.data_type == "WEB_SEAL") {
    return answer({code::kBadParameter, "自动签名不支持WEB_SEAL：请用getPdfHash的hashSetBytes"},
                  r.trans_id);
  }
  auto job = s_.auto_sign.sign(c.app, j, r.text("signToken"), c.now);
  if (!job) return answer(refusal_of(job.error(), 89003006), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "signDataId", job->id);
  put(data, "signResult", crypto::to_base64(job->signature));
  put(data, "signCert", crypto::to_base64(job->certificate));
  return success(r.trans_id, &data);
}

// queryAutoSignRegion: STARTED with its end ("yyyy-MM-dd HH:mm") while a grant is active, else
// STOPPED.
std::string Adapter::query_auto_sign(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  auto user = s_.users.find(c.app, user_id);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  auto grant = s_.auto_sign.current(c.app, user_id, c.now);
  if (!grant) return answer(refusal_of(grant.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  put(data, "userId", user_id);
  put(data, "autoSignStatus", *grant ? "STARTED" : "STOPPED");
  put(data, "endTime", *grant && (*grant)->ends ? china_time(*(*grant)->ends).substr(0, 16) : "");
  return success(r.trans_id, &data);
}

// getAuthorizedsDetail: for a user with a certificate, dataList holds the delegations they gave
// and othersList those they received; for one without, dataList holds those received (the
// manual's rule).
std::string Adapter::get_authorizeds_detail(const Call& c) {
  const Request& r = c.r;
  std::string user_id = r.text("userId"), status = r.text("status");
  if (user_id.empty()) return answer({code::kBadParameter, "缺少userId"}, r.trans_id);
  if (status != "WAIT" && status != "AUTHORIZE" && status != "REFUSE" && status != "CANCEL") {
    return answer({code::kBadParameter, "status应为WAIT、AUTHORIZE、REFUSE或CANCEL"}, r.trans_id);
  }
  auto user = s_.users.find(c.app, user_id);
  if (!user) return answer(refusal_of(user.error()), r.trans_id);
  bool certified = s_.keys.signing_key(c.app, user_id).ok();
  auto given = s_.delegations.given(user_id, status, c.now);
  auto received = s_.delegations.received(user_id, status, c.now);
  if (!given) return answer(refusal_of(given.error()), r.trans_id);
  if (!received) return answer(refusal_of(received.error()), r.trans_id);
  Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  auto person = [&](Value& item, const std::string& prefix, const std::string& id) {
    auto u = s_.users.find(c.app, id);
    auto field = [&](const char* name, std::string_view value) {
      put(item, a, prefix + name, value);
    };
    field("Id", id);
    if (!u) return;
    auto masked = s_.users.masked_id_number(*u);
    field("Name", u->name);
    field("CardType", id_type_name(u->id_type));
    field("CardId", masked ? *masked : "");
    field("JobNumber", u->unique_id);
    field("Phone", u->mobile);
    field("Department", u->department);
  };
  auto list = [&](const std::vector<service::Delegation>& delegations) {
    Value items(rapidjson::kArrayType);
    for (const auto& d : delegations) {
      if (d.app_id != c.app.app_id) continue;
      Value item(rapidjson::kObjectType);
      put(item, a, "businessId", d.id);
      person(item, "authorizer", d.grantor_id);
      person(item, "authorizee", d.grantee_id);
      put(item, a, "createTime", china_time(d.created));
      put(item, a, "endTime", china_time(d.ends));
      put(item, a, "status", d.status);
      items.PushBack(item, a);
    }
    return items;
  };
  if (certified) {
    data.AddMember("dataList", list(*given), a);
    data.AddMember("othersList", list(*received), a);
  } else {
    data.AddMember("dataList", list(*received), a);
    data.AddMember("othersList", Value(rapidjson::kArrayType), a);
  }
  return success(r.trans_id, &data);
}

}  // namespace eseal::api::coss
