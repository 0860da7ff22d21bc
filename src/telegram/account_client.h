// One Telegram account's TDLib client: start from its database directory and
// key, the login steps, logout/close/destroy, its authorization state, and its
// messages and chats, all as typed values.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/proxy_url.h"
#include "telegram/bot_markup.h"
#include "telegram/client_hub.h"
#include "telegram/messages.h"
#include "telegram/result.h"
#include "telegram/types.h"

namespace tgmux::telegram {

class ChatCache;
class SendTracker;

struct AccountCallbacks {
  // Every authorization state change, in order, including re-emitted states
  // with new content (a renewed QR link, a new code after ResendCode) and the
  // final kClosed.
  std::function<void(const AuthState&)> on_auth_state;
  // Exactly once, right after the kClosed state. kRevoked means the session
  // ended without our LogOut/Destroy (terminated from another device, banned):
  // TDLib has wiped the directory and a new login is needed.
  std::function<void(ClosedReason)> on_closed;

  // Messages and chats; all optional. Senders' names and usernames are filled
  // when TDLib has announced them.
  //
  // A new message in any chat: incoming ones, and our own once they are final
  // (sent here and confirmed by the server, or sent from another device).
  // Pending and failed sends are not reported here.
  std::function<void(const Message&)> on_new_message = {};
  std::function<void(const MessageEdit&)> on_message_edited = {};
  // Messages deleted for this account (by us or another party); TDLib's cache
  // unloads (from_cache) are not deletions and are not reported.
  std::function<void(std::int64_t chat_id, const std::vector<std::int64_t>& message_ids)>
      on_messages_deleted = {};
  // We read incoming messages up to last_read (here or on another device);
  // also sent when a new incoming message raises unread_count.
  std::function<void(std::int64_t chat_id, std::int64_t last_read, int unread_count)>
      on_chat_read_inbox = {};
  // The other side read our messages up to last_read.
  std::function<void(std::int64_t chat_id, std::int64_t last_read)> on_chat_read_outbox = {};
  // The final state of every send of this account, keyed by the temporary id
  // SendText's `accepted` reported: the server message, or the failure
  // (flood_wait with retry_after, forbidden, ...). Also for sends whose `done`
  // already ended with telegram_unreachable: this is how their outcome is learnt.
  std::function<void(std::int64_t chat_id, std::int64_t temporary_id, const Result<Message>&)>
      on_send_result = {};
  // The connection to Telegram changed (updateConnectionState).
  std::function<void(ConnectionState)> on_connection_state = {};
  // Bots only: someone pressed an inline button under one of our messages.
  // Answer it with AnswerCallbackQuery (Telegram shows a spinner until then).
  std::function<void(const CallbackQuery&)> on_callback_query = {};
};

// Threads: every method may be called from any thread and returns at once.
// Each `done` is called exactly once, on the hub's threads (see ClientHub), and
// no later than the hub's deadline (then with telegram_unreachable; the TDLib
// request may still complete afterwards, which shows up as a state change).
// `done` does not refer to the AccountClient, so it is called even when the
// client was destroyed meanwhile. Callbacks run on the hub's receive thread, in
// TDLib's order, and must not block.
//
// Lifetime: the hub must outlive every AccountClient. Destroying one (from any
// thread, even inside its own callback) silences its callbacks: once the
// destructor returns none is running or will run, except the one that
// destroyed it, which may finish. A client that is not closed is then closed
// (the session stays on disk). The destructor may wait for a callback running
// on another thread: do not destroy a client while holding a lock that its
// callbacks take. Single use: once closed, a client is dead;
// make a new AccountClient for the same directory to start again.
class AccountClient {
 public:
  using Done = std::function<void(Status)>;

  AccountClient(ClientHub& hub, AccountCallbacks callbacks);
  ~AccountClient();
  AccountClient(const AccountClient&) = delete;
  AccountClient& operator=(const AccountClient&) = delete;

  // Opens (or creates) the account's TDLib database in `database_directory`
  // with a 32-byte `database_key`: no message, chat-info or file databases, no
  // secret chats, memory-saving options. The state then moves to
  // kWaitPhoneNumber (new), the restored login step, or kReady (a linked
  // account). Errors: invalid_request (key not 32 bytes), internal (key
  // mismatch: the state stays kWaitParameters and Start may be retried),
  // telegram_not_configured (api_id/api_hash missing).
  void Start(const std::string& database_directory, const std::string& database_key,
             const TdParameters& params, Done done);

