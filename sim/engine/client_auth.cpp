// setTdlibParameters and the phone, password, registration and bot-token logins
// (tdlib-facts §4, §5.2, §5.3, §5.6).
#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/startup.h"
#include "sim/tdapi/sync_methods.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

Json CodeType(std::string_view type) {
  Json out = Obj(type);
  out["length"] = 5;
  return out;
}

bool ValidPhone(const std::string& digits) { return digits.size() >= 7 && digits.size() <= 15; }

}  // namespace

std::optional<std::string> ClientSession::ValidateParameters(const Json& object) const {
  for (const char* field : {"database_directory", "files_directory", "api_hash",
                            "system_language_code", "device_model", "system_version",
                            "application_version"}) {
    if (!IsValidUtf8(GetString(object, field))) return "Strings must be encoded in UTF-8";
  }
  if (GetInt(object, "api_id") <= 0) {
    return "Valid api_id must be provided. Can be obtained at https://my.telegram.org";
  }
  if (GetString(object, "api_hash").empty()) {
    return "Valid api_hash must be provided. Can be obtained at https://my.telegram.org";
  }
  if (GetString(object, "system_language_code").empty()) return "System language code must be non-empty";
  if (GetString(object, "device_model").empty()) return "Device model must be non-empty";
  if (GetString(object, "application_version").empty()) return "Application version must be non-empty";
  return std::nullopt;
}

void ClientSession::HandleSetTdlibParameters(Request& request) {
  if (state_ != AuthState::kWaitParameters) return RespondError(request, 400, "Unexpected setTdlibParameters");
  if (auto error = ValidateParameters(request.object)) return RespondError(request, 400, *error);
  const Json& db = request.object["@db"];
  if (db.is_object() && db.contains("error")) {
    // The library could not open the directory (wrong key, bad path): stay retryable.
    return RespondError(request, db["error"].value("code", 400),
                        db["error"].value("message", std::string("Database error")));
  }
  api_id_ = GetInt(request.object, "api_id");
  api_hash_ = GetString(request.object, "api_hash");
  device_model_ = GetString(request.object, "device_model");
  application_version_ = GetString(request.object, "application_version");
  SetDirectories(request.object, db);
  if (api_id_ != 21724) application_version_ += ", TDLib " + std::string(kTdlibVersion);
  FinishInit(request, db);
}

// Files go to files_directory, or the database directory when it is empty (TdDb.cpp);
// relative paths are the library process's, which it reports as `cwd`.
void ClientSession::SetDirectories(const Json& parameters, const Json& db) {
  cwd_ = db.is_object() ? db.value("cwd", std::string()) : std::string();
  std::string dir = GetString(parameters, "files_directory");
  if (dir.empty()) dir = GetString(parameters, "database_directory");
  if (dir.empty() || dir[0] != '/') dir = cwd_ + (dir.empty() ? "" : "/" + dir);
  files_directory_ = dir;
}

