#include "config/config.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <toml++/toml.h>

#include "common/proxy_url.h"
#include "config/value_readers.h"

extern char** environ;

namespace tgmux::config {
namespace {

using Apply = std::function<void(Config&, const std::string&)>;

struct Setting {
  SettingInfo info;
  Apply apply;
};

// Control characters shown escaped: a message about a value stays one line.
std::string OneLine(const std::string& message) {
  std::string line;
  for (unsigned char c : message) {
    if (c >= 0x20 && c != 0x7f) line += static_cast<char>(c);
    else if (c == '\n') line += "\\n";
    else line += std::string("\\x") + "0123456789abcdef"[c >> 4] + "0123456789abcdef"[c & 15];
  }
  return line;
}

void ParseListen(Config& config, const std::string& value) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) Bad("expected HOST:PORT such as 127.0.0.1:8080");
  std::string host = value.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) {
      Bad("expected HOST:PORT such as 127.0.0.1:8080");
    }
  }
  try {
    config.listen_port = static_cast<std::uint16_t>(ParseInteger(value.substr(colon + 1), 0, 65535));
  } catch (const std::invalid_argument&) {
    Bad("expected HOST:PORT with a port from 0 to 65535");
  }
  config.listen_host = host;
}

// Never echoes the value: a PostgreSQL one may hold a password. libpq reads
// (and refuses) the connection string itself when the store opens.
void ParseStore(Config& config, const std::string& value) {
  config.sqlite_path.clear();
  config.postgres.clear();
  if (value.rfind("sqlite:", 0) == 0 && value.size() > 7) {
    config.sqlite_path = value.substr(7);
    return;
  }
  if (value.rfind("postgres://", 0) == 0 || value.rfind("postgresql://", 0) == 0 ||
      value.find('=') != std::string::npos) {
    config.postgres = value;
    return;
  }
  Bad("expected sqlite:PATH, postgres://USER:PASSWORD@HOST:PORT/DB or libpq's key=value form");
}

void OneOf(const std::string& value, std::initializer_list<const char*> allowed, std::string& out) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) {
      out = value;
      return;
    }
    list += list.empty() ? a : std::string("|") + a;
  }
  Bad("expected one of " + list);
}

void NonEmpty(const std::string& value, std::string& out) {
  if (value.empty()) Bad("must not be empty");
  out = value;
}

