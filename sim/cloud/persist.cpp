// Saving and loading the cloud for `tgsim --state FILE`.
#include "sim/cloud/cloud.h"

namespace tgsim {
namespace {

Json UserJson(const User& u) {
  return Json{{"id", u.id}, {"phone", u.phone}, {"first_name", u.first_name},
              {"last_name", u.last_name}, {"username", u.username}, {"password", u.password},
              {"password_hint", u.password_hint}, {"is_bot", u.is_bot},
              {"bot_token", u.bot_token}, {"banned", u.banned},
              {"findable_by_phone", u.findable_by_phone},
              {"messages_from_contacts_only", u.messages_from_contacts_only},
              {"peer_flood", u.peer_flood}, {"deleted", u.deleted},
              {"send_per_minute", u.send_per_minute}, {"send_burst", u.send_burst}};
}

User UserFrom(const Json& j) {
  User u;
  u.id = j.at("id");
  u.phone = j.at("phone");
  u.first_name = j.at("first_name");
  u.last_name = j.at("last_name");
  u.username = j.at("username");
  u.password = j.at("password");
  u.password_hint = j.at("password_hint");
  u.is_bot = j.at("is_bot");
  u.bot_token = j.at("bot_token");
  u.banned = j.at("banned");
  u.findable_by_phone = j.value("findable_by_phone", true);  // absent in older state files
  u.messages_from_contacts_only = j.value("messages_from_contacts_only", false);
  u.peer_flood = j.value("peer_flood", false);
  u.deleted = j.value("deleted", false);
  u.send_per_minute = j.value("send_per_minute", 0.0);
  u.send_burst = j.value("send_burst", 0.0);
  return u;
}

Json MessageJson(const StoredMessage& m) {
  Json out{{"id", m.id}, {"sender", m.sender_user_id}, {"outgoing", m.outgoing},
           {"date", m.date}, {"edit_date", m.edit_date}, {"text", m.text},
           {"reply_to", m.reply_to_id}, {"link", m.link}};
  if (m.media) out["media"] = MediaInfoToJson(*m.media);
  if (m.media_album_id != 0) out["album"] = m.media_album_id;
  if (!m.reply_markup.is_null()) out["reply_markup"] = m.reply_markup;
  if (!m.contact.is_null()) out["contact"] = m.contact;
  if (m.channel_post) out["channel_post"] = true;
  if (m.anonymous) out["anonymous"] = true;
  if (m.topic_id != 0) out["topic_id"] = m.topic_id;
  if (!m.service.is_null()) out["service"] = m.service;
  if (!m.reactions.empty()) out["reactions"] = m.reactions;
  if (!m.chosen.empty()) out["chosen"] = m.chosen;
  return out;
}

StoredMessage MessageFrom(const Json& j) {
  StoredMessage m;
  m.id = j.at("id");
  m.sender_user_id = j.at("sender");
  m.outgoing = j.at("outgoing");
  m.date = j.at("date");
  m.edit_date = j.at("edit_date");
  m.text = j.at("text");
  m.reply_to_id = j.at("reply_to");
  m.link = j.at("link");
  if (j.contains("media")) m.media = MediaInfoFromJson(j["media"]);
  m.media_album_id = j.value("album", std::int64_t{0});
  m.reply_markup = j.value("reply_markup", Json());
  m.contact = j.value("contact", Json());
  m.channel_post = j.value("channel_post", false);
  m.anonymous = j.value("anonymous", false);
  m.topic_id = j.value("topic_id", std::int64_t{0});
  m.service = j.value("service", Json());
  if (j.contains("reactions")) m.reactions = j["reactions"].get<std::map<std::string, std::vector<std::int64_t>>>();
  if (j.contains("chosen")) m.chosen = j["chosen"].get<std::set<std::string>>();
  return m;
}

Json GroupForumJson(const Group& g) {
  Json admins = Json::array();
  for (const auto& [user_id, admin] : g.admins) {
    admins.push_back({{"user_id", user_id}, {"rights", admin.rights}, {"is_anonymous", admin.is_anonymous}});
  }
  Json topics = Json::array();
  for (const auto& t : g.topics) {
    topics.push_back({{"id", t.id}, {"name", t.name}, {"is_name_implicit", t.is_name_implicit},
                      {"is_closed", t.is_closed}, {"creator", t.creator}, {"date", t.date},
                      {"icon_color", t.icon_color}, {"icon_custom_emoji_id", t.icon_custom_emoji_id}});
  }
  return {{"is_forum", g.is_forum}, {"reactions_allowed", g.reactions_allowed}, {"admins", admins}, {"topics", topics}};
}

void GroupForumFrom(const Json& j, Group& g) {  // absent in older state files
  g.is_forum = j.value("is_forum", false);
  g.reactions_allowed = j.value("reactions_allowed", true);
  for (const auto& a : j.value("admins", Json::array())) {
    g.admins[a.at("user_id")] = Administrator{a.at("rights").get<std::set<std::string>>(), a.at("is_anonymous")};
  }
  for (const auto& t : j.value("topics", Json::array())) {
    g.topics.push_back(ForumTopic{t.at("id"), t.at("name"), t.at("is_name_implicit"), t.at("is_closed"),
                                  t.at("creator"), t.at("date"), t.at("icon_color"), t.at("icon_custom_emoji_id")});
  }
}

}  // namespace

Json Cloud::ToJson() const {
  Json out;
  for (const auto& [id, u] : users_) out["users"].push_back(UserJson(u));
  for (const auto& [id, s] : sessions_) {
    out["sessions"].push_back({{"id", s.id}, {"user_id", s.user_id}, {"created_at", s.created_at},
                               {"device_model", s.device_model},
                               {"application_version", s.application_version},
                               {"secret", s.secret}});
  }
  for (const auto& [chat_id, g] : groups_) {
    out["groups"].push_back({{"chat_id", chat_id}, {"id", g.id},
                             {"supergroup", g.kind == GroupKind::kSupergroup},
                             {"title", g.title}, {"username", g.username},
                             {"members", g.members}, {"date", g.date},
                             {"next_server_id", g.next_server_id},
                             {"is_channel", g.is_channel}, {"owner", g.owner},
                             {"invite_hash", g.invite_hash}, {"left", g.left},
                             {"forum", GroupForumJson(g)}});
  }
  for (const auto& [user_id, chats] : dialogs_) {
    for (const auto& [chat_id, d] : chats) {
      Json dialog = {{"user_id", user_id}, {"chat_id", chat_id},
                     {"last_read_inbox", d.last_read_inbox},
                     {"last_read_outbox", d.last_read_outbox}, {"messages", Json::array()}};
      for (const auto& [id, m] : d.messages) dialog["messages"].push_back(MessageJson(m));
      out["dialogs"].push_back(dialog);
    }
  }
  for (const auto& [user, next] : next_box_id_) out["boxes"].push_back({user, next});
  for (const auto& [link, copies] : links_) {
    Json list = Json::array();
    for (const auto& c : copies) list.push_back({c.user_id, c.chat_id, c.message_id});
    out["links"].push_back({link, list});
  }
  for (const auto& [owner, contacts] : contacts_) {
    for (const auto& [user_id, name] : contacts) {
      out["contacts"].push_back({owner, user_id, name.first_name, name.last_name});
    }
  }
  for (const auto& [bot, user] : bot_started_) out["bot_started"].push_back({bot, user});
  for (const auto& [bot, scopes] : bot_commands_) {
    for (const auto& [scope, commands] : scopes) out["bot_commands"].push_back({bot, scope, commands});
  }
  out["files"] = files_.ToJson();
  out["counters"] = {next_user_id_, next_group_id_, next_channel_id_, next_session_id_, next_link_};
  return out;
}

void Cloud::FromJson(const Json& state) {
  for (const auto& j : state.value("users", Json::array())) {
    User u = UserFrom(j);
    users_[u.id] = u;
    if (!u.phone.empty()) user_by_phone_[u.phone] = u.id;
  }
  for (const auto& j : state.value("sessions", Json::array())) {
    Session s{j.at("id"), j.at("user_id"), j.at("created_at"), j.at("device_model"),
              j.at("application_version"), j.at("secret")};
    sessions_[s.id] = s;
  }
  for (const auto& j : state.value("groups", Json::array())) {
    Group g;
    g.id = j.at("id");
    g.kind = j.at("supergroup").get<bool>() ? GroupKind::kSupergroup : GroupKind::kBasic;
    g.title = j.at("title");
    g.username = j.at("username");
    g.members = j.at("members").get<std::vector<std::int64_t>>();
    g.date = j.at("date");
    g.next_server_id = j.at("next_server_id");
    g.is_channel = j.value("is_channel", false);  // absent in older state files
    g.owner = j.value("owner", std::int64_t{0});
    g.invite_hash = j.value("invite_hash", "");
    if (g.invite_hash.empty()) g.invite_hash = NewInviteHash();  // older state files
    g.left = j.value("left", std::set<std::int64_t>{});
    if (j.contains("forum")) GroupForumFrom(j["forum"], g);
    groups_[j.at("chat_id").get<std::int64_t>()] = g;
  }
  for (const auto& j : state.value("dialogs", Json::array())) {
    Dialog& d = dialogs_[j.at("user_id")][j.at("chat_id")];
    d.last_read_inbox = j.at("last_read_inbox");
    d.last_read_outbox = j.at("last_read_outbox");
    for (const auto& m : j.at("messages")) {
      StoredMessage message = MessageFrom(m);
      d.messages[message.id] = message;
    }
    d.Recount();
  }
  for (const auto& j : state.value("boxes", Json::array())) next_box_id_[j[0]] = j[1];
  for (const auto& j : state.value("links", Json::array())) {
    auto& copies = links_[j[0].get<std::int64_t>()];
    for (const auto& c : j[1]) copies.push_back({c[0], c[1], c[2]});
  }
  for (const auto& j : state.value("contacts", Json::array())) {
    contacts_[j[0]][j[1]] = ContactName{j[2], j[3]};
  }
  for (const auto& j : state.value("bot_started", Json::array())) bot_started_.insert({j[0], j[1]});
  for (const auto& j : state.value("bot_commands", Json::array())) bot_commands_[j[0]][j[1]] = j[2];
  if (state.contains("files")) files_.FromJson(state["files"]);
  if (state.contains("counters")) {
    const auto& c = state["counters"];
    next_user_id_ = c[0], next_group_id_ = c[1], next_channel_id_ = c[2];
    next_session_id_ = c[3], next_link_ = c[4];
  }
}

}  // namespace tgsim
