// The login states' name table: every state has the name the API and the
// login.state events show and reads back from it; other names are refused.
#include "service/logins/login_state.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace tgmux::service {
namespace {

const std::vector<std::pair<LoginState, std::string>> kNames = {
    {LoginState::kStarting, "starting"},
    {LoginState::kCodeSent, "code_sent"},
    {LoginState::kQrPending, "qr_pending"},
    {LoginState::kPasswordNeeded, "password_needed"},
    {LoginState::kRegistrationNeeded, "registration_needed"},
    {LoginState::kDone, "done"},
    {LoginState::kFailed, "failed"},
    {LoginState::kExpired, "expired"},
    {LoginState::kCancelled, "cancelled"},
};

TEST(LoginStates, EveryStateRoundTripsThroughItsName) {
  for (const auto& [state, name] : kNames) {
    EXPECT_EQ(LoginStateName(state), name);
    EXPECT_EQ(ParseLoginState(name), state) << name;
  }
  EXPECT_EQ(LoginStateName(static_cast<LoginState>(kNames.size())), "unknown");
}

TEST(LoginStates, UnknownNamesAreRefused) {
  for (const char* other : {"", "unknown", "Done", "code-sent", "password_needed ", "canceled", "active"}) {
    EXPECT_EQ(ParseLoginState(other), std::nullopt) << '"' << other << '"';
  }
}

TEST(LoginStates, OnlyTheEndsAreFinished) {
  for (const auto& [state, name] : kNames) {
    bool end = name == "done" || name == "failed" || name == "expired" || name == "cancelled";
    EXPECT_EQ(Finished(state), end) << name;
  }
}

}  // namespace
}  // namespace tgmux::service
