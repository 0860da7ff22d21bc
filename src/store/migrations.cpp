#include "store/migrations.h"

#include <array>

namespace tgmux::store {
namespace {

constexpr std::string_view kCreateAccountsAndMeta = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE accounts (
  id                TEXT PRIMARY KEY,
  tenant_id         TEXT NOT NULL,
  status            TEXT NOT NULL,
  method            TEXT NOT NULL,
  telegram_user_id  INTEGER NOT NULL DEFAULT 0,
  username          TEXT NOT NULL DEFAULT '',
  display_name      TEXT NOT NULL DEFAULT '',
  phone_masked      TEXT NOT NULL DEFAULT '',
  phone_sealed      BLOB NOT NULL,
  wrapped_data_key  BLOB NOT NULL,
  td_key_sealed     BLOB NOT NULL,
  last_error        TEXT NOT NULL DEFAULT '',
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  last_connected_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX accounts_by_created ON accounts (created_at, id);
CREATE INDEX accounts_by_tenant ON accounts (tenant_id, created_at, id);
)sql";

constexpr std::string_view kCreateUsersAndTenants = R"sql(
CREATE TABLE tenants (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL REFERENCES tenants (id),
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX users_by_tenant ON users (tenant_id, created_at);
CREATE TABLE refresh_tokens (
  digest     TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  tenant_id  TEXT NOT NULL,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL,
  digest     TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);
CREATE TABLE invites (
  digest     TEXT PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  tenant_id  TEXT NOT NULL,
  email      TEXT NOT NULL,
  role       TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invites_by_tenant ON invites (tenant_id, created_at);
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  at        INTEGER NOT NULL,
  event     TEXT NOT NULL,
  actor     TEXT NOT NULL,
  ip        TEXT NOT NULL,
  detail    TEXT NOT NULL
);
CREATE INDEX audit_by_tenant ON audit_log (tenant_id, seq);
)sql";

// seq orders the entries (creation order); the partial unique index makes the
// idempotency key a real guarantee even for concurrent requests.
constexpr std::string_view kCreateOutbox = R"sql(
CREATE TABLE outbox (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
  id                  TEXT NOT NULL UNIQUE,
  tenant_id           TEXT NOT NULL,
  account_id          TEXT NOT NULL,
  idempotency_key     TEXT NOT NULL DEFAULT '',
  recipient           BLOB NOT NULL,
  text                BLOB NOT NULL,
  parse_mode          TEXT NOT NULL DEFAULT '',
  reply_to_message_id INTEGER NOT NULL DEFAULT 0,
  silent              INTEGER NOT NULL DEFAULT 0,
  state               TEXT NOT NULL,
  chat_id             INTEGER NOT NULL DEFAULT 0,
  message_id          INTEGER NOT NULL DEFAULT 0,
  message_date        INTEGER NOT NULL DEFAULT 0,
  error_code          TEXT NOT NULL DEFAULT '',
  error_message       TEXT NOT NULL DEFAULT '',
  attempts            INTEGER NOT NULL DEFAULT 0,
  next_attempt_at     INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX outbox_by_key ON outbox (tenant_id, account_id, idempotency_key) WHERE idempotency_key != '';
-- The names of OutboxState's unfinished states (states.cpp).
CREATE INDEX outbox_unfinished ON outbox (account_id, seq) WHERE state IN ('queued', 'sending');
)sql";

constexpr std::string_view kCreateEvents = R"sql(
ALTER TABLE accounts ADD COLUMN accepts_private INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN accepts_groups INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN accepts_channels INTEGER NOT NULL DEFAULT 0;
CREATE TABLE events (
  tenant_id  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  id         TEXT NOT NULL UNIQUE,
  type       TEXT NOT NULL,
  account_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  dedup_key  TEXT NOT NULL,
  data       BLOB NOT NULL,
  PRIMARY KEY (tenant_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX events_by_dedup_key ON events (tenant_id, dedup_key) WHERE dedup_key != '';
CREATE INDEX events_by_created ON events (created_at);
CREATE TABLE event_checkpoints (
  account_id TEXT PRIMARY KEY,
  at         INTEGER NOT NULL
);
CREATE TABLE webhooks (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  url             TEXT NOT NULL,
  types           TEXT NOT NULL,
  account_ids     TEXT NOT NULL,
  secret_sealed   BLOB NOT NULL,
  state           TEXT NOT NULL,
  disabled_reason TEXT NOT NULL DEFAULT '',
  delivered_seq   INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  failing_since   INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_count INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, created_at);
)sql";

// The last seq of every tenant, kept apart from the events so that it goes on
// after retention removed them all.
constexpr std::string_view kCreateEventSequences = R"sql(
CREATE TABLE event_sequences (
  tenant_id TEXT PRIMARY KEY,
  last_seq  INTEGER NOT NULL
);
INSERT INTO event_sequences (tenant_id, last_seq) SELECT tenant_id, MAX(seq) FROM events GROUP BY tenant_id;
)sql";

// Accounts found by their number (a keyed digest, never the number) and by
// their Telegram user, per tenant, without reading every row.
constexpr std::string_view kAccountLookups = R"sql(
ALTER TABLE accounts ADD COLUMN phone_digest TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_by_phone ON accounts (tenant_id, phone_digest) WHERE phone_digest != '';
CREATE INDEX accounts_by_telegram_user ON accounts (tenant_id, telegram_user_id);
)sql";

// Media: what an outbox entry sends besides its text (sealed like the text),
// and the files accounts have seen, under tgmux's own ids, with how much of
// each sits in the account's download cache.
constexpr std::string_view kCreateMedia = R"sql(
ALTER TABLE outbox ADD COLUMN media BLOB NOT NULL DEFAULT x'';
CREATE TABLE files (
  account_id   TEXT NOT NULL,
  file_id      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  remote_id    TEXT NOT NULL,
  chat_id      INTEGER NOT NULL DEFAULT 0,
  message_id   INTEGER NOT NULL DEFAULT 0,
  size         INTEGER NOT NULL DEFAULT 0,
  mime_type    TEXT NOT NULL DEFAULT '',
  file_name    BLOB NOT NULL DEFAULT x'',
  cached_bytes INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (account_id, file_id)
);
CREATE INDEX files_cached ON files (account_id, last_used_at) WHERE cached_bytes > 0;
)sql";

