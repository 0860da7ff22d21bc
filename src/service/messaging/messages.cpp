#include "service/messaging/messages.h"

#include <chrono>

#include "service/messaging/message_walks.h"
#include "service/outbox/outbox.h"
#include "telegram/encoding.h"
#include "telegram/message_parse.h"

namespace tgmux::service {
namespace {

using telegram::Chat;
using telegram::Message;
using telegram::Result;

// How long a read waits for Telegram's receipt before answering the chat as it is.
constexpr auto kReadReceiptWait = std::chrono::seconds(3);

ReadState StateOf(const Chat& chat) { return {chat.chat_id, chat.last_read_inbox_message_id, chat.unread_count}; }

void CheckLimit(int limit) {
  if (limit < 1 || limit > MessageService::kMaxPage) {
    throw Error(ErrorCode::kInvalidRequest, "limit must be from 1 to " + std::to_string(MessageService::kMaxPage));
  }
}

// The same limits as sending: Telegram's 4096 UTF-16 units (1024 for a
// caption, which may be empty), counted once formatted.
telegram::FormattedText EditedText(telegram::AccountClient& client, const std::string& text,
                                   telegram::ParseMode parse_mode, bool caption) {
  const std::string field = caption ? "caption" : "text";
  if (!caption && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::kInvalidRequest, "field \"text\" must not be empty");
  }
  auto parsed = client.ParseText(text, parse_mode);
  if (!parsed.ok()) {
    throw Error(ErrorCode::kInvalidRequest, "field \"" + field + "\": " + parsed.error().what());
  }
  std::size_t length = telegram::Utf16Length(parsed.value().text);
  const int max = caption ? telegram::kDefaultCaptionLengthMax : telegram::kDefaultTextLengthMax;
  if (length > static_cast<std::size_t>(max)) {
    throw Error(ErrorCode::kInvalidRequest, "field \"" + field + "\" is " + std::to_string(length) +
                                                " characters (UTF-16) after formatting; Telegram allows at most " +
                                                std::to_string(max));
  }
  return std::move(parsed).value();
}

// The place in the chat list a cursor names (nullopt for ""); invalid_request naming `cursor`.
std::optional<walks::ChatKey> ChatCursor(const std::string& cursor) {
  if (cursor.empty()) return std::nullopt;
  auto after = walks::DecodeCursor(cursor);
  if (!after) throw walks::InvalidCursor();
  return after;
}

void CheckQuery(const std::string& query) {
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::kInvalidRequest, "query must not be empty");
  }
  if (!telegram::IsValidUtf8(query)) throw Error(ErrorCode::kInvalidRequest, "query is not valid UTF-8");
  if (query.size() > MessageService::kMaxQueryLength) {
    throw Error(ErrorCode::kInvalidRequest,
                "query is longer than " + std::to_string(MessageService::kMaxQueryLength) + " bytes");
  }
}

// Collects every chat's unread messages, answered in any order.
struct UnreadGather {
  std::mutex mutex;
  UnreadPage page;
  std::size_t left = 0;
  std::optional<Error> error;
  Done<UnreadPage> done;

  void Arrived(std::size_t slot, Result<std::vector<Message>> messages) {
    bool last = false;
    {
      std::lock_guard lock(mutex);
      if (messages.ok()) {
        page.chats[slot].messages = std::move(messages).value();
      } else if (!error) {
        error = messages.error();
      }
      last = --left == 0;
    }
    if (!last) return;
    if (error) return done(*error);
    done(std::move(page));
  }
};

}  // namespace

MessageService::MessageService(AccountService& accounts, Background& background, FileRegistry& files)
    : accounts_(accounts), background_(background), files_(files) {}

void MessageService::Register(const std::string& account_id, std::vector<telegram::Message>& messages) {
  files_.Register(account_id, messages);
}

void MessageService::Register(const std::string& account_id, std::vector<telegram::Chat>& chats) {
  std::vector<telegram::Message*> last;
  for (auto& chat : chats) {
    if (chat.last_message) last.push_back(&*chat.last_message);
  }
  files_.Register(account_id, last);
}

std::shared_ptr<telegram::AccountClient> MessageService::LiveClient(const std::string& tenant_id,
                                                                   const std::string& account_id) {
  auto account = accounts_.Get(tenant_id, account_id);  // not_found for other tenants
  auto client = accounts_.Client(account_id);
  if (!client) {
    throw Error(ErrorCode::kAccountNotReady,
                "account " + account_id + " is not connected to Telegram (status " +
                    std::string(store::AccountStatusName(account.status)) + ")");
  }
  return client;
}

