// The `terminal` feature (docs/bots.md): a person reads and answers the
// private messages of their linked account through the bot. Incoming messages
// come from the tenant's event log, read from a cursor the bot stores (so a
// restart neither loses nor repeats one); answers go out through the outbox.
#include <spdlog/spdlog.h>

#include <set>

#include "bots/bot_runtime.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using nlohmann::json;
using telegram::Message;

constexpr std::int64_t kBotState = 0;          // the conversation row that holds the bot's own state
constexpr std::size_t kMergeAtMost = 10;       // messages merged into one relay
constexpr std::size_t kReadAheadQueued = 100;  // stop reading the log while this many sends wait
constexpr int kHistoryPage = 10;

std::string SenderLine(const json& from) {
  std::string name = from.value("name", "someone");
  if (from.contains("username")) name += " (@" + from["username"].get<std::string>() + ")";
  return name;
}

// A message's text as a line: its text or caption, and what it carries.
std::string Body(const json& message) {
  std::string text = message.value("text", "");
  if (message.contains("content_type")) {
    std::string kind = "[" + message["content_type"].get<std::string>() + "]";
    text = text.empty() ? kind : kind + " " + text;
  }
  return text;
}

// The idempotency key of an answer sent through the bot: the outbox's
// finished listener finds the person from it, even after a restart.
std::string ReplyKey(const std::string& bot_id, std::int64_t user_id, std::int64_t person_message_id) {
  return "tgmux-bot:" + bot_id + ":" + std::to_string(user_id) + ":" + std::to_string(person_message_id);
}

bool HasFile(const json& message) {
  return message.contains("media") && message["media"].value("file_id", json()).is_string();
}