// An account's own proxy: sealed, and shown without its password or secret.
constexpr std::string_view kAccountProxy = R"sql(
ALTER TABLE accounts ADD COLUMN proxy_sealed BLOB NOT NULL DEFAULT x'';
ALTER TABLE accounts ADD COLUMN proxy_masked TEXT NOT NULL DEFAULT '';
)sql";

// Bots tgmux runs (docs/bots.md): one per token in an installation.
constexpr std::string_view kCreateBots = R"sql(
CREATE TABLE bots (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL,
  username         TEXT NOT NULL DEFAULT '',
  telegram_user_id INTEGER NOT NULL DEFAULT 0,
  token_sealed     BLOB NOT NULL,
  token_digest     TEXT NOT NULL UNIQUE,
  td_key_sealed    BLOB NOT NULL,
  features         TEXT NOT NULL DEFAULT '',
  access           TEXT NOT NULL DEFAULT 'anyone',
  link_policy      TEXT NOT NULL DEFAULT 'self',
  status           TEXT NOT NULL,
  last_error       TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX bots_by_tenant ON bots (tenant_id, created_at);
)sql";

// Accounts linked through a bot belong to the person who talked to it; what
// each bot and person are in the middle of (sealed; never codes or passwords);
// which of a bot's messages stands for which message of a person's account
// (the terminal: replies, edits and deletes find their message).
constexpr std::string_view kBotConversations = R"sql(
ALTER TABLE accounts ADD COLUMN owner_telegram_user_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX accounts_by_owner ON accounts (tenant_id, owner_telegram_user_id) WHERE owner_telegram_user_id != 0;
CREATE TABLE bot_conversations (
  bot_id       TEXT NOT NULL,
  user_id      INTEGER NOT NULL,
  state_sealed BLOB NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (bot_id, user_id)
);
CREATE TABLE bot_relays (
  bot_id         TEXT NOT NULL,
  user_id        INTEGER NOT NULL,
  bot_message_id INTEGER NOT NULL,
  account_id     TEXT NOT NULL,
  chat_id        INTEGER NOT NULL,
  message_id     INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (bot_id, user_id, bot_message_id)
);
CREATE INDEX bot_relays_by_age ON bot_relays (created_at);
)sql";

