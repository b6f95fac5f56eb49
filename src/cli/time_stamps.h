// Time stamps from the command line: `--tsa URL|builtin` on the signing commands, and
// `eseal ts request|reply|verify|show` for people and scripts (RFC 3161 files: .tsq, .tsr).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "doc/signature_value.h"
#include "service/time_stamping.h"

namespace eseal::cli {

// --tsa URL|builtin: the time-stamp authority whose token goes into each signature.
CLI::Option* add_tsa_option(CLI::App* cmd, std::string& tsa);

// The authority `tsa` names, open for the command's life: an external one by URL, or with
// "builtin" the data folder's own (D/platform/tsa.pem and .key, tokens recorded in its store;
// [tsa] settings from ESEAL_TSA_* variables). Without --tsa it stamps nothing.
class TimeStamping {
 public:
  TimeStamping(const std::string& tsa, const std::string& data_dir, const GlobalOptions& global);
  ~TimeStamping();
  // The stamper for a signature made now, or an empty one without --tsa.
  doc::TimeStamper stamper(Time now);
  service::TimeStampAuthority* authority() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// --ltv on the PDF commands, with the material to store beside what the signatures carry:
// --chain (PEM bundles: the certificates up to the trust anchor) and --crl (the CRLs a
// verifier will need).
struct LongTermOptions {
  bool ltv = false;
  std::vector<std::string> chain, crls;
};
void add_long_term_options(CLI::App* cmd, LongTermOptions& o);

// `pdf` with its /DSS (service::add_long_term_data) under --ltv; as it is without.
Bytes with_long_term_data(Bytes pdf, const LongTermOptions& o, const std::string& what);

}  // namespace eseal::cli
