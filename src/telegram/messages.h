// Typed messages and chats the TDLib adapter hands to the layers above (no
// JSON). Ids are TDLib's: message ids are server ids x 2^20, chat ids of
// private chats equal the user id, basic groups are -id, supergroups and
// channels -100... (tdlib-facts §7.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telegram/media.h"

namespace tgmux::telegram {

// One formatting entity. Offsets and lengths count UTF-16 code units, as in
// TDLib and the Bot API.
struct TextEntity {
  // TDLib's textEntityType in snake case: "bold", "italic", "underline",
  // "strikethrough", "spoiler", "code", "pre", "pre_code", "text_url",
  // "mention_name", "block_quote", "custom_emoji", and the kinds TDLib detects
  // by itself ("mention", "url", "hashtag", "email_address", ...).
  std::string type = {};
  int offset = 0;
  int length = 0;
  // Defaults everywhere, so that {"bold", 0, 4} needs no more.
  std::string url = {};           // text_url
  std::int64_t user_id = 0;       // mention_name
  std::string language = {};      // pre_code
  std::string custom_emoji_id = {};  // custom_emoji (an int64 as text)

  bool operator==(const TextEntity&) const = default;
};

struct FormattedText {
  std::string text = {};  // UTF-8
  std::vector<TextEntity> entities = {};

  bool operator==(const FormattedText&) const = default;
};

// How AccountClient::ParseText reads formatting marks.
enum class ParseMode {
  kNone,        // plain text, no entities
  kMarkdown,    // TDLib's parseMarkdown: **bold**, __italic__, ~~strike~~,
                // ||spoiler||, `code`, [text](url); lenient, never fails
  kMarkdownV2,  // the Bot API's MarkdownV2: *bold* _italic_; reserved characters
                // such as '.' must be escaped, or the text is refused
  kHtml,        // <b>, <i>, <u>, <s>, <code>, <pre>, <a href>, <tg-spoiler>
};

enum class ChatType { kPrivate, kGroup, kSupergroup, kChannel };

// "private", "group", "supergroup", "channel".
std::string_view ChatTypeName(ChatType type);

// Who sent a message: a user, or a chat (channel posts, anonymous admins).
struct MessageSender {
  std::int64_t user_id = 0;  // 0 when a chat sent it
  std::int64_t chat_id = 0;  // 0 when a user sent it
  // From TDLib's updates when the adapter has seen them; may be empty.
  std::string username;  // primary active username, without '@'
  std::string name;      // "First Last", or the chat title
  bool is_bot = false;   // a bot user, when the adapter has seen the user
};

// A contact shared in a message (messageContact), e.g. a person's own number
// through a bot's "share my phone number" button.
struct SharedContact {
  std::string phone;   // digits as Telegram has them, maybe with '+'; never log unmasked
  std::string first_name;
  std::string last_name;
  std::int64_t user_id = 0;  // the Telegram user with that number; 0 when unknown

  bool operator==(const SharedContact&) const = default;
};

struct Message {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  MessageSender sender;
  bool is_outgoing = false;
  std::int64_t date = 0;       // unix seconds
  std::int64_t edit_date = 0;  // 0 when never edited
  // "text" for text messages; TDLib's content kind in snake case otherwise
  // ("photo", "document", "voice_note", "sticker", ...).
  std::string content_type;
  // The text of a text message, the caption of a media message; empty for others.
  FormattedText text;
  // The file of a photo, document, video, voice note, audio or animation.
  std::optional<MediaInfo> media;
  // content_type "contact": the contact.
  std::optional<SharedContact> contact;
  std::int64_t reply_to_message_id = 0;  // 0: not a reply (or a reply into another chat)
  std::int64_t topic_id = 0;             // the forum topic of a message in a forum supergroup; 0 otherwise
  // The kind of chat it is in, from what TDLib announced about the chat; from
  // the id's form when the chat is unknown (supergroups then count as groups).
  ChatType chat_type = ChatType::kPrivate;
};

struct Chat {
  std::int64_t chat_id = 0;
  ChatType type = ChatType::kPrivate;
  std::int64_t user_id = 0;  // kPrivate: the other user
  std::string title;
  std::string username;  // public username of the user/supergroup/channel, "" if none or unknown
  int unread_count = 0;
  std::int64_t last_read_inbox_message_id = 0;
  std::int64_t last_read_outbox_message_id = 0;
  std::optional<Message> last_message;
  // Position in the main chat list (descending order is the list's order);
  // 0 when the chat is not in it.
  std::int64_t order = 0;
};

// One page of a message search (searchChatMessages, searchMessages), newest first.
struct FoundMessages {
  std::vector<Message> messages;
  int total_count = 0;  // Telegram's estimate of every match; -1 when it does not say
  // Where the next page starts, to pass back to the same search. In one chat the id
  // of the last message listed (0: no more); across chats TDLib's offset ("": no
  // more). Telegram may hand out a start even after the last page, which then
  // comes back empty.
  std::int64_t next_from_message_id = 0;
  std::string next_offset;
};

// An edit of a message: its new text or caption (empty if it has neither).
struct MessageEdit {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::int64_t edit_date = 0;
  FormattedText text;
};

// TDLib's limit on a message's text, in UTF-16 code units, unless TDLib
// announces another (option message_text_length_max).
constexpr int kDefaultTextLengthMax = 4096;

}  // namespace tgmux::telegram
