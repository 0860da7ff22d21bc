// The Store over SQL, one implementation for SQLite and PostgreSQL: every
// call takes a connection from a pool for its length. PostgreSQL: one bounded
// pool (TGMUX_STORE_POOL). SQLite: one writer connection for the calls that
// write, and a pool of read-only connections for those that only read, which
// in WAL mode never wait for the writer; commits made durable in groups and
// checkpoints off the writer (sqlite_wal.h).
#include "store/sql_store.h"

#include <string>
#include <type_traits>
#include <utility>

#include "common/time.h"
#include "crypto/random_id.h"
#include "store/migrations.h"
#include "store/sql_accounts.h"
#include "store/sql_auth.h"
#include "store/sql_bots.h"
#include "store/sql_cluster.h"
#include "store/sql_dialogs.h"
#include "store/sql_events.h"
#include "store/sql_files.h"
#include "store/sql_meta.h"
#include "store/sql_notifications.h"
#include "store/sql_outbox.h"
#include "store/sql_pools.h"
#include "store/sql_relay.h"
#include "store/sql_util.h"
#include "store/sql_watch.h"

namespace tgmux::store {
namespace {

class SqlStore final : public Store {
 public:
  SqlStore(std::string name, std::unique_ptr<sql::ConnectionPool> pool, std::unique_ptr<sql::ConnectionPool> readers,
           SqliteDurability sqlite, std::string listen_conninfo)
      : path_(std::move(name)),
        pool_(std::move(pool)),
        readers_(std::move(readers)),
        listen_conninfo_(std::move(listen_conninfo)),
        sqlite_(std::move(sqlite)) {}

  int SchemaVersion() override {
    return Read("reading the schema version", [&](sql::Connection& db) { return RecordedSchemaVersion(db); });
  }

  // Meta: the SQL lives in sql_meta.cpp.
  std::optional<std::string> GetMeta(std::string_view key) override {
    return Read("reading meta", [&](sql::Connection& db) { return sql_meta::Get(db, key); });
  }
  void SetMeta(std::string_view key, std::string_view value) override {
    Run("writing meta", [&](sql::Connection& db) { sql_meta::Set(db, key, value); });
  }
  bool InsertMetaIfAbsent(std::string_view key, std::string_view value) override {
    return Run("writing meta", [&](sql::Connection& db) { return sql_meta::InsertIfAbsent(db, key, value); });
  }

  // Accounts: the SQL lives in sql_accounts.cpp.
  void InsertAccount(const Account& account) override {
    Run("inserting an account", [&](sql::Connection& db) {
      if (!sql_accounts::Insert(db, account)) {
        throw StoreError("account " + account.id + " already exists in " + path_);
      }
    });
  }
  std::optional<Account> FindAccount(std::string_view id) override {
    return Read("reading an account", [&](sql::Connection& db) { return sql_accounts::Find(db, id); });
  }
  std::vector<Account> ListAccounts() override {
    return Read("listing accounts", [&](sql::Connection& db) { return sql_accounts::List(db); });
  }
  std::vector<Account> ListAccounts(std::string_view tenant_id) override {
    return Read("listing accounts", [&](sql::Connection& db) { return sql_accounts::ListOfTenant(db, tenant_id); });
  }
  std::vector<Account> FindAccountsByPhoneDigest(std::string_view tenant_id, std::string_view digest) override {
    return Read("finding accounts by phone", [&](sql::Connection& db) { return sql_accounts::FindByPhoneDigest(db, tenant_id, digest); });
  }
  std::vector<Account> FindAccountsByTelegramUser(std::string_view tenant_id, std::int64_t user_id) override {
    return Read("finding accounts by Telegram user",
               [&](sql::Connection& db) { return sql_accounts::FindByTelegramUser(db, tenant_id, user_id); });
  }
  std::vector<Account> FindAccountsByOwner(std::string_view tenant_id, std::int64_t owner_user_id) override {
    return Read("finding accounts by owner", [&](sql::Connection& db) { return sql_accounts::FindByOwner(db, tenant_id, owner_user_id); });
  }
  std::optional<Account> FindAccountByExternalId(std::string_view tenant_id, std::string_view external_id) override {
    return Read("finding an account by external id",
               [&](sql::Connection& db) { return sql_accounts::FindByExternalId(db, tenant_id, external_id); });
  }
  bool UpdateAccount(const Account& account) override {
    return Run("updating an account", [&](sql::Connection& db) { return sql_accounts::Update(db, account); });
  }
  bool SetAccountPhoneDigest(std::string_view id, std::string_view digest) override {
    return Run("updating an account", [&](sql::Connection& db) { return sql_accounts::SetPhoneDigest(db, id, digest); });
  }
  bool DeleteAccount(std::string_view id) override {
    return Run("deleting an account", [&](sql::Connection& db) { return sql_accounts::Delete(db, id); });
  }

