// The Telegram bots tgmux runs (docs/bots.md): each logs in through TDLib's bot
// login (checkAuthenticationBotToken) with its own TDLib client and directory,
// its token sealed at rest and never shown again, one bot per token in an
// installation. Bots are restored at start like accounts; their status
// changes (active, error with the reason, disabled) are `bot.status` events.
// What the bots say to people (the conversations) builds on the clients kept
// here. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "service/accounts/client_events.h"
#include "service/background.h"
#include "service/bots/bot_settings.h"
#include "service/events/events.h"
#include "service/infrastructure.h"
#include "store/bot_records.h"
#include "telegram/account_client.h"

namespace tgmux::service {

struct BotSpec {
  std::string token;
  std::vector<BotFeature> features;
  BotAccess access;
  LinkPolicy link_policy = LinkPolicy::kSelf;
};

// What PATCH /v1/bots/{id} may change; unset fields stay.
struct BotPatch {
  std::optional<std::vector<BotFeature>> features;
  std::optional<BotAccess> access;
  std::optional<LinkPolicy> link_policy;
  std::optional<bool> disabled;
};

// What the bots' conversations (src/bots/) are told. Calls come on the hub's
// and the background threads and must not block.
class BotListener {
 public:
  virtual ~BotListener() = default;
  // The bot's row changed: active (at start and after every login), its
  // settings, disabled, error; `deleted` once it is gone.
  virtual void OnBotChanged(const store::Bot& bot, bool deleted) = 0;
  // A message in one of the bot's chats (a person's, or the bot's own once sent).
  virtual void OnBotMessage(const std::string& bot_id, const telegram::Message& message) = 0;
  virtual void OnBotCallback(const std::string& bot_id, const telegram::CallbackQuery& query) = 0;
};

class BotService {
 public:
  using BotDone = std::function<void(telegram::Result<store::Bot>)>;

  BotService(Infrastructure& infra, Background& background, EventService& events);
  ~BotService();

  // Logs the bot in; `done` gets it once it runs (status active), or
  // bot_token_invalid (nothing is kept then), conflict (this token runs here
  // already), telegram_unreachable. Throws Error(invalid_request) for an empty token.
  void Create(const std::string& tenant_id, const BotSpec& spec, BotDone done);
  // Throws Error(not_found) for unknown ids and other tenants' bots.
  store::Bot Get(const std::string& tenant_id, const std::string& id);
  std::vector<store::Bot> List(const std::string& tenant_id);
  // The Telegram user ids of every tenant's bots: chats with them are tgmux's
  // own, never relayed (a relay of a bot's message would come back, for ever).
  std::set<std::int64_t> UserIds();
  store::Bot Update(const std::string& tenant_id, const std::string& id, const BotPatch& patch);
  // Stops the bot's client, wipes its directory and removes it; then `done`.
  void Delete(const std::string& tenant_id, const std::string& id, std::function<void()> done);

  // The conversations; set once, before RestoreAll.
  void SetListener(std::shared_ptr<BotListener> listener) { listener_ = std::move(listener); }

  // At start: runs every bot that is not disabled.
  void RestoreAll();
  // At start, after RestoreAll: the configuration file's [[bots]]. A token
  // that runs here already gets the configured settings; a new one is added
  // (its outcome logged, and its status shown by the API like any bot's).
  // Throws Error(invalid_request) naming what is wrong in an entry.
  void ApplyConfigured(const std::vector<config::ConfiguredBot>& bots);
  // Closes every bot's client (sessions stay on disk).
  void Shutdown();

  // Several nodes (docs/cluster.md): each bot runs on the one node that
  // holds its lease. `holds` tells whether this node holds a bot's lease;
  // `offer` hears a bot that should start somewhere (created here, or
  // enabled); `changed` hears a bot changed here, for the node that runs it
  // (Refresh there). Then RestoreAll starts only the bots this node holds,
  // and the cluster calls Run and Halt. Only before RestoreAll.
  struct Placement {
    std::function<bool(const std::string& bot_id)> holds;
    std::function<void(const std::string& bot_id)> offer;
    std::function<void(const std::string& bot_id)> changed;
  };
  void SetPlacement(Placement placement) { placement_ = std::move(placement); }
  // The bots that should run somewhere: every one not disabled.
  std::vector<std::string> RunnableIds();
  // Starts the bot here (nothing when it runs here already, or before RestoreAll).
  void Run(const std::string& bot_id);
  // Stops it here (its session stays on disk, its conversations in the store), then `done`.
  void Halt(const std::string& bot_id, std::function<void()> done);
  // Another node changed the bot: if it runs here, its row is read again
  // (settings, disabled), or it stops for good when it is gone.
  void Refresh(const std::string& bot_id);

  // The bot's running client once it is active, or null.
  std::shared_ptr<telegram::AccountClient> Client(const std::string& bot_id);

 private:
  struct Running {
    std::shared_ptr<telegram::AccountClient> client;
    std::shared_ptr<ClientEvents> events;
    BotDone created;  // set while a new bot logs in for the first time
    bool active = false;
  };
  std::string Directory(const std::string& bot_id) const;
  void Start(const store::Bot& bot, BotDone created);
  void OnState(const std::string& bot_id, const telegram::AuthState& state);
  void OnActive(const std::string& bot_id, const telegram::Me& me);
  void OnFailure(const std::string& bot_id, const Error& error);
  // Writes the status (on the background thread) and appends a bot.status event.
  void SetStatus(const std::string& bot_id, store::BotStatus status, const std::string& error);
  std::optional<Running> Take(const std::string& bot_id);
  bool RunsHere(const std::string& bot_id);
  // Closes a client no longer in running_ (the session stays), then `then`.
  void CloseThen(Running running, std::function<void()> then);
  void Wipe(const std::string& bot_id);
  void Changed(const store::Bot& bot, bool deleted = false) {
    if (listener_) listener_->OnBotChanged(bot, deleted);
  }

  Infrastructure& infra_;
  Background& background_;
  EventService& events_;
  std::mutex mutex_;
  // One read-modify-write of a bot's row at a time: an API change (Update)
  // and a status the bot's client reports must not undo each other.
  std::mutex row_mutex_;
  std::map<std::string, Running> running_;
  std::shared_ptr<BotListener> listener_;
  Placement placement_;   // set on several nodes
  bool restored_ = false;  // RestoreAll ran: Run may start bots
};

// {id, username, telegram_user_id, features, access, link_policy, status,
//  last_error, created_at, updated_at}: never the token.
nlohmann::json BotEventData(const store::Bot& bot);

}  // namespace tgmux::service
