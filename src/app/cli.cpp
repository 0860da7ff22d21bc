#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <set>

#include "app/client_commands.h"
#include "app/migrate_command.h"
#include "app/rotate_command.h"
#include "app/serve.h"
#include "config/config.h"

namespace tgmux::app {
namespace {

// The flags of the settings (every one when `only` is empty).
void AddSettingFlags(CLI::App& command, std::map<std::string, std::string>& flags,
                     const std::set<std::string>& only = {}) {
  for (const auto& setting : config::Settings()) {
    if (setting.flag.empty() || (!only.empty() && !only.contains(setting.env))) continue;
    command.add_option_function<std::string>(
        setting.flag, [&flags, env = setting.env](const std::string& value) { flags[env] = value; },
        setting.help + " [" + setting.env + "]");
  }
}

}  // namespace

int Main(int argc, char** argv) {
  // Signals are taken by one thread with sigwait; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // `serve`: reload the TLS files
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  CLI::App app{"tgmux: a self-hosted gateway for personal Telegram accounts"};
  app.require_subcommand(1);
  config::Sources sources;
  std::string config_file;
  auto* serve = app.add_subcommand("serve", "start the gateway (HTTP API, TDLib clients)");
  serve->add_option("--config", config_file, "TOML configuration file");
  AddSettingFlags(*serve, sources.flags);
  auto* version = app.add_subcommand("version", "print the version");
  ClientOptions client;
  if (const char* url = std::getenv("TGMUX_URL")) client.url = url;
  if (const char* token = std::getenv("TGMUX_TOKEN")) client.token = token;
  auto* login = app.add_subcommand("login", "link a Telegram account through a running tgmux (interactive)");
  login->add_option("--url", client.url, "tgmux to talk to [TGMUX_URL] (http://127.0.0.1:8080)");
  login->add_option("--phone", client.phone, "phone number (asked when missing)");
  login->add_flag("--qr", client.qr, "log in by scanning a QR code instead");
  login->add_option("--token", client.token, "access token or API key (admin) [TGMUX_TOKEN]");
  auto* accounts = app.add_subcommand("accounts", "list the linked accounts of a running tgmux");
  accounts->add_option("--url", client.url, "tgmux to talk to [TGMUX_URL] (http://127.0.0.1:8080)");
  accounts->add_option("--token", client.token, "access token or API key [TGMUX_TOKEN]");
  MigrateOptions migrate_options;
  auto* migrate = app.add_subcommand(
      "migrate", "copy a stopped tgmux's SQLite database into a new, empty PostgreSQL database (README: Moving to "
                 "PostgreSQL)");
  migrate->add_option("--from", migrate_options.from, "sqlite:PATH of the database to copy (opened read-only)")
      ->required();
  migrate->add_option("--to", migrate_options.to, "postgres://... (or postgresql://..., or libpq's key=value form) "
                                                  "of the new database; it must hold no tgmux data")
      ->required();
  RotateOptions rotate_options;
  auto* rotate = app.add_subcommand(
      "rotate-master-key", "re-seal every secret in the store under a new master key, with tgmux stopped (README: "
                           "Rotating the master key)");
  rotate->add_option("--new-key-file", rotate_options.new_key_file,
                     "file holding the new key: base64 of 32 random bytes, mode 0600")
      ->required();
  rotate->add_option("--config", config_file, "TOML configuration file (the one tgmux serve uses)");
  AddSettingFlags(*rotate, sources.flags, {"TGMUX_DATA_DIR", "TGMUX_STORE"});
  // For tests: stop after N batches as a crash would, and small batches.
  rotate->add_option("--stop-after-batches", rotate_options.stop_after_batches)->group("");
  rotate->add_option("--batch-rows", rotate_options.batch_rows)->group("")->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (migrate->parsed()) return MigrateCommand(migrate_options);
  if (login->parsed()) return LoginCommand(client);
  if (accounts->parsed()) return AccountsCommand(client);
  if (version->parsed()) {
    std::cout << "tgmux " << TGMUX_VERSION << "\n";
    return 0;
  }
  try {
    if (!config_file.empty()) sources.toml_file = config_file;
    sources.env = config::ProcessEnvironment();
    auto config = config::Load(sources);
    if (rotate->parsed()) return RotateMasterKeyCommand(config, rotate_options);
    return Serve(config, signals);
  } catch (const config::ConfigError& e) {
    std::cerr << "tgmux: config error: " << e.what() << std::endl;
    return 2;
  }
}

}  // namespace tgmux::app
