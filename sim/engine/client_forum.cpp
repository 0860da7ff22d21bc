// Forum topics as TDLib 1.8.65's ForumTopicManager shows them: a topic's id is the server
// id of its creation message (ForumTopicId), the General topic is 1, every message of a
// forum carries topic_id, and only users get updateForumTopicInfo / updateForumTopic, for
// the topics whose info their client has loaded.
#include <algorithm>
#include <cctype>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

constexpr std::size_t kMaxTopicNameLength = 128;  // MAX_FORUM_TOPIC_TITLE_LENGTH, in characters

// clean_name: control characters become spaces, the ends are trimmed, and the name is cut
// to `max_length` characters.
std::string CleanName(const std::string& name, std::size_t max_length) {
  std::string out;
  std::size_t characters = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool lead = (c & 0xC0) != 0x80;
    if (lead && characters == max_length) break;
    if (lead) ++characters;
    out += c < 0x20 ? ' ' : static_cast<char>(c);
  }
  auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

ForumTopic GeneralTopic(const Group& group) {
  return ForumTopic{kGeneralTopicId, "General", false, false, group.owner, group.date, 0x6FB9F0, 0};
}

// The group's topics with General first, or the one asked for; nullopt when unknown.
std::optional<ForumTopic> TopicOf(const Cloud& cloud, std::int64_t chat_id, std::int64_t topic_id) {
  const Group* group = cloud.FindGroup(chat_id);
  if (group == nullptr) return std::nullopt;
  if (topic_id == kGeneralTopicId) return GeneralTopic(*group);
  if (const ForumTopic* topic = cloud.FindTopic(chat_id, topic_id)) return *topic;
  return std::nullopt;
}

}  // namespace

bool ClientSession::CheckForum(Request& request, std::int64_t chat_id) {
  if (!CheckChat(request, chat_id)) return false;
  const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
  if (group == nullptr || !group->is_forum) {
    RespondError(request, 400, "The chat is not a forum");
    return false;
  }
  return true;
}

std::optional<std::int64_t> ClientSession::InputTopic(Request& request, std::int64_t chat_id) {
  // MessageTopic::get_message_topic.
  const Json& topic = GetObject(request.object, "topic_id");
  if (topic.is_null()) return 0;
  if (TypeOf(topic) != "messageTopicForum") {
    RespondError(request, 400, "tgsim simulates only messageTopicForum topics");
    return std::nullopt;
  }
  std::int64_t id = GetInt(topic, "forum_topic_id");
  const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
  std::string error;
  if (id <= 0) error = "Invalid topic identifier specified";
  else if (group == nullptr || group->kind != GroupKind::kSupergroup || group->is_channel) error = "Chat is not a forum";
  if (!error.empty()) {
    RespondError(request, 400, error);
    return std::nullopt;
  }
  return id;
}

std::optional<Json> ClientSession::TopicRefusal(std::int64_t chat_id, std::int64_t topic_id) const {
  if (topic_id == 0) return std::nullopt;
  const Cloud& cloud = world_.cloud();
  const Group* group = cloud.FindGroup(chat_id);
  if (group != nullptr && group->is_forum && topic_id == kGeneralTopicId) return std::nullopt;
  const ForumTopic* topic = group != nullptr && group->is_forum ? cloud.FindTopic(chat_id, topic_id) : nullptr;
  if (topic == nullptr) return MakeError(400, "TOPIC_ID_INVALID");
  // A closed topic takes messages only from its creator and those who manage topics.
  if (topic->is_closed && topic->creator != user_id_ && !cloud.HasRight(user_id_, chat_id, "can_manage_topics")) {
    return MakeError(400, "TOPIC_CLOSED");
  }
  return std::nullopt;
}

Json ClientSession::TopicInfoObject(std::int64_t chat_id, const ForumTopic& topic) {
  EnsureUser(topic.creator);
  Json icon = Obj("forumTopicIcon");
  icon["color"] = topic.icon_color;
  icon["custom_emoji_id"] = Int64(topic.icon_custom_emoji_id);
  Json creator = Obj("messageSenderUser");
  creator["user_id"] = topic.creator;
  Json out = Obj("forumTopicInfo");
  out["chat_id"] = chat_id;
  out["forum_topic_id"] = topic.id;
  out["name"] = topic.name;
  out["icon"] = icon;
  out["creation_date"] = topic.date;
  out["creator_id"] = creator;
  out["is_general"] = topic.id == kGeneralTopicId;
  out["is_outgoing"] = topic.creator == user_id_;
  out["is_closed"] = topic.is_closed;
  out["is_hidden"] = false;
  out["is_name_implicit"] = topic.is_name_implicit;
  return out;
}

