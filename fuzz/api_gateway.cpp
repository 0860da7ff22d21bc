#include "fuzz/api_gateway.h"

#include <stdlib.h>

#include <stdexcept>

#include "api/message_json.h"
#include "api/routes.h"
#include "common/time.h"
#include "compat/compat_routes.h"
#include "crypto/secrets.h"
#include "mcp/endpoint.h"
#include "service/bots/bot_settings.h"
#include "service/watch/rules.h"

namespace tgmux::fuzz {
namespace {

constexpr const char* kTenant = "default";
constexpr const char* kLoopback = "127.0.0.1";

std::filesystem::path MakeDataDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tgmux-fuzz-api-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("api_routes: no temporary directory");
  return pattern;
}

config::Config FuzzConfig(const std::filesystem::path& dir) {
  config::Config config;
  config.data_dir = dir;
  config.tdjson_path = TGMUX_FUZZ_TDJSON;
  config.store_sync = "normal";  // a write need not reach the disk: nothing here must survive a power cut
  // "Configured", so that logins and bots reach the stub TDLib, which refuses them at once.
  config.telegram.api_id = 1;
  config.telegram.api_hash = "fuzz";
  config.telegram.deadline_seconds = 3;
  config.auth.registration = "open";
  config.auth.admin_email = kOwnerEmail;
  config.auth.admin_password = kOwnerPassword;
  config.auth.access_ttl_seconds = 30 * 86400.0;  // "$OWNER" outlives any run
  // libsodium's least Argon2id cost: sign-ins and registrations take microseconds.
  config.auth.argon2_passes = 1;
  config.auth.argon2_memory_kib = 8;
  // Limits that would lock the owner out (and keep every later sign-in or login at 429) for minutes.
  config.auth.failed_logins_per_email = config.auth.failed_logins_per_ip = {1000000, 900};
  config.auth.logins_per_tenant = {1000000, 60};
  config.compat = {"personal-accounts", "user-api", "multi-profile"};
  config.cors_origins = {"http://127.0.0.1:5173"};
  return config;
}

}  // namespace

ApiGateway::ApiGateway() : dir_(MakeDataDir()) {
  auto config = FuzzConfig(dir_);
  infra_ = std::make_unique<service::Infrastructure>(config);
  SeedBeforeServices();
  services_ = std::make_unique<service::Services>(*infra_, api::EventMessageShapes());
  services_->auth.Bootstrap();
  // Every wait (long-polls, sends with ?wait, the compatibility APIs' and MCP's
  // sends) answers at once with what is there, as when tgmux stops: a
  // request's answer never waits for seconds (the seeded account never sends).
  services_->events.ReleaseWaiters();
  services_->outbox.StopWaiting();
  router_ = std::make_unique<api::Router>(infra_->metrics());
  router_->SetCorsOrigins(config.cors_origins);
  api::RegisterAllRoutes(*router_, *services_);
  compat::RegisterCompatRoutes(*router_, *services_, config.compat);
  mcp::RegisterMcpRoutes(*router_, *services_, mcp::EndpointOptions{config.cors_origins, 1000000});
  MakeCredentials();
  Reseed();
}

