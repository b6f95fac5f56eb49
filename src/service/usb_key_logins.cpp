#include "service/usb_key_logins.h"

#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "service/payload.h"

namespace eseal::service {
namespace {

Result<UsbKeyLogin> login_of(const TaskRecord& task) {
  auto p = read_fields(task.payload);
  if (!p) return p.error().with_context("usb key login " + task.id);
  UsbKeyLogin login{task.id,
                    task.reference,
                    (*p)["statement"],
                    (*p)["seal"],
                    task.state,
                    {},
                    task.expires.value_or(Time{})};
  if (!task.result.empty()) {
    auto signature = crypto::from_base64(task.result);
    if (!signature) return signature.error().with_context("usb key login " + task.id);
    login.signature = std::move(*signature);
  }
  return login;
}

}  // namespace

const TaskKind& usb_key_login_kind() {
  static const TaskKind kind{
      "usbkey.login", "CHALLENGED", {{"CHALLENGED", "SIGNED"}}, {"SIGNED"}, "EXPIRED"};
  return kind;
}

Result<UsbKeyLogin> UsbKeyLogins::challenge(const Caller& app, const std::string& number,
                                            const std::string& statement,
                                            const std::string& seal_id, Time expires, Time now) {
  Fields payload{{"statement", statement}, {"seal", seal_id}};
  auto task = tasks_.create(usb_key_login_kind(),
                            {app.app_id, "", write_fields(payload), expires, std::nullopt, number},
                            now, app.actor());
  if (!task) return task.error();
  return login_of(*task);
}

Result<UsbKeyLogin> UsbKeyLogins::find(const Caller& app, const std::string& number, Time now) {
  store::TaskQuery query;
  query.app_id = app.app_id;
  query.reference = number;
  query.limit = 1;
  auto tasks = tasks_.list(usb_key_login_kind(), query, now);
  if (!tasks) return tasks.error();
  if (tasks->empty()) return Error::not_found("no usb key login " + number);
  return login_of(tasks->front());
}

Result<UsbKeyLogin> UsbKeyLogins::sign(const Caller& app, const std::string& number,
                                       ByteView signature, const pki::Certificate& certificate,
                                       Time now) {
  auto login = find(app, number, now);
  if (!login) return login.error();
  if (login->state == "SIGNED") return login;
  if (login->state != "CHALLENGED") return Error::invalid_input("the login has expired");
  auto key = certificate.public_key();
  if (!key) return key.error();
  if (auto checked = crypto::sm2_verify(*key, as_bytes(login->statement), signature); !checked) {
    return checked.error();
  }
  auto der = signature.size() == 64 ? crypto::sm2_signature_raw_to_der(signature)
                                    : Result<Bytes>(Bytes(signature.begin(), signature.end()));
  if (!der) return der.error();
  auto moved = tasks_.move(usb_key_login_kind(), login->id,
                           {.to = "SIGNED", .result = crypto::to_base64(*der)}, now, app.actor());
  if (!moved) return moved.error();
  return login_of(*moved);
}

}  // namespace eseal::service
