// The login service's reactions to TDLib (state changes, Ready, Closed) and its
// endings (done, failed, expired, cancelled) with the cleanup they need.
#include <spdlog/spdlog.h>

#include "common/phone.h"
#include "common/time.h"
#include "service/logins/login_record.h"

namespace tgmux::service {
namespace {

using telegram::AuthState;
using telegram::Status;
using Kind = telegram::AuthState::Kind;

std::optional<LoginState> StateFor(Kind kind) {
  switch (kind) {
    case Kind::kWaitCode: return LoginState::kCodeSent;
    case Kind::kWaitOtherDeviceConfirmation: return LoginState::kQrPending;
    case Kind::kWaitPassword: return LoginState::kPasswordNeeded;
    case Kind::kWaitRegistration: return LoginState::kRegistrationNeeded;
    default: return std::nullopt;
  }
}

bool Linked(store::AccountStatus status) {
  return !AccountService::SessionGone(status) && status != store::AccountStatus::kError;
}

}  // namespace

void LoginService::OnState(const LoginPtr& login, const AuthState& state) {
  bool renewed = false;
  {
    std::lock_guard lock(mutex_);
    if (Finished(login->state)) return;
    login->auth = state;
    if (auto next = StateFor(state.kind)) {
      bool changed = login->state != *next;
      login->state = *next;
      if (state.kind == Kind::kWaitOtherDeviceConfirmation) login->qr_received_at = UnixSeconds();
      renewed = !changed && state.kind == Kind::kWaitOtherDeviceConfirmation;
      if (!changed && !renewed) return;
    }
  }
  if (StateFor(state.kind)) return Announce(login, renewed);
  if (state.kind == Kind::kReady) Finalize(login);
}

void LoginService::Announce(const LoginPtr& login, bool qr_renewed) {
  const auto& listeners = qr_renewed ? qr_listeners_ : listeners_;
  if (listeners.empty()) return;
  LoginView view;
  {
    std::lock_guard lock(mutex_);
    view = View(*login);
  }
  for (const auto& listener : listeners) listener(login->tenant_id, view);
}

void LoginService::Finalize(const LoginPtr& login) {
  login->client->GetMe([this, login](telegram::Result<telegram::Me> me) {
    if (!me.ok()) return End(login, LoginState::kFailed, me.error());
    background_.Post([this, login, me = me.value()] { Complete(login, me); });
  });
}

void LoginService::Complete(const LoginPtr& login, const telegram::Me& me) {
  if (login->owner.must_be_self && me.user_id != login->owner.telegram_user_id) {
    return End(login, LoginState::kFailed,
               Error(ErrorCode::kForbidden, "only your own Telegram account can be linked here, not another one"));
  }
  auto existing = accounts_.FindByTelegramUser(login->tenant_id, me.user_id);
  for (const auto& account : existing) {
    if (!Linked(account.status)) continue;
    return End(login, LoginState::kFailed,
               Error(ErrorCode::kConflict, "this Telegram user is already linked as account " + account.id)
                   .With("account_id", account.id));
  }
  for (const auto& account : existing) accounts_.Forget(account.id);  // a revoked link is replaced by the new one
  store::Account row;
  row.tenant_id = login->tenant_id;
  row.method = login->method;
  row.telegram_user_id = me.user_id;
  row.username = me.username;
  row.display_name = me.first_name + (me.last_name.empty() ? "" : " " + me.last_name);
  // The number Telegram reports is the account's (the typed one only when it reports none).
  std::string phone = me.phone.empty() ? login->phone : "+" + me.phone;
  row.phone_masked = phone.empty() ? "" : MaskPhone(phone);
  row.owner_telegram_user_id = login->owner.telegram_user_id;
  std::vector<Callback> waiting;
  LoginView view;
  try {
    auto account = accounts_.Adopt(row, login->keys, phone, login->proxy, login->client, login->events);
    std::lock_guard lock(mutex_);
    login->state = LoginState::kDone;
    login->account = account;
    login->finished_at = std::chrono::steady_clock::now();
    waiting.swap(login->waiting);
    view = View(*login);
  } catch (const std::exception& e) {
    spdlog::error("login {}: cannot store the account: {}", login->id, e.what());
    return End(login, LoginState::kFailed, Error(ErrorCode::kInternal, "the account could not be stored"));
  }
  spdlog::info("login {}: done, account {}", login->id, view.account->id);
  for (const auto& listener : listeners_) listener(login->tenant_id, view);
  audit_.Record(login->tenant_id, "account_linked", login->actor, "",
                {{"account_id", view.account->id}, {"login_id", login->id},
                 {"method", std::string(store::LoginMethodName(login->method))},
                 {"phone_masked", view.account->phone_masked}});
  for (auto& callback : waiting) callback(view);
}

void LoginService::End(const LoginPtr& login, LoginState state, std::optional<Error> error) {
  std::vector<Callback> waiting;
  bool wipe_now = false;
  bool authorized = false;
  {
    std::lock_guard lock(mutex_);
    if (Finished(login->state)) return;
    login->state = state;
    login->error = error;
    login->finished_at = std::chrono::steady_clock::now();
    waiting.swap(login->waiting);
    wipe_now = login->closed;
    authorized = login->auth.kind == Kind::kReady;
  }
  const std::string name(LoginStateName(state));
  spdlog::info("login {}: {}{}", login->id, name, error ? std::string(": ") + error->what() : "");
  Announce(login);
  Error ended = error ? *error : Error(ErrorCode::kNotFound, "login " + login->id + " is " + name);
  for (auto& callback : waiting) callback(ended);
  if (wipe_now) return OnClosed(login);
  // No session of an unfinished login may stay behind, at Telegram or on disk.
  if (authorized) {
    login->client->LogOut([client = login->client](Status s) {
      if (!s.ok()) client->Destroy([](Status) {});
    });
  } else {
    login->client->Destroy([](Status) {});
  }
}

void LoginService::OnClosed(const LoginPtr& login) {
  std::vector<std::function<void()>> on_wiped;
  {
    std::lock_guard lock(mutex_);
    login->closed = true;
    if (!Finished(login->state)) {
      login->state = LoginState::kFailed;
      login->error = Error(ErrorCode::kTelegramError, "the Telegram client stopped during the login");
      login->finished_at = std::chrono::steady_clock::now();
    }
    if (login->state == LoginState::kDone || login->wiped) return;
    login->wiped = true;
    on_wiped.swap(login->on_wiped);
  }
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(accounts_.TdDirectory(login->keys.account_id)).parent_path(), ec);
  for (auto& callback : on_wiped) callback();
}

