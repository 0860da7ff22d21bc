// BotRuntime, feature `notify` (docs/watcher.md): watcher matches told to
// their subscribers with "Reply as me" and "Ignore"; the answer goes from
// the subscriber's own linked account to the author, through the outbox,
// at most once per match; /subscribe and /unsubscribe.
#include <spdlog/spdlog.h>

#include <utility>

#include "bots/bot_runtime.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using nlohmann::json;
using service::BotFeature;
using store::WatchAnswerState;
using store::WatchNotifyState;
using telegram::Message;
using telegram::Result;

constexpr std::string_view kWatchKeyPrefix = "tgmux-watch:";

// Who wrote the message, as a person reads it.
std::string AuthorText(const json& message) {
  const json& author = message.value("author", json::object());
  std::string name = TextField(author, "name");
  std::string username = TextField(author, "username");
  if (name.empty()) name = username.empty() ? "someone" : "@" + username;
  return username.empty() ? name : name + " (@" + username + ")";
}

// A group message's text shortened to fit a bot message with its header
// (Telegram's 4,096 characters), cut between UTF-8 characters.
std::string Excerpt(std::string text) {
  constexpr std::size_t kMax = 3000;
  if (text.size() <= kMax) return text;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

}  // namespace

std::string WatchAnswerKey(const std::string& match_id) { return std::string(kWatchKeyPrefix) + match_id; }

bool ParseWatchAnswerKey(const std::string& key, std::string& match_id) {
  if (key.rfind(kWatchKeyPrefix, 0) != 0) return false;
  match_id = key.substr(kWatchKeyPrefix.size());
  return !match_id.empty();
}

std::string BotRuntime::NotificationText(const json& view) {
  const json& message = view.value("message", json::object());
  std::string why = view["rule"].is_object() ? TextField(view["rule"], "name") : TextField(view, "note");
  std::string text = "🔔 " + (why.empty() ? std::string("A match") : why);
  if (view.value("late", false)) text += " (late: it arrived while tgmux was down)";
  const json& chat = message.value("chat", json::object());
  text += "\nIn: " + TextField(chat, "title");
  text += "\nFrom: " + AuthorText(message);
  text += "\n\n" + Excerpt(TextField(message, "text"));
  if (std::string link = TextField(message, "link"); !link.empty()) text += "\n\n" + link;
  return text;
}

void BotRuntime::Notify(const store::WatchMatch& given) {
  if (bot_.status != store::BotStatus::kActive || !notifying_.insert(given.id).second) return;
  auto match = services_.infra.store().FindWatchMatch(given.id);
  auto subscriber = services_.infra.store().FindSubscriber(given.subscriber_id);
  if (!match || match->notify_state != WatchNotifyState::kPending || !subscriber) {
    notifying_.erase(given.id);
    return;
  }
  if (!Has(BotFeature::kNotify)) {
    notifying_.erase(given.id);
    return SetNotified(*match, WatchNotifyState::kFailed, 0, "the bot no longer has the notify feature");
  }
  const std::int64_t user_id = subscriber->telegram_user_id;
  const int per_hour = services_.infra.config().watch_notify_per_hour;
  // Those handed to Telegram this hour (stored), and those waiting in the bot's queue.
  int taken = services_.infra.store().CountWatchNotified(subscriber->id, UnixSeconds() - 3600) + queued_[user_id];
  if (taken >= per_hour) {
    notifying_.erase(given.id);
    SetNotified(*match, WatchNotifyState::kSummarized, 0, "");
    return Summarize(user_id, per_hour);
  }
  ++queued_[user_id];
  json view = services_.watch.MatchJson(*match);
  Markup buttons = Markup::Inline({{Button::Callback("Reply as me", "watch:r:" + match->id),
                                    Button::Callback("Ignore", "watch:i:" + match->id)}});
  auto waiting = std::make_shared<bool>(true);  // a retried call leaves the queue once
  auto call = [this, id = match->id, user_id, text = NotificationText(view), buttons, waiting](
                  telegram::AccountClient& client, telegram::AccountClient::MessageDone sent) {
    // At most once: marked before it goes to Telegram, it is never sent
    // again, even if tgmux stops before it hears the outcome.
    if (auto now = services_.infra.store().FindWatchMatch(id)) {
      now->notify_state = WatchNotifyState::kSending;
      now->updated_at = now->notified_at = UnixSeconds();
      services_.infra.store().UpdateWatchMatch(*now);
    }
    if (std::exchange(*waiting, false)) --queued_[user_id];
    client.SendBotText(user_id, telegram::FormattedText{text, {}}, buttons, 0, std::move(sent));
  };
  sender_->Enqueue(user_id, call, [this, id = match->id](Result<Message> sent) {
    notifying_.erase(id);
    auto now = services_.infra.store().FindWatchMatch(id);
    if (!now) return;
    if (sent.ok()) return SetNotified(*now, WatchNotifyState::kSent, sent.value().message_id, "");
    // Telegram answered with a refusal: it did not take the message.
    spdlog::warn("bot {}: a notification was not sent: {}", bot_.id, sent.error().what());
    SetNotified(*now, WatchNotifyState::kFailed, 0, std::string("the bot could not write to the subscriber: ") +
                                                         sent.error().what());
  });
}