ApiGateway::~ApiGateway() {
  services_->BeginShutdown();
  services_->Shutdown();
  infra_->Shutdown(std::chrono::seconds(10));
  router_.reset();
  services_.reset();
  infra_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void ApiGateway::MakeCredentials() {
  auto owner = services_->auth.SignIn(kOwnerEmail, kOwnerPassword, kLoopback);
  owner_ = service::Principal{service::Principal::Kind::kUser, owner.user.id, owner.user.tenant_id,
                              service::Role::kOwner, ""};
  placeholders_["$OWNER"] = owner.access_token;
  placeholders_["$CSRF"] = services_->auth.CsrfToken(owner.family_id);
  placeholders_["$ADMIN"] = services_->tenants.CreateApiKey(owner_, "fuzz admin", "admin", kLoopback).key;
  placeholders_["$OPERATOR"] = services_->tenants.CreateApiKey(owner_, "fuzz operator", "operator", kLoopback).key;
}

bool ApiGateway::Accepted(const std::string& placeholder) {
  try {
    services_->auth.Authenticate("Bearer " + placeholders_.at(placeholder));
    return true;
  } catch (const Error&) {
    return false;
  }
}

void ApiGateway::RenewCredentials() {
  if (!Accepted("$OWNER")) {
    auto owner = services_->auth.SignIn(kOwnerEmail, kOwnerPassword, kLoopback);
    placeholders_["$OWNER"] = owner.access_token;
    placeholders_["$CSRF"] = services_->auth.CsrfToken(owner.family_id);
  }
  for (const char* role : {"admin", "operator"}) {
    const std::string placeholder = std::string("$") + (role[0] == 'a' ? "ADMIN" : "OPERATOR");
    if (!Accepted(placeholder)) {
      auto key = services_->tenants.CreateApiKey(owner_, "fuzz " + std::string(role), role, kLoopback);
      placeholders_[placeholder] = key.key;
    }
  }
}

// What the services read at construction (pools, rules) goes in first.
void ApiGateway::SeedBeforeServices() {
  const auto now = UnixSeconds();
  infra_->store().PutPool({kTenant, kPoolName, R"({"daily_limit":20,"warmup_days":3,"timezone":"Europe/Kyiv"})",
                           now, now});
  SeedRule();
}

void ApiGateway::Reseed() {
  auto& store = infra_->store();
  const auto now = UnixSeconds();
  if (!store.FindAccount(kAccountId)) SeedAccount();
  if (!store.FindBot(kBotId)) SeedBot();
  if (!store.FindSubscriber(kSubscriberId)) {
    store.InsertSubscriber({kSubscriberId, kTenant, kBotId, 4242, "Fuzz Person", now});
  }
  if (!store.FindWatchRule(kRuleId)) SeedRule();
  if (!store.FindWebhook(kWebhookId)) {
    store::Webhook w;
    w.id = kWebhookId;
    w.tenant_id = kTenant;
    w.url = "http://127.0.0.1:9/hook";  // never called: webhooks are not started
    w.secret_sealed = infra_->envelope().SealRecord("webhook", w.id, crypto::RandomToken("whsec"));
    w.created_at = w.updated_at = now;
    store.InsertWebhook(w);
  }
  if (!store.FindDialogById(kDialogId)) {
    store::Dialog d;
    d.id = kDialogId;
    d.tenant_id = kTenant;
    d.account_id = kAccountId;
    d.peer_chat_id = 4242;
    d.title = "Fuzz Person";
    d.tracked = true;
    d.pool = kPoolName;
    d.contact = "@fuzz_person";
    d.first_message_at = d.last_message_at = d.created_at = d.updated_at = now;
    store.PutDialog(d);
  }
}

// An active account as a login leaves it (AccountService::Adopt), whose client never runs.
void ApiGateway::SeedAccount() {
  const auto& envelope = infra_->envelope();
  const auto data_key = crypto::SecretKey::Random();
  const std::string phone = "+380671234567";
  store::Account a;
  a.id = kAccountId;
  a.tenant_id = kTenant;
  a.status = store::AccountStatus::kActive;
  a.telegram_user_id = 1001;
  a.username = "fuzz_account";
  a.display_name = "Fuzz Account";
  a.phone_masked = "+380*******67";
  a.wrapped_data_key = envelope.WrapDataKey(data_key, a.id);
  a.td_key_sealed = envelope.Encrypt(data_key, a.id, "td_key", crypto::SecretKey::Random().bytes());
  a.phone_sealed = envelope.Encrypt(data_key, a.id, "phone", phone);
  if (services_) a.phone_digest = services_->accounts.phone_digests().OfReported(phone);
  a.pool = kPoolName;
  a.created_at = a.updated_at = a.last_connected_at = UnixSeconds();
  infra_->store().InsertAccount(a);
}

// A disabled bot (BotService::Create's row): enabling it starts it against the stub.
void ApiGateway::SeedBot() {
  const auto& envelope = infra_->envelope();
  const std::string token = "123456:fuzz-bot-token";
  store::Bot bot;
  bot.id = kBotId;
  bot.tenant_id = kTenant;
  bot.username = "fuzz_bot";
  bot.telegram_user_id = 123456;
  bot.token_digest = crypto::TokenDigest(token);
  bot.token_sealed = envelope.SealRecord("bot_token", bot.id, token);
  bot.td_key_sealed = envelope.SealRecord("bot_td_key", bot.id, crypto::SecretKey::Random().bytes());
  bot.features = service::FeaturesText({service::BotFeature::kNotify, service::BotFeature::kRelay});
  bot.access = service::BotAccess{}.ToJson().dump();
  bot.link_policy = "self";
  bot.status = store::BotStatus::kDisabled;
  bot.created_at = bot.updated_at = UnixSeconds();
  infra_->store().InsertBot(bot);
}

// WatchService::CreateRule's row, with a fixed id.
void ApiGateway::SeedRule() {
  auto settings = service::watch::ParseRule(
      {{"name", "prices"}, {"any", {"price", "ціна"}}, {"subscribers", {kSubscriberId}}}, {}, true);
  settings.match.id = kRuleId;
  auto row = service::watch::RuleRow(settings);
  row.tenant_id = kTenant;
  row.created_at = row.updated_at = UnixSeconds();
  infra_->store().PutWatchRule(row);
}

}  // namespace tgmux::fuzz
