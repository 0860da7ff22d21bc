// The `terminal` feature's incoming side (docs/bots.md): the private messages
// of the people's linked accounts, read from the tenant's event log from a
// cursor the bot stores (so a restart neither loses nor repeats one), relayed
// to their bot chats, merged while they wait for their turn.
#include <spdlog/spdlog.h>

#include <set>

#include "bots/bot_runtime.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using nlohmann::json;
using telegram::Message;

constexpr std::int64_t kBotState = 0;          // the conversation row that holds the bot's own state
constexpr std::size_t kMergeAtMost = 10;       // messages merged into one relay
constexpr std::size_t kReadAheadQueued = 100;  // stop reading the log while this many sends wait

bool HasFile(const json& message) {
  return message.contains("media") && message["media"].value("file_id", json()).is_string();
}

}  // namespace

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
  // tgmux's bots (of any tenant) write to the people's accounts too.
  const std::set<std::int64_t> bots = services_.bots.UserIds();
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

}  // namespace tgmux::bots