void MessageService::ListChats(const std::string& tenant_id, const std::string& account_id,
                               const ChatListQuery& query, Done<ChatPage> done) {
  CheckLimit(query.limit);
  auto after = ChatCursor(query.cursor);
  walks::ListChats(LiveClient(tenant_id, account_id), query.limit, after, query.unread_only,
                   [this, account_id, done = std::move(done)](Result<ChatPage> page) {
                     if (page.ok()) Register(account_id, page.value().chats);
                     done(std::move(page));
                   });
}

void MessageService::History(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
                             int limit, std::int64_t before, Done<HistoryPage> done) {
  CheckLimit(limit);
  if (before < 0) throw Error(ErrorCode::kInvalidRequest, "before must be a message id");
  walks::ClientRef client = LiveClient(tenant_id, account_id);
  // Finding the chat first announces it to TDLib when needed, and names an unknown one.
  auto registered = [this, account_id, done = std::move(done)](Result<HistoryPage> page) {
    if (page.ok()) Register(account_id, page.value().messages);
    done(std::move(page));
  };
  walks::FindChat(client, chat_id, [client, chat_id, limit, before, registered](Result<Chat> chat) {
    if (!chat.ok()) return registered(chat.error());
    walks::History(client, chat_id, limit, before, registered);
  });
}

void MessageService::Search(const std::string& tenant_id, const std::string& account_id, const std::string& query,
                            std::optional<std::int64_t> chat_id, int limit, const std::string& cursor,
                            Done<SearchPage> done) {
  CheckQuery(query);
  CheckLimit(limit);
  if (chat_id == 0) throw Error(ErrorCode::kInvalidRequest, "chat_id must be a Telegram chat id (not 0)");
  walks::SearchStart start = walks::DecodeSearchCursor(cursor, chat_id);
  walks::ClientRef client = LiveClient(tenant_id, account_id);
  auto registered = [this, account_id, done = std::move(done)](Result<SearchPage> page) {
    if (page.ok()) Register(account_id, page.value().messages);
    done(std::move(page));
  };
  if (!chat_id) return walks::Search(client, query, chat_id, limit, std::move(start), registered);
  // Finding the chat first announces it to TDLib when needed, and names an unknown one.
  walks::FindChat(client, *chat_id, [client, query, chat_id, limit, start, registered](Result<Chat> chat) {
    if (!chat.ok()) return registered(chat.error());
    walks::Search(client, query, chat_id, limit, start, registered);
  });
}

void MessageService::Unread(const std::string& tenant_id, const std::string& account_id, const ChatListQuery& query,
                            Done<UnreadPage> done) {
  CheckLimit(query.limit);
  auto after = ChatCursor(query.cursor);
  walks::ClientRef client = LiveClient(tenant_id, account_id);
  auto per_chat = [this, account_id, client, done = std::move(done)](Result<ChatPage> page) {
    if (!page.ok()) return done(page.error());
    if (page.value().chats.empty()) return done(UnreadPage{});
    auto gather = std::make_shared<UnreadGather>();
    gather->done = done;
    gather->page.next_cursor = page.value().next_cursor;
    for (auto& chat : page.value().chats) gather->page.chats.push_back(UnreadChat{std::move(chat), {}});
    gather->left = gather->page.chats.size();
    // The slots are filled in, never added or removed, while the walks run.
    for (std::size_t slot = 0; slot < gather->page.chats.size(); ++slot) {
      walks::UnreadMessages(client, gather->page.chats[slot].chat, kMaxUnreadPerChat,
                            [this, account_id, gather, slot](Result<std::vector<Message>> messages) {
                              if (messages.ok()) Register(account_id, messages.value());
                              gather->Arrived(slot, std::move(messages));
                            });
    }
  };
  walks::ListChats(client, query.limit, after, true, std::move(per_chat));
}

void MessageService::Edit(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
                          std::int64_t message_id, const std::string& text, telegram::ParseMode parse_mode,
                          bool caption, Done<Message> done) {
  auto client = LiveClient(tenant_id, account_id);
  auto formatted = EditedText(*client, text, parse_mode, caption);
  walks::ClientRef ref = client;
  auto registered = [this, account_id, done = std::move(done)](Result<Message> edited) {
    if (edited.ok()) files_.Annotate(account_id, edited.value());
    done(std::move(edited));
  };
  walks::FindChat(ref, chat_id, [ref, chat_id, message_id, formatted, caption, registered](Result<Chat> chat) {
    if (!chat.ok()) return registered(chat.error());
    auto client = ref.lock();
    if (!client) return registered(walks::Stopped());
    if (caption) return client->EditCaption(chat_id, message_id, formatted, registered);
    client->EditText(chat_id, message_id, formatted, registered);
  });
}

