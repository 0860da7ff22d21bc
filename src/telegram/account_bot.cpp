// AccountClient: what only bots do (bot_markup.h): messages with buttons and
// keyboards, edits of them, answers to pressed buttons, the command menu, and
// updateNewCallbackQuery. TDLib's `bytes` fields (callback data) are base64.
#include <nlohmann/json.hpp>

#include "telegram/account_client.h"
#include "telegram/encoding.h"
#include "telegram/media_json.h"
#include "telegram/message_answers.h"
#include "telegram/message_parse.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;
using ButtonKind = BotButton::Kind;
using MarkupKind = ReplyMarkup::Kind;

constexpr std::size_t kMaxCallbackData = 64;  // bytes; Telegram answers BUTTON_DATA_INVALID

Error BadMarkup(const std::string& why) { return Error(ErrorCode::kInvalidRequest, "reply markup: " + why); }

bool IsInlineKind(ButtonKind kind) { return kind == ButtonKind::kCallback || kind == ButtonKind::kUrl; }

json InlineButton(const BotButton& button) {
  json type = button.kind == ButtonKind::kCallback
                  ? json{{"@type", "inlineKeyboardButtonTypeCallback"}, {"data", EncodeBase64(button.data)}}
                  : json{{"@type", "inlineKeyboardButtonTypeUrl"}, {"url", button.data}};
  return {{"@type", "inlineKeyboardButton"}, {"text", button.text}, {"type", std::move(type)}};
}

json KeyboardButton(const BotButton& button) {
  const char* type =
      button.kind == ButtonKind::kRequestPhone ? "keyboardButtonTypeRequestPhoneNumber" : "keyboardButtonTypeText";
  return {{"@type", "keyboardButton"}, {"text", button.text}, {"type", {{"@type", type}}}};
}

// Every button fits the markup's kind and carries what it needs.
std::optional<Error> CheckButtons(const ReplyMarkup& markup) {
  if (markup.rows.empty()) return BadMarkup("a keyboard needs at least one button");
  for (const auto& row : markup.rows) {
    if (row.empty()) return BadMarkup("a row of buttons is empty");
    for (const auto& button : row) {
      if (button.text.empty()) return BadMarkup("a button has no text");
      if ((markup.kind == MarkupKind::kInline) != IsInlineKind(button.kind)) {
        return BadMarkup(markup.kind == MarkupKind::kInline ? "buttons under a message are callback or URL buttons"
                                                            : "keyboard buttons are text or request-phone buttons");
      }
      if (button.kind == ButtonKind::kCallback && button.data.size() > kMaxCallbackData) {
        return BadMarkup("callback data is at most 64 bytes");
      }
      if (button.kind == ButtonKind::kUrl && button.data.empty()) return BadMarkup("a URL button has no URL");
    }
  }
  return std::nullopt;
}

// TDLib's ReplyMarkup object, null for kNone; `only_inline` for edits, which
// take inline buttons only.
Result<json> MarkupJson(const ReplyMarkup& markup, bool only_inline) {
  if (markup.kind == MarkupKind::kNone) return json(nullptr);
  if (only_inline && markup.kind != MarkupKind::kInline) {
    return BadMarkup("an edit can only set buttons under the message");
  }
  if (markup.kind == MarkupKind::kRemoveKeyboard) return json{{"@type", "replyMarkupRemoveKeyboard"}};
  if (auto error = CheckButtons(markup)) return *error;
  bool inline_keyboard = markup.kind == MarkupKind::kInline;
  json rows = json::array();
  for (const auto& row : markup.rows) {
    json out = json::array();
    for (const auto& button : row) out.push_back(inline_keyboard ? InlineButton(button) : KeyboardButton(button));
    rows.push_back(std::move(out));
  }
  if (inline_keyboard) return json{{"@type", "replyMarkupInlineKeyboard"}, {"rows", std::move(rows)}};
  return json{{"@type", "replyMarkupShowKeyboard"},
              {"rows", std::move(rows)},
              {"resize_keyboard", true},
              {"one_time", true},
              {"input_field_placeholder", markup.placeholder}};
}

std::optional<Error> CheckPhoto(const MediaToSend& photo) {
  if (photo.local_path.empty() == photo.remote_id.empty()) {
    return Error(ErrorCode::kInvalidRequest, "A file to send needs a local path or a remote id");
  }
  return std::nullopt;
}

MediaToSend AsPhoto(MediaToSend photo) {
  photo.kind = MediaKind::kPhoto;
  return photo;
}

json DefaultScope() { return {{"@type", "botCommandScopeDefault"}}; }

}  // namespace