const std::vector<Setting>& Table() {
  static const std::vector<Setting> table = {
      {{"TGMUX_LISTEN", "listen", "--listen", "HOST:PORT to serve HTTP on (127.0.0.1:8080)"}, ParseListen},
      {{"TGMUX_DATA_DIR", "data_dir", "--data-dir", "directory for the database, keys and TDLib sessions (./data)"},
       [](Config& c, const std::string& v) { if (v.empty()) Bad("must not be empty"); c.data_dir = v; }},
      {{"TGMUX_STORE", "store", "--store", "sqlite:PATH or postgres://... (sqlite:<data_dir>/tgmux.db)"}, ParseStore},
      {{"TGMUX_STORE_POOL", "store_pool", "--store-pool", "PostgreSQL connections at most (8)"},
       [](Config& c, const std::string& v) { c.store_pool = static_cast<int>(ParseInteger(v, 1, 1000)); }},
      {{"TGMUX_STORE_SYNC", "store_sync", "--store-sync",
        "full: a write is acknowledged once on disk; normal: a power cut may lose the last ones (full)"},
       [](Config& c, const std::string& v) { OneOf(v, {"full", "normal"}, c.store_sync); }},
      {{"TGMUX_MASTER_KEY", "master_key", "", "base64 of 32 bytes; default: generated once into <data_dir>/master.key"},
       [](Config& c, const std::string& v) { c.master_key = v; }},
      {{"TGMUX_TDJSON", "tdjson", "--tdjson", "path of the libtdjson to load (the pinned TDLib 1.8.65)"},
       [](Config& c, const std::string& v) { if (v.empty()) Bad("must not be empty"); c.tdjson_path = v; }},
      {{"TELEGRAM_API_ID", "telegram.api_id", "--api-id", "api_id from my.telegram.org"},
       [](Config& c, const std::string& v) {
         c.telegram.api_id = static_cast<std::int32_t>(ParseInteger(v, 1, 2147483647));
       }},
      {{"TELEGRAM_API_HASH", "telegram.api_hash", "--api-hash", "api_hash from my.telegram.org"},
       [](Config& c, const std::string& v) {
         if (v.size() != 32 || v.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
           Bad("expected the 32 hexadecimal characters given by my.telegram.org");
         }
         c.telegram.api_hash = v;
       }},
      {{"TGMUX_DEVICE_MODEL", "telegram.device_model", "", "device model Telegram shows in the session list (tgmux)"},
       [](Config& c, const std::string& v) { NonEmpty(v, c.telegram.device_model); }},
      {{"TGMUX_SYSTEM_VERSION", "telegram.system_version", "", "operating system version shown in sessions (Linux)"},
       [](Config& c, const std::string& v) { NonEmpty(v, c.telegram.system_version); }},
      {{"TGMUX_APP_VERSION", "telegram.app_version", "", "application version shown in sessions (tgmux's version)"},
       [](Config& c, const std::string& v) { NonEmpty(v, c.telegram.application_version); }},
      {{"TGMUX_LANGUAGE_CODE", "telegram.language_code", "", "IETF language code of the system (en)"},
       [](Config& c, const std::string& v) { NonEmpty(v, c.telegram.system_language_code); }},
      {{"TGMUX_TELEGRAM_DEADLINE", "telegram.deadline", "--telegram-deadline",
        "seconds a Telegram call may take before it fails with telegram_unreachable (30)"},
       [](Config& c, const std::string& v) { c.telegram.deadline_seconds = ParsePositiveSeconds(v); }},
      {{"TGMUX_TELEGRAM_TEST_DC", "telegram.test_dc", "", "true to use Telegram's test data centres (false)"},
       [](Config& c, const std::string& v) {
         std::string out;
         OneOf(v, {"true", "false"}, out);
         c.telegram.use_test_dc = out == "true";
       }},
      {{"TGMUX_QR_TIMEOUT", "qr_timeout", "", "seconds a QR login waits for its scan before it expires (180)"},
       [](Config& c, const std::string& v) { c.qr_timeout_seconds = ParsePositiveSeconds(v); }},
      {{"TGMUX_LOGIN_TIMEOUT", "login_timeout", "", "seconds a phone login may stay unfinished before it expires (900)"},
       [](Config& c, const std::string& v) { c.login_timeout_seconds = ParsePositiveSeconds(v); }},
      {{"TGMUX_AUTH", "auth.enabled", "--auth", "on|off: require credentials on /v1 (on; off only on loopback)"},
       [](Config& c, const std::string& v) {
         std::string out;
         OneOf(v, {"on", "off"}, out);
         c.auth.enabled = out == "on";
       }},
      {{"TGMUX_REGISTRATION", "auth.registration", "--registration",
        "open|invite: who may register (invite: only the first user, or with an invite)"},
       [](Config& c, const std::string& v) { OneOf(v, {"open", "invite"}, c.auth.registration); }},
      {{"TGMUX_ADMIN_EMAIL", "auth.admin_email", "", "email of the first owner, created at start when no user exists"},
       [](Config& c, const std::string& v) {
         if (v.find('@') == std::string::npos) Bad("expected an email address");
         c.auth.admin_email = v;
       }},
      {{"TGMUX_ADMIN_PASSWORD", "auth.admin_password", "", "password of that first owner (at least 10 characters)"},
       [](Config& c, const std::string& v) {
         if (v.size() < 10) Bad("must be at least 10 characters");
         c.auth.admin_password = v;
       }},
      {{"TGMUX_JWT_SECRET", "auth.jwt_secret", "",
        "secret signing access tokens (at least 32 characters); default: generated once, sealed in the store"},
       [](Config& c, const std::string& v) {
         if (v.size() < 32) Bad("must be at least 32 characters");
         c.auth.jwt_secret = v;
       }},
      {{"TGMUX_ACCESS_TOKEN_TTL", "auth.access_token_ttl", "", "seconds an access token is valid (900)"},
       [](Config& c, const std::string& v) { c.auth.access_ttl_seconds = ParseSecondsUpTo(v, 86400); }},
      {{"TGMUX_REFRESH_TOKEN_TTL", "auth.refresh_token_ttl", "", "seconds a refresh token is valid (2592000: 30 days)"},
       [](Config& c, const std::string& v) { c.auth.refresh_ttl_seconds = ParseSecondsUpTo(v, 366 * 86400.0); }},
      {{"TGMUX_ARGON2_PASSES", "auth.argon2_passes", "", "Argon2id passes for app-user passwords (2)"},
       [](Config& c, const std::string& v) { c.auth.argon2_passes = ParseInteger(v, 1, 20); }},
      {{"TGMUX_ARGON2_MEMORY", "auth.argon2_memory", "", "Argon2id memory in KiB for app-user passwords (65536)"},
       [](Config& c, const std::string& v) { c.auth.argon2_memory_kib = ParseInteger(v, 8, 4 * 1024 * 1024); }},
      {{"TGMUX_ARGON2_THREADS", "auth.argon2_threads", "",
        "threads that hash passwords (sign-ins, registrations) at once, beside the workers (1)"},
       [](Config& c, const std::string& v) { c.auth.argon2_threads = static_cast<int>(ParseInteger(v, 1, 64)); }},
      {{"TGMUX_ARGON2_QUEUE", "auth.argon2_queue", "",
        "sign-ins and registrations that may wait for a hashing thread; more get 429 (8)"},
       [](Config& c, const std::string& v) { c.auth.argon2_queue = static_cast<int>(ParseInteger(v, 0, 10000)); }},
      {{"TGMUX_LIMIT_FAILED_LOGINS_EMAIL", "limits.failed_logins_per_email", "",
        "failed sign-ins per email, COUNT/SECONDS (5/900)"},
       [](Config& c, const std::string& v) { c.auth.failed_logins_per_email = ParseRateLimit(v); }},
      {{"TGMUX_LIMIT_FAILED_LOGINS_IP", "limits.failed_logins_per_ip", "",
        "failed sign-ins per client address, COUNT/SECONDS (20/900)"},
       [](Config& c, const std::string& v) { c.auth.failed_logins_per_ip = ParseRateLimit(v); }},
      {{"TGMUX_OUTBOX_CHAT_INTERVAL", "outbox.chat_interval", "",
        "seconds between two messages an account sends into one chat (1; 0: no pacing)"},
       [](Config& c, const std::string& v) { c.outbox_chat_interval_seconds = ParseSecondsOrZero(v); }},
      {{"TGMUX_OUTBOX_GROUP_PER_MINUTE", "outbox.group_per_minute", "",
        "messages an account sends into one group, supergroup or channel per minute at most (20; 0: no limit)"},
       [](Config& c, const std::string& v) {
         c.outbox_group_per_minute = static_cast<int>(ParseInteger(v, 0, 10000));
       }},
      {{"TGMUX_EVENT_RETENTION", "events.retention", "", "seconds events stay in the log (604800: 7 days)"},
       [](Config& c, const std::string& v) { c.event_retention_seconds = ParsePositiveSeconds(v); }},
      {{"TGMUX_EVENT_BUFFER", "events.buffer", "",
        "events kept in memory while the store (PostgreSQL) cannot be reached (100000)"},
       [](Config& c, const std::string& v) { c.event_buffer = static_cast<std::size_t>(ParseInteger(v, 100, 10000000)); }},
      {{"TGMUX_NODE_URL", "cluster.node_url", "",
        "this node's address for the other nodes, such as http://10.0.0.5:8080; set: one of several nodes on one "
        "PostgreSQL (docs/cluster.md) (none: a single node)"},
       [](Config& c, const std::string& v) {
         auto origins = ParseOriginList(v);
         if (origins.size() != 1) Bad("expected one address such as http://10.0.0.5:8080");
         if (origins.front().rfind("http://", 0) != 0) {
           Bad("nodes reach each other over plain HTTP: give an http:// address on a private network");
         }
         c.node_url = origins.front();
       }},
      {{"TGMUX_LEASE_TTL", "cluster.lease_ttl", "",
        "seconds an account stays leased to a node that stopped beating, before another node takes it (10)"},
       [](Config& c, const std::string& v) { c.lease_ttl_seconds = static_cast<int>(ParseInteger(v, 3, 300)); }},
      {{"TGMUX_WEBHOOK_RETRY_FOR", "webhooks.retry_for", "",
        "seconds a failing webhook is retried before it is disabled (86400: 24 hours)"},
       [](Config& c, const std::string& v) { c.webhook_retry_seconds = ParsePositiveSeconds(v); }},
      {{"TGMUX_LIMIT_LOGINS_TENANT", "limits.logins_per_tenant", "",
        "Telegram logins started (POST /v1/logins) per tenant, COUNT/SECONDS (30/60)"},
       [](Config& c, const std::string& v) { c.auth.logins_per_tenant = ParseRateLimit(v); }},
      {{"TGMUX_LIMIT_ACCOUNTS_TENANT", "limits.accounts_per_tenant", "",
        "linked accounts per tenant at most; bots refuse new links beyond it (0: no limit)"},
       [](Config& c, const std::string& v) {
         c.accounts_per_tenant = static_cast<int>(ParseInteger(v, 0, 100000000));
       }},
      {{"TGMUX_BOT_ACCOUNTS_PER_PERSON", "limits.accounts_per_person", "",
        "accounts one person may link by talking to the tenant's bots (1)"},
       [](Config& c, const std::string& v) {
         c.bot_accounts_per_person = static_cast<int>(ParseInteger(v, 1, 1000));
       }},
      {{"TGMUX_WATCH_NOTIFY_PER_HOUR", "watch.notify_per_hour", "",
        "watcher notifications one subscriber gets per hour; beyond it one summary message (30)"},
       [](Config& c, const std::string& v) {
         c.watch_notify_per_hour = static_cast<int>(ParseInteger(v, 1, 100000));
       }},
      {{"TGMUX_MONITOR_INTERVAL", "health.monitor_interval", "",
        "seconds between two health checks of each account at Telegram, jittered by 20% (60; 0: no checks)"},
       [](Config& c, const std::string& v) { c.monitor_interval_seconds = ParseSecondsOrZero(v); }},
      {{"TGMUX_LIMITED_HOURS", "health.limited_hours", "",
        "hours an account Telegram refused with PEER_FLOOD stays limited unless a send passes sooner (24)"},
       [](Config& c, const std::string& v) { c.limited_hours = ParseHours(v); }},
      {{"TGMUX_BOT_GROUP_PER_MINUTE", "bots.group_per_minute", "",
        "messages a bot posts into one group a minute, e.g. the relay's posts into a work group (19; Telegram "
        "allows 20)"},
       [](Config& c, const std::string& v) {
         c.bot_group_per_minute = static_cast<int>(ParseInteger(v, 1, 100000));
       }},
      {{"TGMUX_PROXY", "telegram.proxy", "",
        "proxy for every account without its own: socks5://[user:pass@]host:port, http://..., "
        "mtproto://secret@host:port (none)"},
       [](Config& c, const std::string& v) {
         if (v.empty()) return;
         auto parsed = ParseProxyUrl(v);
         if (!parsed.proxy) Bad(parsed.error);
         c.default_proxy = v;
       }},
      {{"TGMUX_MAX_UPLOAD", "media.max_upload", "",
        "largest file upload (multipart body) accepted, e.g. 50MiB (50MiB; Telegram's own limits apply above)"},
       [](Config& c, const std::string& v) { c.max_upload_bytes = ParseSize(v, 1 << 20, 4ull << 30); }},
      {{"TGMUX_FILE_CACHE", "media.file_cache", "",
        "downloaded files kept per account before the least recently used go, e.g. 1GiB (1GiB)"},
       [](Config& c, const std::string& v) { c.file_cache_bytes = ParseSize(v, 1 << 20, 1ull << 40); }},
      {{"TGMUX_MEDIA_FETCH", "media.fetch", "",
        "on|off: let \"media\": {\"url\": ...} make tgmux fetch the file itself (off)"},
       [](Config& c, const std::string& v) {
         std::string out;
         OneOf(v, {"on", "off", "true", "false"}, out);
         c.media_fetch.enabled = out == "on" || out == "true";
       }},
      {{"TGMUX_MEDIA_FETCH_TIMEOUT", "media.fetch_timeout", "",
        "seconds one fetch by URL may take, redirects and body included (30)"},
       [](Config& c, const std::string& v) { c.media_fetch.timeout_seconds = ParseSecondsUpTo(v, 600); }},
      {{"TGMUX_MEDIA_FETCH_ALLOW", "media.fetch_allow", "",
        "for tests only: comma-separated CIDRs a fetch by URL may reach despite the address policy (none)"},
       [](Config& c, const std::string& v) { c.media_fetch.allow = ParseCidrList(v); }},
      {{"TGMUX_TLS_CERT", "tls.cert", "--tls-cert",
        "PEM file of the certificate (then its chain) to serve HTTPS with; re-read on SIGHUP (none: plain HTTP)"},
       [](Config& c, const std::string& v) { c.tls_cert = v; }},
      {{"TGMUX_TLS_KEY", "tls.key", "--tls-key", "PEM file of that certificate's private key, unencrypted (none)"},
       [](Config& c, const std::string& v) { c.tls_key = v; }},
      {{"TGMUX_TRUSTED_PROXIES", "trusted_proxies", "",
        "comma-separated CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed (none)"},
       [](Config& c, const std::string& v) { c.trusted_proxies = ParseCidrList(v); }},
      {{"TGMUX_COMPAT", "compat", "",
        "compatibility surfaces to serve, comma-separated: personal-accounts, user-api, multi-profile "
        "(none; docs/compat.md)"},
       [](Config& c, const std::string& v) { c.compat = ParseCompatList(v); }},
      {{"TGMUX_CORS_ORIGINS", "cors_origins", "",
        "comma-separated origins (such as http://127.0.0.1:5173) whose browsers may call every route (none)"},
       [](Config& c, const std::string& v) { c.cors_origins = ParseOriginList(v); }},
      {{"TGMUX_SESSION_GRACE", "auth.session_grace", "",
        "seconds a browser session's rotated refresh still rotates (two tabs at once); 0: never (60)"},
       [](Config& c, const std::string& v) { c.auth.session_grace_seconds = v == "0" ? 0 : ParseSecondsUpTo(v, 600); }},
      {{"TGMUX_WEB_DIR", "web_dir", "",
        "for dashboard development: serve the dashboard from this web/ folder, read on every request (built in)"},
       [](Config& c, const std::string& v) { c.web_dir = v; }},
      {{"TGMUX_LOG_LEVEL", "log_level", "--log-level", "trace|debug|info|warn|error (info)"},
       [](Config& c, const std::string& v) { OneOf(v, {"trace", "debug", "info", "warn", "error"}, c.log_level); }},
      {{"TGMUX_LOG_FORMAT", "log_format", "--log-format", "text|json (text)"},
       [](Config& c, const std::string& v) { OneOf(v, {"text", "json"}, c.log_format); }},
  };
  return table;
}

