// searchChatMessages and searchMessages: TDLib's checks in its order
// (MessagesManager::search_dialog_messages, MessageQueryManager::search_messages), then the
// server's search (messages.search, messages.searchGlobal) over the account's own boxes.
#include <algorithm>
#include <charconv>
#include <limits>

#include "sim/cloud/search_words.h"
#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/engine/search_filter.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

constexpr int kMaxSearchLimit = 100;  // MessagesManager::MAX_SEARCH_MESSAGES: larger limits are capped
constexpr std::int64_t kMaxMessageId = static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max())
                                       << 20;  // MessageId::max()
constexpr std::int64_t kFullTypeMask = kServerIdShift - 1;
constexpr std::int64_t kMaxUserId = (std::int64_t{1} << 40) - 1;

// MessageId::is_valid: a server id, or a yet-unsent or local one (type bits 1 or 2).
bool IsValidMessageId(std::int64_t id) {
  if (id <= 0 || id > kMaxMessageId) return false;
  if ((id & kFullTypeMask) == 0) return true;
  std::int64_t type = id & 7;
  return type == 1 || type == 2;
}

// DialogId::is_valid for the id forms of tdlib-facts §7.1.
bool IsValidDialogId(std::int64_t id) {
  if (id > 0) return id <= kMaxUserId;
  if (id >= -999999999999LL) return id < 0;
  if (id < -kSupergroupChatBase && id >= -kSupergroupChatBase - kMaxUserId) return true;
  std::int64_t secret = id + 2 * kSupergroupChatBase;
  return secret != 0 && secret >= std::numeric_limits<std::int32_t>::min() &&
         secret <= std::numeric_limits<std::int32_t>::max();
}

// The sender of a stored message as a dialog id: the chat itself for channel posts and
// anonymous administrators.
std::int64_t SenderOf(std::int64_t chat_id, const StoredMessage& message) {
  return message.channel_post || message.anonymous ? chat_id : message.sender_user_id;
}

std::string TextOf(const StoredMessage& message) {
  return message.text.is_object() ? message.text.value("text", "") : "";
}

// to_integer_safe: the whole text, written as the number prints ("+1", "01" are not).
template <class T>
std::optional<T> CanonicalInteger(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || std::to_string(value) != text) return std::nullopt;
  return value;
}

// MessageSearchOffset: "date,chat_id,server_message_id" of the last message of a page.
struct GlobalOffset {
  std::int64_t date = std::numeric_limits<std::int32_t>::max();
  std::int64_t chat_id = 0;
  std::int64_t server_id = 0;
  bool from_start = true;
};

Json FoundChatMessages(int total_count, Json messages, std::int64_t next_from_message_id) {
  Json out = Obj("foundChatMessages");
  out["total_count"] = total_count;
  out["messages"] = std::move(messages);
  out["next_from_message_id"] = next_from_message_id;
  return out;
}

using MatchKey = std::tuple<std::int64_t, std::int64_t, std::int64_t>;  // (date, chat id, server id)

}  // namespace

std::optional<SearchFilter> ClientSession::InputSearchFilter(Request& request) {
  std::string type = TypeOf(GetObject(request.object, "filter"));
  std::optional<SearchFilter> filter = SearchFilterOf(type);
  if (!filter) RespondError(request, 400, "Failed to parse JSON object as TDLib request: Unknown class \"" + type + "\"");
  return filter;
}

