// The `eseal` command: set-up, PKI and debugging tools over the same engines the server uses.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace eseal::cli;
  CLI::App app{"eseal: electronic seals (GB/T 38540) for PDF and OFD documents"};
  app.require_subcommand(1);
  GlobalOptions options;
  if (argc > 0) options.program = argv[0];
  if (const char* env = std::getenv("ESEAL_KEK_FILE"); env && *env) options.kek_file = env;
  app.add_option("--kek-file", options.kek_file,
                 "Key-encryption key file instead of the data folder's own DATA_DIR/kek "
                 "(default var/kek; env ESEAL_KEK_FILE; ESEAL_KEK overrides with the key itself)");
  add_ca_commands(app, options);
  add_data_commands(app, options);
  add_seal_commands(app, options);
  add_pdf_commands(app, options);
  add_ofd_commands(app, options);
  add_app_commands(app, options);
  add_audit_commands(app, options);
  add_demo_command(app, options);
  add_serve_command(app, options);
  add_call_commands(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CommandFailure& failure) {
    return failure.code;
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "eseal: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitOk;
}
