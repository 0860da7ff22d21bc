// One running bot's conversations (docs/bots.md): who may talk to it, the
// commands, and the features it has: `accounts` (account_flow.cpp: linking by
// phone or QR code, account_qr.cpp; account_commands.cpp: /status, /unlink,
// /cancel), `terminal` (terminal_relay.cpp: the linked account's private
// messages relayed; terminal.cpp: answered, edited, deleted, /chats),
// `notify` (watch_notify.cpp, watch_answer.cpp) and `relay` (relay/: the
// accounts' conversations mirrored into work groups).
// Everything here runs on the bots' worker thread (BotFront); answers from
// Telegram and from the login service are posted back to it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bots/bot_sender.h"
#include "bots/conversation.h"
#include "bots/relay/work_group_relay.h"
#include "service/bots/bot_settings.h"
#include "service/services.h"
#include "store/bot_records.h"

namespace tgmux::bots {

// Which bot and person a login started through a bot belongs to (BotFront's
// index, so that login state changes find their conversation).
class LoginIndex {
 public:
  virtual ~LoginIndex() = default;
  virtual void Bind(const std::string& login_id, const std::string& bot_id, std::int64_t user_id) = 0;
  virtual void Unbind(const std::string& login_id) = 0;
  // Logins of this person in progress through any bot of the tenant.
  virtual int OpenLogins(const std::string& tenant_id, std::int64_t user_id) const = 0;
};

// The person and message of an answer sent through a bot, from its outbox
// entry's idempotency key; false for entries not sent through a bot.
bool ParseReplyKey(const std::string& key, std::string& bot_id, std::int64_t& user_id, std::int64_t& message_id);
// The outbox idempotency key of a subscriber's answer to a watcher match
// (watch_answer.cpp), and the match it names; false for other keys.
std::string WatchAnswerKey(const std::string& match_id);
bool ParseWatchAnswerKey(const std::string& key, std::string& match_id);

class BotRuntime : public std::enable_shared_from_this<BotRuntime> {
 public:
  BotRuntime(service::Services& services, std::shared_ptr<service::Background> worker, LoginIndex& logins,
             store::Bot bot);

  // The bot's row changed (settings, status). When it becomes active: the
  // command menu is registered, waiting messages go, and conversations cut by
  // a restart are told so.
  void Update(const store::Bot& bot);
  void OnMessage(const telegram::Message& message);
  void OnCallback(const telegram::CallbackQuery& query);
  void OnLogin(std::int64_t user_id, const service::LoginView& login);
  // An answer the person sent through the bot is sent or failed (terminal).
  void OnReplyFinished(std::int64_t user_id, std::int64_t person_message_id, const store::OutboxEntry& entry);
  // notify (watch_notify.cpp): tells the match's subscriber, once; and every
  // match of this bot's subscribers still pending (after a restart, or while
  // the bot was down).
  void Notify(const store::WatchMatch& match);
  void NotifyPending();
  // notify (health_notify.cpp): an account of the tenant changed status; the
  // subscriber asked to hear it (POST /v1/notifications/subscriptions).
  void NotifyAccountStatus(std::int64_t user_id, const store::Account& account);
  // A subscriber's answer to a match is sent or failed (watch_answer.cpp).
  void OnWatchAnswerFinished(const std::string& match_id, const store::OutboxEntry& entry);

  const store::Bot& bot() const { return bot_; }
  // relay (bots/relay/): the work groups this bot mirrors accounts into.
  WorkGroupRelay& work_group() { return *work_group_; }

 private:
  using Markup = telegram::ReplyMarkup;
  using Button = telegram::BotButton;

  // --- bot_runtime.cpp: conversations, commands, saying things.
  Conversation& Of(std::int64_t user_id);
  void Save(const Conversation& c);
  void LoadConversations();
  void RegisterCommands();
  bool Has(service::BotFeature feature) const;
  bool Allowed(std::int64_t user_id) const;
  void OnCommand(Conversation& c, std::string_view command, std::string_view args, const telegram::Message& m);
  void OnText(Conversation& c, const telegram::Message& m);
  void Help(Conversation& c);
  // Sends text (paced), as a reply to `reply_to` if set; `done` gets the
  // sent message, or null when it could not be sent.
  void Say(std::int64_t chat_id, const std::string& text, Markup markup = {},
           std::function<void(const telegram::Message*)> done = nullptr, std::int64_t reply_to = 0);
  void Edit(std::int64_t chat_id, std::int64_t message_id, const std::string& text, Markup markup = {});
  void Forget(std::int64_t chat_id, std::int64_t message_id);  // deletes a person's message (code, password)
  void Answer(const telegram::CallbackQuery& query, const std::string& text = "");
  // `then` on the worker with what `call` answered, unless this runtime is gone.
  template <typename T>
  std::function<void(T)> OnWorker(std::function<void(BotRuntime&, T)> then);
  std::string Actor(std::int64_t user_id) const;

