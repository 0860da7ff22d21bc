#include "service/bots/bots.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/time.h"
#include "crypto/random_id.h"
#include "crypto/secrets.h"

namespace tgmux::service {
namespace {

using Kind = telegram::AuthState::Kind;
using store::BotStatus;

Error NotFound(const std::string& id) { return Error(ErrorCode::kNotFound, "no bot " + id); }

}  // namespace

nlohmann::json BotEventData(const store::Bot& bot) {
  return {{"id", bot.id},
          {"username", bot.username.empty() ? nlohmann::json(nullptr) : nlohmann::json(bot.username)},
          {"telegram_user_id", bot.telegram_user_id},
          {"status", std::string(store::BotStatusName(bot.status))},
          {"last_error", bot.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(bot.last_error)}};
}

BotService::BotService(Infrastructure& infra, Background& background, EventService& events)
    : infra_(infra), background_(background), events_(events) {}

BotService::~BotService() { Shutdown(); }

std::string BotService::Directory(const std::string& bot_id) const {
  return (infra_.config().data_dir / "bots" / bot_id / "td").string();
}

void BotService::Create(const std::string& tenant_id, const BotSpec& spec, BotDone done) {
  infra_.RequireTelegram();
  if (spec.token.find_first_not_of(" \t") == std::string::npos || spec.token.size() > 200) {
    throw Error(ErrorCode::kInvalidRequest, "field \"token\" must be the bot's token from @BotFather");
  }
  store::Bot bot;
  bot.id = crypto::RandomId("bot");
  bot.tenant_id = tenant_id;
  bot.token_digest = crypto::TokenDigest(spec.token);
  bot.token_sealed = infra_.envelope().SealRecord("bot_token", bot.id, spec.token);
  bot.td_key_sealed = infra_.envelope().SealRecord("bot_td_key", bot.id, crypto::SecretKey::Random().bytes());
  bot.features = FeaturesText(spec.features);
  bot.access = spec.access.ToJson().dump();
  bot.link_policy = std::string(LinkPolicyName(spec.link_policy));
  bot.status = BotStatus::kConnecting;
  bot.created_at = bot.updated_at = UnixSeconds();
  // The row first: it holds the token's place, so two requests with one
  // token cannot both log in.
  if (!infra_.store().InsertBot(bot)) {
    auto existing = infra_.store().FindBotByTokenDigest(bot.token_digest);
    throw Error(ErrorCode::kConflict, "this bot token already runs here" +
                                          (existing && existing->tenant_id == tenant_id ? " as " + existing->id
                                                                                        : std::string()));
  }
  spdlog::info("bot {}: logging in", bot.id);
  Start(bot, std::move(done));
  if (placement_.offer) placement_.offer(bot.id);  // its lease, here at once
}

store::Bot BotService::Get(const std::string& tenant_id, const std::string& id) {
  auto bot = infra_.store().FindBot(id);
  if (!bot || bot->tenant_id != tenant_id) throw NotFound(id);
  return *bot;
}

std::vector<store::Bot> BotService::List(const std::string& tenant_id) { return infra_.store().ListBots(tenant_id); }

std::set<std::int64_t> BotService::UserIds() {
  std::set<std::int64_t> ids;
  for (const auto& bot : infra_.store().ListBots("")) ids.insert(bot.telegram_user_id);
  return ids;
}

store::Bot BotService::Update(const std::string& tenant_id, const std::string& id, const BotPatch& patch) {
  std::unique_lock row(row_mutex_);
  auto bot = Get(tenant_id, id);
  if (patch.features) bot.features = FeaturesText(*patch.features);
  if (patch.access) bot.access = patch.access->ToJson().dump();
  if (patch.link_policy) bot.link_policy = std::string(LinkPolicyName(*patch.link_policy));
  bool start = false;
  if (patch.disabled && *patch.disabled && bot.status != BotStatus::kDisabled) {
    bot.status = BotStatus::kDisabled;
    bot.last_error.clear();
    if (auto running = Take(id)) CloseThen(std::move(*running), [] {});
  } else if (patch.disabled && !*patch.disabled && bot.status == BotStatus::kDisabled) {
    bot.status = BotStatus::kConnecting;
    start = true;
  }
  bot.updated_at = UnixSeconds();
  infra_.store().UpdateBot(bot);
  if (patch.disabled) events_.Append({"bot.status", "", bot.tenant_id, BotEventData(bot), ""});
  row.unlock();
  if (!placement_.holds) {
    Changed(bot);
    if (start) Start(bot, nullptr);
    return bot;
  }
  // Several nodes: the node that runs it hears of the change; an enabled bot
  // starts where its lease is taken.
  if (RunsHere(id)) Changed(bot);
  placement_.changed(id);
  if (start) placement_.offer(id);
  return bot;
}

bool BotService::RunsHere(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  return running_.count(bot_id) > 0;
}

std::vector<std::string> BotService::RunnableIds() {
  std::vector<std::string> ids;
  for (const auto& bot : infra_.store().ListBots("")) {
    if (bot.status != BotStatus::kDisabled) ids.push_back(bot.id);
  }
  return ids;
}

void BotService::Run(const std::string& bot_id) {
  {
    std::lock_guard lock(mutex_);
    if (!restored_ || running_.count(bot_id)) return;
  }
  auto bot = infra_.store().FindBot(bot_id);
  if (!bot || bot->status == BotStatus::kDisabled) return;
  spdlog::info("bot {}: runs on this node", bot_id);
  Start(*bot, nullptr);
}

void BotService::Halt(const std::string& bot_id, std::function<void()> done) {
  auto running = Take(bot_id);
  if (!running) {
    if (done) done();
    return;
  }
  store::Bot gone;
  gone.id = bot_id;
  Changed(gone, true);  // its conversations stop here; their state is in the store
  spdlog::info("bot {}: stops on this node", bot_id);
  CloseThen(std::move(*running), done ? std::move(done) : [] {});
}

void BotService::Refresh(const std::string& bot_id) {
  if (!RunsHere(bot_id)) return;
  auto bot = infra_.store().FindBot(bot_id);
  if (bot && bot->status != BotStatus::kDisabled) return Changed(*bot);
  auto running = Take(bot_id);
  if (!running) return;
  store::Bot gone = bot.value_or(store::Bot{});
  gone.id = bot_id;
  Changed(gone, !bot);
  // Deleted on another node: its directory goes too, once TDLib let go of it.
  CloseThen(std::move(*running), [this, bot_id, deleted = !bot] {
    if (deleted) Wipe(bot_id);
  });
}

void BotService::Delete(const std::string& tenant_id, const std::string& id, std::function<void()> done) {
  auto bot = Get(tenant_id, id);
  auto running = Take(id);
  auto finish = [this, bot, done] {
    background_.Post([this, bot, done] {
      Wipe(bot.id);
      infra_.store().DeleteBot(bot.id);
      auto gone = bot;
      gone.last_error.clear();
      auto data = BotEventData(gone);
      data["status"] = "deleted";
      events_.Append({"bot.status", "", bot.tenant_id, data, ""});
      Changed(bot, true);
      if (placement_.changed) placement_.changed(bot.id);  // the node that runs it stops it
      spdlog::info("bot {}: deleted", bot.id);
      done();
    });
  };
  if (!running) return finish();
  // The directory is wiped once TDLib has let go of it.
  CloseThen(std::move(*running), finish);
}

void BotService::RestoreAll() {
  {
    std::lock_guard lock(mutex_);
    restored_ = true;
  }
  for (const auto& bot : infra_.store().ListBots("")) {
    // On several nodes, those whose leases this node took already; the others by Run.
    if (bot.status != BotStatus::kDisabled && (!placement_.holds || placement_.holds(bot.id))) Start(bot, nullptr);
  }
}

void BotService::ApplyConfigured(const std::vector<config::ConfiguredBot>& bots) {
  for (std::size_t i = 0; i < bots.size(); ++i) {
    const auto& configured = bots[i];
    BotSpec spec;
    try {
      spec.token = configured.token;
      spec.features = ParseBotFeatures(nlohmann::json(configured.features));
      spec.access = configured.access.empty() ? BotAccess{} : ParseBotAccess(nlohmann::json(configured.access));
      spec.link_policy = ParseLinkPolicy(nlohmann::json(configured.link_policy));
    } catch (const Error& e) {
      throw Error(ErrorCode::kInvalidRequest, "bots[" + std::to_string(i) + "] in the configuration: " + e.what());
    }
    if (auto existing = infra_.store().FindBotByTokenDigest(crypto::TokenDigest(spec.token))) {
      if (existing->tenant_id != configured.tenant) {
        throw Error(ErrorCode::kInvalidRequest, "bots[" + std::to_string(i) + "] in the configuration: this token runs "
                                                "here already for another tenant");
      }
      Update(existing->tenant_id, existing->id, BotPatch{spec.features, spec.access, spec.link_policy, std::nullopt});
      continue;
    }
    Create(configured.tenant, spec, [i](telegram::Result<store::Bot> bot) {
      if (bot.ok()) return spdlog::info("bots[{}] in the configuration: running as {}", i, bot.value().id);
      spdlog::error("bots[{}] in the configuration: not running: {}", i, bot.error().what());
    });
  }
}

void BotService::Shutdown() {
  std::map<std::string, Running> running;
  {
    std::lock_guard lock(mutex_);
    running.swap(running_);
  }
  for (auto& [id, bot] : running) {
    bot.events->Set(nullptr, nullptr);
    if (bot.created) bot.created(Error(ErrorCode::kTelegramUnreachable, "tgmux is stopping"));
    bot.client->Close([](telegram::Status) {});
  }
}

std::shared_ptr<telegram::AccountClient> BotService::Client(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  auto it = running_.find(bot_id);
  return it != running_.end() && it->second.active ? it->second.client : nullptr;
}

void BotService::Start(const store::Bot& bot, BotDone created) {
  std::string td_key;
  try {
    td_key = infra_.envelope().OpenRecord("bot_td_key", bot.id, bot.td_key_sealed);
  } catch (const crypto::DecryptError&) {
    if (created) created(Error(ErrorCode::kInternal, "the bot's keys do not open"));
    return SetStatus(bot.id, BotStatus::kError, "the bot's keys do not decrypt with this master key");
  }
  auto events = std::make_shared<ClientEvents>();
  const std::string id = bot.id;
  events->Set([this, id](const telegram::AuthState& s) { OnState(id, s); },
              [this, id](telegram::ClosedReason reason) {
                if (reason == telegram::ClosedReason::kRevoked) {
                  OnFailure(id, Error(ErrorCode::kBotTokenInvalid,
                                      "the bot's session ended at Telegram (its token was revoked?)"));
                }
              });
  auto callbacks = ClientEvents::Bind(events);
  callbacks.on_new_message = [this, id](const telegram::Message& message) {
    if (listener_) listener_->OnBotMessage(id, message);
  };
  callbacks.on_callback_query = [this, id](const telegram::CallbackQuery& query) {
    if (listener_) listener_->OnBotCallback(id, query);
  };
  auto client = std::make_shared<telegram::AccountClient>(infra_.hub(), std::move(callbacks));
  {
    std::lock_guard lock(mutex_);
    running_[id] = Running{client, events, std::move(created), false};
  }
  client->Start(Directory(id), td_key, infra_.TdParams(), [this, id](telegram::Status s) {
    if (!s.ok()) OnFailure(id, s.error());
  });
}

void BotService::OnState(const std::string& bot_id, const telegram::AuthState& state) {
  std::shared_ptr<telegram::AccountClient> client;
  {
    std::lock_guard lock(mutex_);
    auto it = running_.find(bot_id);
    if (it == running_.end()) return;
    client = it->second.client;
  }
  if (state.kind == Kind::kWaitPhoneNumber) {
    // A new bot, or one whose session is gone: log in with its token.
    auto bot = infra_.store().FindBot(bot_id);
    if (!bot) return;
    std::string token;
    try {
      token = infra_.envelope().OpenRecord("bot_token", bot_id, bot->token_sealed);
    } catch (const crypto::DecryptError&) {
      return OnFailure(bot_id, Error(ErrorCode::kInternal, "the bot's token does not decrypt with this master key"));
    }
    client->CheckBotToken(token, [this, bot_id](telegram::Status s) {
      if (!s.ok()) OnFailure(bot_id, s.error());
    });
  } else if (state.kind == Kind::kReady) {
    client->GetMe([this, bot_id](telegram::Result<telegram::Me> me) {
      if (!me.ok()) return OnFailure(bot_id, me.error());
      OnActive(bot_id, me.value());
    });
  }
}

void BotService::OnActive(const std::string& bot_id, const telegram::Me& me) {
  BotDone created;
  {
    std::lock_guard lock(mutex_);
    auto it = running_.find(bot_id);
    if (it == running_.end()) return;
    it->second.active = true;
    created = std::move(it->second.created);
    it->second.created = nullptr;
  }
  background_.Post([this, bot_id, me, created] {
    std::unique_lock row(row_mutex_);
    auto bot = infra_.store().FindBot(bot_id);
    if (!bot) return;
    // Disabled while its client was starting: it stays disabled.
    if (bot->status == BotStatus::kDisabled && !created) return;
    const bool changed = bot->status != BotStatus::kActive || !bot->last_error.empty();
    bot->username = me.username;
    bot->telegram_user_id = me.user_id;
    bot->status = BotStatus::kActive;
    bot->last_error.clear();
    bot->updated_at = UnixSeconds();
    infra_.store().UpdateBot(*bot);
    spdlog::info("bot {}: active as @{}", bot_id, me.username);
    if (changed) events_.Append({"bot.status", "", bot->tenant_id, BotEventData(*bot), ""});
    row.unlock();
    Changed(*bot);
    if (created) created(*bot);
  });
}

void BotService::OnFailure(const std::string& bot_id, const Error& error) {
  auto running = Take(bot_id);
  if (!running) return;
  spdlog::warn("bot {}: {}", bot_id, error.what());
  if (!running->created) SetStatus(bot_id, BotStatus::kError, error.what());
  // A bot that never ran is not kept (the caller learns why from its POST):
  // its row and directory go once TDLib has let go of the directory.
  auto after_close = [this, bot_id, error, created = running->created] {
    if (!created) return;
    background_.Post([this, bot_id, error, created] {
      infra_.store().DeleteBot(bot_id);
      Wipe(bot_id);
      created(error);
    });
  };
  CloseThen(std::move(*running), std::move(after_close));
}

void BotService::CloseThen(Running running, std::function<void()> then) {
  if (running.client->closed()) {
    running.events->Set(nullptr, nullptr);
    return then();
  }
  running.events->Set(nullptr, [then, events = running.events, client = running.client](telegram::ClosedReason) {
    events->Set(nullptr, nullptr);
    then();
  });
  running.client->Close([](telegram::Status) {});
}

void BotService::SetStatus(const std::string& bot_id, BotStatus status, const std::string& error) {
  background_.Post([this, bot_id, status, error] {
    std::unique_lock row(row_mutex_);
    auto bot = infra_.store().FindBot(bot_id);
    if (!bot || (bot->status == status && bot->last_error == error)) return;
    if (bot->status == BotStatus::kDisabled) return;
    bot->status = status;
    bot->last_error = error;
    bot->updated_at = UnixSeconds();
    infra_.store().UpdateBot(*bot);
    events_.Append({"bot.status", "", bot->tenant_id, BotEventData(*bot), ""});
    row.unlock();
    Changed(*bot);
  });
}

std::optional<BotService::Running> BotService::Take(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  auto it = running_.find(bot_id);
  if (it == running_.end()) return std::nullopt;
  Running running = std::move(it->second);
  running_.erase(it);
  return running;
}

void BotService::Wipe(const std::string& bot_id) {
  std::error_code ec;
  std::filesystem::remove_all(infra_.config().data_dir / "bots" / bot_id, ec);
}

}  // namespace tgmux::service
