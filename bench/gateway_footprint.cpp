// Memory of the real tgmux binary: idle, and with 100 TDLib clients of the real
// pinned library (offline: each phone login waits for a network that never answers).
//   ./build/gateway_footprint
#include <benchmark/benchmark.h>
#include <signal.h>

#include <thread>

#include "tests/support/tgmux_server.h"

namespace {

using tgmux::testing::RssKiB;
using tgmux::testing::TgmuxServer;

void GatewayFootprint(benchmark::State& state) {
  const int clients = static_cast<int>(state.range(0));
  long idle_kib = 0, loaded_kib = 0;
  double seconds = 0;
  for (auto _ : state) {
    TgmuxServer server({{"TELEGRAM_API_ID", "94575"},
                        {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
                        {"TGMUX_TELEGRAM_DEADLINE", "60"},
                        {"TGMUX_LIMIT_LOGINS_TENANT", "1000000/60"}});
    if (!server.Start() || server.SignInOwner().is_null()) {
      state.SkipWithError("tgmux did not start");
      return;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    idle_kib = RssKiB(server.process().pid());
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back([&server, i] {
        server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", "+1555100" + std::to_string(1000 + i)}});
      });
    }
    // Every client has started once the gauge counts them all; then let them settle.
    std::string needle = "tgmux_tdlib_clients{state=\"wait_phone_number\"} " + std::to_string(clients);
    while (server.http().Get("/metrics").body.find(needle) == std::string::npos &&
           std::chrono::steady_clock::now() - started < std::chrono::seconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    loaded_kib = RssKiB(server.process().pid());
    server.Stop(SIGTERM);
    for (auto& t : threads) t.join();
  }
  state.counters["idle_rss_MiB"] = idle_kib / 1024.0;
  state.counters["rss_MiB_with_clients"] = loaded_kib / 1024.0;
  state.counters["per_client_KiB"] = clients ? double(loaded_kib - idle_kib) / clients : 0;
  state.counters["seconds_to_start_clients"] = seconds;
}
BENCHMARK(GatewayFootprint)->Arg(100)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