  // Login steps; they succeed once TDLib has moved to the next state, which
  // on_auth_state reports first. Errors: invalid_phone, code_invalid,
  // code_expired, password_invalid, flood_wait (retry_after), conflict (wrong
  // step for the state, or superseded by a newer step), telegram_unreachable.
  void SetPhoneNumber(const std::string& phone, Done done);
  void CheckCode(const std::string& code, Done done);
  void CheckPassword(const std::string& password, Done done);
  void ResendCode(Done done);
  void RequestQrCode(Done done);  // the link comes as kWaitOtherDeviceConfirmation
  void RegisterUser(const std::string& first_name, const std::string& last_name, Done done);
  // A bot's login instead of a phone (checkAuthenticationBotToken). Errors:
  // bot_token_invalid, flood_wait, telegram_unreachable.
  void CheckBotToken(const std::string& token, Done done);

  // account_proxy.cpp. Routes this client's connection through `proxy`
  // (addProxy with enable), or directly again (disableProxy) when nullopt.
  // Allowed in any state after Start. Errors: invalid_request with TDLib's
  // reason (a bad secret, server or port).
  void SetProxy(const std::optional<ProxyUrl>& proxy, Done done);
  // Whether the proxy answers (TDLib's pingProxy), with the round trip in
  // seconds. Errors: telegram_unreachable with TDLib's reason.
  void PingProxy(const ProxyUrl& proxy, std::function<void(Result<double>)> done);
  // The health monitor's check: pingProxy without a proxy, a request that
  // really reaches Telegram's main DC through the client's own connection and
  // changes nothing. The round trip in seconds; telegram_unreachable when no
  // answer comes within `deadline`; a ban Telegram shows (USER_DEACTIVATED_BAN)
  // as its error.
  void PingTelegram(std::chrono::milliseconds deadline, std::function<void(Result<double>)> done);

  // Ends the session at Telegram and deletes local data (-> kLoggedOut).
  void LogOut(Done done);
  // Stops the client, keeping the session on disk (-> kClosed).
  void Close(Done done);
  // Deletes local data without telling Telegram (-> kDestroyed).
  void Destroy(Done done);

  // The logged-in user; account_not_ready before kReady.
  void GetMe(std::function<void(Result<Me>)> done);

  // --- Messages and chats (account_messages.cpp, account_chats.cpp). Before
  // kReady they fail with account_not_ready. Unknown chats fail with
  // peer_not_found: TDLib must have announced a chat (ResolveRecipient,
  // LoadChats, an incoming message) before it can be used.
  using MessageDone = std::function<void(Result<Message>)>;

  // Formatting marks to entities by TDLib itself (td_execute; synchronous, any
  // thread, no account state needed). Errors: invalid_request with TDLib's
  // reason (e.g. an unescaped '.' in kMarkdownV2, an unclosed HTML tag).
  Result<FormattedText> ParseText(const std::string& text, ParseMode mode);

  // The chat to write to for `to`: a numeric user id (its private chat; TDLib
  // must know the user), a numeric chat id (negative: groups, channels),
  // "@username", or "+phone" (searchUserByPhoneNumber, then importContacts as
  // a fallback, which adds the number to the account's contacts). Errors:
  // invalid_request (none of these forms), peer_not_found.
  void ResolveRecipient(const std::string& to, std::function<void(Result<std::int64_t>)> done);