Json ClientSession::ForumTopicObject(std::int64_t chat_id, const ForumTopic& topic) {
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  const StoredMessage* last = nullptr;
  int unread = 0;
  if (dialog != nullptr) {
    for (const auto& [id, message] : dialog->messages) {
      if (message.topic_id != topic.id) continue;
      last = &message;
      if (!message.outgoing && id > dialog->last_read_inbox) ++unread;
    }
  }
  Json out = Obj("forumTopic");
  out["info"] = TopicInfoObject(chat_id, topic);
  if (last != nullptr) out["last_message"] = MessageObject(chat_id, *last, files_);
  std::int64_t order = last != nullptr ? (last->date << 32) | ((last->id >> 20) & 0xffffffffLL) : topic.date << 32;
  out["order"] = Int64(order);
  out["is_pinned"] = false;
  out["unread_count"] = unread;
  out["last_read_inbox_message_id"] = dialog != nullptr ? dialog->last_read_inbox : 0;
  out["last_read_outbox_message_id"] = dialog != nullptr ? dialog->last_read_outbox : 0;
  out["unread_mention_count"] = 0;
  out["unread_reaction_count"] = 0;
  out["unread_poll_vote_count"] = 0;
  out["notification_settings"] = NotificationSettings();
  return out;
}

void ClientSession::LearnTopic(std::int64_t chat_id, const ForumTopic& topic) {
  known_topics_.insert({chat_id, topic.id});
  if (is_bot_) return;  // ForumTopicManager::send_update_forum_topic_info skips bots
  Json update = Obj("updateForumTopicInfo");
  update["info"] = TopicInfoObject(chat_id, topic);
  Emit(update);
}

void ClientSession::LoadedTopic(std::int64_t chat_id, const ForumTopic& topic, const Json& full) {
  // on_get_forum_topic_impl: the info, then updateForumTopic (users only).
  LearnTopic(chat_id, topic);
  if (is_bot_) return;
  Json update = Obj("updateForumTopic");
  update["chat_id"] = chat_id;
  update["forum_topic_id"] = topic.id;
  for (const char* field : {"is_pinned", "last_read_inbox_message_id", "last_read_outbox_message_id",
                            "unread_mention_count", "unread_reaction_count", "unread_poll_vote_count",
                            "notification_settings"}) {
    update[field] = full[field];
  }
  Emit(update);
}

void ClientSession::OnTopicChanged(std::int64_t chat_id, std::int64_t topic_id) {
  if (state_ != AuthState::kReady || !known_topics_.contains({chat_id, topic_id})) return;
  if (std::optional<ForumTopic> topic = TopicOf(world_.cloud(), chat_id, topic_id)) LearnTopic(chat_id, *topic);
}

