// Control routes for groups: creating them (forums too), administrators, the reactions
// setting, and the group's topics and messages as a member sees them.
#include <algorithm>

#include "sim/control/control_util.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

std::int64_t GroupOrThrow(World& world, const std::string& name) {
  std::int64_t chat_id = GroupByName(world, name);
  if (chat_id == 0) throw ControlError(404, "no group " + name);
  return chat_id;
}

bool OptionalBool(const Json& body, const char* field, bool fallback) {
  if (!body.contains(field) || body[field].is_null()) return fallback;
  if (!body[field].is_boolean()) throw ControlError(400, std::string("field '") + field + "' is a boolean");
  return body[field].get<bool>();
}

std::string PersonName(const User& user) {
  return user.is_bot || user.phone.empty() ? "@" + user.username : "+" + user.phone;
}

std::string ServiceKind(const Json& service) {
  std::string type = service.value("@type", "");
  if (type == "messageForumTopicCreated") return "forum_topic_created";
  if (type == "messageForumTopicEdited") return "forum_topic_edited";
  if (type == "messageForumTopicIsClosedToggled") {
    return service.value("is_closed", false) ? "forum_topic_closed" : "forum_topic_reopened";
  }
  return type;
}

}  // namespace

ControlResponse CreateGroupRoute(World& world, ControlRequest& request) {
  const Json& body = request.body;
  Group group;
  group.title = RequiredString(body, "title");
  std::string kind = body.value("kind", "basic");
  if (kind != "basic" && kind != "supergroup") throw ControlError(400, "field 'kind' is basic or supergroup");
  group.kind = kind == "basic" ? GroupKind::kBasic : GroupKind::kSupergroup;
  group.username = body.value("username", "");
  group.is_forum = OptionalBool(body, "forum", false);
  if (group.is_forum && group.kind != GroupKind::kSupergroup) {
    throw ControlError(400, "field 'forum' needs kind supergroup (basic groups have no topics)");
  }
  group.reactions_allowed = OptionalBool(body, "reactions", true);
  if (!body.contains("members") || !body["members"].is_array()) {
    throw ControlError(400, "field 'members' is required (array of phones)");
  }
  for (const auto& member : body["members"]) {
    const User& user = UserByName(world, member);
    group.members.push_back(user.id);
    // The first person listed (bots cannot create groups) is the creator.
    if (group.owner == 0 && !user.is_bot) group.owner = user.id;
  }
  if (!group.username.empty() && group.username[0] == '@') group.username.erase(0, 1);
  if (!group.username.empty() && world.cloud().FindGroupByUsername(group.username) != 0) {
    throw ControlError(409, "username already taken");
  }
  std::int64_t chat_id = world.cloud().CreateGroup(group);
  return Reply(201, {{"chat_id", chat_id}, {"invite_link", InviteLink(world.cloud().FindGroup(chat_id)->invite_hash)}});
}

ControlResponse GroupAdminRoute(World& world, ControlRequest& request) {
  std::int64_t chat_id = GroupOrThrow(world, request.params[0]);
  const Json& body = request.body;
  if (!body.contains("member")) throw ControlError(400, "field 'member' is required (phone or @username)");
  const User& user = UserByName(world, body["member"]);
  if (!world.cloud().IsMember(user.id, chat_id)) throw ControlError(400, "not a member of the group");
  if (world.cloud().FindGroup(chat_id)->owner == user.id) throw ControlError(400, "the creator has every right");
  if (!body.contains("rights")) throw ControlError(400, "field 'rights' is required (object, or null to demote)");
  std::optional<Administrator> admin;
  if (!body["rights"].is_null()) {
    if (!body["rights"].is_object()) throw ControlError(400, "field 'rights' is an object of booleans or null");
    admin.emplace();
    for (const auto& [name, value] : body["rights"].items()) {
      bool known = std::any_of(std::begin(kAdminRightNames), std::end(kAdminRightNames),
                               [&](const char* right) { return name == right; });
      if (!known) throw ControlError(400, "unknown right '" + name + "'");
      if (!value.is_boolean()) throw ControlError(400, "right '" + name + "' is a boolean");
      if (value.get<bool>()) admin->rights.insert(name);
    }
    admin->is_anonymous = OptionalBool(body, "is_anonymous", false);
  }
  world.cloud().SetAdmin(chat_id, user.id, admin);
  world.DeliverStatusChanged(user.id, chat_id);
  return Reply(200, {{"chat_id", chat_id}, {"user_id", user.id}, {"is_admin", admin.has_value()}});
}

ControlResponse GroupReactionsRoute(World& world, ControlRequest& request) {
  std::int64_t chat_id = GroupOrThrow(world, request.params[0]);
  if (!request.body.contains("allowed") || !request.body["allowed"].is_boolean()) {
    throw ControlError(400, "field 'allowed' is required (boolean)");
  }
  bool allowed = request.body["allowed"].get<bool>();
  Group* group = world.cloud().MutableGroup(chat_id);
  if (group->reactions_allowed != allowed) {
    group->reactions_allowed = allowed;
    world.DeliverChatReactionsChanged(chat_id);
  }
  return Reply(200, {{"chat_id", chat_id}, {"allowed", allowed}});
}