void ClientSession::HandleSearchChatMessages(Request& request) {
  std::string query = GetString(request.object, "query");
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t from = GetInt(request.object, "from_message_id");
  std::int64_t offset = GetInt(request.object, "offset");
  std::int64_t limit = GetInt(request.object, "limit");
  const Json& sender = GetObject(request.object, "sender_id");
  std::optional<SearchFilter> filter = InputSearchFilter(request);
  if (!filter) return;
  if (!IsValidUtf8(query)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  if (limit <= 0) return RespondError(request, 400, "Parameter limit must be positive");
  limit = std::min<std::int64_t>(limit, kMaxSearchLimit);
  if (limit <= -offset) return RespondError(request, 400, "Parameter limit must be greater than -offset");
  if (offset > 0) return RespondError(request, 400, "Parameter offset must be non-positive");
  from = std::min(from, kMaxMessageId);
  if (!IsValidMessageId(from) && from != 0) {
    return RespondError(request, 400, "Parameter from_message_id must be identifier of a chat message or 0");
  }
  from = (from + kFullTypeMask) & ~kFullTypeMask;  // get_next_server_message_id
  if (chat_id == 0 || !known_chats_.contains(chat_id)) return RespondError(request, 400, "Chat not found");
  const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
  if (group != nullptr && group->kind == GroupKind::kSupergroup && group->username.empty() &&
      !world_.cloud().IsMember(user_id_, chat_id)) {
    return RespondError(request, 400, "Can't access the chat");
  }
  std::optional<std::int64_t> topic = InputTopic(request, chat_id);
  if (!topic) return;
  // get_message_sender_dialog_id with check_access and allow_empty.
  std::int64_t sender_id = 0;
  if (TypeOf(sender) == "messageSenderUser") {
    sender_id = GetInt(sender, "user_id");
    if (sender_id != 0 && (sender_id < 0 || sender_id > kMaxUserId)) {
      return RespondError(request, 400, "Invalid user identifier specified");
    }
    if (sender_id != 0 && !known_users_.contains(sender_id)) {
      return RespondError(request, 400, "Unknown user identifier specified");
    }
  } else if (TypeOf(sender) == "messageSenderChat") {
    sender_id = GetInt(sender, "chat_id");
    if (sender_id != 0 && !IsValidDialogId(sender_id)) {
      return RespondError(request, 400, "Invalid chat identifier specified");
    }
    bool known = sender_id > 0 ? known_users_.contains(sender_id) : known_chats_.contains(sender_id);
    if (sender_id != 0 && !known) return RespondError(request, 400, "Unknown chat identifier specified");
  }
  if (sender_id == chat_id && group != nullptr && group->is_channel) sender_id = 0;
  Json nothing = FoundChatMessages(0, Json::array(), 0);
  if (*filter == SearchFilter::kFailedToSend && sender_id != 0 && sender_id != user_id_) return Respond(request, nothing);
  if (IsUnreadFilter(*filter)) {
    if (!query.empty()) return RespondError(request, 400, "Non-empty query is unsupported with the specified filter");
    if (sender_id != 0) {
      return RespondError(request, 400, "Filtering by sender is unsupported with the specified filter");
    }
  }
  // Failed sends live only in the local message database, which tgsim does not keep.
  if (*filter == SearchFilter::kFailedToSend) return Respond(request, nothing);
  CallServer(request, [this, chat_id, query, sender_id, topic = *topic, from, offset, limit, filter = *filter,
                       nothing](Request& request) {
    SearchWords words(query);
    // messages.search with nothing to look for is SEARCH_QUERY_EMPTY, which TDLib answers
    // as an empty result; in a topic it is the topic's history (messages.getReplies).
    if (words.empty() && sender_id == 0 && filter == SearchFilter::kEmpty && topic == 0) {
      return Respond(request, nothing);
    }
    const User* me = world_.cloud().FindUser(user_id_);
    SearchViewer viewer{user_id_, me != nullptr ? std::string_view(me->username) : std::string_view()};
    std::vector<const StoredMessage*> found;  // newest first
    if (const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id)) {
      for (auto it = dialog->messages.rbegin(); it != dialog->messages.rend(); ++it) {
        const StoredMessage& m = it->second;
        if (topic != 0 && m.topic_id != topic) continue;
        if (sender_id != 0 && SenderOf(chat_id, m) != sender_id) continue;
        if (!FilterKeeps(filter, world_.cloud(), viewer, chat_id, m) || !words.Matches(TextOf(m))) continue;
        found.push_back(&m);
      }
    }
    // The server's offset_id is exclusive; add_offset moves the start to newer messages.
    std::int64_t older = 0;
    while (from != 0 && older < static_cast<std::int64_t>(found.size()) && found[older]->id >= from) ++older;
    Json messages = Json::array();
    for (auto i = std::max<std::int64_t>(0, older + offset);
         i < static_cast<std::int64_t>(found.size()) && static_cast<std::int64_t>(messages.size()) < limit; ++i) {
      if (!found[i]->channel_post) EnsureUser(found[i]->sender_user_id);
      messages.push_back(MessageObject(chat_id, *found[i], files_));
    }
    // TDLib takes the last message the server listed, whether or not more exist.
    std::int64_t next = messages.empty() ? std::int64_t{0} : messages.back()["id"].get<std::int64_t>();
    Respond(request, FoundChatMessages(static_cast<int>(found.size()), messages, next));
  });
}

