// AccountClient: groups and their topics, what the work-group relay's bot
// checks and does (docs/relay.md): a group's kind and reactions, a member's
// rights, forum topics, posts into a topic, and the bot's reaction to a message.
#include <nlohmann/json.hpp>

#include "telegram/account_client.h"
#include "telegram/media_json.h"
#include "telegram/message_answers.h"
#include "telegram/message_parse.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;
using GroupInfo = AccountClient::GroupInfo;
using GroupMember = AccountClient::GroupMember;
using ForumTopic = AccountClient::ForumTopic;

constexpr const char* kDeliveredEmoji = "👍";
constexpr int kTopicColor = 0x6FB9F0;  // one of the six colours Telegram offers for topic icons

std::string Type(const json& object) { return object.is_object() ? object.value("@type", "") : ""; }

// Whether members may react with the usual emoji (the relay's "delivered" mark).
bool ReactionsAllowed(const json& available) {
  if (Type(available) == "chatAvailableReactionsAll") return true;
  for (const auto& reaction : available.value("reactions", json::array())) {
    if (Type(reaction) == "reactionTypeEmoji" && reaction.value("emoji", "") == kDeliveredEmoji) return true;
  }
  return false;
}

Result<GroupMember> ParseMember(const json& answer) {
  if (Type(answer) != "chatMember") return UnexpectedAnswer("getChatMember");
  GroupMember member;
  const json& status = answer.value("status", json::object());
  const std::string type = Type(status);
  using S = GroupMember::Status;
  if (type == "chatMemberStatusCreator") {
    member.status = S::kCreator;
    member.can_manage_topics = member.can_delete_messages = status.value("is_member", true);
    member.is_anonymous = status.value("is_anonymous", false);
  } else if (type == "chatMemberStatusAdministrator") {
    member.status = S::kAdministrator;
    const json& rights = status.value("rights", json::object());
    member.can_manage_topics = rights.value("can_manage_topics", false);
    member.can_delete_messages = rights.value("can_delete_messages", false);
    member.is_anonymous = rights.value("is_anonymous", false);
  } else if (type == "chatMemberStatusMember") {
    member.status = S::kMember;
  } else if (type == "chatMemberStatusRestricted") {
    member.status = status.value("is_member", false) ? S::kRestricted : S::kLeft;
  } else if (type == "chatMemberStatusBanned") {
    member.status = S::kBanned;
  } else {
    member.status = S::kLeft;
  }
  return member;
}

Result<ForumTopic> ParseTopicInfo(const json& info, const char* method) {
  if (Type(info) != "forumTopicInfo") return UnexpectedAnswer(method);
  ForumTopic topic;
  topic.id = IntField(info, "forum_topic_id");
  topic.name = info.value("name", "");
  topic.is_closed = info.value("is_closed", false);
  return topic;
}

}  // namespace

void AccountClient::GetGroupInfo(std::int64_t chat_id, std::function<void(Result<GroupInfo>)> done) {
  auto on_chat = [&hub = hub_, client_id = client_id_, done](Result<json> answer) {
    if (!answer.ok()) return done(answer.error());
    const json& chat = answer.value();
    if (Type(chat) != "chat") return done(UnexpectedAnswer("getChat"));
    GroupInfo info;
    info.title = chat.value("title", "");
    info.reactions = ReactionsAllowed(chat.value("available_reactions", json::object()));
    const json& type = chat.value("type", json::object());
    if (Type(type) != "chatTypeSupergroup") return done(info);
    info.is_supergroup = !type.value("is_channel", false);
    hub.Send(client_id, {{"@type", "getSupergroup"}, {"supergroup_id", IntField(type, "supergroup_id")}},
             [done, info](Result<json> group) mutable {
               if (!group.ok()) return done(group.error());
               info.is_forum = group.value().value("is_forum", false);
               done(info);
             });
  };
  hub_.Send(client_id_, {{"@type", "getChat"}, {"chat_id", chat_id}}, std::move(on_chat));
}

