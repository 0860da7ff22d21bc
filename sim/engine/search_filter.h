#pragma once
// td_api SearchMessagesFilter as tgsim reads it for searchChatMessages and searchMessages:
// one enum, one name table, and which stored messages each filter keeps.
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/cloud/cloud.h"

namespace tgsim {

enum class SearchFilter {
  kEmpty, kAnimation, kAudio, kDocument, kPhoto, kPoll, kVideo, kVoiceNote, kPhotoAndVideo, kUrl,
  kChatPhoto, kVideoNote, kVoiceAndVideoNote, kMention, kUnreadMention, kUnreadReaction,
  kUnreadPollVote, kFailedToSend, kPinned
};

// The filter of a request's `filter` field (null: kEmpty); nullopt for a class that is no
// SearchMessagesFilter (TDLib's parser refuses it before the method runs).
std::optional<SearchFilter> SearchFilterOf(std::string_view type);

// The filters that take no query and no sender (MessagesManager::search_dialog_messages).
bool IsUnreadFilter(SearchFilter filter);

// Who is looking: the account and its username (for mentions).
struct SearchViewer {
  std::int64_t user_id = 0;
  std::string_view username;
};

// Whether the server's index puts `message` (in the viewer's box of chat_id) under `filter`.
// Polls, video notes, chat photos, pins and unread mentions, reactions and poll votes are
// not simulated: those filters keep nothing. kMention keeps mentions of the viewer's
// @username, mention-name entities of the viewer and replies to the viewer's messages.
bool FilterKeeps(SearchFilter filter, const Cloud& cloud, const SearchViewer& viewer, std::int64_t chat_id,
                 const StoredMessage& message);

}  // namespace tgsim
