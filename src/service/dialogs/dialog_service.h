// Tracked dialogs (docs/pools.md): an account's conversation with one person,
// opened through the API (directly or for a pool), with a status the caller
// sets (active, qualified, stopped) or that becomes failed when Telegram
// refuses messages to the person. The messages between the account and the
// person attach to it both ways (sealed in the store, as is the caller's
// meta), and each one and each
// status change is an event (dialog.message, dialog.status). Sends to a
// stopped or failed dialog are refused, through the pool or the account.
// The same dialogs table holds the relay's conversations (docs/relay.md);
// GET /v1/dialogs lists both. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/events/events.h"
#include "service/infrastructure.h"
#include "service/outbox/outbox.h"
#include "service/pools/pool_service.h"
#include "telegram/result.h"

namespace tgmux::service {

// What POST /v1/dialogs asks for.
struct DialogRequest {
  std::string pool;        // or
  std::string account_id;  // exactly one of the two
  nlohmann::json meta = nlohmann::json::object();
  SendRequest first;  // `to` always; text when the first message goes with it
  bool send_first = false;
};

class DialogService : public AccountObserver {
 public:
  // Registers with `accounts` and `outbox` (before RestoreAll and Resume).
  DialogService(Infrastructure& infra, AccountService& accounts, OutboxService& outbox, PoolService& pools,
                EventService& events, Background& background);

  // Opens the dialog (or finds the account's dialog with the person) and sends
  // the first message when asked. `done` gets {dialog, message?: the outbox
  // entry} and whether it was opened now. Errors: invalid_request naming the
  // field (pool or account_id, to, meta), not_found (account or pool),
  // no_account_available, account_not_ready (the account is not connected, so
  // the person cannot be looked up), peer_not_found, conflict (a first
  // message into a stopped or failed dialog).
  struct Opened {
    store::Dialog dialog;
    std::optional<store::OutboxEntry> message;
    bool created = false;
  };
  void Open(const std::string& tenant_id, DialogRequest request, std::function<void(telegram::Result<Opened>)> done);

  // Throws Error(not_found) for unknown ids and other tenants' dialogs.
  store::Dialog Get(const std::string& tenant_id, const std::string& id);
  // A page of its messages, newest first, ids below `before` (0: from the newest).
  std::vector<nlohmann::json> Messages(const store::Dialog& dialog, std::int64_t before, int limit);
  std::vector<store::Dialog> List(const std::string& tenant_id, const store::DialogFilter& filter, int limit);
  // PATCH /v1/dialogs/{id} {status?, meta?}: errors invalid_request naming the field, not_found.
  store::Dialog Update(const std::string& tenant_id, const std::string& id, const nlohmann::json& patch);

  // A first message to the person moved from `from` to another account of
  // the pool (PoolService::Reassign): the dialog goes with it.
  void Moved(const store::OutboxEntry& entry, const std::string& from);

  // AccountObserver: messages between a tracked dialog's account and person attach to it.
  void OnMessage(const std::string& account_id, const telegram::Message& message) override;
  void OnUnlinked(const store::Account& account) override;

 private:
  // The outbox asks before writing an entry: conflict for a stopped or failed dialog.
  void Guard(const std::string& tenant_id, const std::string& account_id, const SendRequest& request);
  void OnFinished(const store::OutboxEntry& entry);
  void Resolved(const std::string& tenant_id, const std::string& account_id, DialogRequest request,
                std::int64_t chat_id, const std::function<void(telegram::Result<Opened>)>& done);
  void SetStatus(store::Dialog dialog, store::DialogStatus status, const std::string& reason);
  // Saves the dialog (its meta sealed: Envelope::SealRecord, kind "dialog_meta") and remembers it.
  void Track(const store::Dialog& dialog);
  // A dialog as read from the store, its meta opened.
  store::Dialog Unsealed(store::Dialog dialog) const;
  // Under mutex_: what the dialog means for messages (tracked_) and sends (closed_).
  void Remember(const store::Dialog& dialog);
  void Forget(const store::Dialog& dialog);
  static std::vector<std::string> ClosedKeys(const store::Dialog& dialog);

  Infrastructure& infra_;
  AccountService& accounts_;
  OutboxService& outbox_;
  PoolService& pools_;
  EventService& events_;
  Background& background_;

  std::mutex mutex_;
  std::set<std::pair<std::string, std::int64_t>> tracked_;  // account id, peer chat id
  // Stopped and failed dialogs, by account id + '\n' + the person as sends
  // name them (contact, and "id:<peer chat id>") -> dialog id.
  std::map<std::string, std::string> closed_;
};

// GET /v1/dialogs' and /v1/dialogs/{id}'s object.
nlohmann::json DialogJson(const store::Dialog& dialog);

}  // namespace tgmux::service