void ClientSession::HandleCreateForumTopic(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::string raw_name = GetString(request.object, "name");
  if (!IsValidUtf8(raw_name)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  if (!CheckForum(request, chat_id)) return;
  Cloud& cloud = world_.cloud();
  // Members may create topics only where the group allows it, which tgsim keeps off.
  if (!cloud.HasRight(user_id_, chat_id, "can_manage_topics")) {
    return RespondError(request, 400, "Not enough rights to create a topic");
  }
  ForumTopic topic;
  topic.name = CleanName(raw_name, kMaxTopicNameLength);
  if (topic.name.empty()) return RespondError(request, 400, "Name must be non-empty");
  topic.is_name_implicit = GetBool(request.object, "is_name_implicit");
  if (const Json& icon = GetObject(request.object, "icon"); !icon.is_null()) {
    std::int64_t color = GetInt(icon, "color");
    if (color < 0 || color > 0xFFFFFF) return RespondError(request, 400, "Invalid icon color specified");
    topic.icon_color = static_cast<int>(color);
    topic.icon_custom_emoji_id = GetInt(icon, "custom_emoji_id");
  }
  CallServer(request, [this, chat_id, topic](Request& r) {
    auto [created, copies] = world_.cloud().CreateTopic(user_id_, chat_id, topic, world_.scheduler().Now());
    OnNewMessage(chat_id, copies.front().message_id);  // the service message comes with the updates
    world_.DeliverNewMessages(copies, this);
    LearnTopic(chat_id, created);
    Respond(r, TopicInfoObject(chat_id, created));
  });
}

void ClientSession::HandleEditForumTopic(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t topic_id = GetInt(request.object, "forum_topic_id");
  std::string raw_name = GetString(request.object, "name");
  if (!IsValidUtf8(raw_name)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  if (!CheckForum(request, chat_id)) return;
  if (topic_id <= 0) return RespondError(request, 400, "Invalid forum topic identifier specified");
  std::optional<ForumTopic> known = TopicOf(world_.cloud(), chat_id, topic_id);
  if (!world_.cloud().HasRight(user_id_, chat_id, "can_manage_topics") && known &&
      known_topics_.contains({chat_id, topic_id}) && known->creator != user_id_) {
    return RespondError(request, 400, "Not enough rights to edit the topic");
  }
  bool edit_name = !raw_name.empty();
  std::string name = CleanName(raw_name, kMaxTopicNameLength);
  if (edit_name && name.empty()) return RespondError(request, 400, "Name must be non-empty");
  bool edit_icon = GetBool(request.object, "edit_icon_custom_emoji");
  if (!edit_name && !edit_icon) return Respond(request, Obj("ok"));
  std::optional<std::string> new_name = edit_name ? std::optional(name) : std::nullopt;
  std::optional<std::int64_t> emoji =
      edit_icon ? std::optional(GetInt(request.object, "icon_custom_emoji_id")) : std::nullopt;
  FinishTopicEdit(request, chat_id, topic_id, new_name, emoji, std::nullopt);
}

void ClientSession::HandleToggleForumTopicIsClosed(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t topic_id = GetInt(request.object, "forum_topic_id");
  if (!CheckForum(request, chat_id)) return;
  if (topic_id <= 0) return RespondError(request, 400, "Invalid forum topic identifier specified");
  std::optional<ForumTopic> known = TopicOf(world_.cloud(), chat_id, topic_id);
  if (!world_.cloud().HasRight(user_id_, chat_id, "can_manage_topics") && known &&
      known_topics_.contains({chat_id, topic_id}) && known->creator != user_id_) {
    return RespondError(request, 400, "Not enough rights to close or open the topic");
  }
  FinishTopicEdit(request, chat_id, topic_id, std::nullopt, std::nullopt, GetBool(request.object, "is_closed"));
}

void ClientSession::FinishTopicEdit(Request& request, std::int64_t chat_id, std::int64_t topic_id,
                                    std::optional<std::string> name, std::optional<std::int64_t> emoji,
                                    std::optional<bool> closed) {
  CallServer(request, [this, chat_id, topic_id, name, emoji, closed](Request& r) {
    // messages.editForumTopic as the server answers it.
    Cloud& cloud = world_.cloud();
    const ForumTopic* topic = cloud.FindTopic(chat_id, topic_id);
    if (topic == nullptr) return RespondError(r, 400, "TOPIC_ID_INVALID");
    if (!cloud.HasRight(user_id_, chat_id, "can_manage_topics") && topic->creator != user_id_) {
      return RespondError(r, 400, "CHAT_ADMIN_REQUIRED");
    }
    bool unchanged = closed ? topic->is_closed == *closed
                            : (!name || *name == topic->name) && (!emoji || *emoji == topic->icon_custom_emoji_id);
    if (unchanged) {
      // EditForumTopicQuery: users take TOPIC_NOT_MODIFIED as success, bots get the error.
      if (is_bot_) return RespondError(r, 400, "TOPIC_NOT_MODIFIED");
      return Respond(r, Obj("ok"));
    }
    auto copies = cloud.EditTopic(user_id_, chat_id, topic_id, name, emoji, closed, world_.scheduler().Now());
    OnNewMessage(chat_id, copies.front().message_id);
    world_.DeliverNewMessages(copies, this);
    world_.DeliverTopicChanged(chat_id, topic_id);
    Respond(r, Obj("ok"));
  });
}

void ClientSession::HandleGetForumTopic(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t topic_id = GetInt(request.object, "forum_topic_id");
  if (!CheckForum(request, chat_id)) return;
  if (topic_id <= 0) return RespondError(request, 400, "Invalid forum topic identifier specified");
  CallServer(request, [this, chat_id, topic_id](Request& r) {
    std::optional<ForumTopic> topic = TopicOf(world_.cloud(), chat_id, topic_id);
    if (!topic) return RespondError(r, 404, "Not Found");  // messages.getForumTopicsByID found nothing
    Json full = ForumTopicObject(chat_id, *topic);
    LoadedTopic(chat_id, *topic, full);
    Respond(r, full);
  });
}

std::vector<Json> ClientSession::TopicsByActivity(std::int64_t chat_id, const std::string& query) {
  const Group* group = world_.cloud().FindGroup(chat_id);
  std::vector<ForumTopic> topics = {GeneralTopic(*group)};
  topics.insert(topics.end(), group->topics.begin(), group->topics.end());
  auto lower = [](std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::vector<Json> found;
  for (const auto& topic : topics) {
    if (!query.empty() && lower(topic.name).find(lower(query)) == std::string::npos) continue;
    found.push_back(ForumTopicObject(chat_id, topic));
  }
  // The server lists the most recently active topics first.
  std::stable_sort(found.begin(), found.end(), [](const Json& a, const Json& b) {
    return std::stoll(a["order"].get<std::string>()) > std::stoll(b["order"].get<std::string>());
  });
  return found;
}

void ClientSession::HandleGetForumTopics(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::string query = GetString(request.object, "query");
  std::int64_t offset_date = GetInt(request.object, "offset_date");
  std::int64_t offset_message_id = GetInt(request.object, "offset_message_id");
  std::int64_t offset_topic = GetInt(request.object, "offset_forum_topic_id");
  std::int64_t limit = GetInt(request.object, "limit");
  if (!IsValidUtf8(query)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  if (!CheckForum(request, chat_id)) return;
  std::string error;
  if (offset_date < 0) error = "Invalid offset date specified";
  else if (offset_message_id != 0 && (offset_message_id <= 0 || offset_message_id % kServerIdShift != 0)) {
    error = "Invalid offset message identifier specified";
  } else if (offset_topic < 0) error = "Invalid forum topic identifier specified";
  else if (limit <= 0) error = "Invalid limit specified";
  if (!error.empty()) return RespondError(request, 400, error);
  CallServer(request, [this, chat_id, query, offset_topic, limit](Request& r) {
    std::vector<Json> found = TopicsByActivity(chat_id, query);
    int total = static_cast<int>(world_.cloud().FindGroup(chat_id)->topics.size()) + 1;  // and General
    if (offset_topic != 0) {
      auto at = std::find_if(found.begin(), found.end(),
                             [&](const Json& t) { return t["info"]["forum_topic_id"] == offset_topic; });
      found.erase(found.begin(), at == found.end() ? found.end() : at + 1);
    }
    std::size_t page = static_cast<std::size_t>(std::min<std::int64_t>(limit, 100));
    if (found.size() > page) found.resize(page);
    Json out = Obj("forumTopics");
    out["total_count"] = total;
    out["topics"] = Json::array();
    std::int64_t next_date = 0, next_message = 0, next_topic = 0;
    for (const auto& topic : found) {
      std::int64_t id = topic["info"]["forum_topic_id"];
      LoadedTopic(chat_id, *TopicOf(world_.cloud(), chat_id, id), topic);
      out["topics"].push_back(topic);
      next_date = topic.contains("last_message") ? topic["last_message"]["date"].get<std::int64_t>()
                                                 : topic["info"]["creation_date"].get<std::int64_t>();
      next_message = topic.contains("last_message") ? topic["last_message"]["id"].get<std::int64_t>() : 0;
      next_topic = id;
    }
    out["next_offset_date"] = next_date;
    out["next_offset_message_id"] = next_message;
    out["next_offset_forum_topic_id"] = next_topic;
    Respond(r, out);
  });
}

}  // namespace tgsim
