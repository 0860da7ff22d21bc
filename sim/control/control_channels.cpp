// Control routes for channels: broadcast supergroups whose owner posts and whose members
// subscribe (TDLib: chatTypeSupergroup{is_channel: true}, posts from messageSenderChat).
#include <algorithm>

#include "sim/control/control_util.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

// A channel named by chat id or "@username".
std::int64_t ChannelByName(World& world, const std::string& name) {
  std::int64_t chat_id = GroupByName(world, name);
  const Group* group = world.cloud().FindGroup(chat_id);
  if (group == nullptr || !group->is_channel) throw ControlError(404, "no channel " + name);
  return chat_id;
}

}  // namespace

ControlResponse CreateChannelRoute(World& world, ControlRequest& request) {
  const Json& body = request.body;
  Group group;
  group.kind = GroupKind::kSupergroup;
  group.is_channel = true;
  group.title = RequiredString(body, "title");
  group.username = body.value("username", "");
  if (!group.username.empty() && group.username[0] == '@') group.username.erase(0, 1);
  if (!group.username.empty() && world.cloud().FindGroupByUsername(group.username) != 0) {
    throw ControlError(409, "username already taken");
  }
  if (!body.contains("owner")) throw ControlError(400, "field 'owner' is required (phone)");
  group.owner = UserByName(world, body["owner"]).id;
  group.members.push_back(group.owner);
  const Json& subscribers = body.contains("subscribers") ? body["subscribers"] : Json::array();
  if (!subscribers.is_array()) throw ControlError(400, "field 'subscribers' is an array of phones or @usernames");
  for (const auto& subscriber : subscribers) {
    std::int64_t id = UserByName(world, subscriber).id;
    if (std::find(group.members.begin(), group.members.end(), id) == group.members.end()) {
      group.members.push_back(id);
    }
  }
  std::int64_t chat_id = world.cloud().CreateGroup(group);
  return Reply(201, {{"chat_id", chat_id}, {"invite_link", InviteLink(world.cloud().FindGroup(chat_id)->invite_hash)}});
}

ControlResponse ChannelPostRoute(World& world, ControlRequest& request) {
  std::int64_t chat_id = ChannelByName(world, request.params[0]);
  const User& author = UserByPhone(world, RequiredString(request.body, "from"));
  if (!world.cloud().CanPost(author.id, chat_id)) throw ControlError(403, "CHAT_WRITE_FORBIDDEN");
  auto copies = world.cloud().Send(author.id, chat_id, FormattedText(RequiredString(request.body, "text")), 0,
                                   world.scheduler().Now());
  world.DeliverNewMessages(copies, nullptr);
  return Reply(201, {{"chat_id", chat_id}, {"message_id", copies.front().message_id}});
}

ControlResponse InviteLinkRoute(World& world, ControlRequest& request) {
  std::int64_t chat_id = GroupByName(world, request.params[0]);
  if (chat_id == 0) throw ControlError(404, "no group " + request.params[0]);
  return Reply(200, {{"invite_link", InviteLink(world.cloud().RevokeInviteLink(chat_id))}});
}

}  // namespace tgsim
