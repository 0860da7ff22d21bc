// Control routes for accounts: users, bots, codes, sessions and their use from two
// places, revoke, ban, account deletion, the send limit, QR, faults, network.
#include <algorithm>

#include "sim/control/control_util.h"

namespace tgsim {

namespace {

// Privacy "who can message me": everybody (false) or contacts (true).
bool ReadWhoCanMessage(const Json& body, const char* fallback) {
  std::string value = body.value("messages", fallback);
  if (value != "everybody" && value != "contacts") {
    throw ControlError(400, "field 'messages' must be \"everybody\" or \"contacts\"");
  }
  return value == "contacts";
}

}  // namespace

ControlResponse CreateUserRoute(World& world, ControlRequest& request) {
  const Json& body = request.body;
  User user;
  user.phone = RequiredString(body, "phone");
  if (PhoneDigits(user.phone).size() < 7) throw ControlError(400, "field 'phone' is not a phone number");
  user.first_name = RequiredString(body, "first_name");
  user.last_name = body.value("last_name", "");
  user.username = body.value("username", "");
  user.id = body.value("user_id", std::int64_t{0});  // 0: the next free id
  if (user.id < 0) throw ControlError(400, "field 'user_id' must be a positive id");
  user.password = body.value("password", "");
  user.password_hint = body.value("password_hint", "");
  std::string find_by_phone = body.value("find_by_phone", "everybody");
  if (find_by_phone != "everybody" && find_by_phone != "contacts") {
    throw ControlError(400, "field 'find_by_phone' must be \"everybody\" or \"contacts\"");
  }
  user.findable_by_phone = find_by_phone == "everybody";
  user.messages_from_contacts_only = ReadWhoCanMessage(body, "everybody");
  auto id = world.cloud().CreateUser(user);
  if (!id) throw ControlError(409, "phone, username or user_id already taken");
  return Reply(201, {{"user_id", *id}});
}

ControlResponse CreateBotRoute(World& world, ControlRequest& request) {
  User bot;
  bot.is_bot = true;
  bot.username = RequiredString(request.body, "username");
  bot.first_name = RequiredString(request.body, "first_name");
  auto id = world.cloud().CreateUser(bot);
  if (!id) throw ControlError(409, "username already taken");
  return Reply(201, {{"user_id", *id}, {"token", world.cloud().FindUser(*id)->bot_token}});
}

ControlResponse GetCodeRoute(World& world, ControlRequest& request) {
  const LoginCode* code = world.cloud().FindCode(request.params[0]);
  if (code == nullptr) throw ControlError(404, "no code was sent to " + request.params[0]);
  return Reply(200, {{"code", code->code}});
}

ControlResponse ExpireCodeRoute(World& world, ControlRequest& request) {
  if (!world.cloud().ExpireCode(request.params[0])) {
    throw ControlError(404, "no code was sent to " + request.params[0]);
  }
  return NoContent();
}

ControlResponse SessionsRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  Json sessions = Json::array();
  for (const auto& session : world.cloud().SessionsOf(user.id)) {
    sessions.push_back({{"id", session.id}, {"created_at", session.created_at},
                        {"device_model", session.device_model},
                        {"application_version", session.application_version}});
  }
  return Reply(200, {{"sessions", sessions}});
}

ControlResponse DuplicateSessionsRoute(World& world, ControlRequest&) {
  Json items = Json::array();
  for (const auto& use : world.duplicate_uses()) {
    items.push_back({{"user_id", use.user_id}, {"phone", use.phone}, {"request", use.request},
                     {"at", use.at}, {"connection", use.connection}, {"client_id", use.client_id}});
  }
  return Reply(200, {{"items", items}});
}

ControlResponse RevokeRoute(World& world, ControlRequest& request) {
  world.RevokeUser(UserByPhone(world, request.params[0]).id);
  return NoContent();
}

ControlResponse BanRoute(World& world, ControlRequest& request) {
  std::int64_t user_id = UserByPhone(world, request.params[0]).id;
  const Json& visible = request.body.contains("visible_error") ? request.body["visible_error"] : Json(false);
  if (!visible.is_boolean()) throw ControlError(400, "field 'visible_error' must be true or false");
  world.BanUser(user_id, visible.get<bool>());  // USER_DEACTIVATED_BAN ends every session
  return NoContent();
}

ControlResponse DeleteAccountRoute(World& world, ControlRequest& request) {
  world.DeleteAccount(UserByPhone(world, request.params[0]).id);
  return NoContent();
}

ControlResponse SendLimitRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  auto number = [&request](const char* field) {
    const Json& value = request.body.contains(field) ? request.body[field] : Json();
    if (value.is_null()) return 0.0;
    if (!value.is_number() || value.get<double>() < 0) {
      throw ControlError(400, std::string("field '") + field + "' must be a number >= 0");
    }
    return value.get<double>();
  };
  double per_minute = number("per_minute");
  double burst = number("burst");
  // The bucket holds at least one message; without `burst` it holds a minute's worth.
  if (per_minute > 0) burst = std::max(1.0, burst > 0 ? burst : per_minute);
  world.cloud().SetSendLimit(user.id, per_minute, burst);
  return Reply(200, {{"per_minute", per_minute}, {"burst", per_minute > 0 ? burst : 0.0}});
}

ControlResponse ConfirmQrRoute(World& world, ControlRequest& request) {
  std::string link = RequiredString(request.body, "link");
  const User& user = UserByPhone(world, RequiredString(request.body, "phone"));
  const std::string prefix = "tg://login?token=";
  std::string token = link.rfind(prefix, 0) == 0 ? link.substr(prefix.size()) : link;
  if (!world.ConfirmQr(token, user.id)) throw ControlError(404, "unknown or expired QR link");
  return NoContent();
}

ControlResponse FaultRoute(World& world, ControlRequest& request) {
  const Json& body = request.body;
  Fault fault;
  fault.method = RequiredString(body, "method");
  fault.phone = body.value("phone", "");
  fault.flood_wait = body.value("flood_wait", 0);
  fault.count = body.value("count", 1);
  if (body.contains("error")) {
    if (!body["error"].is_object() || !body["error"].contains("message")) {
      throw ControlError(400, "field 'error' must be {code, message}");
    }
    fault.error = body["error"];
  } else if (fault.flood_wait <= 0) {
    throw ControlError(400, "give flood_wait (seconds) or error {code, message}");
  }
  world.AddFault(fault);
  return Reply(201, {{"ok", true}});
}

ControlResponse NetworkRoute(World& world, ControlRequest& request) {
  if (!request.body.contains("up") || !request.body["up"].is_boolean()) {
    throw ControlError(400, "field 'up' is required (boolean)");
  }
  world.SetNetwork(request.body["up"].get<bool>());
  return NoContent();
}

ControlResponse PrivacyRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  if (!request.body.contains("messages")) throw ControlError(400, "field 'messages' is required");
  bool contacts_only = ReadWhoCanMessage(request.body, "everybody");
  world.cloud().SetMessagesFromContactsOnly(user.id, contacts_only);
  world.DeliverUserChanged(user.id);  // restricts_new_chats changes for others
  return Reply(200, {{"messages", contacts_only ? "contacts" : "everybody"}});
}

ControlResponse PeerFloodRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  if (!request.body.contains("on") || !request.body["on"].is_boolean()) {
    throw ControlError(400, "field 'on' is required (true or false)");
  }
  bool on = request.body["on"].get<bool>();
  world.cloud().SetPeerFlood(user.id, on);
  return Reply(200, {{"on", on}});
}

}  // namespace tgsim
