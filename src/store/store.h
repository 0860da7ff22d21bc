// The Store interface (docs/architecture.md, The store): one interface over
// SQLite or PostgreSQL (one SQL implementation, sql_store.cpp); the same tests
// run against both.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/auth_records.h"
#include "store/bot_records.h"
#include "store/cluster_records.h"
#include "store/dialog_records.h"
#include "store/notification_records.h"
#include "store/pool_records.h"
#include "store/relay_records.h"
#include "store/event_records.h"
#include "store/file_records.h"
#include "store/outbox_records.h"
#include "store/watch_records.h"
#include "store/states.h"

namespace tgmux::store {

// Raised when the database cannot be opened, migrated or written.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database cannot be reached now (PostgreSQL stopped, restarting, or its
// connection lost). The call did not happen, or (a commit whose answer was
// lost) may have: a retry with the same idempotency key is safe. The routes
// answer 503 store_unavailable; the pool opens new connections on later calls.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

// One linked Telegram account. Secret fields hold ciphertext only (see crypto::Envelope).
struct Account {
  std::string id;                      // "acc_" + random, also the AEAD associated data
  std::string tenant_id = "default";
  AccountStatus status = AccountStatus::kConnecting;
  LoginMethod method = LoginMethod::kPhone;
  std::int64_t telegram_user_id = 0;
  std::string username;
  std::string display_name;
  std::string phone_masked;            // "+380*******67"
  std::string phone_sealed;            // Envelope::Encrypt(purpose "phone")
  // Lowercase hex HMAC-SHA256 of the E.164 number under the installation's
  // phone-digest key; "" while unknown. Written by InsertAccount and
  // SetAccountPhoneDigest only (UpdateAccount leaves it as it is).
  std::string phone_digest;
  std::string wrapped_data_key;        // Envelope::WrapDataKey
  std::string td_key_sealed;           // TDLib database key, Envelope::Encrypt(purpose "td_key")
  std::string last_error;
  // The account's own proxy (a ProxyUrl): the full URL sealed (purpose
  // "proxy"), and the URL without password or secret to show; "" for none.
  std::string proxy_sealed;
  std::string proxy_masked;
  std::int64_t created_at = 0;         // unix seconds
  std::int64_t updated_at = 0;
  std::int64_t last_connected_at = 0;
  // Which incoming messages become events.
  bool accepts_private = true;
  bool accepts_groups = true;    // basic groups and supergroups
  bool accepts_channels = false;
  // The Telegram user who linked it by talking to one of the tenant's bots
  // (docs/bots.md); 0 for accounts linked otherwise.
  std::int64_t owner_telegram_user_id = 0;
  // The groups it watches for the watcher (docs/watcher.md), as JSON
  // (service's WatchSettings); "" when it watches none.
  std::string watch;
  // The account pool it sends for (docs/pools.md); "" when none.
  std::string pool;
  // The caller's own labels (docs/compat.md): a project it belongs to, and
  // the caller's key for the person, unique in the tenant; "" when none.
  std::string project_id;
  std::string external_id;
};

// Thread-safe: any thread may call any method. Calls block (run them off the
// network threads).
class Store {
 public:
  virtual ~Store() = default;

  // The newest migration applied.
  virtual int SchemaVersion() = 0;

  virtual std::optional<std::string> GetMeta(std::string_view key) = 0;
  virtual void SetMeta(std::string_view key, std::string_view value) = 0;
  // Writes the value only when the key has none yet; false when it had one
  // (another process may have written it first: read it back then).
  virtual bool InsertMetaIfAbsent(std::string_view key, std::string_view value) = 0;

