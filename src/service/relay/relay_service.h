// The work-group relay's configuration and dialogs (docs/relay.md): which bot
// mirrors an account's conversations into which group, checked with the bot
// before it is saved; the dialogs the relay opened; how far behind it is.
// The mirroring itself runs in the bot (bots/relay/). Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/bots/bots.h"
#include "service/events/events.h"
#include "service/infrastructure.h"
#include "service/relay/relay_settings.h"
#include "store/relay_records.h"
#include "telegram/result.h"

namespace tgmux::service {

class RelayService {
 public:
  // A relay was saved (removed: stopped); on the caller's thread.
  using Listener = std::function<void(const store::Relay& relay, bool removed)>;

  RelayService(Infrastructure& infra, AccountService& accounts, BotService& bots, EventService& events);

  // PUT /v1/accounts/{id}/relay. Errors: not_found (the account or the bot
  // is not the tenant's), invalid_request naming the field, conflict naming
  // what is missing (details {"missing": ...}): the bot's `relay` feature,
  // the bot running, the bot in the group, an administrator, the right to
  // manage topics, topics in the group. Nothing is saved unless all is there.
  void Configure(const std::string& tenant_id, const std::string& account_id, const nlohmann::json& body,
                 std::function<void(telegram::Result<store::Relay>)> done);
  // Errors: not_found for another tenant's account or an account without relay.
  store::Relay Get(const std::string& tenant_id, const std::string& account_id);
  void Stop(const std::string& tenant_id, const std::string& account_id);

  // The bots report how many of an account's messages wait to be posted.
  void SetBacklog(const std::string& account_id, int waiting);
  int Backlog(const std::string& account_id) const;

  // Only before the bots start.
  void SetListener(Listener listener) { listener_ = std::move(listener); }

 private:
  void Checked(const std::string& tenant_id, const std::string& account_id, const relay::RelaySettings& settings,
               std::function<void(telegram::Result<store::Relay>)> done);

  Infrastructure& infra_;
  AccountService& accounts_;
  BotService& bots_;
  EventService& events_;
  Listener listener_;
  mutable std::mutex mutex_;
  std::map<std::string, int> backlog_;
};

}  // namespace tgmux::service
