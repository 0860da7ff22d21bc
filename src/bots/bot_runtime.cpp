// BotRuntime: who may talk to the bot, commands, the conversations' state,
// and saying things through the paced sender.
#include "bots/bot_runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using service::BotFeature;
using telegram::Message;
using telegram::Result;

std::string ConversationRecordId(const std::string& bot_id, std::int64_t user_id) {
  return bot_id + "/" + std::to_string(user_id);
}

}  // namespace

BotRuntime::BotRuntime(service::Services& services, std::shared_ptr<service::Background> worker, LoginIndex& logins,
                       store::Bot bot)
    : services_(services), worker_(std::move(worker)), logins_(logins), bot_(std::move(bot)) {
  BotLimits limits;
  limits.group_per_minute = services_.infra.config().bot_group_per_minute;
  sender_ = BotSender::Create(worker_, [&bots = services_.bots, id = bot_.id] { return bots.Client(id); }, limits);
  work_group_ = std::make_shared<WorkGroupRelay>(services_, worker_, sender_, bot_);
}

template <typename T>
std::function<void(T)> BotRuntime::OnWorker(std::function<void(BotRuntime&, T)> then) {
  return [weak = weak_from_this(), worker = worker_, then = std::move(then)](T value) {
    worker->Post([weak, then, value = std::move(value)]() mutable {
      if (auto self = weak.lock()) then(*self, std::move(value));
    });
  };
}
template std::function<void(telegram::Result<service::LoginView>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Result<service::LoginView>)>);
template std::function<void(telegram::Status)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Status)>);
template std::function<void(std::vector<nlohmann::json>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, std::vector<nlohmann::json>)>);
template std::function<void(telegram::Result<Message>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Result<Message>)>);
template std::function<void(telegram::Result<service::ReadState>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Result<service::ReadState>)>);
template std::function<void(telegram::Result<service::HistoryPage>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Result<service::HistoryPage>)>);
template std::function<void(telegram::Result<service::ChatPage>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Result<service::ChatPage>)>);
template std::function<void(telegram::Result<telegram::AccountClient::CanMessage>)> BotRuntime::OnWorker(
    std::function<void(BotRuntime&, telegram::Result<telegram::AccountClient::CanMessage>)>);

void BotRuntime::Update(const store::Bot& bot) {
  bot_ = bot;
  features_ = service::FeaturesFromText(bot.features);
  try {
    access_ = service::ParseBotAccess(nlohmann::json::parse(bot.access));
  } catch (const std::exception&) {
    access_ = service::BotAccess{};
    access_.anyone = bot.access == "anyone" || bot.access == "\"anyone\"";
  }
  link_policy_ = service::LinkPolicyFromName(bot.link_policy).value_or(service::LinkPolicy::kSelf);
  if (bot.status != store::BotStatus::kActive) return;
  RegisterCommands();
  LoadConversations();
  sender_->Resume();
  if (Has(BotFeature::kTerminal)) {
    StartRelay();
  } else {
    relaying_ = false;
  }
  work_group_->Update(bot_, Has(BotFeature::kRelay));
  NotifyPending();
}

bool BotRuntime::Has(BotFeature feature) const {
  return std::find(features_.begin(), features_.end(), feature) != features_.end();
}

bool BotRuntime::Allowed(std::int64_t user_id) const {
  auto it = usernames_.find(user_id);
  return access_.Allows(user_id, it == usernames_.end() ? std::string_view() : std::string_view(it->second));
}

std::string BotRuntime::Actor(std::int64_t user_id) const {
  return bot_.id + "/tg:" + std::to_string(user_id);
}

void BotRuntime::RegisterCommands() {
  auto client = services_.bots.Client(bot_.id);
  if (!client) return;
  std::vector<telegram::BotCommand> commands = {{"start", "What this bot does"}, {"help", "The commands"}};
  if (Has(BotFeature::kAccounts)) {
    commands.push_back({"account", "Link your Telegram account"});
    commands.push_back({"status", "How your linked account is doing"});
    commands.push_back({"unlink", "Log out and remove your linked account"});
  }
  if (Has(BotFeature::kTerminal)) commands.push_back({"chats", "Your recent private chats"});
  if (Has(BotFeature::kNotify)) {
    commands.push_back({"subscribe", "Get the watcher's notifications"});
    commands.push_back({"unsubscribe", "Stop the watcher's notifications"});
  }
  commands.push_back({"cancel", "Stop what is under way"});
  client->SetCommands(commands, [id = bot_.id](telegram::Status s) {
    if (!s.ok()) spdlog::warn("bot {}: the command menu was not set: {}", id, s.error().what());
  });
}