  // Throws StoreError when the id exists.
  virtual void InsertAccount(const Account& account) = 0;
  virtual std::optional<Account> FindAccount(std::string_view id) = 0;
  // Ordered by created_at, then id.
  virtual std::vector<Account> ListAccounts() = 0;
  // One tenant's accounts, ordered by created_at, then id (indexed).
  virtual std::vector<Account> ListAccounts(std::string_view tenant_id) = 0;
  // One tenant's accounts of one number (by its digest) or of one Telegram
  // user, ordered by created_at, then id. Indexed: their cost does not grow
  // with the number of accounts.
  virtual std::vector<Account> FindAccountsByPhoneDigest(std::string_view tenant_id, std::string_view digest) = 0;
  virtual std::vector<Account> FindAccountsByTelegramUser(std::string_view tenant_id, std::int64_t user_id) = 0;
  // Accounts linked through the tenant's bots by this Telegram user, oldest first.
  virtual std::vector<Account> FindAccountsByOwner(std::string_view tenant_id, std::int64_t owner_user_id) = 0;
  // The tenant's account with this external_id (indexed); nullopt for "".
  virtual std::optional<Account> FindAccountByExternalId(std::string_view tenant_id, std::string_view external_id) = 0;
  // Returns false when no such account. Every field but phone_digest. Throws
  // Error(conflict) when another account of the tenant has its external_id.
  virtual bool UpdateAccount(const Account& account) = 0;
  // Returns false when no such account.
  virtual bool SetAccountPhoneDigest(std::string_view id, std::string_view digest) = 0;
  virtual bool DeleteAccount(std::string_view id) = 0;

  // App users and tenants. InsertUser returns false when the email is taken;
  // InsertTenantWithOwner writes both rows in one transaction.
  virtual int CountUsers() = 0;
  virtual bool InsertTenantWithOwner(const Tenant& tenant, const User& owner) = 0;
  virtual bool InsertUser(const User& user) = 0;
  virtual std::optional<User> FindUser(std::string_view id) = 0;
  virtual std::optional<User> FindUserByEmail(std::string_view email) = 0;
  virtual std::vector<User> ListUsers(std::string_view tenant_id) = 0;
  // Sets a user's role when it still is `expected_role`. Refuses (kLastOwner) to
  // take "owner" from the tenant's only owner. One transaction.
  virtual MemberChange SetUserRole(std::string_view tenant_id, std::string_view user_id,
                                   std::string_view expected_role, std::string_view role) = 0;
  // Deletes a user whose role still is `expected_role`, and in the same
  // transaction revokes their refresh tokens and every live API key they made
  // (and the keys those keys made). Refuses (kLastOwner) the tenant's only owner.
  virtual MemberChange DeleteUser(std::string_view tenant_id, std::string_view user_id,
                                  std::string_view expected_role, std::int64_t at) = 0;

  virtual void InsertRefreshToken(const RefreshToken& token) = 0;
  virtual std::optional<RefreshToken> FindRefreshToken(std::string_view digest) = 0;
  // Marks the token used unless it already was; false means someone used it first.
  virtual bool MarkRefreshTokenUsed(std::string_view digest, std::int64_t at) = 0;
  virtual void RevokeRefreshFamily(std::string_view family_id, std::int64_t at) = 0;

  virtual void InsertApiKey(const ApiKey& key) = 0;
  virtual std::optional<ApiKey> FindApiKeyByDigest(std::string_view digest) = 0;
  virtual std::vector<ApiKey> ListApiKeys(std::string_view tenant_id) = 0;
  // False when no such live key in that tenant.
  virtual bool RevokeApiKey(std::string_view tenant_id, std::string_view id, std::int64_t at) = 0;
  // Gives role `to` to the live keys of role `from` that `created_by` made (and
  // the keys those keys made); returns how many changed.
  virtual int ChangeApiKeyRoles(std::string_view tenant_id, std::string_view created_by, std::string_view from,
                                std::string_view to) = 0;

  virtual void InsertInvite(const Invite& invite) = 0;
  virtual std::optional<Invite> FindInvite(std::string_view digest) = 0;
  virtual std::vector<Invite> ListInvites(std::string_view tenant_id) = 0;
  // Marks the invite used unless it already was; false means it was.
  virtual bool UseInvite(std::string_view digest, std::int64_t at) = 0;

