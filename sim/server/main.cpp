// tgsim: the simulated Telegram cloud. See docs/simulator.md.
#include <csignal>
#include <fstream>
#include <iostream>
#include <string>

#include "sim/server/server.h"

namespace {

struct Flags {
  int port = 7780;
  double qr_period = 30;
  std::string state_file;
};

bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    try {
      if (arg == "--port") flags.port = std::stoi(value());
      else if (arg == "--qr-period") flags.qr_period = std::stod(value());
      else if (arg == "--state") flags.state_file = value();
      else return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return flags.port >= 0 && flags.port < 65536 && flags.qr_period > 0;
}

void SaveState(tgsim::World& world, const std::string& path) {
  std::ofstream out(path + ".tmp");
  out << world.cloud().ToJson().dump();
  out.close();
  std::rename((path + ".tmp").c_str(), path.c_str());
}

void SaveEverySecond(tgsim::Scheduler& scheduler, tgsim::World& world, const std::string& path) {
  scheduler.After(1, [&scheduler, &world, path] {
    SaveState(world, path);
    SaveEverySecond(scheduler, world, path);
  });
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, flags)) {
    std::cerr << "usage: tgsim --port P [--qr-period SECONDS] [--state FILE]\n";
    return 2;
  }
  boost::asio::io_context io(1);
  tgsim::AsioScheduler scheduler(io);
  tgsim::World world(scheduler, tgsim::WorldOptions{flags.qr_period});
  if (!flags.state_file.empty()) {
    std::ifstream in(flags.state_file);
    tgsim::Json state = in ? tgsim::Json::parse(in, nullptr, false) : tgsim::Json();
    if (state.is_object()) world.cloud().FromJson(state);
    SaveEverySecond(scheduler, world, flags.state_file);
  }
  std::uint16_t port = 0;
  try {
    port = tgsim::StartServer(io, world, static_cast<std::uint16_t>(flags.port));
  } catch (const std::exception& e) {
    std::cerr << "tgsim: cannot listen on 127.0.0.1:" << flags.port << ": " << e.what() << "\n";
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    if (!flags.state_file.empty()) SaveState(world, flags.state_file);
    io.stop();
  });
  std::cout << "tgsim listening on 127.0.0.1:" << port << std::endl;
  io.run();
  return 0;
}
