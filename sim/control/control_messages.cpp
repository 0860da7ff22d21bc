// Control routes for chats: someone writes, reads, or creates a group.
#include "sim/control/control_util.h"
#include "sim/tdapi/text.h"

namespace tgsim {

ControlResponse SendMessageRoute(World& world, ControlRequest& request) {
  const Json& body = request.body;
  const User& sender = UserByName(world, Json(RequiredString(body, "from")));
  if (!body.contains("to")) throw ControlError(400, "field 'to' is required (phone or chat_id)");
  std::int64_t chat_id = ResolveChat(world, sender.id, body["to"]);
  // The server's refusals, as Telegram answers the sender's app.
  if (!world.cloud().CanPost(sender.id, chat_id)) throw ControlError(403, "CHAT_WRITE_FORBIDDEN");
  if (chat_id > 0 && !world.cloud().MayWritePrivately(sender.id, chat_id)) {
    throw ControlError(403, "PRIVACY_PREMIUM_REQUIRED");
  }
  MessageMedia extras = GroupPostExtras(world, sender.id, chat_id, body);
  if (!body.contains("media")) {
    auto copies = world.cloud().Send(sender.id, chat_id, FormattedText(RequiredString(body, "text")),
                                     body.value("reply_to_message_id", std::int64_t{0}),
                                     world.scheduler().Now(), extras);
    world.DeliverNewMessages(copies, nullptr);
    return Reply(201, {{"chat_id", copies.front().chat_id}, {"message_id", copies.front().message_id}});
  }
  // With media, text is the caption (of the first item of an album, as apps send it).
  std::vector<MessageMedia> items = MediaFromBody(world, sender.id, body["media"]);
  for (auto& item : items) {
    item.topic_id = extras.topic_id;
    item.as_chat = extras.as_chat;
  }
  Json ids = Json::array();
  Json first;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string caption = i == 0 ? body.value("text", "") : "";
    auto copies = world.cloud().Send(sender.id, chat_id, FormattedText(caption),
                                     i == 0 ? body.value("reply_to_message_id", std::int64_t{0}) : 0,
                                     world.scheduler().Now(), items[i]);
    world.DeliverNewMessages(copies, nullptr);
    if (i == 0) first = {{"chat_id", copies.front().chat_id}, {"message_id", copies.front().message_id}};
    ids.push_back(copies.front().message_id);
  }
  if (items.size() > 1) first["message_ids"] = ids;
  return Reply(201, first);
}

ControlResponse ListMessagesRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  auto with = request.query.find("with");
  if (with == request.query.end()) throw ControlError(400, "query parameter 'with' is required");
  std::int64_t chat_id = ResolveChat(world, user.id, Json(with->second));
  Json messages = Json::array();
  if (const Dialog* dialog = world.cloud().FindDialog(user.id, chat_id)) {
    for (const auto& [id, message] : dialog->messages) {
      const User* from = world.cloud().FindUser(message.sender_user_id);
      bool read = message.outgoing ? id <= dialog->last_read_outbox : id <= dialog->last_read_inbox;
      Json item = {{"message_id", id},
                   {"from", from && !from->phone.empty() ? "+" + from->phone : ""},
                   {"text", message.text.value("text", "")},
                   {"date", message.date},
                   {"is_read", read}};
      if (message.edit_date != 0) item["edit_date"] = message.edit_date;
      if (message.reply_to_id != 0) item["reply_to_message_id"] = message.reply_to_id;
      if (message.media) item["media"] = MediaSummary(world.cloud(), *message.media);
      if (message.media_album_id != 0) item["media_album_id"] = std::to_string(message.media_album_id);
      // TDLib's textEntity objects, so that tests can check formatting arrived.
      if (auto entities = message.text.find("entities"); entities != message.text.end() && !entities->empty()) {
        item["entities"] = *entities;
      }
      messages.push_back(item);
    }
  }
  return Reply(200, {{"messages", messages}});
}

ControlResponse ReadRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  if (!request.body.contains("with")) throw ControlError(400, "field 'with' is required");
  std::int64_t chat_id = ResolveChat(world, user.id, request.body["with"]);
  world.DeliverReads(world.cloud().Read(user.id, chat_id,
                                        request.body.value("up_to_message_id", std::int64_t{0})));
  return NoContent();
}

// The user's own message as they see it in the chat `with`; 404/400 otherwise.
static const StoredMessage& OwnMessage(World& world, std::int64_t user_id, std::int64_t chat_id,
                                       std::int64_t message_id) {
  const Dialog* dialog = world.cloud().FindDialog(user_id, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) throw ControlError(404, "no such message");
  const StoredMessage& message = dialog->messages.at(message_id);
  if (!message.outgoing) throw ControlError(400, "MESSAGE_AUTHOR_REQUIRED: not the user's own message");
  return message;
}

ControlResponse EditOwnMessageRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  if (!request.body.contains("with")) throw ControlError(400, "field 'with' is required");
  std::int64_t chat_id = ResolveChat(world, user.id, request.body["with"]);
  const std::int64_t message_id = request.body.value("message_id", std::int64_t{0});
  OwnMessage(world, user.id, chat_id, message_id);
  auto copies = world.cloud().Edit(user.id, chat_id, message_id, FormattedText(RequiredString(request.body, "text")),
                                   std::nullopt, world.scheduler().Now());
  world.DeliverEdits(copies);
  return Reply(200, {{"chat_id", chat_id}, {"message_id", message_id}});
}

ControlResponse DeleteOwnMessagesRoute(World& world, ControlRequest& request) {
  const User& user = UserByPhone(world, request.params[0]);
  if (!request.body.contains("with")) throw ControlError(400, "field 'with' is required");
  std::int64_t chat_id = ResolveChat(world, user.id, request.body["with"]);
  std::vector<std::int64_t> ids;
  for (const auto& id : request.body.value("message_ids", Json::array())) {
    if (!id.is_number_integer()) throw ControlError(400, "message_ids must be message ids");
    OwnMessage(world, user.id, chat_id, id.get<std::int64_t>());
    ids.push_back(id.get<std::int64_t>());
  }
  if (ids.empty()) throw ControlError(400, "field 'message_ids' is required");
  world.DeliverDeletions(world.cloud().Delete(user.id, chat_id, ids, request.body.value("revoke", true)), user.id);
  return NoContent();
}

}  // namespace tgsim