  // Appends and returns the entry's sequence number.
  virtual std::int64_t AppendAudit(const AuditEntry& entry) = 0;
  // Newest first: entries of the tenant with seq < before (0: from the newest).
  virtual std::vector<AuditEntry> ListAudit(std::string_view tenant_id, std::int64_t before, int limit) = 0;

  // The outbox. InsertOutbox returns false when the entry's non-empty
  // idempotency key is already used in its tenant and account.
  virtual bool InsertOutbox(const OutboxEntry& entry) = 0;
  virtual std::optional<OutboxEntry> FindOutbox(std::string_view id) = 0;
  virtual std::optional<OutboxEntry> FindOutboxByKey(std::string_view tenant_id, std::string_view account_id,
                                                     std::string_view key) = 0;
  virtual bool UpdateOutbox(const OutboxEntry& entry) = 0;
  // Several inserts and updates in one transaction, so one durable commit, in
  // their order; says of each whether it took effect (as InsertOutbox and
  // UpdateOutbox do). The events of the writes that took effect are appended
  // in the same transaction and, when `appended` is given, added to it with
  // their seq (as AppendEvents returns them). Nothing is written when it throws.
  virtual std::vector<bool> WriteOutbox(const std::vector<OutboxWrite>& writes, std::vector<Event>* appended) = 0;
  // Queued and sending entries of one account ("": of all), in creation
  // order, at most `limit` (<= 0: all).
  virtual std::vector<OutboxEntry> ListUnfinishedOutbox(std::string_view account_id, int limit) = 0;

  // The event log. AppendEvents writes in one transaction; each event gets its
  // tenant's next seq, except one whose non-empty dedup_key its tenant's log
  // already holds, which is skipped. Returns the events written, with seq.
  virtual std::vector<Event> AppendEvents(std::vector<Event> events) = 0;
  // Several nodes (docs/cluster.md): `heard(tenant_id, seq)` for every batch
  // of events another process appends (PostgreSQL NOTIFY at its commit), on a
  // thread of the store's own, until the handle is dropped; `seq` is the
  // newest that batch wrote for the tenant (0 when the writer did not say: an
  // older tgmux). "" when some may have been missed (the connection came
  // back): every tenant. nullptr on SQLite, which one process writes.
  struct Listening {
    virtual ~Listening() = default;
  };
  using HeardEvents = std::function<void(const std::string& tenant_id, std::int64_t seq)>;
  virtual std::unique_ptr<Listening> ListenForEvents(HeardEvents heard) = 0;
  // Events of the query's tenant after its seq, oldest first.
  virtual std::vector<Event> ListEvents(const EventQuery& query) = 0;
  // How many events ListEvents would return for the query without its limit.
  virtual std::int64_t CountEvents(const EventQuery& query) = 0;
  // The tenant's newest seq (0: none yet).
  virtual std::int64_t LastEventSeq(std::string_view tenant_id) = 0;
  // Removes events created before `created_before` (unix ms); returns how many.
  virtual int DeleteEventsBefore(std::int64_t created_before) = 0;
  // Until when an account's incoming messages are known to be in the log (unix
  // seconds; 0: never recorded).
  virtual std::int64_t GetEventCheckpoint(std::string_view account_id) = 0;
  virtual void SetEventCheckpoint(std::string_view account_id, std::int64_t at) = 0;

  // Files accounts have seen. UpsertFiles records new ones and updates where
  // known ones were seen, keeping their cache bookkeeping.
  virtual void UpsertFiles(const std::vector<FileRecord>& files) = 0;
  virtual std::optional<FileRecord> FindFile(std::string_view account_id, std::string_view file_id) = 0;
  virtual bool SetFileCache(std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
                            std::int64_t last_used_at) = 0;
  // The account's files in its download cache, least recently used first.
  virtual std::vector<FileRecord> ListCachedFiles(std::string_view account_id) = 0;

