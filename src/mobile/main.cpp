// eseal-mobile: a command-line phone for COSS mobile collaborative signing. It holds the client
// share of each enrolled key (sealed under a PIN) in its folder and speaks the mobile API.
//   eseal-mobile activate QR|CODE [--server URL --app APPID --mobile M] [--name N]
//   eseal-mobile jobs | show JOB|QR | sign JOB|QR | refuse JOB|QR [--reason R] | decrypt JOB|QR
//   eseal-mobile scan QR | confirm QR | cancel QR [--reason R]   (every job of a QR code)
//   eseal-mobile autosign grant JOB|QR | revoke | show
//   eseal-mobile authorize grant --to USER|MOBILE --until "yyyy-MM-dd HH:mm:ss" | list
//                        | accept ID | refuse ID | cancel ID
//   eseal-mobile users | clear
//   (activate --find-back: a new key for a lost phone; the user's other devices are revoked)
// The PIN comes from --pin, else $ESEAL_MOBILE_PIN, else the terminal.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "crypto/encoding.h"
#include "mobile/phone.h"
#include "pki/certificate.h"

namespace {

using namespace eseal;

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

struct Options {
  std::string home, user, pin, server, app, mobile, name = "eseal-mobile", reason, to, until;
  std::string target;
  bool find_back = false;
};

[[noreturn]] void fail(const Error& e) {
  std::cerr << "eseal-mobile: " << e.message;
  if (!e.code.empty() && e.code.find_first_not_of("0123456789") == std::string::npos) {
    std::cerr << " (" << e.code << ")";
  }
  std::cerr << "\n";
  std::exit(e.kind == ErrorKind::kInvalidInput ? kExitBadInput : kExitFailure);
}

template <typename T>
T need(Result<T> r) {
  if (!r) fail(r.error());
  return std::move(*r);
}
void need(const Status& s) {
  if (!s) fail(s.error());
}

std::string pin_of(const Options& o, const char* prompt) {
  if (!o.pin.empty()) return o.pin;
  if (const char* env = std::getenv("ESEAL_MOBILE_PIN"); env && *env) return env;
  if (!::isatty(STDIN_FILENO)) fail(Error::invalid_input("no PIN: give --pin or ESEAL_MOBILE_PIN"));
  const char* typed = ::getpass(prompt);
  return typed ? typed : "";
}

void show_job(const mobile::JobView& job) {
  std::cout << "job:         " << job.id << "\n"
            << "title:       " << job.title << "\n";
  if (!job.description.empty()) std::cout << "description: " << job.description << "\n";
  std::cout << "type:        " << job.data_type << "\n"
            << "status:      " << job.status << "\n"
            << "expires:     " << job.expires << " (UTC+8)\n";
  if (job.data_type == "DATA") {
    std::string text(job.data.begin(), job.data.end());
    bool printable = std::all_of(text.begin(), text.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t';
    });
    if (printable && text.size() <= 4096) {
      std::cout << "data:        " << text << "\n";
    } else {
      std::cout << "data:        " << job.data.size() << " bytes, base64 "
                << crypto::to_base64(
                       ByteView(job.data).first(std::min<std::size_t>(job.data.size(), 48)))
                << (job.data.size() > 48 ? "…" : "") << "\n";
    }
  }
  std::cout << "digest:      " << crypto::to_hex(job.hash) << " (SM3, checked on this phone)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eseal-mobile: a command-line phone for COSS mobile collaborative signing"};
  app.require_subcommand(1);
  // --home, --user and --pin may come after the command too.
  app.fallthrough();
  auto o = std::make_shared<Options>();
  app.add_option("--home", o->home,
                 "The phone's folder (default $ESEAL_MOBILE_HOME or ~/.eseal-mobile)");
  app.add_option("--user", o->user, "The account (key id or msspId) when the phone has several");
  app.add_option("--pin", o->pin, "The PIN (else $ESEAL_MOBILE_PIN, else asked)");

  auto wallet = [o] {
    return mobile::Wallet(o->home.empty() ? mobile::Wallet::default_dir()
                                          : std::filesystem::path(o->home));
  };

  auto* activate = app.add_subcommand("activate", "Enrol with the QR payload or a typed code");
  activate->add_option("QR_OR_CODE", o->target, "The QR payload (JSON) or the 8-digit code")
      ->required();
  activate->add_option("--server", o->server, "http://host:port, for a typed code");
  activate->add_option("--app", o->app, "The appId, for a typed code");
  activate->add_option("--mobile", o->mobile, "The user's mobile number, for a typed code");
  activate->add_option("--name", o->name, "This device's name");
  activate->add_flag("--find-back", o->find_back,
                     "A new key for a lost phone: the user's other devices are revoked");
  activate->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    mobile::ActivateOptions options{o->server,    o->app,   o->name, pin_of(*o, "New PIN: "),
                                    o->find_back, o->mobile};
    auto account = need(phone.activate(o->target, options));
    auto cert = need(pki::Certificate::parse(account.certificate));
    std::cout << "activated " << account.user_name << "\n"
              << "msspId:      " << account.mssp_id << "\n"
              << "key:         " << account.key_id << "\n"
              << "device:      " << account.device_id << "\n"
              << "certificate: " << cert.subject().to_string() << ", serial "
              << crypto::to_hex(cert.serial()) << "\n";
  });

  app.add_subcommand("jobs", "The open sign jobs of the account")->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    auto jobs = need(phone.jobs(account));
    if (jobs.empty()) std::cout << "no open jobs\n";
    for (const auto& j : jobs) {
      std::cout << j.id << "  " << j.data_type << "  " << j.title << "  (expires " << j.expires
                << ")\n";
    }
  });

  auto* decrypt = app.add_subcommand("decrypt", "Decrypt a job's ciphertext (asks the PIN)");
  decrypt->add_option("JOB", o->target, "The job id (SD_…) or a scanned QR payload")->required();
  decrypt->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    auto plain = need(phone.decrypt(account, o->target, pin_of(*o, "PIN: ")));
    std::string text(plain.begin(), plain.end());
    bool printable = std::all_of(text.begin(), text.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t';
    });
    if (printable) {
      std::cout << text << "\n";
    } else {
      std::cout << "base64 " << crypto::to_base64(plain) << "\n";
    }
  });

  for (const char* verb : {"show", "sign", "refuse"}) {
    std::string name(verb);
    auto* command = app.add_subcommand(name, name == "show"   ? "What a job will sign"
                                             : name == "sign" ? "Sign a job (asks the PIN)"
                                                              : "Refuse a job");
    command->add_option("JOB", o->target, "The job id (SD_…) or a scanned QR payload")->required();
    if (name == "refuse") command->add_option("--reason", o->reason, "Why");
    command->callback([o, wallet, name] {
      mobile::Wallet w = wallet();
      mobile::Phone phone(w);
      auto account = need(w.find(o->user));
      if (name == "show") {
        show_job(need(phone.show(account, o->target)));
      } else if (name == "sign") {
        auto job = need(phone.show(account, o->target));
        show_job(job);
        auto done = need(phone.sign(account, job.id, pin_of(*o, "PIN: ")));
        std::cout << "signed " << done.id << ": " << done.status << "\n"
                  << "signature:   " << crypto::to_base64(done.signature) << "\n";
      } else {
        need(phone.refuse(account, o->target, o->reason.empty() ? "refused" : o->reason));
        std::cout << "refused " << o->target << "\n";
      }
    });
  }

  // A QR code may stand for several jobs (a batch of files): scanned, then all confirmed (one
  // PIN) or all cancelled.
  for (const char* verb : {"scan", "confirm", "cancel"}) {
    std::string name(verb);
    auto* command = app.add_subcommand(
        name, name == "scan"      ? "Scan a QR code: every job it stands for"
              : name == "confirm" ? "Sign every open job of a QR code (asks the PIN)"
                                  : "Refuse every open job of a QR code");
    command->add_option("QR", o->target, "The scanned QR payload (JSON), or its ticket \"o\"")
        ->required();
    if (name == "cancel") command->add_option("--reason", o->reason, "Why");
    command->callback([o, wallet, name] {
      mobile::Wallet w = wallet();
      mobile::Phone phone(w);
      auto account = need(w.find(o->user));
      auto jobs = need(phone.scan(account, o->target));
      if (name == "scan" || name == "confirm") {
        for (std::size_t i = 0; i < jobs.size(); ++i) {
          if (i > 0) std::cout << "\n";
          show_job(jobs[i]);
        }
      }
      if (name == "confirm") {
        for (const auto& done : need(phone.confirm(account, o->target, pin_of(*o, "PIN: ")))) {
          std::cout << "signed " << done.id << ": " << done.status << "\n"
                    << "signature:   " << crypto::to_base64(done.signature) << "\n";
        }
      } else if (name == "cancel") {
        need(phone.cancel(account, o->target, o->reason.empty() ? "refused" : o->reason));
        for (const auto& job : jobs) {
          if (job.status == "UNSIGN") std::cout << "refused " << job.id << "\n";
        }
      }
    });
  }

  // Auto-sign: the consent signed and the share escrowed for the window; revoked; listed.
  auto* autosign = app.add_subcommand("autosign", "Let the business system sign without asking");
  autosign->require_subcommand(1);
  auto* grant = autosign->add_subcommand(
      "grant", "Sign the auto-sign consent and escrow the share for its window (asks the PIN)");
  grant->add_option("JOB", o->target, "The consent job (SD_…) or its QR payload")->required();
  grant->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    auto job = need(phone.show(account, o->target));
    show_job(job);
    auto g = need(phone.grant_auto_sign(account, job.id, pin_of(*o, "PIN: ")));
    std::cout << "granted " << g.id << ": " << g.status << " until " << g.ends << ", at most "
              << g.max_count << " signatures\n";
  });
  autosign->add_subcommand("revoke", "End this user's auto-sign grants now")->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    std::cout << "revoked " << need(phone.revoke_auto_sign(account)) << " grant(s)\n";
  });
  autosign->add_subcommand("show", "This user's auto-sign grants")->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    auto grants = need(phone.auto_sign_grants(account));
    if (grants.empty()) std::cout << "no grants\n";
    for (const auto& g : grants) {
      std::cout << g.id << "  " << g.status << "  used " << g.used << "/" << g.max_count
                << (g.ends.empty() ? "" : "  until " + g.ends) << "  consent " << g.job_id << "\n";
    }
  });

  // Delegation: given (and co-signed) here, or received and answered here.
  auto* authorize = app.add_subcommand("authorize", "Delegate signing, or answer a delegation");
  authorize->require_subcommand(1);
  auto* give = authorize->add_subcommand(
      "grant", "Let another user sign this user's jobs until a time (asks the PIN)");
  give->add_option("--to", o->to, "The grantee's user id or mobile number")->required();
  give->add_option("--until", o->until, "The end, yyyy-MM-dd HH:mm:ss (China Standard Time)")
      ->required();
  give->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    auto d = need(phone.delegate(account, o->to, o->until, pin_of(*o, "PIN: ")));
    std::cout << "delegated " << d.id << " to " << d.grantee_name << " until " << d.ends << ": "
              << d.status << "\n";
  });
  authorize->add_subcommand("list", "Delegations given and received")->callback([o, wallet] {
    mobile::Wallet w = wallet();
    mobile::Phone phone(w);
    auto account = need(w.find(o->user));
    auto all = need(phone.delegations(account));
    if (all.empty()) std::cout << "no delegations\n";
    for (const auto& d : all) {
      std::cout << d.id << "  " << d.status << "  "
                << (d.given ? "to " + d.grantee_name : "from " + d.grantor_name) << "  until "
                << d.ends << "\n";
    }
  });
  for (const char* verb : {"accept", "refuse", "cancel"}) {
    std::string name(verb);
    auto* answer = authorize->add_subcommand(
        name, name == "cancel" ? "Withdraw a delegation given" : name + " a delegation received");
    answer->add_option("ID", o->target, "The delegation (AUTHORIZ_…)")->required();
    answer->callback([o, wallet, name] {
      mobile::Wallet w = wallet();
      mobile::Phone phone(w);
      auto account = need(w.find(o->user));
      need(phone.answer_delegation(account, o->target, name));
      std::cout << (name == "accept"   ? "accepted "
                    : name == "refuse" ? "refused "
                                       : "cancelled ")
                << o->target << "\n";
    });
  }

  app.add_subcommand("users", "The accounts on this phone")->callback([wallet] {
    mobile::Wallet w = wallet();
    auto accounts = need(w.accounts());
    if (accounts.empty()) std::cout << "no accounts\n";
    for (const auto& a : accounts) {
      std::cout << a.mssp_id << "  " << a.user_name << "  key " << a.key_id << "  "
                << (a.certificate.empty() ? "no certificate" : "certified") << "  " << a.server
                << "\n";
    }
  });

  app.add_subcommand("clear", "Delete an account's share and certificate from this phone")
      ->callback([o, wallet] {
        mobile::Wallet w = wallet();
        auto account = need(w.find(o->user));
        need(w.remove(account));
        std::cout << "cleared " << account.mssp_id << " (key " << account.key_id << ")\n";
      });

  CLI11_PARSE(app, argc, argv);
  return 0;
}
