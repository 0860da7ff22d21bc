// The multi-step TDLib walks behind MessageService: TDLib answers chat lists
// and history in pieces (a page may hold one message), so each walk calls
// again from where the last answer ended until the caller's page is whole.
// Internal to service/.
//
// A walk holds the client weakly: when the account stops meanwhile, `done`
// gets account_not_ready. Each `done` is called exactly once, on TDLib's
// receive thread (or at once when the client is already gone).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "service/messaging/messages.h"

namespace tgmux::service::walks {

using ClientRef = std::weak_ptr<telegram::AccountClient>;

Error Stopped();

// A place in the main chat list: TDLib orders chats by (order, chat_id), descending.
struct ChatKey {
  std::int64_t order = 0;
  std::int64_t chat_id = 0;
  auto operator<=>(const ChatKey&) const = default;
};
std::string EncodeCursor(const ChatKey& key);
// nullopt when `cursor` is not one EncodeCursor made.
std::optional<ChatKey> DecodeCursor(const std::string& cursor);

// The chat; when TDLib does not know it yet (it announces chats only as they
// are loaded, e.g. after a restart) the chat list is loaded first.
// peer_not_found when the account has no such chat.
void FindChat(const ClientRef& client, std::int64_t chat_id, Done<telegram::Chat> done);

// Up to `limit` chats after `after` in the main list (unread ones only when
// asked), loading more of the list as needed.
void ListChats(const ClientRef& client, int limit, std::optional<ChatKey> after, bool unread_only,
               Done<ChatPage> done);

// `limit` messages older than `before` (0: the newest), fewer only at the end.
void History(const ClientRef& client, std::int64_t chat_id, int limit, std::int64_t before, Done<HistoryPage> done);

// Error(invalid_request) naming `cursor`, for a cursor this API did not hand out.
Error InvalidCursor();

// Where a search goes on: in a chat, below a message id; across chats, from TDLib's offset.
struct SearchStart {
  std::int64_t from_message_id = 0;
  std::string offset;
};
// The start a search's cursor names ("": the beginning), for the same kind of
// search and the same chat; throws InvalidCursor() otherwise (message_search.cpp).
SearchStart DecodeSearchCursor(const std::string& cursor, std::optional<std::int64_t> chat_id);
// `limit` messages matching `query` from `start`, in the chat (which TDLib
// must know: FindChat first) or across chats; fewer only at the end, where
// next_cursor is nullopt.
void Search(const ClientRef& client, const std::string& query, std::optional<std::int64_t> chat_id, int limit,
            SearchStart start, Done<SearchPage> done);

// The incoming messages newer than the first one (walking back from the
// newest) for which `older` holds, oldest first; the oldest `max` of them when
// there are more. At most 20,000 messages are read back.
void IncomingSince(const ClientRef& client, std::int64_t chat_id,
                   std::function<bool(const telegram::Message&)> older, int max,
                   Done<std::vector<telegram::Message>> done);

// The oldest `max` incoming messages newer than the chat's last read one,
// oldest first.
void UnreadMessages(const ClientRef& client, const telegram::Chat& chat, int max,
                    Done<std::vector<telegram::Message>> done);

}  // namespace tgmux::service::walks