  // Sends a text message. `done` gets the final server message, after TDLib's
  // updateMessageSendSucceeded, or the failure (flood_wait with retry_after,
  // forbidden, invalid_request, ...). `accepted`, if set, gets the temporary
  // message id as soon as TDLib has queued the message. Text longer than
  // TDLib's limit (4096 UTF-16 units) or empty fails at once with
  // invalid_request. telegram_unreachable means "outcome unknown": the message
  // may still go out, and on_send_result will say so.
  void SendText(std::int64_t chat_id, const FormattedText& text, std::int64_t reply_to_message_id,
                bool silent, MessageDone done, std::function<void(std::int64_t)> accepted = nullptr);
  // account_media.cpp. Sends a photo, document, video, voice note, audio or
  // animation with a caption (may be empty), like SendText: `done` gets the
  // final server message once the upload and the send are done. A caption
  // over TDLib's limit (1024) fails at once with invalid_request; a missing or
  // empty local file, or a remote id this account cannot use, with TDLib's
  // reason as invalid_request.
  void SendMedia(std::int64_t chat_id, const MediaToSend& media, const FormattedText& caption,
                 std::int64_t reply_to_message_id, bool silent, MessageDone done,
                 std::function<void(std::int64_t)> accepted = nullptr);
  // Sends 2 to 10 files as one album (photos and videos, or documents only,
  // or audio only) with the caption on the first. `done` gets every final
  // message, in order, once all are sent, or the first failure. `accepted`
  // gets the first message's temporary id (its outcome stands for the album's
  // in on_send_result).
  void SendAlbum(std::int64_t chat_id, const std::vector<MediaToSend>& media, const FormattedText& caption,
                 std::int64_t reply_to_message_id, bool silent, std::function<void(Result<std::vector<Message>>)> done,
                 std::function<void(std::int64_t)> accepted = nullptr);
  // Downloads a file of this account (by its remote id) into the account's
  // files directory, or finds it there, and gives its local path. Errors:
  // not_found (Telegram no longer has it, or this account cannot see it),
  // telegram_unreachable (no answer within `deadline`).
  void DownloadFile(const std::string& remote_id, MediaKind kind, std::chrono::milliseconds deadline,
                    std::function<void(Result<DownloadedFile>)> done);
  // Deletes the local copy of a downloaded file (it can be downloaded again).
  void DeleteDownload(const std::string& remote_id, MediaKind kind, Done done);

  // Replaces the caption of one of our media messages (may be empty); `done`
  // gets the edited message. Over TDLib's caption limit: invalid_request.
  void EditCaption(std::int64_t chat_id, std::int64_t message_id, const FormattedText& caption, MessageDone done);
  // Replaces the text of one of our messages; `done` gets the edited message.
  void EditText(std::int64_t chat_id, std::int64_t message_id, const FormattedText& text, MessageDone done);
  // revoke: for everyone (always so in supergroups and channels), else only here.
  void DeleteMessages(std::int64_t chat_id, const std::vector<std::int64_t>& message_ids, bool revoke,
                      Done done);
  // One page of history older than from_message_id (0: from the newest,
  // inclusive), newest first, at most `limit` (1..100). Pages may be short,
  // even one message: page on from the oldest id until an empty page.
  void GetHistory(std::int64_t chat_id, std::int64_t from_message_id, int limit,
                  std::function<void(Result<std::vector<Message>>)> done);
  // Messages of one chat whose text or caption holds every word of `query`
  // (Telegram matches word beginnings, ignoring case), newest first, older
  // than from_message_id (0: from the newest), at most `limit` (1..100) and
  // maybe fewer; page on with FoundMessages::next_from_message_id.
  void SearchChatMessages(std::int64_t chat_id, const std::string& query, std::int64_t from_message_id, int limit,
                          std::function<void(Result<FoundMessages>)> done);
  // The same over all the account's chats, newest first (by date), from
  // `offset` ("": the first page, else a FoundMessages::next_offset).
  void SearchMessages(const std::string& query, const std::string& offset, int limit,
                      std::function<void(Result<FoundMessages>)> done);
  // Asks TDLib to load up to `limit` more chats of the main list; false when
  // the whole list is already loaded.
  void LoadChats(int limit, std::function<void(Result<bool>)> done);
  // The first `limit` chats of the main list in its order (only chats loaded
  // so far: LoadChats first), with unread counts and last messages.
  void GetChats(int limit, std::function<void(Result<std::vector<Chat>>)> done);
  void GetChat(std::int64_t chat_id, std::function<void(Result<Chat>)> done);
  // Joins a group or channel the account can see (already a member: answered
  // as joined), then reads it.
  void JoinChat(std::int64_t chat_id, std::function<void(Result<Chat>)> done);
  // Joins the chat of an invite link (https://t.me/+…, t.me/joinchat/…); a
  // member is answered with the chat. Telegram's errors: INVITE_HASH_EXPIRED,
  // INVITE_HASH_INVALID, INVITE_REQUEST_SENT (the link needs an admin's approval).
  void JoinChatByInviteLink(const std::string& link, std::function<void(Result<Chat>)> done);
  // Whether a private message to the user would be delivered
  // (canSendMessageToUser): kUnknownUser when the account has never seen the
  // user (no shared chat) or the account is deleted, kPremiumRequired when
  // the user takes new chats only from contacts and Premium users.
  enum class CanMessage { kYes, kUnknownUser, kPremiumRequired, kPaid };
  void CanSendMessageToUser(std::int64_t user_id, std::function<void(Result<CanMessage>)> done);
  // Marks messages as read (force_read) or only counts their views.
  void ViewMessages(std::int64_t chat_id, const std::vector<std::int64_t>& message_ids, bool force_read,
                    Done done);
  // An open chat gets all its updates (supergroups, channels); close it after.
  void OpenChat(std::int64_t chat_id, Done done);
  void CloseChat(std::int64_t chat_id, Done done);

