// tgmux configuration (docs/architecture.md, Configuration): defaults < TOML file (--config) < environment
// < command-line flags. Every value is validated once at start-up.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tgmux::config {

// One bad setting: the message is a single line that names the setting and says
// what is wrong. The process exits with status 2 on it.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TelegramSettings {
  std::optional<std::int32_t> api_id;
  std::string api_hash;
  std::string device_model = "tgmux";
  std::string system_version = "Linux";
  std::string application_version;  // defaults to the tgmux version
  std::string system_language_code = "en";
  double deadline_seconds = 30;      // a Telegram call that takes longer fails
  bool use_test_dc = false;

  bool Configured() const { return api_id.has_value() && !api_hash.empty(); }
};

// At most `count` events per `window_seconds` (a fixed window per key).
struct RateLimit {
  int count = 0;
  double window_seconds = 0;
};

// App users, tokens and API security (issue 5).
struct AuthSettings {
  bool enabled = true;                   // TGMUX_AUTH=off: only on loopback
  std::string registration = "invite";   // open | invite
  std::string admin_email;               // first owner created at start when there are no users
  std::string admin_password;            // never logged
  std::optional<std::string> jwt_secret; // never logged; default: generated once, sealed in the store
  double access_ttl_seconds = 900;
  double refresh_ttl_seconds = 30 * 86400;
  // A browser session's refresh presented again this soon after its rotation
  // (another tab refreshing at the same moment) still rotates instead of
  // counting as a stolen token.
  double session_grace_seconds = 60;
  std::uint64_t argon2_passes = 2;       // libsodium's "interactive" Argon2id cost
  std::uint64_t argon2_memory_kib = 64 * 1024;
  // Sign-ins and registrations hash on threads of their own: this many at
  // once, this many more waiting; beyond that they get 429 (HashingPool).
  int argon2_threads = 1;
  int argon2_queue = 8;
  RateLimit failed_logins_per_email{5, 900};
  RateLimit failed_logins_per_ip{20, 900};
  RateLimit logins_per_tenant{30, 60};   // POST /v1/logins (Telegram account links started)
};

// "media": {"url": ...} in a send (service/media/url_fetch.h).
struct MediaFetchSettings {
  bool enabled = false;         // off unless TGMUX_MEDIA_FETCH=on
  double timeout_seconds = 30;  // the whole fetch, redirects and body included
  // CIDRs ("127.0.0.1/32", "::1/128") exempted from the address policy: for
  // tests only. Checked for syntax here; an IPv4 range never matches an IPv6
  // address (not even ::ffff:a.b.c.d).
  std::vector<std::string> allow;
};

// A bot from the configuration file ([[bots]]): added at start when its token
// does not run yet, its settings applied when it does (docs/bots.md).
struct ConfiguredBot {
  std::string tenant = "default";  // tenant id
  std::string token;               // never logged
  std::vector<std::string> features;
  std::vector<std::string> access;  // Telegram user ids and @usernames; empty: anyone
  std::string link_policy = "self";
};

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path data_dir = "data";
  std::filesystem::path sqlite_path;  // empty: <data_dir>/tgmux.db
  // TGMUX_STORE's PostgreSQL connection string (URL or key=value); "" for
  // SQLite. Holds the password: never logged.
  std::string postgres;
  int store_pool = 8;  // PostgreSQL connections at most
  // When a write is acknowledged: "full" once it is on disk (survives a power
  // cut), "normal" once the database has it (store::Durability).
  std::string store_sync = "full";
  std::optional<std::string> master_key;  // base64; never logged
  std::filesystem::path tdjson_path;
  double qr_timeout_seconds = 180;     // a QR login not confirmed by then expires
  double login_timeout_seconds = 900;  // a phone login not finished by then expires
  double outbox_chat_interval_seconds = 1;  // at least this long between two sends into one chat (0: none)
  int outbox_group_per_minute = 20;         // at most this many sends a minute into one group (0: no limit)
  double event_retention_seconds = 7 * 86400;  // events older than this are removed
  std::size_t event_buffer = 100000;  // events kept in memory while the store is unreachable
  // Several nodes on one PostgreSQL (docs/cluster.md): this node's address
  // for the others ("" for a single node), and how long an account stays
  // leased to a node that stopped beating.
  std::string node_url;
  int lease_ttl_seconds = 10;
  double webhook_retry_seconds = 86400;        // a webhook failing this long is disabled
  int accounts_per_tenant = 0;      // linked accounts per tenant at most (0: no limit); bots enforce it
  int bot_accounts_per_person = 1;  // accounts one person links through the tenant's bots
  int watch_notify_per_hour = 30;   // watcher notifications per subscriber per hour; beyond: one summary
  int bot_group_per_minute = 19;    // a bot's messages a minute into one group (Telegram allows 20)
  double monitor_interval_seconds = 60;  // each account's health is checked this often, jittered ±20% (0: off)
  double limited_hours = 24;             // a limited account (PEER_FLOOD) counts as limited this long
  std::string default_proxy;  // TGMUX_PROXY: for accounts without their own; "" for none; never logged
  std::uint64_t max_upload_bytes = 50ull << 20;  // multipart uploads; other bodies stay at 1 MiB
  std::uint64_t file_cache_bytes = 1ull << 30;   // downloaded files kept per account
  // Reverse proxies (CIDRs) whose X-Forwarded-For and X-Forwarded-Proto are believed.
  std::vector<std::string> trusted_proxies;
  // Compatibility surfaces served (docs/compat.md): "personal-accounts", "user-api", "multi-profile".
  std::vector<std::string> compat;
  // Origins (scheme://host[:port]) whose browsers get CORS answers on every route.
  std::vector<std::string> cors_origins;
  // TGMUX_TLS_CERT / TGMUX_TLS_KEY: PEM files that make tgmux serve HTTPS itself; both or neither.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::filesystem::path web_dir;  // TGMUX_WEB_DIR: the dashboard read from here instead of the binary
  MediaFetchSettings media_fetch;
  std::vector<ConfiguredBot> bots;
  std::string log_level = "info";
  std::string log_format = "text";
  TelegramSettings telegram;
  AuthSettings auth;

  std::filesystem::path DatabasePath() const;
  std::string Listen() const;
};

// Where settings come from; tests pass their own environment.
struct Sources {
  std::optional<std::filesystem::path> toml_file;
  std::map<std::string, std::string> env;    // only TGMUX_* and TELEGRAM_* matter
  std::map<std::string, std::string> flags;  // keyed by environment name, e.g. TGMUX_LISTEN
};

// Merges the sources in rising priority and validates the result; throws ConfigError.
Config Load(const Sources& sources);

// Checks what needs the file system (data directory writable, libtdjson present);
// throws ConfigError. Creates the data directory when missing.
void CheckEnvironment(const Config& config);

// The environment of this process, restricted to TGMUX_* and TELEGRAM_*.
std::map<std::string, std::string> ProcessEnvironment();

// Every setting: environment name, TOML key, flag, meaning, default (for --help and the README).
struct SettingInfo {
  std::string env;
  std::string toml_key;
  std::string flag;
  std::string help;
};
const std::vector<SettingInfo>& Settings();

}  // namespace tgmux::config