// At most `bytes` of UTF-8 text, cut at a character boundary.
std::string Cut(std::string text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

std::int64_t Number(std::string_view text) {
  try {
    return std::stoll(std::string(text));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

bool ParseReplyKey(const std::string& key, std::string& bot_id, std::int64_t& user_id, std::int64_t& message_id) {
  if (key.rfind("tgmux-bot:", 0) != 0) return false;
  auto first = key.find(':', 10), second = key.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) return false;
  bot_id = key.substr(10, first - 10);
  user_id = Number(key.substr(first + 1, second - first - 1));
  message_id = Number(key.substr(second + 1));
  return user_id != 0 && message_id != 0;
}

// --- Relaying the account's incoming private messages.

void BotRuntime::StartRelay() {
  if (relaying_ || !Has(service::BotFeature::kTerminal)) return;
  relaying_ = true;
  Conversation& state = Of(kBotState);
  if (state.event_cursor == 0) {
    // A new terminal starts from now: what came before is history (/chats).
    state.event_cursor = services_.events.LastSeq(bot_.tenant_id);
    Save(state);
  }
  read_seq_ = state.event_cursor;
  ReadEvents();
}

void BotRuntime::ReadEvents() {
  if (!relaying_ || services_.events.draining()) return;
  if (sender_->queued() > kReadAheadQueued) {
    // Telegram's pace holds the relays back: read on later, and merge more.
    return worker_->PostAt(service::Background::Clock::now() + std::chrono::seconds(1),
                           [weak = weak_from_this()] { if (auto self = weak.lock()) self->ReadEvents(); });
  }
  store::EventQuery query;
  query.tenant_id = bot_.tenant_id;
  query.after = read_seq_;
  query.types = {"message.received"};
  services_.events.Wait(query, std::chrono::seconds(25),
                        OnWorker<std::vector<json>>([](BotRuntime& self, std::vector<json> events) {
                          self.OnEvents(std::move(events));
                        }));
}

std::int64_t BotRuntime::OwnerOf(const std::string& account_id) {
  auto it = owners_.find(account_id);
  if (it != owners_.end()) return it->second;
  std::int64_t owner = 0;
  try {
    owner = services_.accounts.Get(bot_.tenant_id, account_id).owner_telegram_user_id;
  } catch (const Error&) {
  }
  return owners_[account_id] = owner;
}

void BotRuntime::OnEvents(std::vector<json> events) {
  if (!relaying_) return;
  struct Group {
    std::int64_t user_id = 0, chat_id = 0, seq = 0;
    std::string account_id;
    std::vector<json> messages;
    bool media = false;  // a file goes alone, as the file
  };
  std::vector<Group> groups;
  // tgmux's bots (of any tenant) write to the people's accounts too: never
  // relay them (a bot's relay would come back as a message to relay, for ever).
  std::set<std::int64_t> bots;
  for (const auto& bot : services_.bots.List("")) bots.insert(bot.telegram_user_id);
  for (const auto& event : events) {
    read_seq_ = std::max(read_seq_, event.value("seq", std::int64_t{0}));
    const json& data = event["data"];
    if (data.value("chat_type", "") != "private" || !data.contains("message")) continue;
    const std::string account_id = event.value("account_id", "");
    const std::int64_t owner = OwnerOf(account_id);
    // Only people who talk to this bot: a bot may not write first.
    if (owner == 0 || conversations_.count(owner) == 0 || !Allowed(owner)) continue;
    const json& message = data["message"];
    const std::int64_t chat_id = message.value("chat_id", std::int64_t{0});
    if (bots.count(chat_id) > 0) continue;
    const bool media = HasFile(message);
    if (!media && !groups.empty() && !groups.back().media && groups.back().user_id == owner &&
        groups.back().account_id == account_id && groups.back().chat_id == chat_id &&
        groups.back().messages.size() < kMergeAtMost) {
      groups.back().messages.push_back(message);
      groups.back().seq = event["seq"];
      continue;
    }
    groups.push_back({owner, chat_id, event["seq"], account_id, {message}, media});
  }
  for (auto& group : groups) {
    in_flight_[group.seq] = false;
    if (group.media) {
      RelayFile(group.user_id, group.account_id, group.chat_id, group.messages.front(), group.seq);
    } else {
      Relay(group.user_id, group.account_id, group.chat_id, group.messages, group.seq);
    }
  }
  in_flight_.try_emplace(read_seq_, true);  // the batch's end, done once all before it are
  Advance();
  ReadEvents();
}

void BotRuntime::Relay(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id,
                       const std::vector<json>& messages, std::int64_t seq) {
  // A relay still waiting for its turn takes the new messages in (one
  // message instead of many), as long as it stays short.
  auto queued = queued_relays_.find(user_id);
  if (queued != queued_relays_.end() && queued->second.account_id == account_id &&
      queued->second.chat_id == chat_id && queued->second.messages.size() + messages.size() <= kMergeAtMost) {
    QueuedRelay merged = queued->second;
    merged.messages.insert(merged.messages.end(), messages.begin(), messages.end());
    merged.seqs.push_back(seq);
    auto [call, done] = RelayOp(user_id, merged);
    if (sender_->Amend(user_id, merged.op, std::move(call), std::move(done))) {
      queued->second = std::move(merged);
      return;
    }
  }
  QueuedRelay relay{0, account_id, chat_id, messages, {seq}};
  auto [call, done] = RelayOp(user_id, relay);
  relay.op = sender_->Enqueue(user_id, std::move(call), std::move(done));
  queued_relays_[user_id] = std::move(relay);  // Amend says when it has gone
}

// A message with a file: the file itself, downloaded through the account,
// with the sender and caption; as text when the file cannot be had.
void BotRuntime::RelayFile(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id,
                           const json& message, std::int64_t seq) {
  const json& media = message["media"];
  const auto kind = telegram::MediaKindFromName(media.value("type", "")).value_or(telegram::MediaKind::kDocument);
  const std::string caption =
      Cut("From " + SenderLine(message.value("from", json::object())) + ":\n" + message.value("text", ""), 900);
  const std::string fallback = "From " + SenderLine(message.value("from", json::object())) + ":\n" + Body(message);
  const std::string file_id = media["file_id"];
  auto markup = RelayMarkup();
  auto& downloads = services_.downloads;
  auto& bots = services_.bots;
  BotSender::Call call = [&downloads, &bots, tenant = bot_.tenant_id, bot_id = bot_.id, account_id, file_id, kind,
                          user_id, caption, fallback, markup](telegram::AccountClient& client,
                                                              telegram::AccountClient::MessageDone sent) {
    auto as_text = [user_id, fallback, markup](telegram::AccountClient& c, telegram::AccountClient::MessageDone s) {
      c.SendBotText(user_id, telegram::FormattedText{fallback, {}}, markup, 0, std::move(s));
    };
    try {
      downloads.Download(tenant, account_id, file_id,
                         [&bots, bot_id, user_id, kind, caption, markup, as_text, sent](auto file) mutable {
                           auto bot = bots.Client(bot_id);
                           if (!bot) return sent(Error(ErrorCode::kAccountNotReady, "the bot is not running"));
                           if (!file.ok()) return as_text(*bot, std::move(sent));
                           telegram::MediaToSend media{kind, file.value().path, "", 0, 0, 0};
                           bot->SendBotMedia(user_id, media, telegram::FormattedText{caption, {}}, markup,
                                             std::move(sent));
                         });
    } catch (const Error&) {
      as_text(client, std::move(sent));
    }
  };
  const std::int64_t message_id = message.value("message_id", std::int64_t{0});
  sender_->Enqueue(user_id, std::move(call), [weak = weak_from_this(), user_id, account_id, chat_id, message_id, seq](
                                                 telegram::Result<Message> sent) {
    auto self = weak.lock();
    if (!self) return;
    if (sent.ok()) self->Remember(user_id, sent.value().message_id, account_id, chat_id, message_id, "received");
    self->in_flight_[seq] = true;
    self->Advance();
  });
}

telegram::ReplyMarkup BotRuntime::RelayMarkup() {
  return Markup::Inline({{Button::Callback("Reply", "term:reply"), Button::Callback("Mark read", "term:read"),
                          Button::Callback("History", "term:history")}});
}

std::pair<BotSender::Call, BotSender::Done> BotRuntime::RelayOp(std::int64_t user_id, const QueuedRelay& relay) {
  const json& last = relay.messages.back();
  std::string text;
  if (relay.messages.size() == 1) {
    text = "From " + SenderLine(last.value("from", json::object())) + ":\n" + Body(last);
  } else {
    text = std::to_string(relay.messages.size()) + " messages from " +
           SenderLine(last.value("from", json::object())) + ":";
    for (const auto& m : relay.messages) text += "\n" + Body(m);
  }
  auto markup = RelayMarkup();
  BotSender::Call call = [user_id, text, markup](telegram::AccountClient& client,
                                                 telegram::AccountClient::MessageDone sent) {
    client.SendBotText(user_id, telegram::FormattedText{text, {}}, markup, 0, std::move(sent));
  };
  const std::int64_t message_id = last.value("message_id", std::int64_t{0});
  BotSender::Done done = [weak = weak_from_this(), user_id, relay, message_id](telegram::Result<Message> sent) {
    auto self = weak.lock();
    if (!self) return;
    auto queued = self->queued_relays_.find(user_id);
    if (queued != self->queued_relays_.end() && queued->second.seqs == relay.seqs) self->queued_relays_.erase(queued);
    if (sent.ok()) {
      self->Remember(user_id, sent.value().message_id, relay.account_id, relay.chat_id, message_id, "received");
    } else {
      spdlog::warn("bot {}: a relay was not sent: {}", self->bot_.id, sent.error().what());
    }
    for (auto seq : relay.seqs) self->in_flight_[seq] = true;
    self->Advance();
  };
  return {std::move(call), std::move(done)};
}

void BotRuntime::Advance() {
  std::int64_t cursor = -1;
  while (!in_flight_.empty() && in_flight_.begin()->second) {
    cursor = in_flight_.begin()->first;
    in_flight_.erase(in_flight_.begin());
  }
  Conversation& state = Of(kBotState);
  if (cursor > state.event_cursor) {
    state.event_cursor = cursor;
    Save(state);
  }
}

void BotRuntime::Remember(std::int64_t user_id, std::int64_t bot_message_id, const std::string& account_id,
                          std::int64_t chat_id, std::int64_t message_id, const std::string& kind) {
  try {
    services_.infra.store().PutBotRelay(
        {bot_.id, user_id, bot_message_id, account_id, chat_id, message_id, kind, UnixSeconds()});
  } catch (const std::exception& e) {
    spdlog::warn("bot {}: a relay was not recorded: {}", bot_.id, e.what());
  }
}

std::optional<store::BotRelay> BotRuntime::RelayOf(std::int64_t user_id, std::int64_t bot_message_id) {
  if (bot_message_id == 0) return std::nullopt;
  auto relay = services_.infra.store().FindBotRelay(bot_.id, user_id, bot_message_id);
  // The account must still be the person's.
  if (relay && OwnerOf(relay->account_id) != user_id) return std::nullopt;
  return relay;
}

std::optional<store::Account> BotRuntime::TerminalAccount(std::int64_t user_id) {
  for (auto& account : AccountsOf(user_id)) {
    if (account.status != store::AccountStatus::kRevoked) return account;
  }
  Say(user_id, "No account is linked. Send /account to link one.");
  return std::nullopt;
}

// --- Answering, editing, deleting.

bool BotRuntime::OnTerminalText(Conversation& c, const Message& m) {
  if (!Has(service::BotFeature::kTerminal)) return false;
  if (c.step == Step::kReply) {
    store::BotRelay target{bot_.id, c.user_id, 0, c.account_id, c.target_chat_id, c.target_message_id, "", 0};
    Idle(c);
    SendAsPerson(c, target, m);
    return true;
  }
  auto relay = RelayOf(c.user_id, m.reply_to_message_id);
  if (!relay) return false;
  if (relay->kind == "received") {
    SendAsPerson(c, *relay, m);
  } else {
    Say(c.user_id, "To change a message you sent, reply to it with /edit and the new text, or with /delete.");
  }
  return true;
}

void BotRuntime::SendAsPerson(Conversation& c, const store::BotRelay& target, const Message& m) {
  if (m.text.text.empty()) return Say(c.user_id, "Only text can be sent as an answer for now.");
  service::SendRequest request;
  request.to = std::to_string(target.chat_id);
  request.text = m.text.text;
  request.reply_to_message_id = target.message_id;
  request.idempotency_key = ReplyKey(bot_.id, c.user_id, m.message_id);
  try {
    services_.outbox.Enqueue(bot_.tenant_id, target.account_id, std::move(request));
  } catch (const Error& e) {
    Say(c.user_id, "Not sent: " + std::string(e.what()) + ".", {}, nullptr, m.message_id);
  }
}

void BotRuntime::OnReplyFinished(std::int64_t user_id, std::int64_t person_message_id,
                                 const store::OutboxEntry& entry) {
  if (entry.state != store::OutboxState::kSent) {
    return Say(user_id, "Not sent: " + entry.error_message + ".", {}, nullptr, person_message_id);
  }
  Remember(user_id, person_message_id, entry.account_id, entry.chat_id, entry.message_id, "sent");
  Say(user_id, "✓", {},
      [weak = weak_from_this(), user_id, entry](const Message* sent) {
        auto self = weak.lock();
        if (self && sent) self->Remember(user_id, sent->message_id, entry.account_id, entry.chat_id, entry.message_id, "sent");
      },
      person_message_id);
}

void BotRuntime::EditCommand(Conversation& c, std::string_view text, const Message& m) {
  auto relay = RelayOf(c.user_id, m.reply_to_message_id);
  if (!relay || relay->kind != "sent") {
    return Say(c.user_id, "Reply to a message you sent through me with /edit and the new text.");
  }
  if (text.empty()) return Say(c.user_id, "Write the new text after /edit.");
  const std::int64_t user_id = c.user_id;
  services_.messages.Edit(bot_.tenant_id, relay->account_id, relay->chat_id, relay->message_id, std::string(text),
                          telegram::ParseMode::kNone, false,
                          OnWorker<telegram::Result<Message>>([user_id, id = m.message_id](BotRuntime& self, auto r) {
                            self.Say(user_id, r.ok() ? "Edited ✓" : "Not edited: " + std::string(r.error().what()),
                                     {}, nullptr, id);
                          }));
}

void BotRuntime::DeleteCommand(Conversation& c, const Message& m) {
  auto relay = RelayOf(c.user_id, m.reply_to_message_id);
  if (!relay) return Say(c.user_id, "Reply to a message with /delete to delete it for everyone.");
  c.step = Step::kConfirmDelete;
  c.account_id = relay->account_id;
  c.target_chat_id = relay->chat_id;
  c.target_message_id = relay->message_id;
  Save(c);
  Say(c.user_id, "Delete this message for everyone?",
      Markup::Inline({{Button::Callback("Delete", "term:delete"), Button::Callback("Keep it", "term:keep")}}), nullptr,
      m.reply_to_message_id);
}

// --- Buttons, /chats and history.

void BotRuntime::OnTerminalCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action) {
  const std::int64_t user_id = c.user_id;
  if (action == "delete" || action == "keep") {
    if (c.step != Step::kConfirmDelete) return Answer(q, "Send /delete again.");
    store::BotRelay target{bot_.id, user_id, 0, c.account_id, c.target_chat_id, c.target_message_id, "", 0};
    Idle(c);
    if (action == "keep") {
      Answer(q);
      return Edit(q.chat_id, q.message_id, "Nothing was deleted.");
    }
    Answer(q);
    return services_.messages.Delete(
        bot_.tenant_id, target.account_id, target.chat_id, target.message_id, true,
        OnWorker<telegram::Result<telegram::Ok>>([q](BotRuntime& self, auto r) {
          self.Edit(q.chat_id, q.message_id, r.ok() ? "Deleted for everyone." : "Not deleted: " + std::string(r.error().what()));
        }));
  }
  if (action.rfind("open:", 0) == 0 || action.rfind("older:", 0) == 0 || action.rfind("to:", 0) == 0) {
    Answer(q);
    auto account = TerminalAccount(user_id);
    if (!account) return;
    std::string_view rest = action.substr(action.find(':') + 1);
    const std::int64_t chat_id = Number(rest.substr(0, rest.find(':')));
    if (action.rfind("to:", 0) == 0) {
      c.step = Step::kReply;
      c.account_id = account->id;
      c.target_chat_id = chat_id;
      c.target_message_id = 0;
      Save(c);
      return Say(user_id, "Write your message; it is sent as you. /cancel to stop.");
    }
    std::int64_t before = rest.find(':') == std::string_view::npos ? 0 : Number(rest.substr(rest.find(':') + 1));
    return ShowHistory(user_id, account->id, chat_id, before);
  }
  auto relay = RelayOf(user_id, q.message_id);
  if (!relay) return Answer(q, "This message is too old to act on.");
  if (action == "reply") {
    Answer(q);
    c.step = Step::kReply;
    c.account_id = relay->account_id;
    c.target_chat_id = relay->chat_id;
    c.target_message_id = relay->message_id;
    Save(c);
    return Say(user_id, "Write your answer; it is sent as you. /cancel to stop.");
  }
  if (action == "read") {
    return services_.messages.MarkRead(bot_.tenant_id, relay->account_id, relay->chat_id, relay->message_id,
                                       OnWorker<telegram::Result<service::ReadState>>([q](BotRuntime& self, auto r) {
                                         self.Answer(q, r.ok() ? "Marked as read" : r.error().what());
                                       }));
  }
  if (action == "history") {
    Answer(q);
    return ShowHistory(user_id, relay->account_id, relay->chat_id, 0);
  }
  Answer(q, "This button no longer does anything.");
}

void BotRuntime::ShowHistory(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id,
                             std::int64_t before) {
  services_.messages.History(
      bot_.tenant_id, account_id, chat_id, kHistoryPage, before,
      OnWorker<telegram::Result<service::HistoryPage>>([user_id, chat_id](BotRuntime& self, auto r) {
        if (!r.ok()) return self.Say(user_id, "The history did not load: " + std::string(r.error().what()) + ".");
        const auto& messages = r.value().messages;
        if (messages.empty()) return self.Say(user_id, "No messages in this chat.");
        std::string text;
        for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
          std::string who = it->is_outgoing ? "You" : (it->sender.name.empty() ? "Them" : it->sender.name);
          std::string body = it->text.text;
          if (it->content_type != "text") body = "[" + it->content_type + "]" + (body.empty() ? "" : " " + body);
          text += (text.empty() ? "" : "\n") + who + ": " + body;
        }
        std::vector<Button> row = {Button::Callback("Write", "term:to:" + std::to_string(chat_id))};
        if (r.value().next_before) {
          row.push_back(Button::Callback(
              "Older", "term:older:" + std::to_string(chat_id) + ":" + std::to_string(*r.value().next_before)));
        }
        self.Say(user_id, text, Markup::Inline({row}));
      }));
}

