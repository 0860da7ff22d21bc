// Persistence of intermediate login states (tdlib-facts §5.7): TDLib keeps WaitCode for
// 5 minutes and WaitPassword / WaitRegistration for 24 hours in its binlog, and restores
// them on the next start when api_id and api_hash are unchanged.
#include "sim/engine/client.h"

namespace tgsim {
namespace {

const char* StateName(AuthState state) {
  switch (state) {
    case AuthState::kWaitCode: return "wait_code";
    case AuthState::kWaitPassword: return "wait_password";
    default: return "wait_registration";
  }
}

}  // namespace

void ClientSession::SaveLoginState() {
  std::int64_t lifetime = state_ == AuthState::kWaitCode ? 5 * 60 : 24 * 60 * 60;
  LibraryOp({{"op", "db_write"},
             {"data", {{"auth", "login"}, {"state", StateName(state_)}, {"object", state_object_},
                       {"until", world_.scheduler().Now() + lifetime}, {"api_id", api_id_},
                       {"api_hash", api_hash_}, {"phone", phone_}, {"code_resent", code_resent_},
                       {"pending_user_id", pending_user_id_}}}});
}

bool ClientSession::RestoreLoginState(const Json& saved) {
  if (saved.value("auth", "") != "login" || saved.value("until", std::int64_t{0}) < world_.scheduler().Now() ||
      saved.value("api_id", std::int64_t{0}) != api_id_ || saved.value("api_hash", "") != api_hash_) {
    return false;
  }
  std::string name = saved.value("state", "");
  AuthState state = name == "wait_code"       ? AuthState::kWaitCode
                    : name == "wait_password" ? AuthState::kWaitPassword
                                              : AuthState::kWaitRegistration;
  phone_ = saved.value("phone", "");
  phone_digits_ = PhoneDigits(phone_);
  code_resent_ = saved.value("code_resent", false);
  pending_user_id_ = saved.value("pending_user_id", std::int64_t{0});
  SetState(state, saved.value("object", Json()));
  return true;
}

}  // namespace tgsim
