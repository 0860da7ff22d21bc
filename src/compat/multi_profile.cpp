// multi-profile (docs/compat.md): app users with email and password, each
// holding several Telegram profiles (the tenant's accounts), addressed by
// phone number through the phone lookup.
#include "api/browser_session.h"
#include "api/hashing.h"
#include "api/message_json.h"
#include "api/views.h"
#include "compat/compat_common.h"

namespace tgmux::compat {
namespace {

nlohmann::json TokensJson(const service::Tokens& t) {
  return {{"access_token", t.access_token}, {"refresh_token", t.refresh_token}, {"token_type", "Bearer"},
          {"expires_in", t.expires_in},     {"user", api::UserJson(t.user)}};
}

nlohmann::json ProfileJson(const store::Account& a) {
  return {{"id", a.id},
          {"phone", a.phone_masked},
          {"status", std::string(store::AccountStatusName(a.status))},
          {"telegram_user_id", a.telegram_user_id},
          {"username", a.username.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.username)},
          {"display_name", a.display_name},
          {"last_error", a.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.last_error)}};
}

class MultiProfile {
 public:
  explicit MultiProfile(service::Services& s) : s_(s) {}

  static void Register(api::Router& router, std::shared_ptr<MultiProfile> self);

 private:
  // The profile's key in the book: tenant and the number's digest, so that
  // every way of typing it names the same login.
  std::string Key(const Request& r, const std::string& phone) {
    auto digest = s_.accounts.phone_digests().OfTyped(phone);
    if (!digest) throw Error(ErrorCode::kInvalidPhone, "phone must be an international number such as +15550001122");
    return api::TenantOf(r) + "\n" + *digest;
  }

  // The linked profile of the number; not_found when the app user has none.
  store::Account ProfileOf(const Request& r, const std::string& phone) {
    for (const auto& a : s_.accounts.FindByPhone(api::TenantOf(r), phone)) {
      if (!service::AccountService::SessionGone(a.status)) return a;
    }
    throw Error(ErrorCode::kNotFound, "no linked profile with this phone; link it with /profiles/start");
  }

  // The phone of a body (POST) or of the query (GET /messages/unread).
  static std::string PhoneOf(const Request& r) {
    if (r.method == "GET") {
      auto it = r.query.find("phone");
      if (it == r.query.end() || it->second.empty()) InvalidField("phone", "is required (?phone=+15550001122)");
      return it->second;
    }
    return *api::StringField(r.JsonBody(), "phone", true);
  }

  // A login step's answer: {phone, status, code_sent?, profile?}.
  service::LoginService::Callback StepAnswer(const Reply& reply, const std::string& path) {
    return [this, reply, path](telegram::Result<service::LoginView> result) {
      if (!result.ok()) return reply.Fail(result.error(), path);
      const auto& login = result.value();
      nlohmann::json out = {{"phone", login.phone_masked}, {"status", std::string(LoginStateName(login.state))}};
      if (login.state == LoginState::kCodeSent) out["code_sent"] = true;
      if (login.state == LoginState::kPasswordNeeded) out["password_hint"] = login.password_hint;
      try {
        if (login.state == LoginState::kDone && login.account) {
          auto account = book_.Apply(s_, login);
          out["status"] = std::string(store::AccountStatusName(account.status));
          out["profile"] = ProfileJson(account);
        }
        reply(Response::Json(200, out));
      } catch (const Error& e) {
        reply.Fail(e, path);
      }
    };
  }

  void Start(const Request& r, const Reply& reply) {
    auto phone = *api::StringField(r.JsonBody(), "phone", true);
    auto key = Key(r, phone);
    for (const auto& a : s_.accounts.FindByPhone(api::TenantOf(r), phone)) {
      if (service::AccountService::SessionGone(a.status)) continue;
      return reply(Response::Json(200, {{"phone", a.phone_masked},
                                        {"status", std::string(store::AccountStatusName(a.status))},
                                        {"code_sent", false},
                                        {"profile", ProfileJson(a)}}));
    }
    s_.logins_per_tenant.HitOrThrow(api::TenantOf(r), "Telegram logins started");
    auto answer = StepAnswer(reply, r.path);
    s_.logins.Start(api::TenantOf(r), api::PrincipalOf(r).id, store::LoginMethod::kPhone, phone, std::nullopt,
                    [this, key, answer](telegram::Result<service::LoginView> login) {
                      if (login.ok()) book_.Follow(key, login.value().id);
                      answer(std::move(login));
                    });
  }

  std::string LoginOf(const Request& r, const std::string& phone) {
    auto id = book_.Find(Key(r, phone));
    if (id.empty()) throw Error(ErrorCode::kNotFound, "no profile linking under way for this phone; call /profiles/start");
    return id;
  }

  void Code(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto login = LoginOf(r, *api::StringField(body, "phone", true));
    s_.logins.SubmitCode(api::TenantOf(r), login, *api::StringField(body, "code", true), StepAnswer(reply, r.path));
  }

  void Password(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto login = LoginOf(r, *api::StringField(body, "phone", true));
    s_.logins.SubmitPassword(api::TenantOf(r), login, *api::StringField(body, "password", true),
                             StepAnswer(reply, r.path));
  }