// The watcher (docs/watcher.md): which groups an account watches (JSON, ""
// for none), rules, each group message once per tenant, matches with their
// notification and answer, and the people notified.
constexpr std::string_view kWatcher = R"sql(
ALTER TABLE accounts ADD COLUMN watch TEXT NOT NULL DEFAULT '';
CREATE TABLE watch_rules (
  id         TEXT PRIMARY KEY,
  tenant_id  TEXT NOT NULL,
  name       TEXT NOT NULL,
  spec       TEXT NOT NULL,
  enabled    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX watch_rules_by_tenant ON watch_rules (tenant_id, created_at);
CREATE TABLE watch_messages (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  dedup_key   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  chat_id     INTEGER NOT NULL,
  message_id  INTEGER NOT NULL,
  author_id   INTEGER NOT NULL,
  data_sealed BLOB NOT NULL,
  late        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (tenant_id, dedup_key)
);
CREATE INDEX watch_messages_by_age ON watch_messages (created_at);
CREATE TABLE watch_matches (
  id             TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  message_id     TEXT NOT NULL,
  subscriber_id  TEXT NOT NULL,
  rule_id        TEXT NOT NULL,
  author_id      INTEGER NOT NULL,
  extra_sealed   BLOB NOT NULL,
  notify_state   TEXT NOT NULL,
  bot_message_id INTEGER NOT NULL,
  answer_state   TEXT NOT NULL,
  outbox_id      TEXT NOT NULL,
  error          TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  notified_at    INTEGER NOT NULL,
  UNIQUE (message_id, subscriber_id)
);
CREATE INDEX watch_matches_by_tenant ON watch_matches (tenant_id, created_at);
CREATE INDEX watch_matches_pending ON watch_matches (notify_state) WHERE notify_state = 'pending';
CREATE INDEX watch_matches_by_subscriber ON watch_matches (subscriber_id, notified_at);
CREATE INDEX watch_matches_by_author ON watch_matches (rule_id, author_id, created_at);
CREATE TABLE subscribers (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL,
  bot_id           TEXT NOT NULL,
  telegram_user_id INTEGER NOT NULL,
  name             TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  UNIQUE (bot_id, telegram_user_id)
);
CREATE INDEX subscribers_by_tenant ON subscribers (tenant_id, created_at);
)sql";

// The work-group relay (docs/relay.md) and the dialogs it mirrors (one table
// for the relay and for account pools' tracked dialogs).
constexpr std::string_view kRelay = R"sql(
CREATE TABLE relays (
  account_id    TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL,
  bot_id        TEXT NOT NULL,
  group_chat_id INTEGER NOT NULL,
  mode          TEXT NOT NULL,
  operators     TEXT NOT NULL,
  since_seq     INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX relays_by_bot ON relays (bot_id);
CREATE TABLE dialogs (
  id                  TEXT PRIMARY KEY,
  tenant_id           TEXT NOT NULL,
  account_id          TEXT NOT NULL,
  peer_chat_id        INTEGER NOT NULL,
  title               TEXT NOT NULL,
  relay_group_chat_id INTEGER NOT NULL,
  topic_id            INTEGER NOT NULL,
  header_message_id   INTEGER NOT NULL,
  closed              INTEGER NOT NULL,
  first_message_at    INTEGER NOT NULL,
  last_message_at     INTEGER NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (account_id, peer_chat_id)
);
CREATE INDEX dialogs_by_tenant ON dialogs (tenant_id, last_message_at);
CREATE INDEX dialogs_by_topic ON dialogs (relay_group_chat_id, topic_id);
CREATE INDEX dialogs_by_header ON dialogs (relay_group_chat_id, header_message_id);
CREATE TABLE relay_posts (
  account_id      TEXT NOT NULL,
  peer_chat_id    INTEGER NOT NULL,
  message_id      INTEGER NOT NULL,
  group_chat_id   INTEGER NOT NULL,
  post_message_id INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  author          TEXT NOT NULL,
  parts           INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (account_id, peer_chat_id, message_id)
);
CREATE INDEX relay_posts_by_post ON relay_posts (group_chat_id, post_message_id);
CREATE TABLE relay_cursors (
  bot_id TEXT PRIMARY KEY,
  seq    INTEGER NOT NULL
);
)sql";

// Account pools (docs/pools.md): which pool an account is in, and each pool's settings.
constexpr std::string_view kPools = R"sql(
ALTER TABLE accounts ADD COLUMN pool TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_by_pool ON accounts (tenant_id, pool);
CREATE TABLE pools (
  tenant_id  TEXT NOT NULL,
  name       TEXT NOT NULL,
  settings   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
)sql";

// Account pools' health and counters (pool_records.h): the sends are counted
// from the outbox, by account; dialogs tracked with a status and their
// messages (dialog_records.h).
constexpr std::string_view kPoolCounters = R"sql(
CREATE TABLE account_health (
  account_id     TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  flood_waits    INTEGER NOT NULL,
  bans           INTEGER NOT NULL,
  limited_until  INTEGER NOT NULL,
  limited_reason TEXT NOT NULL,
  limits         TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX account_health_by_tenant ON account_health (tenant_id);
CREATE TABLE pool_contacts (
  tenant_id  TEXT NOT NULL,
  pool       TEXT NOT NULL,
  contact    TEXT NOT NULL,
  account_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, pool, contact)
);
CREATE INDEX pool_contacts_by_account ON pool_contacts (account_id);
CREATE INDEX outbox_by_account ON outbox (account_id, created_at);
ALTER TABLE dialogs ADD COLUMN tracked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dialogs ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE dialogs ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogs ADD COLUMN pool TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogs ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogs ADD COLUMN meta TEXT NOT NULL DEFAULT '';
CREATE INDEX dialogs_by_contact ON dialogs (account_id, contact) WHERE contact != '';
CREATE INDEX dialogs_by_status ON dialogs (tenant_id, status, last_message_at);
CREATE TABLE dialog_messages (
  dialog_id  TEXT NOT NULL,
  account_id TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  outgoing   INTEGER NOT NULL,
  date       INTEGER NOT NULL,
  data       BLOB NOT NULL,
  PRIMARY KEY (dialog_id, message_id)
);
CREATE INDEX dialog_messages_by_account ON dialog_messages (account_id);
)sql";

