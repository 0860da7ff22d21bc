// What a bot's client does beyond plain messages: reply markup on its messages
// (ReplyMarkup.cpp), callback queries (CallbackQueriesManager.cpp), bot commands
// (BotCommand.cpp), and the server's flood limits for bots and user accounts.
#include <chrono>
#include <cmath>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

Json ButtonStyle(const Json& button) {
  const Json& style = GetObject(button, "style");
  return style.is_null() ? Obj("buttonStyleDefault") : Obj(TypeOf(style));
}

// One inline button as TDLib shows it, or an error text.
std::optional<Json> InlineButton(const Json& button, std::string& error) {
  const Json& type = GetObject(button, "type");
  if (!IsValidUtf8(GetString(button, "text"))) error = "Inline keyboard button text must be encoded in UTF-8";
  else if (type.is_null()) error = "Inline keyboard button type must be non-empty";
  if (!error.empty()) return std::nullopt;
  Json out_type = Obj(TypeOf(type));
  if (TypeOf(type) == "inlineKeyboardButtonTypeCallback") {
    out_type["data"] = GetString(type, "data");  // base64, checked by the parser
  } else if (TypeOf(type) == "inlineKeyboardButtonTypeUrl") {
    std::string url = GetString(type, "url");
    if (!IsValidUtf8(url)) error = "Inline keyboard button URL must be encoded in UTF-8";
    else if (url.empty()) error = "Inline keyboard button URL must be non-empty";
    out_type["url"] = url;
  } else {
    error = "tgsim simulates only callback and URL inline keyboard buttons";
  }
  if (!error.empty()) return std::nullopt;
  Json out = Obj("inlineKeyboardButton");
  out["text"] = GetString(button, "text");
  out["icon_custom_emoji_id"] = Int64(0);
  out["style"] = ButtonStyle(button);
  out["type"] = out_type;
  return out;
}

std::optional<Json> KeyboardButton(const Json& button, bool private_chat, std::string& error) {
  const Json& type = GetObject(button, "type");
  std::string type_name = type.is_null() ? "keyboardButtonTypeText" : TypeOf(type);
  if (!IsValidUtf8(GetString(button, "text"))) error = "Keyboard button text must be encoded in UTF-8";
  else if (type_name == "keyboardButtonTypeRequestPhoneNumber" && !private_chat) {
    error = "Phone number can be requested in private chats only";
  } else if (type_name != "keyboardButtonTypeText" && type_name != "keyboardButtonTypeRequestPhoneNumber") {
    error = "tgsim simulates only text and phone number keyboard buttons";
  }
  if (!error.empty()) return std::nullopt;
  Json out = Obj("keyboardButton");
  out["text"] = GetString(button, "text");
  out["icon_custom_emoji_id"] = Int64(0);
  out["style"] = ButtonStyle(button);
  out["type"] = Obj(type_name);
  return out;
}

// Rows of buttons: empty-text buttons are skipped, at most 12 a row and 300 in all,
// empty rows dropped (ReplyMarkup.cpp).
template <typename MakeButton>
std::optional<Json> Rows(const Json& markup, MakeButton make, std::string& error) {
  Json rows = Json::array();
  int total = 0;
  const Json& in = markup.contains("rows") && markup["rows"].is_array() ? markup["rows"] : Json::array();
  for (const auto& row : in) {
    if (!row.is_array()) continue;
    Json out_row = Json::array();
    for (const auto& button : row) {
      if (!button.is_object() || GetString(button, "text").empty()) continue;
      std::optional<Json> made = make(button, error);
      if (!made) return std::nullopt;
      out_row.push_back(*made);
      ++total;
      if (out_row.size() >= 12 || total >= 300) break;
    }
    if (!out_row.empty()) rows.push_back(out_row);
    if (total >= 300) break;
  }
  return rows;
}

double SteadySeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::optional<Json> ClientSession::InputReplyMarkup(Request& request, std::int64_t chat_id,
                                                    bool only_inline) {
  const Json& markup = GetObject(request.object, "reply_markup");
  if (markup.is_null() || !is_bot_) return Json();  // users' markup is dropped, as in TDLib
  std::string type = TypeOf(markup), error;
  bool private_chat = chat_id > 0;
  std::optional<Json> rows;
  Json out = Obj(type);
  if (only_inline && type != "replyMarkupInlineKeyboard") {
    error = "Inline keyboard expected";
  } else if (type == "replyMarkupInlineKeyboard") {
    rows = Rows(markup, [](const Json& b, std::string& e) { return InlineButton(b, e); }, error);
    if (rows) out["rows"] = *rows;
  } else if (type == "replyMarkupShowKeyboard") {
    rows = Rows(markup, [private_chat](const Json& b, std::string& e) { return KeyboardButton(b, private_chat, e); },
                error);
    if (rows) {
      out["rows"] = *rows;
      out["is_persistent"] = GetBool(markup, "is_persistent");
      out["resize_keyboard"] = GetBool(markup, "resize_keyboard");
      out["one_time"] = GetBool(markup, "one_time");
      out["is_personal"] = GetBool(markup, "is_personal") && !private_chat;
      out["input_field_placeholder"] = GetString(markup, "input_field_placeholder");
    }
  } else if (type == "replyMarkupRemoveKeyboard") {
    out["is_personal"] = GetBool(markup, "is_personal") && !private_chat;
  } else if (type == "replyMarkupForceReply") {
    out["is_personal"] = GetBool(markup, "is_personal") && !private_chat;
    out["input_field_placeholder"] = GetString(markup, "input_field_placeholder");
  }
  if (!error.empty()) {
    RespondError(request, 400, error);
    return std::nullopt;
  }
  if (rows && rows->empty()) return Json();  // nothing left: no markup
  return out;
}

std::optional<Json> ClientSession::SendRefusal(std::int64_t chat_id, std::int64_t topic_id) {
  if (std::optional<Json> topic = TopicRefusal(chat_id, topic_id)) return topic;
  const User* peer = chat_id > 0 ? world_.cloud().FindUser(chat_id) : nullptr;
  // The server's INPUT_USER_DEACTIVATED, which process_send_message_fail_error turns into
  // 403 "User is deactivated" (only reached by a client that has not yet seen the deletion).
  if (peer != nullptr && peer->deleted) return MakeError(403, "User is deactivated");
  if (!is_bot_) {
    // Telegram's spam limit on new chats: the server's 400 PEER_FLOOD, passed through.
    if (chat_id > 0 && world_.cloud().PeerFloodBlocks(user_id_, chat_id)) return MakeError(400, "PEER_FLOOD");
    // "Who can message me: contacts": the server's 403 PRIVACY_PREMIUM_REQUIRED, which
    // MessagesManager::process_send_message_fail_error turns into a 400.
    if (chat_id > 0 && !world_.cloud().MayWritePrivately(user_id_, chat_id)) {
      return MakeError(400, "PRIVACY_PREMIUM_REQUIRED");
    }
    return std::nullopt;
  }
  if (peer != nullptr && peer->is_bot) return MakeError(403, "The bot can't send messages to the bot");  // USER_IS_BOT
  if (chat_id > 0 && !world_.cloud().BotMayWrite(user_id_, chat_id)) {
    // The server's PEER_ID_INVALID, as MessagesManager::on_send_message_fail words it.
    return MakeError(403, "Bot can't initiate conversation with a user");
  }
  return std::nullopt;
}

bool ClientSession::HoldSend(std::int64_t chat_id, std::int64_t temp_id, std::function<void()> retry,
                            std::function<void(Json)> fail, std::int64_t topic_id) {
  const std::pair<std::int64_t, std::int64_t> key{chat_id, temp_id};
  if (std::optional<Json> refusal = SendRefusal(chat_id, topic_id)) {
    flood_waited_.erase(key);
    fail(*refusal);
    return true;
  }
  int wait = SendFloodWait(chat_id);
  if (wait == 0) {
    flood_waited_.erase(key);
    return false;
  }
  // The server's FLOOD_WAIT_N goes to NetQueryDelayer: it adds N to the query's total
  // and resends after N s while the total stays within the limit NetQueryCreator gave
  // the query (60 s for a user, 8 s for a bot: NetQueryCreator's total_timeout_limit);
  // beyond it the query fails with 429 and the last N.
  const int limit = is_bot_ ? 8 : 60;
  int total = flood_waited_[key] += wait;
  if (total > limit) {
    flood_waited_.erase(key);
    fail(MakeError(429, "Too Many Requests: retry after " + std::to_string(wait)));
    return true;
  }
  std::weak_ptr<ClientSession> weak = weak_from_this();
  world_.scheduler().After(wait, [weak, retry] {
    if (auto self = weak.lock(); self && self->state_ == AuthState::kReady) retry();
  });
  return true;
}

