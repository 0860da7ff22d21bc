#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/build_paths.h"
#include "tests/support/process.h"

namespace tgmux::config {
namespace {

Sources FromEnv(std::map<std::string, std::string> env) {
  Sources sources;
  sources.env = std::move(env);
  return sources;
}

Sources FromFile(const std::filesystem::path& file) {
  Sources sources;
  sources.toml_file = file;
  return sources;
}

std::string ErrorOf(const Sources& sources) {
  try {
    Load(sources);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, DefaultsServeLoopbackWithSqliteUnderData) {
  Config config = Load({});
  EXPECT_EQ(config.Listen(), "127.0.0.1:8080");
  EXPECT_EQ(config.DatabasePath(), std::filesystem::path("data") / "tgmux.db");
  EXPECT_EQ(config.tdjson_path, TGMUX_TDJSON_DEFAULT);
  EXPECT_FALSE(config.telegram.Configured());
  EXPECT_EQ(config.telegram.deadline_seconds, 30);
  EXPECT_EQ(config.store_sync, "full");  // a write acknowledged is on disk
  EXPECT_EQ(Load(FromEnv({{"TGMUX_STORE_SYNC", "normal"}})).store_sync, "normal");
}

TEST(ConfigTest, BadValuesNameTheSettingAndTheProblem) {
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_LISTEN", "nonsense"}})),
            "TGMUX_LISTEN=\"nonsense\": expected HOST:PORT such as 127.0.0.1:8080");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_LISTEN", "127.0.0.1:99999"}})),
            "TGMUX_LISTEN=\"127.0.0.1:99999\": expected HOST:PORT with a port from 0 to 65535");
  EXPECT_EQ(ErrorOf(FromEnv({{"TELEGRAM_API_ID", "abc"}})), "TELEGRAM_API_ID=\"abc\": expected an integer");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_LOG_FORMAT", "xml"}})), "TGMUX_LOG_FORMAT=\"xml\": expected one of text|json");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_STORE_SYNC", "off"}})), "TGMUX_STORE_SYNC=\"off\": expected one of full|normal");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_TELEGRAM_DEADLINE", "-1"}})),
            "TGMUX_TELEGRAM_DEADLINE=\"-1\": expected a number of seconds greater than 0 and at most 86400");
  // Never shown: a PostgreSQL connection string may hold a password.
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_STORE", "mysql://u:pw@x"}})),
            "TGMUX_STORE=(hidden): expected sqlite:PATH, postgres://USER:PASSWORD@HOST:PORT/DB or libpq's key=value "
            "form");
}

TEST(ConfigTest, SecretsAreNotEchoedInErrors) {
  std::string error = ErrorOf(FromEnv({{"TELEGRAM_API_ID", "1"}, {"TELEGRAM_API_HASH", "secret-value"}}));
  EXPECT_NE(error.find("TELEGRAM_API_HASH"), std::string::npos);
  EXPECT_EQ(error.find("secret-value"), std::string::npos);
}

TEST(ConfigTest, ApiIdAndHashComeTogether) {
  EXPECT_EQ(ErrorOf(FromEnv({{"TELEGRAM_API_ID", "12345"}})),
            "TELEGRAM_API_HASH: must be set together with TELEGRAM_API_ID");
  Config config = Load(FromEnv({{"TELEGRAM_API_ID", "12345"}, {"TELEGRAM_API_HASH", std::string(32, 'a')}}));
  EXPECT_TRUE(config.telegram.Configured());
  EXPECT_EQ(*config.telegram.api_id, 12345);
}

TEST(ConfigTest, FlagsBeatEnvironmentWhichBeatsTheFile) {
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "listen = \"127.0.0.1:7001\"\nlog_level = \"debug\"\ndata_dir = \"/tmp/from-file\"\n"
                         "[telegram]\ndevice_model = \"FileModel\"\ndeadline = 5\n";
  Sources sources = FromFile(file);
  sources.env = {{"TGMUX_LISTEN", "127.0.0.1:7002"}, {"TGMUX_LOG_LEVEL", "warn"}};
  sources.flags = {{"TGMUX_LISTEN", "127.0.0.1:7003"}};
  Config config = Load(sources);
  EXPECT_EQ(config.listen_port, 7003);
  EXPECT_EQ(config.log_level, "warn");
  EXPECT_EQ(config.data_dir, "/tmp/from-file");
  EXPECT_EQ(config.telegram.device_model, "FileModel");
  EXPECT_EQ(config.telegram.deadline_seconds, 5);
}