  // App users: the SQL lives in sql_auth.cpp.
  int CountUsers() override { return Read("counting users", [&](sql::Connection& db) { return sql_auth::CountUsers(db); }); }
  bool InsertTenantWithOwner(const Tenant& t, const User& u) override {
    return Run("creating a tenant", [&](sql::Connection& db) { return sql_auth::InsertTenantWithOwner(db, t, u); });
  }
  bool InsertUser(const User& u) override {
    return Run("inserting a user", [&](sql::Connection& db) { return sql_auth::InsertUser(db, u); });
  }
  std::optional<User> FindUser(std::string_view id) override {
    return Read("reading a user", [&](sql::Connection& db) { return sql_auth::FindUser(db, "id", id); });
  }
  std::optional<User> FindUserByEmail(std::string_view email) override {
    return Read("reading a user", [&](sql::Connection& db) { return sql_auth::FindUser(db, "email", email); });
  }
  std::vector<User> ListUsers(std::string_view tenant_id) override {
    return Read("listing users", [&](sql::Connection& db) { return sql_auth::ListUsers(db, tenant_id); });
  }
  MemberChange SetUserRole(std::string_view tenant_id, std::string_view user_id, std::string_view expected_role,
                           std::string_view role) override {
    return Run("changing a user's role",
               [&](sql::Connection& db) { return sql_auth::SetUserRole(db, tenant_id, user_id, expected_role, role); });
  }
  MemberChange DeleteUser(std::string_view tenant_id, std::string_view user_id, std::string_view expected_role,
                          std::int64_t at) override {
    return Run("removing a user", [&](sql::Connection& db) { return sql_auth::DeleteUser(db, tenant_id, user_id, expected_role, at); });
  }
  void InsertRefreshToken(const RefreshToken& t) override {
    Run("storing a refresh token", [&](sql::Connection& db) { sql_auth::InsertRefreshToken(db, t); });
  }
  std::optional<RefreshToken> FindRefreshToken(std::string_view digest) override {
    return Read("reading a refresh token", [&](sql::Connection& db) { return sql_auth::FindRefreshToken(db, digest); });
  }
  bool MarkRefreshTokenUsed(std::string_view digest, std::int64_t at) override {
    return Run("rotating a refresh token", [&](sql::Connection& db) { return sql_auth::MarkRefreshTokenUsed(db, digest, at); });
  }
  void RevokeRefreshFamily(std::string_view family_id, std::int64_t at) override {
    Run("revoking refresh tokens", [&](sql::Connection& db) { sql_auth::RevokeRefreshFamily(db, family_id, at); });
  }
  void InsertApiKey(const ApiKey& k) override { Run("storing an API key", [&](sql::Connection& db) { sql_auth::InsertApiKey(db, k); }); }
  std::optional<ApiKey> FindApiKeyByDigest(std::string_view digest) override {
    return Read("reading an API key", [&](sql::Connection& db) { return sql_auth::FindApiKeyByDigest(db, digest); });
  }
  std::vector<ApiKey> ListApiKeys(std::string_view tenant_id) override {
    return Read("listing API keys", [&](sql::Connection& db) { return sql_auth::ListApiKeys(db, tenant_id); });
  }
  bool RevokeApiKey(std::string_view tenant_id, std::string_view id, std::int64_t at) override {
    return Run("revoking an API key", [&](sql::Connection& db) { return sql_auth::RevokeApiKey(db, tenant_id, id, at); });
  }
  int ChangeApiKeyRoles(std::string_view tenant_id, std::string_view created_by, std::string_view from,
                        std::string_view to) override {
    return Run("changing API key roles",
               [&](sql::Connection& db) { return sql_auth::ChangeApiKeyRoles(db, tenant_id, created_by, from, to); });
  }
  void InsertInvite(const Invite& i) override { Run("storing an invite", [&](sql::Connection& db) { sql_auth::InsertInvite(db, i); }); }
  std::optional<Invite> FindInvite(std::string_view digest) override {
    return Read("reading an invite", [&](sql::Connection& db) { return sql_auth::FindInvite(db, digest); });
  }
  std::vector<Invite> ListInvites(std::string_view tenant_id) override {
    return Read("listing invites", [&](sql::Connection& db) { return sql_auth::ListInvites(db, tenant_id); });
  }
  bool UseInvite(std::string_view digest, std::int64_t at) override {
    return Run("using an invite", [&](sql::Connection& db) { return sql_auth::UseInvite(db, digest, at); });
  }
  std::int64_t AppendAudit(const AuditEntry& e) override {
    return Run("appending to the audit log", [&](sql::Connection& db) { return sql_auth::AppendAudit(db, e); });
  }
  std::vector<AuditEntry> ListAudit(std::string_view tenant_id, std::int64_t before, int limit) override {
    return Read("reading the audit log", [&](sql::Connection& db) { return sql_auth::ListAudit(db, tenant_id, before, limit); });
  }
  bool InsertOutbox(const OutboxEntry& e) override {
    return Run("queueing a message", [&](sql::Connection& db) { return sql_outbox::Insert(db, e); });
  }
  std::optional<OutboxEntry> FindOutbox(std::string_view id) override {
    return Read("reading the outbox", [&](sql::Connection& db) { return sql_outbox::Find(db, id); });
  }
  std::optional<OutboxEntry> FindOutboxByKey(std::string_view tenant_id, std::string_view account_id,
                                             std::string_view key) override {
    return Read("reading the outbox", [&](sql::Connection& db) { return sql_outbox::FindByKey(db, tenant_id, account_id, key); });
  }
  bool UpdateOutbox(const OutboxEntry& e) override {
    return Run("updating the outbox", [&](sql::Connection& db) { return sql_outbox::Update(db, e); });
  }
  std::vector<bool> WriteOutbox(const std::vector<OutboxWrite>& writes, std::vector<Event>* appended) override {
    return Run("writing the outbox",
               [&](sql::Connection& db) { return sql_outbox::Write(db, writes, appended, writer_token_); });
  }
  std::vector<OutboxEntry> ListUnfinishedOutbox(std::string_view account_id, int limit) override {
    return Read("reading the outbox", [&](sql::Connection& db) { return sql_outbox::ListUnfinished(db, account_id, limit); });
  }
  // Bots: the SQL lives in sql_bots.cpp.
  bool InsertBot(const Bot& b) override { return Run("adding a bot", [&](sql::Connection& db) { return sql_bots::Insert(db, b); }); }
  std::optional<Bot> FindBot(std::string_view id) override {
    return Read("reading bots", [&](sql::Connection& db) { return sql_bots::Find(db, id); });
  }
  std::optional<Bot> FindBotByTokenDigest(std::string_view digest) override {
    return Read("reading bots", [&](sql::Connection& db) { return sql_bots::FindByTokenDigest(db, digest); });
  }
  std::vector<Bot> ListBots(std::string_view tenant_id) override {
    return Read("listing bots", [&](sql::Connection& db) { return sql_bots::List(db, tenant_id); });
  }
  bool UpdateBot(const Bot& b) override { return Run("updating a bot", [&](sql::Connection& db) { return sql_bots::Update(db, b); }); }
  bool DeleteBot(std::string_view id) override {
    return Run("deleting a bot", [&](sql::Connection& db) { return sql_bots::Delete(db, id); });
  }
  void PutBotConversation(const BotConversation& c) override {
    Run("saving a bot conversation", [&](sql::Connection& db) { sql_bots::PutConversation(db, c); });
  }
  std::vector<BotConversation> ListBotConversations(std::string_view bot_id) override {
    return Read("reading bot conversations", [&](sql::Connection& db) { return sql_bots::ListConversations(db, bot_id); });
  }
  std::optional<BotConversation> FindBotConversation(std::string_view bot_id, std::int64_t user_id) override {
    return Read("reading bot conversations", [&](sql::Connection& db) { return sql_bots::FindConversation(db, bot_id, user_id); });
  }
  void DeleteBotConversation(std::string_view bot_id, std::int64_t user_id) override {
    Run("removing a bot conversation", [&](sql::Connection& db) { sql_bots::DeleteConversation(db, bot_id, user_id); });
  }
  void PutBotRelay(const BotRelay& relay) override {
    Run("saving a bot relay", [&](sql::Connection& db) { sql_bots::PutRelay(db, relay); });
  }
  std::optional<BotRelay> FindBotRelay(std::string_view bot_id, std::int64_t user_id,
                                       std::int64_t bot_message_id) override {
    return Read("reading bot relays", [&](sql::Connection& db) { return sql_bots::FindRelay(db, bot_id, user_id, bot_message_id); });
  }
  void DeleteBotRelaysBefore(std::int64_t before) override {
    Run("removing old bot relays", [&](sql::Connection& db) { sql_bots::DeleteRelaysBefore(db, before); });
  }

