// setCommands / getCommands / deleteCommands (BotCommand.cpp): TDLib's local checks,
// then the server's (BOT_COMMAND_INVALID for characters other than a-z, 0-9 and _).
#include <cctype>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

std::string Trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\n\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\n\r") - begin + 1);
}

std::size_t Utf8Length(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// The key of a command list: the scope's type (and chat or user) and the language.
std::optional<std::string> ScopeKey(const Json& request, std::string& error) {
  const Json& scope = GetObject(request, "scope");
  std::string key = scope.is_null() ? "botCommandScopeDefault" : TypeOf(scope);
  if (scope.contains("chat_id")) key += ":" + std::to_string(GetInt(scope, "chat_id"));
  if (scope.contains("user_id")) key += ":" + std::to_string(GetInt(scope, "user_id"));
  std::string language = GetString(request, "language_code");
  // validate_bot_language_code: empty or two lowercase Latin letters.
  bool valid = language.empty() ||
               (language.size() == 2 && std::islower(static_cast<unsigned char>(language[0])) &&
                std::islower(static_cast<unsigned char>(language[1])));
  if (!valid) {
    error = "Invalid language code specified";
    return std::nullopt;
  }
  return key + "|" + language;
}

}  // namespace

void ClientSession::HandleSetCommands(Request& request) {
  if (!is_bot_) return RespondError(request, 400, "Only bots can use the method");
  std::string error;
  std::optional<std::string> scope = ScopeKey(request.object, error);
  if (!scope) return RespondError(request, 400, error);
  Json commands = Json::array();
  const Json& in = request.object.contains("commands") && request.object["commands"].is_array()
                       ? request.object["commands"] : Json::array();
  bool server_valid = true;
  for (const auto& item : in) {
    if (!item.is_object()) return RespondError(request, 400, "Command must be non-empty");
    std::string command = GetString(item, "command"), description = GetString(item, "description");
    if (!IsValidUtf8(command)) return RespondError(request, 400, "Command must be encoded in UTF-8");
    if (!IsValidUtf8(description)) return RespondError(request, 400, "Command description must be encoded in UTF-8");
    command = Trim(command);
    if (!command.empty() && command[0] == '/') command.erase(0, 1);
    if (command.empty()) return RespondError(request, 400, "Command must be non-empty");
    if (Utf8Length(command) > 32) return RespondError(request, 400, "Command length must not exceed 32");
    description = Trim(description);
    if (description.empty()) return RespondError(request, 400, "Command description must be non-empty");
    if (Utf8Length(description) > 256) {
      return RespondError(request, 400, "Command description length must not exceed 256");
    }
    if (command.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      server_valid = false;
    }
    Json out = Obj("botCommand");
    out["command"] = command;
    out["description"] = description;
    commands.push_back(out);
  }
  CallServer(request, [this, scope, commands, server_valid](Request& r) {
    if (!server_valid) return RespondError(r, 400, "BOT_COMMAND_INVALID");
    world_.cloud().SetBotCommands(user_id_, *scope, commands);
    Respond(r, Obj("ok"));
  });
}

void ClientSession::HandleDeleteCommands(Request& request) {
  if (!is_bot_) return RespondError(request, 400, "Only bots can use the method");
  std::string error;
  std::optional<std::string> scope = ScopeKey(request.object, error);
  if (!scope) return RespondError(request, 400, error);
  CallServer(request, [this, scope](Request& r) {
    world_.cloud().SetBotCommands(user_id_, *scope, Json::array());
    Respond(r, Obj("ok"));
  });
}

void ClientSession::HandleGetCommands(Request& request) {
  if (!is_bot_) return RespondError(request, 400, "Only bots can use the method");
  std::string error;
  std::optional<std::string> scope = ScopeKey(request.object, error);
  if (!scope) return RespondError(request, 400, error);
  CallServer(request, [this, scope](Request& r) {
    Json out = Obj("botCommands");
    out["bot_user_id"] = user_id_;
    out["commands"] = world_.cloud().BotCommandsOf(user_id_, *scope);
    Respond(r, out);
  });
}

}  // namespace tgsim
