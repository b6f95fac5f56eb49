// eseal sms list: the text messages the server sent or keeps in its outbox (service/sms.h),
// such as the activation codes of getAuthCodeAndSendSMS when no gateway is configured.
#include <iostream>

#include "cli/commands.h"
#include "cli/store_support.h"
#include "service/sms.h"

namespace eseal::cli {

void add_sms_commands(CLI::App& root, const GlobalOptions&) {
  auto* sms = root.add_subcommand("sms", "Text messages to users' phones");
  sms->require_subcommand(1);
  auto* list = sms->add_subcommand(
      "list", "Print the messages: time, state (OUTBOX, SENT, FAILED), mobile, text");
  auto dir = std::make_shared<std::string>(kDefaultDataDir);
  auto state = std::make_shared<std::string>();
  list->add_option("--state", *state, "Only messages in this state")
      ->check(CLI::IsMember({"OUTBOX", "SENT", "FAILED"}));
  add_data_dir_option(*list, *dir);
  list->callback([=] {
    auto store = open_data_store(*dir);
    service::Sms messages(*store);
    std::vector<std::string> states;
    if (!state->empty()) states.push_back(*state);
    auto all = need(messages.list(states, now_utc()));
    if (all.empty()) std::cout << "no messages\n";
    for (const auto& m : all) {
      std::cout << format_utc(m.created) << "  " << m.state << "  " << m.mobile << "  " << m.text;
      if (!m.answer.empty()) std::cout << "  (" << m.answer << ")";
      std::cout << "\n";
    }
  });
}

}  // namespace eseal::cli