  // Account pools: the SQL lives in sql_pools.cpp.
  void PutPool(const Pool& p) override { Run("saving a pool", [&](sql::Connection& db) { sql_pools::PutPool(db, p); }); }
  std::optional<Pool> FindPool(std::string_view tenant_id, std::string_view name) override {
    return Read("reading pools", [&](sql::Connection& db) { return sql_pools::FindPool(db, tenant_id, name); });
  }
  std::vector<Pool> ListPools(std::string_view tenant_id) override {
    return Read("listing pools", [&](sql::Connection& db) { return sql_pools::ListPools(db, tenant_id); });
  }
  std::optional<AccountHealth> FindAccountHealth(std::string_view account_id) override {
    return Read("reading account health", [&](sql::Connection& db) { return sql_pools::FindHealth(db, account_id); });
  }
  std::vector<AccountHealth> ListAccountHealth(std::string_view tenant_id) override {
    return Read("listing account health", [&](sql::Connection& db) { return sql_pools::ListHealth(db, tenant_id); });
  }
  void CountAccountHealth(std::string_view tenant_id, std::string_view account_id, HealthCounter counter) override {
    Run("counting account health",
        [&](sql::Connection& db) { sql_pools::CountHealth(db, tenant_id, account_id, counter, UnixSeconds()); });
  }
  void SetAccountLimited(std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                         std::string_view reason) override {
    Run("saving an account's limit",
        [&](sql::Connection& db) { sql_pools::SetLimited(db, tenant_id, account_id, until, reason, UnixSeconds()); });
  }
  void SetAccountLimits(std::string_view tenant_id, std::string_view account_id, std::string_view limits) override {
    Run("saving an account's limits",
        [&](sql::Connection& db) { sql_pools::SetLimits(db, tenant_id, account_id, limits, UnixSeconds()); });
  }
  void PutPoolContact(const PoolContact& contact) override {
    Run("saving a pool contact", [&](sql::Connection& db) { sql_pools::PutContact(db, contact); });
  }
  std::optional<PoolContact> FindPoolContact(std::string_view tenant_id, std::string_view pool,
                                             std::string_view contact) override {
    return Read("reading pool contacts", [&](sql::Connection& db) { return sql_pools::FindContact(db, tenant_id, pool, contact); });
  }
  std::vector<AccountSends> CountPoolSends(std::string_view tenant_id, std::string_view pool,
                                           std::string_view account_id, std::int64_t since) override {
    return Read("counting a pool's sends",
               [&](sql::Connection& db) { return sql_pools::CountSends(db, tenant_id, pool, account_id, since); });
  }
  // The work-group relay: the SQL lives in sql_relay.cpp.
  void PutRelay(const Relay& r) override { Run("saving a relay", [&](sql::Connection& db) { sql_relay::PutRelay(db, r); }); }
  std::optional<Relay> FindRelay(std::string_view account_id) override {
    return Read("reading relays", [&](sql::Connection& db) { return sql_relay::FindRelay(db, account_id); });
  }
  std::vector<Relay> ListRelays(std::string_view bot_id) override {
    return Read("listing relays", [&](sql::Connection& db) { return sql_relay::ListRelays(db, bot_id); });
  }
  bool DeleteRelay(std::string_view account_id) override {
    return Run("deleting a relay", [&](sql::Connection& db) { return sql_relay::DeleteRelay(db, account_id); });
  }
  void PutDialog(const Dialog& d) override { Run("saving a dialog", [&](sql::Connection& db) { sql_dialogs::Put(db, d, false); }); }
  void TrackDialog(const Dialog& d) override { Run("tracking a dialog", [&](sql::Connection& db) { sql_dialogs::Put(db, d, true); }); }
  std::optional<Dialog> FindDialog(std::string_view account_id, std::int64_t peer_chat_id) override {
    return Read("reading dialogs", [&](sql::Connection& db) { return sql_dialogs::Find(db, account_id, peer_chat_id); });
  }
  std::optional<Dialog> FindDialogById(std::string_view id) override {
    return Read("reading dialogs", [&](sql::Connection& db) { return sql_dialogs::FindById(db, id); });
  }
  std::optional<Dialog> FindDialogByContact(std::string_view account_id, std::string_view contact) override {
    return Read("reading dialogs", [&](sql::Connection& db) { return sql_dialogs::FindByContact(db, account_id, contact); });
  }
  std::optional<Dialog> FindDialogByTopic(std::int64_t group_chat_id, std::int64_t topic_id) override {
    return Read("reading dialogs", [&](sql::Connection& db) { return sql_dialogs::FindByTopic(db, group_chat_id, topic_id); });
  }
  std::optional<Dialog> FindDialogByHeader(std::int64_t group_chat_id, std::int64_t header_message_id) override {
    return Read("reading dialogs", [&](sql::Connection& db) { return sql_dialogs::FindByHeader(db, group_chat_id, header_message_id); });
  }
  std::vector<Dialog> ListDialogs(std::string_view tenant_id, const DialogFilter& filter, std::int64_t before,
                                  int limit) override {
    return Read("listing dialogs", [&](sql::Connection& db) { return sql_dialogs::List(db, tenant_id, filter, before, limit); });
  }
  bool MoveDialog(std::string_view id, std::string_view account_id) override {
    return Run("moving a dialog", [&](sql::Connection& db) { return sql_dialogs::Move(db, id, account_id); });
  }
  void TouchDialog(std::string_view id, std::int64_t at) override {
    Run("saving a dialog", [&](sql::Connection& db) { sql_dialogs::Touch(db, id, at); });
  }
  void PutDialogMessage(const DialogMessage& m) override {
    Run("saving a dialog message", [&](sql::Connection& db) { sql_dialogs::PutMessage(db, m); });
  }
  std::vector<DialogMessage> ListDialogMessages(std::string_view dialog_id, std::int64_t before, int limit) override {
    return Read("listing dialog messages", [&](sql::Connection& db) { return sql_dialogs::ListMessages(db, dialog_id, before, limit); });
  }

