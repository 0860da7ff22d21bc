#pragma once
// One simulated TDLib instance (a client id of one library connection): request
// gating by authorization state, the login flows, chats and messages, in TDLib's order
// of updates and responses (tdlib-facts §3–§7).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "sim/engine/client_files.h"
#include "sim/engine/search_filter.h"
#include "sim/engine/world.h"
#include "sim/tdapi/request.h"

namespace tgsim {

enum class AuthState {
  kWaitParameters, kWaitPhone, kWaitCode, kWaitPassword, kWaitRegistration, kWaitQr,
  kReady, kLoggingOut, kClosing, kClosed
};

struct Request {
  std::uint64_t id = 0;
  std::string type;
  Json object;
  std::optional<Json> extra;
};

class ClientSession : public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(World& world, LineSink* sink, ClientRef ref);
  // A request line from the library; `db` is what the library found in the database
  // directory (only for setTdlibParameters).
  void OnRequest(std::string_view raw, const Json& db);
  void Detach();  // the library connection went away

  // Fan-out from the world.
  void OnNewMessage(std::int64_t chat_id, std::int64_t message_id);
  void OnUserChanged(std::int64_t user_id);  // updateUser if this client knows the user
  // The user joined or left the group: its new status and the chat's place in the list.
  void OnMembershipChanged(std::int64_t chat_id);
  void OnMessageEdited(std::int64_t chat_id, std::int64_t message_id, bool content_changed = true);
  void OnCallbackQuery(const CallbackQuery& query);
  void OnMessagesDeleted(std::int64_t chat_id, const std::vector<std::int64_t>& ids);
  // Forums, administrators and reactions (client_forum.cpp).
  void OnGroupChanged(std::int64_t chat_id);  // updateSupergroup / updateBasicGroup if known
  void OnChatReactionsChanged(std::int64_t chat_id);
  void OnTopicChanged(std::int64_t chat_id, std::int64_t topic_id);  // updateForumTopicInfo if known
  void OnInteractionChanged(std::int64_t chat_id, std::int64_t message_id);
  void OnReadInbox(std::int64_t chat_id);
  void OnReadOutbox(std::int64_t chat_id, std::int64_t last_read);
  void OnQrConfirmed(std::int64_t user_id);
  // The account was banned; the client notices only when it next reaches the server.
  void OnBannedQuietly() { ban_pending_ = true; }
  void OnAuthorizationLost();
  void OnNetworkChanged(bool up);
  void OnProxyReachabilityChanged();
  std::int64_t user_id() const { return user_id_; }
  std::int64_t session_id() const { return session_id_; }  // the authorization; 0: none

 private:
  using Handler = void (ClientSession::*)(Request&);
  static const std::map<std::string, Handler, std::less<>>& Handlers();

  // Output.
  void Emit(const Json& object);
  void EmitText(std::string object_text);  // an object already written by Dump
  void Respond(Request& request, const Json& object);
  void RespondText(Request& request, std::string object_text);
  void RespondError(Request& request, int code, std::string_view message);
  void LibraryOp(Json op);  // a `!` line: database work for the library
  void EmitInitial();

  // Intake and gating.
  void Dispatch(Request& request);
  bool Gate(Request& request);
  // True when the request would reach the server on an authorization a newer client has
  // opened from a copy of the directory: the server then destroys it (client_duplicate_use.cpp).
  bool UsedFromTwoPlaces(Request& request);
  // Runs `reach` once "the server" answers: after the network is up and any injected
  // flood wait has passed. Fails the request on an injected error or a long flood wait.
  void CallServer(Request& request, std::function<void(Request&)> reach);
  void CallServerDetached(const std::string& method,
                          std::function<void()> reach, std::function<void(Json)> fail);
  void AbortPending(int code, std::string_view message);
  bool StartAuthQuery(Request& request);
  void FinishAuthQuery(Request& request);

  // Lifecycle (client_lifecycle.cpp).
  void SetState(AuthState state, Json object);
  void BecomeReady(const User& user, const Session& session, Request* request);
  void Finish(AuthState via, int pending_code, std::string_view pending_message, bool wipe);
  void HandleClose(Request& request);
  void HandleLogOut(Request& request);
  void HandleDestroy(Request& request);
  void HandleGetAuthorizationState(Request& request);
  void HandleGetOption(Request& request);
  void HandleSetOption(Request& request);

