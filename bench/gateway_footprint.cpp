// Memory of the real tgmux binary with N idle offline TDLib clients of the real pinned
// library (issue #19, P4), against bare TDLib with the same N clients in one run:
//  1. tgmux: RSS growth from idle to N phone logins, each holding one TDLib client at
//     authorizationStateWaitPhoneNumber (offline, its phone number waits for a network
//     that never answers; the deadline is raised so that no login ends while measured);
//  2. bench/tdlib_bare: the same libtdjson loaded the same way, N clients started with
//     the same requests and sent a phone number too: RSS growth from loaded to ready.
// tgmux's own overhead per client = (tgmux growth - bare growth) / N, target <= 100 KiB.
//   ./build/gateway_footprint
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <thread>

#include "tests/support/build_paths.h"
#include "tests/support/tgmux_server.h"

namespace {

using tgmux::testing::Process;
using tgmux::testing::RssKiB;
using tgmux::testing::TempDir;
using tgmux::testing::TgmuxServer;
using Clock = std::chrono::steady_clock;

constexpr double kTargetKiB = 100;
constexpr auto kSettle = std::chrono::seconds(2);  // the measuring window: let allocations settle
const std::map<std::string, std::string> kApi = {{"TELEGRAM_API_ID", "94575"},
                                                 {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}};

struct Growth {
  long before_kib = 0, after_kib = 0;
  double seconds = 0;  // to start every client
  bool ok = false;
  long kib() const { return after_kib - before_kib; }
};

// tgmux keeps a socket per waiting POST and TDLib a binlog per client (about 2.1 descriptors
// per client in all), and this process a socket per POST: more than the usual soft limit of
// 1,024. Raises the soft limit to the hard one (the children inherit it); false when too low.
bool RaiseFileLimit(int clients) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  }
  return limit.rlim_cur >= static_cast<rlim_t>(3 * clients + 256);
}

// tgmux from idle to `clients` phone logins, each waiting at WaitPhoneNumber.
Growth MeasureTgmux(int clients) {
  Growth g;
  auto env = kApi;
  env["TGMUX_TDJSON"] = TGMUX_TDJSON_DEFAULT;
  env["TGMUX_TELEGRAM_DEADLINE"] = "600";  // the first step's answer never comes; no login may end meanwhile
  env["TGMUX_LIMIT_LOGINS_TENANT"] = "1000000/60";
  TgmuxServer server(env);
  if (!server.Start() || server.SignInOwner().is_null()) return g;
  std::this_thread::sleep_for(kSettle);
  g.before_kib = RssKiB(server.process().pid());
  auto started = Clock::now();
  // Each POST is answered only at the deadline (or when tgmux stops): one thread each.
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&server, i] {
      server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", "+1555100" + std::to_string(1000 + i)}});
    });
  }
  // Every client has started once the gauge counts them all.
  std::string needle = "tgmux_tdlib_clients{state=\"wait_phone_number\"} " + std::to_string(clients) + "\n";
  while (!(g.ok = server.http().Get("/metrics").body.find(needle) != std::string::npos) &&
         Clock::now() - started < std::chrono::seconds(120)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  g.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::this_thread::sleep_for(kSettle);
  g.after_kib = RssKiB(server.process().pid());
  server.Stop(SIGTERM);
  for (auto& t : threads) t.join();
  return g;
}

// bench/tdlib_bare from the library loaded to `clients` clients at WaitPhoneNumber.
Growth MeasureBare(int clients) {
  Growth g;
  TempDir dir;
  Process bare({tgmux::build_paths::kTdlibBare, TGMUX_TDJSON_DEFAULT, (dir.path() / "td").string(),
                std::to_string(clients)},
               kApi, dir.path());
  if (bare.WaitForOutput("loaded", std::chrono::seconds(30)).empty()) return g;
  std::this_thread::sleep_for(kSettle);
  g.before_kib = RssKiB(bare.pid());
  auto started = Clock::now();
  kill(bare.pid(), SIGUSR1);  // start the clients
  g.ok = !bare.WaitForOutput("ready", std::chrono::seconds(120)).empty();
  g.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::this_thread::sleep_for(kSettle);
  g.after_kib = RssKiB(bare.pid());
  bare.Stop(SIGTERM, std::chrono::seconds(60));
  return g;
}

void GatewayFootprint(benchmark::State& state) {
  const int clients = static_cast<int>(state.range(0));
  if (!RaiseFileLimit(clients)) {
    state.SkipWithError("the open-file limit (ulimit -Hn) is too low for this many clients");
    return;
  }
  Growth tgmux, bare;
  for (auto _ : state) {
    tgmux = MeasureTgmux(clients);
    bare = MeasureBare(clients);
  }
  if (!tgmux.ok || !bare.ok) {
    state.SkipWithError(!tgmux.ok ? "tgmux did not start every client in time" : "bare TDLib did not start every client in time");
    return;
  }
  double overhead_kib = static_cast<double>(tgmux.kib() - bare.kib()) / clients;
  state.counters["tgmux_idle_MiB"] = tgmux.before_kib / 1024.0;
  state.counters["tgmux_growth_MiB"] = tgmux.kib() / 1024.0;
  state.counters["bare_growth_MiB"] = bare.kib() / 1024.0;
  state.counters["overhead_KiB_per_client"] = overhead_kib;
  state.counters["tgmux_start_s"] = tgmux.seconds;
  std::printf("%d idle offline clients: tgmux %.1f -> %.1f MiB (+%.1f), bare TDLib %.1f -> %.1f MiB (+%.1f); "
              "tgmux's own overhead %.1f KiB per client  | target <= %.0f KiB: %s\n",
              clients, tgmux.before_kib / 1024.0, tgmux.after_kib / 1024.0, tgmux.kib() / 1024.0,
              bare.before_kib / 1024.0, bare.after_kib / 1024.0, bare.kib() / 1024.0, overhead_kib, kTargetKiB,
              overhead_kib <= kTargetKiB ? "met" : "NOT met");
  std::fflush(stdout);
}
BENCHMARK(GatewayFootprint)->Arg(1000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