void BotRuntime::ChatsCommand(Conversation& c) {
  auto account = TerminalAccount(c.user_id);
  if (!account) return;
  const std::int64_t user_id = c.user_id;
  service::ChatListQuery query;
  query.limit = 20;
  services_.messages.ListChats(
      bot_.tenant_id, account->id, query,
      OnWorker<telegram::Result<service::ChatPage>>([user_id](BotRuntime& self, auto r) {
        if (!r.ok()) return self.Say(user_id, "The chats did not load: " + std::string(r.error().what()) + ".");
        std::string text;
        std::vector<std::vector<Button>> rows;
        for (const auto& chat : r.value().chats) {
          if (chat.type != telegram::ChatType::kPrivate || rows.size() >= 10) continue;
          std::string unread = chat.unread_count > 0 ? " (" + std::to_string(chat.unread_count) + ")" : "";
          text += "\n" + chat.title + (chat.unread_count > 0 ? ": " + std::to_string(chat.unread_count) + " unread" : "");
          rows.push_back({Button::Callback(chat.title + unread, "term:open:" + std::to_string(chat.chat_id))});
        }
        if (rows.empty()) return self.Say(user_id, "No private chats yet.");
        self.Say(user_id, "Your recent private chats:" + text, Markup::Inline(std::move(rows)));
      }));
}

}  // namespace tgmux::bots
