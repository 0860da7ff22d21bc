// The SQLite Store: one connection behind one mutex (simple, and enough for the
// accounts table; WAL lets other processes read meanwhile).
#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>
#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "common/time.h"
#include "store/migrations.h"
#include "store/sqlite_accounts.h"
#include "store/sqlite_auth.h"
#include "store/sqlite_events.h"
#include "store/sqlite_bots.h"
#include "store/sqlite_dialogs.h"
#include "store/sqlite_files.h"
#include "store/sqlite_notifications.h"
#include "store/sqlite_outbox.h"
#include "store/sqlite_util.h"
#include "store/sqlite_pools.h"
#include "store/sqlite_relay.h"
#include "store/sqlite_watch.h"
#include "store/store.h"

namespace tgmux::store {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 5000;

// The database holds sealed secrets and masked phones: create it private, and
// SQLite gives its -wal and -shm files the same mode.
void PrepareFile(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) {
    throw StoreError("cannot create directory " + path.parent_path().string() + ": " +
                     ec.message());
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // when this fails, SQLite's own open reports why
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const fs::path& path)
      : path_(path.string()),
        db_(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs) {
    const std::string mode = db_.execAndGet("PRAGMA journal_mode=WAL").getString();
    if (mode != "wal") {
      throw StoreError("cannot switch database " + path_ + " to WAL (journal_mode is " + mode +
                       ")");
    }
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    ApplyMigrations(db_, path_);
  }

  int SchemaVersion() override {
    return Run("reading the schema version", [&] { return RecordedSchemaVersion(db_); });
  }

  std::optional<std::string> GetMeta(std::string_view key) override {
    return Run("reading meta", [&]() -> std::optional<std::string> {
      SQLite::Statement query(db_, "SELECT value FROM meta WHERE key = ?");
      query.bind(1, std::string(key));
      if (!query.executeStep()) return std::nullopt;
      return query.getColumn(0).getString();
    });
  }

