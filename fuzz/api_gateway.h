// The gateway in process for the api_routes fuzz target: the real services
// over a temporary data directory (SQLite with TGMUX_STORE_SYNC=normal, the
// stub libtdjson of fuzz/tdjson_stub.cpp, Telegram "configured" with a fake
// api id), the real router with every route tgmux serve registers but the
// dashboard's and the OpenAPI document's, an owner with credentials, and a
// few rows for routes with ids to find. Nothing is delivered outside: webhooks
// and the health monitor are not started, fetching media by URL is off.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "api/request_parsing.h"
#include "api/router.h"
#include "service/services.h"

namespace tgmux::fuzz {

// The rows seeded (fixed ids, tenant "default"), which inputs name literally.
constexpr const char* kAccountId = "acc_fuzz";
constexpr const char* kPoolName = "sales";
constexpr const char* kBotId = "bot_fuzz";
constexpr const char* kSubscriberId = "sub_fuzz";
constexpr const char* kWebhookId = "whk_fuzz";
constexpr const char* kRuleId = "wr_fuzz";
constexpr const char* kDialogId = "dlg_fuzz";
constexpr const char* kOwnerEmail = "owner@fuzz.test";
constexpr const char* kOwnerPassword = "fuzz-owner-password";

class ApiGateway {
 public:
  // Throws on any failure to start (a broken fuzz set-up, not a finding).
  ApiGateway();
  // Ends like tgmux serve: waiters answered, services and TDLib clients
  // closed; then removes the data directory.
  ~ApiGateway();

  api::Router& router() { return *router_; }
  service::Services& services() { return *services_; }
  api::RequestIds& ids() { return ids_; }
  // "$OWNER" (an owner's access token), "$ADMIN" and "$OPERATOR" (API keys
  // of those roles), "$CSRF" (the owner's sign-in's CSRF token): what inputs
  // write in place of credentials, which are random at every start.
  const std::map<std::string, std::string>& placeholders() const { return placeholders_; }
  // Puts back the seeded rows a request removed (DELETE /v1/webhooks/whk_fuzz, ...).
  void Reseed();
  // Makes new credentials for the placeholders a request ended (POST
  // /v1/auth/logout with "$OWNER" revokes that token).
  void RenewCredentials();

 private:
  void SeedBeforeServices();
  void SeedAccount();
  void SeedBot();
  void SeedRule();
  void MakeCredentials();
  bool Accepted(const std::string& placeholder);

  std::filesystem::path dir_;
  std::unique_ptr<service::Infrastructure> infra_;
  std::unique_ptr<service::Services> services_;
  std::unique_ptr<api::Router> router_;
  api::RequestIds ids_;
  std::map<std::string, std::string> placeholders_;
  service::Principal owner_;
};

}  // namespace tgmux::fuzz