  void PutRelayPost(const RelayPost& p) override {
    Run("saving a relay post", [&](sql::Connection& db) { sql_relay::PutRelayPost(db, p); });
  }
  std::optional<RelayPost> FindRelayPost(std::string_view account_id, std::int64_t peer_chat_id,
                                         std::int64_t message_id) override {
    return Read("reading relay posts",
               [&](sql::Connection& db) { return sql_relay::FindRelayPost(db, account_id, peer_chat_id, message_id); });
  }
  std::optional<RelayPost> FindRelayPostByPost(std::int64_t group_chat_id, std::int64_t post_message_id) override {
    return Read("reading relay posts",
               [&](sql::Connection& db) { return sql_relay::FindRelayPostByPost(db, group_chat_id, post_message_id); });
  }
  void DeleteRelayPost(std::string_view account_id, std::int64_t peer_chat_id, std::int64_t message_id) override {
    Run("removing a relay post", [&](sql::Connection& db) { sql_relay::DeleteRelayPost(db, account_id, peer_chat_id, message_id); });
  }
  std::int64_t RelayCursor(std::string_view bot_id) override {
    return Read("reading a relay cursor", [&](sql::Connection& db) { return sql_relay::RelayCursor(db, bot_id); });
  }
  void SetRelayCursor(std::string_view bot_id, std::int64_t seq) override {
    Run("saving a relay cursor", [&](sql::Connection& db) { sql_relay::SetRelayCursor(db, bot_id, seq); });
  }
  // The watcher: the SQL lives in sql_watch.cpp.
  void PutWatchRule(const WatchRule& r) override {
    Run("saving a watch rule", [&](sql::Connection& db) { sql_watch::PutRule(db, r); });
  }
  std::optional<WatchRule> FindWatchRule(std::string_view id) override {
    return Read("reading watch rules", [&](sql::Connection& db) { return sql_watch::FindRule(db, id); });
  }
  std::vector<WatchRule> ListWatchRules(std::string_view tenant_id) override {
    return Read("listing watch rules", [&](sql::Connection& db) { return sql_watch::ListRules(db, tenant_id); });
  }
  bool DeleteWatchRule(std::string_view tenant_id, std::string_view id) override {
    return Run("deleting a watch rule", [&](sql::Connection& db) { return sql_watch::DeleteRule(db, tenant_id, id); });
  }
  bool InsertWatchMessage(const WatchMessage& m, const std::vector<WatchMatch>& matches) override {
    return Run("recording a watched message", [&](sql::Connection& db) { return sql_watch::InsertMessage(db, m, matches); });
  }
  std::optional<WatchMessage> FindWatchMessage(std::string_view id) override {
    return Read("reading watched messages", [&](sql::Connection& db) { return sql_watch::FindMessage(db, id); });
  }
  bool InsertWatchMatch(const WatchMatch& m) override {
    return Run("recording a watch match", [&](sql::Connection& db) { return sql_watch::InsertMatch(db, m); });
  }
  std::optional<WatchMatch> FindWatchMatch(std::string_view id) override {
    return Read("reading watch matches", [&](sql::Connection& db) { return sql_watch::FindMatch(db, id); });
  }
  std::optional<WatchMatch> FindWatchMatchFor(std::string_view message_id, std::string_view subscriber_id) override {
    return Read("reading watch matches", [&](sql::Connection& db) { return sql_watch::FindMatchFor(db, message_id, subscriber_id); });
  }
  bool UpdateWatchMatch(const WatchMatch& m) override {
    return Run("updating a watch match", [&](sql::Connection& db) { return sql_watch::UpdateMatch(db, m); });
  }
  std::vector<WatchMatch> ListWatchMatches(std::string_view tenant_id, std::int64_t before, int limit) override {
    return Read("listing watch matches", [&](sql::Connection& db) { return sql_watch::ListMatches(db, tenant_id, before, limit); });
  }
  std::vector<WatchMatch> ListPendingWatchMatches(int limit) override {
    return Read("listing pending watch matches", [&](sql::Connection& db) { return sql_watch::ListPendingMatches(db, limit); });
  }
  int CountWatchNotified(std::string_view subscriber_id, std::int64_t since) override {
    return Read("counting notifications", [&](sql::Connection& db) { return sql_watch::CountNotified(db, subscriber_id, since); });
  }
  std::int64_t LastWatchMatchAt(std::string_view rule_id, std::int64_t author_id) override {
    return Read("reading watch matches", [&](sql::Connection& db) { return sql_watch::LastMatchAt(db, rule_id, author_id); });
  }
  void DeleteWatchBefore(std::int64_t before) override {
    Run("removing old watch matches", [&](sql::Connection& db) { sql_watch::DeleteBefore(db, before); });
  }
  bool InsertSubscriber(const Subscriber& s) override {
    return Run("adding a subscriber", [&](sql::Connection& db) { return sql_watch::InsertSubscriber(db, s); });
  }
  std::optional<Subscriber> FindSubscriber(std::string_view id) override {
    return Read("reading subscribers", [&](sql::Connection& db) { return sql_watch::FindSubscriber(db, id); });
  }
  std::optional<Subscriber> FindSubscriberByUser(std::string_view bot_id, std::int64_t user_id) override {
    return Read("reading subscribers", [&](sql::Connection& db) { return sql_watch::FindSubscriberByUser(db, bot_id, user_id); });
  }
  std::vector<Subscriber> ListSubscribers(std::string_view tenant_id) override {
    return Read("listing subscribers", [&](sql::Connection& db) { return sql_watch::ListSubscribers(db, tenant_id); });
  }
  bool DeleteSubscriber(std::string_view tenant_id, std::string_view id) override {
    return Run("removing a subscriber", [&](sql::Connection& db) { return sql_watch::DeleteSubscriber(db, tenant_id, id); });
  }
  // Files: the SQL lives in sql_files.cpp.
  void UpsertFiles(const std::vector<FileRecord>& files) override {
    Run("recording files", [&](sql::Connection& db) { sql_files::Upsert(db, files); });
  }
  std::optional<FileRecord> FindFile(std::string_view account_id, std::string_view file_id) override {
    return Read("reading files", [&](sql::Connection& db) { return sql_files::Find(db, account_id, file_id); });
  }
  bool SetFileCache(std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
                    std::int64_t last_used_at) override {
    return Run("recording the file cache",
               [&](sql::Connection& db) { return sql_files::SetCache(db, account_id, file_id, cached_bytes, last_used_at); });
  }
  std::vector<FileRecord> ListCachedFiles(std::string_view account_id) override {
    return Read("reading the file cache", [&](sql::Connection& db) { return sql_files::ListCached(db, account_id); });
  }
  // The event log and webhooks: the SQL lives in sql_events.cpp.
  std::vector<Event> AppendEvents(std::vector<Event> events) override {
    return Run("appending events",
               [&](sql::Connection& db) { return sql_events::Append(db, std::move(events), writer_token_); });
  }
  std::unique_ptr<Listening> ListenForEvents(HeardEvents heard) override {
    if (listen_conninfo_.empty()) return nullptr;
    return sql_events::Listen(listen_conninfo_, writer_token_, std::move(heard));
  }
  std::vector<Event> ListEvents(const EventQuery& query) override {
    return Read("reading events", [&](sql::Connection& db) { return sql_events::List(db, query); });
  }
  std::int64_t CountEvents(const EventQuery& query) override {
    return Run("counting events", [&](sql::Connection& db) { return sql_events::Count(db, query); });
  }
  std::int64_t LastEventSeq(std::string_view tenant_id) override {
    return Read("reading events", [&](sql::Connection& db) { return sql_events::LastSeq(db, tenant_id); });
  }
  int DeleteEventsBefore(std::int64_t created_before) override {
    return Run("removing old events", [&](sql::Connection& db) { return sql_events::DeleteBefore(db, created_before); });
  }
  std::int64_t GetEventCheckpoint(std::string_view account_id) override {
    return Read("reading a checkpoint", [&](sql::Connection& db) { return sql_events::GetCheckpoint(db, account_id); });
  }
  void SetEventCheckpoint(std::string_view account_id, std::int64_t at) override {
    Run("writing a checkpoint", [&](sql::Connection& db) { sql_events::SetCheckpoint(db, account_id, at); });
  }
  void InsertWebhook(const Webhook& w) override {
    Run("storing a webhook", [&](sql::Connection& db) { sql_events::InsertWebhook(db, w); });
  }
  std::optional<Webhook> FindWebhook(std::string_view id) override {
    return Read("reading a webhook", [&](sql::Connection& db) { return sql_events::FindWebhook(db, id); });
  }
  std::vector<Webhook> ListWebhooks(std::string_view tenant_id) override {
    return Read("listing webhooks", [&](sql::Connection& db) { return sql_events::ListWebhooks(db, tenant_id); });
  }
  bool UpdateWebhook(const Webhook& w) override {
    return Run("updating a webhook", [&](sql::Connection& db) { return sql_events::UpdateWebhook(db, w); });
  }
  bool DeleteWebhook(std::string_view tenant_id, std::string_view id) override {
    return Run("removing a webhook", [&](sql::Connection& db) { return sql_events::DeleteWebhook(db, tenant_id, id); });
  }

