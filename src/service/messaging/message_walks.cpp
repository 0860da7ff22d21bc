#include "service/messaging/message_walks.h"

#include <algorithm>
#include <charconv>
#include <deque>

namespace tgmux::service::walks {
namespace {

using telegram::AccountClient;
using telegram::Chat;
using telegram::Message;
using telegram::Result;

constexpr int kLoadBatch = 100;      // chats per loadChats
constexpr int kMaxLoads = 50;        // 5,000 chats: more than any list we page through
constexpr int kFirstFetch = 128;     // chats per getChats, doubled as needed
constexpr int kMaxScan = 2048;       // the chat cache's size: beyond it every chat costs a getChat
constexpr int kMaxUnreadScan = 20000;  // messages read back to find the oldest unread ones

// Runs `step` on the client, or fails `done` when the account stopped.
template <class T, class Step>
void WithClient(const ClientRef& ref, const Done<T>& done, Step&& step) {
  auto client = ref.lock();
  if (!client) return done(Stopped());
  step(*client);
}

// Asks for the page of history older than `from` and hands it to the walk's
// OnPage, or its error to the walk's done.
template <class Walk, class T>
void FetchPage(const std::shared_ptr<Walk>& walk, const ClientRef& ref, const Done<T>& done, std::int64_t chat_id,
               std::int64_t from, int want) {
  WithClient(ref, done, [&](AccountClient& client) {
    client.GetHistory(chat_id, from, want, [walk, done](Result<std::vector<Message>> page) {
      if (!page.ok()) return done(page.error());
      walk->OnPage(std::move(page).value());
    });
  });
}

// Loads batches of the main list until TDLib says it is whole.
void LoadAll(ClientRef ref, int rounds_left, Done<bool> done) {
  WithClient(ref, done, [&](AccountClient& client) {
    client.LoadChats(kLoadBatch, [ref, rounds_left, done](Result<bool> more) {
      if (!more.ok()) return done(more.error());
      if (!more.value() || rounds_left <= 1) return done(true);
      LoadAll(ref, rounds_left - 1, done);
    });
  });
}

Error NoSuchChat(std::int64_t chat_id) {
  return Error(ErrorCode::kPeerNotFound, "the account has no chat " + std::to_string(chat_id));
}

ChatKey KeyOf(const Chat& chat) { return {chat.order, chat.chat_id}; }

class ChatListWalk : public std::enable_shared_from_this<ChatListWalk> {
 public:
  ChatListWalk(ClientRef ref, int limit, std::optional<ChatKey> after, bool unread_only, Done<ChatPage> done)
      : ref_(std::move(ref)), limit_(limit), after_(after), unread_only_(unread_only), done_(std::move(done)) {}

  void Fetch() {
    WithClient(ref_, done_, [&](AccountClient& client) {
      client.GetChats(wanted_, [self = shared_from_this()](Result<std::vector<Chat>> chats) {
        if (!chats.ok()) return self->done_(chats.error());
        self->OnChats(std::move(chats).value());
      });
    });
  }

 private:
  void OnChats(std::vector<Chat> chats) {
    std::vector<Chat> matched;
    bool positions_known = true;
    for (auto& chat : chats) {
      positions_known = positions_known && chat.order != 0;
      if (after_ && !(KeyOf(chat) < *after_)) continue;
      if (unread_only_ && chat.unread_count <= 0) continue;
      matched.push_back(std::move(chat));
    }
    // One more than asked tells that a next page exists.
    if (matched.size() > static_cast<std::size_t>(limit_)) return Finish(std::move(matched), true);
    bool short_list = chats.size() < static_cast<std::size_t>(wanted_);
    // TDLib lists only loaded chats, and a chat's place is known once loaded.
    if (!list_complete_ && (short_list || !positions_known) && loads_ < kMaxLoads) return LoadMore();
    if (!short_list && wanted_ < kMaxScan) {
      wanted_ = std::min(wanted_ * 2, kMaxScan);
      return Fetch();
    }
    Finish(std::move(matched), false);
  }

  void LoadMore() {
    ++loads_;
    WithClient(ref_, done_, [&](AccountClient& client) {
      client.LoadChats(kLoadBatch, [self = shared_from_this()](Result<bool> more) {
        if (!more.ok()) return self->done_(more.error());
        if (!more.value()) self->list_complete_ = true;
        self->Fetch();
      });
    });
  }

  void Finish(std::vector<Chat> matched, bool more) {
    ChatPage page;
    if (more) {
      matched.resize(limit_);
      page.next_cursor = EncodeCursor(KeyOf(matched.back()));
    }
    page.chats = std::move(matched);
    done_(std::move(page));
  }

  const ClientRef ref_;
  const int limit_;
  const std::optional<ChatKey> after_;
  const bool unread_only_;
  const Done<ChatPage> done_;
  // Touched by one step at a time: each step starts the next.
  int wanted_ = kFirstFetch;
  int loads_ = 0;
  bool list_complete_ = false;
};

class HistoryWalk : public std::enable_shared_from_this<HistoryWalk> {
 public:
  HistoryWalk(ClientRef ref, std::int64_t chat_id, int limit, std::int64_t before, Done<HistoryPage> done)
      : ref_(std::move(ref)), chat_id_(chat_id), limit_(limit), from_(before), done_(std::move(done)) {}

  void Fetch() {
    int want = std::min<int>(MessageService::kMaxPage, limit_ - static_cast<int>(got_.size()));
    FetchPage(shared_from_this(), ref_, done_, chat_id_, from_, want);
  }

