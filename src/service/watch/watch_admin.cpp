// WatchService: what the API asks of the watcher — an account's watched
// chats, rules, classifier matches, subscribers.
#include <spdlog/spdlog.h>

#include "common/time.h"
#include "crypto/random_id.h"
#include "service/bots/bot_settings.h"
#include "service/watch/watch_service.h"

namespace tgmux::service {
namespace {

using nlohmann::json;
using telegram::Chat;
using telegram::Result;

// Resolves the chats one after another on the client's answers, then stores.
struct Resolution : std::enable_shared_from_this<Resolution> {
  std::shared_ptr<telegram::AccountClient> client;
  watch::WatchSettings settings;
  std::size_t next = 0;
  bool loaded = false;  // the main chat list was loaded once
  std::function<void(Result<watch::WatchSettings>)> done;

  void Step() {
    if (next == settings.chats.size()) return done(settings);
    auto& ref = settings.chats[next];
    auto self = shared_from_this();
    auto got = [self](Result<Chat> chat) { self->Got(std::move(chat)); };
    switch (ref.kind) {
      case watch::ChatRefKind::kId:
        return client->GetChat(ref.chat_id, got);
      case watch::ChatRefKind::kUsername:
        return client->ResolveRecipient(ref.text, [self, got](Result<std::int64_t> id) {
          if (!id.ok()) return got(id.error());
          self->client->JoinChat(id.value(), got);
        });
      case watch::ChatRefKind::kInviteLink:
        return client->JoinChatByInviteLink(ref.text, got);
    }
  }

  // A chat id TDLib has not announced yet (a group joined before the account
  // was linked): the main chat list is loaded, then the chat asked again.
  void LoadThenRetry(int rounds) {
    auto self = shared_from_this();
    client->LoadChats(500, [self, rounds](Result<bool> more) {
      if (more.ok() && more.value() && rounds > 1) return self->LoadThenRetry(rounds - 1);
      self->loaded = true;
      self->Step();
    });
  }

  void Got(Result<Chat> chat) {
    const auto& ref = settings.chats[next];
    std::string field = "watch.chats[" + std::to_string(next) + "]";
    if (!chat.ok() && chat.error().code() == ErrorCode::kPeerNotFound && !loaded) return LoadThenRetry(20);
    if (!chat.ok()) {
      return done(Error(ErrorCode::kInvalidRequest,
                        field + ": " + ref.text + " could not be opened by this account: " + chat.error().what()));
    }
    if (chat.value().type == telegram::ChatType::kPrivate) {
      return done(Error(ErrorCode::kInvalidRequest, field + ": " + ref.text + " is a private chat, not a group"));
    }
    settings.chats[next++].chat_id = chat.value().chat_id;
    Step();
  }
};

}  // namespace

void WatchService::Configure(const std::string& tenant_id, const std::string& account_id, const nlohmann::json& watch,
                             std::function<void(telegram::Result<store::Account>)> done) {
  accounts_.Get(tenant_id, account_id);  // not_found first
  if (watch.is_null()) {
    AccountPatch patch;
    patch.watch = "";
    return done(accounts_.Update(tenant_id, account_id, patch));
  }
  auto settings = watch::ParseWatchRequest(watch);
  auto client = accounts_.Client(account_id);
  if (!client && !settings.chats.empty()) {
    throw Error(ErrorCode::kAccountNotReady, "the account is not connected: its chats cannot be opened now");
  }
  auto resolution = std::make_shared<Resolution>();
  resolution->client = client;
  resolution->settings = std::move(settings);
  resolution->done = [this, tenant_id, account_id, done](Result<watch::WatchSettings> resolved) {
    if (!resolved.ok()) return done(resolved.error());
    AccountPatch patch;
    patch.watch = resolved.value().ToJson().dump();
    try {
      done(accounts_.Update(tenant_id, account_id, patch));
    } catch (const Error& e) {
      done(e);
    }
  };
  resolution->Step();
}

void WatchService::CheckSubscribers(const std::string& tenant_id, const std::vector<std::string>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto subscriber = infra_.store().FindSubscriber(ids[i]);
    if (!subscriber || subscriber->tenant_id != tenant_id) {
      InvalidField("subscribers[" + std::to_string(i) + "]", "no subscriber " + ids[i]);
    }
  }
}

store::WatchRule WatchService::CreateRule(const std::string& tenant_id, const nlohmann::json& body) {
  auto settings = watch::ParseRule(body, {}, true);
  CheckSubscribers(tenant_id, settings.subscribers);
  settings.match.id = crypto::RandomId("wr");
  auto row = watch::RuleRow(settings);
  row.tenant_id = tenant_id;
  row.created_at = row.updated_at = UnixSeconds();
  infra_.store().PutWatchRule(row);
  RulesChanged(tenant_id);
  return row;
}

