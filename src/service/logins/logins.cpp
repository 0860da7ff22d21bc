#include "service/logins/logins.h"

#include "service/logins/login_record.h"

#include <spdlog/spdlog.h>

#include "common/phone.h"
#include "common/time.h"
#include "crypto/random_id.h"
#include "telegram/error_map.h"

namespace tgmux::service {
namespace {

using telegram::AuthState;
using telegram::Status;
using Kind = telegram::AuthState::Kind;
using store::LoginMethod;

// A number stays with its account in every status but revoked or banned (whose
// session is gone; a banned number's login meets PHONE_NUMBER_BANNED): before a code is sent, not after the person typed it.
void RefuseLinkedNumber(const std::vector<store::Account>& accounts) {
  for (const auto& account : accounts) {
    if (AccountService::SessionGone(account.status)) continue;
    throw Error(ErrorCode::kConflict, "this number is already linked as account " + account.id)
        .With("account_id", account.id);
  }
}

}  // namespace

LoginService::LoginService(Infrastructure& infra, AccountService& accounts, Background& background, AuditLog& audit)
    : infra_(infra), accounts_(accounts), background_(background), audit_(audit) {
  background_.Every(std::chrono::seconds(1), [this] { Sweep(); });
}

LoginService::~LoginService() { Shutdown(); }

void LoginService::Start(const std::string& tenant_id, const std::string& actor, LoginMethod method,
                         const std::string& phone, const std::optional<ProxyUrl>& proxy, Callback done,
                         const LoginOwner& owner) {
  infra_.RequireTelegram();
  auto login = std::make_shared<Login>();
  if (method == LoginMethod::kPhone) {
    auto e164 = NormalizePhone(phone);
    if (!e164) throw Error(ErrorCode::kInvalidPhone, "phone must be an international number such as +15550001122");
    RefuseLinkedNumber(accounts_.FindByPhone(tenant_id, *e164));
    login->phone = *e164;
    login->phone_masked = MaskPhone(*e164);
  }
  login->id = crypto::RandomId("lgn");
  login->tenant_id = tenant_id;
  login->actor = actor;
  login->method = method;
  login->keys = accounts_.NewKeys();
  login->proxy = proxy;
  login->owner = owner;
  login->created_at = UnixSeconds();
  login->expires_at = login->created_at + static_cast<std::int64_t>(method == LoginMethod::kQr
                                                                        ? infra_.config().qr_timeout_seconds
                                                                        : infra_.config().login_timeout_seconds);
  for (const auto& listener : start_listeners_) listener(tenant_id, View(*login));
  login->events = std::make_shared<ClientEvents>();
  std::weak_ptr<Login> weak = login;
  login->events->Set([this, weak](const AuthState& s) { if (auto l = weak.lock()) OnState(l, s); },
                     [this, weak](telegram::ClosedReason) { if (auto l = weak.lock()) OnClosed(l); });
  login->client = std::make_shared<telegram::AccountClient>(infra_.hub(), ClientEvents::Bind(login->events));
  {
    std::lock_guard lock(mutex_);
    logins_[login->id] = login;
  }
  spdlog::info("login {}: started ({}{})", login->id, store::LoginMethodName(method),
               login->phone_masked.empty() ? "" : " " + login->phone_masked);
  auto first_step = [this, login, done](Status s) {
    if (!s.ok()) return AfterStep(login, s, done);
    auto next = [this, login, done](Status s2) { AfterStep(login, s2, done); };
    auto ask = [login, next](Status applied) {
      if (!applied.ok()) return next(applied);
      if (login->method == LoginMethod::kPhone) {
        login->client->SetPhoneNumber(login->phone, next);
      } else {
        login->client->RequestQrCode(next);
      }
    };
    // The proxy first: the login's requests already go through it.
    auto proxy = login->proxy ? login->proxy : accounts_.default_proxy();
    if (proxy) return login->client->SetProxy(proxy, ask);
    ask(Status(telegram::Ok{}));
  };
  login->client->Start(accounts_.TdDirectory(login->keys.account_id), std::string(login->keys.td_key.bytes()),
                       infra_.TdParams(), first_step);
}

LoginView LoginService::Get(const std::string& tenant_id, const std::string& id) {
  auto login = Find(tenant_id, id, false);
  std::lock_guard lock(mutex_);
  return View(*login);
}

LoginService::LoginPtr LoginService::Find(const std::string& tenant_id, const std::string& id, bool must_be_open) {
  std::lock_guard lock(mutex_);
  auto it = logins_.find(id);
  if (it == logins_.end() || it->second->tenant_id != tenant_id) {
    throw Error(ErrorCode::kNotFound, "no login " + id);
  }
  if (must_be_open && Finished(it->second->state)) {
    throw Error(ErrorCode::kNotFound,
                "login " + id + " is finished (" + std::string(LoginStateName(it->second->state)) + ")");
  }
  return it->second;
}

void LoginService::Step(const LoginPtr& login, LoginState expected_state, Callback done,
                        const std::function<void(telegram::AccountClient::Done)>& call) {
  {
    std::lock_guard lock(mutex_);
    if (login->state != expected_state) {
      throw Error(ErrorCode::kConflict, "login " + login->id + " is in state " +
                                            std::string(LoginStateName(login->state)) + ", not " +
                                            std::string(LoginStateName(expected_state)));
    }
  }
  call([this, login, done](Status s) { AfterStep(login, s, done); });
}

void LoginService::SubmitCode(const std::string& tenant_id, const std::string& id, const std::string& code,
                              Callback done) {
  auto login = Find(tenant_id, id, true);
  if (code.empty() || code.size() > 16) throw Error(ErrorCode::kInvalidRequest, "code must be the digits received");
  Step(login, LoginState::kCodeSent, done, [this, login, code, done](telegram::AccountClient::Done next) {
    login->client->CheckCode(code, [this, login, done, next](Status s) {
      if (s.ok() || s.error().code() != ErrorCode::kCodeInvalid) return next(s);
      int left = 0;
      {
        std::lock_guard lock(mutex_);
        left = --login->attempts_left;
      }
      if (left <= 0) {
        End(login, LoginState::kFailed, Error(ErrorCode::kCodeInvalid, "too many wrong codes; start a new login"));
      }
      done(Error(s.error()).With("attempts_left", std::max(left, 0)));
    });
  });
}

void LoginService::SubmitPassword(const std::string& tenant_id, const std::string& id, const std::string& password,
                                  Callback done) {
  auto login = Find(tenant_id, id, true);
  if (password.empty()) throw Error(ErrorCode::kInvalidRequest, "password must not be empty");
  Step(login, LoginState::kPasswordNeeded, done,
       [login, password](auto next) { login->client->CheckPassword(password, next); });
}

void LoginService::Resend(const std::string& tenant_id, const std::string& id, Callback done) {
  auto login = Find(tenant_id, id, true);
  Step(login, LoginState::kCodeSent, done, [login](auto next) { login->client->ResendCode(next); });
}

void LoginService::Register(const std::string& tenant_id, const std::string& id, const std::string& first_name,
                            const std::string& last_name, Callback done) {
  auto login = Find(tenant_id, id, true);
  if (first_name.empty()) throw Error(ErrorCode::kInvalidRequest, "first_name must not be empty");
  Step(login, LoginState::kRegistrationNeeded, done,
       [login, first_name, last_name](auto next) { login->client->RegisterUser(first_name, last_name, next); });
}

void LoginService::Cancel(const std::string& tenant_id, const std::string& id, std::function<void(Status)> done) {
  auto login = Find(tenant_id, id, true);
  {
    std::lock_guard lock(mutex_);
    login->on_wiped.push_back([done] { done(Status(telegram::Ok{})); });
  }
  End(login, LoginState::kCancelled, std::nullopt);
}

void LoginService::AfterStep(const LoginPtr& login, Status status, Callback done) {
  if (!status.ok()) {
    if (telegram::AccountVerdictOf(status.error()) == telegram::AccountVerdict::kBanned && !login->phone.empty()) {
      MarkNumberBanned(login->tenant_id, login->phone, status.error().what());
    }
    bool starting = false;
    {
      std::lock_guard lock(mutex_);
      starting = login->state == LoginState::kStarting;
    }
    // A login that never got its first step through is of no use to anyone.
    if (starting) End(login, LoginState::kFailed, status.error());
    return done(status.error());
  }
  Answer(login, done);
}

void LoginService::MarkNumberBanned(const std::string& tenant_id, const std::string& phone,
                                    const std::string& reason) {
  // Telegram says so only now, to a new login: the number's accounts are banned.
  background_.Post([this, tenant_id, phone, reason] {
    for (const auto& account : accounts_.FindByPhone(tenant_id, phone)) accounts_.MarkBanned(account.id, reason);
  });
}

void LoginService::Answer(const LoginPtr& login, Callback done) {
  std::unique_lock lock(mutex_);
  if (login->state == LoginState::kFailed && login->error) {
    auto error = *login->error;
    lock.unlock();
    return done(error);
  }
  if (login->auth.kind == Kind::kReady && login->state != LoginState::kDone) {
    login->waiting.push_back(std::move(done));  // answered by Complete or End
    return;
  }
  auto view = View(*login);
  lock.unlock();
  done(view);
}

}  // namespace tgmux::service
