// user-api (docs/compat.md): an assistant's "send as the user". `user_id` is
// the calling service's key for a person: the account's external_id. The
// person's phone number is returned in clear on this surface only.
#include "api/views.h"
#include "compat/compat_common.h"

namespace tgmux::compat {
namespace {

std::string UserIdField(const nlohmann::json& body) {
  auto user_id = *api::StringField(body, "user_id", true);
  if (user_id.empty() || user_id.size() > 200) InvalidField("user_id", "must be 1 to 200 characters");
  return user_id;
}

class UserApi {
 public:
  explicit UserApi(service::Services& s) : s_(s) {}

  static void Register(api::Router& router, std::shared_ptr<UserApi> self);

 private:
  // The key of a person's login in the book: tenant and user_id.
  static std::string Key(const Request& r, const std::string& user_id) { return api::TenantOf(r) + "\n" + user_id; }

  // {id, first_name, last_name, username, phone_number} from Telegram when
  // the client runs, else from the account row (names as one first_name).
  void UserJson(const store::Account& account, std::function<void(nlohmann::json)> done) {
    nlohmann::json user = {{"id", account.telegram_user_id}, {"first_name", account.display_name},
                           {"last_name", ""},    {"username", account.username},
                           {"phone_number", ClearPhone(s_, account)}};
    auto client = s_.accounts.Client(account.id);
    if (!client) return done(user);
    client->GetMe([user, done](telegram::Result<telegram::Me> me) mutable {
      if (me.ok()) {
        user["first_name"] = me.value().first_name;
        user["last_name"] = me.value().last_name;
        user["username"] = me.value().username;
        if (!me.value().phone.empty()) user["phone_number"] = "+" + me.value().phone;
      }
      done(user);
    });
  }

  void Start(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto user_id = UserIdField(body);
    auto phone = *api::StringField(body, "phone_number", true);
    auto linked = s_.accounts.FindByExternalId(api::TenantOf(r), user_id);
    if (linked && !service::AccountService::SessionGone(linked->status)) {
      throw Error(ErrorCode::kConflict, "user_id " + user_id + " already has a linked account; disconnect it first")
          .With("account_id", linked->id);
    }
    s_.logins_per_tenant.HitOrThrow(api::TenantOf(r), "Telegram logins started");
    s_.logins.Start(api::TenantOf(r), api::PrincipalOf(r).id, store::LoginMethod::kPhone, phone, std::nullopt,
                    [this, reply, user_id, key = Key(r, user_id), path = r.path](
                        telegram::Result<service::LoginView> login) {
                      if (!login.ok()) return reply.Fail(login.error(), path);
                      book_.Label(login.value().id, {"", user_id});
                      book_.Follow(key, login.value().id);
                      reply(Response::Json(200, {{"status", "code_sent"},
                                                 {"phone_code_hash", login.value().id},
                                                 {"message", "Code sent to Telegram"}}));
                    });
  }

  // The answer to a login step: authorized once done, else the native error
  // (password_needed when the account has two-step verification).
  service::LoginService::Callback Authorized(const Reply& reply, const std::string& path, bool password_given) {
    return [this, reply, path, password_given](telegram::Result<service::LoginView> result) {
      if (!result.ok()) return reply.Fail(result.error(), path);
      const auto& login = result.value();
      if (login.state == LoginState::kPasswordNeeded && !password_given) {
        return reply.Fail(Error(ErrorCode::kPasswordNeeded,
                                "this account has two-step verification: call auth/verify again with \"password\"")
                              .With("password_hint", login.password_hint),
                          path);
      }
      if (login.state != LoginState::kDone || !login.account) {
        return reply.Fail(Error(ErrorCode::kConflict, "the login is " + std::string(LoginStateName(login.state))),
                          path);
      }
      try {
        auto account = book_.Apply(s_, login);
        UserJson(account, [reply](nlohmann::json user) {
          reply(Response::Json(200, {{"status", "authorized"}, {"message", "Successfully authorized"}, {"user", user}}));
        });
      } catch (const Error& e) {
        reply.Fail(e, path);
      }
    };
  }

