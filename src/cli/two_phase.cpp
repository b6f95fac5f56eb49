#include "cli/two_phase.h"

#include <algorithm>
#include <iostream>

#include "base/file.h"
#include "cli/cli_support.h"
#include "cli/store_support.h"
#include "cli/time_stamps.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"

namespace eseal::cli {

Bytes read_document(const std::string& path, service::DocumentFormat format) {
  Bytes input = need(read_file(path));
  service::DocumentFormat found = need(service::detect_format(input), path);
  if (found != format) {
    fail(Error::invalid_input(path + " is " + std::string(service::format_name(found)) + ", not " +
                              std::string(service::format_name(format))));
  }
  return input;
}

void add_prepare_outputs(CLI::App* cmd, PrepareOutputs& outputs, const std::string& digest_what) {
  cmd->add_option("--digest-out", outputs.digest_out, "Write the SM3 digest of " + digest_what);
  cmd->add_option("--tbs-out", outputs.tbs_out,
                  "Write the bytes the signer signs (SM3withSM2) here, e.g. for `eseal sign-data`");
}

void write_prepared(const std::string& out, const PrepareOutputs& outputs, bool force,
                    const service::PendingSignature& prepared, const pki::Certificate& signer) {
  for (const std::string& path : {out, outputs.digest_out, outputs.tbs_out}) {
    if (!path.empty()) refuse_overwrite(path, force);
  }
  Bytes e = need(crypto::sm2_signing_digest(need(signer.public_key(), "the signer's certificate"),
                                            prepared.to_be_signed));
  need(write_file_atomic(out, prepared.document, 0644));
  if (!outputs.digest_out.empty())
    need(write_file_atomic(outputs.digest_out, prepared.document_digest));
  if (!outputs.tbs_out.empty()) need(write_file_atomic(outputs.tbs_out, prepared.to_be_signed));
  std::string digest_label = "document digest (SM3 of " + prepared.digest_of + ")";
  auto column = [](std::string label) {
    label.resize(std::max<std::size_t>(label.size() + 2, 42), ' ');
    return label;
  };
  std::cout << "prepared " << out << " (" << prepared.name << ")\n"
            << column(digest_label) << crypto::to_hex(prepared.document_digest) << "\n"
            << column("to be signed") << prepared.to_be_signed.size() << " bytes"
            << (outputs.tbs_out.empty() ? "" : " in " + outputs.tbs_out) << "\n"
            << column("e = SM3(Z || to-be-signed)") << crypto::to_hex(e) << "\n";
}

void add_complete_command(CLI::App* parent, const std::string& format,
                          const GlobalOptions& global) {
  auto* cmd = parent->add_subcommand("complete", "Second half: put the signature in place");
  struct Options {
    std::string in, signature, out, tsa, data_dir = kDefaultDataDir;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--in", o->in, "Prepared " + format)->required();
  cmd->add_option(
         "--signature", o->signature,
         "SM3withSM2 signature over the to-be-signed bytes (DER or r||s, raw, hex or base64)")
      ->required();
  cmd->add_option("--out", o->out, "Signed " + format + " to write")->required();
  cmd->add_flag("--force", o->force, "Replace an existing output file");
  add_tsa_option(cmd, o->tsa);
  add_data_dir_option(*cmd, o->data_dir);
  cmd->callback([o, &global] {
    refuse_overwrite(o->out, o->force);
    Bytes prepared = need(read_file(o->in));
    Bytes signature = need(read_signature_file(o->signature));
    TimeStamping stamping(o->tsa, o->data_dir, global);
    Time now = now_utc();
    Bytes done = need(service::complete(prepared, signature, now, stamping.stamper(now)), o->in);
    need(write_file_atomic(o->out, done, 0644));
    std::cout << "completed " << o->in << " -> " << o->out << "\n";
  });
}

}  // namespace eseal::cli
