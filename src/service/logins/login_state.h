// A login's state (docs/architecture.md, Logins), one enum with one name table
// (login_state.cpp); the names are the ones the API and login.state events show.
#pragma once

#include <optional>
#include <string_view>

namespace tgmux::service {

enum class LoginState {
  kStarting,            // its TDLib client is starting; no step reached yet
  kCodeSent,
  kQrPending,
  kPasswordNeeded,
  kRegistrationNeeded,  // a new number: first and last name wanted
  kDone,
  kFailed,
  kExpired,
  kCancelled,
};

std::string_view LoginStateName(LoginState state);
// nullopt for any name the table does not hold.
std::optional<LoginState> ParseLoginState(std::string_view name);
// done, failed, expired or cancelled: the login will not change again.
bool Finished(LoginState state);

}  // namespace tgmux::service