void ApplyOne(Config& config, const Setting& setting, const std::string& value, const std::string& where) {
  try {
    setting.apply(config, value);
  } catch (const std::invalid_argument& e) {
    static const std::set<std::string> kSecret = {"TGMUX_MASTER_KEY", "TELEGRAM_API_HASH", "TGMUX_ADMIN_PASSWORD",
                                                   "TGMUX_JWT_SECRET", "TGMUX_PROXY", "TGMUX_STORE"};
    std::string shown = kSecret.count(setting.info.env) ? std::string("(hidden)")
                            : "\"" + value + "\"";
    throw ConfigError(where + "=" + shown + ": " + e.what());
  }
}

std::optional<std::string> TomlValue(const toml::table& root, const std::string& key) {
  auto node = root.at_path(key);
  if (!node) return std::nullopt;
  if (auto s = node.value<std::string>()) return *s;
  if (node.is_integer()) return std::to_string(**node.as_integer());  // not value<>: it casts floats unchecked
  if (auto d = node.value<double>()) return std::to_string(*d);
  if (auto b = node.value<bool>()) return *b ? "true" : "false";
  // A list of strings is read as the environment's comma-separated form.
  if (const auto* array = node.as_array(); array && (array->empty() || array->is_homogeneous(toml::node_type::string))) {
    std::string joined;
    for (const auto& item : *array) joined += (joined.empty() ? "" : ",") + *item.value<std::string>();
    return joined;
  }
  throw ConfigError(key + " in the config file: expected a string, number, boolean or list of strings");
}