void ClientSession::FinishInit(Request& request, const Json& db) {
  LibraryOp({{"op", "db_bind"}});
  Json unix_time = Obj("updateOption");
  unix_time["name"] = "unix_time";
  unix_time["value"] = OptionInteger(world_.scheduler().Now());
  Emit(unix_time);
  for (const auto& option : StartupOptions()) {
    options_[option["name"].get<std::string>()] = option["value"];
    Emit(option);
  }
  options_["version"] = OptionString(kTdlibVersion);
  options_["commit_hash"] = OptionString(kTdlibCommitHash);
  const Json session_data = db.is_object() ? db.value("session", Json()) : Json();
  const Session* session = nullptr;
  if (session_data.is_object() && session_data.value("auth", "") == "ok") {
    session = world_.cloud().FindSession(session_data.value("session_id", std::int64_t{0}),
                                         session_data.value("secret", std::string()));
  }
  state_ = AuthState::kWaitPhone;  // the queued requests below see an initialised client
  auto queued = std::move(queued_until_init_);
  for (const auto& raw : queued) OnRequest(raw, Json());
  bool had_session = session_data.is_object() && session_data.value("auth", "") == "ok";
  bool restored_login = !had_session && session_data.is_object() && RestoreLoginState(session_data);
  if (restored_login) {
    // The saved intermediate state (WaitCode, WaitPassword, WaitRegistration) is back.
  } else if (session != nullptr) {
    BecomeReady(*world_.cloud().FindUser(session->user_id), *session, nullptr);
  } else if (had_session) {
    // A session revoked while this client was away: TDLib restores Ready from its
    // binlog, then the server's AUTH_KEY_UNREGISTERED logs it out (below).
    SetState(AuthState::kReady, AuthorizationState("authorizationStateReady"));
  } else {
    SetState(AuthState::kWaitPhone, AuthorizationState("authorizationStateWaitPhoneNumber"));
  }
  for (const auto& update : StartupTrailer()) {
    if (update["@type"] == "ok") Respond(request, update); else Emit(update);
  }
  OnNetworkChanged(false);  // TDLib starts in connectionStateConnecting
  if (world_.network_up()) OnNetworkChanged(true);
  if (had_session && session == nullptr) OnAuthorizationLost();
}

void ClientSession::HandleSetPhoneNumber(Request& request) {
  if (bot_token_entered_) {
    return RespondError(request, 400, "Cannot set phone number after bot token was entered. You must log out first");
  }
  bool allowed = state_ == AuthState::kWaitPhone || state_ == AuthState::kWaitCode ||
                 state_ == AuthState::kWaitPassword || state_ == AuthState::kWaitRegistration;
  if (!allowed) return RespondError(request, 400, "Call to setAuthenticationPhoneNumber unexpected");
  std::string phone = GetString(request.object, "phone_number");
  if (phone.empty()) return RespondError(request, 400, "Phone number must be non-empty");
  StartAuthQuery(request);
  phone_ = phone;
  phone_digits_ = PhoneDigits(phone);
  CallServer(request, [this](Request& r) { SendCode(r, false); });
}

void ClientSession::SendCode(Request& request, bool resend) {
  if (!ValidPhone(phone_digits_)) return RespondError(request, 400, "PHONE_NUMBER_INVALID");
  const User* user = world_.cloud().FindByPhone(phone_digits_);
  if (user != nullptr && user->banned) return RespondError(request, 400, "PHONE_NUMBER_BANNED");
  world_.cloud().IssueCode(phone_digits_);
  code_resent_ = resend;
  Json info = Obj("authenticationCodeInfo");
  info["phone_number"] = phone_;
  info["type"] = CodeType(resend ? "authenticationCodeTypeSms" : "authenticationCodeTypeTelegramMessage");
  if (!resend) info["next_type"] = CodeType("authenticationCodeTypeSms");
  info["timeout"] = resend ? 0 : 60;
  Json state = Obj("authorizationStateWaitCode");
  state["code_info"] = info;
  SetState(AuthState::kWaitCode, state);
  FinishAuthQuery(request);
  Respond(request, Obj("ok"));
}

void ClientSession::HandleResendCode(Request& request) {
  if (state_ != AuthState::kWaitCode) return RespondError(request, 400, "Call to resendAuthenticationCode unexpected");
  if (code_resent_) return RespondError(request, 400, "Authentication code can't be resend");
  StartAuthQuery(request);
  CallServer(request, [this](Request& r) { SendCode(r, true); });
}

