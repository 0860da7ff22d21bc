#include "sim/engine/search_filter.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

struct FilterName {
  SearchFilter filter;
  std::string_view type;
};

constexpr FilterName kFilterNames[] = {
    {SearchFilter::kEmpty, "searchMessagesFilterEmpty"},
    {SearchFilter::kAnimation, "searchMessagesFilterAnimation"},
    {SearchFilter::kAudio, "searchMessagesFilterAudio"},
    {SearchFilter::kDocument, "searchMessagesFilterDocument"},
    {SearchFilter::kPhoto, "searchMessagesFilterPhoto"},
    {SearchFilter::kPoll, "searchMessagesFilterPoll"},
    {SearchFilter::kVideo, "searchMessagesFilterVideo"},
    {SearchFilter::kVoiceNote, "searchMessagesFilterVoiceNote"},
    {SearchFilter::kPhotoAndVideo, "searchMessagesFilterPhotoAndVideo"},
    {SearchFilter::kUrl, "searchMessagesFilterUrl"},
    {SearchFilter::kChatPhoto, "searchMessagesFilterChatPhoto"},
    {SearchFilter::kVideoNote, "searchMessagesFilterVideoNote"},
    {SearchFilter::kVoiceAndVideoNote, "searchMessagesFilterVoiceAndVideoNote"},
    {SearchFilter::kMention, "searchMessagesFilterMention"},
    {SearchFilter::kUnreadMention, "searchMessagesFilterUnreadMention"},
    {SearchFilter::kUnreadReaction, "searchMessagesFilterUnreadReaction"},
    {SearchFilter::kUnreadPollVote, "searchMessagesFilterUnreadPollVote"},
    {SearchFilter::kFailedToSend, "searchMessagesFilterFailedToSend"},
    {SearchFilter::kPinned, "searchMessagesFilterPinned"},
};

bool HasMedia(const StoredMessage& message, std::initializer_list<MediaKind> kinds) {
  return message.media && std::find(kinds.begin(), kinds.end(), message.media->kind) != kinds.end();
}

bool HasEntity(const StoredMessage& message, std::initializer_list<std::string_view> types) {
  if (!message.text.is_object() || !message.text.contains("entities")) return false;
  for (const Json& entity : message.text["entities"]) {
    std::string type = entity.value("type", Json::object()).value("@type", "");
    if (std::find(types.begin(), types.end(), type) != types.end()) return true;
  }
  return false;
}

// The server indexes links it finds itself too, not only the sender's entities.
bool HasUrl(const StoredMessage& message) {
  if (HasEntity(message, {"textEntityTypeUrl", "textEntityTypeTextUrl"})) return true;
  if (!message.text.is_object()) return false;
  for (const Json& entity : DetectTextEntities(message.text.value("text", ""))) {
    if (entity["type"].value("@type", "") == "textEntityTypeUrl") return true;
  }
  return false;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "@username" as a word of the text: usernames are ASCII and compared without case.
bool MentionsUsername(const std::string& text, std::string_view username) {
  if (username.empty()) return false;
  std::string lower = Lower(text), wanted = "@" + Lower(username);
  for (auto at = lower.find(wanted); at != std::string::npos; at = lower.find(wanted, at + 1)) {
    std::size_t end = at + wanted.size();
    if (end == lower.size() || !(std::isalnum(static_cast<unsigned char>(lower[end])) || lower[end] == '_')) return true;
  }
  return false;
}

bool MentionsViewer(const Cloud& cloud, const SearchViewer& viewer, std::int64_t chat_id, const StoredMessage& message) {
  if (message.reply_to_id != 0) {
    const StoredMessage* replied = cloud.FindMessage(viewer.user_id, chat_id, message.reply_to_id);
    if (replied != nullptr && replied->outgoing) return true;
  }
  if (!message.text.is_object()) return false;
  for (const Json& entity : message.text.value("entities", Json::array())) {
    const Json& type = entity.value("type", Json::object());
    if (type.value("@type", "") == "textEntityTypeMentionName" && type.value("user_id", std::int64_t{0}) == viewer.user_id) {
      return true;
    }
  }
  return MentionsUsername(message.text.value("text", ""), viewer.username);
}

}  // namespace

std::optional<SearchFilter> SearchFilterOf(std::string_view type) {
  if (type.empty()) return SearchFilter::kEmpty;
  for (const auto& [filter, name] : kFilterNames) {
    if (name == type) return filter;
  }
  return std::nullopt;
}

bool IsUnreadFilter(SearchFilter filter) {
  return filter == SearchFilter::kUnreadMention || filter == SearchFilter::kUnreadReaction ||
         filter == SearchFilter::kUnreadPollVote;
}

bool FilterKeeps(SearchFilter filter, const Cloud& cloud, const SearchViewer& viewer, std::int64_t chat_id,
                 const StoredMessage& message) {
  switch (filter) {
    case SearchFilter::kEmpty: return true;
    case SearchFilter::kAnimation: return HasMedia(message, {MediaKind::kAnimation});
    case SearchFilter::kAudio: return HasMedia(message, {MediaKind::kAudio});
    case SearchFilter::kDocument: return HasMedia(message, {MediaKind::kDocument});
    case SearchFilter::kPhoto: return HasMedia(message, {MediaKind::kPhoto});
    case SearchFilter::kVideo: return HasMedia(message, {MediaKind::kVideo});
    case SearchFilter::kVoiceNote:
    case SearchFilter::kVoiceAndVideoNote: return HasMedia(message, {MediaKind::kVoiceNote});
    case SearchFilter::kPhotoAndVideo: return HasMedia(message, {MediaKind::kPhoto, MediaKind::kVideo});
    case SearchFilter::kUrl: return HasUrl(message);
    case SearchFilter::kMention: return MentionsViewer(cloud, viewer, chat_id, message);
    case SearchFilter::kPoll:
    case SearchFilter::kChatPhoto:
    case SearchFilter::kVideoNote:
    case SearchFilter::kUnreadMention:
    case SearchFilter::kUnreadReaction:
    case SearchFilter::kUnreadPollVote:
    case SearchFilter::kFailedToSend:
    case SearchFilter::kPinned: return false;
  }
  return false;
}

}  // namespace tgsim