  void SetMeta(std::string_view key, std::string_view value) override {
    Run("writing meta", [&] {
      SQLite::Statement upsert(db_,
                               "INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      upsert.bind(1, std::string(key));
      BindBlob(upsert, 2, value);
      upsert.exec();
    });
  }

  bool InsertMetaIfAbsent(std::string_view key, std::string_view value) override {
    return Run("writing meta", [&] {
      SQLite::Statement insert(db_, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
      insert.bind(1, std::string(key));
      BindBlob(insert, 2, value);
      return insert.exec() > 0;
    });
  }

  // Accounts: the SQL lives in sqlite_accounts.cpp.
  void InsertAccount(const Account& account) override {
    Run("inserting an account", [&] {
      if (!sqlite_accounts::Insert(db_, account)) {
        throw StoreError("account " + account.id + " already exists in " + path_);
      }
    });
  }
  std::optional<Account> FindAccount(std::string_view id) override {
    return Run("reading an account", [&] { return sqlite_accounts::Find(db_, id); });
  }
  std::vector<Account> ListAccounts() override {
    return Run("listing accounts", [&] { return sqlite_accounts::List(db_); });
  }
  std::vector<Account> ListAccounts(std::string_view tenant_id) override {
    return Run("listing accounts", [&] { return sqlite_accounts::ListOfTenant(db_, tenant_id); });
  }
  std::vector<Account> FindAccountsByPhoneDigest(std::string_view tenant_id, std::string_view digest) override {
    return Run("finding accounts by phone", [&] { return sqlite_accounts::FindByPhoneDigest(db_, tenant_id, digest); });
  }
  std::vector<Account> FindAccountsByTelegramUser(std::string_view tenant_id, std::int64_t user_id) override {
    return Run("finding accounts by Telegram user",
               [&] { return sqlite_accounts::FindByTelegramUser(db_, tenant_id, user_id); });
  }
  std::vector<Account> FindAccountsByOwner(std::string_view tenant_id, std::int64_t owner_user_id) override {
    return Run("finding accounts by owner", [&] { return sqlite_accounts::FindByOwner(db_, tenant_id, owner_user_id); });
  }
  std::optional<Account> FindAccountByExternalId(std::string_view tenant_id, std::string_view external_id) override {
    return Run("finding an account by external id",
               [&] { return sqlite_accounts::FindByExternalId(db_, tenant_id, external_id); });
  }
  bool UpdateAccount(const Account& account) override {
    return Run("updating an account", [&] { return sqlite_accounts::Update(db_, account); });
  }
  bool SetAccountPhoneDigest(std::string_view id, std::string_view digest) override {
    return Run("updating an account", [&] { return sqlite_accounts::SetPhoneDigest(db_, id, digest); });
  }
  bool DeleteAccount(std::string_view id) override {
    return Run("deleting an account", [&] { return sqlite_accounts::Delete(db_, id); });
  }

  // App users: the SQL lives in sqlite_auth.cpp.
  int CountUsers() override { return Run("counting users", [&] { return sqlite_auth::CountUsers(db_); }); }
  bool InsertTenantWithOwner(const Tenant& t, const User& u) override {
    return Run("creating a tenant", [&] { return sqlite_auth::InsertTenantWithOwner(db_, t, u); });
  }
  bool InsertUser(const User& u) override {
    return Run("inserting a user", [&] { return sqlite_auth::InsertUser(db_, u); });
  }
  std::optional<User> FindUser(std::string_view id) override {
    return Run("reading a user", [&] { return sqlite_auth::FindUser(db_, "id", id); });
  }
  std::optional<User> FindUserByEmail(std::string_view email) override {
    return Run("reading a user", [&] { return sqlite_auth::FindUser(db_, "email", email); });
  }
  std::vector<User> ListUsers(std::string_view tenant_id) override {
    return Run("listing users", [&] { return sqlite_auth::ListUsers(db_, tenant_id); });
  }
  MemberChange SetUserRole(std::string_view tenant_id, std::string_view user_id, std::string_view expected_role,
                           std::string_view role) override {
    return Run("changing a user's role",
               [&] { return sqlite_auth::SetUserRole(db_, tenant_id, user_id, expected_role, role); });
  }
  MemberChange DeleteUser(std::string_view tenant_id, std::string_view user_id, std::string_view expected_role,
                          std::int64_t at) override {
    return Run("removing a user", [&] { return sqlite_auth::DeleteUser(db_, tenant_id, user_id, expected_role, at); });
  }
  void InsertRefreshToken(const RefreshToken& t) override {
    Run("storing a refresh token", [&] { sqlite_auth::InsertRefreshToken(db_, t); });
  }
  std::optional<RefreshToken> FindRefreshToken(std::string_view digest) override {
    return Run("reading a refresh token", [&] { return sqlite_auth::FindRefreshToken(db_, digest); });
  }
  bool MarkRefreshTokenUsed(std::string_view digest, std::int64_t at) override {
    return Run("rotating a refresh token", [&] { return sqlite_auth::MarkRefreshTokenUsed(db_, digest, at); });
  }
  void RevokeRefreshFamily(std::string_view family_id, std::int64_t at) override {
    Run("revoking refresh tokens", [&] { sqlite_auth::RevokeRefreshFamily(db_, family_id, at); });
  }
  void InsertApiKey(const ApiKey& k) override { Run("storing an API key", [&] { sqlite_auth::InsertApiKey(db_, k); }); }
  std::optional<ApiKey> FindApiKeyByDigest(std::string_view digest) override {
    return Run("reading an API key", [&] { return sqlite_auth::FindApiKeyByDigest(db_, digest); });
  }
  std::vector<ApiKey> ListApiKeys(std::string_view tenant_id) override {
    return Run("listing API keys", [&] { return sqlite_auth::ListApiKeys(db_, tenant_id); });
  }
  bool RevokeApiKey(std::string_view tenant_id, std::string_view id, std::int64_t at) override {
    return Run("revoking an API key", [&] { return sqlite_auth::RevokeApiKey(db_, tenant_id, id, at); });
  }
  int ChangeApiKeyRoles(std::string_view tenant_id, std::string_view created_by, std::string_view from,
                        std::string_view to) override {
    return Run("changing API key roles",
               [&] { return sqlite_auth::ChangeApiKeyRoles(db_, tenant_id, created_by, from, to); });
  }
  void InsertInvite(const Invite& i) override { Run("storing an invite", [&] { sqlite_auth::InsertInvite(db_, i); }); }
  std::optional<Invite> FindInvite(std::string_view digest) override {
    return Run("reading an invite", [&] { return sqlite_auth::FindInvite(db_, digest); });
  }
  std::vector<Invite> ListInvites(std::string_view tenant_id) override {
    return Run("listing invites", [&] { return sqlite_auth::ListInvites(db_, tenant_id); });
  }
  bool UseInvite(std::string_view digest, std::int64_t at) override {
    return Run("using an invite", [&] { return sqlite_auth::UseInvite(db_, digest, at); });
  }
  std::int64_t AppendAudit(const AuditEntry& e) override {
    return Run("appending to the audit log", [&] { return sqlite_auth::AppendAudit(db_, e); });
  }
  std::vector<AuditEntry> ListAudit(std::string_view tenant_id, std::int64_t before, int limit) override {
    return Run("reading the audit log", [&] { return sqlite_auth::ListAudit(db_, tenant_id, before, limit); });
  }
  bool InsertOutbox(const OutboxEntry& e) override {
    return Run("queueing a message", [&] { return sqlite_outbox::Insert(db_, e); });
  }
  std::optional<OutboxEntry> FindOutbox(std::string_view id) override {
    return Run("reading the outbox", [&] { return sqlite_outbox::Find(db_, id); });
  }
  std::optional<OutboxEntry> FindOutboxByKey(std::string_view tenant_id, std::string_view account_id,
                                             std::string_view key) override {
    return Run("reading the outbox", [&] { return sqlite_outbox::FindByKey(db_, tenant_id, account_id, key); });
  }
  bool UpdateOutbox(const OutboxEntry& e) override {
    return Run("updating the outbox", [&] { return sqlite_outbox::Update(db_, e); });
  }
  std::vector<OutboxEntry> ListUnfinishedOutbox(std::string_view account_id, int limit) override {
    return Run("reading the outbox", [&] { return sqlite_outbox::ListUnfinished(db_, account_id, limit); });
  }
  // Bots: the SQL lives in sqlite_bots.cpp.
  bool InsertBot(const Bot& b) override { return Run("adding a bot", [&] { return sqlite_bots::Insert(db_, b); }); }
  std::optional<Bot> FindBot(std::string_view id) override {
    return Run("reading bots", [&] { return sqlite_bots::Find(db_, id); });
  }
  std::optional<Bot> FindBotByTokenDigest(std::string_view digest) override {
    return Run("reading bots", [&] { return sqlite_bots::FindByTokenDigest(db_, digest); });
  }
  std::vector<Bot> ListBots(std::string_view tenant_id) override {
    return Run("listing bots", [&] { return sqlite_bots::List(db_, tenant_id); });
  }
  bool UpdateBot(const Bot& b) override { return Run("updating a bot", [&] { return sqlite_bots::Update(db_, b); }); }
  bool DeleteBot(std::string_view id) override {
    return Run("deleting a bot", [&] { return sqlite_bots::Delete(db_, id); });
  }
  void PutBotConversation(const BotConversation& c) override {
    Run("saving a bot conversation", [&] { sqlite_bots::PutConversation(db_, c); });
  }
  std::vector<BotConversation> ListBotConversations(std::string_view bot_id) override {
    return Run("reading bot conversations", [&] { return sqlite_bots::ListConversations(db_, bot_id); });
  }
  std::optional<BotConversation> FindBotConversation(std::string_view bot_id, std::int64_t user_id) override {
    return Run("reading bot conversations", [&] { return sqlite_bots::FindConversation(db_, bot_id, user_id); });
  }
  void DeleteBotConversation(std::string_view bot_id, std::int64_t user_id) override {
    Run("removing a bot conversation", [&] { sqlite_bots::DeleteConversation(db_, bot_id, user_id); });
  }
  void PutBotRelay(const BotRelay& relay) override {
    Run("saving a bot relay", [&] { sqlite_bots::PutRelay(db_, relay); });
  }
  std::optional<BotRelay> FindBotRelay(std::string_view bot_id, std::int64_t user_id,
                                       std::int64_t bot_message_id) override {
    return Run("reading bot relays", [&] { return sqlite_bots::FindRelay(db_, bot_id, user_id, bot_message_id); });
  }
  void DeleteBotRelaysBefore(std::int64_t before) override {
    Run("removing old bot relays", [&] { sqlite_bots::DeleteRelaysBefore(db_, before); });
  }

  // Account pools: the SQL lives in sqlite_pools.cpp.
  void PutPool(const Pool& p) override { Run("saving a pool", [&] { sqlite_pools::PutPool(db_, p); }); }
  std::optional<Pool> FindPool(std::string_view tenant_id, std::string_view name) override {
    return Run("reading pools", [&] { return sqlite_pools::FindPool(db_, tenant_id, name); });
  }
  std::vector<Pool> ListPools(std::string_view tenant_id) override {
    return Run("listing pools", [&] { return sqlite_pools::ListPools(db_, tenant_id); });
  }
  std::optional<AccountHealth> FindAccountHealth(std::string_view account_id) override {
    return Run("reading account health", [&] { return sqlite_pools::FindHealth(db_, account_id); });
  }
  std::vector<AccountHealth> ListAccountHealth(std::string_view tenant_id) override {
    return Run("listing account health", [&] { return sqlite_pools::ListHealth(db_, tenant_id); });
  }
  void CountAccountHealth(std::string_view tenant_id, std::string_view account_id, HealthCounter counter) override {
    Run("counting account health",
        [&] { sqlite_pools::CountHealth(db_, tenant_id, account_id, counter, UnixSeconds()); });
  }
  void SetAccountLimited(std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                         std::string_view reason) override {
    Run("saving an account's limit",
        [&] { sqlite_pools::SetLimited(db_, tenant_id, account_id, until, reason, UnixSeconds()); });
  }
  void SetAccountLimits(std::string_view tenant_id, std::string_view account_id, std::string_view limits) override {
    Run("saving an account's limits",
        [&] { sqlite_pools::SetLimits(db_, tenant_id, account_id, limits, UnixSeconds()); });
  }
  void PutPoolContact(const PoolContact& contact) override {
    Run("saving a pool contact", [&] { sqlite_pools::PutContact(db_, contact); });
  }
  std::optional<PoolContact> FindPoolContact(std::string_view tenant_id, std::string_view pool,
                                             std::string_view contact) override {
    return Run("reading pool contacts", [&] { return sqlite_pools::FindContact(db_, tenant_id, pool, contact); });
  }
  std::vector<AccountSends> CountPoolSends(std::string_view tenant_id, std::string_view pool,
                                           std::string_view account_id, std::int64_t since) override {
    return Run("counting a pool's sends",
               [&] { return sqlite_pools::CountSends(db_, tenant_id, pool, account_id, since); });
  }
  // The work-group relay: the SQL lives in sqlite_relay.cpp.
  void PutRelay(const Relay& r) override { Run("saving a relay", [&] { sqlite_relay::PutRelay(db_, r); }); }
  std::optional<Relay> FindRelay(std::string_view account_id) override {
    return Run("reading relays", [&] { return sqlite_relay::FindRelay(db_, account_id); });
  }
  std::vector<Relay> ListRelays(std::string_view bot_id) override {
    return Run("listing relays", [&] { return sqlite_relay::ListRelays(db_, bot_id); });
  }
  bool DeleteRelay(std::string_view account_id) override {
    return Run("deleting a relay", [&] { return sqlite_relay::DeleteRelay(db_, account_id); });
  }
  void PutDialog(const Dialog& d) override { Run("saving a dialog", [&] { sqlite_dialogs::Put(db_, d, false); }); }
  void TrackDialog(const Dialog& d) override { Run("tracking a dialog", [&] { sqlite_dialogs::Put(db_, d, true); }); }
  std::optional<Dialog> FindDialog(std::string_view account_id, std::int64_t peer_chat_id) override {
    return Run("reading dialogs", [&] { return sqlite_dialogs::Find(db_, account_id, peer_chat_id); });
  }
  std::optional<Dialog> FindDialogById(std::string_view id) override {
    return Run("reading dialogs", [&] { return sqlite_dialogs::FindById(db_, id); });
  }
  std::optional<Dialog> FindDialogByContact(std::string_view account_id, std::string_view contact) override {
    return Run("reading dialogs", [&] { return sqlite_dialogs::FindByContact(db_, account_id, contact); });
  }
  std::optional<Dialog> FindDialogByTopic(std::int64_t group_chat_id, std::int64_t topic_id) override {
    return Run("reading dialogs", [&] { return sqlite_dialogs::FindByTopic(db_, group_chat_id, topic_id); });
  }
  std::optional<Dialog> FindDialogByHeader(std::int64_t group_chat_id, std::int64_t header_message_id) override {
    return Run("reading dialogs", [&] { return sqlite_dialogs::FindByHeader(db_, group_chat_id, header_message_id); });
  }
  std::vector<Dialog> ListDialogs(std::string_view tenant_id, const DialogFilter& filter, std::int64_t before,
                                  int limit) override {
    return Run("listing dialogs", [&] { return sqlite_dialogs::List(db_, tenant_id, filter, before, limit); });
  }
  bool MoveDialog(std::string_view id, std::string_view account_id) override {
    return Run("moving a dialog", [&] { return sqlite_dialogs::Move(db_, id, account_id); });
  }
  void TouchDialog(std::string_view id, std::int64_t at) override {
    Run("saving a dialog", [&] { sqlite_dialogs::Touch(db_, id, at); });
  }
  void PutDialogMessage(const DialogMessage& m) override {
    Run("saving a dialog message", [&] { sqlite_dialogs::PutMessage(db_, m); });
  }
  std::vector<DialogMessage> ListDialogMessages(std::string_view dialog_id, std::int64_t before, int limit) override {
    return Run("listing dialog messages", [&] { return sqlite_dialogs::ListMessages(db_, dialog_id, before, limit); });
  }

  void PutRelayPost(const RelayPost& p) override {
    Run("saving a relay post", [&] { sqlite_relay::PutRelayPost(db_, p); });
  }
  std::optional<RelayPost> FindRelayPost(std::string_view account_id, std::int64_t peer_chat_id,
                                         std::int64_t message_id) override {
    return Run("reading relay posts",
               [&] { return sqlite_relay::FindRelayPost(db_, account_id, peer_chat_id, message_id); });
  }
  std::optional<RelayPost> FindRelayPostByPost(std::int64_t group_chat_id, std::int64_t post_message_id) override {
    return Run("reading relay posts",
               [&] { return sqlite_relay::FindRelayPostByPost(db_, group_chat_id, post_message_id); });
  }
  void DeleteRelayPost(std::string_view account_id, std::int64_t peer_chat_id, std::int64_t message_id) override {
    Run("removing a relay post", [&] { sqlite_relay::DeleteRelayPost(db_, account_id, peer_chat_id, message_id); });
  }
  std::int64_t RelayCursor(std::string_view bot_id) override {
    return Run("reading a relay cursor", [&] { return sqlite_relay::RelayCursor(db_, bot_id); });
  }
  void SetRelayCursor(std::string_view bot_id, std::int64_t seq) override {
    Run("saving a relay cursor", [&] { sqlite_relay::SetRelayCursor(db_, bot_id, seq); });
  }
  // The watcher: the SQL lives in sqlite_watch.cpp.
  void PutWatchRule(const WatchRule& r) override {
    Run("saving a watch rule", [&] { sqlite_watch::PutRule(db_, r); });
  }
  std::optional<WatchRule> FindWatchRule(std::string_view id) override {
    return Run("reading watch rules", [&] { return sqlite_watch::FindRule(db_, id); });
  }
  std::vector<WatchRule> ListWatchRules(std::string_view tenant_id) override {
    return Run("listing watch rules", [&] { return sqlite_watch::ListRules(db_, tenant_id); });
  }
  bool DeleteWatchRule(std::string_view tenant_id, std::string_view id) override {
    return Run("deleting a watch rule", [&] { return sqlite_watch::DeleteRule(db_, tenant_id, id); });
  }
  bool InsertWatchMessage(const WatchMessage& m, const std::vector<WatchMatch>& matches) override {
    return Run("recording a watched message", [&] { return sqlite_watch::InsertMessage(db_, m, matches); });
  }
  std::optional<WatchMessage> FindWatchMessage(std::string_view id) override {
    return Run("reading watched messages", [&] { return sqlite_watch::FindMessage(db_, id); });
  }
  bool InsertWatchMatch(const WatchMatch& m) override {
    return Run("recording a watch match", [&] { return sqlite_watch::InsertMatch(db_, m); });
  }
  std::optional<WatchMatch> FindWatchMatch(std::string_view id) override {
    return Run("reading watch matches", [&] { return sqlite_watch::FindMatch(db_, id); });
  }
  std::optional<WatchMatch> FindWatchMatchFor(std::string_view message_id, std::string_view subscriber_id) override {
    return Run("reading watch matches", [&] { return sqlite_watch::FindMatchFor(db_, message_id, subscriber_id); });
  }
  bool UpdateWatchMatch(const WatchMatch& m) override {
    return Run("updating a watch match", [&] { return sqlite_watch::UpdateMatch(db_, m); });
  }
  std::vector<WatchMatch> ListWatchMatches(std::string_view tenant_id, std::int64_t before, int limit) override {
    return Run("listing watch matches", [&] { return sqlite_watch::ListMatches(db_, tenant_id, before, limit); });
  }
  std::vector<WatchMatch> ListPendingWatchMatches(int limit) override {
    return Run("listing pending watch matches", [&] { return sqlite_watch::ListPendingMatches(db_, limit); });
  }
  int CountWatchNotified(std::string_view subscriber_id, std::int64_t since) override {
    return Run("counting notifications", [&] { return sqlite_watch::CountNotified(db_, subscriber_id, since); });
  }
  std::int64_t LastWatchMatchAt(std::string_view rule_id, std::int64_t author_id) override {
    return Run("reading watch matches", [&] { return sqlite_watch::LastMatchAt(db_, rule_id, author_id); });
  }
  void DeleteWatchBefore(std::int64_t before) override {
    Run("removing old watch matches", [&] { sqlite_watch::DeleteBefore(db_, before); });
  }
  bool InsertSubscriber(const Subscriber& s) override {
    return Run("adding a subscriber", [&] { return sqlite_watch::InsertSubscriber(db_, s); });
  }
  std::optional<Subscriber> FindSubscriber(std::string_view id) override {
    return Run("reading subscribers", [&] { return sqlite_watch::FindSubscriber(db_, id); });
  }
  std::optional<Subscriber> FindSubscriberByUser(std::string_view bot_id, std::int64_t user_id) override {
    return Run("reading subscribers", [&] { return sqlite_watch::FindSubscriberByUser(db_, bot_id, user_id); });
  }
  std::vector<Subscriber> ListSubscribers(std::string_view tenant_id) override {
    return Run("listing subscribers", [&] { return sqlite_watch::ListSubscribers(db_, tenant_id); });
  }
  bool DeleteSubscriber(std::string_view tenant_id, std::string_view id) override {
    return Run("removing a subscriber", [&] { return sqlite_watch::DeleteSubscriber(db_, tenant_id, id); });
  }
  // Files: the SQL lives in sqlite_files.cpp.
  void UpsertFiles(const std::vector<FileRecord>& files) override {
    Run("recording files", [&] { sqlite_files::Upsert(db_, files); });
  }
  std::optional<FileRecord> FindFile(std::string_view account_id, std::string_view file_id) override {
    return Run("reading files", [&] { return sqlite_files::Find(db_, account_id, file_id); });
  }
  bool SetFileCache(std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
                    std::int64_t last_used_at) override {
    return Run("recording the file cache",
               [&] { return sqlite_files::SetCache(db_, account_id, file_id, cached_bytes, last_used_at); });
  }
  std::vector<FileRecord> ListCachedFiles(std::string_view account_id) override {
    return Run("reading the file cache", [&] { return sqlite_files::ListCached(db_, account_id); });
  }
  // The event log and webhooks: the SQL lives in sqlite_events.cpp.
  std::vector<Event> AppendEvents(std::vector<Event> events) override {
    return Run("appending events", [&] { return sqlite_events::Append(db_, std::move(events)); });
  }
  std::vector<Event> ListEvents(const EventQuery& query) override {
    return Run("reading events", [&] { return sqlite_events::List(db_, query); });
  }
  std::int64_t LastEventSeq(std::string_view tenant_id) override {
    return Run("reading events", [&] { return sqlite_events::LastSeq(db_, tenant_id); });
  }
  int DeleteEventsBefore(std::int64_t created_before) override {
    return Run("removing old events", [&] { return sqlite_events::DeleteBefore(db_, created_before); });
  }
  std::int64_t GetEventCheckpoint(std::string_view account_id) override {
    return Run("reading a checkpoint", [&] { return sqlite_events::GetCheckpoint(db_, account_id); });
  }
  void SetEventCheckpoint(std::string_view account_id, std::int64_t at) override {
    Run("writing a checkpoint", [&] { sqlite_events::SetCheckpoint(db_, account_id, at); });
  }
  void InsertWebhook(const Webhook& w) override {
    Run("storing a webhook", [&] { sqlite_events::InsertWebhook(db_, w); });
  }
  std::optional<Webhook> FindWebhook(std::string_view id) override {
    return Run("reading a webhook", [&] { return sqlite_events::FindWebhook(db_, id); });
  }
  std::vector<Webhook> ListWebhooks(std::string_view tenant_id) override {
    return Run("listing webhooks", [&] { return sqlite_events::ListWebhooks(db_, tenant_id); });
  }
  bool UpdateWebhook(const Webhook& w) override {
    return Run("updating a webhook", [&] { return sqlite_events::UpdateWebhook(db_, w); });
  }
  bool DeleteWebhook(std::string_view tenant_id, std::string_view id) override {
    return Run("removing a webhook", [&] { return sqlite_events::DeleteWebhook(db_, tenant_id, id); });
  }

  void PutNotificationSubscription(const NotificationSubscription& s) override {
    Run("saving a notification subscription", [&] { sqlite_notifications::PutSubscription(db_, s); });
  }
  std::optional<NotificationSubscription> FindNotificationSubscription(std::string_view id) override {
    return Run("reading notification subscriptions", [&] { return sqlite_notifications::FindSubscription(db_, id); });
  }
  std::optional<NotificationSubscription> FindNotificationSubscriptionOf(std::string_view subscriber_id) override {
    return Run("reading notification subscriptions",
               [&] { return sqlite_notifications::FindSubscriptionOf(db_, subscriber_id); });
  }
  std::vector<NotificationSubscription> ListNotificationSubscriptions(std::string_view tenant_id) override {
    return Run("listing notification subscriptions",
               [&] { return sqlite_notifications::ListSubscriptions(db_, tenant_id); });
  }
  bool DeleteNotificationSubscription(std::string_view tenant_id, std::string_view id) override {
    return Run("removing a notification subscription",
               [&] { return sqlite_notifications::DeleteSubscription(db_, tenant_id, id); });
  }


 private:
  // Serialises every use of the one connection and turns SQLite's exceptions
  // into StoreError naming the operation and the file.
  template <typename F>
  std::invoke_result_t<F> Run(std::string_view what, F&& body) {
    std::lock_guard lock(mutex_);
    try {
      return body();
    } catch (const SQLite::Exception& e) {
      throw StoreError(std::string(what) + " in " + path_ + ": " + e.what());
    }
  }

  const std::string path_;
  std::mutex mutex_;
  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const fs::path& path) {
  PrepareFile(path);
  try {
    return std::make_unique<SqliteStore>(path);
  } catch (const SQLite::Exception& e) {
    throw StoreError("cannot open database " + path.string() + ": " + e.what());
  }
}

}  // namespace tgmux::store