void ClientSession::HandleCheckCode(Request& request) {
  if (state_ != AuthState::kWaitCode) return RespondError(request, 400, "Call to checkAuthenticationCode unexpected");
  std::string code = GetString(request.object, "code");
  StartAuthQuery(request);
  CallServer(request, [this, code](Request& r) {
    FinishAuthQuery(r);
    const LoginCode* issued = world_.cloud().FindCode(phone_digits_);
    if (code.empty()) return RespondError(r, 400, "PHONE_CODE_EMPTY");
    if (issued == nullptr || issued->code != code) return RespondError(r, 400, "PHONE_CODE_INVALID");
    if (issued->expired) return RespondError(r, 400, "PHONE_CODE_EXPIRED");
    const User* user = world_.cloud().FindByPhone(phone_digits_);
    if (user == nullptr) {
      Json terms = Obj("termsOfService");
      terms["text"] = FormattedText("By signing up for Telegram, you accept the Terms of Service.");
      terms["min_user_age"] = 0;
      terms["show_popup"] = false;
      Json state = Obj("authorizationStateWaitRegistration");
      state["terms_of_service"] = terms;
      SetState(AuthState::kWaitRegistration, state);
      return Respond(r, Obj("ok"));
    }
    AfterFirstFactor(*user, &r);
  });
}

void ClientSession::AfterFirstFactor(const User& user, Request* request) {
  if (!user.password.empty()) {
    pending_user_id_ = user.id;
    Json state = Obj("authorizationStateWaitPassword");
    state["password_hint"] = user.password_hint;
    state["has_recovery_email_address"] = false;
    state["has_passport_data"] = false;
    state["recovery_email_address_pattern"] = "";
    SetState(AuthState::kWaitPassword, state);
    if (request != nullptr) Respond(*request, Obj("ok"));
    return;
  }
  Session& session = world_.cloud().CreateSession(user.id, device_model_, application_version_);
  BecomeReady(user, session, request);
}

void ClientSession::HandleCheckPassword(Request& request) {
  if (state_ != AuthState::kWaitPassword) return RespondError(request, 400, "Call to checkAuthenticationPassword unexpected");
  std::string password = GetString(request.object, "password");
  StartAuthQuery(request);
  CallServer(request, [this, password](Request& r) {
    FinishAuthQuery(r);
    const User* user = world_.cloud().FindUser(pending_user_id_);
    if (user == nullptr || user->password != password) return RespondError(r, 400, "PASSWORD_HASH_INVALID");
    Session& session = world_.cloud().CreateSession(user->id, device_model_, application_version_);
    BecomeReady(*user, session, &r);
  });
}

void ClientSession::HandleRegisterUser(Request& request) {
  if (state_ != AuthState::kWaitRegistration) return RespondError(request, 400, "Call to registerUser unexpected");
  std::string first_name = GetString(request.object, "first_name");
  if (first_name.find_first_not_of(" \t\n") == std::string::npos) {
    return RespondError(request, 400, "First name must be non-empty");
  }
  User user;
  user.phone = phone_digits_;
  user.first_name = first_name.substr(0, 64);
  user.last_name = GetString(request.object, "last_name").substr(0, 64);
  StartAuthQuery(request);
  CallServer(request, [this, user](Request& r) {
    auto id = world_.cloud().CreateUser(user);
    if (!id) return RespondError(r, 400, "PHONE_NUMBER_OCCUPIED");
    AfterFirstFactor(*world_.cloud().FindUser(*id), &r);
  });
}

void ClientSession::HandleBotToken(Request& request) {
  if (state_ != AuthState::kWaitPhone) return RespondError(request, 400, "Call to checkAuthenticationBotToken unexpected");
  if (!phone_.empty() || !qr_token_.empty()) {
    return RespondError(request, 400, "Cannot set bot token after authentication began. You must log out first");
  }
  std::string token = GetString(request.object, "token");
  bot_token_entered_ = true;
  StartAuthQuery(request);
  CallServer(request, [this, token](Request& r) {
    FinishAuthQuery(r);
    const User* bot = world_.cloud().FindByBotToken(token);
    if (bot == nullptr) return RespondError(r, 400, "ACCESS_TOKEN_INVALID");
    Session& session = world_.cloud().CreateSession(bot->id, device_model_, application_version_);
    BecomeReady(*bot, session, &r);
  });
}

}  // namespace tgsim