void AccountClient::SendBotText(std::int64_t chat_id, const FormattedText& text, const ReplyMarkup& markup,
                                std::int64_t reply_to_message_id, MessageDone done) {
  auto markup_json = MarkupJson(markup, false);
  if (!markup_json.ok()) return FailTyped<Message>(hub_, std::move(done), markup_json.error());
  if (auto error = CheckText(text)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  SendContent(chat_id, InputText(text), reply_to_message_id, false, std::move(done), nullptr, markup_json.value());
}

void AccountClient::SendBotPhoto(std::int64_t chat_id, const MediaToSend& photo, const FormattedText& caption,
                                 const ReplyMarkup& markup, MessageDone done) {
  SendBotMedia(chat_id, AsPhoto(photo), caption, markup, std::move(done));
}

void AccountClient::SendBotMedia(std::int64_t chat_id, const MediaToSend& media, const FormattedText& caption,
                                 const ReplyMarkup& markup, MessageDone done) {
  auto markup_json = MarkupJson(markup, false);
  if (!markup_json.ok()) return FailTyped<Message>(hub_, std::move(done), markup_json.error());
  if (auto error = CheckCaption(caption)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  if (auto error = CheckPhoto(media)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  SendContent(chat_id, InputMediaContent(media, caption), 0, false, std::move(done), nullptr, markup_json.value());
}

void AccountClient::EditBotText(std::int64_t chat_id, std::int64_t message_id, const FormattedText& text,
                                const ReplyMarkup& markup, MessageDone done) {
  auto markup_json = MarkupJson(markup, true);
  if (!markup_json.ok()) return FailTyped<Message>(hub_, std::move(done), markup_json.error());
  if (auto error = CheckText(text)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  json request = {{"@type", "editMessageText"},
                  {"chat_id", chat_id},
                  {"message_id", message_id},
                  {"reply_markup", markup_json.value()},
                  {"input_message_content", InputText(text)}};
  hub_.Send(client_id_, std::move(request), Typed<Message>(std::move(done), MessageParser(chats_, "editMessageText")));
}

void AccountClient::EditBotPhoto(std::int64_t chat_id, std::int64_t message_id, const MediaToSend& photo,
                                 const FormattedText& caption, const ReplyMarkup& markup, MessageDone done) {
  auto markup_json = MarkupJson(markup, true);
  if (!markup_json.ok()) return FailTyped<Message>(hub_, std::move(done), markup_json.error());
  if (auto error = CheckCaption(caption)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  if (auto error = CheckPhoto(photo)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  json request = {{"@type", "editMessageMedia"},
                  {"chat_id", chat_id},
                  {"message_id", message_id},
                  {"reply_markup", markup_json.value()},
                  {"input_message_content", InputMediaContent(AsPhoto(photo), caption)}};
  hub_.Send(client_id_, std::move(request), Typed<Message>(std::move(done), MessageParser(chats_, "editMessageMedia")));
}

void AccountClient::EditBotMarkup(std::int64_t chat_id, std::int64_t message_id, const ReplyMarkup& markup,
                                  MessageDone done) {
  auto markup_json = MarkupJson(markup, true);
  if (!markup_json.ok()) return FailTyped<Message>(hub_, std::move(done), markup_json.error());
  json request = {{"@type", "editMessageReplyMarkup"},
                  {"chat_id", chat_id},
                  {"message_id", message_id},
                  {"reply_markup", markup_json.value()}};
  hub_.Send(client_id_, std::move(request),
            Typed<Message>(std::move(done), MessageParser(chats_, "editMessageReplyMarkup")));
}

void AccountClient::AnswerCallbackQuery(std::int64_t query_id, const std::string& text, bool alert, Done done) {
  Call({{"@type", "answerCallbackQuery"},
        {"callback_query_id", std::to_string(query_id)},
        {"text", text},
        {"show_alert", alert},
        {"url", ""},
        {"cache_time", 0}},
       std::move(done));
}

void AccountClient::SetCommands(const std::vector<BotCommand>& commands, Done done) {
  json list = json::array();
  for (const auto& command : commands) {
    list.push_back({{"@type", "botCommand"}, {"command", command.command}, {"description", command.description}});
  }
  Call({{"@type", "setCommands"}, {"scope", DefaultScope()}, {"language_code", ""}, {"commands", std::move(list)}},
       std::move(done));
}

void AccountClient::GetCommands(std::function<void(Result<std::vector<BotCommand>>)> done) {
  auto parse = [](const json& answer) -> Result<std::vector<BotCommand>> {
    if (answer.value("@type", "") != "botCommands") return UnexpectedAnswer("getCommands");
    std::vector<BotCommand> commands;
    for (const auto& item : answer.value("commands", json::array())) {
      if (!item.is_object()) continue;
      commands.push_back({item.value("command", ""), item.value("description", "")});
    }
    return commands;
  };
  hub_.Send(client_id_, {{"@type", "getCommands"}, {"scope", DefaultScope()}, {"language_code", ""}},
            Typed<std::vector<BotCommand>>(std::move(done), parse));
}

void AccountClient::OnCallbackQuery(const json& update) {
  // Only presses of callback buttons; games and inline-mode payloads are not ours.
  auto payload = update.find("payload");
  if (payload == update.end() || !payload->is_object() || payload->value("@type", "") != "callbackQueryPayloadData") {
    return;
  }
  auto data = DecodeBase64(payload->value("data", ""));
  if (!data) return;
  CallbackQuery query{IntField(update, "id"), IntField(update, "sender_user_id"), IntField(update, "chat_id"),
                      IntField(update, "message_id"), std::move(*data)};
  auto on_callback_query = callbacks_.on_callback_query;
  if (on_callback_query) on_callback_query(query);
}

}  // namespace tgmux::telegram
