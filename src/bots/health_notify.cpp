// BotRuntime, feature `notify`: an account's status change told to the
// subscribers who asked for `account.status` (docs/pools.md, Account health).
// Only the masked phone number is ever shown.
#include <spdlog/spdlog.h>

#include "bots/bot_runtime.h"
#include "bots/wording.h"

namespace tgmux::bots {
namespace {

using store::AccountStatus;

std::string Name(const store::Account& a) {
  std::string name = !a.display_name.empty() ? a.display_name : !a.username.empty() ? "@" + a.username : a.id;
  return a.phone_masked.empty() ? name : name + " (" + a.phone_masked + ")";
}

std::string Because(const store::Account& a) { return a.last_error.empty() ? "" : ": " + a.last_error; }

// The wording of one status change, as the subscriber reads it.
std::string AccountStatusText(const store::Account& a) {
  const std::string who = Name(a);
  switch (a.status) {
    case AccountStatus::kActive: return "✅ " + who + " is active again.";
    case AccountStatus::kConnecting: return "⚠️ " + who + " cannot reach Telegram" + Because(a) + ".";
    case AccountStatus::kFloodWait: return "⏳ " + who + " must wait: Telegram paused its sending for now.";
    case AccountStatus::kLimited:
      return "⚠️ " + who + " is now limited by Telegram: it may write only to its contacts and chats it already has.";
    case AccountStatus::kBanned: return "⚠️ " + who + " is now banned by Telegram.";
    case AccountStatus::kRevoked:
      return "⚠️ " + who + " was logged out: its Telegram session ended (from another device or by Telegram). "
                           "Link it again.";
    case AccountStatus::kError: return "⚠️ " + who + " is not working" + Because(a) + ".";
    case AccountStatus::kDisabled: return "⏸ " + who + " was switched off.";
  }
  return who + " is now " + std::string(store::AccountStatusName(a.status)) + ".";
}

}  // namespace

void BotRuntime::NotifyAccountStatus(std::int64_t user_id, const store::Account& account) {
  if (bot_.status != store::BotStatus::kActive || !Has(service::BotFeature::kNotify)) return;
  Say(user_id, AccountStatusText(account), {}, [id = bot_.id, account_id = account.id](const telegram::Message* sent) {
    if (!sent) spdlog::warn("bot {}: the status of account {} was not told to a subscriber", id, account_id);
  });
}

}  // namespace tgmux::bots
