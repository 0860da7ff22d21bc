#pragma once
// Shared pieces of the control API routes.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/control/control_api.h"

namespace tgsim {

struct ControlRequest {
  std::vector<std::string> params;  // the {} segments, percent-decoded
  std::map<std::string, std::string> query;
  Json body;
};

// Thrown by routes; becomes {"error": message} with the status.
struct ControlError : std::runtime_error {
  ControlError(int status_code, const std::string& message)
      : std::runtime_error(message), status(status_code) {}
  int status;
};

ControlResponse Reply(int status, const Json& body);
ControlResponse NoContent();
std::vector<std::string> SplitPath(std::string_view path);
std::map<std::string, std::string> ParseQuery(std::string_view query);
std::string PercentDecode(std::string_view text);

const User& UserByPhone(World& world, const std::string& phone);  // 404 when unknown
std::string RequiredString(const Json& body, const char* field);   // 400 when missing
// A person named by phone or "@username" (bots have no phone); 404 when unknown.
const User& UserByName(World& world, const Json& name);
// A group or channel named by chat id (number or numeric string) or "@username"; 0: none.
std::int64_t GroupByName(World& world, const std::string& name);
// A peer named by phone ("+380…") or chat id, as `viewer` sees it.
std::int64_t ResolveChat(World& world, std::int64_t viewer, const Json& peer);

ControlResponse CreateUserRoute(World&, ControlRequest&);
ControlResponse CreateBotRoute(World&, ControlRequest&);
ControlResponse GetCodeRoute(World&, ControlRequest&);
ControlResponse ExpireCodeRoute(World&, ControlRequest&);
ControlResponse SessionsRoute(World&, ControlRequest&);
ControlResponse DuplicateSessionsRoute(World&, ControlRequest&);
ControlResponse RevokeRoute(World&, ControlRequest&);
ControlResponse BanRoute(World&, ControlRequest&);
ControlResponse DeleteAccountRoute(World&, ControlRequest&);
ControlResponse SendLimitRoute(World&, ControlRequest&);
ControlResponse ConfirmQrRoute(World&, ControlRequest&);
ControlResponse SendMessageRoute(World&, ControlRequest&);
ControlResponse ListMessagesRoute(World&, ControlRequest&);
ControlResponse ReadRoute(World&, ControlRequest&);
ControlResponse EditOwnMessageRoute(World&, ControlRequest&);
ControlResponse DeleteOwnMessagesRoute(World&, ControlRequest&);
ControlResponse CreateGroupRoute(World&, ControlRequest&);          // control_groups.cpp
ControlResponse GroupAdminRoute(World&, ControlRequest&);
ControlResponse GroupReactionsRoute(World&, ControlRequest&);
ControlResponse GroupTopicsRoute(World&, ControlRequest&);
ControlResponse GroupMessagesRoute(World&, ControlRequest&);
ControlResponse PrivacyRoute(World&, ControlRequest&);
ControlResponse CreateChannelRoute(World&, ControlRequest&);  // control_channels.cpp
ControlResponse ChannelPostRoute(World&, ControlRequest&);
ControlResponse InviteLinkRoute(World&, ControlRequest&);
ControlResponse PeerFloodRoute(World&, ControlRequest&);     // control_accounts.cpp
ControlResponse FaultRoute(World&, ControlRequest&);
ControlResponse NetworkRoute(World&, ControlRequest&);
ControlResponse GetFileRoute(World&, ControlRequest&);
ControlResponse ProxyRoute(World&, ControlRequest&);
ControlResponse BotMessageRoute(World&, ControlRequest&);   // control_bots.cpp
ControlResponse BotPressRoute(World&, ControlRequest&);
ControlResponse CallbackAnswerRoute(World&, ControlRequest&);
ControlResponse BotChatRoute(World&, ControlRequest&);
ControlResponse BotCommandsRoute(World&, ControlRequest&);
ControlResponse BotRevokeRoute(World&, ControlRequest&);
ControlResponse LimitsRoute(World&, ControlRequest&);
// topic_id and as_chat of a control message into a group (control_groups.cpp): 400 for a
// topic outside a forum or unknown, 403 TOPIC_CLOSED / CHAT_ADMIN_REQUIRED as the server.
MessageMedia GroupPostExtras(World& world, std::int64_t sender, std::int64_t chat_id, const Json& body);
// The media of a control message: one item or an album (control_media.cpp).
std::vector<MessageMedia> MediaFromBody(World& world, std::int64_t sender, const Json& media);
Json MediaSummary(const Cloud& cloud, const MediaInfo& media);

}  // namespace tgsim