  // Start-up and login (client_auth.cpp, client_qr.cpp).
  void HandleSetTdlibParameters(Request& request);
  std::optional<std::string> ValidateParameters(const Json& object) const;
  void FinishInit(Request& request, const Json& db);
  void SetDirectories(const Json& parameters, const Json& db);
  void HandleSetPhoneNumber(Request& request);
  void SendCode(Request& request, bool resend);
  void HandleResendCode(Request& request);
  void HandleCheckCode(Request& request);
  void HandleCheckPassword(Request& request);
  void HandleRegisterUser(Request& request);
  void HandleBotToken(Request& request);
  void HandleRequestQr(Request& request);
  void IssueQrToken();
  void AfterFirstFactor(const User& user, Request* request);
  // Intermediate login states survive a restart like TDLib's auth_state (client_restore.cpp).
  void SaveLoginState();
  bool RestoreLoginState(const Json& saved);

  // Chats and users (client_chats.cpp).
  void EnsureUser(std::int64_t user_id);
  // with_last_message is false when the chat appears because of a new message, which
  // then follows in its own updateNewMessage.
  void EnsureChat(std::int64_t chat_id, bool with_last_message = true);
  bool CheckChat(Request& request, std::int64_t chat_id);
  bool RejectBot(Request& request);
  void HandleGetMe(Request& request);
  void HandleGetUser(Request& request);
  void HandleGetSupergroup(Request& request);  // client_supergroups.cpp
  void HandleGetChat(Request& request);
  void HandleCreatePrivateChat(Request& request);
  void HandleSearchPublicChat(Request& request);
  void HandleLoadChats(Request& request);
  void HandleGetChats(Request& request);
  void HandleOpenChat(Request& request);
  void HandleCloseChat(Request& request);
  // `shown` and its object, when the caller has just built it: used if it is the last.
  void EmitChatLastMessage(std::int64_t chat_id, const StoredMessage* shown = nullptr, Json shown_object = {});

  // Joining and leaving groups, invite links (client_join.cpp).
  void HandleJoinChat(Request& request);
  void HandleLeaveChat(Request& request);
  void HandleCheckChatInviteLink(Request& request);
  void HandleJoinChatByInviteLink(Request& request);
  Json InviteLinkInfo(std::int64_t chat_id);  // chatInviteLinkInfo as this user sees it

  // Contacts (client_contacts.cpp).
  void AnnounceUser(std::int64_t user_id);  // updateUser even when already known
  void LoadContacts();
  void HandleSearchUserByPhoneNumber(Request& request);
  void HandleImportContacts(Request& request);
  void HandleGetContacts(Request& request);
  void HandleCanSendMessageToUser(Request& request);

  // Messages (client_messages.cpp, client_history.cpp).
  void HandleSendMessage(Request& request);
  // The text of a sendMessage, or nullopt after answering the request with the error.
  std::optional<Json> SendableText(Request& request, std::int64_t chat_id);
  std::optional<Json> SendableContact(Request& request, std::int64_t chat_id);  // td_api contact
  void CompleteSend(std::int64_t chat_id, std::int64_t temp_id, Json text, std::int64_t reply_to,
                    MessageMedia extras = {});
  void FailSend(std::int64_t chat_id, std::int64_t temp_id, const Json& text, const Json& error);
  // The message comes back under a new local id with messageSendingStateFailed.
  void FailMessage(std::int64_t chat_id, std::int64_t temp_id, StoredMessage message, const Json& error);
  Json PendingMessageObject(std::int64_t chat_id, const StoredMessage& pending);
  // A message of ours being sent, as TDLib shows it to a user (bots see nothing): its
  // updateNewMessage and the chat's updateChatLastMessage, then the answer to `request`,
  // all with the same object, written once (the last two take it as Dump wrote it).
  void AnnouncePending(Request& request, std::int64_t chat_id, const Json& message, std::int64_t date);
  void AnnouncePendingNew(const std::string& message_text);
  void AnnouncePendingLast(std::int64_t chat_id, const std::string& message_text, std::int64_t date);
  // The server took a send: updateMessageSendSucceeded for the copy that is
  // ours, the chat's last message, and the other copies to their owners.
  void SendSucceeded(std::int64_t chat_id, std::int64_t temp_id, const std::vector<MessageCopy>& copies);
  void HandleEditMessageText(Request& request);
  void HandleDeleteMessages(Request& request);
  bool CanDeleteInSupergroup(std::int64_t chat_id, std::int64_t message_id) const;
  void HandleGetChatHistory(Request& request);
  void HandleGetMessage(Request& request);
  void HandleViewMessages(Request& request);
  // Message search (client_search.cpp): the account's own boxes, matched by words.
  void HandleSearchChatMessages(Request& request);
  void HandleSearchMessages(Request& request);
  // The request's SearchMessagesFilter, or nullopt after answering TDLib's parse error.
  std::optional<SearchFilter> InputSearchFilter(Request& request);
  std::int64_t NextTemporaryId(std::int64_t chat_id);
  std::int64_t PendingTopic(std::int64_t chat_id, std::int64_t topic_id) const;  // as shown while sending
  // TDLib's local check before a send: "" when the user may write into the chat.
  std::string_view WriteRefusal(std::int64_t chat_id) const;