  // --- Bots (account_bot.cpp; bot_markup.h). Fail with TDLib's reason for
  // accounts that are not bots ("The method is not available to ..."): as
  // invalid_request or forbidden, see error_map.
  //
  // Sends text with buttons or a keyboard, like SendText (flood_wait with
  // retry_after when Telegram's limits for bots are exceeded; forbidden when
  // the person never started the bot or blocked it).
  void SendBotText(std::int64_t chat_id, const FormattedText& text, const ReplyMarkup& markup,
                   std::int64_t reply_to_message_id, MessageDone done);
  // A photo with a caption and buttons (e.g. a login QR code).
  void SendBotPhoto(std::int64_t chat_id, const MediaToSend& photo, const FormattedText& caption,
                    const ReplyMarkup& markup, MessageDone done);
  // A file of any kind (media.kind) with a caption and buttons.
  void SendBotMedia(std::int64_t chat_id, const MediaToSend& media, const FormattedText& caption,
                    const ReplyMarkup& markup, MessageDone done);
  // Replaces the text and the inline buttons of one of our messages (kNone
  // removes the buttons).
  void EditBotText(std::int64_t chat_id, std::int64_t message_id, const FormattedText& text,
                   const ReplyMarkup& markup, MessageDone done);
  // Replaces the photo, caption and inline buttons of one of our photo messages.
  void EditBotPhoto(std::int64_t chat_id, std::int64_t message_id, const MediaToSend& photo,
                    const FormattedText& caption, const ReplyMarkup& markup, MessageDone done);
  // Replaces only the inline buttons (kNone removes them).
  void EditBotMarkup(std::int64_t chat_id, std::int64_t message_id, const ReplyMarkup& markup, MessageDone done);
  // Makes a person's private chat known to the bot's TDLib again (after a
  // restart TDLib has forgotten it: sends fail with peer_not_found until then).
  void OpenBotChat(std::int64_t user_id, std::function<void(Result<std::int64_t>)> done);
  // Ends the spinner of a pressed button, with an optional short notice
  // (`alert`: as a dialog the person must close).
  void AnswerCallbackQuery(std::int64_t query_id, const std::string& text, bool alert, Done done);
  // The command menu for every private chat (setCommands, default scope).
  void SetCommands(const std::vector<BotCommand>& commands, Done done);
  void GetCommands(std::function<void(Result<std::vector<BotCommand>>)> done);

