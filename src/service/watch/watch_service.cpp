// WatchService: taking watched group messages, once per tenant, matching them
// against the tenant's rules, and recording matches for the notifier.
#include "service/watch/watch_service.h"

#include <spdlog/spdlog.h>

#include <future>

#include "common/time.h"
#include "crypto/random_id.h"

namespace tgmux::service {
namespace {

using nlohmann::json;
using telegram::ChatType;

// A message older than this when it arrives was missed while tgmux was down
// (TDLib delivers what it missed as new messages): notified as late.
constexpr std::int64_t kLateAfter = 120;
constexpr auto kChatDeadline = std::chrono::seconds(5);

// Waits (on the worker) for an answer of the account's client.
template <typename T, typename Call>
std::optional<T> Await(Call call) {
  auto promise = std::make_shared<std::promise<telegram::Result<T>>>();
  auto future = promise->get_future();
  call([promise](telegram::Result<T> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(kChatDeadline) != std::future_status::ready) return std::nullopt;
  auto result = future.get();
  if (!result.ok()) return std::nullopt;
  return std::move(result).value();
}

bool IsGroupLike(ChatType type) { return type != ChatType::kPrivate; }

}  // namespace

WatchService::WatchService(Infrastructure& infra, AccountService& accounts, EventService& events)
    : infra_(infra), accounts_(accounts), events_(events) {
  accounts_.AddObserver(this);
}

WatchService::~WatchService() { Shutdown(); }

void WatchService::SetNotifier(std::shared_ptr<WatchNotifier> notifier) {
  std::lock_guard lock(mutex_);
  notifier_ = std::move(notifier);
}

void WatchService::Shutdown() {
  if (stopped_.exchange(true)) return;
  Flush();
  worker_.Stop();
}

void WatchService::Flush() {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  worker_.Post([done] { done->set_value(); });
  // The worker is stopped when nothing answers: nothing is left to wait for.
  future.wait_for(std::chrono::seconds(30));
}

void WatchService::OnMessage(const std::string& account_id, const telegram::Message& message) {
  if (message.is_outgoing || !IsGroupLike(message.chat_type)) return;
  Take(account_id, message, false);
}

void WatchService::Recovered(const std::string& account_id, const telegram::Message& message) {
  if (message.is_outgoing || !IsGroupLike(message.chat_type)) return;
  Take(account_id, message, true);
}

void WatchService::Take(const std::string& account_id, const telegram::Message& message, bool recovered) {
  {
    // Cheap refusal on TDLib's thread for accounts known not to watch.
    std::lock_guard lock(mutex_);
    auto it = watchers_.find(account_id);
    if (it != watchers_.end() && !it->second) return;
  }
  worker_.Post([this, account_id, message, recovered] {
    bool late = recovered || UnixSeconds() - message.date > kLateAfter;
    try {
      Process(account_id, message, late);
    } catch (const std::exception& e) {
      spdlog::error("watcher: a message of {} was not processed: {}", account_id, e.what());
    }
  });
}

void WatchService::OnAccountUpdated(const store::Account& account) {
  std::lock_guard lock(mutex_);
  watchers_.erase(account.id);
}

void WatchService::OnUnlinked(const store::Account& account) {
  std::lock_guard lock(mutex_);
  watchers_.erase(account.id);
}

std::optional<WatchService::Watcher> WatchService::WatcherOf(const std::string& account_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = watchers_.find(account_id); it != watchers_.end()) return it->second;
  }
  std::optional<Watcher> watcher;
  if (auto row = infra_.store().FindAccount(account_id)) {
    auto settings = watch::WatchSettings::FromText(row->watch);
    if (!settings.empty()) watcher = Watcher{row->tenant_id, std::move(settings)};
  }
  std::lock_guard lock(mutex_);
  watchers_[account_id] = watcher;
  return watcher;
}

watch::ChatInfo WatchService::ChatOf(const std::string& account_id, std::int64_t chat_id, ChatType type) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = chats_.find({account_id, chat_id}); it != chats_.end()) return it->second;
  }
  watch::ChatInfo info{chat_id, type, "", ""};
  auto client = accounts_.Client(account_id);
  auto chat = client ? Await<telegram::Chat>([&](auto done) { client->GetChat(chat_id, done); }) : std::nullopt;
  if (!chat) return info;  // shown without a title this time; asked again next time
  info.type = chat->type;
  info.title = chat->title;
  info.username = chat->username;
  std::lock_guard lock(mutex_);
  if (chats_.size() > 10000) chats_.clear();
  chats_[{account_id, chat_id}] = info;
  return info;
}

void WatchService::Process(const std::string& account_id, const telegram::Message& m, bool late) {
  auto watcher = WatcherOf(account_id);
  if (!watcher || !watcher->settings.Watches(m.chat_id, m.chat_type)) return;
  store::WatchMessage row;
  row.id = crypto::RandomId("wmsg");
  row.tenant_id = watcher->tenant_id;
  row.dedup_key = watch::WatchKey(m);
  row.account_id = account_id;
  row.chat_id = m.chat_id;
  row.message_id = m.message_id;
  row.author_id = m.sender.user_id;
  row.late = late;
  row.created_at = UnixSeconds();
  json data = watch::WatchedMessageJson(row.id, account_id, ChatOf(account_id, m.chat_id, m.chat_type), m, late);
  row.data_sealed = infra_.envelope().SealRecord("watch_message", row.id, data.dump());
  // The message and its matches are written together: a crash leaves either
  // both (notified after the restart) or neither (matched again then).
  auto matches = MatchRules(row, m.text.text);
  // False: another watcher of the tenant in the same group saw it first.
  if (!infra_.store().InsertWatchMessage(row, matches)) return;
  events_.Append({"watch.message", account_id, "", data, "watch.message:" + row.id});
  for (const auto& match : matches) Matched(row, match);
}

