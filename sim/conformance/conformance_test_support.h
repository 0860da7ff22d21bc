// Shared by the Conformance* tests: the pinned schema and sample objects
// written the way TDLib 1.8.65 writes them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/conformance/tdlib_schema.h"
#include "tests/support/build_paths.h"

namespace tgsim::conformance::testing {

// Loaded once per test binary from TGMUX_TDLIB_TYPES.
inline const Schema& PinnedSchema() {
  static const Schema schema = Schema::Load(TGMUX_TDLIB_TYPES);
  return schema;
}

// updateNewMessage with a text message, keys in TDLib's order, non-ASCII
// escaped, null fields (sending_state, reply_to, interaction_info, ...) omitted.
inline std::string NewMessageText() {
  return R"({"@type":"updateNewMessage","message":{"@type":"message","id":1048576,)"
         R"("sender_id":{"@type":"messageSenderUser","user_id":777000},"chat_id":777000,)"
         R"("is_outgoing":false,"is_pinned":false,"is_from_offline":false,"can_be_saved":true,)"
         R"("has_timestamped_media":true,"is_channel_post":false,)"
         R"("is_paid_star_suggested_post":false,"is_paid_ton_suggested_post":false,)"
         R"("contains_unread_mention":false,"contains_unread_poll_votes":false,)"
         R"("date":1795262066,"edit_date":0,"unread_reactions":[],"self_destruct_in":0.000000,)"
         R"("auto_delete_in":0.000000,"via_bot_user_id":0,"sender_business_bot_user_id":0,)"
         R"("sender_boost_count":0,"sender_tag":"","paid_message_star_count":0,)"
         R"("author_signature":"","media_album_id":"0","effect_id":"0",)"
         R"("summary_language_code":"","content":{"@type":"messageText","text":{)"
         R"("@type":"formattedText","text":"Code: 12345 \u2014 \u041f\u0440\u0438\u0432\u0435\u0442",)"
         R"("entities":[{"@type":"textEntity","offset":6,"length":5,)"
         R"("type":{"@type":"textEntityTypeBold"}}]}}},"@client_id":1})";
}

inline nlohmann::json NewMessage() { return nlohmann::json::parse(NewMessageText()); }

// updateAuthorizationState{authorizationStateWaitCode} as sent after
// setAuthenticationPhoneNumber; next_type is null, so it is omitted.
inline std::string WaitCodeText() {
  return R"({"@type":"updateAuthorizationState","authorization_state":{)"
         R"("@type":"authorizationStateWaitCode","code_info":{"@type":"authenticationCodeInfo",)"
         R"("phone_number":"+15550100","type":{"@type":"authenticationCodeTypeTelegramMessage",)"
         R"("length":5},"timeout":0}},"@client_id":1})";
}

}  // namespace tgsim::conformance::testing