std::vector<std::string> StringList(const toml::node& node, const std::string& where) {
  std::vector<std::string> out;
  const toml::array* array = node.as_array();
  if (array == nullptr) throw ConfigError(where + ": expected a list");
  for (const auto& item : *array) {
    if (auto s = item.value<std::string>()) {
      out.push_back(*s);
    } else if (item.is_integer()) {  // not value<>: it casts floats unchecked
      out.push_back(std::to_string(**item.as_integer()));
    } else {
      throw ConfigError(where + ": expected strings (or Telegram user ids)");
    }
  }
  return out;
}

// [[bots]]: tenant, token, features, access, link_policy. Feature names and the
// like are checked where bots are made (serve); here only the shape.
void ApplyTomlBots(Config& config, const toml::table& root, const std::string& file) {
  const toml::node* node = root.get("bots");
  if (node == nullptr) return;
  const toml::array* bots = node->as_array();
  if (bots == nullptr) throw ConfigError("bots (in " + file + "): write each bot as a [[bots]] table");
  for (std::size_t i = 0; i < bots->size(); ++i) {
    const std::string where = "bots[" + std::to_string(i) + "] (in " + file + ")";
    const toml::table* table = (*bots)[i].as_table();
    if (table == nullptr) throw ConfigError(where + ": expected a table");
    ConfiguredBot bot;
    if (auto token = (*table)["token"].value<std::string>()) bot.token = *token;
    if (bot.token.empty()) throw ConfigError(where + ".token: the bot's token from @BotFather is required");
    if (auto tenant = (*table)["tenant"].value<std::string>()) bot.tenant = *tenant;
    if (const toml::node* features = table->get("features")) bot.features = StringList(*features, where + ".features");
    if (bot.features.empty()) throw ConfigError(where + ".features: name at least one (accounts, terminal, ...)");
    if (const toml::node* access = table->get("access")) {
      if (access->value<std::string>() != std::optional<std::string>("anyone")) {
        bot.access = StringList(*access, where + ".access");
      }
    }
    if (auto policy = (*table)["link_policy"].value<std::string>()) bot.link_policy = *policy;
    config.bots.push_back(std::move(bot));
  }
}

