// The `accounts` feature's commands about a linked account (docs/bots.md):
// /status, /unlink (with its confirm button), /cancel.
#include "bots/bot_runtime.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {

using store::AccountStatus;

void BotRuntime::StatusCommand(Conversation& c) {
  auto accounts = AccountsOf(c.user_id);
  if (accounts.empty()) return Say(c.user_id, "No account is linked. Send /account to link one.");
  std::string text;
  for (const auto& a : accounts) {
    if (!text.empty()) text += "\n";
    text += Describe(a) + ": ";
    switch (a.status) {
      case AccountStatus::kActive:
        text += "active.";
        break;
      case AccountStatus::kFloodWait: {
        auto until = services_.accounts.FloodWaitUntil(a.id);
        text += until > 0 ? "Telegram has paused its sending until " + When(until) + "." : "paused by Telegram.";
        break;
      }
      case AccountStatus::kRevoked:
        text += "its session was ended on " + Rfc3339(a.updated_at).substr(0, 10) +
                " (from another device, or by Telegram). Send /account to link it again.";
        break;
      case AccountStatus::kConnecting:
        text += "connecting to Telegram.";
        break;
      case AccountStatus::kDisabled:
        text += "disabled by the people who run this service.";
        break;
      case AccountStatus::kError:
        text += "not working: " + a.last_error + ".";
        break;
      case AccountStatus::kLimited:
        text += "limited by Telegram: it may not write to people who are not its contacts for now.";
        break;
      case AccountStatus::kBanned:
        text += "banned by Telegram.";
        break;
    }
  }
  Say(c.user_id, text);
}

void BotRuntime::UnlinkCommand(Conversation& c) {
  auto accounts = AccountsOf(c.user_id);
  if (accounts.empty()) return Say(c.user_id, "No account is linked, so there is nothing to unlink.");
  if (InLogin(c.step) && !c.login_id.empty()) CancelCommand(c);
  std::vector<std::vector<Button>> rows;
  for (const auto& a : accounts) rows.push_back({Button::Callback("Unlink " + Describe(a), "acct:unlink:" + a.id)});
  rows.push_back({Button::Callback("Keep it", "acct:keep")});
  c.step = Step::kConfirmUnlink;
  Save(c);
  Say(c.user_id,
      "Unlink " + (accounts.size() == 1 ? Describe(accounts.front()) : std::string("which account")) +
          "? It is logged out at Telegram, and everything this service keeps for it is deleted.",
      Markup::Inline(std::move(rows)));
}

void BotRuntime::Unlink(Conversation& c, const std::string& account_id, const telegram::CallbackQuery& q) {
  std::optional<store::Account> account;
  try {
    account = services_.accounts.Get(bot_.tenant_id, account_id);
  } catch (const Error&) {
    Idle(c);
    return Edit(q.chat_id, q.message_id, "That account is not linked any more.");
  }
  // Only the person who linked an account may unlink it through a bot.
  if (account->owner_telegram_user_id != c.user_id) {
    Idle(c);
    return Edit(q.chat_id, q.message_id, "Only the person who linked that account can unlink it.");
  }
  Edit(q.chat_id, q.message_id, "Unlinking " + Describe(*account) + "…");
  Idle(c);
  const std::int64_t user_id = c.user_id;
  const std::string name = Describe(*account);
  services_.accounts.Unlink(bot_.tenant_id, account_id, Actor(user_id),
                            OnWorker<telegram::Status>([user_id, name](BotRuntime& self, telegram::Status s) {
                              if (!s.ok()) {
                                return self.Say(user_id, "Unlinking did not work: " + std::string(s.error().what()) +
                                                             ". Send /unlink to try again.");
                              }
                              self.Say(user_id, "Unlinked " + name +
                                                    ". It is logged out at Telegram and its data is deleted here. "
                                                    "Send /account to link an account again.");
                            }));
}

void BotRuntime::CancelCommand(Conversation& c) {
  if (c.step == Step::kIdle) return Say(c.user_id, "There is nothing to cancel.", Markup::RemoveKeyboard());
  const bool login = !c.login_id.empty();
  if (login) {
    try {
      services_.logins.Cancel(bot_.tenant_id, c.login_id, [](telegram::Status) {});
    } catch (const Error&) {
      // Finished meanwhile: nothing to stop.
    }
  }
  Idle(c);
  Say(c.user_id, login ? "Cancelled: the login was stopped and nothing was linked." : "Cancelled.",
      Markup::RemoveKeyboard());
}

}  // namespace tgmux::bots
