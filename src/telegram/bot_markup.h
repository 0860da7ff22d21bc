// What a bot's client adds to an account's (docs/bots.md): buttons under its
// messages and keyboards (reply markup), the presses of inline buttons
// (callback queries), the command menu, and contacts people share with it.
// Typed values, no JSON; account_bot.cpp turns them into TDLib's objects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tgmux::telegram {

// One button. Inline buttons (under a message) are kCallback or kUrl; keyboard
// buttons (replacing the person's keyboard) are kText or kRequestPhone.
struct BotButton {
  enum class Kind {
    kCallback,      // inline: pressing it sends `data` back as a CallbackQuery
    kUrl,           // inline: opens `data` (a URL)
    kText,          // keyboard: sends its text as a message
    kRequestPhone,  // keyboard: shares the person's own number as a contact
  };
  Kind kind = Kind::kCallback;
  std::string text;
  std::string data;  // kCallback: at most 64 bytes; kUrl: the URL

  static BotButton Callback(std::string text, std::string data) {
    return {Kind::kCallback, std::move(text), std::move(data)};
  }
  static BotButton Url(std::string text, std::string url) { return {Kind::kUrl, std::move(text), std::move(url)}; }
  static BotButton Text(std::string text) { return {Kind::kText, std::move(text), {}}; }
  static BotButton RequestPhone(std::string text) { return {Kind::kRequestPhone, std::move(text), {}}; }

  bool operator==(const BotButton&) const = default;
};

struct ReplyMarkup {
  enum class Kind {
    kNone,            // no markup (an edit with kNone removes inline buttons)
    kInline,          // replyMarkupInlineKeyboard
    kKeyboard,        // replyMarkupShowKeyboard (one_time, resized)
    kRemoveKeyboard,  // replyMarkupRemoveKeyboard
  };
  Kind kind = Kind::kNone;
  std::vector<std::vector<BotButton>> rows;
  std::string placeholder;  // kKeyboard: shown in the input field

  static ReplyMarkup Inline(std::vector<std::vector<BotButton>> rows) { return {Kind::kInline, std::move(rows), {}}; }
  static ReplyMarkup Keyboard(std::vector<std::vector<BotButton>> rows, std::string placeholder = {}) {
    return {Kind::kKeyboard, std::move(rows), std::move(placeholder)};
  }
  static ReplyMarkup RemoveKeyboard() { return {Kind::kRemoveKeyboard, {}, {}}; }

  bool operator==(const ReplyMarkup&) const = default;
};

// A press of an inline button under one of the bot's messages
// (updateNewCallbackQuery with callbackQueryPayloadData).
struct CallbackQuery {
  std::int64_t id = 0;
  std::int64_t sender_user_id = 0;
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::string data;
};

// One entry of the command menu: "account" (without '/') and what it does.
struct BotCommand {
  std::string command;
  std::string description;
};

}  // namespace tgmux::telegram