ControlResponse GroupTopicsRoute(World& world, ControlRequest& request) {
  std::int64_t chat_id = GroupOrThrow(world, request.params[0]);
  const Group* group = world.cloud().FindGroup(chat_id);
  if (!group->is_forum) throw ControlError(400, "the group is not a forum");
  Json topics = Json::array();
  for (const auto& topic : group->topics) {
    topics.push_back({{"forum_topic_id", topic.id}, {"name", topic.name}, {"is_closed", topic.is_closed},
                      {"creator_user_id", topic.creator}});
  }
  return Reply(200, {{"topics", topics}});
}

ControlResponse GroupMessagesRoute(World& world, ControlRequest& request) {
  std::int64_t chat_id = GroupOrThrow(world, request.params[0]);
  auto as = request.query.find("as");
  if (as == request.query.end()) throw ControlError(400, "query parameter 'as' is required (phone or @username)");
  const User& viewer = UserByName(world, Json(as->second));
  if (!world.cloud().IsMember(viewer.id, chat_id) && world.cloud().FindDialog(viewer.id, chat_id) == nullptr) {
    throw ControlError(404, as->second + " is not in the group");
  }
  std::int64_t topic_filter = 0;
  if (auto topic = request.query.find("topic_id"); topic != request.query.end()) {
    try {
      topic_filter = std::stoll(topic->second);
    } catch (const std::exception&) {
      throw ControlError(400, "query parameter 'topic_id' is a number");
    }
  }
  const Cloud& cloud = world.cloud();
  std::map<std::int64_t, std::pair<const StoredMessage*, bool>> all;  // live and deleted, by id
  if (const Dialog* dialog = world.cloud().FindDialog(viewer.id, chat_id)) {
    for (const auto& [id, message] : dialog->messages) all[id] = {&message, false};
  }
  if (const auto* deleted = cloud.DeletedIn(viewer.id, chat_id)) {
    for (const auto& [id, message] : *deleted) all[id] = {&message, true};
  }
  Json messages = Json::array();
  for (const auto& [id, entry] : all) {
    const StoredMessage& message = *entry.first;
    if (topic_filter != 0 && message.topic_id != topic_filter) continue;
    const User* from = cloud.FindUser(message.sender_user_id);
    bool hidden = message.anonymous || message.channel_post;  // the author is not shown
    Json item = {{"message_id", id},
                 {"from", hidden || from == nullptr ? "" : PersonName(*from)},
                 {"from_user_id", hidden ? 0 : message.sender_user_id},
                 {"text", message.text.value("text", "")}};
    if (hidden) item["from_chat_id"] = chat_id;
    if (auto e = message.text.find("entities"); e != message.text.end() && !e->empty()) item["entities"] = *e;
    if (message.reply_to_id != 0) item["reply_to_message_id"] = message.reply_to_id;
    if (message.topic_id != 0) item["topic_id"] = message.topic_id;
    if (message.edit_date != 0) item["edit_date"] = message.edit_date;
    if (message.media) item["media"] = MediaSummary(cloud, *message.media);
    if (entry.second) item["deleted"] = true;
    if (!message.reactions.empty()) {
      Json reactions = Json::array();
      for (const auto& [emoji, users] : message.reactions) {
        reactions.push_back({{"emoji", emoji}, {"count", users.size()}});
      }
      item["reactions"] = reactions;
    }
    if (!message.service.is_null()) item["service"] = ServiceKind(message.service);
    messages.push_back(item);
  }
  return Reply(200, {{"messages", messages}});
}

MessageMedia GroupPostExtras(World& world, std::int64_t sender, std::int64_t chat_id, const Json& body) {
  MessageMedia extras;
  const Cloud& cloud = world.cloud();
  const Group* group = chat_id < 0 ? cloud.FindGroup(chat_id) : nullptr;
  if (body.contains("topic_id") && !body["topic_id"].is_null()) {
    if (!body["topic_id"].is_number_integer()) throw ControlError(400, "field 'topic_id' is a number");
    std::int64_t topic_id = body["topic_id"].get<std::int64_t>();
    if (group == nullptr || !group->is_forum) throw ControlError(400, "topic_id given for a chat that is no forum");
    const ForumTopic* topic = cloud.FindTopic(chat_id, topic_id);
    if (topic == nullptr && topic_id != kGeneralTopicId) throw ControlError(400, "TOPIC_ID_INVALID");
    if (topic != nullptr && topic->is_closed && topic->creator != sender &&
        !cloud.HasRight(sender, chat_id, "can_manage_topics")) {
      throw ControlError(403, "TOPIC_CLOSED");
    }
    extras.topic_id = topic_id;
  }
  if (OptionalBool(body, "as_chat", false)) {
    std::optional<Administrator> admin = group != nullptr ? cloud.AdminOf(sender, chat_id) : std::nullopt;
    if (!admin || !admin->is_anonymous || group->owner == sender) {
      throw ControlError(403, "CHAT_ADMIN_REQUIRED: only an anonymous administrator posts as the group");
    }
    extras.as_chat = true;
  }
  return extras;
}

}  // namespace tgsim