std::vector<store::WatchRule> WatchService::ListRules(const std::string& tenant_id) {
  return infra_.store().ListWatchRules(tenant_id);
}

store::WatchRule WatchService::GetRule(const std::string& tenant_id, const std::string& id) {
  auto row = infra_.store().FindWatchRule(id);
  if (!row || row->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no watch rule " + id);
  return *row;
}

store::WatchRule WatchService::UpdateRule(const std::string& tenant_id, const std::string& id,
                                          const nlohmann::json& body) {
  auto row = GetRule(tenant_id, id);
  auto settings = watch::ParseRule(body, watch::RuleFromRow(row), false);
  if (body.contains("subscribers")) CheckSubscribers(tenant_id, settings.subscribers);
  auto updated = watch::RuleRow(settings);
  updated.tenant_id = tenant_id;
  updated.created_at = row.created_at;
  updated.updated_at = UnixSeconds();
  infra_.store().PutWatchRule(updated);
  RulesChanged(tenant_id);
  return updated;
}

void WatchService::DeleteRule(const std::string& tenant_id, const std::string& id) {
  if (!infra_.store().DeleteWatchRule(tenant_id, id)) throw Error(ErrorCode::kNotFound, "no watch rule " + id);
  RulesChanged(tenant_id);
}

std::vector<store::WatchMatch> WatchService::AddClassifierMatch(const std::string& tenant_id,
                                                                const ClassifierMatch& request) {
  auto message = infra_.store().FindWatchMessage(request.message_id);
  if (!message || message->tenant_id != tenant_id) {
    throw Error(ErrorCode::kNotFound, "no watched message " + request.message_id);
  }
  if (request.subscribers.empty()) InvalidField("subscribers", "name at least one subscriber id to notify");
  CheckSubscribers(tenant_id, request.subscribers);
  json extra = json::object();
  if (!request.draft.empty()) extra["draft"] = request.draft;
  if (!request.note.empty()) extra["note"] = request.note;
  std::vector<store::WatchMatch> matches;
  for (const auto& subscriber : request.subscribers) {
    if (auto added = AddMatch(*message, subscriber, "", extra)) {
      matches.push_back(*added);
    } else if (auto existing = infra_.store().FindWatchMatchFor(message->id, subscriber)) {
      matches.push_back(*existing);
    }
  }
  return matches;
}

std::vector<store::WatchMatch> WatchService::ListMatches(const std::string& tenant_id, std::int64_t before,
                                                         int limit) {
  return infra_.store().ListWatchMatches(tenant_id, before, limit);
}

store::Subscriber WatchService::Subscribe(const std::string& tenant_id, const std::string& bot_id,
                                          std::int64_t telegram_user_id, const std::string& name) {
  auto bot = infra_.store().FindBot(bot_id);
  if (!bot || bot->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no bot " + bot_id);
  auto features = FeaturesFromText(bot->features);
  if (std::find(features.begin(), features.end(), BotFeature::kNotify) == features.end()) {
    InvalidField("bot_id", "@" + bot->username + " does not have the notify feature (PATCH /v1/bots/" + bot_id +
                                 " {\"features\": [..., \"notify\"]})");
  }
  if (telegram_user_id <= 0) InvalidField("telegram_user_id", "must be a Telegram user id (a positive number)");
  if (auto existing = infra_.store().FindSubscriberByUser(bot_id, telegram_user_id)) return *existing;
  if (!infra_.store().FindBotConversation(bot_id, telegram_user_id)) {
    InvalidField("telegram_user_id", "this person has never started @" + bot->username +
                                           "; bots cannot write first, so ask them to open t.me/" + bot->username +
                                           " and press Start");
  }
  store::Subscriber subscriber{crypto::RandomId("sub"), tenant_id, bot_id, telegram_user_id, name, UnixSeconds()};
  if (!infra_.store().InsertSubscriber(subscriber)) {
    return *infra_.store().FindSubscriberByUser(bot_id, telegram_user_id);
  }
  return subscriber;
}

std::vector<store::Subscriber> WatchService::ListSubscribers(const std::string& tenant_id) {
  return infra_.store().ListSubscribers(tenant_id);
}

store::Subscriber WatchService::GetSubscriber(const std::string& tenant_id, const std::string& id) {
  auto row = infra_.store().FindSubscriber(id);
  if (!row || row->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no subscriber " + id);
  return *row;
}

void WatchService::Unsubscribe(const std::string& tenant_id, const std::string& id) {
  if (!infra_.store().DeleteSubscriber(tenant_id, id)) throw Error(ErrorCode::kNotFound, "no subscriber " + id);
}

}  // namespace tgmux::service
