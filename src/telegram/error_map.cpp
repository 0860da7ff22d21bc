#include "telegram/error_map.h"

#include <array>
#include <charconv>
#include <optional>
#include <string>

namespace tgmux::telegram {
namespace {

enum class Match { kExact, kPrefix, kAnyMessage };

struct Rule {
  int td_code;             // 0: any code
  Match match;
  std::string_view pattern;
  ErrorCode code;
  std::string_view text;   // public message; empty: "Telegram error N: <message>"
  bool retry_after = false;  // the rest of the message after `pattern` is N seconds
  AccountVerdict verdict = AccountVerdict::kNone;  // what it says about the account
};

using enum ErrorCode;
using enum Match;
using enum AccountVerdict;

// First matching rule wins, so specific messages come before code-wide rules
// (PHONE_NUMBER_INVALID is 406 in some server versions, and must still map).
constexpr std::array kRules = {
    // Login steps.
    Rule{0, kExact, "PHONE_CODE_INVALID", kCodeInvalid, "The login code is wrong"},
    Rule{0, kExact, "PHONE_CODE_EMPTY", kCodeInvalid, "The login code is empty"},
    Rule{0, kExact, "PHONE_CODE_EXPIRED", kCodeExpired, "The login code has expired; request a new one"},
    Rule{0, kExact, "PASSWORD_HASH_INVALID", kPasswordInvalid, "The 2FA password is wrong"},
    Rule{0, kExact, "SESSION_PASSWORD_NEEDED", kPasswordNeeded, "The account needs its 2FA password"},
    Rule{0, kExact, "PHONE_NUMBER_INVALID", kInvalidPhone, "Telegram says the phone number is invalid"},
    Rule{0, kExact, "Phone number must be non-empty", kInvalidPhone, "The phone number is empty"},
    Rule{0, kExact, "PHONE_NUMBER_BANNED", kForbidden, "This phone number is banned by Telegram", false, kBanned},
    Rule{0, kExact, "First name must be non-empty", kInvalidRequest, "The first name is empty"},
    Rule{0, kExact, "Another authorization query has started", kConflict,
         "Another login step was started on this account"},
    Rule{0, kPrefix, "Call to ", kConflict, "This login step does not fit the account's login state"},
    Rule{0, kExact, "Authentication code can't be resend", kConflict,
         "Telegram offers no other way to send the code yet"},
    Rule{0, kExact, "Already logging out", kAccountNotReady, "The account is already logging out"},
    Rule{0, kExact, "Already logged out", kAccountNotReady, "The account is already logged out"},
    Rule{0, kExact, "ACCESS_TOKEN_INVALID", kBotTokenInvalid, "Telegram does not know this bot token"},
    Rule{0, kExact, "ACCESS_TOKEN_EXPIRED", kBotTokenInvalid, "This bot token was revoked; get a new one from @BotFather"},
    // Peers and messages.
    Rule{0, kExact, "USERNAME_NOT_OCCUPIED", kPeerNotFound, "No Telegram user or chat has this username"},
    Rule{0, kExact, "USERNAME_INVALID", kPeerNotFound, "The username is invalid"},
    Rule{0, kExact, "Username is invalid", kPeerNotFound, "The username is invalid"},
    Rule{0, kExact, "Chat not found", kPeerNotFound, "Chat not found"},
    Rule{0, kExact, "User not found", kPeerNotFound, "User not found"},
    Rule{0, kExact, "Chat info not found", kPeerNotFound, "User or chat not found"},
    Rule{0, kExact, "Invalid user identifier", kPeerNotFound, "User not found"},
    Rule{0, kExact, "Invalid chat identifier specified", kPeerNotFound, "Chat not found"},
    Rule{0, kExact, "PEER_ID_INVALID", kPeerNotFound, "User or chat not found"},
    Rule{0, kExact, "Can't access the chat", kForbidden, "The account cannot access this chat"},
    Rule{0, kExact, "PRIVACY_PREMIUM_REQUIRED", kForbidden,
         "This person accepts new chats only from their contacts and Telegram Premium users"},
    Rule{0, kExact, "PEER_FLOOD", kForbidden,
         "Telegram limits this account: it may not start new chats with people who are not its contacts for now "
         "(PEER_FLOOD, Telegram's spam limit)",
         false, kLimited},
    // A 401 a request met when Telegram had banned the account (tdlib-facts §5.9): before the code-wide 401.
    Rule{0, kExact, "USER_DEACTIVATED_BAN", kForbidden, "Telegram has banned this account (USER_DEACTIVATED_BAN)",
         false, kBanned},
    Rule{0, kExact, "USER_IS_BLOCKED", kForbidden, "This person has blocked the account"},
    Rule{0, kExact, "USER_ALREADY_PARTICIPANT", kConflict, "The account is already a member of this chat"},
    Rule{0, kExact, "INVITE_HASH_EXPIRED", kNotFound, "The invite link has expired or was revoked"},
    Rule{0, kExact, "INVITE_HASH_INVALID", kNotFound, "The invite link is not valid"},
    Rule{0, kExact, "Wrong invite link", kInvalidRequest, "This is not an invite link"},
    Rule{0, kExact, "CHANNEL_PRIVATE", kForbidden, "The chat is private: the account can join it only by an invite link"},
    Rule{0, kExact, "CHANNELS_TOO_MUCH", kForbidden, "The account is in too many groups and channels to join another"},
    Rule{0, kExact, "Have no write access to the chat", kForbidden, "The account cannot write to this chat"},
    Rule{0, kExact, "Message not found", kNotFound, "Message not found"},
    Rule{0, kExact, "MESSAGE_NOT_MODIFIED", kInvalidRequest,
         "MESSAGE_NOT_MODIFIED: the message already has this content and these buttons"},
    Rule{0, kExact, "Message can't be edited", kForbidden,
         "Telegram does not allow editing this message (only the account's own recent messages)"},
    Rule{0, kPrefix, "Message can't be deleted", kForbidden, "Telegram does not allow deleting this message"},
    Rule{404, kExact, "Not Found", kNotFound, "Not found"},
    Rule{0, kExact, "Text must be non-empty", kInvalidRequest, "The text is empty"},
    Rule{0, kExact, "Message is too long", kInvalidRequest, "The message is too long"},
    Rule{0, kExact, "MESSAGE_TOO_LONG", kInvalidRequest, "The message is too long"},
    Rule{0, kExact, "Invalid offset specified", kInvalidRequest, "The search cursor is not valid"},
    Rule{0, kExact, "Strings must be encoded in UTF-8", kInvalidRequest, "Text must be valid UTF-8"},
    Rule{0, kExact, "Text must be encoded in UTF-8", kInvalidRequest, "Text must be valid UTF-8"},
    // Bots: people who never wrote to the bot or blocked it, other bots, bot-only methods.
    Rule{0, kExact, "Bot can't initiate conversation with a user", kForbidden,
         "The person has not started a chat with the bot"},
    Rule{0, kExact, "Bot was blocked by the user", kForbidden, "The person has blocked the bot"},
    Rule{0, kExact, "USER_IS_BLOCKED", kForbidden, "The person has blocked the bot"},
    Rule{0, kExact, "Bot can't send messages to bots", kForbidden, "A bot cannot write to another bot"},
    Rule{0, kExact, "The bot can't send messages to the bot", kForbidden, "A bot cannot write to another bot"},
    Rule{0, kExact, "USER_IS_BOT", kForbidden, "A bot cannot write to another bot"},
    Rule{0, kExact, "Only bots can use the method", kForbidden, "Only bot accounts can do this"},
    Rule{0, kExact, "The method is not available to bots", kForbidden, "Bot accounts cannot do this"},
    Rule{0, kExact, "QUERY_ID_INVALID", kInvalidRequest,
         "The callback query is unknown, too old, or already answered"},
    Rule{0, kExact, "BUTTON_DATA_INVALID", kInvalidRequest, "A button's callback data is invalid (at most 64 bytes)"},
    Rule{0, kExact, "Inline keyboard expected", kInvalidRequest, "Only inline buttons can be set on a message"},
    Rule{0, kExact, "BOT_COMMAND_INVALID", kInvalidRequest,
         "A command is invalid (1-32 of a-z, 0-9 and _; a description of 1-256 characters)"},
    // Files.
    Rule{0, kExact, "Message caption is too long", kInvalidRequest, "The caption is too long"},
    Rule{0, kExact, "File must be non-empty", kInvalidRequest, "The file is empty"},
    Rule{0, kPrefix, "File of size ", kInvalidRequest, "The file is larger than Telegram allows"},
    Rule{0, kPrefix, "Can't use file of type ", kInvalidRequest, "The file cannot be sent as this type"},
    Rule{0, kPrefix, "Wrong remote file identifier specified", kNotFound, "This account has no such file"},
    Rule{0, kExact, "Need full local (or generate, or inactive remote) location for upload", kNotFound,
         "This account can no longer use this file"},
    Rule{0, kExact, "File download has failed or was canceled", kNotFound,
         "Telegram no longer gives this account this file"},
    Rule{0, kExact, "File not found", kNotFound, "File not found"},
    Rule{0, kExact, "Can't find real file path", kInternal, "The file to upload is missing"},
    // Flood waits: TDLib's own form, then the raw server forms.
    Rule{429, kPrefix, "Too Many Requests: retry after ", kFloodWait, "", true},
    Rule{0, kPrefix, "FLOOD_WAIT_", kFloodWait, "", true},
    Rule{0, kPrefix, "SLOWMODE_WAIT_", kFloodWait, "", true},
    // Configuration and local database.
    Rule{0, kPrefix, "Valid api_id must be provided", kTelegramNotConfigured,
         "Set TELEGRAM_API_ID (from https://my.telegram.org)"},
    Rule{0, kPrefix, "Valid api_hash must be provided", kTelegramNotConfigured,
         "Set TELEGRAM_API_HASH (from https://my.telegram.org)"},
    Rule{0, kExact, "API_ID_INVALID", kTelegramNotConfigured, "Telegram rejects the configured api_id/api_hash"},
    Rule{0, kExact, "API_ID_PUBLISHED_FLOOD", kTelegramNotConfigured,
         "Telegram rejects the configured api_id (published); use your own"},
    Rule{401, kExact, "Wrong database encryption key", kInternal,
         "The account's database key does not match its TDLib database (key mismatch)"},
    Rule{0, kPrefix, "Can't lock file", kInternal, "The account's TDLib database is in use by another client"},
    Rule{0, kPrefix, "Can't init", kInternal, "The account's TDLib database directory cannot be used"},
    Rule{0, kExact, "Initialization parameters are needed: call setTdlibParameters first", kAccountNotReady,
         "The account's Telegram client is not started"},
    Rule{0, kExact, "Unexpected setTdlibParameters", kInternal, "The account's Telegram client was started twice"},
    Rule{0, kPrefix, "Failed to parse", kInternal, "TDLib could not parse a request from tgmux"},
    Rule{0, kExact, "Invalid TDLib instance specified", kInternal, "Unknown TDLib client"},
    // Code-wide rules last.
    Rule{500, kExact, "Request aborted", kAccountNotReady,
         "The account's Telegram client is closing; the request was aborted"},
    Rule{401, kAnyMessage, "", kAccountNotReady, "The account is not logged in"},
    Rule{406, kAnyMessage, "", kTelegramError, "Telegram refused the request"},
};

bool Matches(const Rule& rule, int code, std::string_view message) {
  if (rule.td_code != 0 && rule.td_code != code) return false;
  switch (rule.match) {
    case kExact: return message == rule.pattern;
    case kPrefix: return message.starts_with(rule.pattern);
    case kAnyMessage: return true;
  }
  return false;
}

// The whole rest must be a number: "FLOOD_WAIT_5_X" is not a flood wait (TDLib
// itself turns such suffixes into a plain 400).
std::optional<int> Seconds(std::string_view rest) {
  int seconds = 0;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
  if (error != std::errc() || end != rest.data() + rest.size() || seconds < 0) return std::nullopt;
  return seconds;
}

constexpr const char* kVerdictKey = "account_status";

}  // namespace

AccountVerdict AccountVerdictOf(const Error& error) {
  const auto& details = error.details();
  auto it = details.find(kVerdictKey);
  if (it == details.end() || !it->is_string()) return kNone;
  if (*it == "limited") return kLimited;
  if (*it == "banned") return kBanned;
  return kNone;
}

Error MapTdError(int code, std::string_view message) {
  for (const Rule& rule : kRules) {
    if (!Matches(rule, code, message)) continue;
    if (rule.retry_after) {
      auto seconds = Seconds(message.substr(rule.pattern.size()));
      if (!seconds) continue;
      return Error(kFloodWait, "Telegram asks to wait " + std::to_string(*seconds) + " s before retrying",
                   *seconds);
    }
    Error error(rule.code, std::string(rule.text));
    if (rule.verdict == kLimited) return std::move(error).With(kVerdictKey, "limited");
    if (rule.verdict == kBanned) return std::move(error).With(kVerdictKey, "banned");
    return error;
  }
  return Error(kTelegramError, "Telegram error " + std::to_string(code) + ": " + std::string(message));
}

}  // namespace tgmux::telegram
