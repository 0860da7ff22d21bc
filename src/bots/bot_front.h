// The front-end of tgmux's Telegram bots (docs/bots.md), beside the HTTP API:
// it hears every bot's messages and button presses (service::BotListener) and
// the logins' state changes, and runs each bot's conversations (BotRuntime)
// on one worker thread of its own. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "bots/bot_runtime.h"
#include "service/background.h"
#include "service/services.h"

namespace tgmux::bots {

class BotFront : public service::BotListener, private LoginIndex {
 public:
  // Registers with the bot and login services; build it before
  // BotService::RestoreAll.
  explicit BotFront(service::Services& services);
  // Stops the worker; the services keep running (they outlive the front).
  ~BotFront() override;

  void OnBotChanged(const store::Bot& bot, bool deleted) override;
  void OnBotMessage(const std::string& bot_id, const telegram::Message& message) override;
  void OnBotCallback(const std::string& bot_id, const telegram::CallbackQuery& query) override;

 private:
  // Lets the services' callbacks reach the front while it exists, and no longer.
  struct Gate {
    std::mutex mutex;
    BotFront* front = nullptr;
  };
  class Forwarder;

  void OnLogin(const std::string& tenant_id, const service::LoginView& login);
  void OnMatch(const store::WatchMatch& match);
  void OnAccountStatus(const store::Subscriber& subscriber, const store::Account& account);
  void OnWatchAnswer(const std::string& match_id, const store::OutboxEntry& entry);
  std::shared_ptr<BotRuntime> Runtime(const std::string& bot_id);  // worker only
  // LoginIndex (worker only).
  void Bind(const std::string& login_id, const std::string& bot_id, std::int64_t user_id) override;
  void Unbind(const std::string& login_id) override;
  int OpenLogins(const std::string& tenant_id, std::int64_t user_id) const override;

  service::Services& services_;
  std::shared_ptr<Gate> gate_;
  std::shared_ptr<Forwarder> forwarder_;
  std::shared_ptr<service::Background> worker_ = std::make_shared<service::Background>();
  // Worker only.
  std::map<std::string, std::shared_ptr<BotRuntime>> bots_;
  struct LoginOwner {
    std::string tenant_id, bot_id;
    std::int64_t user_id = 0;
  };
  std::map<std::string, LoginOwner> logins_;
};

}  // namespace tgmux::bots