TEST(ConfigTest, CompatSurfacesAndCorsOriginsFromEnvironmentOrTomlLists) {
  Config defaults = Load({});
  EXPECT_TRUE(defaults.compat.empty());
  EXPECT_TRUE(defaults.cors_origins.empty());
  Config env = Load(FromEnv({{"TGMUX_COMPAT", "user-api, multi-profile"},
                             {"TGMUX_CORS_ORIGINS", "http://127.0.0.1:5173,https://crm.example.com"}}));
  EXPECT_EQ(env.compat, (std::vector<std::string>{"user-api", "multi-profile"}));
  EXPECT_EQ(env.cors_origins, (std::vector<std::string>{"http://127.0.0.1:5173", "https://crm.example.com"}));
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "compat = [\"personal-accounts\"]\ncors_origins = [\"http://[::1]:5173\"]\n";
  Config toml = Load(FromFile(file));
  EXPECT_EQ(toml.compat, (std::vector<std::string>{"personal-accounts"}));
  EXPECT_EQ(toml.cors_origins, (std::vector<std::string>{"http://[::1]:5173"}));

  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_COMPAT", "personal"}})).find("unknown surface \"personal\""), std::string::npos);
  for (const char* bad : {"*", "http://a.example/", "http://a.example/path", "a.example", "ftp://a.example",
                          "http://A.example"}) {
    EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_CORS_ORIGINS", bad}})).find("TGMUX_CORS_ORIGINS"), std::string::npos) << bad;
  }
}

TEST(ConfigTest, BadFileValueNamesTheKeyAndFile) {
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "[telegram]\napi_id = \"abc\"\n";
  std::string error = ErrorOf(FromFile(file));
  EXPECT_NE(error.find("telegram.api_id (in " + file.string() + ")"), std::string::npos) << error;
  std::ofstream(file) << "listen = \n";
  EXPECT_NE(ErrorOf(FromFile(file)).find("--config " + file.string()), std::string::npos);
}

// Found by fuzz/config: a value's newline made the one-line message two lines.
TEST(ConfigTest, AnErrorIsOneLineWhateverTheValueHolds) {
  std::string error = ErrorOf(FromEnv({{"TGMUX_CORS_ORIGINS", "http://a.example\nhttp://b.example\x01"}}));
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  EXPECT_NE(error.find("http://a.example\\nhttp://b.example\\x01"), std::string::npos) << error;
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "log_level = \"info\\ndebug\"\n";
  error = ErrorOf(FromFile(file));
  EXPECT_NE(error.find("log_level (in "), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

// 17179869185G is 2^64 + 1 GiB bytes: shifted in 64 bits it wrapped to 1 GiB and was accepted.
TEST(ConfigTest, ASizeTooLargeToHoldIsRefusedNotWrapped) {
  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_MAX_UPLOAD", "17179869185G"}})).find("TGMUX_MAX_UPLOAD"), std::string::npos);
  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_FILE_CACHE", "17179870208G"}})).find("TGMUX_FILE_CACHE"), std::string::npos);
  EXPECT_EQ(Load(FromEnv({{"TGMUX_MAX_UPLOAD", "4G"}})).max_upload_bytes, 4ull << 30);
}

// Found by fuzz/config (UBSan): toml++'s value<int64_t>() cast a float such as
// 9.5e46 to int64 before checking its range; floats are now read as floats.
TEST(ConfigTest, FloatsInTheFileAreReadAsFloats) {
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "login_timeout = 9.5e46\n";
  EXPECT_NE(ErrorOf(FromFile(file)).find("login_timeout (in "), std::string::npos);
  std::ofstream(file) << "login_timeout = 600.5\nqr_timeout = 120.0\n";
  auto config = Load(FromFile(file));
  EXPECT_EQ(config.login_timeout_seconds, 600.5);
  EXPECT_EQ(config.qr_timeout_seconds, 120.0);
}

// Found by fuzz/config (UBSan) in a list: a float such as 4.21e22 among a
// bot's features went through the same unchecked cast.
TEST(ConfigTest, AFloatInAListOfStringsIsRefused) {
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "[[bots]]\ntoken = \"123456:ABCdef\"\nfeatures = [\"accounts\", 4.21e22]\n";
  EXPECT_NE(ErrorOf(FromFile(file)).find("expected strings"), std::string::npos) << ErrorOf(FromFile(file));
  std::ofstream(file) << "[[bots]]\ntoken = \"123456:ABCdef\"\nfeatures = [\"accounts\"]\naccess = [42, \"@ann\"]\n";
  EXPECT_EQ(ErrorOf(FromFile(file)), "");
}

TEST(ConfigTest, UnwritableDataDirectoryAndMissingLibraryAreRefused) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "a-file") << "x";
  Config config;
  config.tdjson_path = TGMUX_TDJSON_DEFAULT;
  config.data_dir = dir.path() / "a-file" / "data";
  try {
    CheckEnvironment(config);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("TGMUX_DATA_DIR"), std::string::npos);
  }
  config.data_dir = dir.path() / "data";
  config.tdjson_path = dir.path() / "missing.so";
  try {
    CheckEnvironment(config);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("TGMUX_TDJSON"), std::string::npos);
  }
}