void ClientSession::HandleSearchMessages(Request& request) {
  std::string query = GetString(request.object, "query");
  std::string offset_text = GetString(request.object, "offset");
  std::int64_t limit = GetInt(request.object, "limit");
  std::int64_t min_date = GetInt(request.object, "min_date");
  std::int64_t max_date = GetInt(request.object, "max_date");
  const Json& chat_list = GetObject(request.object, "chat_list");
  std::string chat_type = TypeOf(GetObject(request.object, "chat_type_filter"));
  std::optional<SearchFilter> filter = InputSearchFilter(request);
  if (!filter) return;
  if (!IsValidUtf8(query) || !IsValidUtf8(offset_text)) {
    return RespondError(request, 400, "Strings must be encoded in UTF-8");
  }
  // DialogListId: a chat folder (id 2 and up) is no folder list; other ids mean Main.
  if (TypeOf(chat_list) == "chatListFolder" && GetInt(chat_list, "chat_folder_id") >= 2) {
    return RespondError(request, 400, "Wrong chat list specified");
  }
  if (limit <= 0) return RespondError(request, 400, "Parameter limit must be positive");
  limit = std::min<std::int64_t>(limit, kMaxSearchLimit);
  GlobalOffset offset;
  if (!offset_text.empty()) {
    std::vector<std::string_view> parts;
    std::string_view rest = offset_text;
    for (auto comma = rest.find(','); ; comma = rest.find(',')) {
      parts.push_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    auto date = parts.size() == 3 ? CanonicalInteger<std::int32_t>(parts[0]) : std::nullopt;
    auto chat = parts.size() == 3 ? CanonicalInteger<std::int64_t>(parts[1]) : std::nullopt;
    auto server_id = parts.size() == 3 ? CanonicalInteger<std::int32_t>(parts[2]) : std::nullopt;
    // The chat must be one TDLib can name to the server (get_input_peer_force).
    bool valid = date && chat && server_id && *date > 0 && *server_id > 0 && IsValidDialogId(*chat) &&
                 (known_chats_.contains(*chat) || (*chat > 0 && known_users_.contains(*chat)));
    if (!valid) return RespondError(request, 400, "Invalid offset specified");
    offset = {*date, *chat, *server_id, false};
  }
  switch (*filter) {
    case SearchFilter::kMention: case SearchFilter::kUnreadMention: case SearchFilter::kUnreadReaction:
    case SearchFilter::kUnreadPollVote: case SearchFilter::kFailedToSend: case SearchFilter::kPinned:
      return RespondError(request, 400, "The filter is not supported");
    default: break;
  }
  Json nothing = Obj("foundMessages");
  nothing["total_count"] = 0;
  nothing["messages"] = Json::array();
  nothing["next_offset"] = "";
  if (query.empty() && *filter == SearchFilter::kEmpty) return Respond(request, nothing);
  bool archive_only = TypeOf(chat_list) == "chatListArchive";  // tgsim archives no chats
  CallServer(request, [this, query, offset, limit, min_date, max_date, chat_type, filter = *filter, archive_only,
                       nothing](Request& request) {
    SearchWords words(query);
    if ((words.empty() && filter == SearchFilter::kEmpty) || archive_only) return Respond(request, nothing);
    Cloud& cloud = world_.cloud();
    SearchViewer viewer{user_id_, {}};
    std::vector<std::pair<MatchKey, const StoredMessage*>> found;
    for (std::int64_t chat_id : cloud.ChatsOf(user_id_)) {
      const Group* group = chat_id < 0 ? cloud.FindGroup(chat_id) : nullptr;
      bool is_channel = group != nullptr && group->is_channel;
      if ((chat_type == "searchMessagesChatTypeFilterPrivate" && chat_id < 0) ||
          (chat_type == "searchMessagesChatTypeFilterGroup" && (chat_id > 0 || is_channel)) ||
          (chat_type == "searchMessagesChatTypeFilterChannel" && !is_channel)) {
        continue;
      }
      for (const auto& [id, m] : cloud.FindDialog(user_id_, chat_id)->messages) {
        if (min_date > 0 && m.date < min_date) continue;
        if (max_date > 0 && m.date > max_date) continue;
        if (!FilterKeeps(filter, cloud, viewer, chat_id, m) || !words.Matches(TextOf(m))) continue;
        found.push_back({{m.date, chat_id, id / kServerIdShift}, &m});
      }
    }
    // Newest first by (date, chat_id, message id), as td_api.tl documents the order.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    MatchKey after{offset.date, offset.chat_id, offset.server_id};
    Json messages = Json::array();
    std::string next_offset;
    for (const auto& [key, m] : found) {
      if (static_cast<std::int64_t>(messages.size()) >= limit) break;
      if (!offset.from_start && !(key < after)) continue;
      auto [date, chat_id, server_id] = key;
      EnsureChat(chat_id);
      if (!m->channel_post) EnsureUser(m->sender_user_id);
      messages.push_back(MessageObject(chat_id, *m, files_));
      next_offset = std::to_string(date) + "," + std::to_string(chat_id) + "," + std::to_string(server_id);
    }
    Json out = Obj("foundMessages");
    out["total_count"] = static_cast<int>(found.size());
    out["messages"] = messages;
    out["next_offset"] = next_offset;  // empty only when the page is
    Respond(request, out);
  });
}

}  // namespace tgsim
