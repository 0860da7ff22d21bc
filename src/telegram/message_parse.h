// TDLib message, chat and formatted-text objects to the typed values of
// messages.h and back. Internal to telegram/. Missing fields take defaults and
// unknown fields are ignored (the schema changes between TDLib versions).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "telegram/messages.h"

namespace tgmux::telegram {

// A `message` object; nullopt when it is not one.
std::optional<Message> ParseMessage(const nlohmann::json& message);

// A `formattedText` object (missing: empty text).
FormattedText ParseFormattedText(const nlohmann::json& text);

// The `formattedText` TDLib expects in requests.
nlohmann::json FormattedTextJson(const FormattedText& text);

// A `chat` object; nullopt when it is not one. `username` stays empty: TDLib
// keeps it on the user or supergroup, not on the chat.
std::optional<Chat> ParseChat(const nlohmann::json& chat);

// The order of a chat in the main list from a `chatPosition`; nullopt when the
// position is about another list (archive, folders).
std::optional<std::int64_t> MainListOrder(const nlohmann::json& position);

// An int53/int64 field, which TDLib writes as a Number or (int64) a String.
std::int64_t IntField(const nlohmann::json& object, const char* name);
// An int32 field (offsets, lengths, counts, error codes): 0 when it is missing,
// not an integer, or out of int32's range (never a float converted).
std::int32_t Int32Field(const nlohmann::json& object, const char* name);

// Length in UTF-16 code units of valid UTF-8 text: how TDLib and Telegram
// measure message length and entity offsets.
std::size_t Utf16Length(std::string_view utf8);

}  // namespace tgmux::telegram