  // Forum topics, members and reactions (client_forum.cpp, client_members.cpp).
  bool CheckForum(Request& request, std::int64_t chat_id);  // ForumTopicManager::is_forum
  // The topic of a sendMessage (0: none), or nullopt after answering with the error.
  std::optional<std::int64_t> InputTopic(Request& request, std::int64_t chat_id);
  std::optional<Json> TopicRefusal(std::int64_t chat_id, std::int64_t topic_id) const;
  Json TopicInfoObject(std::int64_t chat_id, const ForumTopic& topic);
  Json ForumTopicObject(std::int64_t chat_id, const ForumTopic& topic);
  void LearnTopic(std::int64_t chat_id, const ForumTopic& topic);  // updateForumTopicInfo (users)
  // A topic the server listed: updateForumTopicInfo and updateForumTopic (users).
  void LoadedTopic(std::int64_t chat_id, const ForumTopic& topic, const Json& full);
  void HandleCreateForumTopic(Request& request);
  void HandleEditForumTopic(Request& request);
  void HandleToggleForumTopicIsClosed(Request& request);
  void FinishTopicEdit(Request& request, std::int64_t chat_id, std::int64_t topic_id,
                       std::optional<std::string> name, std::optional<std::int64_t> emoji,
                       std::optional<bool> closed);
  void HandleGetForumTopic(Request& request);
  void HandleGetForumTopics(Request& request);
  // forumTopic objects of the group (General too) whose name contains `query`, newest activity first.
  std::vector<Json> TopicsByActivity(std::int64_t chat_id, const std::string& query);
  void HandleGetChatMember(Request& request);
  void HandleGetChatAdministrators(Request& request);
  void HandleSetMessageReactions(Request& request);
  void HandleAddMessageReaction(Request& request);

  // Bots (client_bots.cpp, client_bot_commands.cpp).
  // The reply_markup of a request as TDLib keeps it (null for none, and always for
  // users, whose markup TDLib drops), or nullopt after answering with the error.
  std::optional<Json> InputReplyMarkup(Request& request, std::int64_t chat_id, bool only_inline);
  // The server's refusal of a message into chat_id, if any: a bot writing first, a
  // user's privacy settings.
  std::optional<Json> SendRefusal(std::int64_t chat_id, std::int64_t topic_id = 0);
  // Seconds of the server's flood wait for a message into chat_id: a bot's buckets or
  // the user account's send limit; 0: send now (and counted).
  int SendFloodWait(std::int64_t chat_id);
  void HandleEditMessageReplyMarkup(Request& request);
  // True when the server holds (a short flood wait: `retry` runs later) or refuses
  // (`fail` has run) the message temp_id into chat_id; false: send now.
  bool HoldSend(std::int64_t chat_id, std::int64_t temp_id, std::function<void()> retry,
                std::function<void(Json)> fail, std::int64_t topic_id = 0);
  void HandleAnswerCallbackQuery(Request& request);
  void HandleSetCommands(Request& request);
  void HandleGetCommands(Request& request);
  void HandleDeleteCommands(Request& request);

  // Media messages and uploads (client_media.cpp, client_upload.cpp).
  struct PreparedMedia {
    MediaInfo media;
    Json caption;  // formattedText
  };
  // The content of a media message, or nullopt after answering the request with
  // TDLib's error (MessageContent.cpp, FileManager::get_input_file_id).
  std::optional<PreparedMedia> PrepareMedia(Request& request, const Json& content);
  ClientFile* ResolveInputFile(const Json& input_file, MediaKind kind, std::string& error);
  ClientFile* ResolveLocalFile(const std::string& path, MediaKind kind, std::string& error);
  void HandleSendMedia(Request& request);
  void HandleSendMessageAlbum(Request& request);
  void HandleEditMessageCaption(Request& request);
  void HandleEditMessageMedia(Request& request);  // client_media_edit.cpp
  void CompleteMediaEdit(Request& request, std::int64_t chat_id, std::int64_t message_id,
                         PreparedMedia prepared, std::optional<Json> markup);
  void StartMediaSend(std::int64_t chat_id, std::int64_t temp_id, StoredMessage pending);
  void CompleteMediaSend(std::int64_t chat_id, std::int64_t temp_id, StoredMessage pending);
  // Uploads the file unless the server has it; `done` gets nullopt or the error.
  void UploadFile(int file_id, std::function<void(std::optional<Json>)> done);
  void UploadStep(int file_id, int step, int steps);
  void FinishUpload(int file_id, std::optional<Json> error);
  void EmitFile(const ClientFile& file);  // updateFile