int ClientSession::SendFloodWait(std::int64_t chat_id) {
  if (!is_bot_) return world_.cloud().TakeUserSendSlot(user_id_, SteadySeconds());
  return world_.cloud().TakeBotSendSlot(user_id_, chat_id, SteadySeconds());
}

void ClientSession::HandleEditMessageReplyMarkup(Request& request) {
  if (!is_bot_) return RespondError(request, 400, "Only bots can use the method");
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  if (!CheckChat(request, chat_id)) return;
  std::optional<Json> markup = InputReplyMarkup(request, chat_id, true);
  if (!markup) return;
  Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) {
    return RespondError(request, 400, "Message not found");
  }
  if (!dialog->messages.at(message_id).outgoing) return RespondError(request, 400, "Message can't be edited");
  CallServer(request, [this, chat_id, message_id, markup](Request& r) {
    // messages.editMessage with nothing to change.
    const Dialog* before = world_.cloud().FindDialog(user_id_, chat_id);
    if (before != nullptr && before->messages.contains(message_id) &&
        before->messages.at(message_id).reply_markup == *markup) {
      return RespondError(r, 400, "MESSAGE_NOT_MODIFIED");
    }
    auto copies = world_.cloud().Edit(user_id_, chat_id, message_id, std::nullopt, *markup, world_.scheduler().Now());
    world_.DeliverEdits(copies, /*content_changed=*/false);
    const Dialog* d = world_.cloud().FindDialog(user_id_, chat_id);
    if (d == nullptr || !d->messages.contains(message_id)) return RespondError(r, 400, "Message not found");
    Respond(r, MessageObject(chat_id, d->messages.at(message_id), files_));
  });
}

void ClientSession::OnCallbackQuery(const CallbackQuery& query) {
  if (state_ != AuthState::kReady) return;
  EnsureUser(query.user_id);
  EnsureChat(query.bot_chat_id);
  Json payload = Obj("callbackQueryPayloadData");
  payload["data"] = Base64Encode(query.data);
  Json update = Obj("updateNewCallbackQuery");
  update["id"] = Int64(query.id);
  update["sender_user_id"] = query.user_id;
  update["chat_id"] = query.bot_chat_id;
  update["message_id"] = query.bot_message_id;
  // A stable identifier of the chat between these two users.
  update["chat_instance"] = Int64(((query.bot_id * 1000003) ^ query.user_id) & 0x7fffffffffffffffLL);
  update["payload"] = payload;
  Emit(update);
}

void ClientSession::HandleAnswerCallbackQuery(Request& request) {
  if (!is_bot_) return RespondError(request, 400, "Only bots can use the method");
  std::int64_t id = GetInt(request.object, "callback_query_id");
  if (!IsValidUtf8(GetString(request.object, "text")) || !IsValidUtf8(GetString(request.object, "url"))) {
    return RespondError(request, 400, "Strings must be encoded in UTF-8");
  }
  CallServer(request, [this, id](Request& r) {
    CallbackQuery* query = world_.cloud().FindCallbackQuery(id);
    // messages.setBotCallbackAnswer: an unknown, foreign or already answered query.
    if (query == nullptr || query->bot_id != user_id_ || query->answered) {
      return RespondError(r, 400, "QUERY_ID_INVALID");
    }
    query->answered = true;
    query->answer_text = GetString(r.object, "text");
    query->answer_url = GetString(r.object, "url");
    query->show_alert = GetBool(r.object, "show_alert");
    Respond(r, Obj("ok"));
  });
}

}  // namespace tgsim
