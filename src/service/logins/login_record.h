// Internal to the login service: what it keeps for one login.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "service/logins/logins.h"

namespace tgmux::service {

inline constexpr int kCodeAttempts = 5;
inline constexpr auto kKeepFinished = std::chrono::minutes(10);
inline constexpr int kQrLinkSeconds = 30;  // TDLib renews the link about this often

struct LoginService::Login {
  std::string id, tenant_id, actor, phone, phone_masked;
  store::LoginMethod method = store::LoginMethod::kPhone;
  LoginState state = LoginState::kStarting;
  AccountKeys keys;
  std::optional<ProxyUrl> proxy;  // the login's own (kept with the account)
  LoginOwner owner;
  std::shared_ptr<telegram::AccountClient> client;
  std::shared_ptr<ClientEvents> events;
  telegram::AuthState auth;
  int attempts_left = kCodeAttempts;
  std::int64_t created_at = 0, expires_at = 0, qr_received_at = 0;
  std::chrono::steady_clock::time_point finished_at;
  std::optional<store::Account> account;
  std::optional<Error> error;
  std::vector<Callback> waiting;  // answered when the login is done or ends
  bool closed = false;            // its TDLib client reached Closed
  bool wiped = false;
  std::vector<std::function<void()>> on_wiped;
};

}  // namespace tgmux::service
