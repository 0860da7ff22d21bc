#include "telegram/td_parse.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tgmux::telegram {
namespace {

using Kind = AuthState::Kind;
using nlohmann::json;

AuthState Parse(const char* text) { return ParseAuthState(json::parse(text)); }

TEST(TelegramAuthState, SimpleStates) {
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateWaitTdlibParameters"})").kind, Kind::kWaitParameters);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateWaitPhoneNumber"})").kind, Kind::kWaitPhoneNumber);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateReady"})").kind, Kind::kReady);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateLoggingOut"})").kind, Kind::kLoggingOut);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateClosing"})").kind, Kind::kClosing);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateClosed"})").kind, Kind::kClosed);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateWaitSomethingNew","x":1})").kind, Kind::kUnknown);
}

TEST(TelegramAuthState, WaitCodeWithNextType) {
  auto state = Parse(R"({"@type":"authorizationStateWaitCode","code_info":{"@type":"authenticationCodeInfo",
      "phone_number":"+15550001122","type":{"@type":"authenticationCodeTypeTelegramMessage","length":5},
      "next_type":{"@type":"authenticationCodeTypeSms","length":6},"timeout":60}})");
  EXPECT_EQ(state.kind, Kind::kWaitCode);
  ASSERT_TRUE(state.code);
  EXPECT_EQ(state.code->type, "telegram_message");
  EXPECT_EQ(state.code->length, 5);
  EXPECT_EQ(state.code->next_type, "sms");
  EXPECT_EQ(state.code->timeout, 60);
}

TEST(TelegramAuthState, WaitCodeWithoutNextTypeAndOtherCodeTypes) {
  auto state = Parse(R"({"@type":"authorizationStateWaitCode","code_info":{"@type":"authenticationCodeInfo",
      "phone_number":"+1","type":{"@type":"authenticationCodeTypeFlashCall","pattern":"+1*"},"timeout":0}})");
  ASSERT_TRUE(state.code);
  EXPECT_EQ(state.code->type, "flash_call");
  EXPECT_EQ(state.code->length, 0);
  EXPECT_FALSE(state.code->next_type);
  auto missed = Parse(R"({"@type":"authorizationStateWaitCode","code_info":{"type":
      {"@type":"authenticationCodeTypeMissedCall","phone_number_prefix":"+1","length":4}}})");
  EXPECT_EQ(missed.code->type, "missed_call");
  EXPECT_EQ(missed.code->length, 4);
}

TEST(TelegramAuthState, WaitOtherDeviceConfirmationCarriesTheLink) {
  auto state = Parse(R"({"@type":"authorizationStateWaitOtherDeviceConfirmation",
      "link":"tg://login?token=AQID"})");
  EXPECT_EQ(state.kind, Kind::kWaitOtherDeviceConfirmation);
  EXPECT_EQ(state.qr_link, "tg://login?token=AQID");
}

TEST(TelegramAuthState, WaitPasswordCarriesTheHint) {
  auto state = Parse(R"({"@type":"authorizationStateWaitPassword","password_hint":"cat",
      "has_recovery_email_address":true,"has_passport_data":false,"recovery_email_address_pattern":""})");
  EXPECT_EQ(state.kind, Kind::kWaitPassword);
  EXPECT_EQ(state.password_hint, "cat");
  EXPECT_TRUE(state.has_recovery_email);
}

TEST(TelegramAuthState, WaitRegistrationCarriesTheTerms) {
  auto state = Parse(R"({"@type":"authorizationStateWaitRegistration","terms_of_service":
      {"@type":"termsOfService","text":{"@type":"formattedText","text":"Be nice","entities":[]},
       "min_user_age":16,"show_popup":true}})");
  EXPECT_EQ(state.kind, Kind::kWaitRegistration);
  EXPECT_EQ(state.terms_of_service, "Be nice");
}

TEST(TelegramAuthState, EmailAndPremiumStates) {
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateWaitEmailAddress","allow_apple_id":false,
      "allow_google_id":false})").kind, Kind::kWaitEmailAddress);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateWaitEmailCode","allow_apple_id":false,"allow_google_id":false,
      "code_info":{"@type":"emailAddressAuthenticationCodeInfo","email_address_pattern":"a***@b.c","length":6}})")
                .kind, Kind::kWaitEmailCode);
  EXPECT_EQ(Parse(R"({"@type":"authorizationStateWaitPremiumPurchase","store_product_id":"p",
      "premium_day_count":30,"support_email_address":"","support_email_subject":""})").kind,
            Kind::kWaitPremiumPurchase);
}

TEST(TelegramAuthState, KindNamesAreStable) {
  EXPECT_EQ(KindName(Kind::kWaitPhoneNumber), "wait_phone_number");
  EXPECT_EQ(KindName(Kind::kWaitOtherDeviceConfirmation), "wait_other_device_confirmation");
  EXPECT_EQ(KindName(Kind::kNone), "new");
}

TEST(TelegramAuthState, MeFromUser) {
  auto me = ParseMe(json::parse(R"({"@type":"user","id":777000123,"first_name":"Ann","last_name":"Lee",
      "usernames":{"@type":"usernames","active_usernames":["ann","ann2"],"disabled_usernames":[],
      "editable_username":"ann","collectible_usernames":[]},"phone_number":"15550001122"})"));
  ASSERT_TRUE(me);
  EXPECT_EQ(me->user_id, 777000123);
  EXPECT_EQ(me->first_name, "Ann");
  EXPECT_EQ(me->last_name, "Lee");
  EXPECT_EQ(me->username, "ann");
  EXPECT_EQ(me->phone, "15550001122");
  EXPECT_FALSE(ParseMe(json::parse(R"({"@type":"error","code":401,"message":"Unauthorized"})")));
}

// Found by fuzz/tdlib_json: an id beyond 64 bits is a float to nlohmann, and converting
// it to int64 was undefined (the id came out as garbage). It reads as no id.
TEST(TelegramAuthState, MeWithAnIdNoIntegerCanHoldHasNoId) {
  for (const char* id : {"77718446744073709551616", "-1e30", "1.5", "\"123\""}) {
    auto me = ParseMe(json::parse(std::string(R"({"@type":"user","id":)") + id + R"(,"first_name":"Ann"})"));
    ASSERT_TRUE(me) << id;
    EXPECT_EQ(me->user_id, std::string(id) == "\"123\"" ? 123 : 0) << id;
    EXPECT_EQ(me->first_name, "Ann") << id;
  }
}

}  // namespace
}  // namespace tgmux::telegram