  void OnPage(std::vector<Message> page) {
    bool progressed = false;
    for (auto& message : page) {
      if (got_.size() >= static_cast<std::size_t>(limit_)) break;
      // Only ever older than the last one taken: no duplicates, whatever TDLib repeats.
      if (from_ != 0 && message.message_id >= from_) continue;
      from_ = message.message_id;
      got_.push_back(std::move(message));
      progressed = true;
    }
    if (!progressed) return done_(HistoryPage{std::move(got_), std::nullopt});  // the history ended
    if (got_.size() >= static_cast<std::size_t>(limit_)) return done_(HistoryPage{std::move(got_), from_});
    Fetch();
  }

 private:
  const ClientRef ref_;
  const std::int64_t chat_id_;
  const int limit_;
  std::int64_t from_;
  std::vector<Message> got_;
  const Done<HistoryPage> done_;
};

// Walks back from the newest message until `older` holds, keeping incoming
// messages (the oldest `max` of them).
class IncomingWalk : public std::enable_shared_from_this<IncomingWalk> {
 public:
  IncomingWalk(ClientRef ref, std::int64_t chat_id, std::function<bool(const Message&)> older, int max,
               Done<std::vector<Message>> done)
      : ref_(std::move(ref)), chat_id_(chat_id), older_(std::move(older)), max_(max), done_(std::move(done)) {}

  void Fetch() { FetchPage(shared_from_this(), ref_, done_, chat_id_, from_, MessageService::kMaxPage); }

  void OnPage(std::vector<Message> page) {
    bool progressed = false;
    for (auto& message : page) {
      if (from_ != 0 && message.message_id >= from_) continue;
      if (older_(message)) return Finish();
      from_ = message.message_id;
      progressed = true;
      ++scanned_;
      if (message.is_outgoing) continue;
      // Walking back in time: keep the oldest `max_` seen.
      older_last_.push_back(std::move(message));
      if (older_last_.size() > static_cast<std::size_t>(max_)) older_last_.pop_front();
    }
    if (!progressed || scanned_ >= kMaxUnreadScan) return Finish();
    Fetch();
  }

 private:
  void Finish() { done_(std::vector<Message>(older_last_.rbegin(), older_last_.rend())); }

  const ClientRef ref_;
  const std::int64_t chat_id_;
  const std::function<bool(const Message&)> older_;
  const int max_;
  const Done<std::vector<Message>> done_;
  std::int64_t from_ = 0;
  int scanned_ = 0;
  std::deque<Message> older_last_;  // newest first
};

}  // namespace

Error Stopped() { return Error(ErrorCode::kAccountNotReady, "the account's Telegram client stopped"); }

Error InvalidCursor() {
  return Error(ErrorCode::kInvalidRequest, "cursor is not one this API handed out (pass next_cursor as it is)");
}

std::string EncodeCursor(const ChatKey& key) {
  return std::to_string(key.order) + "_" + std::to_string(key.chat_id);
}

std::optional<ChatKey> DecodeCursor(const std::string& cursor) {
  auto separator = cursor.find('_');
  if (separator == std::string::npos) return std::nullopt;
  ChatKey key;
  auto read = [](std::string_view text, std::int64_t& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
  };
  std::string_view view(cursor);
  if (!read(view.substr(0, separator), key.order) || !read(view.substr(separator + 1), key.chat_id)) {
    return std::nullopt;
  }
  return key;
}

void FindChat(const ClientRef& ref, std::int64_t chat_id, Done<Chat> done) {
  WithClient(ref, done, [&](AccountClient& client) {
    client.GetChat(chat_id, [ref, chat_id, done](Result<Chat> chat) {
      if (chat.ok() || chat.error().code() != ErrorCode::kPeerNotFound) return done(std::move(chat));
      LoadAll(ref, kMaxLoads, [ref, chat_id, done](Result<bool> loaded) {
        if (!loaded.ok()) return done(loaded.error());
        WithClient(ref, done, [&](AccountClient& again) {
          again.GetChat(chat_id, [chat_id, done](Result<Chat> found) {
            if (!found.ok() && found.error().code() == ErrorCode::kPeerNotFound) return done(NoSuchChat(chat_id));
            done(std::move(found));
          });
        });
      });
    });
  });
}

void ListChats(const ClientRef& client, int limit, std::optional<ChatKey> after, bool unread_only,
               Done<ChatPage> done) {
  std::make_shared<ChatListWalk>(client, limit, after, unread_only, std::move(done))->Fetch();
}

void History(const ClientRef& client, std::int64_t chat_id, int limit, std::int64_t before, Done<HistoryPage> done) {
  std::make_shared<HistoryWalk>(client, chat_id, limit, before, std::move(done))->Fetch();
}

void IncomingSince(const ClientRef& client, std::int64_t chat_id, std::function<bool(const Message&)> older,
                   int max, Done<std::vector<Message>> done) {
  std::make_shared<IncomingWalk>(client, chat_id, std::move(older), max, std::move(done))->Fetch();
}

void UnreadMessages(const ClientRef& client, const Chat& chat, int max, Done<std::vector<Message>> done) {
  std::int64_t last_read = chat.last_read_inbox_message_id;
  IncomingSince(
      client, chat.chat_id, [last_read](const Message& m) { return m.message_id <= last_read; }, max,
      std::move(done));
}

}  // namespace tgmux::service::walks
