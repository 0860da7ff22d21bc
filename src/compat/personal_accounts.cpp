// personal-accounts (docs/compat.md): a CRM's personal Telegram accounts,
// linked by QR code from a web page. `client_id` is the tenant; `project_id`
// the account's label of that name.
#include "api/views.h"
#include "compat/compat_common.h"

namespace tgmux::compat {
namespace {

using store::AccountStatus;

constexpr const char* kBase = "/api/personal-telegram-accounts";

// The document's account statuses: pending, active, error.
std::string_view StatusOf(AccountStatus status) {
  switch (status) {
    case AccountStatus::kActive:
    case AccountStatus::kConnecting:
    case AccountStatus::kFloodWait:
    case AccountStatus::kLimited:
      return "active";
    case AccountStatus::kError:
    case AccountStatus::kRevoked:
    case AccountStatus::kBanned:
    case AccountStatus::kDisabled:
      return "error";
  }
  return "error";
}

// The document's login statuses; a QR not read yet is `ready`, then `pending`.
std::string_view LoginStatusOf(LoginState state, bool read_before) {
  switch (state) {
    case LoginState::kStarting:
    case LoginState::kQrPending:
      return read_before ? "pending" : "ready";
    case LoginState::kPasswordNeeded:
      return "password_required";
    case LoginState::kDone:
      return "completed";
    case LoginState::kExpired:
      return "expired";
    case LoginState::kCodeSent:
    case LoginState::kRegistrationNeeded:
    case LoginState::kFailed:
    case LoginState::kCancelled:
      return "error";
  }
  return "error";
}

nlohmann::json Nullable(const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text); }

nlohmann::json AccountJson(const store::Account& a) {
  std::string last_error = a.last_error;
  if (last_error.empty() && a.status == AccountStatus::kDisabled) last_error = "the account is disabled";
  return {
      {"id", a.id},
      {"client_id", a.tenant_id},
      {"project_id", Nullable(a.project_id)},
      {"display_name", a.display_name},
      {"username", Nullable(a.username)},
      {"phone", Nullable(a.phone_masked)},
      {"telegram_user_id", a.telegram_user_id},
      {"status", std::string(StatusOf(a.status))},
      {"accepts_private", a.accepts_private},
      {"accepts_groups", a.accepts_groups},
      {"accepts_channels", a.accepts_channels},
      {"last_connected_at", api::Timestamp(a.last_connected_at)},
      {"last_error", Nullable(last_error)},
  };
}

class PersonalAccounts {
 public:
  explicit PersonalAccounts(service::Services& s) : s_(s) {}

  // The handlers share the surface; it lives as long as the router keeps them.
  static void Register(api::Router& router, std::shared_ptr<PersonalAccounts> self);

 private:
  // The login's answer; once done, its account carries the project given at start.
  nlohmann::json LoginJson(const service::LoginView& login, bool read_before) {
    nlohmann::json out = {
        {"login_id", login.id},
        {"status", std::string(LoginStatusOf(login.state, read_before))},
        {"qr_url", Nullable(login.qr_link)},
        {"expires_at", api::Timestamp(login.expires_at)},
    };
    if (!login.password_hint.empty()) out["password_hint"] = login.password_hint;
    if (login.state == LoginState::kDone && login.account) out["account"] = AccountJson(book_.Apply(s_, login));
    if (login.error) {
      out["error"] = login.error->what();
      out["error_code"] = std::string(CodeName(login.error->code()));
    }
    return out;
  }

  void Start(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto project = api::StringField(body, "project_id", false).value_or("");
    if (project.size() > 200) InvalidField("project_id", "must be at most 200 characters");
    s_.logins_per_tenant.HitOrThrow(api::TenantOf(r), "Telegram logins started");
    s_.logins.Start(api::TenantOf(r), api::PrincipalOf(r).id, store::LoginMethod::kQr, "", std::nullopt,
                    [this, reply, project, path = r.path](telegram::Result<service::LoginView> login) {
                      if (!login.ok()) return reply.Fail(login.error(), path);
                      if (!project.empty()) book_.Label(login.value().id, {project, ""});
                      reply(Response::Json(201, LoginJson(login.value(), false)));
                    });
  }

  void Status(const Request& r, const Reply& reply) {
    auto login = s_.logins.Get(api::TenantOf(r), r.params.at("login_id"));
    bool qr_step_over = login.state != LoginState::kStarting && login.state != LoginState::kQrPending;
    bool read_before = book_.ReadBefore(login.id, qr_step_over);
    reply(api::NoStore(Response::Json(200, LoginJson(login, read_before))));
  }

  // A wrong password is password_invalid (400); the login stays password_required.
  void Password(const Request& r, const Reply& reply) {
    auto password = *api::StringField(r.JsonBody(), "password", true);
    s_.logins.SubmitPassword(api::TenantOf(r), r.params.at("login_id"), password,
                             [this, reply, path = r.path](telegram::Result<service::LoginView> login) {
                               if (!login.ok()) return reply.Fail(login.error(), path);
                               try {
                                 reply(Response::Json(200, LoginJson(login.value(), true)));
                               } catch (const Error& e) {
                                 reply.Fail(e, path);
                               }
                             });
  }

  void List(const Request& r, const Reply& reply) {
    auto project = r.query.find("project_id");
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : s_.accounts.List(api::TenantOf(r))) {
      if (project != r.query.end() && a.project_id != project->second) continue;
      items.push_back(AccountJson(a));
    }
    reply(Response::Json(200, items));
  }

  void Patch(const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    service::AccountPatch patch;
    patch.display_name = api::StringField(body, "display_name", false);
    patch.accepts_private = api::BoolField(body, "accepts_private");
    patch.accepts_groups = api::BoolField(body, "accepts_groups");
    patch.accepts_channels = api::BoolField(body, "accepts_channels");
    reply(Response::Json(200, AccountJson(s_.accounts.Update(api::TenantOf(r), r.params.at("id"), patch))));
  }

  void Delete(const Request& r, const Reply& reply) {
    s_.accounts.Unlink(api::TenantOf(r), r.params.at("id"), api::PrincipalOf(r).id,
                       [reply, path = r.path](telegram::Status status) {
                         if (!status.ok()) return reply.Fail(status.error(), path);
                         reply(Response::NoContent());
                       });
  }

  service::Services& s_;
  LoginBook book_;
};

void PersonalAccounts::Register(api::Router& router, std::shared_ptr<PersonalAccounts> self) {
  std::string base = kBase;
  auto bind = [self](void (PersonalAccounts::*method)(const Request&, const Reply&)) {
    return [self, method](const Request& r, const Reply& reply) { ((*self).*method)(r, reply); };
  };
  router.Add("GET", base, kRead, bind(&PersonalAccounts::List));
  router.Add("POST", base + "/login", kManage, bind(&PersonalAccounts::Start));
  router.Add("GET", base + "/login/{login_id}", kRead, bind(&PersonalAccounts::Status));
  router.Add("POST", base + "/login/{login_id}/password", kManage, bind(&PersonalAccounts::Password));
  router.Add("PATCH", base + "/{id}", kManage, bind(&PersonalAccounts::Patch));
  router.Add("DELETE", base + "/{id}", kManage, bind(&PersonalAccounts::Delete));
}

}  // namespace

void RegisterPersonalAccounts(api::Router& router, service::Services& services) {
  PersonalAccounts::Register(router, std::make_shared<PersonalAccounts>(services));
}

}  // namespace tgmux::compat