  // Files and downloads (client_downloads.cpp).
  void HandleGetFile(Request& request);
  void HandleGetRemoteFile(Request& request);
  void HandleDownloadFile(Request& request);
  void HandleDeleteFile(Request& request);
  void DownloadStep(int file_id, int step, int steps);
  void FinishDownload(int file_id, bool ok);
  std::string DownloadPath(ClientFile& file);

  // Proxies (client_proxies.cpp): per client, like TDLib's ConnectionCreator.
  void HandleAddProxy(Request& request);
  void HandleEditProxy(Request& request);
  void HandleEnableProxy(Request& request);
  void HandleDisableProxy(Request& request);
  void HandleRemoveProxy(Request& request);
  void HandleGetProxies(Request& request);
  void HandlePingProxy(Request& request);
  void AddOrEditProxy(Request& request, int old_proxy_id);
  void EnableProxy(int proxy_id);
  void DisableProxy();
  Json AddedProxyObject(int proxy_id) const;
  bool ProxyBlocked() const;  // the enabled proxy is unreachable
  void EmitConnectionState(bool reconnect);
  void RunProxyWaiters();

  World& world_;
  LineSink* sink_;
  ClientRef ref_;
  int client_id_;
  bool started_ = false;
  AuthState state_ = AuthState::kWaitParameters;
  Json state_object_;
  bool closing_by_close_ = false;
  std::uint64_t next_request_id_ = 1;
  std::map<std::uint64_t, std::optional<Json>> pending_;  // request id -> @extra
  std::vector<std::string> queued_until_init_;
  std::optional<Request> auth_query_;
  std::uint64_t auth_timer_ = 0;

  // Parameters and login progress.
  std::string device_model_, application_version_;
  std::int64_t api_id_ = 0;
  std::string api_hash_;
  std::string phone_;         // as the app sent it
  std::string phone_digits_;  // for the cloud
  bool code_resent_ = false;
  bool bot_token_entered_ = false;
  std::int64_t pending_user_id_ = 0;  // after the first factor, before the password
  std::string qr_token_;
  std::uint64_t qr_timer_ = 0;

  // Ready.
  std::int64_t user_id_ = 0;
  std::int64_t session_id_ = 0;
  bool is_bot_ = false;
  std::set<std::int64_t> known_users_, known_chats_, open_chats_, preloaded_history_;
  // Seconds a user's message (chat id, temporary id) has waited for flood waits so far.
  std::map<std::pair<std::int64_t, std::int64_t>, int> flood_waited_;
  bool ban_pending_ = false;  // banned with visible_error: the next server call meets it
  std::map<std::int64_t, std::int64_t> last_local_id_;  // chat -> largest id seen or assigned
  std::size_t loaded_chats_ = 0;
  std::map<std::string, Json> options_;
  std::map<std::int64_t, bool> may_message_;  // canSendMessageToUser answers, by user id
  std::map<std::string, std::int64_t> resolved_phones_;  // digits -> user id, 0: not found
  std::map<std::string, Json> invite_link_infos_;  // checkChatInviteLink answers, by link
  std::set<std::pair<std::int64_t, std::int64_t>> known_topics_;  // (chat, topic) with loaded info
  bool contacts_loaded_ = false;

  // Files.
  ClientFiles files_;
  std::string cwd_;              // the library's working directory (relative paths)
  std::string files_directory_;  // absolute; downloads go to its TDLib subfolders
  std::map<int, std::vector<std::function<void(std::optional<Json>)>>> upload_waiters_;
  std::map<int, std::vector<Request>> download_waiters_;  // synchronous downloadFile

  // Proxies.
  struct ProxyEntry {
    Json proxy;  // td_api proxy, normalised
    std::string comment;
    std::int64_t last_used_date = 0;
  };
  std::map<int, ProxyEntry> proxies_;
  int next_proxy_id_ = 2;  // TDLib's proxy ids start at 2
  int active_proxy_id_ = 0;
  std::vector<std::function<void()>> proxy_waiters_;  // server calls held by the proxy
};

}  // namespace tgsim
