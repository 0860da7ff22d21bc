#include "sim/control/control_api.h"

#include <functional>
#include <vector>

#include "sim/control/control_util.h"

namespace tgsim {
namespace {

using Handler = std::function<ControlResponse(World&, ControlRequest&)>;

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // "{}" matches one segment
  Handler handler;
};

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"GET", {"healthz"}, [](World&, ControlRequest&) { return Reply(200, {{"ok", true}}); }},
      {"POST", {"users"}, CreateUserRoute},
      {"POST", {"bots"}, CreateBotRoute},
      {"GET", {"users", "{}", "code"}, GetCodeRoute},
      {"POST", {"users", "{}", "expire-code"}, ExpireCodeRoute},
      {"GET", {"users", "{}", "sessions"}, SessionsRoute},
      {"GET", {"sessions", "duplicates"}, DuplicateSessionsRoute},
      {"POST", {"users", "{}", "revoke"}, RevokeRoute},
      {"POST", {"users", "{}", "ban"}, BanRoute},
      {"POST", {"users", "{}", "delete-account"}, DeleteAccountRoute},
      {"POST", {"users", "{}", "send-limit"}, SendLimitRoute},
      {"POST", {"qr", "confirm"}, ConfirmQrRoute},
      {"POST", {"messages"}, SendMessageRoute},
      {"GET", {"users", "{}", "messages"}, ListMessagesRoute},
      {"POST", {"users", "{}", "read"}, ReadRoute},
      {"POST", {"users", "{}", "edit"}, EditOwnMessageRoute},
      {"POST", {"users", "{}", "delete"}, DeleteOwnMessagesRoute},
      {"POST", {"groups"}, CreateGroupRoute},
      {"POST", {"channels"}, CreateChannelRoute},
      {"POST", {"channels", "{}", "posts"}, ChannelPostRoute},
      {"POST", {"users", "{}", "privacy"}, PrivacyRoute},
      {"POST", {"users", "{}", "peer-flood"}, PeerFloodRoute},
      {"POST", {"groups", "{}", "invite-link"}, InviteLinkRoute},
      {"POST", {"groups", "{}", "admins"}, GroupAdminRoute},
      {"POST", {"groups", "{}", "reactions"}, GroupReactionsRoute},
      {"GET", {"groups", "{}", "topics"}, GroupTopicsRoute},
      {"GET", {"groups", "{}", "messages"}, GroupMessagesRoute},
      {"POST", {"faults"}, FaultRoute},
      {"POST", {"network"}, NetworkRoute},
      {"GET", {"files", "{}"}, GetFileRoute},
      {"POST", {"proxies"}, ProxyRoute},
      {"POST", {"bots", "{}", "messages"}, BotMessageRoute},
      {"POST", {"bots", "{}", "press"}, BotPressRoute},
      {"GET", {"bots", "{}", "callback-queries", "{}"}, CallbackAnswerRoute},
      {"GET", {"bots", "{}", "chat"}, BotChatRoute},
      {"GET", {"bots", "{}", "commands"}, BotCommandsRoute},
      {"POST", {"bots", "{}", "revoke"}, BotRevokeRoute},
      {"POST", {"limits"}, LimitsRoute},
  };
  return routes;
}

bool Matches(const Route& route, const std::vector<std::string>& segments,
             std::vector<std::string>& params) {
  if (route.pattern.size() != segments.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (route.pattern[i] == "{}") params.push_back(segments[i]);
    else if (route.pattern[i] != segments[i]) return false;
  }
  return true;
}

}  // namespace

ControlResponse HandleControl(World& world, std::string_view method, std::string_view target,
                              std::string_view body) {
  ControlRequest request;
  std::string_view path = target.substr(0, target.find('?'));
  if (target.find('?') != std::string_view::npos) request.query = ParseQuery(target.substr(target.find('?') + 1));
  if (path.substr(0, 9) != "/control/") return Reply(404, {{"error", "not found"}});
  std::vector<std::string> segments = SplitPath(path.substr(9));
  bool path_known = false;
  for (const auto& route : Routes()) {
    if (!Matches(route, segments, request.params)) continue;
    path_known = true;
    if (route.method != method) continue;
    request.body = Json::parse(body.empty() ? std::string_view("{}") : body, nullptr, false);
    if (request.body.is_discarded() || !request.body.is_object()) {
      return Reply(400, {{"error", "the body must be a JSON object"}});
    }
    try {
      return route.handler(world, request);
    } catch (const ControlError& e) {
      return Reply(e.status, {{"error", e.what()}});
    } catch (const Json::exception& e) {
      return Reply(400, {{"error", std::string("bad field type: ") + e.what()}});
    }
  }
  return Reply(path_known ? 405 : 404, {{"error", path_known ? "method not allowed" : "not found"}});
}

}  // namespace tgsim
