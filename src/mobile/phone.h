// A phone that speaks the COSS mobile API (api/coss/mobile.h) over HTTP, with its share in a
// Wallet: activation from the QR payload or a typed code (key generation with proofs, the key
// confirmed, the certificate request signed together), the user's jobs, what a job will sign
// (the digest recomputed on the phone and compared with the server's), signing and refusing,
// one job or every job a scanned QR code stands for.
// The token is renewed by a device-key login when the server says it has expired.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "mobile/wallet.h"

namespace eseal::mobile {

struct ActivateOptions {
  std::string server;  // http://host:port; from the QR payload when one is given
  std::string app_id;  // likewise
  std::string device_name = "eseal-mobile";
  std::string pin;
  bool find_back = false;   // a new key for a lost phone: the user's other keys end with it
  std::string mobile = {};  // the user's mobile number, with a typed code
};

struct JobView {
  std::string id, title, description, data_type, status, created, expires;
  Bytes data, hash;
};

struct SignedJob {
  std::string id, status;
  Bytes signature, certificate;
};

// An auto-sign grant as the phone lists it.
struct GrantView {
  std::string id, status, job_id, ends;
  int max_count = 0;
  std::int64_t used = 0;
};

// A delegation as the phone lists it: given by this user or received.
struct DelegationView {
  std::string id, status, grantor_id, grantor_name, grantee_id, grantee_name, ends;
  bool given = false;
};

// Server refusals carry the COSS code in Error::code ("89005009", …) and its message.
class Phone {
 public:
  explicit Phone(const Wallet& wallet) : wallet_(wallet) {}

  // `qr_or_code`: the QR payload ({"id","sUrl","o",…}) or the 8-digit code.
  Result<Account> activate(std::string_view qr_or_code, const ActivateOptions& options);
  Result<std::vector<JobView>> jobs(Account& account);
  // A job by its id (SD_…) or by a scanned QR payload.
  Result<JobView> show(Account& account, const std::string& job_or_qr);
  Result<SignedJob> sign(Account& account, const std::string& job_or_qr, std::string_view pin);
  Status refuse(Account& account, const std::string& job_or_qr, const std::string& reason);
  // A QR code that may stand for several jobs (a batch of files), `qr` being its payload (as
  // scanned, or as a JSON answer prints it) or the bare ticket "o": every job of it, each digest
  // checked as show() checks it. Resolving binds jobs for whoever scans to this user.
  Result<std::vector<JobView>> scan(Account& account, const std::string& qr);
  // Signs each open job of the QR code with one PIN entry.
  Result<std::vector<SignedJob>> confirm(Account& account, const std::string& qr,
                                         std::string_view pin);
  // Refuses each open job of the QR code.
  Status cancel(Account& account, const std::string& qr, const std::string& reason);
  // Auto-sign: the consent job (an AUTO_SIGN job, by id or QR payload) signed with the PIN if it
  // is still open, then the share escrowed for it, encrypted to the server's escrow key.
  Result<GrantView> grant_auto_sign(Account& account, const std::string& job_or_qr,
                                    std::string_view pin);
  // Ends this user's open grants; how many.
  Result<int> revoke_auto_sign(Account& account);
  Result<std::vector<GrantView>> auto_sign_grants(Account& account);

  // Delegation: this user lets `grantee` (a user id, or a mobile number) sign their jobs until
  // `ends` ("yyyy-MM-dd HH:mm:ss", China Standard Time); the statement is co-signed here.
  Result<DelegationView> delegate(Account& account, const std::string& grantee,
                                  const std::string& ends, std::string_view pin);
  Result<std::vector<DelegationView>> delegations(Account& account);
  // "accept" or "refuse" one received, "cancel" one given.
  Status answer_delegation(Account& account, const std::string& business_id,
                           const std::string& answer);

  // A DECRYPT job's plaintext, computed here from the server's half of the blinded C1.
  Result<crypto::SecureBytes> decrypt(Account& account, const std::string& job_or_qr,
                                      std::string_view pin);

 private:
  struct Answer;
  Result<Answer> post(Account& account, std::string_view operation, std::string body,
                      bool with_token);
  Status login(Account& account);
  Result<JobView> fetch(Account& account, const std::string& job_or_qr);
  Result<SignedJob> run_signing(Account& account, const JobView& job,
                                const crypto::SecureBytes& d1);

  const Wallet& wallet_;
};

}  // namespace eseal::mobile
