#include "sim/engine/objects.h"

namespace tgsim {
namespace {

bool HasMediaTimestamp(const StoredMessage& message) {
  if (!message.media) return false;
  MediaKind kind = message.media->kind;
  return kind == MediaKind::kVideo || kind == MediaKind::kAudio || kind == MediaKind::kVoiceNote;
}

Json PhotoObject(const MediaInfo& media, const Json& file) {
  Json size = Obj("photoSize");
  // A photo being sent has TDLib's input size "i"; the server's copy is "x".
  size["type"] = media.file == 0 ? "i" : "x";
  size["photo"] = file;
  size["width"] = media.width;
  size["height"] = media.height;
  size["progressive_sizes"] = Json::array();
  Json photo = Obj("photo");
  photo["has_stickers"] = false;
  photo["sizes"] = Json::array({size});
  return photo;
}

void AddMediaFlags(Json& content) {
  content["show_caption_above_media"] = false;
  content["has_spoiler"] = false;
  content["is_secret"] = false;
}

Json VideoObject(const MediaInfo& media, const Json& file) {
  Json video = Obj("video");
  video["duration"] = media.duration;
  video["width"] = media.width;
  video["height"] = media.height;
  video["file_name"] = media.file_name;
  video["mime_type"] = media.mime_type;
  video["has_stickers"] = false;
  video["supports_streaming"] = media.supports_streaming;
  video["video"] = file;
  return video;
}

Json AnimationObject(const MediaInfo& media, const Json& file) {
  Json animation = Obj("animation");
  animation["duration"] = media.duration;
  animation["width"] = media.width;
  animation["height"] = media.height;
  animation["file_name"] = media.file_name;
  animation["mime_type"] = media.mime_type;
  animation["has_stickers"] = false;
  animation["animation"] = file;
  return animation;
}

}  // namespace

std::optional<MediaKind> InputContentKind(std::string_view type) {
  static constexpr std::pair<std::string_view, MediaKind> kTable[] = {
      {"inputMessagePhoto", MediaKind::kPhoto}, {"inputMessageDocument", MediaKind::kDocument},
      {"inputMessageVideo", MediaKind::kVideo}, {"inputMessageVoiceNote", MediaKind::kVoiceNote},
      {"inputMessageAudio", MediaKind::kAudio}, {"inputMessageAnimation", MediaKind::kAnimation}};
  for (const auto& [name, kind] : kTable) {
    if (name == type) return kind;
  }
  return std::nullopt;
}

Json MediaContent(const MediaInfo& media, const Json& caption, const Json& file) {
  Json out;
  switch (media.kind) {
    case MediaKind::kPhoto:
      out = Obj("messagePhoto");
      out["photo"] = PhotoObject(media, file);
      out["caption"] = caption;
      AddMediaFlags(out);
      return out;
    case MediaKind::kDocument: {
      Json document = Obj("document");
      document["file_name"] = media.file_name;
      document["mime_type"] = media.mime_type;
      document["document"] = file;
      out = Obj("messageDocument");
      out["document"] = document;
      out["caption"] = caption;
      return out;
    }
    case MediaKind::kVideo:
      out = Obj("messageVideo");
      out["video"] = VideoObject(media, file);
      out["alternative_videos"] = Json::array();
      out["storyboards"] = Json::array();
      out["start_timestamp"] = 0;
      out["caption"] = caption;
      AddMediaFlags(out);
      return out;
    case MediaKind::kVoiceNote: {
      Json voice = Obj("voiceNote");
      voice["duration"] = media.duration;
      voice["waveform"] = Base64Encode(media.waveform);
      voice["mime_type"] = media.mime_type;
      voice["voice"] = file;
      out = Obj("messageVoiceNote");
      out["voice_note"] = voice;
      out["caption"] = caption;
      out["is_listened"] = false;
      return out;
    }
    case MediaKind::kAudio: {
      Json audio = Obj("audio");
      audio["duration"] = media.duration;
      audio["title"] = media.title;
      audio["performer"] = media.performer;
      audio["file_name"] = media.file_name;
      audio["mime_type"] = media.mime_type;
      audio["external_album_covers"] = Json::array();
      audio["audio"] = file;
      out = Obj("messageAudio");
      out["audio"] = audio;
      out["caption"] = caption;
      return out;
    }
    case MediaKind::kAnimation:
      out = Obj("messageAnimation");
      out["animation"] = AnimationObject(media, file);
      out["caption"] = caption;
      AddMediaFlags(out);
      return out;
  }
  return out;
}

Json MessageContent(const StoredMessage& message, ClientFiles& files) {
  if (!message.service.is_null()) return message.service;
  if (!message.contact.is_null()) {
    Json out = Obj("messageContact");
    out["contact"] = message.contact;
    return out;
  }
  if (!message.media) return MessageTextContent(message.text);
  return MediaContent(*message.media, message.text, files.ObjectFor(*message.media));
}

Json InteractionInfo(const StoredMessage& message, std::int64_t chat_id) {
  if (message.reactions.empty()) return Json();
  Json reactions = Json::array();
  for (const auto& [emoji, users] : message.reactions) {
    Json type = Obj("reactionTypeEmoji");
    type["emoji"] = emoji;
    Json reaction = Obj("messageReaction");
    reaction["type"] = type;
    reaction["total_count"] = static_cast<int>(users.size());
    reaction["is_chosen"] = message.chosen.contains(emoji);
    Json recent = Json::array();
    // The newest three reactors, as the server lists them in groups.
    for (auto it = users.rbegin(); it != users.rend() && recent.size() < 3; ++it) {
      Json sender = Obj("messageSenderUser");
      sender["user_id"] = *it;
      recent.push_back(sender);
    }
    reaction["recent_sender_ids"] = recent;
    reactions.push_back(reaction);
  }
  Json all = Obj("messageReactions");
  all["reactions"] = reactions;
  all["are_tags"] = false;
  all["paid_reactors"] = Json::array();
  all["can_get_added_reactions"] = chat_id < 0;
  Json info = Obj("messageInteractionInfo");
  info["view_count"] = 0;
  info["forward_count"] = 0;
  info["reactions"] = all;
  return info;
}

Json MessageObject(std::int64_t chat_id, const StoredMessage& message, ClientFiles& files) {
  Json out = Obj("message");
  out.get_ref<Json::object_t&>().reserve(40);  // its fields, without growing on the way
  out["id"] = message.id;
  // A channel post is sent by the channel itself, an anonymous administrator's message
  // by the group.
  bool as_chat = message.channel_post || message.anonymous;
  Json sender = Obj(as_chat ? "messageSenderChat" : "messageSenderUser");
  if (as_chat) sender["chat_id"] = chat_id;
  else sender["user_id"] = message.sender_user_id;
  out["sender_id"] = sender;
  out["chat_id"] = chat_id;
  out["is_outgoing"] = message.outgoing;
  out["is_pinned"] = false;
  out["is_from_offline"] = false;
  out["can_be_saved"] = true;
  // As MessagesManager: true without a reply, or when the message's own media has a
  // timeline (video, audio, voice note).
  out["has_timestamped_media"] = message.reply_to_id == 0 || HasMediaTimestamp(message);
  for (const char* field : {"is_channel_post", "is_paid_star_suggested_post",
                            "is_paid_ton_suggested_post", "contains_unread_mention",
                            "contains_unread_poll_votes"}) {
    out[field] = false;
  }
  out["is_channel_post"] = message.channel_post;  // keeps its place in the schema order
  out["date"] = message.date;
  out["edit_date"] = message.edit_date;
  if (Json info = InteractionInfo(message, chat_id); !info.is_null()) out["interaction_info"] = info;
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
  if (message.topic_id != 0) {
    Json topic = Obj("messageTopicForum");
    topic["forum_topic_id"] = message.topic_id;
    out["topic_id"] = topic;
  }
  out["self_destruct_in"] = 0.0;  // double in td_api.tl
  out["auto_delete_in"] = 0.0;
  out["via_bot_user_id"] = 0;
  out["sender_business_bot_user_id"] = 0;
  out["sender_boost_count"] = 0;
  out["sender_tag"] = "";
  out["paid_message_star_count"] = 0;
  out["author_signature"] = "";
  out["media_album_id"] = Int64(message.media_album_id);
  out["effect_id"] = Int64(0);
  out["summary_language_code"] = "";
  out["content"] = MessageContent(message, files);
  if (!message.reply_markup.is_null()) out["reply_markup"] = message.reply_markup;
  return out;
}

}  // namespace tgsim