  void PutNotificationSubscription(const NotificationSubscription& s) override {
    Run("saving a notification subscription", [&](sql::Connection& db) { sql_notifications::PutSubscription(db, s); });
  }
  std::optional<NotificationSubscription> FindNotificationSubscription(std::string_view id) override {
    return Read("reading notification subscriptions", [&](sql::Connection& db) { return sql_notifications::FindSubscription(db, id); });
  }
  std::optional<NotificationSubscription> FindNotificationSubscriptionOf(std::string_view subscriber_id) override {
    return Read("reading notification subscriptions",
               [&](sql::Connection& db) { return sql_notifications::FindSubscriptionOf(db, subscriber_id); });
  }
  std::vector<NotificationSubscription> ListNotificationSubscriptions(std::string_view tenant_id) override {
    return Read("listing notification subscriptions",
               [&](sql::Connection& db) { return sql_notifications::ListSubscriptions(db, tenant_id); });
  }
  bool DeleteNotificationSubscription(std::string_view tenant_id, std::string_view id) override {
    return Run("removing a notification subscription",
               [&](sql::Connection& db) { return sql_notifications::DeleteSubscription(db, tenant_id, id); });
  }

  void BeatNode(const ClusterNode& node) override {
    Run("recording the node's beat", [&](sql::Connection& db) { sql_cluster::BeatNode(db, node); });
  }
  std::vector<ClusterNode> ListNodes() override {
    return Read("listing the nodes", [&](sql::Connection& db) { return sql_cluster::ListNodes(db); });
  }
  void RemoveNode(std::string_view id) override {
    Run("removing a node", [&](sql::Connection& db) { sql_cluster::RemoveNode(db, id); });
  }
  std::vector<Lease> RenewLeases(LeaseKind kind, std::string_view node_id, std::int64_t expires_at) override {
    return Run("renewing the node's leases",
               [&](sql::Connection& db) { return sql_cluster::RenewLeases(db, kind, node_id, expires_at); });
  }
  std::optional<Lease> ClaimLease(LeaseKind kind, std::string_view subject, std::string_view node_id,
                                  std::int64_t expired_before, std::int64_t expires_at) override {
    return Run("claiming a lease", [&](sql::Connection& db) {
      return sql_cluster::ClaimLease(db, kind, subject, node_id, expired_before, expires_at);
    });
  }
  bool ReleaseLease(LeaseKind kind, std::string_view subject, std::string_view node_id, std::int64_t epoch) override {
    return Run("giving a lease back",
               [&](sql::Connection& db) { return sql_cluster::ReleaseLease(db, kind, subject, node_id, epoch); });
  }
  std::vector<Lease> ListLeases(LeaseKind kind) override {
    return Read("listing the leases", [&](sql::Connection& db) { return sql_cluster::ListLeases(db, kind); });
  }
  void DropLease(LeaseKind kind, std::string_view subject) override {
    Run("removing a lease", [&](sql::Connection& db) { sql_cluster::DropLease(db, kind, subject); });
  }
  void PutClusterLogin(const ClusterLogin& login) override {
    Run("recording a login's node", [&](sql::Connection& db) { sql_cluster::PutLogin(db, login); });
  }
  std::optional<ClusterLogin> FindClusterLogin(std::string_view id) override {
    return Read("finding a login's node", [&](sql::Connection& db) { return sql_cluster::FindLogin(db, id); });
  }
  void DeleteClusterLoginsBefore(std::int64_t created_before) override {
    Run("removing old logins' nodes", [&](sql::Connection& db) { sql_cluster::DeleteLoginsBefore(db, created_before); });
  }
  void Notify(std::string_view channel, std::string_view payload) override {
    if (listen_conninfo_.empty()) return;
    Run("notifying the other nodes", [&](sql::Connection& db) { sql_events::Notify(db, channel, payload); });
  }
  std::unique_ptr<Listening> Listen(const std::string& channel,
                                    std::function<void(const std::string& payload)> heard) override {
    if (listen_conninfo_.empty()) return nullptr;
    return sql_events::ListenChannel(listen_conninfo_, channel, std::move(heard));
  }
  void PutSnapshot(const TdSnapshot& snapshot) override {
    Run("storing a TDLib snapshot", [&](sql::Connection& db) { sql_cluster::PutSnapshot(db, snapshot); });
  }
  std::vector<std::string> ListSnapshotAccounts() override {
    return Read("listing the TDLib snapshots", [&](sql::Connection& db) { return sql_cluster::ListSnapshotAccounts(db); });
  }
  std::optional<TdSnapshot> FindSnapshot(std::string_view account_id) override {
    return Read("reading a TDLib snapshot", [&](sql::Connection& db) { return sql_cluster::FindSnapshot(db, account_id); });
  }