  void Profiles(const Request& r, const Reply& reply) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : s_.accounts.List(api::TenantOf(r))) items.push_back(ProfileJson(a));
    reply(Response::Json(200, items));
  }

  void Unread(const Request& r, const Reply& reply) {
    auto account = ProfileOf(r, PhoneOf(r));
    service::ChatListQuery query;
    query.limit = service::MessageService::kMaxPage;
    s_.messages.Unread(api::TenantOf(r), account.id, query,
                       [reply, phone = account.phone_masked, path = r.path](telegram::Result<service::UnreadPage> page) {
                         if (!page.ok()) return reply.Fail(page.error(), path);
                         nlohmann::json chats = nlohmann::json::array();
                         for (const auto& unread : page.value().chats) {
                           auto chat = api::ChatJson(unread.chat);
                           chat["messages"] = nlohmann::json::array();
                           for (const auto& m : unread.messages) chat["messages"].push_back(api::MessageJson(m));
                           chats.push_back(std::move(chat));
                         }
                         reply(Response::Json(200, {{"phone", phone}, {"chats", chats}}));
                       });
  }

  void Dialogs(const Request& r, const Reply& reply) {
    auto account = ProfileOf(r, PhoneOf(r));
    service::ChatListQuery query;
    query.limit = service::MessageService::kMaxPage;
    s_.messages.ListChats(api::TenantOf(r), account.id, query,
                          [reply, phone = account.phone_masked, path = r.path](telegram::Result<service::ChatPage> page) {
                            if (!page.ok()) return reply.Fail(page.error(), path);
                            nlohmann::json dialogs = nlohmann::json::array();
                            for (const auto& chat : page.value().chats) dialogs.push_back(api::ChatJson(chat));
                            reply(Response::Json(200, {{"phone", phone}, {"dialogs", dialogs}}));
                          });
  }

  void Send(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto account = ProfileOf(r, *api::StringField(body, "phone", true));
    service::SendRequest send;
    send.to = Recipient(body, "tg_receiver");
    send.text = *api::StringField(body, "text", true);
    send.idempotency_key = api::IdempotencyKey(r);
    SendAndWait(s_, api::TenantOf(r), account.id, std::move(send), kSendWait,
                [reply, path = r.path](telegram::Result<store::OutboxEntry> entry) {
                  if (!entry.ok()) return reply.Fail(entry.error(), path);
                  reply(Response::Json(200, {{"status", "sent"},
                                             {"message_id", entry.value().message_id},
                                             {"chat_id", entry.value().chat_id},
                                             {"date", api::Timestamp(entry.value().message_date)}}));
                });
  }

  void Me(const Request& r, const Reply& reply) {
    const auto& p = api::PrincipalOf(r);
    nlohmann::json me = {{"id", p.id}, {"kind", p.KindName()}, {"tenant_id", p.tenant_id},
                         {"role", service::RoleName(p.role)}};
    if (p.kind == service::Principal::Kind::kUser && p.id != "anonymous") me["email"] = s_.auth.User(p).email;
    me["profiles"] = s_.accounts.List(p.tenant_id).size();
    reply(Response::Json(200, me));
  }

  service::Services& s_;
  LoginBook book_;
};


void RegisterAuth(api::Router& router, service::Services& s) {
  router.Add("POST", "/auth/register", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto email = *api::StringField(body, "email", true);
    auto password = *api::StringField(body, "password", true);
    auto proof = api::FirstOwnerProofOf(r, "");
    api::OnHashingPool(s.hashing, r, reply, [&s, email, password, ip = r.remote_ip, proof] {
      return api::NoStore(Response::Json(201, TokensJson(s.auth.Register(email, password, "", ip, proof))));
    });
  });
  router.Add("POST", "/auth/login", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto email = *api::StringField(body, "email", true);
    auto password = *api::StringField(body, "password", true);
    api::OnHashingPool(s.hashing, r, reply, [&s, email, password, ip = r.remote_ip] {
      return api::NoStore(Response::Json(200, TokensJson(s.auth.SignIn(email, password, ip))));
    });
  });
  router.Add("POST", "/refresh", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto token = *api::StringField(r.JsonBody(), "refresh_token", true);
    reply(api::NoStore(Response::Json(200, TokensJson(s.auth.Refresh(token, r.remote_ip)))));
  });
  router.Add("POST", "/logout", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto token = api::StringField(r.JsonBody(), "refresh_token", false).value_or("");
    s.auth.Logout(token, OptionalPrincipal(s.auth, r), r.remote_ip);
    reply(Response::NoContent());
  });
  router.Add("GET", "/health", Access::Public(), [&s](const Request&, const Reply& reply) {
    reply(Response::Json(200, {{"status", "ok"},
                               {"version", TGMUX_VERSION},
                               {"telegram_configured", s.infra.config().telegram.Configured()}}));
  });
}

void MultiProfile::Register(api::Router& router, std::shared_ptr<MultiProfile> self) {
  auto bind = [self](void (MultiProfile::*method)(const Request&, const Reply&)) {
    return [self, method](const Request& r, const Reply& reply) { ((*self).*method)(r, reply); };
  };
  RegisterAuth(router, self->s_);
  router.Add("GET", "/profiles", kRead, bind(&MultiProfile::Profiles));
  router.Add("POST", "/profiles/start", kManage, bind(&MultiProfile::Start));
  router.Add("POST", "/profiles/code", kManage, bind(&MultiProfile::Code));
  router.Add("POST", "/profiles/password", kManage, bind(&MultiProfile::Password));
  router.Add("GET", "/messages/unread", kRead, bind(&MultiProfile::Unread));
  router.Add("POST", "/messages/unread", kRead, bind(&MultiProfile::Unread));
  router.Add("POST", "/messages/send", kRead, bind(&MultiProfile::Send));
  router.Add("POST", "/messages/dialogs", kRead, bind(&MultiProfile::Dialogs));
  router.Add("GET", "/utils/me", kRead, bind(&MultiProfile::Me));
}

}  // namespace

void RegisterMultiProfile(api::Router& router, service::Services& services) {
  MultiProfile::Register(router, std::make_shared<MultiProfile>(services));
}

}  // namespace tgmux::compat