Conversation& BotRuntime::Of(std::int64_t user_id) {
  auto [it, added] = conversations_.try_emplace(user_id);
  if (added) it->second.user_id = user_id;
  return it->second;
}

void BotRuntime::Save(const Conversation& c) {
  store::BotConversation row;
  row.bot_id = bot_.id;
  row.user_id = c.user_id;
  row.updated_at = UnixSeconds();
  row.state_sealed = services_.infra.envelope().SealRecord("bot_conversation", ConversationRecordId(bot_.id, c.user_id),
                                                           c.ToJson().dump());
  try {
    services_.infra.store().PutBotConversation(row);
  } catch (const std::exception& e) {
    spdlog::error("bot {}: a conversation was not saved: {}", bot_.id, e.what());
  }
}

void BotRuntime::LoadConversations() {
  if (loaded_) return;
  loaded_ = true;
  for (const auto& row : services_.infra.store().ListBotConversations(bot_.id)) {
    Conversation c;
    try {
      c = Conversation::FromJson(nlohmann::json::parse(services_.infra.envelope().OpenRecord(
          "bot_conversation", ConversationRecordId(bot_.id, row.user_id), row.state_sealed)));
    } catch (const std::exception& e) {
      spdlog::warn("bot {}: a stored conversation does not open: {}", bot_.id, e.what());
      continue;
    }
    c.user_id = row.user_id;
    auto& kept = conversations_[row.user_id] = c;
    // Logins live in memory: one cut by a restart is gone, and the person is told.
    if (InLogin(kept.step) && !kept.login_id.empty()) {
      Idle(kept);
      Say(kept.user_id,
          "tgmux restarted while you were linking your account, so that login was stopped. "
          "Send /account to start again.",
          Markup::RemoveKeyboard());
    }
  }
}

void BotRuntime::OnMessage(const Message& m) {
  if (m.chat_type != telegram::ChatType::kPrivate) return work_group_->OnGroupMessage(m);
  if (m.is_outgoing || m.sender.user_id == 0) return;
  const std::int64_t user_id = m.sender.user_id;
  if (!m.sender.username.empty()) usernames_[user_id] = Lower(m.sender.username);
  if (!Allowed(user_id)) {
    return Say(m.chat_id, "Sorry, this bot only talks to the people its owner has allowed.");
  }
  const bool known = conversations_.count(user_id) > 0;
  Conversation& c = Of(user_id);
  if (!known) Save(c);  // the terminal relays only to people who talk to the bot
  // In the password step anything but a known command is the password.
  if (auto line = ParseCommand(m.text.text)) {
    const std::string& command = line->name;  // "/account@some_bot" names the bot too
    static const std::vector<std::string> kKnown = {"start", "help", "account", "status", "unlink",
                                                    "cancel", "chats", "edit", "delete",
                                                    "subscribe", "unsubscribe"};
    bool known = std::find(kKnown.begin(), kKnown.end(), command) != kKnown.end();
    if (known || c.step != Step::kPassword) return OnCommand(c, command, line->args, m);
  }
  OnText(c, m);
}

void BotRuntime::OnCommand(Conversation& c, std::string_view command, std::string_view args, const Message& m) {
  const bool accounts = Has(BotFeature::kAccounts);
  if (command == "start" || command == "help") return Help(c);
  if (command == "cancel") return CancelCommand(c);
  if (accounts && command == "account") return AccountCommand(c, args);
  if (accounts && command == "status") return StatusCommand(c);
  if (accounts && command == "unlink") return UnlinkCommand(c);
  if (Has(BotFeature::kTerminal)) {
    if (command == "chats") return ChatsCommand(c);
    if (command == "edit") return EditCommand(c, args, m);
    if (command == "delete") return DeleteCommand(c, m);
  }
  if (Has(BotFeature::kNotify)) {
    if (command == "subscribe") return SubscribeCommand(c, m);
    if (command == "unsubscribe") return UnsubscribeCommand(c);
  }
  Say(c.user_id, "I do not know /" + std::string(command) + ". Send /help to see what I can do.");
}