 private:
  // Runs `body` on a connection of the pool and turns the database's errors
  // into StoreError naming the operation and the database. Returns once what
  // it committed is durable (SQLite: after a group sync of the WAL).
  template <typename F>
  std::invoke_result_t<F, sql::Connection&> Run(std::string_view what, F&& body) {
    if constexpr (std::is_void_v<std::invoke_result_t<F, sql::Connection&>>) {
      RunOn(*pool_, what, std::forward<F>(body));
      Committed();
    } else {
      auto result = RunOn(*pool_, what, std::forward<F>(body));
      Committed();
      return result;
    }
  }
  void Committed() {
    if (sqlite_.checkpointer) sqlite_.checkpointer->Committed();
    if (sqlite_.commit_sync) sqlite_.commit_sync->AwaitDurable();
  }
  // The same for a call that only reads.
  template <typename F>
  std::invoke_result_t<F, sql::Connection&> Read(std::string_view what, F&& body) {
    return RunOn(readers_ ? *readers_ : *pool_, what, std::forward<F>(body));
  }
  template <typename F>
  std::invoke_result_t<F, sql::Connection&> RunOn(sql::ConnectionPool& pool, std::string_view what, F&& body) {
    try {
      auto lease = pool.Acquire();
      try {
        return body(*lease);
      } catch (const sql::Error& e) {
        if (e.kind() == sql::Error::Kind::kConnectionLost) lease.Discard();
        throw;
      }
    } catch (const sql::Error& e) {
      if (e.kind() == sql::Error::Kind::kConnectionLost) {
        throw StoreUnavailable(std::string(what) + " in " + path_ + ": " + e.what());
      }
      throw StoreError(std::string(what) + " in " + path_ + ": " + e.what());
    }
  }

  const std::string path_;
  std::unique_ptr<sql::ConnectionPool> pool_;
  std::unique_ptr<sql::ConnectionPool> readers_;
  const std::string listen_conninfo_;
  // Names this process in its NOTIFYs, so that it does not hear itself.
  const std::string writer_token_ = crypto::RandomId("w");
  SqliteDurability sqlite_;  // declared last: its checkpointer stops first
};

}  // namespace

std::unique_ptr<Store> MakeSqlStore(std::string name, std::unique_ptr<sql::ConnectionPool> pool,
                                    std::unique_ptr<sql::ConnectionPool> readers, SqliteDurability sqlite,
                                    std::string listen_conninfo) {
  return std::make_unique<SqlStore>(std::move(name), std::move(pool), std::move(readers), std::move(sqlite),
                                    std::move(listen_conninfo));
}

}  // namespace tgmux::store