std::shared_ptr<const WatchService::TenantRules> WatchService::RulesOf(const std::string& tenant_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = rules_.find(tenant_id); it != rules_.end()) return it->second;
  }
  auto compiled = std::make_shared<TenantRules>();
  std::vector<watch::RuleSpec> specs;
  for (const auto& row : infra_.store().ListWatchRules(tenant_id)) {
    if (!row.enabled) continue;
    auto settings = watch::RuleFromRow(row);
    specs.push_back(settings.match);
    compiled->rules.emplace(row.id, std::move(settings));
  }
  compiled->set = std::make_unique<const watch::RuleSet>(specs);
  std::lock_guard lock(mutex_);
  return rules_[tenant_id] = std::move(compiled);
}

void WatchService::RulesChanged(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  rules_.erase(tenant_id);
}

std::vector<store::WatchMatch> WatchService::MatchRules(const store::WatchMessage& row, const std::string& text) {
  std::vector<store::WatchMatch> matches;
  std::set<std::string> notified;
  auto rules = RulesOf(row.tenant_id);
  for (const auto& rule_id : rules->set->Match(row.chat_id, text)) {
    const auto& rule = rules->rules.at(rule_id);
    if (rule.cooldown_per_author > 0 && row.author_id != 0) {
      std::int64_t last = infra_.store().LastWatchMatchAt(rule_id, row.author_id);
      if (last != 0 && row.created_at - last < rule.cooldown_per_author) continue;
    }
    for (const auto& subscriber : rule.subscribers) {
      // One match per message and subscriber: the first rule (in creation order) names it.
      if (!notified.insert(subscriber).second) continue;
      matches.push_back(NewMatch(row, subscriber, rule_id, {}));
    }
  }
  return matches;
}

store::WatchMatch WatchService::NewMatch(const store::WatchMessage& row, const std::string& subscriber_id,
                                         const std::string& rule_id, const nlohmann::json& extra) {
  store::WatchMatch match;
  match.id = crypto::RandomId("wm");
  match.tenant_id = row.tenant_id;
  match.message_id = row.id;
  match.subscriber_id = subscriber_id;
  match.rule_id = rule_id;
  match.author_id = row.author_id;
  if (!extra.empty()) match.extra_sealed = infra_.envelope().SealRecord("watch_match", match.id, extra.dump());
  match.created_at = match.updated_at = UnixSeconds();
  return match;
}

std::optional<store::WatchMatch> WatchService::AddMatch(const store::WatchMessage& row,
                                                        const std::string& subscriber_id, const std::string& rule_id,
                                                        const nlohmann::json& extra) {
  auto match = NewMatch(row, subscriber_id, rule_id, extra);
  if (!infra_.store().InsertWatchMatch(match)) return std::nullopt;
  Matched(row, match);
  return match;
}

void WatchService::Matched(const store::WatchMessage& row, const store::WatchMatch& match) {
  events_.Append({"watch.match", row.account_id, "", MatchJson(match), "watch.match:" + match.id});
  std::shared_ptr<WatchNotifier> notifier;
  {
    std::lock_guard lock(mutex_);
    notifier = notifier_;
  }
  if (notifier) notifier->OnMatch(match);
}

nlohmann::json WatchService::MessageData(const store::WatchMessage& row) {
  return json::parse(infra_.envelope().OpenRecord("watch_message", row.id, row.data_sealed));
}

nlohmann::json WatchService::MatchJson(const store::WatchMatch& match) {
  json out = {{"id", match.id}, {"subscriber_id", match.subscriber_id}};
  auto message = infra_.store().FindWatchMessage(match.message_id);
  out["message"] = message ? MessageData(*message) : json(nullptr);
  out["late"] = message && message->late;
  if (match.rule_id.empty()) {
    out["source"] = "classifier";
    out["rule"] = nullptr;
  } else {
    auto rule = infra_.store().FindWatchRule(match.rule_id);
    out["source"] = "rule";
    out["rule"] = {{"id", match.rule_id}, {"name", rule ? json(rule->name) : json(nullptr)}};
  }
  json extra = match.extra_sealed.empty()
                   ? json::object()
                   : json::parse(infra_.envelope().OpenRecord("watch_match", match.id, match.extra_sealed));
  out["draft"] = extra.value("draft", "").empty() ? json(nullptr) : extra["draft"];
  out["note"] = extra.value("note", "").empty() ? json(nullptr) : extra["note"];
  out["notify_state"] = std::string(store::WatchNotifyStateName(match.notify_state));
  out["answer_state"] = std::string(store::WatchAnswerStateName(match.answer_state));
  out["error"] = match.error.empty() ? json(nullptr) : json(match.error);
  out["created_at"] = Rfc3339(match.created_at);
  out["notified_at"] = match.notified_at == 0 ? json(nullptr) : json(Rfc3339(match.notified_at));
  return out;
}

}  // namespace tgmux::service