  // Bots. InsertBot returns false when a bot with the same token digest exists.
  virtual bool InsertBot(const Bot& bot) = 0;
  virtual std::optional<Bot> FindBot(std::string_view id) = 0;
  virtual std::optional<Bot> FindBotByTokenDigest(std::string_view digest) = 0;
  // Of one tenant ("": of all), oldest first.
  virtual std::vector<Bot> ListBots(std::string_view tenant_id) = 0;
  virtual bool UpdateBot(const Bot& bot) = 0;
  // Also removes the bot's conversations and relays.
  virtual bool DeleteBot(std::string_view id) = 0;
  // What a bot and a person are in the middle of (one row each; Put replaces).
  virtual void PutBotConversation(const BotConversation& conversation) = 0;
  virtual std::vector<BotConversation> ListBotConversations(std::string_view bot_id) = 0;
  // Null when the person never wrote to the bot.
  virtual std::optional<BotConversation> FindBotConversation(std::string_view bot_id, std::int64_t user_id) = 0;
  virtual void DeleteBotConversation(std::string_view bot_id, std::int64_t user_id) = 0;
  // The terminal's map from a bot's messages to the accounts' (Put replaces).
  virtual void PutBotRelay(const BotRelay& relay) = 0;
  virtual std::optional<BotRelay> FindBotRelay(std::string_view bot_id, std::int64_t user_id,
                                               std::int64_t bot_message_id) = 0;
  // Removes the map's entries made before `before` (unix seconds).
  virtual void DeleteBotRelaysBefore(std::int64_t before) = 0;

  // Account pools (docs/pools.md): a pool's settings (service's PoolSettings
  // JSON); Put inserts or replaces. A pool exists while it has accounts or settings.
  virtual void PutPool(const Pool& pool) = 0;
  virtual std::optional<Pool> FindPool(std::string_view tenant_id, std::string_view name) = 0;
  virtual std::vector<Pool> ListPools(std::string_view tenant_id) = 0;
  // An account's health and counters beyond its row (null: nothing happened yet).
  virtual std::optional<AccountHealth> FindAccountHealth(std::string_view account_id) = 0;
  virtual std::vector<AccountHealth> ListAccountHealth(std::string_view tenant_id) = 0;
  virtual void CountAccountHealth(std::string_view tenant_id, std::string_view account_id,
                                  HealthCounter counter) = 0;
  // until 0: no longer limited.
  virtual void SetAccountLimited(std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                                 std::string_view reason) = 0;
  // The account's own limits (JSON; "" for none).
  virtual void SetAccountLimits(std::string_view tenant_id, std::string_view account_id,
                                std::string_view limits) = 0;
  // Which account of a pool talks to a person (Put inserts or replaces).
  virtual void PutPoolContact(const PoolContact& contact) = 0;
  virtual std::optional<PoolContact> FindPoolContact(std::string_view tenant_id, std::string_view pool,
                                                     std::string_view contact) = 0;
  // The sends of the accounts in a pool (only `account_id`'s unless ""),
  // counted from the outbox; `since` (unix seconds) starts the day whose
  // sends AccountSends::since counts.
  virtual std::vector<AccountSends> CountPoolSends(std::string_view tenant_id, std::string_view pool,
                                                   std::string_view account_id, std::int64_t since) = 0;