// Notifications by bot: which subscribers hear which events (notification_records.h).
constexpr std::string_view kNotifications = R"sql(
CREATE TABLE notification_subscriptions (
  id            TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL,
  subscriber_id TEXT NOT NULL UNIQUE REFERENCES subscribers (id) ON DELETE CASCADE,
  events        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX notification_subscriptions_by_tenant ON notification_subscriptions (tenant_id, created_at);
)sql";

// Labels the caller gives an account (docs/compat.md): its project, and the
// caller's own key for the person, unique in the tenant when set.
constexpr std::string_view kAccountLabels = R"sql(
ALTER TABLE accounts ADD COLUMN project_id TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_by_project ON accounts (tenant_id, project_id) WHERE project_id != '';
CREATE UNIQUE INDEX accounts_by_external_id ON accounts (tenant_id, external_id) WHERE external_id != '';
)sql";

// A dialog's meta is sealed (bytes): PostgreSQL's TEXT refuses bytes that are
// not UTF-8, so there the column becomes bytea. SQLite keeps bytes in any
// column as they are: nothing to change.
constexpr std::string_view kDialogMetaBytes = R"sql(
SELECT 1;
)sql";
constexpr std::string_view kDialogMetaBytesPostgres = R"sql(
ALTER TABLE dialogs ALTER COLUMN meta DROP DEFAULT;
ALTER TABLE dialogs ALTER COLUMN meta TYPE BYTEA USING convert_to(meta, 'UTF8');
ALTER TABLE dialogs ALTER COLUMN meta SET DEFAULT ''::bytea;
)sql";

// Several nodes on one PostgreSQL (cluster_records.h, docs/cluster.md).
constexpr std::string_view kCluster = R"sql(
CREATE TABLE cluster_nodes (
  id           TEXT PRIMARY KEY,
  url          TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  accounts     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE account_leases (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  node_id    TEXT NOT NULL,
  epoch      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX account_leases_by_node ON account_leases (node_id);
CREATE TABLE account_snapshots (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  sealed     BLOB NOT NULL,
  taken_at   INTEGER NOT NULL
);
)sql";

// Work other than accounts that one node runs at a time (webhooks'
// deliveries, bots), the node of each login in progress, and each node's load.
constexpr std::string_view kWorkLeases = R"sql(
CREATE TABLE cluster_logins (
  id         TEXT PRIMARY KEY,
  node_id    TEXT NOT NULL,
  tenant_id  TEXT NOT NULL,
  method     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE work_leases (
  subject    TEXT PRIMARY KEY,
  node_id    TEXT NOT NULL,
  epoch      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX work_leases_by_node ON work_leases (node_id);
ALTER TABLE cluster_nodes ADD COLUMN load TEXT NOT NULL DEFAULT '{}';
)sql";

constexpr std::array kMigrations = {
    Migration{1, "accounts and meta", kCreateAccountsAndMeta},
    Migration{2, "users, tenants, tokens, api keys, invites, audit log", kCreateUsersAndTenants},
    Migration{3, "outbox", kCreateOutbox},
    Migration{4, "event log, webhooks, account event filters", kCreateEvents},
    Migration{5, "event sequences that outlive retention", kCreateEventSequences},
    Migration{6, "accounts by phone digest and by Telegram user", kAccountLookups},
    Migration{7, "outbox media and files", kCreateMedia},
    Migration{8, "account proxies", kAccountProxy},
    Migration{9, "bots", kCreateBots},
    Migration{10, "account owners and bot conversations", kBotConversations},
    Migration{11, "watcher", kWatcher},
    Migration{12, "work-group relay and dialogs", kRelay},
    Migration{13, "account pools", kPools},
    Migration{14, "account pools' health, contacts, counters and tracked dialogs", kPoolCounters},
    Migration{15, "notification subscriptions", kNotifications},
    Migration{16, "account project and external ids", kAccountLabels},
    Migration{17, "dialogs' sealed meta as bytes", kDialogMetaBytes, kDialogMetaBytesPostgres},
    Migration{18, "cluster nodes, account leases and TDLib snapshots", kCluster},
    Migration{19, "leases of work other than accounts, logins' nodes", kWorkLeases},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace tgmux::store
