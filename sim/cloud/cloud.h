#pragma once
// The simulated Telegram cloud: accounts, login codes, sessions, QR tokens, chats and
// messages. Pure state with no I/O and no threads; the engine owns one instance and
// turns its results into TDLib updates for the connected clients.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/cloud/files.h"
#include "sim/cloud/media.h"
#include "sim/tdapi/json.h"

namespace tgsim {

struct User {
  std::int64_t id = 0;
  std::string phone;  // digits only
  std::string first_name, last_name, username;
  std::string password, password_hint;
  bool is_bot = false;
  std::string bot_token;
  bool banned = false;
  // Privacy "who can find me by my number": false means only the user's contacts.
  bool findable_by_phone = true;
  // Privacy "who can message me": true means new private chats only from the user's
  // contacts (Telegram's new_noncontact_peers_require_premium; nobody here is Premium).
  bool messages_from_contacts_only = false;
  // Telegram's spam limit: while set, the user cannot start private chats with
  // non-contacts (the server's PEER_FLOOD).
  bool peer_flood = false;
  // The person deleted the account: no phone, names or username any more; others see
  // userTypeDeleted and cannot write to it; the number is free for a new registration.
  bool deleted = false;
  // The account's send rate limit (account_limits.cpp): messages a minute and the
  // bucket's size; 0: off.
  double send_per_minute = 0, send_burst = 0;
};

struct ContactName {  // how the owner saved a contact; the owner sees these names
  std::string first_name, last_name;
};

struct Session {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t created_at = 0;
  std::string device_model, application_version, secret;
};

struct LoginCode {
  std::string code;
  bool expired = false;
};

enum class GroupKind { kBasic, kSupergroup };

// td_api chatAdministratorRights without is_anonymous, in schema order (forum.cpp).
inline constexpr const char* kAdminRightNames[] = {
    "can_manage_chat", "can_change_info", "can_post_messages", "can_edit_messages",
    "can_delete_messages", "can_invite_users", "can_restrict_members", "can_pin_messages",
    "can_manage_topics", "can_promote_members", "can_manage_video_chats", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_manage_direct_messages", "can_manage_tags"};

struct Administrator {
  std::set<std::string> rights;  // names from kAdminRightNames that are granted
  bool is_anonymous = false;     // posts as the group (messageSenderChat)
  bool Has(std::string_view right) const { return rights.contains(std::string(right)); }
};

// A topic of a forum supergroup. Its id is the server id of the service message that
// created it (TDLib's ForumTopicId); the General topic is 1 and is not stored.
struct ForumTopic {
  std::int64_t id = 0;
  std::string name;
  bool is_name_implicit = false;
  bool is_closed = false;
  std::int64_t creator = 0;  // user id
  std::int64_t date = 0;
  int icon_color = 0x6FB9F0;
  std::int64_t icon_custom_emoji_id = 0;
};

inline constexpr std::int64_t kGeneralTopicId = 1;
inline constexpr int kMaxReactionCount = 11;

struct Group {
  std::int64_t id = 0;
  GroupKind kind = GroupKind::kBasic;
  std::string title, username;
  std::vector<std::int64_t> members;
  std::int64_t date = 0;
  std::int64_t next_server_id = 1;  // supergroups share one id sequence
  // A channel is a broadcast supergroup: only its owner posts, the members subscribe.
  bool is_channel = false;
  std::int64_t owner = 0;
  std::string invite_hash;      // the primary invite link is https://t.me/+<hash>
  std::set<std::int64_t> left;  // users who left (a basic group lets them return)
  // Forum supergroups (forum.cpp): topics in creation order, administrators (the owner
  // is the creator and not listed), and whether members may react at all.
  bool is_forum = false;
  bool reactions_allowed = true;
  std::map<std::int64_t, Administrator> admins;
  std::vector<ForumTopic> topics;
};

struct StoredMessage {
  std::int64_t id = 0;  // as the owner sees it (server id << 20)
  std::int64_t sender_user_id = 0;
  bool outgoing = false;
  std::int64_t date = 0, edit_date = 0;
  Json text;  // formattedText; the caption of a media message
  std::int64_t reply_to_id = 0;
  std::int64_t link = 0;  // the same message in other users' boxes
  std::optional<MediaInfo> media;  // absent for text messages
  std::int64_t media_album_id = 0;
  Json reply_markup;  // td_api ReplyMarkup as this owner sees it; null when none
  Json contact;       // td_api contact of a messageContact; null otherwise
  bool channel_post = false;  // sent by the channel itself (messageSenderChat)
  bool anonymous = false;     // an anonymous administrator: sent as the group
  std::int64_t topic_id = 0;  // forum topic; 0 outside forums (General is 1)
  Json service{};             // td_api MessageContent of a service message; null otherwise
  // Reactions: emoji -> who reacted (oldest first); `chosen` is what this owner chose.
  std::map<std::string, std::vector<std::int64_t>> reactions{};
  std::set<std::string> chosen{};
};

// What a new message carries besides its text.
struct MessageMedia {
  std::optional<MediaInfo> media;
  std::int64_t album_id = 0;
  Json reply_markup;  // as the (bot) sender sent it, normalised; null when none
  Json contact;       // td_api contact: the message is a messageContact
  std::int64_t topic_id = 0;  // forum topic (0: General in a forum)
  bool as_chat = false;       // an anonymous administrator posts as the group
  Json service{};             // a service message's content instead of text
};

// Telegram's flood limits for bots (bots.cpp). Each is a token bucket; 0 turns it off.
struct BotLimits {
  double per_second = 30;          // all chats together: 30/s, bursts of 30
  double per_chat_per_second = 1;  // one private chat: 1/s ...
  double per_chat_burst = 3;       // ... after a burst of this many
  double group_per_minute = 20;    // one group: 20/min, bursts of 20
};

struct CallbackQuery {
  std::int64_t id = 0, bot_id = 0, user_id = 0;
  std::int64_t bot_chat_id = 0, bot_message_id = 0;  // as the bot sees them
  std::string data;                                  // raw bytes
  bool answered = false;
  std::string answer_text, answer_url;  // the bot's answerCallbackQuery
  bool show_alert = false;
};

struct Dialog {
  std::map<std::int64_t, StoredMessage> messages;
  std::int64_t last_read_inbox = 0, last_read_outbox = 0;
  int unread = 0;  // incoming messages above last_read_inbox, kept up to date
  int UnreadCount() const { return unread; }
  void Recount();
  const StoredMessage* Last() const;
};

// One copy of a message as a user sees it.
struct MessageCopy {
  std::int64_t user_id = 0, chat_id = 0, message_id = 0;
};

struct ReadChange {  // a user's view of a chat whose read marker moved
  std::int64_t user_id = 0, chat_id = 0, last_read = 0;
};

inline constexpr std::int64_t kServerIdShift = 1 << 20;
inline constexpr std::int64_t kSupergroupChatBase = 1000000000000LL;

class Cloud {
 public:
  // Accounts. Phones are compared by digits only. Returns nullopt on conflict.
  std::optional<std::int64_t> CreateUser(User user);
  const User* FindUser(std::int64_t user_id) const;
  const User* FindByPhone(std::string_view phone) const;
  const User* FindByUsername(std::string_view username) const;
  const User* FindByBotToken(std::string_view token) const;
  void Ban(std::int64_t user_id);
  // Account limits and deletion (account_limits.cpp). DeleteAccount frees the phone and
  // the username, clears the names and drops the account from every contact list.
  void DeleteAccount(std::int64_t user_id);
  void SetSendLimit(std::int64_t user_id, double per_minute, double burst);
  // Seconds the user must wait before the next message (all chats together) at `now`
  // (seconds, any epoch); 0 when it may send, and then the message is counted.
  int TakeUserSendSlot(std::int64_t user_id, double now);
  // @BotFather's /revoke: the bot gets a new token and the old one stops working.
  // Returns the new token ("" for an unknown bot).
  std::string RevokeBotToken(std::int64_t bot_id);

  std::string IssueCode(std::string_view phone);
  const LoginCode* FindCode(std::string_view phone) const;
  bool ExpireCode(std::string_view phone);

  Session& CreateSession(std::int64_t user_id, std::string device, std::string app_version);
  const Session* FindSession(std::int64_t session_id, std::string_view secret) const;
  void RemoveSession(std::int64_t session_id);
  std::vector<Session> SessionsOf(std::int64_t user_id) const;

  // Contacts (contacts.cpp). ResolvePhone is contacts.resolvePhone: nullptr when no
  // account has the number or its owner hides it from `viewer`.
  const User* ResolvePhone(std::int64_t viewer, std::string_view phone) const;
  void AddContact(std::int64_t owner, std::int64_t user_id, ContactName name);
  const ContactName* FindContact(std::int64_t owner, std::int64_t user_id) const;
  // Privacy "who can message me" (contacts.cpp): the user changes it for everyone.
  void SetMessagesFromContactsOnly(std::int64_t user_id, bool contacts_only);
  // Whether `sender` may write to `recipient` in their private chat: always, unless the
  // recipient takes new chats from contacts only, the sender is not among their contacts
  // and the two have no chat yet (the server's PRIVACY_PREMIUM_REQUIRED otherwise).
  bool MayWritePrivately(std::int64_t sender, std::int64_t recipient) const;
  std::vector<std::int64_t> ContactsOf(std::int64_t owner) const;  // by user id
  // The spam limit (membership.cpp): while on, the user's messages to someone who is not
  // their contact and with whom they have no chat yet fail with PEER_FLOOD.
  void SetPeerFlood(std::int64_t user_id, bool on);
  bool PeerFloodBlocks(std::int64_t sender, std::int64_t recipient) const;

  // Chats as one user sees them.
  std::int64_t CreateGroup(Group group);
  const Group* FindGroup(std::int64_t chat_id) const;
  std::int64_t FindGroupByUsername(std::string_view username) const;  // chat id; 0: none
  bool CanAccessChat(std::int64_t user_id, std::int64_t chat_id) const;
  // Membership (membership.cpp). Join and Leave return false when nothing changes.
  bool IsMember(std::int64_t user_id, std::int64_t chat_id) const;
  bool HasLeft(std::int64_t user_id, std::int64_t chat_id) const;
  bool Join(std::int64_t user_id, std::int64_t chat_id);
  bool Leave(std::int64_t user_id, std::int64_t chat_id);
  std::int64_t FindGroupByInviteHash(std::string_view hash) const;  // chat id; 0: none
  // Replaces the chat's invite link; the old hash stops working. Returns the new hash.
  std::string RevokeInviteLink(std::int64_t chat_id);
  // Whether the user may send into the chat: access, and in a channel ownership.
  bool CanPost(std::int64_t user_id, std::int64_t chat_id) const;
  Dialog* FindDialog(std::int64_t user_id, std::int64_t chat_id);
  Dialog& DialogOf(std::int64_t user_id, std::int64_t chat_id);
  std::vector<std::int64_t> ChatsOf(std::int64_t user_id) const;  // newest activity first
  static std::int64_t ChatOrder(const Dialog& dialog);

  // Messaging. Send returns every copy, the sender's first.
  // Every recipient gains access to the message's file.
  std::vector<MessageCopy> Send(std::int64_t sender, std::int64_t chat_id, Json text,
                                std::int64_t reply_to_id, std::int64_t now,
                                const MessageMedia& media = {});
  // Edits the text (caption) and/or the reply markup (nullopt: unchanged).
  std::vector<MessageCopy> Edit(std::int64_t user_id, std::int64_t chat_id,
                                std::int64_t message_id, std::optional<Json> text,
                                std::optional<Json> markup, std::int64_t now);
  // Replaces a message's media and caption (editMessageMedia); every copy's owner gains
  // access to the new file.
  std::vector<MessageCopy> EditMedia(std::int64_t user_id, std::int64_t chat_id,
                                     std::int64_t message_id, const MediaInfo& media, Json caption,
                                     std::optional<Json> markup, std::int64_t now);
  std::vector<MessageCopy> Delete(std::int64_t user_id, std::int64_t chat_id,
                                  const std::vector<std::int64_t>& ids, bool revoke);
  // Marks incoming messages up to `up_to` (0: all) read; returns the reader's inbox
  // change first, then the senders' outbox changes.
  std::vector<ReadChange> Read(std::int64_t user_id, std::int64_t chat_id, std::int64_t up_to);
  std::vector<MessageCopy> CopiesOf(std::int64_t user_id, std::int64_t chat_id,
                                    std::int64_t message_id) const;
  const StoredMessage* FindMessage(std::int64_t user_id, std::int64_t chat_id, std::int64_t message_id) const;

  // Forum supergroups, administrators and reactions (forum.cpp).
  Group* MutableGroup(std::int64_t chat_id);
  // The creator or an administrator; nullptr for anyone else. The creator has every right.
  std::optional<Administrator> AdminOf(std::int64_t user_id, std::int64_t chat_id) const;
  bool HasRight(std::int64_t user_id, std::int64_t chat_id, std::string_view right) const;
  // Promotes (rights given) or demotes (nullopt) a member; false when not a member.
  bool SetAdmin(std::int64_t chat_id, std::int64_t user_id, std::optional<Administrator> admin);
  const ForumTopic* FindTopic(std::int64_t chat_id, std::int64_t topic_id) const;
  // A new topic and its service message (messageForumTopicCreated) from `creator`.
  std::pair<ForumTopic, std::vector<MessageCopy>> CreateTopic(std::int64_t creator, std::int64_t chat_id,
                                                              ForumTopic topic, std::int64_t now);
  // Applies a change to a topic and posts its service message; empty when no such topic.
  std::vector<MessageCopy> EditTopic(std::int64_t editor, std::int64_t chat_id, std::int64_t topic_id,
                                     std::optional<std::string> name, std::optional<std::int64_t> emoji,
                                     std::optional<bool> closed, std::int64_t now);
  // Replaces the user's reactions on a message; returns every copy.
  std::vector<MessageCopy> SetReactions(std::int64_t user_id, std::int64_t chat_id, std::int64_t message_id,
                                        const std::vector<std::string>& emojis);

  // Bots (bots.cpp).
  bool BotMayWrite(std::int64_t bot_id, std::int64_t user_id) const;  // the user wrote first
  void SetBotCommands(std::int64_t bot_id, const std::string& scope, Json commands);
  Json BotCommandsOf(std::int64_t bot_id, const std::string& scope) const;  // array
  // Messages deleted from a user's view of a chat, by id (for the control API's chat view).
  const std::map<std::int64_t, StoredMessage>* DeletedIn(std::int64_t user_id, std::int64_t chat_id) const;
  CallbackQuery& AddCallbackQuery(CallbackQuery query);
  CallbackQuery* FindCallbackQuery(std::int64_t id);
  void SetBotLimits(const BotLimits& limits) { bot_limits_ = limits; }
  const BotLimits& bot_limits() const { return bot_limits_; }
  // Seconds the bot must wait before sending into chat_id (its view) at `now`
  // (seconds, any epoch); 0 when it may send, and then the message is counted.
  int TakeBotSendSlot(std::int64_t bot_id, std::int64_t chat_id, double now);
  // How many bot sends were answered with a flood wait so far (all bots).
  std::int64_t bot_flood_waits() const { return bot_flood_waits_; }

  FileStore& files() { return files_; }
  const FileStore& files() const { return files_; }

  Json ToJson() const;
  void FromJson(const Json& state);

 private:
  std::vector<std::int64_t> Recipients(std::int64_t sender, std::int64_t chat_id, const Json& text,
                                       std::int64_t reply_to_id, bool service) const;
  // A bot in privacy mode sees only commands, mentions and replies to itself (forum.cpp).
  bool BotSees(std::int64_t bot_id, std::int64_t sender, std::int64_t chat_id, const Json& text,
               std::int64_t reply_to_id) const;
  std::int64_t ChatIdFor(std::int64_t viewer, std::int64_t sender, std::int64_t chat_id) const;
  std::int64_t NextMessageId(std::int64_t owner, std::int64_t chat_id);
  Json MarkupFor(std::int64_t owner, std::int64_t sender, std::int64_t chat_id, const Json& markup) const;
  void NoteBotStarted(std::int64_t sender, std::int64_t chat_id);
  void InvalidateLeakedCode(std::int64_t sender, const Json& text);

  std::map<std::int64_t, User> users_;
  std::map<std::string, std::int64_t> user_by_phone_;  // digits -> id: no scan of every user per login
  std::map<std::string, LoginCode> codes_;
  std::map<std::int64_t, Session> sessions_;
  std::map<std::int64_t, Group> groups_;  // by chat id
  std::map<std::int64_t, std::map<std::int64_t, Dialog>> dialogs_;  // user -> chat -> dialog
  std::map<std::int64_t, std::int64_t> next_box_id_;               // user -> next server id
  std::map<std::int64_t, std::vector<MessageCopy>> links_;
  std::map<std::int64_t, std::map<std::int64_t, ContactName>> contacts_;  // owner -> user -> name
  FileStore files_;
  std::set<std::pair<std::int64_t, std::int64_t>> bot_started_;  // (bot, user)
  std::map<std::int64_t, std::map<std::string, Json>> bot_commands_;  // bot -> scope -> commands
  std::map<std::int64_t, CallbackQuery> callback_queries_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::int64_t, StoredMessage>> deleted_;
  std::int64_t next_callback_query_ = 1;
  BotLimits bot_limits_;
  std::int64_t bot_flood_waits_ = 0;
  struct Bucket {
    double tokens = -1, last = 0;  // tokens < 0: not used yet (full)
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Bucket> bot_buckets_;  // (bot, chat or 0)
  std::map<std::int64_t, Bucket> user_send_buckets_;                      // by user id
  std::int64_t next_user_id_ = 5000001, next_group_id_ = 4001, next_channel_id_ = 1700000001;
  std::int64_t next_session_id_ = 1, next_link_ = 1;
};

std::string PhoneDigits(std::string_view phone);
std::string NewQrToken();  // random, base64url
std::string NewInviteHash();  // random, base64url, never all digits
std::string InviteLink(const std::string& hash);  // https://t.me/+<hash>

}  // namespace tgsim
