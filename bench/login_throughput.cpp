// N phone logins at once through one tgmux against the simulator: each POSTs a
// login, reads its code from the simulated world and submits it. Prints the
// wall time for all of them and tgmux's resident memory afterwards.
//   ./build/login_throughput
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

#include "tests/support/tgmux_server.h"
#include "sim/testing/tgsim_process.h"

namespace {

using tgmux::testing::TgmuxServer;

std::string Phone(int i) { return "+1555300" + std::to_string(1000 + i); }

bool LinkOne(TgmuxServer& server, const tgsim::testing::TgsimProcess& sim, int i) {
  auto started = server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", Phone(i)}});
  if (started.status != 201) return false;
  std::string id = started.Json()["id"];
  std::string code = sim.Control("GET", "/users/" + Phone(i) + "/code").body.value("code", "");
  auto done = server.http().Post("/v1/logins/" + id + "/code", {{"code", code}});
  return done.status == 200 && done.Json()["state"] == "done";
}

void ConcurrentLogins(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::atomic<int> linked{0};
  double seconds = 0;
  long rss_kib = 0;
  for (auto _ : state) {
    state.PauseTiming();
    tgsim::testing::TgsimProcess sim(TGSIM_BINARY);
    for (int i = 0; i < n; ++i) sim.Control("POST", "/users", {{"phone", Phone(i)}, {"first_name", "Load"}});
    TgmuxServer server({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim.address()},
                        {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
                        {"TGMUX_LIMIT_LOGINS_TENANT", "1000000/60"}});
    if (!server.Start() || server.SignInOwner().is_null()) {
      state.SkipWithError("tgmux did not start");
      return;
    }
    state.ResumeTiming();
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] { linked += LinkOne(server, sim, i) ? 1 : 0; });
    }
    for (auto& t : threads) t.join();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    rss_kib = tgmux::testing::RssKiB(server.process().pid());
  }
  if (linked != n) state.SkipWithError("not every login finished");
  state.counters["logins_done"] = linked.load();
  state.counters["seconds_for_all"] = seconds;
  state.counters["logins_per_s"] = n / seconds;
  state.counters["tgmux_rss_MiB"] = rss_kib / 1024.0;
}
BENCHMARK(ConcurrentLogins)->Arg(200)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
