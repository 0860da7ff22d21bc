#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "app/serve.h"
#include "config/config.h"

namespace tgmux::app {
namespace {

void AddSettingFlags(CLI::App& command, std::map<std::string, std::string>& flags) {
  for (const auto& setting : config::Settings()) {
    if (setting.flag.empty()) continue;
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
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  CLI::App app{"tgmux: a self-hosted gateway for personal Telegram accounts"};
  app.require_subcommand(1);
  config::Sources sources;
  std::string config_file;
  auto* serve = app.add_subcommand("serve", "start the gateway (HTTP API, TDLib clients)");
  serve->add_option("--config", config_file, "TOML configuration file");
  AddSettingFlags(*serve, sources.flags);
  auto* version = app.add_subcommand("version", "print the version");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (version->parsed()) {
    std::cout << "tgmux " << TGMUX_VERSION << "\n";
    return 0;
  }
  try {
    if (!config_file.empty()) sources.toml_file = config_file;
    sources.env = config::ProcessEnvironment();
    auto config = config::Load(sources);
    return Serve(config, signals);
  } catch (const config::ConfigError& e) {
    std::cerr << "tgmux: config error: " << e.what() << std::endl;
    return 2;
  }
}

}  // namespace tgmux::app
