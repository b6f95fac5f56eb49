// The `eseal` command: set-up, PKI and debugging tools over the same engines the server uses.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli/commands.h"

namespace {

// How many single-character edits turn `a` into `b`.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

// The innermost subcommand given on the command line: where a stray argument was meant to go.
const CLI::App* innermost(const CLI::App& app) {
  const CLI::App* current = &app;
  for (;;) {
    auto parsed = current->get_subcommands();
    if (parsed.empty()) return current;
    current = parsed.front();
  }
}

// Arguments no option or subcommand took — a mistyped option, say — are what is wrong, even when
// a required option then counts as missing: names the first one and, when an option of the
// command is spelled nearly alike, that option.
int report_unexpected(const CLI::App& app, const std::vector<std::string>& extras) {
  auto unknown = std::find_if(extras.begin(), extras.end(),
                              [](const std::string& arg) { return arg.rfind("-", 0) == 0; });
  if (unknown == extras.end()) {
    std::cerr << "eseal: unexpected argument " << extras.front() << "\n";
    return eseal::cli::kExitBadInput;
  }
  std::string given = unknown->substr(0, unknown->find('='));
  std::string suggestion;
  std::size_t best = 3;  // suggest only options within two edits
  for (const CLI::Option* option : innermost(app)->get_options()) {
    for (const std::string& name : option->get_lnames()) {
      std::size_t d = edit_distance(given, "--" + name);
      if (d < best) {
        best = d;
        suggestion = "--" + name;
      }
    }
  }
  std::cerr << "eseal: unknown option " << given
            << (suggestion.empty() ? "" : " (did you mean " + suggestion + "?)") << "\n"
            << "Run with --help for more information.\n";
  return eseal::cli::kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace eseal::cli;
  CLI::App app{"eseal: electronic seals (GB/T 38540) for PDF and OFD documents"};
  app.set_version_flag("--version", "eseal " ESEAL_VERSION);
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
  add_convert_commands(app, *app.get_subcommand("ofd"));
  add_app_commands(app, options);
  add_audit_commands(app, options);
  add_store_commands(app, options);
  add_demo_command(app, options);
  add_admin_commands(app, options);
  add_serve_command(app, options);
  add_sms_commands(app, options);
  add_sz_commands(app, options);
  add_filing_commands(app, options);
  add_call_commands(app, options);
  add_ts_commands(app, options);
  add_token_commands(app, options);
  add_device_commands(app, options);
  add_agent_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CommandFailure& failure) {
    return failure.code;
  } catch (const CLI::ParseError& e) {
    if (auto extras = app.remaining(true); !extras.empty() && e.get_exit_code() != 0) {
      return report_unexpected(app, extras);
    }
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "eseal: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitOk;
}
