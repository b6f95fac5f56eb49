// eseal filing upward: the LD/T 01.4 §5.2 messages sent to a national platform (another eseal,
// or the real one by configuration) over the same envelope as every LD/T call. Each answer's
// header is checked and its signInfo verified against the platform's certificate before
// anything in it is used; the status door's token is checked likewise.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>

#include "api/http_client.h"
#include "api/ldt/envelope.h"
#include "pki/certificate.h"
#include "service/filing.h"

namespace eseal::api::ldt {

struct UpstreamOptions {
  std::string url;  // http://host:port/seal/v1/electricSeal
  ClientCredentials credentials;
  pki::Certificate platform_cert;  // verifies signInfo and the status door's token
  std::chrono::seconds timeout{60};
  // The DB.* account (DB.oauth.token), when the platform gave one.
  std::string username = {}, password = {}, salt = {}, client_id = {}, client_secret = {};
};

class FilingClient final : public service::filing::Upstream {
 public:
  static Result<std::unique_ptr<FilingClient>> create(UpstreamOptions options);
  const std::string& url() const { return options_.url; }

  Status push_unit(const service::Fields& unit) override;
  Result<std::string> challenge(const std::string& random_a) override;
  Result<std::string> seal_code(const std::string& token_info, const std::string& area) override;
  Result<std::string> upload(const std::string& token_info,
                             const std::vector<service::filing::SealUpload>& seals) override;
  Result<std::string> update_keys(const std::string& token_info,
                                  const std::vector<service::filing::KeyUpdate>& updates) override;
  Result<std::string> revoke(const std::string& token_info,
                             const std::vector<service::filing::RevocationRequest>& seals) override;
  Result<service::filing::FilingTask> result(service::filing::TaskType type,
                                             const std::string& task_id) override;
  Result<std::vector<service::filing::ItemResult>> confirm(
      const std::string& token_info, service::filing::TaskType type,
      const std::vector<service::filing::Receipt>& receipts) override;
  Status publish(const service::filing::Publication& publication) override;
  Status withdraw(const std::string& seal_code, const std::string& seal_name,
                  const service::filing::Revocation& revocation) override;

  // DB.oauth.token with the configured account: the access token.
  Result<std::string> token();
  // DB.seal.status.query (registered when an account is configured, else anonymous): the
  // answer's message_content.
  Result<rapidjson::Document> status(const std::string& seal_code, const std::string& seal_name,
                                     Time at);
  // DB.seal.deactive.list.query, one page; its signature checked with the platform's
  // certificate.
  Result<rapidjson::Document> revocations(Time from, Time to, int page_size, int page);

  // One call: the answer's message_content once its header says success and (for `signed_answer`)
  // its signInfo verifies. A refusal is kInvalidInput with the platform's errorInfo.
  Result<rapidjson::Document> call(const std::string& businesstype, rapidjson::Document content,
                                   bool signed_answer);

 private:
  FilingClient(UpstreamOptions options, HttpUrl url);
  Result<std::string> task_id_of(const rapidjson::Document& answer);
  // kVerificationFailed unless the answer's taskCode and taskTypeCode are the operation's.
  Status answers(const rapidjson::Document& answer, const std::string& task_code,
                 service::filing::TaskType type);
  Status send_status(const std::string& task_code, const std::string& task_data);
  UpstreamOptions options_;
  HttpUrl url_;
  HttpClient http_;
};

}  // namespace eseal::api::ldt