  // phone_code, then password when the account needs it; or password alone
  // after a password_needed answer (the code is not sent again).
  void Verify(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto user_id = UserIdField(body);
    auto code = api::StringField(body, "phone_code", false);
    auto password = api::StringField(body, "password", false);
    auto login_id = book_.Find(Key(r, user_id));
    if (login_id.empty()) throw Error(ErrorCode::kNotFound, "no login of user_id " + user_id + "; call auth/start");
    auto tenant = api::TenantOf(r);
    auto state = s_.logins.Get(tenant, login_id).state;
    if (state == LoginState::kPasswordNeeded) {
      if (!password) InvalidField("password", "is required: this account has two-step verification");
      return s_.logins.SubmitPassword(tenant, login_id, *password, Authorized(reply, r.path, true));
    }
    if (!code) InvalidField("phone_code", "is required");
    if (!password) return s_.logins.SubmitCode(tenant, login_id, *code, Authorized(reply, r.path, false));
    s_.logins.SubmitCode(tenant, login_id, *code,
                         [this, reply, tenant, login_id, password, path = r.path](
                             telegram::Result<service::LoginView> result) {
                           if (result.ok() && result.value().state == LoginState::kPasswordNeeded) {
                             return s_.logins.SubmitPassword(tenant, login_id, *password,
                                                             Authorized(reply, path, true));
                           }
                           Authorized(reply, path, true)(std::move(result));
                         });
  }

  store::Account AccountOf(const Request& r, const std::string& user_id) {
    auto account = s_.accounts.FindByExternalId(api::TenantOf(r), user_id);
    if (!account) throw Error(ErrorCode::kNotFound, "no account of user_id " + user_id);
    return *account;
  }

  void Send(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto account = AccountOf(r, UserIdField(body));
    service::SendRequest send;
    send.to = Recipient(body, "recipient_id");
    send.text = *api::StringField(body, "text", true);
    send.idempotency_key = api::IdempotencyKey(r);
    SendAndWait(s_, api::TenantOf(r), account.id, std::move(send), kSendWait,
                [reply, path = r.path](telegram::Result<store::OutboxEntry> entry) {
                  if (!entry.ok()) return reply.Fail(entry.error(), path);
                  reply(Response::Json(200, {{"status", "ok"},
                                             {"success", true},
                                             {"message_id", entry.value().message_id},
                                             {"date", PlainUtc(entry.value().message_date)}}));
                });
  }

  void Status(const Request& r, const Reply& reply) {
    auto account = s_.accounts.FindByExternalId(api::TenantOf(r), r.params.at("user_id"));
    if (!account) {
      return reply(Response::Json(200, {{"status", "ok"}, {"authorized", false}, {"user_info", nullptr}}));
    }
    bool authorized = !service::AccountService::SessionGone(account->status) &&
                      account->status != store::AccountStatus::kDisabled &&
                      account->status != store::AccountStatus::kError;
    UserJson(*account, [reply, authorized](nlohmann::json user) {
      reply(Response::Json(200, {{"status", "ok"}, {"authorized", authorized}, {"user_info", user}}));
    });
  }

  // Unlinks the person's account, and cancels a login of theirs still under way.
  void Disconnect(const Request& r, const Reply& reply) {
    auto user_id = UserIdField(r.JsonBody());
    auto tenant = api::TenantOf(r);
    auto login_id = book_.Find(Key(r, user_id));
    book_.Forget(Key(r, user_id));
    if (!login_id.empty()) {
      try {
        if (!Finished(s_.logins.Get(tenant, login_id).state)) s_.logins.Cancel(tenant, login_id, [](telegram::Status) {});
      } catch (const Error&) {
        // Forgotten already: nothing to cancel.
      }
    }
    auto account = s_.accounts.FindByExternalId(tenant, user_id);
    auto answer = [reply] { reply(Response::Json(200, {{"status", "ok"}, {"message", "Disconnected"}})); };
    if (!account) {
      if (login_id.empty()) throw Error(ErrorCode::kNotFound, "no account of user_id " + user_id);
      return answer();
    }
    s_.accounts.Unlink(tenant, account->id, api::PrincipalOf(r).id,
                       [reply, answer, path = r.path](telegram::Status status) {
                         if (!status.ok()) return reply.Fail(status.error(), path);
                         answer();
                       });
  }

  service::Services& s_;
  LoginBook book_;
};

void UserApi::Register(api::Router& router, std::shared_ptr<UserApi> self) {
  auto bind = [self](void (UserApi::*method)(const Request&, const Reply&)) {
    return [self, method](const Request& r, const Reply& reply) { ((*self).*method)(r, reply); };
  };
  router.Add("POST", "/telegram/user/auth/start", kManage, bind(&UserApi::Start));
  router.Add("POST", "/telegram/user/auth/verify", kManage, bind(&UserApi::Verify));
  router.Add("POST", "/telegram/user/send", kRead, bind(&UserApi::Send));
  router.Add("GET", "/telegram/user/status/{user_id}", kRead, bind(&UserApi::Status));
  router.Add("POST", "/telegram/user/disconnect", kManage, bind(&UserApi::Disconnect));
}

}  // namespace

void RegisterUserApi(api::Router& router, service::Services& services) {
  UserApi::Register(router, std::make_shared<UserApi>(services));
}

}  // namespace tgmux::compat