void BotRuntime::SetNotified(store::WatchMatch match, WatchNotifyState state, std::int64_t bot_message_id,
                             const std::string& error) {
  match.notify_state = state;
  match.updated_at = UnixSeconds();
  if (state == WatchNotifyState::kSent) match.bot_message_id = bot_message_id;
  if (!error.empty()) match.error = error;
  services_.infra.store().UpdateWatchMatch(match);
}

void BotRuntime::Summarize(std::int64_t user_id, int per_hour) {
  auto& summary = summaries_[user_id];
  const std::int64_t now = UnixSeconds();
  if (summary.window_end <= now) summary = Summary{0, 0, now + 3600, false};
  ++summary.count;
  auto text = [per_hour](const Summary& s) {
    return "🔕 " + std::to_string(s.count) + (s.count == 1 ? " more match was" : " more matches were") +
           " not sent one by one: you get at most " + std::to_string(per_hour) +
           " notifications an hour. They are listed by GET /v1/watch/matches; notifications resume at " +
           When(s.window_end) + ".";
  };
  if (summary.message_id != 0) return Edit(user_id, summary.message_id, text(summary));
  if (summary.sending) return;  // the count shown is brought up to date once it is sent
  summary.sending = true;
  Say(user_id, text(summary), {}, [this, user_id, text, shown = summary.count](const Message* sent) {
    auto& s = summaries_[user_id];
    s.sending = false;
    if (!sent) return;
    s.message_id = sent->message_id;
    if (s.count != shown) Edit(user_id, s.message_id, text(s));
  });
}

void BotRuntime::NotifyPending() {
  if (!Has(BotFeature::kNotify) || bot_.status != store::BotStatus::kActive) return;
  for (const auto& match : services_.infra.store().ListPendingWatchMatches(500)) {
    auto subscriber = services_.infra.store().FindSubscriber(match.subscriber_id);
    if (!subscriber) {
      // Removed since: nobody is left to tell (and it must not hold up the others).
      SetNotified(match, WatchNotifyState::kFailed, 0, "the subscriber was removed");
    } else if (subscriber->bot_id == bot_.id) {
      Notify(match);
    }
  }
}

void BotRuntime::SubscribeCommand(Conversation& c, const Message& m) {
  try {
    auto subscriber = services_.watch.Subscribe(bot_.tenant_id, bot_.id, c.user_id, m.sender.name);
    Say(c.user_id, "You are subscribed: matches of the watcher's rules that name you come here. /unsubscribe "
                   "stops them. Your subscriber id is " + subscriber.id + ".");
  } catch (const Error& e) {
    Say(c.user_id, std::string("Not subscribed: ") + e.what());
  }
}

