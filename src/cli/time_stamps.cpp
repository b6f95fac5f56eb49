#include "cli/time_stamps.h"

#include <iostream>

#include "api/config.h"
#include "api/tsa/authority.h"
#include "api/tsa/remote.h"
#include "asn1/der.h"
#include "asn1/oid.h"
#include "base/file.h"
#include "cli/commands.h"
#include "cli/report_output.h"
#include "cli/store_support.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/long_term.h"
#include "service/store_platform.h"
#include "tsa/request.h"
#include "tsa/verify.h"

namespace eseal::cli {

struct TimeStamping::Parts {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<service::StorePlatform> platform;
  std::unique_ptr<service::TimeStampAuthority> authority;
};

CLI::Option* add_tsa_option(CLI::App* cmd, std::string& tsa) {
  return cmd->add_option("--tsa", tsa,
                         "Time-stamp the signature: an authority's URL (http://host:port/path), or "
                         "builtin for the data folder's own (D/platform/tsa.pem)");
}

TimeStamping::TimeStamping(const std::string& tsa, const std::string& data_dir,
                           const GlobalOptions& global)
    : parts_(std::make_unique<Parts>()) {
  if (tsa.empty()) return;
  api::Config config = need(api::load_config({}, api::process_environment()));
  if (tsa != "builtin") {
    parts_->authority = need(
        api::tsa::RemoteTimeStampAuthority::make(tsa, std::chrono::seconds(config.tsa.timeout_s)),
        "--tsa");
    return;
  }
  keys::Kek kek = data_folder_kek(global, data_dir);
  parts_->store = open_data_store(data_dir, kek);
  parts_->platform = std::make_unique<service::StorePlatform>(*parts_->store, kek, data_dir);
  auto signer = parts_->platform->tsa_signer();
  if (!signer) {
    fail(signer.error().with_context("--tsa builtin: the time-stamp authority of " + data_dir +
                                     " (D/platform/tsa.pem and tsa.key; eseal demo writes them)"));
  }
  parts_->authority = std::make_unique<service::LocalTimeStampAuthority>(
      *signer, need(api::tsa::settings_from(config)), *parts_->platform);
}

TimeStamping::~TimeStamping() = default;

doc::TimeStamper TimeStamping::stamper(Time now) {
  if (!parts_->authority) return {};
  return service::time_stamper(*parts_->authority, operator_caller().actor(), now);
}

service::TimeStampAuthority* TimeStamping::authority() const {
  return parts_->authority.get();
}

void add_long_term_options(CLI::App* cmd, LongTermOptions& o) {
  auto* ltv = cmd->add_flag(
      "--ltv", o.ltv,
      "Store the certificates and CRLs needed to verify later in the PDF's /DSS (PAdES LTV)");
  cmd->add_option("--chain", o.chain, "With --ltv: certificates up to the trust anchor (PEM)")
      ->needs(ltv)
      ->allow_extra_args(false);
  cmd->add_option("--crl", o.crls, "With --ltv: CRLs a verifier will need")
      ->needs(ltv)
      ->allow_extra_args(false);
}

Bytes with_long_term_data(Bytes pdf, const LongTermOptions& o, const std::string& what) {
  if (!o.ltv) return pdf;
  pdf::ValidationData extra;
  for (const auto& path : o.chain) {
    for (const auto& c : read_certificates(path)) extra.certificates.push_back(c.der());
  }
  for (const auto& path : o.crls) extra.crls.push_back(read_crl(path).der());
  return need(service::add_long_term_data(pdf, extra), what);
}

namespace {

// --data F or --digest HEX (with --hash): the imprint a request asks for or a token must carry.
struct Imprint {
  std::string data, digest, hash = "sm3";
};

std::string hash_oid(const std::string& name) {
  if (name == "sm3") return std::string(asn1::oid::kSm3);
  if (name == "sha256") return std::string(asn1::oid::kSha256);
  fail(Error::invalid_input("--hash: \"" + name + "\" is not sm3 or sha256"));
}

Bytes hashed_message(const Imprint& i) {
  if (!i.digest.empty()) return need(crypto::from_hex(i.digest), "--digest");
  Bytes data = need(read_file(i.data), i.data);
  return crypto::hash(
      i.hash == "sha256" ? crypto::HashAlgorithm::kSha256 : crypto::HashAlgorithm::kSm3, data);
}

// A reply file's token, or a bare token file as it is.
Bytes token_of(const Bytes& file) {
  auto response = tsa::parse_response(file);
  if (response && response->token) return *response->token;
  if (response && response->status >= 2 && !response->token) {
    std::string why = response->fail_info ? std::string(tsa::fail_info_name(*response->fail_info))
                                          : "status " + std::to_string(response->status);
    for (const auto& t : response->status_text) why += ": " + t;
    fail(Error::verification_failed("the reply is a refusal: " + why));
  }
  return file;
}

void print_info(const tsa::TstInfo& info) {
  print_field("policy", info.policy);
  print_field("serial", crypto::to_hex(info.serial));
  print_field("genTime", format_utc(info.gen_time));
  if (info.accuracy_seconds) print_field("accuracy", std::to_string(*info.accuracy_seconds) + " s");
  print_field("imprint", asn1::oid::describe(info.imprint.hash_oid) + " " +
                             crypto::to_hex(info.imprint.hashed_message));
  print_field("nonce", info.nonce ? crypto::to_hex(*info.nonce) : "none");
}

void write_report_json(const tsa::TokenReport& r) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  json_validity(w, r.verdict.outcome());
  json_string(w, "profile", r.profile);
  json_string(w, "tsa", r.tsa);
  json_string(w, "signatureForm", r.signature_form);
  if (r.info) {
    json_string(w, "genTime", format_utc(r.info->gen_time));
    json_string(w, "serial", crypto::to_hex(r.info->serial));
    json_string(w, "policy", r.info->policy);
    json_string(w, "hashAlgorithm", asn1::oid::describe(r.info->imprint.hash_oid));
    json_string(w, "hashedMessage", crypto::to_hex(r.info->imprint.hashed_message));
  }
  json_checks(w, r.verdict);
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

}  // namespace

void add_ts_commands(CLI::App& app, const GlobalOptions& global) {
  auto* ts = app.add_subcommand("ts", "RFC 3161 time stamps: requests, replies and tokens");
  ts->require_subcommand(1);
  {
    auto* request = ts->add_subcommand("request", "Write a time-stamp request (.tsq)");
    struct Options {
      Imprint imprint;
      std::string out, policy;
      bool no_nonce = false, no_cert = false, force = false;
    };
    auto o = std::make_shared<Options>();
    auto* data = request->add_option("--data", o->imprint.data, "The file to time-stamp");
    request->add_option("--digest", o->imprint.digest, "Or its hash, in hex")->excludes(data);
    request->add_option("--hash", o->imprint.hash, "sm3 (default) or sha256");
    request->add_option("--policy", o->policy, "The policy OID to ask for");
    request->add_flag("--no-nonce", o->no_nonce, "Ask without a nonce");
    request->add_flag("--no-cert", o->no_cert, "Do not ask for the TSA certificate in the token");
    request->add_option("--out", o->out, "Request file to write")->required();
    request->add_flag("--force", o->force, "Replace an existing file");
    request->callback([o] {
      if (o->imprint.data.empty() && o->imprint.digest.empty()) {
        fail(Error::invalid_input("give --data FILE or --digest HEX"));
      }
      refuse_overwrite(o->out, o->force);
      tsa::RequestOptions r{hash_oid(o->imprint.hash), hashed_message(o->imprint), std::nullopt,
                            !o->no_cert, std::nullopt};
      if (!o->no_nonce) r.nonce = need(crypto::random_bytes(8));
      if (!o->policy.empty()) r.policy = o->policy;
      Bytes der = need(tsa::encode_request(r));
      need(write_file_atomic(o->out, der, 0644));
      std::cout << "wrote " << o->out << " (" << o->imprint.hash << " "
                << crypto::to_hex(r.hashed_message) << ")\n";
    });
  }
  {
    auto* reply = ts->add_subcommand("reply", "Ask a time-stamp authority to answer a request");
    struct Options {
      std::string in, out, tsa = "builtin", data_dir = kDefaultDataDir;
      bool force = false;
    };
    auto o = std::make_shared<Options>();
    reply->add_option("--in", o->in, "Request file (.tsq)")->required();
    reply->add_option("--out", o->out, "Reply file to write (.tsr)")->required();
    reply->add_option("--tsa", o->tsa, "An authority's URL, or builtin (default)")
        ->capture_default_str();
    add_data_dir_option(*reply, o->data_dir);
    reply->add_flag("--force", o->force, "Replace an existing file");
    reply->callback([o, &global] {
      refuse_overwrite(o->out, o->force);
      Bytes request = need(read_file(o->in), o->in);
      TimeStamping stamping(o->tsa, o->data_dir, global);
      Bytes der = stamping.authority()->respond(request, operator_caller().actor(), now_utc());
      need(write_file_atomic(o->out, der, 0644));
      auto response = need(tsa::parse_response(der));
      if (!response.token) {
        std::string why = response.fail_info ? std::string(tsa::fail_info_name(*response.fail_info))
                                             : "status " + std::to_string(response.status);
        for (const auto& t : response.status_text) why += ": " + t;
        fail(Error::invalid_input("refused (" + why + "); the refusal is in " + o->out));
      }
      std::cout << "wrote " << o->out << " (granted)\n";
    });
  }
  {
    auto* verify = ts->add_subcommand(
        "verify", "Verify a time-stamp reply or token (exit 0 valid, 4 indeterminate, 1 failed)");
    struct Options {
      std::string in, request, tsa_cert;
      Imprint imprint;
      TrustFiles trust;
      bool json = false;
    };
    auto o = std::make_shared<Options>();
    verify->add_option("--in", o->in, "Reply (.tsr) or token file")->required();
    auto* data = verify->add_option("--data", o->imprint.data, "The time-stamped file");
    verify->add_option("--digest", o->imprint.digest, "Or its hash, in hex")->excludes(data);
    verify->add_option("--hash", o->imprint.hash, "The hash --data is taken with: sm3 or sha256");
    verify->add_option("--request", o->request, "The request: its nonce must be echoed");
    verify->add_option("--tsa-cert", o->tsa_cert, "The TSA certificate, for tokens without it");
    add_trust_options(verify, o->trust);
    verify->add_flag("--json", o->json, "Print JSON");
    verify->callback([o] {
      Bytes token = token_of(need(read_file(o->in), o->in));
      tsa::TokenExpectation expect;
      if (!o->imprint.data.empty() || !o->imprint.digest.empty()) {
        expect.hashed_message = hashed_message(o->imprint);
      }
      if (!o->request.empty()) {
        auto request =
            need(tsa::parse_request(need(read_file(o->request), o->request)), o->request);
        expect.nonce = request.nonce;
        if (!expect.hashed_message) expect.hashed_message = request.imprint.hashed_message;
      }
      std::vector<pki::Certificate> given;
      if (!o->tsa_cert.empty()) given = read_certificates(o->tsa_cert);
      expect.tsa_certificates = given;
      TrustMaterial trust = read_trust(o->trust);
      tsa::TokenReport r = tsa::verify_token(token, {trust.roots, trust.chain, trust.crls}, expect);
      if (o->json) {
        write_report_json(r);
      } else {
        if (r.info) print_info(*r.info);
        print_field("tsa", r.tsa.empty() ? "?" : r.tsa);
        print_field("signature", r.signature_form.empty() ? "?" : r.signature_form);
        for (const auto& c : r.verdict.checks) std::cout << check_line(c);
        std::cout << outcome_line(r.verdict.outcome(),
                                  r.info ? "the time stamp holds: genTime " +
                                               format_utc(r.info->gen_time) + " by " + r.tsa
                                         : "",
                                  "the time stamp does not hold");
      }
      throw CommandFailure{exit_code_for(r.verdict.outcome())};
    });
  }
  {
    auto* show = ts->add_subcommand("show", "Show a time-stamp request, reply or token");
    auto in = std::make_shared<std::string>();
    show->add_option("file", *in, "Request (.tsq), reply (.tsr) or token")->required();
    show->callback([in] {
      Bytes file = need(read_file(*in), *in);
      if (auto request = tsa::parse_request(file)) {
        print_field("request", "version 1");
        print_field("imprint", asn1::oid::describe(request->imprint.hash_oid) + " " +
                                   crypto::to_hex(request->imprint.hashed_message));
        print_field("policy", request->policy.value_or("any"));
        print_field("nonce", request->nonce ? crypto::to_hex(*request->nonce) : "none");
        print_field("certReq", request->cert_req ? "yes" : "no");
        return;
      }
      auto response = tsa::parse_response(file);
      if (response && !response->token) {
        print_field("status", std::to_string(response->status));
        if (response->fail_info) {
          print_field("failInfo", std::string(tsa::fail_info_name(*response->fail_info)));
        }
        for (const auto& t : response->status_text) print_field("text", t);
        return;
      }
      tsa::TokenReport r = tsa::verify_token(token_of(file), {});
      if (!r.info) fail(Error::invalid_input(*in + " is not a time-stamp request, reply or token"));
      if (response) print_field("status", std::to_string(response->status));
      print_field("profile", r.profile);
      print_info(*r.info);
      print_field("tsa", r.tsa.empty() ? "(certificate not in the token)" : r.tsa);
    });
  }
}

}  // namespace eseal::cli