  // The work-group relay (docs/relay.md). An account's relay (Put inserts or
  // replaces); relays through one bot ("": all), oldest first.
  virtual void PutRelay(const Relay& relay) = 0;
  virtual std::optional<Relay> FindRelay(std::string_view account_id) = 0;
  virtual std::vector<Relay> ListRelays(std::string_view bot_id) = 0;
  virtual bool DeleteRelay(std::string_view account_id) = 0;
  // Dialogs, one per account and peer chat (dialog_records.h). The relay's
  // Put inserts, or changes the relay's fields of the dialog already there;
  // Track inserts, or changes the tracking fields (tracked, status, reason,
  // pool, contact, meta) of the one there. Both keep the latest message time.
  virtual void PutDialog(const Dialog& dialog) = 0;
  virtual void TrackDialog(const Dialog& dialog) = 0;
  virtual std::optional<Dialog> FindDialog(std::string_view account_id, std::int64_t peer_chat_id) = 0;
  virtual std::optional<Dialog> FindDialogById(std::string_view id) = 0;
  // The account's tracked dialog with a person as sends name them.
  virtual std::optional<Dialog> FindDialogByContact(std::string_view account_id, std::string_view contact) = 0;
  virtual std::optional<Dialog> FindDialogByTopic(std::int64_t group_chat_id, std::int64_t topic_id) = 0;
  virtual std::optional<Dialog> FindDialogByHeader(std::int64_t group_chat_id, std::int64_t header_message_id) = 0;
  // A tenant's dialogs that pass `filter`, latest message first, last message
  // before `before` (0: any).
  virtual std::vector<Dialog> ListDialogs(std::string_view tenant_id, const DialogFilter& filter, std::int64_t before,
                                          int limit) = 0;
  // A tracked dialog whose first message moved to another account of its
  // pool (the person's chat id is the same for every account): false when
  // that account already has a dialog with the person.
  virtual bool MoveDialog(std::string_view id, std::string_view account_id) = 0;
  // A message at `at` (unix seconds) in a dialog: its first and latest times.
  virtual void TouchDialog(std::string_view id, std::int64_t at) = 0;
  // A tracked dialog's messages: Put keeps the first copy of each; List gives
  // the newest first, message ids below `before` (0: any).
  virtual void PutDialogMessage(const DialogMessage& message) = 0;
  virtual std::vector<DialogMessage> ListDialogMessages(std::string_view dialog_id, std::int64_t before,
                                                        int limit) = 0;
  // The posts mirroring an account's messages (Put inserts or replaces).
  virtual void PutRelayPost(const RelayPost& post) = 0;
  virtual std::optional<RelayPost> FindRelayPost(std::string_view account_id, std::int64_t peer_chat_id,
                                                 std::int64_t message_id) = 0;
  virtual std::optional<RelayPost> FindRelayPostByPost(std::int64_t group_chat_id, std::int64_t post_message_id) = 0;
  virtual void DeleteRelayPost(std::string_view account_id, std::int64_t peer_chat_id, std::int64_t message_id) = 0;
  // How far a bot's relay has read its tenant's event log (0: not yet).
  virtual std::int64_t RelayCursor(std::string_view bot_id) = 0;
  virtual void SetRelayCursor(std::string_view bot_id, std::int64_t seq) = 0;