TEST(ConfigTest, AuthSettingsHaveSafeDefaultsAndAreChecked) {
  Config config = Load({});
  EXPECT_TRUE(config.auth.enabled);
  EXPECT_EQ(config.auth.registration, "invite");
  EXPECT_EQ(config.auth.access_ttl_seconds, 900);
  EXPECT_EQ(config.auth.refresh_ttl_seconds, 30 * 86400);
  auto limited = Load(FromEnv({{"TGMUX_LIMIT_FAILED_LOGINS_EMAIL", "3/60"}, {"TGMUX_REFRESH_TOKEN_TTL", "2"}}));
  EXPECT_EQ(limited.auth.failed_logins_per_email.count, 3);
  EXPECT_EQ(limited.auth.failed_logins_per_email.window_seconds, 60);
  EXPECT_EQ(limited.auth.refresh_ttl_seconds, 2);
  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_LIMIT_FAILED_LOGINS_IP", "5"}})).find("COUNT/SECONDS"), std::string::npos);
  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_REGISTRATION", "closed"}})).find("open|invite"), std::string::npos);
  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_AUTH", "off"}, {"TGMUX_LISTEN", "0.0.0.0:8080"}})).find("loopback"),
            std::string::npos);
  EXPECT_FALSE(Load(FromEnv({{"TGMUX_AUTH", "off"}, {"TGMUX_LISTEN", "127.0.0.1:0"}})).auth.enabled);
  EXPECT_NE(ErrorOf(FromEnv({{"TGMUX_ADMIN_EMAIL", "a@b.c"}})).find("TGMUX_ADMIN_PASSWORD"), std::string::npos);
  // Secrets are never echoed in errors.
  auto short_password = ErrorOf(FromEnv({{"TGMUX_ADMIN_EMAIL", "a@b.c"}, {"TGMUX_ADMIN_PASSWORD", "tiny-pw"}}));
  EXPECT_EQ(short_password.find("tiny-pw"), std::string::npos) << short_password;
  auto short_secret = ErrorOf(FromEnv({{"TGMUX_JWT_SECRET", "short-secret"}}));
  EXPECT_NE(short_secret.find("32"), std::string::npos);
  EXPECT_EQ(short_secret.find("short-secret"), std::string::npos);
}