void ApplyToml(Config& config, const std::filesystem::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError("--config " + file.string() + ": " + std::string(e.description()) + " at line " +
                      std::to_string(e.source().begin.line));
  }
  for (const auto& setting : Table()) {
    if (auto value = TomlValue(root, setting.info.toml_key)) {
      ApplyOne(config, setting, *value, setting.info.toml_key + " (in " + file.string() + ")");
    }
  }
  ApplyTomlBots(config, root, file.string());
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void CheckAuth(const Config& config) {
  const auto& a = config.auth;
  if (a.admin_email.empty() != a.admin_password.empty()) {
    throw ConfigError(a.admin_email.empty() ? "TGMUX_ADMIN_EMAIL: must be set together with TGMUX_ADMIN_PASSWORD"
                                            : "TGMUX_ADMIN_PASSWORD: must be set together with TGMUX_ADMIN_EMAIL");
  }
  if (!a.enabled && !IsLoopback(config.listen_host)) {
    throw ConfigError("TGMUX_AUTH=\"off\": allowed only when listening on loopback (TGMUX_LISTEN is " +
                      config.Listen() + ")");
  }
}

// The pinned libtdjson: beside an installed tgmux (`make install`, the image: <prefix>/bin/tgmux
// and <prefix>/lib/tgmux/libtdjson.so), else where scripts/install-deps put it for this build.
std::filesystem::path DefaultTdjson() {
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    auto installed = exe.parent_path().parent_path() / "lib" / "tgmux" / "libtdjson.so";
    if (std::filesystem::is_regular_file(installed, error)) return installed;
  }
  return TGMUX_TDJSON_DEFAULT;
}