void BotRuntime::UnsubscribeCommand(Conversation& c) {
  auto subscriber = services_.infra.store().FindSubscriberByUser(bot_.id, c.user_id);
  if (!subscriber) return Say(c.user_id, "You are not subscribed.");
  services_.watch.Unsubscribe(bot_.tenant_id, subscriber->id);
  Say(c.user_id, "Unsubscribed: no more notifications from me. /subscribe to start again.");
}

std::optional<store::WatchMatch> BotRuntime::OwnMatch(std::int64_t user_id, const std::string& match_id) {
  auto match = services_.infra.store().FindWatchMatch(match_id);
  if (!match) return std::nullopt;
  auto subscriber = services_.infra.store().FindSubscriber(match->subscriber_id);
  if (!subscriber || subscriber->bot_id != bot_.id || subscriber->telegram_user_id != user_id) return std::nullopt;
  return match;
}

std::optional<store::Account> BotRuntime::AnsweringAccount(std::int64_t user_id) {
  auto accounts = AccountsOf(user_id);
  if (accounts.empty()) accounts = services_.accounts.FindByTelegramUser(bot_.tenant_id, user_id);
  for (const auto& a : accounts) {
    if (a.status == store::AccountStatus::kActive || a.status == store::AccountStatus::kFloodWait) return a;
  }
  if (!accounts.empty()) return accounts.front();
  return std::nullopt;
}

void BotRuntime::OnWatchCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action) {
  // "r:<match>" reply, "i:<match>" ignore, "s:<match>" send the draft, "e:<match>" edit it.
  if (action.size() < 3 || action[1] != ':') return Answer(q, "This button no longer does anything.");
  auto match = OwnMatch(c.user_id, std::string(action.substr(2)));
  if (!match) return Answer(q, "This match is gone.");
  if (match->answer_state == WatchAnswerState::kQueued || match->answer_state == WatchAnswerState::kSent) {
    return Answer(q, "Already answered.");
  }
  json view = services_.watch.MatchJson(*match);
  switch (action[0]) {
    case 'i':
      match->answer_state = WatchAnswerState::kIgnored;
      match->updated_at = UnixSeconds();
      services_.infra.store().UpdateWatchMatch(*match);
      Answer(q, "Ignored.");
      if (match->bot_message_id != 0) Edit(c.user_id, match->bot_message_id, NotificationText(view) + "\n\n— ignored");
      return;
    case 'r':
    case 'e': {
      if (!AnsweringAccount(c.user_id)) {
        Answer(q);
        return Say(c.user_id, "To answer as you, link your Telegram account first: send /account.");
      }
      Answer(q);
      std::string draft = TextField(view, "draft");
      if (action[0] == 'r' && !draft.empty()) {
        return Say(c.user_id, "Draft answer to " + AuthorText(view["message"]) + ":\n\n" + draft,
                   Markup::Inline({{Button::Callback("Send", "watch:s:" + match->id),
                                    Button::Callback("Edit", "watch:e:" + match->id)}}));
      }
      c.step = Step::kWatchReply;
      c.watch_match_id = match->id;
      Save(c);
      return Say(c.user_id, "Write your answer to " + AuthorText(view["message"]) +
                                ". It goes from your own account, in private. /cancel to stop.");
    }
    case 's':
      Answer(q);
      return SendWatchAnswer(c, *match, TextField(view, "draft"));
    default:
      return Answer(q, "This button no longer does anything.");
  }
}

bool BotRuntime::OnWatchText(Conversation& c, const Message& m) {
  if (c.step != Step::kWatchReply) return false;
  auto match = OwnMatch(c.user_id, c.watch_match_id);
  c.step = Step::kIdle;
  c.watch_match_id.clear();
  Save(c);
  if (!match) {
    Say(c.user_id, "That match is gone; nothing was sent.");
    return true;
  }
  if (m.text.text.empty()) {
    Say(c.user_id, "Only text can be sent as an answer. Tap Reply as me again.");
    return true;
  }
  SendWatchAnswer(c, *match, m.text.text);
  return true;
}

}  // namespace tgmux::bots