  // The watcher (docs/watcher.md). Rules: Put inserts or replaces.
  virtual void PutWatchRule(const WatchRule& rule) = 0;
  virtual std::optional<WatchRule> FindWatchRule(std::string_view id) = 0;
  // Of one tenant ("": of all), oldest first.
  virtual std::vector<WatchRule> ListWatchRules(std::string_view tenant_id) = 0;
  virtual bool DeleteWatchRule(std::string_view tenant_id, std::string_view id) = 0;
  // The message and its matches in one transaction; false (and nothing
  // written) when the tenant already has a message with the same dedup key.
  virtual bool InsertWatchMessage(const WatchMessage& message, const std::vector<WatchMatch>& matches) = 0;
  virtual std::optional<WatchMessage> FindWatchMessage(std::string_view id) = 0;
  // False when the message already matched for the subscriber.
  virtual bool InsertWatchMatch(const WatchMatch& match) = 0;
  virtual std::optional<WatchMatch> FindWatchMatch(std::string_view id) = 0;
  virtual std::optional<WatchMatch> FindWatchMatchFor(std::string_view message_id,
                                                      std::string_view subscriber_id) = 0;
  virtual bool UpdateWatchMatch(const WatchMatch& match) = 0;
  // A tenant's matches, newest first, created before `before` (unix seconds; 0: any).
  virtual std::vector<WatchMatch> ListWatchMatches(std::string_view tenant_id, std::int64_t before, int limit) = 0;
  // Matches of every tenant whose notification is pending, oldest first.
  virtual std::vector<WatchMatch> ListPendingWatchMatches(int limit) = 0;
  // Notifications handed to the subscriber's bot (sending or sent) since `since` (unix seconds).
  virtual int CountWatchNotified(std::string_view subscriber_id, std::int64_t since) = 0;
  // When the rule last matched a message of the author (unix seconds; 0: never).
  virtual std::int64_t LastWatchMatchAt(std::string_view rule_id, std::int64_t author_id) = 0;
  // Matches and messages older than `before` (unix seconds), except pending matches.
  virtual void DeleteWatchBefore(std::int64_t before) = 0;
  // False when the person already subscribes to the bot.
  virtual bool InsertSubscriber(const Subscriber& subscriber) = 0;
  virtual std::optional<Subscriber> FindSubscriber(std::string_view id) = 0;
  virtual std::optional<Subscriber> FindSubscriberByUser(std::string_view bot_id, std::int64_t telegram_user_id) = 0;
  // Of one tenant ("": of all), oldest first.
  virtual std::vector<Subscriber> ListSubscribers(std::string_view tenant_id) = 0;
  virtual bool DeleteSubscriber(std::string_view tenant_id, std::string_view id) = 0;

  virtual void InsertWebhook(const Webhook& webhook) = 0;
  virtual std::optional<Webhook> FindWebhook(std::string_view id) = 0;
  // Of one tenant ("": of all), oldest first.
  virtual std::vector<Webhook> ListWebhooks(std::string_view tenant_id) = 0;
  virtual bool UpdateWebhook(const Webhook& webhook) = 0;
  virtual bool DeleteWebhook(std::string_view tenant_id, std::string_view id) = 0;

  // Notifications by bot (notification_records.h). Put inserts or replaces by
  // id; a subscriber has at most one subscription (Put with another id for the
  // same subscriber replaces that one too).
  virtual void PutNotificationSubscription(const NotificationSubscription& subscription) = 0;
  virtual std::optional<NotificationSubscription> FindNotificationSubscription(std::string_view id) = 0;
  virtual std::optional<NotificationSubscription> FindNotificationSubscriptionOf(std::string_view subscriber_id) = 0;
  // Of one tenant, oldest first.
  virtual std::vector<NotificationSubscription> ListNotificationSubscriptions(std::string_view tenant_id) = 0;
  virtual bool DeleteNotificationSubscription(std::string_view tenant_id, std::string_view id) = 0;

