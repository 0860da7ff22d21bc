#include "sim/engine/objects.h"

namespace tgsim {

Json MessageObject(std::int64_t chat_id, const StoredMessage& message) {
  Json out = Obj("message");
  out["id"] = message.id;
  Json sender = Obj("messageSenderUser");
  sender["user_id"] = message.sender_user_id;
  out["sender_id"] = sender;
  out["chat_id"] = chat_id;
  out["is_outgoing"] = message.outgoing;
  out["is_pinned"] = false;
  out["is_from_offline"] = false;
  out["can_be_saved"] = true;
  for (const char* field : {"has_timestamped_media", "is_channel_post",
                            "is_paid_star_suggested_post", "is_paid_ton_suggested_post",
                            "contains_unread_mention", "contains_unread_poll_votes"}) {
    out[field] = false;
  }
  out["date"] = message.date;
  out["edit_date"] = message.edit_date;
  out["unread_reactions"] = Json::array();
  if (message.reply_to_id != 0) {
    Json reply = Obj("messageReplyToMessage");
    reply["chat_id"] = chat_id;
    reply["message_id"] = message.reply_to_id;
    reply["checklist_task_id"] = 0;
    reply["poll_option_id"] = "";
    reply["origin_send_date"] = 0;
    out["reply_to"] = reply;
  }
  out["self_destruct_in"] = 0.0;  // double in td_api.tl
  out["auto_delete_in"] = 0.0;
  out["via_bot_user_id"] = 0;
  out["sender_business_bot_user_id"] = 0;
  out["sender_boost_count"] = 0;
  out["sender_tag"] = "";
  out["paid_message_star_count"] = 0;
  out["author_signature"] = "";
  out["media_album_id"] = Int64(0);
  out["effect_id"] = Int64(0);
  out["summary_language_code"] = "";
  out["content"] = MessageTextContent(message.text);
  return out;
}

}  // namespace tgsim