TEST(ConfigTest, OutboxPacingHasSafeDefaultsAndZeroTurnsItOff) {
  Config defaults = Load({});
  EXPECT_EQ(defaults.outbox_chat_interval_seconds, 1);
  EXPECT_EQ(defaults.outbox_group_per_minute, 20);
  Config off = Load(FromEnv({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}, {"TGMUX_OUTBOX_GROUP_PER_MINUTE", "0"}}));
  EXPECT_EQ(off.outbox_chat_interval_seconds, 0);
  EXPECT_EQ(off.outbox_group_per_minute, 0);
  EXPECT_EQ(Load(FromEnv({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.25"}})).outbox_chat_interval_seconds, 0.25);
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_OUTBOX_CHAT_INTERVAL", "-1"}})),
            "TGMUX_OUTBOX_CHAT_INTERVAL=\"-1\": expected a number of seconds from 0 to 86400");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_OUTBOX_GROUP_PER_MINUTE", "many"}})),
            "TGMUX_OUTBOX_GROUP_PER_MINUTE=\"many\": expected an integer");
}

TEST(ConfigTest, HealthMonitorAndLimitedHours) {
  Config defaults = Load({});
  EXPECT_EQ(defaults.monitor_interval_seconds, 60);
  EXPECT_EQ(defaults.limited_hours, 24);
  Config set = Load(FromEnv({{"TGMUX_MONITOR_INTERVAL", "0.5"}, {"TGMUX_LIMITED_HOURS", "0.25"}}));
  EXPECT_EQ(set.monitor_interval_seconds, 0.5);
  EXPECT_EQ(set.limited_hours, 0.25);
  EXPECT_EQ(Load(FromEnv({{"TGMUX_MONITOR_INTERVAL", "0"}})).monitor_interval_seconds, 0);
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_LIMITED_HOURS", "0"}})),
            "TGMUX_LIMITED_HOURS=\"0\": expected a number of hours greater than 0 and at most 8760");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_MONITOR_INTERVAL", "soon"}})),
            "TGMUX_MONITOR_INTERVAL=\"soon\": expected a number of seconds from 0 to 86400");
  testing::TempDir dir;
  auto file = dir.path() / "tgmux.toml";
  std::ofstream(file) << "[health]\nmonitor_interval = 30\nlimited_hours = 12\n";
  Config from_file = Load(FromFile(file));
  EXPECT_EQ(from_file.monitor_interval_seconds, 30);
  EXPECT_EQ(from_file.limited_hours, 12);
}

TEST(ConfigTest, MediaFetchIsOffByDefaultAndItsAllowListIsChecked) {
  Config defaults = Load({});
  EXPECT_FALSE(defaults.media_fetch.enabled);
  EXPECT_EQ(defaults.media_fetch.timeout_seconds, 30);
  EXPECT_TRUE(defaults.media_fetch.allow.empty());
  Config on = Load(FromEnv({{"TGMUX_MEDIA_FETCH", "on"},
                            {"TGMUX_MEDIA_FETCH_TIMEOUT", "5"},
                            {"TGMUX_MEDIA_FETCH_ALLOW", "127.0.0.1/32, ::1/128,10.1.2.3"}}));
  EXPECT_TRUE(on.media_fetch.enabled);
  EXPECT_EQ(on.media_fetch.timeout_seconds, 5);
  EXPECT_EQ(on.media_fetch.allow, (std::vector<std::string>{"127.0.0.1/32", "::1/128", "10.1.2.3"}));
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_MEDIA_FETCH", "yes"}})),
            "TGMUX_MEDIA_FETCH=\"yes\": expected one of on|off|true|false");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_MEDIA_FETCH_ALLOW", "localhost"}})),
            "TGMUX_MEDIA_FETCH_ALLOW=\"localhost\": expected comma-separated CIDRs such as 127.0.0.1/32 or ::1/128");
  EXPECT_EQ(ErrorOf(FromEnv({{"TGMUX_MEDIA_FETCH_ALLOW", "127.0.0.1/33"}})),
            "TGMUX_MEDIA_FETCH_ALLOW=\"127.0.0.1/33\": \"127.0.0.1/33\": the prefix length must be 0..32");
}

}  // namespace
}  // namespace tgmux::config