void BotRuntime::Help(Conversation& c) {
  std::string text = "I am @" + bot_.username + ", a tgmux bot.\n";
  if (Has(BotFeature::kAccounts)) {
    text +=
        "\n/account — link your Telegram account (by phone number or QR code)"
        "\n/account status — the same as /status"
        "\n/status — how your linked account is doing"
        "\n/unlink — log it out and remove it";
  }
  if (Has(BotFeature::kTerminal)) {
    text +=
        "\n\nYour account's private messages come here as they arrive. Reply to one (or tap Reply) to answer "
        "as you.\n/chats — your recent private chats\n/edit — as a reply to a message you sent: change its text"
        "\n/delete — as a reply to a message: delete it for everyone";
  }
  if (Has(BotFeature::kNotify)) {
    text +=
        "\n\nI tell subscribers about messages the watcher matched; tap Reply as me to answer the author from "
        "your own account.\n/subscribe — get these notifications\n/unsubscribe — stop them";
  }
  text += "\n/cancel — stop what is under way\n/help — this list";
  Say(c.user_id, text);
}

void BotRuntime::OnText(Conversation& c, const Message& m) {
  switch (c.step) {
    case Step::kPhone:
    case Step::kCode:
    case Step::kPassword:
      return OnAccountText(c, m);
    case Step::kChoosingMethod:
      return Say(c.user_id, "Tap \"Phone number\" or \"QR code\" above, or send /cancel.");
    case Step::kQr:
      return Say(c.user_id, "Scan the QR code above from your other device, or send /cancel.");
    default:
      break;
  }
  if (OnWatchText(c, m)) return;
  if (OnTerminalText(c, m)) return;
  if (Has(BotFeature::kAccounts) && AccountsOf(c.user_id).empty()) {
    return Say(c.user_id, "Send /account to link your Telegram account, or /help to see what I can do.");
  }
  Say(c.user_id, "Send /help to see what I can do.");
}

void BotRuntime::OnCallback(const telegram::CallbackQuery& q) {
  if (!Allowed(q.sender_user_id)) return Answer(q, "Sorry, this bot only talks to the people its owner has allowed.");
  Conversation& c = Of(q.sender_user_id);
  std::string_view data = q.data;
  if (data.rfind("acct:", 0) == 0 && Has(BotFeature::kAccounts)) {
    return OnAccountCallback(c, q, data.substr(5));
  }
  if (data.rfind("term:", 0) == 0 && Has(BotFeature::kTerminal)) return OnTerminalCallback(c, q, data.substr(5));
  if (data.rfind("watch:", 0) == 0 && Has(BotFeature::kNotify)) return OnWatchCallback(c, q, data.substr(6));
  Answer(q, "This button no longer does anything.");
}

void BotRuntime::Say(std::int64_t chat_id, const std::string& text, Markup markup,
                     std::function<void(const Message*)> done, std::int64_t reply_to) {
  sender_->Enqueue(
      chat_id,
      [chat_id, text, markup, reply_to](telegram::AccountClient& client, telegram::AccountClient::MessageDone sent) {
        client.SendBotText(chat_id, telegram::FormattedText{text, {}}, markup, reply_to, std::move(sent));
      },
      [id = bot_.id, done](Result<Message> result) {
        if (!result.ok()) spdlog::warn("bot {}: a message was not sent: {}", id, result.error().what());
        if (done) done(result.ok() ? &result.value() : nullptr);
      });
}

void BotRuntime::Edit(std::int64_t chat_id, std::int64_t message_id, const std::string& text, Markup markup) {
  sender_->Enqueue(
      chat_id,
      [chat_id, message_id, text, markup](telegram::AccountClient& client,
                                          telegram::AccountClient::MessageDone sent) {
        client.EditBotText(chat_id, message_id, telegram::FormattedText{text, {}}, markup, std::move(sent));
      },
      [id = bot_.id](Result<Message> result) {
        if (!result.ok()) spdlog::warn("bot {}: a message was not edited: {}", id, result.error().what());
      });
}

void BotRuntime::Forget(std::int64_t chat_id, std::int64_t message_id) {
  auto client = services_.bots.Client(bot_.id);
  if (!client) return;
  client->DeleteMessages(chat_id, {message_id}, true, [id = bot_.id](telegram::Status s) {
    if (!s.ok()) spdlog::warn("bot {}: a secret message was not deleted: {}", id, s.error().what());
  });
}

void BotRuntime::Answer(const telegram::CallbackQuery& query, const std::string& text) {
  auto client = services_.bots.Client(bot_.id);
  if (!client) return;
  client->AnswerCallbackQuery(query.id, text, false, [](telegram::Status) {});
}

}  // namespace tgmux::bots