  // --- account_flow.cpp, account_qr.cpp, account_commands.cpp
  void AccountCommand(Conversation& c, std::string_view args);
  void StatusCommand(Conversation& c);
  void UnlinkCommand(Conversation& c);
  void CancelCommand(Conversation& c);
  void OnAccountCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action);
  void OnAccountText(Conversation& c, const telegram::Message& m);
  void AskPhone(Conversation& c);
  void StartLogin(Conversation& c, store::LoginMethod method, const std::string& phone);
  void OnPhone(Conversation& c, const telegram::Message& m);
  void OnCode(Conversation& c, const telegram::Message& m);
  void OnPassword(Conversation& c, const telegram::Message& m);
  void Resend(Conversation& c);
  // What a login step answered (also the login service's state changes).
  void OnLoginView(std::int64_t user_id, const service::LoginView& view);
  void OnLoginError(std::int64_t user_id, const Error& error, bool code_was_verbatim);
  void ShowQr(Conversation& c, const std::string& link, std::int64_t expires_at);
  void Linked(Conversation& c, const store::Account& account);
  void Unlink(Conversation& c, const std::string& account_id, const telegram::CallbackQuery& q);
  void Idle(Conversation& c);
  std::vector<store::Account> AccountsOf(std::int64_t user_id);
  std::string Describe(const store::Account& account);
  std::string Limits(std::int64_t user_id);

  // --- watch_notify.cpp, watch_answer.cpp
  static std::string NotificationText(const nlohmann::json& match_view);
  void SetNotified(store::WatchMatch match, store::WatchNotifyState state, std::int64_t bot_message_id,
                   const std::string& error);
  void Summarize(std::int64_t user_id, int per_hour);
  void SubscribeCommand(Conversation& c, const telegram::Message& m);
  void UnsubscribeCommand(Conversation& c);
  std::optional<store::WatchMatch> OwnMatch(std::int64_t user_id, const std::string& match_id);
  std::optional<store::Account> AnsweringAccount(std::int64_t user_id);
  void OnWatchCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action);
  bool OnWatchText(Conversation& c, const telegram::Message& m);
  void SendWatchAnswer(Conversation& c, store::WatchMatch match, const std::string& text);
  void QueueWatchAnswer(store::WatchMatch match, const store::Account& account, const std::string& to,
                        const std::string& text);
  void WatchAnswerFailed(store::WatchMatch match, const std::string& why);
  void ShowWatchOutcome(const store::WatchMatch& match, const std::string& outcome);

  // --- terminal_relay.cpp, terminal.cpp
  void StartRelay();
  void ReadEvents();
  void OnEvents(std::vector<nlohmann::json> events);
  void Relay(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id,
             const std::vector<nlohmann::json>& messages, std::int64_t seq);
  // A relay waiting in the sender's queue, which newer messages join.
  struct QueuedRelay {
    std::uint64_t op = 0;
    std::string account_id;
    std::int64_t chat_id = 0;
    std::vector<nlohmann::json> messages;
    std::vector<std::int64_t> seqs;  // the events it stands for
  };
  std::pair<BotSender::Call, BotSender::Done> RelayOp(std::int64_t user_id, const QueuedRelay& relay);
  void RelayFile(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id,
                 const nlohmann::json& message, std::int64_t seq);
  static telegram::ReplyMarkup RelayMarkup();
  // Moves the stored cursor past every event whose relay is done.
  void Advance();
  void Remember(std::int64_t user_id, std::int64_t bot_message_id, const std::string& account_id,
                std::int64_t chat_id, std::int64_t message_id, const std::string& kind);
  std::optional<store::BotRelay> RelayOf(std::int64_t user_id, std::int64_t bot_message_id);
  std::int64_t OwnerOf(const std::string& account_id);
  std::optional<store::Account> TerminalAccount(std::int64_t user_id);
  // True when the text was for the terminal (an answer).
  bool OnTerminalText(Conversation& c, const telegram::Message& m);
  void SendAsPerson(Conversation& c, const store::BotRelay& target, const telegram::Message& m);
  void EditCommand(Conversation& c, std::string_view text, const telegram::Message& m);
  void DeleteCommand(Conversation& c, const telegram::Message& m);
  void ChatsCommand(Conversation& c);
  void ShowHistory(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id, std::int64_t before);
  void OnTerminalCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action);

  service::Services& services_;
  std::shared_ptr<service::Background> worker_;  // shared: callbacks may outlive the front
  LoginIndex& logins_;
  store::Bot bot_;
  std::vector<service::BotFeature> features_;
  service::BotAccess access_;
  service::LinkPolicy link_policy_ = service::LinkPolicy::kSelf;
  std::shared_ptr<BotSender> sender_;
  std::shared_ptr<WorkGroupRelay> work_group_;
  std::map<std::int64_t, Conversation> conversations_;
  std::map<std::int64_t, std::string> usernames_;  // people's usernames as their messages showed them
  // The QR code each person is shown (memory only: the link is a login token).
  struct QrShown {
    std::string link;     // in the photo now
    std::string pending;  // renewed while the photo was being sent
    bool sending = false;
  };
  std::map<std::int64_t, QrShown> qr_;
  bool loaded_ = false;
  // terminal
  bool relaying_ = false;
  std::int64_t read_seq_ = 0;                // the last event read
  std::map<std::int64_t, bool> in_flight_;   // seq of relays under way -> done
  std::map<std::string, std::int64_t> owners_;  // account id -> owner (0: none)
  std::map<std::int64_t, QueuedRelay> queued_relays_;  // per person
  // notify
  std::set<std::string> notifying_;  // matches whose notification is under way
  std::map<std::int64_t, int> queued_;  // per subscriber: notifications in the sender's queue
  struct Summary {  // the hourly cap's one message per subscriber
    std::int64_t message_id = 0;
    int count = 0;
    std::int64_t window_end = 0;
    bool sending = false;
  };
  std::map<std::int64_t, Summary> summaries_;
};

}  // namespace tgmux::bots