Config LoadUnchecked(const Sources& sources) {
  Config config;
  config.tdjson_path = DefaultTdjson();
  config.telegram.application_version = TGMUX_VERSION;
  if (sources.toml_file) ApplyToml(config, *sources.toml_file);
  for (const auto& setting : Table()) {
    if (auto it = sources.env.find(setting.info.env); it != sources.env.end()) {
      ApplyOne(config, setting, it->second, setting.info.env);
    }
  }
  for (const auto& setting : Table()) {
    if (auto it = sources.flags.find(setting.info.env); it != sources.flags.end()) {
      ApplyOne(config, setting, it->second, setting.info.flag);
    }
  }
  if (config.telegram.api_id.has_value() != !config.telegram.api_hash.empty()) {
    throw ConfigError(config.telegram.api_id ? "TELEGRAM_API_HASH: must be set together with TELEGRAM_API_ID"
                                             : "TELEGRAM_API_ID: must be set together with TELEGRAM_API_HASH");
  }
  CheckAuth(config);
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    throw ConfigError(config.tls_cert.empty() ? "TGMUX_TLS_CERT: must be set together with TGMUX_TLS_KEY"
                                              : "TGMUX_TLS_KEY: must be set together with TGMUX_TLS_CERT");
  }
  return config;
}

}  // namespace