void MessageService::Delete(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
                            std::int64_t message_id, bool revoke, Done<telegram::Ok> done) {
  walks::ClientRef ref = LiveClient(tenant_id, account_id);
  walks::FindChat(ref, chat_id, [ref, chat_id, message_id, revoke, done = std::move(done)](Result<Chat> chat) {
    if (!chat.ok()) return done(chat.error());
    auto client = ref.lock();
    if (!client) return done(walks::Stopped());
    client->DeleteMessages(chat_id, {message_id}, revoke, done);
  });
}

void MessageService::MarkRead(const std::string& tenant_id, const std::string& account_id, std::int64_t chat_id,
                              std::int64_t up_to, Done<ReadState> done) {
  if (up_to < 0) throw Error(ErrorCode::kInvalidRequest, "field \"up_to_message_id\" must be a message id");
  walks::ClientRef ref = LiveClient(tenant_id, account_id);
  walks::FindChat(ref, chat_id, [this, ref, account_id, up_to, done = std::move(done)](Result<Chat> chat) {
    if (!chat.ok()) return done(chat.error());
    const Chat& found = chat.value();
    std::int64_t newest = found.last_message ? found.last_message->message_id : 0;
    if (newest != 0 && up_to > newest) {
      return done(Error(ErrorCode::kInvalidRequest, "up_to_message_id " + std::to_string(up_to) +
                                                        " is newer than the chat's newest message " +
                                                        std::to_string(newest)));
    }
    std::int64_t target = up_to != 0 ? up_to : newest;
    // Nothing unread up to there: the senders already see it read.
    if (target == 0 || found.unread_count == 0 || found.last_read_inbox_message_id >= target) {
      return done(StateOf(found));
    }
    auto client = ref.lock();
    if (!client) return done(walks::Stopped());
    ViewThenWait(client, account_id, found, target, done);
  });
}

void MessageService::ViewThenWait(const std::shared_ptr<telegram::AccountClient>& client,
                                  const std::string& account_id, const Chat& chat, std::int64_t up_to,
                                  Done<ReadState> done) {
  std::uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      token = ++next_waiter_;
      // Registered before viewMessages: TDLib may send the receipt before its answer.
      waiters_[token] = ReadWaiter{account_id, chat.chat_id, up_to, std::move(done)};
    }
  }
  if (token == 0) return done(walks::Stopped());
  walks::ClientRef ref = client;
  std::int64_t chat_id = chat.chat_id;
  client->ViewMessages(chat_id, {up_to}, true, [this, token, ref, chat_id](telegram::Status viewed) {
    if (!viewed.ok()) {
      if (auto waiter = TakeWaiter(token)) waiter->done(viewed.error());
      return;
    }
    // Without a receipt (Telegram had nothing to change) the chat as it is now answers.
    background_.PostAt(Background::Clock::now() + kReadReceiptWait, [this, token, ref, chat_id] {
      auto waiter = TakeWaiter(token);
      if (!waiter) return;
      auto client = ref.lock();
      if (!client) return waiter->done(walks::Stopped());
      client->GetChat(chat_id, [done = std::move(waiter->done)](Result<Chat> chat) {
        if (!chat.ok()) return done(chat.error());
        done(StateOf(chat.value()));
      });
    });
  });
}

std::optional<MessageService::ReadWaiter> MessageService::TakeWaiter(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(token);
  if (it == waiters_.end()) return std::nullopt;
  ReadWaiter waiter = std::move(it->second);
  waiters_.erase(it);
  return waiter;
}

void MessageService::OnChatRead(const std::string& account_id, std::int64_t chat_id, std::int64_t last_read,
                                int unread_count) {
  std::vector<Done<ReadState>> ready;
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      const ReadWaiter& w = it->second;
      bool reached = last_read >= w.up_to || unread_count == 0;
      if (w.account_id != account_id || w.chat_id != chat_id || !reached) {
        ++it;
        continue;
      }
      ready.push_back(std::move(it->second.done));
      it = waiters_.erase(it);
    }
  }
  for (auto& done : ready) done(ReadState{chat_id, last_read, unread_count});
}

void MessageService::Shutdown() {
  std::map<std::uint64_t, ReadWaiter> left;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    left.swap(waiters_);
  }
  for (auto& [token, waiter] : left) waiter.done(Error(ErrorCode::kAccountNotReady, "tgmux is shutting down"));
}

}  // namespace tgmux::service
