// Logins with a USB key (DB4403 LOGIN-04, keys as GB/T 35291 / GM/T 0016 describe them): the
// platform hands out a statement naming who logs in to what, the key signs it on the person's
// computer (SM3withSM2 with the default user id, through libhrss or eseal's agent), and the
// platform checks the signature with the certificate of the organization's USB-key seal. Each
// login is a task of kind "usbkey.login" (CHALLENGED → SIGNED; EXPIRED at its time) owned by the
// app that asked, found by the task number that app was given.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "service/platform.h"
#include "service/tasks.h"

namespace eseal::service {

const TaskKind& usb_key_login_kind();

struct UsbKeyLogin {
  std::string id;         // the task's id
  std::string number;     // the number the app knows it by (DB4403 signTaskId)
  std::string statement;  // what the key signs, UTF-8
  std::string seal_id;    // the seal whose signer certificate is the key's
  std::string state;      // CHALLENGED, SIGNED, EXPIRED
  Bytes signature;        // once SIGNED: the key's signature (DER)
  Time expires{};
};

class UsbKeyLogins {
 public:
  explicit UsbKeyLogins(store::Store& store) : tasks_(store) {}

  Result<UsbKeyLogin> challenge(const Caller& app, const std::string& number,
                                const std::string& statement, const std::string& seal_id,
                                Time expires, Time now);
  // The app's login `number` as of `now`; kNotFound for another app's or an unknown one.
  Result<UsbKeyLogin> find(const Caller& app, const std::string& number, Time now);
  // Checks `signature` (DER or r||s) over the statement with `certificate`'s key and records it.
  // kVerificationFailed when it does not verify, kInvalidInput when it is malformed or the login
  // has expired; a login signed already answers as it was.
  Result<UsbKeyLogin> sign(const Caller& app, const std::string& number, ByteView signature,
                           const pki::Certificate& certificate, Time now);

 private:
  Tasks tasks_;
};

}  // namespace eseal::service
