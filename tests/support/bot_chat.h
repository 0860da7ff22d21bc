// A simulated person talking to one of tgmux's bots through tgsim's control API
// (tests and benchmarks): send text or their own contact, press buttons, and
// wait for what the bot says, as the person's app shows the chat.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/testing/tgsim_process.h"

namespace tgmux::testing {

class BotChat {
 public:
  BotChat(const tgsim::testing::TgsimProcess& sim, std::string bot_username, std::string phone)
      : sim_(sim), bot_(std::move(bot_username)), phone_(std::move(phone)) {}

  // Each returns the person's message id (0 when the control API refused).
  // `reply_to`: the person's id of a message in the chat this one answers (a Telegram reply).
  std::int64_t Send(const std::string& text, std::int64_t reply_to = 0);
  std::int64_t ShareOwnNumber();
  std::int64_t ShareContact(const std::string& phone, std::int64_t user_id);
  // Presses the button with this text on the newest bot message that has it;
  // the answer of tgsim's press route.
  nlohmann::json Press(const std::string& button);

  // The whole chat, oldest first: {message_id, from_bot, text, reply_markup?, media?, deleted?, edit_date?}.
  nlohmann::json Messages() const;
  // Waits for a bot message after the person's last one whose text holds
  // `needle`; returns it, or null after `timeout`.
  nlohmann::json WaitFor(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // The bot's messages after the person's last one.
  nlohmann::json Replies() const;
  // Waits until a message of the chat matches `predicate`; returns it or null.
  nlohmann::json WaitForMessage(const std::function<bool(const nlohmann::json&)>& predicate,
                                std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  // The ways into a phone login, each step waited for (false when a reply did
  // not come within `timeout`): /account and "Phone number", up to the bot
  // asking for the number; then the person's own number shared, up to the
  // code prompt; then the code typed with spaces, up to "Linked".
  bool AskForPhone(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  bool StartPhoneLogin(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  bool LinkByPhone(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // The newest login code Telegram sent this person, with spaces between the
  // digits, as the bot asks for it.
  std::string SpacedCode() const;

  // The buttons of a message's markup as "text" strings, row by row.
  static std::vector<std::string> Buttons(const nlohmann::json& message);

  const std::string& phone() const { return phone_; }
  std::int64_t last_sent() const { return last_sent_; }

 private:
  std::int64_t Post(const nlohmann::json& body);

  const tgsim::testing::TgsimProcess& sim_;
  std::string bot_;
  std::string phone_;
  std::int64_t last_sent_ = 0;
};

}  // namespace tgmux::testing
