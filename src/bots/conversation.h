// What one bot and one person are in the middle of (docs/bots.md): the step of
// the conversation and what the next message needs to be understood. Stored
// sealed (store::BotConversation) so that it survives a restart; it never
// holds a login code, a password or a QR link.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tgmux::bots {

enum class Step {
  kIdle,
  kChoosingMethod,  // "Phone number" or "QR code"
  kPhone,           // waiting for the number (typed or shared)
  kCode,            // waiting for the login code
  kPassword,        // waiting for the 2FA password
  kQr,              // the QR code is shown, waiting for the scan
  kConfirmUnlink,   // the Unlink button is shown
  kReply,           // terminal: the next text is a reply into a chat
  kConfirmDelete,   // terminal: the Delete button is shown
  kWatchReply,      // notify: the next text answers a watcher match's author
};
// "idle", "choosing_method", "phone", "code", "password", "qr", "confirm_unlink", "reply", "confirm_delete",
// "watch_reply".
std::string_view StepName(Step step);
std::optional<Step> StepFromName(std::string_view name);
// A step of a login: its login lives only in this process's memory.
bool InLogin(Step step);

struct Conversation {
  std::int64_t user_id = 0;  // the person; their private chat with the bot has the same id
  Step step = Step::kIdle;
  std::string login_id;       // kPhone (once started), kCode, kPassword, kQr
  std::string password_hint;  // kPassword
  std::int64_t qr_message_id = 0;  // kQr: the photo to edit when the link is renewed
  std::string account_id;          // kConfirmUnlink; kReply, kConfirmDelete: the account that writes
  std::int64_t target_chat_id = 0;     // kReply, kConfirmDelete: the chat of the account
  std::int64_t target_message_id = 0;  // kReply: the message answered; kConfirmDelete: the one to delete
  // terminal: the last event of the tenant's log relayed to this person.
  std::int64_t event_cursor = 0;
  std::string watch_match_id;  // kWatchReply: the match answered

  nlohmann::json ToJson() const;
  // Unknown or missing fields take defaults; an unknown step is idle.
  static Conversation FromJson(const nlohmann::json& json);
};

}  // namespace tgmux::bots