std::filesystem::path Config::DatabasePath() const {
  return sqlite_path.empty() ? data_dir / "tgmux.db" : sqlite_path;
}

std::string Config::Listen() const {
  return (listen_host.find(':') != std::string::npos ? "[" + listen_host + "]" : listen_host) + ":" +
         std::to_string(listen_port);
}

Config Load(const Sources& sources) {
  try {
    return LoadUnchecked(sources);
  } catch (const ConfigError& e) {
    throw ConfigError(OneLine(e.what()));
  }
}

void CheckEnvironment(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  auto probe = config.data_dir / ".write-test";
  {
    std::ofstream out(probe);
    if (ec || !out || !(out << "ok") || !out.flush()) {
      throw ConfigError("TGMUX_DATA_DIR=\"" + config.data_dir.string() + "\": directory cannot be written" +
                        (ec ? " (" + ec.message() + ")" : ""));
    }
  }
  std::filesystem::remove(probe, ec);
  if (!std::filesystem::is_regular_file(config.tdjson_path)) {
    throw ConfigError("TGMUX_TDJSON=\"" + config.tdjson_path.string() +
                      "\": no such file (run scripts/install-deps, or point it at a libtdjson.so)");
  }
  if (!config.web_dir.empty() && !std::filesystem::is_regular_file(config.web_dir / "index.html")) {
    throw ConfigError("TGMUX_WEB_DIR=\"" + config.web_dir.string() + "\": no index.html there (the repository's web/)");
  }
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string name = entry.substr(0, eq);
    if (name.rfind("TGMUX_", 0) == 0 || name.rfind("TELEGRAM_", 0) == 0) env[name] = entry.substr(eq + 1);
  }
  return env;
}

const std::vector<SettingInfo>& Settings() {
  static const std::vector<SettingInfo> infos = [] {
    std::vector<SettingInfo> out;
    for (const auto& s : Table()) out.push_back(s.info);
    return out;
  }();
  return infos;
}

}  // namespace tgmux::config
