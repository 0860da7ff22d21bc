#include "telegram/td_parse.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>

#include "common/name_table.h"
#include "telegram/message_parse.h"

namespace tgmux::telegram {
namespace {

using Kind = AuthState::Kind;

struct KindInfo {
  Kind kind;
  std::string_view td_type;
  std::string_view name;
};

// The one table of authorization states: TDLib type and our name.
constexpr std::array kKinds = {
    KindInfo{Kind::kNone, "", "new"},
    KindInfo{Kind::kWaitParameters, "authorizationStateWaitTdlibParameters", "wait_parameters"},
    KindInfo{Kind::kWaitPhoneNumber, "authorizationStateWaitPhoneNumber", "wait_phone_number"},
    KindInfo{Kind::kWaitPremiumPurchase, "authorizationStateWaitPremiumPurchase", "wait_premium_purchase"},
    KindInfo{Kind::kWaitEmailAddress, "authorizationStateWaitEmailAddress", "wait_email_address"},
    KindInfo{Kind::kWaitEmailCode, "authorizationStateWaitEmailCode", "wait_email_code"},
    KindInfo{Kind::kWaitCode, "authorizationStateWaitCode", "wait_code"},
    KindInfo{Kind::kWaitOtherDeviceConfirmation, "authorizationStateWaitOtherDeviceConfirmation",
             "wait_other_device_confirmation"},
    KindInfo{Kind::kWaitRegistration, "authorizationStateWaitRegistration", "wait_registration"},
    KindInfo{Kind::kWaitPassword, "authorizationStateWaitPassword", "wait_password"},
    KindInfo{Kind::kReady, "authorizationStateReady", "ready"},
    KindInfo{Kind::kLoggingOut, "authorizationStateLoggingOut", "logging_out"},
    KindInfo{Kind::kClosing, "authorizationStateClosing", "closing"},
    KindInfo{Kind::kClosed, "authorizationStateClosed", "closed"},
    KindInfo{Kind::kUnknown, "", "unknown"},
};

// "authenticationCodeTypeTelegramMessage" -> "telegram_message".
std::string CodeTypeName(const nlohmann::json& type) {
  return SnakeSuffix(type.value("@type", ""), "authenticationCodeType");
}

CodeInfo ParseCodeInfo(const nlohmann::json& info) {
  CodeInfo code;
  if (auto type = info.find("type"); type != info.end() && type->is_object()) {
    code.type = CodeTypeName(*type);
    code.length = Int32Field(*type, "length");
  }
  if (auto next = info.find("next_type"); next != info.end() && next->is_object()) {
    code.next_type = CodeTypeName(*next);
  }
  code.timeout = Int32Field(info, "timeout");
  return code;
}

std::string StringField(const nlohmann::json& object, const char* name) {
  auto field = object.find(name);
  return field != object.end() && field->is_string() ? field->get<std::string>() : std::string();
}

}  // namespace

std::string SnakeSuffix(std::string_view td_type, std::string_view prefix) {
  std::string_view rest = td_type;
  if (rest.starts_with(prefix)) rest.remove_prefix(prefix.size());
  std::string name;
  for (char c : rest) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!name.empty()) name += '_';
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      name += c;
    }
  }
  return name;
}

std::string TdTypeFromSnake(std::string_view prefix, std::string_view snake) {
  std::string type(prefix);
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      type += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return type;
}

std::string_view KindName(Kind kind) {
  for (const auto& info : kKinds) {
    if (info.kind == kind) return info.name;
  }
  return "unknown";
}

namespace {

struct ConnectionRow {
  ConnectionState value;
  std::string_view name;
  std::string_view td_type;
};

constexpr std::array<ConnectionRow, 5> kConnectionStates{{
    {ConnectionState::kWaitingForNetwork, "waiting_for_network", "connectionStateWaitingForNetwork"},
    {ConnectionState::kConnectingToProxy, "connecting_to_proxy", "connectionStateConnectingToProxy"},
    {ConnectionState::kConnecting, "connecting", "connectionStateConnecting"},
    {ConnectionState::kUpdating, "updating", "connectionStateUpdating"},
    {ConnectionState::kReady, "ready", "connectionStateReady"},
}};

}  // namespace

std::string_view ConnectionStateName(ConnectionState state) { return NameIn(kConnectionStates, state); }

std::optional<ConnectionState> ParseConnectionState(const nlohmann::json& state) {
  std::string type = state.is_object() ? state.value("@type", "") : "";
  for (const auto& row : kConnectionStates) {
    if (row.td_type == type) return row.value;
  }
  return std::nullopt;
}

std::string_view ReasonName(ClosedReason reason) {
  switch (reason) {
    case ClosedReason::kClosed: return "closed";
    case ClosedReason::kLoggedOut: return "logged_out";
    case ClosedReason::kDestroyed: return "destroyed";
    case ClosedReason::kRevoked: return "revoked";
  }
  return "closed";
}

Kind ParseAuthKind(std::string_view type) {
  for (const auto& info : kKinds) {
    if (!info.td_type.empty() && info.td_type == type) return info.kind;
  }
  return Kind::kUnknown;
}

AuthState ParseAuthState(const nlohmann::json& state) {
  AuthState parsed;
  if (!state.is_object()) {
    parsed.kind = Kind::kUnknown;
    return parsed;
  }
  parsed.kind = ParseAuthKind(StringField(state, "@type"));
  if (auto info = state.find("code_info"); parsed.kind == Kind::kWaitCode && info != state.end() &&
                                           info->is_object()) {
    parsed.code = ParseCodeInfo(*info);
  }
  parsed.qr_link = StringField(state, "link");
  parsed.password_hint = StringField(state, "password_hint");
  parsed.has_recovery_email = state.value("has_recovery_email_address", false);
  if (auto terms = state.find("terms_of_service"); terms != state.end() && terms->is_object()) {
    parsed.terms_of_service = StringField(terms->value("text", nlohmann::json::object()), "text");
  }
  return parsed;
}

std::optional<Me> ParseMe(const nlohmann::json& user) {
  if (!user.is_object() || user.value("@type", "") != "user") return std::nullopt;
  Me me;
  me.user_id = IntField(user, "id");
  me.first_name = StringField(user, "first_name");
  me.last_name = StringField(user, "last_name");
  me.phone = StringField(user, "phone_number");
  if (auto names = user.find("usernames"); names != user.end() && names->is_object()) {
    auto active = names->value("active_usernames", nlohmann::json::array());
    if (active.is_array() && !active.empty() && active[0].is_string()) me.username = active[0];
  }
  return me;
}

}  // namespace tgmux::telegram