void LoginService::Sweep() {
  std::vector<LoginPtr> expired;
  std::vector<LoginPtr> forgotten;  // released outside the lock: their clients' callbacks take it
  {
    std::lock_guard lock(mutex_);
    auto now = UnixSeconds();
    auto forget_before = std::chrono::steady_clock::now() - kKeepFinished;
    for (auto it = logins_.begin(); it != logins_.end();) {
      auto& login = it->second;
      bool released = login->closed || login->state == LoginState::kDone;
      if (Finished(login->state) && login->finished_at < forget_before && released) {
        forgotten.push_back(std::move(login));
        it = logins_.erase(it);
        continue;
      }
      if (!Finished(login->state) && now >= login->expires_at) expired.push_back(login);
      ++it;
    }
  }
  for (auto& login : expired) End(login, LoginState::kExpired, Error(ErrorCode::kCodeExpired, "the login expired"));
}

LoginView LoginService::View(const Login& login) const {
  LoginView view;
  view.id = login.id;
  view.tenant_id = login.tenant_id;
  view.method = login.method;
  view.state = login.state;
  view.phone_masked = login.phone_masked;
  view.attempts_left = login.attempts_left;
  view.created_at = login.created_at;
  view.expires_at = login.expires_at;
  view.account = login.account;
  view.error = login.error;
  if (login.state == LoginState::kCodeSent) view.code = login.auth.code;
  if (login.state == LoginState::kQrPending) {
    view.qr_link = login.auth.qr_link;
    view.qr_expires_at = std::min(login.qr_received_at + kQrLinkSeconds, login.expires_at);
  }
  if (login.state == LoginState::kPasswordNeeded) view.password_hint = login.auth.password_hint;
  return view;
}

void LoginService::Shutdown() {
  std::map<std::string, LoginPtr> logins;
  {
    std::lock_guard lock(mutex_);
    logins.swap(logins_);
  }
  for (auto& [id, login] : logins) {
    if (!Finished(login->state)) login->client->Close([](Status) {});
  }
}

}  // namespace tgmux::service
