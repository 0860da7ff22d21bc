#include "telegram/error_map.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

namespace tgmux::telegram {
namespace {

struct Case {
  int td_code;
  const char* message;
  ErrorCode expected;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.td_code << " " << c.message; }

class TelegramErrorMapTest : public ::testing::TestWithParam<Case> {};

TEST_P(TelegramErrorMapTest, MapsToTheDomainCode) {
  const Case& c = GetParam();
  EXPECT_EQ(MapTdError(c.td_code, c.message).code(), c.expected) << c.td_code << " " << c.message;
}

INSTANTIATE_TEST_SUITE_P(
    TelegramErrorTable, TelegramErrorMapTest,
    ::testing::Values(Case{400, "PHONE_CODE_INVALID", ErrorCode::kCodeInvalid},
                      Case{400, "PHONE_CODE_EXPIRED", ErrorCode::kCodeExpired},
                      Case{400, "PASSWORD_HASH_INVALID", ErrorCode::kPasswordInvalid},
                      Case{400, "PHONE_NUMBER_INVALID", ErrorCode::kInvalidPhone},
                      Case{406, "PHONE_NUMBER_INVALID", ErrorCode::kInvalidPhone},
                      Case{400, "Phone number must be non-empty", ErrorCode::kInvalidPhone},
                      Case{400, "PHONE_NUMBER_BANNED", ErrorCode::kForbidden},
                      Case{400, "USERNAME_NOT_OCCUPIED", ErrorCode::kPeerNotFound},
                      Case{400, "USERNAME_INVALID", ErrorCode::kPeerNotFound},
                      Case{400, "Chat not found", ErrorCode::kPeerNotFound},
                      Case{400, "Message can't be edited", ErrorCode::kForbidden},
                      Case{400, "Message can't be deleted for everyone", ErrorCode::kForbidden},
                      Case{400, "User not found", ErrorCode::kPeerNotFound},
                      Case{400, "Chat info not found", ErrorCode::kPeerNotFound},
                      Case{401, "Unauthorized", ErrorCode::kAccountNotReady},
                      Case{401, "USER_DEACTIVATED_BAN", ErrorCode::kForbidden},
                      Case{400, "PEER_FLOOD", ErrorCode::kForbidden},
                      Case{401, "Wrong database encryption key", ErrorCode::kInternal},
                      Case{500, "Request aborted", ErrorCode::kAccountNotReady},
                      Case{400, "Another authorization query has started", ErrorCode::kConflict},
                      Case{400, "Call to checkAuthenticationCode unexpected", ErrorCode::kConflict},
                      Case{400, "Valid api_id must be provided. Can be obtained at https://my.telegram.org",
                           ErrorCode::kTelegramNotConfigured},
                      Case{400, "FLOOD_WAIT_5_X", ErrorCode::kTelegramError},
                      Case{400, "MESSAGE_EMPTY", ErrorCode::kTelegramError},
                      Case{406, "UPDATE_APP_TO_LOGIN", ErrorCode::kTelegramError},
                      Case{403, "Bot can't initiate conversation with a user", ErrorCode::kForbidden},
                      Case{403, "Bot was blocked by the user", ErrorCode::kForbidden},
                      Case{403, "USER_IS_BLOCKED", ErrorCode::kForbidden},
                      Case{403, "The bot can't send messages to the bot", ErrorCode::kForbidden},
                      Case{400, "Only bots can use the method", ErrorCode::kForbidden},
                      Case{400, "MESSAGE_NOT_MODIFIED", ErrorCode::kInvalidRequest},
                      Case{400, "QUERY_ID_INVALID", ErrorCode::kInvalidRequest},
                      Case{400, "Invalid offset specified", ErrorCode::kInvalidRequest}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = std::to_string(info.index) + "_" + std::to_string(info.param.td_code) + "_";
      for (const char* c = info.param.message; *c != '\0' && name.size() < 48; ++c) {
        name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      }
      return name;
    });

TEST(TelegramErrorMap, TooManyRequestsCarriesRetryAfter) {
  Error error = MapTdError(429, "Too Many Requests: retry after 86400");
  EXPECT_EQ(error.code(), ErrorCode::kFloodWait);
  EXPECT_EQ(error.retry_after(), 86400);
}

TEST(TelegramErrorMap, RawFloodWaitCarriesRetryAfter) {
  Error error = MapTdError(420, "FLOOD_WAIT_142");
  EXPECT_EQ(error.code(), ErrorCode::kFloodWait);
  EXPECT_EQ(error.retry_after(), 142);
}

TEST(TelegramErrorMap, AnUnchangedEditSaysSo) {
  // Bots often re-send the same markup; the caller must be able to tell this apart.
  Error error = MapTdError(400, "MESSAGE_NOT_MODIFIED");
  EXPECT_NE(std::string(error.what()).find("MESSAGE_NOT_MODIFIED"), std::string::npos);
}

TEST(TelegramErrorMap, UnknownErrorsCarryTelegramsMessage) {
  Error error = MapTdError(400, "MESSAGE_EMPTY");
  EXPECT_STREQ(error.what(), "Telegram error 400: MESSAGE_EMPTY");
  EXPECT_FALSE(error.retry_after());
}

TEST(TelegramErrorMap, Code406MessagesAreNeverShown) {
  Error error = MapTdError(406, "UPDATE_APP_TO_LOGIN");
  EXPECT_EQ(std::string(error.what()).find("UPDATE_APP"), std::string::npos);
}

TEST(TelegramErrorMap, KeyMismatchSaysSo) {
  Error error = MapTdError(401, "Wrong database encryption key");
  EXPECT_NE(std::string(error.what()).find("key mismatch"), std::string::npos);
}

TEST(TelegramErrorMap, LocalPathsAreNotShown) {
  Error error = MapTdError(400, "Can't init database in the directory \"/data/accounts/7/td\": denied");
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_EQ(std::string(error.what()).find("/data"), std::string::npos);
}

TEST(TelegramErrorMap, SpamLimitAndBansSayWhatTheyMeanForTheAccount) {
  EXPECT_EQ(AccountVerdictOf(MapTdError(400, "PEER_FLOOD")), AccountVerdict::kLimited);
  EXPECT_EQ(AccountVerdictOf(MapTdError(401, "USER_DEACTIVATED_BAN")), AccountVerdict::kBanned);
  EXPECT_EQ(AccountVerdictOf(MapTdError(400, "PHONE_NUMBER_BANNED")), AccountVerdict::kBanned);
  EXPECT_EQ(AccountVerdictOf(MapTdError(401, "Unauthorized")), AccountVerdict::kNone);
  EXPECT_EQ(AccountVerdictOf(MapTdError(400, "USER_IS_BLOCKED")), AccountVerdict::kNone);
  EXPECT_EQ(MapTdError(400, "PEER_FLOOD").details().value("account_status", ""), "limited");
}

}  // namespace
}  // namespace tgmux::telegram