void AccountClient::GetGroupMember(std::int64_t chat_id, std::int64_t user_id,
                                   std::function<void(Result<GroupMember>)> done) {
  json request = {{"@type", "getChatMember"},
                  {"chat_id", chat_id},
                  {"member_id", {{"@type", "messageSenderUser"}, {"user_id", user_id}}}};
  auto with_kind = [chats = chats_, user_id, done = std::move(done)](Result<GroupMember> member) {
    if (member.ok()) {
      Message probe;
      probe.sender.user_id = user_id;
      chats->Describe(probe);
      member.value().is_bot = probe.sender.is_bot;
    }
    done(std::move(member));
  };
  hub_.Send(client_id_, std::move(request), Typed<GroupMember>(std::move(with_kind), ParseMember));
}

void AccountClient::CreateForumTopic(std::int64_t chat_id, const std::string& name,
                                     std::function<void(Result<ForumTopic>)> done) {
  json request = {{"@type", "createForumTopic"},
                  {"chat_id", chat_id},
                  {"name", name},
                  {"is_name_implicit", false},
                  {"icon", {{"@type", "forumTopicIcon"}, {"color", kTopicColor}, {"custom_emoji_id", "0"}}}};
  hub_.Send(client_id_, std::move(request), Typed<ForumTopic>(std::move(done), [](const json& answer) {
              return ParseTopicInfo(answer, "createForumTopic");
            }));
}

void AccountClient::RenameForumTopic(std::int64_t chat_id, std::int64_t topic_id, const std::string& name,
                                     Done done) {
  json request = {{"@type", "editForumTopic"},   {"chat_id", chat_id}, {"forum_topic_id", topic_id},
                  {"name", name},                {"edit_icon_custom_emoji", false}, {"icon_custom_emoji_id", "0"}};
  hub_.Send(client_id_, std::move(request), ToStatus(std::move(done)));
}

void AccountClient::CloseForumTopic(std::int64_t chat_id, std::int64_t topic_id, bool closed, Done done) {
  json request = {{"@type", "toggleForumTopicIsClosed"},
                  {"chat_id", chat_id},
                  {"forum_topic_id", topic_id},
                  {"is_closed", closed}};
  hub_.Send(client_id_, std::move(request), ToStatus(std::move(done)));
}

void AccountClient::GetForumTopic(std::int64_t chat_id, std::int64_t topic_id,
                                  std::function<void(Result<ForumTopic>)> done) {
  json request = {{"@type", "getForumTopic"}, {"chat_id", chat_id}, {"forum_topic_id", topic_id}};
  hub_.Send(client_id_, std::move(request), Typed<ForumTopic>(std::move(done), [chats = chats_](const json& answer) {
              if (Type(answer) != "forumTopic") return Result<ForumTopic>(UnexpectedAnswer("getForumTopic"));
              auto topic = ParseTopicInfo(answer.value("info", json::object()), "getForumTopic");
              if (auto last = answer.find("last_message"); topic.ok() && last != answer.end()) {
                if ((topic.value().last_message = ParseMessage(*last))) chats->Describe(*topic.value().last_message);
              }
              return topic;
            }));
}

void AccountClient::SendBotTextInTopic(std::int64_t chat_id, std::int64_t topic_id, const FormattedText& text,
                                       std::int64_t reply_to_message_id, MessageDone done) {
  if (auto error = CheckText(text)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  SendContent(chat_id, InputText(text), reply_to_message_id, false, std::move(done), nullptr, nullptr, topic_id);
}

void AccountClient::SendBotMediaInTopic(std::int64_t chat_id, std::int64_t topic_id, const MediaToSend& media,
                                        const FormattedText& caption, std::int64_t reply_to_message_id,
                                        MessageDone done) {
  if (auto error = CheckCaption(caption)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  SendContent(chat_id, InputMediaContent(media, caption), reply_to_message_id, false, std::move(done), nullptr,
              nullptr, topic_id);
}

void AccountClient::SetMessageReaction(std::int64_t chat_id, std::int64_t message_id, const std::string& emoji,
                                       Done done) {
  json request = {{"@type", "setMessageReactions"},
                  {"chat_id", chat_id},
                  {"message_id", message_id},
                  {"reaction_types", json::array({{{"@type", "reactionTypeEmoji"}, {"emoji", emoji}}})},
                  {"is_big", false}};
  hub_.Send(client_id_, std::move(request), ToStatus(std::move(done)));
}

}  // namespace tgmux::telegram
