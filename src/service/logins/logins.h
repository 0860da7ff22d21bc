// Logins: one state machine for every front-end (REST, bots, web); docs/architecture.md, Logins.
//   phone: code_sent -> [password_needed | registration_needed] -> done
//   qr:    qr_pending -> [password_needed] -> done
// and the ends failed, expired, cancelled. Each login owns a fresh TDLib client
// in the directory its account will keep; when it is done the account service
// takes the client over. Logins live in memory; finished ones stay readable
// for a while, then are forgotten. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/logins/login_state.h"

namespace tgmux::service {

// Who links an account by talking to one of the tenant's bots (docs/bots.md):
// the account then belongs to this Telegram user; with must_be_self only
// their own Telegram account may be linked (the bot's link policy "self").
struct LoginOwner {
  std::int64_t telegram_user_id = 0;  // 0: no owner (REST, dashboard)
  bool must_be_self = false;
};

struct LoginView {
  std::string id;
  std::string tenant_id;
  store::LoginMethod method = store::LoginMethod::kPhone;
  LoginState state = LoginState::kStarting;
  std::string phone_masked;
  std::optional<telegram::CodeInfo> code;
  std::string qr_link;
  std::int64_t qr_expires_at = 0;
  std::string password_hint;
  std::optional<store::Account> account;  // when done
  std::optional<Error> error;             // when failed
  int attempts_left = 0;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

class LoginService {
 public:
  using Callback = std::function<void(telegram::Result<LoginView>)>;

  LoginService(Infrastructure& infra, AccountService& accounts, Background& background, AuditLog& audit);
  ~LoginService();

  // By phone (with `phone` in any common form) or QR code. Errors:
  // telegram_not_configured, invalid_phone, flood_wait, telegram_unreachable.
  // `actor` (user or key id) goes to the audit log when the account is linked.
  // `proxy`: the account's own proxy, used from the first step on and kept
  // with the account (nullopt: TGMUX_PROXY, if any).
  // `owner`: see LoginOwner; a login whose account is not the owner's own
  // when it must be fails with forbidden, and its session is logged out.
  void Start(const std::string& tenant_id, const std::string& actor, store::LoginMethod method,
             const std::string& phone, const std::optional<ProxyUrl>& proxy, Callback done,
             const LoginOwner& owner = {});
  // Throws Error(not_found).
  LoginView Get(const std::string& tenant_id, const std::string& id);
  void SubmitCode(const std::string& tenant_id, const std::string& id, const std::string& code, Callback done);
  void SubmitPassword(const std::string& tenant_id, const std::string& id, const std::string& password,
                      Callback done);
  void Resend(const std::string& tenant_id, const std::string& id, Callback done);
  void Register(const std::string& tenant_id, const std::string& id, const std::string& first_name,
                const std::string& last_name, Callback done);
  // Cancels, closes the TDLib client and wipes its directory, then calls done.
  void Cancel(const std::string& tenant_id, const std::string& id, std::function<void(telegram::Status)> done);

  void Shutdown();

  // Told of every login state change (tenant, login), e.g. for the event log
  // and the bots' conversations, on the thread that made it. Only before
  // logins start.
  using Listener = std::function<void(const std::string& tenant_id, const LoginView& login)>;
  void OnStateChange(Listener listener) { listeners_.push_back(std::move(listener)); }
  // Told when a QR login's link is renewed (the state stays qr_pending, so
  // state listeners are not). Only before logins start.
  void OnQrRenewed(Listener listener) { qr_listeners_.push_back(std::move(listener)); }
  // Told of a login about to start (state starting), on the caller's thread,
  // before its client exists: a listener that throws stops it (several nodes
  // record the login's node this way). Only before logins start.
  void OnStart(Listener listener) { start_listeners_.push_back(std::move(listener)); }

 private:
  struct Login;
  using LoginPtr = std::shared_ptr<Login>;

  LoginPtr Find(const std::string& tenant_id, const std::string& id, bool must_be_open);
  void Step(const LoginPtr& login, LoginState expected_state, Callback done,
            const std::function<void(telegram::AccountClient::Done)>& call);
  void AfterStep(const LoginPtr& login, telegram::Status status, Callback done);
  // PHONE_NUMBER_BANNED: the tenant's accounts of the number become banned.
  void MarkNumberBanned(const std::string& tenant_id, const std::string& phone, const std::string& reason);
  void OnState(const LoginPtr& login, const telegram::AuthState& state);
  void OnClosed(const LoginPtr& login);
  void Finalize(const LoginPtr& login);
  void Complete(const LoginPtr& login, const telegram::Me& me);
  void End(const LoginPtr& login, LoginState state, std::optional<Error> error);
  void Sweep();
  LoginView View(const Login& login) const;
  void Answer(const LoginPtr& login, Callback done);
  // Tells the listeners the login's current state.
  void Announce(const LoginPtr& login, bool qr_renewed = false);

  Infrastructure& infra_;
  AccountService& accounts_;
  Background& background_;
  AuditLog& audit_;
  std::mutex mutex_;
  std::map<std::string, LoginPtr> logins_;
  std::vector<Listener> listeners_;
  std::vector<Listener> qr_listeners_;
  std::vector<Listener> start_listeners_;
};

}  // namespace tgmux::service
