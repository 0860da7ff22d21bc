#include "service/logins/login_state.h"

#include <array>

#include "common/name_table.h"

namespace tgmux::service {
namespace {

struct StateRow {
  LoginState value;
  std::string_view name;
  bool finished;
};

constexpr std::array kStates = {
    StateRow{LoginState::kStarting, "starting", false},
    StateRow{LoginState::kCodeSent, "code_sent", false},
    StateRow{LoginState::kQrPending, "qr_pending", false},
    StateRow{LoginState::kPasswordNeeded, "password_needed", false},
    StateRow{LoginState::kRegistrationNeeded, "registration_needed", false},
    StateRow{LoginState::kDone, "done", true},
    StateRow{LoginState::kFailed, "failed", true},
    StateRow{LoginState::kExpired, "expired", true},
    StateRow{LoginState::kCancelled, "cancelled", true},
};

}  // namespace

std::string_view LoginStateName(LoginState state) { return NameIn(kStates, state); }
std::optional<LoginState> ParseLoginState(std::string_view name) { return ValueIn(kStates, name); }

bool Finished(LoginState state) {
  const StateRow* row = RowIn(kStates, state);
  return row && row->finished;
}

}  // namespace tgmux::service