  // --- Groups and their topics (account_forum.cpp): what a bot checks and
  // does in a team's work group (the relay).
  struct GroupInfo {
    std::string title;
    bool is_supergroup = false;
    bool is_forum = false;   // a supergroup with topics
    bool reactions = false;  // members may react to messages (with at least the usual emoji)
  };
  void GetGroupInfo(std::int64_t chat_id, std::function<void(Result<GroupInfo>)> done);
  struct GroupMember {
    enum class Status { kCreator, kAdministrator, kMember, kRestricted, kLeft, kBanned };
    Status status = Status::kLeft;
    bool can_manage_topics = false;  // creators may; administrators when given the right
    bool can_delete_messages = false;
    bool is_anonymous = false;
    bool is_bot = false;
  };
  // Errors: not_found for an unknown chat or a user who was never a member.
  void GetGroupMember(std::int64_t chat_id, std::int64_t user_id, std::function<void(Result<GroupMember>)> done);
  struct ForumTopic {
    std::int64_t id = 0;  // forum_topic_id
    std::string name;
    bool is_closed = false;
    std::optional<Message> last_message;  // GetForumTopic only, when TDLib knows it
  };
  // A topic named `name` (1..128 characters); forbidden without the right to manage topics.
  void CreateForumTopic(std::int64_t chat_id, const std::string& name, std::function<void(Result<ForumTopic>)> done);
  void RenameForumTopic(std::int64_t chat_id, std::int64_t topic_id, const std::string& name, Done done);
  void CloseForumTopic(std::int64_t chat_id, std::int64_t topic_id, bool closed, Done done);
  void GetForumTopic(std::int64_t chat_id, std::int64_t topic_id, std::function<void(Result<ForumTopic>)> done);
  // Bots: text into a topic of a forum (topic_id 0: the chat itself), as a
  // reply to `reply_to_message_id` when it is not 0.
  void SendBotTextInTopic(std::int64_t chat_id, std::int64_t topic_id, const FormattedText& text,
                          std::int64_t reply_to_message_id, MessageDone done);
  // Bots: a file with its caption into a topic (or the chat), as a reply when reply_to_message_id != 0.
  void SendBotMediaInTopic(std::int64_t chat_id, std::int64_t topic_id, const MediaToSend& media,
                           const FormattedText& caption, std::int64_t reply_to_message_id, MessageDone done);
  // Bots: sets the bot's reaction to a message (an emoji such as "👍").
  void SetMessageReaction(std::int64_t chat_id, std::int64_t message_id, const std::string& emoji, Done done);

  AuthState auth_state() const;
  bool closed() const;
  int client_id() const { return client_id_; }

 private:
  void Call(nlohmann::json request, Done done);
  void SendOptions();
  void OnUpdate(const nlohmann::json& update);
  // account_updates.cpp: updates about messages; false when not one.
  bool OnMessageUpdate(const std::string& type, const nlohmann::json& update);
  void OnNewMessage(const nlohmann::json& update);
  void OnSendOutcome(const nlohmann::json& update, bool succeeded);
  void OnMessageContent(const nlohmann::json& update);
  void OnMessageEdited(const nlohmann::json& update);
  void OnDeleteMessages(const nlohmann::json& update);
  void OnReadInbox(const nlohmann::json& update);
  void OnReadOutbox(const nlohmann::json& update);
  void OnOption(const nlohmann::json& update);
  void OnCallbackQuery(const nlohmann::json& update);
  // account_messages.cpp: too long or empty text for sendMessage/editMessageText.
  std::optional<Error> CheckText(const FormattedText& text) const;
  // account_media.cpp: the caption limit, or null.
  std::optional<Error> CheckCaption(const FormattedText& caption) const;
  // account_messages.cpp: sendMessage with this input content.
  // `reply_markup`: TDLib's ReplyMarkup object, or null for none.
  void SendContent(std::int64_t chat_id, nlohmann::json content, std::int64_t reply_to_message_id, bool silent,
                   MessageDone done, std::function<void(std::int64_t)> accepted,
                   const nlohmann::json& reply_markup, std::int64_t topic_id = 0);
  // account_media.cpp: the file's TDLib id in this client, then `next` with it.
  void WithFileId(const std::string& remote_id, MediaKind kind, std::optional<std::chrono::milliseconds> deadline,
                  std::function<void(Result<nlohmann::json>)> next);
  void OnAuthState(AuthState state);
  ClosedReason ReasonLocked() const;

  ClientHub& hub_;
  const AccountCallbacks callbacks_;
  const int client_id_;

  mutable std::mutex mutex_;
  AuthState state_;
  bool logout_requested_ = false;
  bool destroy_requested_ = false;
  bool saw_logging_out_ = false;
  bool closed_ = false;

  // Shared with answer handlers, which may outlive this client.
  const std::shared_ptr<ChatCache> chats_;
  const std::shared_ptr<SendTracker> sends_;
  std::atomic<int> text_length_max_{kDefaultTextLengthMax};
  std::atomic<int> caption_length_max_{kDefaultCaptionLengthMax};
  // New texts from updateMessageContent until their updateMessageEdited; only
  // touched on the receive thread.
  std::map<std::pair<std::int64_t, std::int64_t>, FormattedText> edited_texts_;
};

}  // namespace tgmux::telegram
