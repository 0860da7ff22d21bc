#include "bots/bot_front.h"

#include <spdlog/spdlog.h>

namespace tgmux::bots {

// What BotService and WatchService call: forwarded to the front while it exists.
class BotFront::Forwarder : public service::BotListener,
                            public service::WatchNotifier,
                            public service::HealthNotifier {
 public:
  void OnAccountStatus(const store::Subscriber& subscriber, const store::Account& account,
                       std::optional<store::AccountStatus>) override {
    With([&](BotFront& f) { f.OnAccountStatus(subscriber, account); });
  }
  void OnMatch(const store::WatchMatch& match) override {
    With([&](BotFront& f) { f.OnMatch(match); });
  }
  explicit Forwarder(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  void OnBotChanged(const store::Bot& bot, bool deleted) override {
    With([&](BotFront& f) { f.OnBotChanged(bot, deleted); });
  }
  void OnBotMessage(const std::string& bot_id, const telegram::Message& message) override {
    With([&](BotFront& f) { f.OnBotMessage(bot_id, message); });
  }
  void OnBotCallback(const std::string& bot_id, const telegram::CallbackQuery& query) override {
    With([&](BotFront& f) { f.OnBotCallback(bot_id, query); });
  }

 private:
  template <typename F>
  void With(F&& f) {
    std::lock_guard lock(gate_->mutex);
    if (gate_->front != nullptr) f(*gate_->front);
  }
  std::shared_ptr<Gate> gate_;
};

BotFront::BotFront(service::Services& services)
    : services_(services), gate_(std::make_shared<Gate>()), forwarder_(std::make_shared<Forwarder>(gate_)) {
  gate_->front = this;
  services_.bots.SetListener(forwarder_);
  services_.watch.SetNotifier(forwarder_);
  services_.notifications.SetNotifier(forwarder_);
  // Notifications that could not go (the bot was down, Telegram refused for
  // a while) are tried again; the first sweep follows each bot's start.
  worker_->Every(std::chrono::seconds(60), [this] {
    for (auto& [id, runtime] : bots_) runtime->NotifyPending();
  });
  auto on_login = [gate = gate_](const std::string& tenant_id, const service::LoginView& login) {
    std::lock_guard lock(gate->mutex);
    if (gate->front != nullptr) gate->front->OnLogin(tenant_id, login);
  };
  services_.logins.OnStateChange(on_login);
  services_.logins.OnQrRenewed(on_login);
  services_.relay.SetListener([gate = gate_](const store::Relay&, bool) {
    std::lock_guard lock(gate->mutex);
    if (gate->front == nullptr) return;
    gate->front->worker_->Post([front = gate->front] {
      // A relay may move from one bot to another: every bot looks again.
      for (auto& [id, runtime] : front->bots_) runtime->work_group().Reload();
    });
  });
  services_.outbox.OnFinished([gate = gate_](const store::OutboxEntry& entry) {
    std::int64_t group = 0, operator_message = 0;
    if (ParseRelayAnswerKey(entry.idempotency_key, group, operator_message)) {
      std::lock_guard lock(gate->mutex);
      if (gate->front == nullptr) return;
      gate->front->worker_->Post([front = gate->front, group, operator_message, entry] {
        auto relay = front->services_.infra.store().FindRelay(entry.account_id);
        if (!relay) return;
        if (auto runtime = front->Runtime(relay->bot_id)) {
          runtime->work_group().OnAnswerFinished(group, operator_message, entry);
        }
      });
      return;
    }
    std::string match_id;
    if (ParseWatchAnswerKey(entry.idempotency_key, match_id)) {
      std::lock_guard lock(gate->mutex);
      if (gate->front != nullptr) gate->front->OnWatchAnswer(match_id, entry);
      return;
    }
    std::string bot_id;
    std::int64_t user_id = 0, message_id = 0;
    if (!ParseReplyKey(entry.idempotency_key, bot_id, user_id, message_id)) return;
    std::lock_guard lock(gate->mutex);
    if (gate->front == nullptr) return;
    gate->front->worker_->Post([front = gate->front, bot_id, user_id, message_id, entry] {
      if (auto runtime = front->Runtime(bot_id)) runtime->OnReplyFinished(user_id, message_id, entry);
    });
  });
}

BotFront::~BotFront() {
  {
    std::lock_guard lock(gate_->mutex);
    gate_->front = nullptr;
  }
  worker_->Stop();
}

// Each call only posts: the services' threads never wait for a conversation.
void BotFront::OnBotChanged(const store::Bot& bot, bool deleted) {
  worker_->Post([this, bot, deleted] {
    if (deleted) {
      bots_.erase(bot.id);
      return;
    }
    auto& runtime = bots_[bot.id];
    if (!runtime) runtime = std::make_shared<BotRuntime>(services_, worker_, static_cast<LoginIndex&>(*this), bot);
    runtime->Update(bot);
  });
}

void BotFront::OnBotMessage(const std::string& bot_id, const telegram::Message& message) {
  worker_->Post([this, bot_id, message] {
    if (auto runtime = Runtime(bot_id)) runtime->OnMessage(message);
  });
}

void BotFront::OnBotCallback(const std::string& bot_id, const telegram::CallbackQuery& query) {
  worker_->Post([this, bot_id, query] {
    if (auto runtime = Runtime(bot_id)) runtime->OnCallback(query);
  });
}

void BotFront::OnMatch(const store::WatchMatch& match) {
  worker_->Post([this, match] {
    auto subscriber = services_.infra.store().FindSubscriber(match.subscriber_id);
    if (!subscriber) return;
    if (auto runtime = Runtime(subscriber->bot_id)) runtime->Notify(match);
  });
}

void BotFront::OnAccountStatus(const store::Subscriber& subscriber, const store::Account& account) {
  worker_->Post([this, subscriber, account] {
    if (auto runtime = Runtime(subscriber.bot_id)) runtime->NotifyAccountStatus(subscriber.telegram_user_id, account);
  });
}

void BotFront::OnWatchAnswer(const std::string& match_id, const store::OutboxEntry& entry) {
  worker_->Post([this, match_id, entry] {
    auto match = services_.infra.store().FindWatchMatch(match_id);
    auto subscriber = match ? services_.infra.store().FindSubscriber(match->subscriber_id) : std::nullopt;
    if (!subscriber) return;
    if (auto runtime = Runtime(subscriber->bot_id)) runtime->OnWatchAnswerFinished(match_id, entry);
  });
}

void BotFront::OnLogin(const std::string& tenant_id, const service::LoginView& login) {
  worker_->Post([this, tenant_id, login] {
    auto it = logins_.find(login.id);
    if (it == logins_.end() || it->second.tenant_id != tenant_id) return;
    if (auto runtime = Runtime(it->second.bot_id)) runtime->OnLogin(it->second.user_id, login);
  });
}

std::shared_ptr<BotRuntime> BotFront::Runtime(const std::string& bot_id) {
  auto it = bots_.find(bot_id);
  return it == bots_.end() ? nullptr : it->second;
}

void BotFront::Bind(const std::string& login_id, const std::string& bot_id, std::int64_t user_id) {
  auto runtime = Runtime(bot_id);
  if (!runtime) return;
  logins_[login_id] = LoginOwner{runtime->bot().tenant_id, bot_id, user_id};
}

void BotFront::Unbind(const std::string& login_id) { logins_.erase(login_id); }

int BotFront::OpenLogins(const std::string& tenant_id, std::int64_t user_id) const {
  int open = 0;
  for (const auto& [id, owner] : logins_) {
    if (owner.tenant_id == tenant_id && owner.user_id == user_id) ++open;
  }
  return open;
}

}  // namespace tgmux::bots