  // Several nodes (cluster_records.h, docs/cluster.md). A node's beat inserts
  // or refreshes its row.
  virtual void BeatNode(const ClusterNode& node) = 0;
  virtual std::vector<ClusterNode> ListNodes() = 0;  // alive or not, oldest first
  virtual void RemoveNode(std::string_view id) = 0;
  // Every lease of that kind the node holds, extended to `expires_at`: one
  // that is not in the answer is no longer the node's.
  virtual std::vector<Lease> RenewLeases(LeaseKind kind, std::string_view node_id, std::int64_t expires_at) = 0;
  // Takes the subject's lease when it is free, given back, or expired before
  // `expired_before`: atomic, so two nodes never both win. nullopt: it is held.
  virtual std::optional<Lease> ClaimLease(LeaseKind kind, std::string_view subject, std::string_view node_id,
                                          std::int64_t expired_before, std::int64_t expires_at) = 0;
  // Gives the lease back while the node still holds it under `epoch`.
  virtual bool ReleaseLease(LeaseKind kind, std::string_view subject, std::string_view node_id,
                            std::int64_t epoch) = 0;
  virtual std::vector<Lease> ListLeases(LeaseKind kind) = 0;
  // Removes the lease of work that is gone (a deleted webhook): whoever held
  // it finds it missing at its next renewal.
  virtual void DropLease(LeaseKind kind, std::string_view subject) = 0;
  // Logins in progress, by the node that runs each (cluster_records.h);
  // records older than `created_before` are removed.
  virtual void PutClusterLogin(const ClusterLogin& login) = 0;
  virtual std::optional<ClusterLogin> FindClusterLogin(std::string_view id) = 0;
  virtual void DeleteClusterLoginsBefore(std::int64_t created_before) = 0;
  // A word to every node listening on `channel` (PostgreSQL NOTIFY: heard at
  // once or never, not kept), and hearing them: `heard(payload)` on a thread
  // of the store's own until the handle is dropped, "" when some may have
  // been missed. On SQLite, which one process writes, Notify does nothing and
  // Listen answers nullptr.
  virtual void Notify(std::string_view channel, std::string_view payload) = 0;
  virtual std::unique_ptr<Listening> Listen(const std::string& channel,
                                            std::function<void(const std::string& payload)> heard) = 0;
  virtual void PutSnapshot(const TdSnapshot& snapshot) = 0;
  virtual std::optional<TdSnapshot> FindSnapshot(std::string_view account_id) = 0;
  // The accounts that have a snapshot (without reading them).
  virtual std::vector<std::string> ListSnapshotAccounts() = 0;
};

// When a write is acknowledged (TGMUX_STORE_SYNC).
enum class Durability {
  kSynced,  // "full": a call that writes returns once its commit is on disk (survives a power cut)
  kNormal,  // "normal": once the database has it; a power cut (not a crash) may lose the last writes
};
std::string_view DurabilityName(Durability durability);
std::optional<Durability> ParseDurability(std::string_view name);

// Opens (creating if needed) the SQLite database at `path` in WAL mode with a
// busy timeout, and applies every pending migration, recording each in the
// database. Throws StoreError with the path and SQLite's reason.
// The parent directory is created when missing and a new file gets mode 0600.
// One writer connection serves the calls that write, and read-only
// connections the calls that only read (in WAL mode they never wait for the
// writer); other processes may still read meanwhile. kSynced makes concurrent
// writers share each sync of the WAL (group commit, store/sqlite_wal.h).
std::unique_ptr<Store> OpenSqliteStore(const std::filesystem::path& path,
                                       Durability durability = Durability::kSynced);

// Connects to PostgreSQL (`conninfo`: a postgres:// or postgresql:// URL, or
// libpq's key=value form) with a pool of at most `pool_size` connections, and
// applies every pending migration (one transaction under an advisory lock:
// nodes starting at once are safe). Throws StoreError with one line that names
// the reason and never the password: malformed, unreachable, login refused,
// or a schema newer than this binary.
// kNormal turns synchronous_commit off on its connections.
std::unique_ptr<Store> OpenPostgresStore(const std::string& conninfo, int pool_size,
                                         Durability durability = Durability::kSynced);

// Why `conninfo` is not a PostgreSQL connection string libpq reads (one
// line, no password); nullopt when it is one.
std::optional<std::string> PostgresConninfoError(const std::string& conninfo);
// "PostgreSQL database DB on HOST:PORT" (no user, no password), for logs.
std::string PostgresName(const std::string& conninfo);

// Reads one meta value without creating, migrating or writing anything; nullopt
// when the file or the value does not exist. Used to check the master key before
// anything on disk changes: no file is created, not even -wal or -shm after a
// clean shutdown.
std::optional<std::string> PeekSqliteMeta(const std::filesystem::path& path, std::string_view key);

}  // namespace tgmux::store
