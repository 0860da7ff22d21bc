// Reading and changing a linked account's chats and messages (docs/architecture.md, The service layer):
// chat list pages, history pages without gaps, message search, unread
// messages, mark read, edit and delete. Sending goes through the outbox (outbox.h).
//
// Every method first checks the account: Error(not_found) for unknown ids and
// other tenants' accounts, Error(account_not_ready) when its client is not
// running; such errors and bad arguments (invalid_request) are thrown at once.
// Everything later reaches `done`, exactly once, on TDLib's or the background
// thread: the value, or peer_not_found (a chat the account does not have),
// account_not_ready, flood_wait, telegram_unreachable, ... Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/media/file_registry.h"
#include "service/background.h"
#include "telegram/account_client.h"

namespace tgmux::service {

template <class T>
using Done = std::function<void(telegram::Result<T>)>;

struct ChatListQuery {
  int limit = 50;          // 1..100
  std::string cursor;      // "" for the first page, else a ChatPage::next_cursor
  bool unread_only = false;
};

struct ChatPage {
  std::vector<telegram::Chat> chats;       // in the main list's order
  std::optional<std::string> next_cursor;  // nullopt: no more chats
};

struct HistoryPage {
  std::vector<telegram::Message> messages;  // newest first, no gaps
  std::optional<std::int64_t> next_before;  // the oldest id; nullopt: history ended
};

struct UnreadChat {
  telegram::Chat chat;
  std::vector<telegram::Message> messages;  // incoming unread, oldest first
};

struct UnreadPage {
  std::vector<UnreadChat> chats;           // in the main list's order
  std::optional<std::string> next_cursor;  // nullopt: no more chats with unread messages
};

struct SearchPage {
  std::vector<telegram::Message> messages;  // newest first
  std::optional<std::string> next_cursor;   // nullopt: no more matches
};

struct ReadState {
  std::int64_t chat_id = 0;
  std::int64_t last_read_inbox_message_id = 0;
  int unread_count = 0;
};

class MessageService : public AccountObserver {
 public:
  static constexpr int kMaxPage = 100;
  // Unread lists at most this many messages of each chat.
  static constexpr int kMaxUnreadPerChat = 100;
  // The longest search query, in UTF-8 bytes.
  static constexpr std::size_t kMaxQueryLength = 256;

  MessageService(AccountService& accounts, Background& background, FileRegistry& files);
  ~MessageService() override { Shutdown(); }

  // One page of the main chat list. An unknown cursor is invalid_request.
  // The cursor names a place in the list, not an index: chats that move up
  // meanwhile (a new message) are not shown twice.
  void ListChats(const std::string& tenant_id, const std::string& account_id, const ChatListQuery& query,
                 Done<ChatPage> done);
  // `limit` (1..100) messages older than `before` (0: from the newest), fewer
  // only when the history ends.
  void History(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id, int limit,
               std::int64_t before, Done<HistoryPage> done);
  // Messages whose text or caption holds every word of `query` (Telegram
  // matches the beginnings of words, ignoring case), newest first: in the chat
  // `chat_id`, or in all the account's chats when it is nullopt. `limit`
  // (1..100) a page, fewer only on the last one; `cursor` "" for the first
  // page, else the next_cursor of the same search. invalid_request for a query
  // that is blank, not UTF-8 or longer than kMaxQueryLength, a bad limit, or a
  // cursor this service did not hand out for this search; peer_not_found for a
  // chat the account does not have. Nothing is stored: message texts stay at
  // Telegram.
  void Search(const std::string& tenant_id, const std::string& account_id, const std::string& query,
              std::optional<std::int64_t> chat_id, int limit, const std::string& cursor, Done<SearchPage> done);
  // One page (query.limit, 1..100, from query.cursor) of the chats with
  // unread messages, in the main list's order, with the oldest
  // kMaxUnreadPerChat incoming unread messages of each, so that reading up to
  // the last one listed and asking again gives the next. query.unread_only is
  // ignored. An unknown cursor is invalid_request.
  void Unread(const std::string& tenant_id, const std::string& account_id, const ChatListQuery& query,
              Done<UnreadPage> done);
  // Marks incoming messages read up to `up_to` (0: the newest) and answers
  // once Telegram has taken it; the senders see them read.
  void MarkRead(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
                std::int64_t up_to, Done<ReadState> done);
  // parse_mode as for sending; invalid_request for an empty or too long text
  // (over 4096 UTF-16 units once formatted) or one that does not parse. With
  // `caption`, the text is a media message's caption (may be empty, at most
  // 1024 units).
  void Edit(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
            std::int64_t message_id, const std::string& text, telegram::ParseMode parse_mode, bool caption,
            Done<telegram::Message> done);
  // revoke: for everyone, else only for this account.
  void Delete(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
              std::int64_t message_id, bool revoke, Done<telegram::Ok> done);

  // Answers the reads still waiting for Telegram (account_not_ready).
  void Shutdown();

  void OnChatRead(const std::string& account_id, std::int64_t chat_id, std::int64_t last_read,
                  int unread_count) override;

 private:
  struct ReadWaiter {
    std::string account_id;
    std::int64_t chat_id = 0;
    std::int64_t up_to = 0;
    Done<ReadState> done;
  };

  // The account's running client; throws as described above.
  std::shared_ptr<telegram::AccountClient> LiveClient(const std::string& tenant_id, const std::string& account_id);
  void ViewThenWait(const std::shared_ptr<telegram::AccountClient>& client, const std::string& account_id,
                    const telegram::Chat& chat, std::int64_t up_to, Done<ReadState> done);
  std::optional<ReadWaiter> TakeWaiter(std::uint64_t token);

  // Messages handed out get their media's file ids (and those are recorded).
  void Register(const std::string& account_id, std::vector<telegram::Message>& messages);
  void Register(const std::string& account_id, std::vector<telegram::Chat>& chats);

  AccountService& accounts_;
  Background& background_;
  FileRegistry& files_;
  std::mutex mutex_;  // guards the waiters
  bool stopped_ = false;
  std::uint64_t next_waiter_ = 0;
  std::map<std::uint64_t, ReadWaiter> waiters_;
};

}  // namespace tgmux::service
