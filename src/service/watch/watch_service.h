// The watcher (docs/watcher.md): accounts that watch groups, every watched
// message once per tenant (`watch.message`), rules and external classifiers
// that match it for subscribers (`watch.match`), and the notifier (the bots'
// front-end) that tells them. Messages are taken on TDLib's threads and
// processed in order on a worker thread of the watcher's own. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/events/events.h"
#include "service/infrastructure.h"
#include "service/watch/matcher.h"
#include "service/watch/rules.h"
#include "service/watch/watch_settings.h"
#include "service/watch/watched_message.h"

namespace tgmux::service {

// Who tells subscribers about matches (src/bots/). Called on the watcher's
// worker; must not block.
class WatchNotifier {
 public:
  virtual ~WatchNotifier() = default;
  // A new match, stored with its notification pending.
  virtual void OnMatch(const store::WatchMatch& match) = 0;
};

// A classifier's answer (POST /v1/watch/matches).
struct ClassifierMatch {
  std::string message_id;  // the watch.message event's message.id
  std::vector<std::string> subscribers;
  std::string draft;
  std::string note;
};

class WatchService : public AccountObserver {
 public:
  WatchService(Infrastructure& infra, AccountService& accounts, EventService& events);
  ~WatchService() override;

  void SetNotifier(std::shared_ptr<WatchNotifier> notifier);

  // PATCH /v1/accounts/{id} {"watch": ...}: resolves the chats through the
  // account's client (ids it is in, @usernames, invite links it joins) and
  // stores the settings; null stops watching. `done` gets the account row, or
  // Error(invalid_request) naming the chat that could not be resolved, or
  // Error(account_not_ready) when the account is not connected.
  void Configure(const std::string& tenant_id, const std::string& account_id, const nlohmann::json& watch,
                 std::function<void(telegram::Result<store::Account>)> done);

  // Rules (watch_admin.cpp). Errors: invalid_request naming the field,
  // not_found for ids of other tenants.
  store::WatchRule CreateRule(const std::string& tenant_id, const nlohmann::json& body);
  std::vector<store::WatchRule> ListRules(const std::string& tenant_id);
  store::WatchRule GetRule(const std::string& tenant_id, const std::string& id);
  store::WatchRule UpdateRule(const std::string& tenant_id, const std::string& id, const nlohmann::json& body);
  void DeleteRule(const std::string& tenant_id, const std::string& id);

  // A classifier's match: idempotent per message and subscriber (the matches
  // already stored come back as they are). Errors: not_found for an unknown
  // message, invalid_request for an unknown subscriber.
  std::vector<store::WatchMatch> AddClassifierMatch(const std::string& tenant_id, const ClassifierMatch& match);
  std::vector<store::WatchMatch> ListMatches(const std::string& tenant_id, std::int64_t before, int limit);
  // A match with its message and rule as the API and the bots show them:
  // {id, message, subscriber_id, rule: {id, name}|null, source, draft, note,
  //  notify_state, answer_state, error, created_at, notified_at, late}.
  nlohmann::json MatchJson(const store::WatchMatch& match);

  // Subscribers (watch_admin.cpp). Subscribe: the bot must be the tenant's
  // (not_found), have `notify`, and the person must have started it
  // (invalid_request saying so); subscribing twice gives the same subscriber.
  store::Subscriber Subscribe(const std::string& tenant_id, const std::string& bot_id, std::int64_t telegram_user_id,
                              const std::string& name);
  std::vector<store::Subscriber> ListSubscribers(const std::string& tenant_id);
  store::Subscriber GetSubscriber(const std::string& tenant_id, const std::string& id);
  void Unsubscribe(const std::string& tenant_id, const std::string& id);

  // A message gap recovery read back after a restart: matched and notified as late.
  void Recovered(const std::string& account_id, const telegram::Message& message);
  // Returns once every message taken so far is processed (tests, shutdown).
  void Flush();
  void Shutdown();

  // AccountObserver.
  void OnMessage(const std::string& account_id, const telegram::Message& message) override;
  void OnAccountUpdated(const store::Account& account) override;
  void OnUnlinked(const store::Account& account) override;

 private:
  struct Watcher {
    std::string tenant_id;
    watch::WatchSettings settings;
  };
  struct TenantRules {
    std::unique_ptr<const watch::RuleSet> set;
    std::map<std::string, watch::RuleSettings> rules;
  };

  // Error(invalid_request) naming the first id that is not a subscriber of the tenant.
  void CheckSubscribers(const std::string& tenant_id, const std::vector<std::string>& ids);
  void Take(const std::string& account_id, const telegram::Message& message, bool recovered);
  // Worker only.
  void Process(const std::string& account_id, const telegram::Message& message, bool late);
  std::optional<Watcher> WatcherOf(const std::string& account_id);
  watch::ChatInfo ChatOf(const std::string& account_id, std::int64_t chat_id, telegram::ChatType type);
  std::shared_ptr<const TenantRules> RulesOf(const std::string& tenant_id);
  void RulesChanged(const std::string& tenant_id);
  // The matches of the tenant's rules (not yet stored), per-author cooldowns applied.
  std::vector<store::WatchMatch> MatchRules(const store::WatchMessage& row, const std::string& text);
  store::WatchMatch NewMatch(const store::WatchMessage& row, const std::string& subscriber_id,
                             const std::string& rule_id, const nlohmann::json& extra);
  // A classifier's match: stored unless the message already matched for the subscriber.
  std::optional<store::WatchMatch> AddMatch(const store::WatchMessage& row, const std::string& subscriber_id,
                                            const std::string& rule_id, const nlohmann::json& extra);
  // A stored match: its event, and the notifier told.
  void Matched(const store::WatchMessage& row, const store::WatchMatch& match);
  nlohmann::json MessageData(const store::WatchMessage& row);

  Infrastructure& infra_;
  AccountService& accounts_;
  EventService& events_;
  std::mutex mutex_;  // the notifier and the caches below
  std::shared_ptr<WatchNotifier> notifier_;
  std::map<std::string, std::optional<Watcher>> watchers_;  // account id -> settings (nullopt: not a watcher)
  std::map<std::pair<std::string, std::int64_t>, watch::ChatInfo> chats_;
  std::map<std::string, std::shared_ptr<const TenantRules>> rules_;
  std::atomic<bool> stopped_{false};

  // Declared last: its thread stops before the members above go.
  Background worker_;
};

}  // namespace tgmux::service
