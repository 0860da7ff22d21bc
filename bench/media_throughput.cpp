// Media through the whole path: multipart upload → sealed spool → outbox →
// clear copy → the simulator (which reads the file from disk, as TDLib does)
// → sent. Prints uploads per second and MiB/s for 100 KiB and 10 MiB files
// (each POST waits for `sent`), and tgmux's resident memory while 50 clients
// upload 10 MiB each at once (the goal: it grows by less than 64 MiB).
//   ./build/media_throughput
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/media_files.h"
#include "tests/support/tgmux_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using tgmux::testing::TgmuxServer;

constexpr int kRecipients = 8;

std::string Phone(int i) { return "+1555600" + std::to_string(1000 + i); }

struct Setup {
  tgsim::testing::TgsimProcess sim{TGSIM_BINARY};
  std::unique_ptr<TgmuxServer> server;
  std::string account;

  bool Start() {
    for (int i = 0; i <= kRecipients; ++i) sim.Control("POST", "/users", {{"phone", Phone(i)}, {"first_name", "Load"}});
    server = std::make_unique<TgmuxServer>(std::map<std::string, std::string>{
        {"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim.address()}, {"TELEGRAM_API_ID", "94575"},
        {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}, {"TGMUX_OUTBOX_CHAT_INTERVAL", "0"},
        {"TGMUX_OUTBOX_GROUP_PER_MINUTE", "0"}, {"TGMUX_LOG_LEVEL", "warn"}, {"TGMUX_MAX_UPLOAD", "64MiB"}});
    if (!server->Start() || server->SignInOwner().is_null()) return false;
    auto started = server->http().Post("/v1/logins", {{"method", "phone"}, {"phone", Phone(0)}});
    if (started.status != 201) return false;
    std::string code = sim.Control("GET", "/users/" + Phone(0) + "/code").body.value("code", "");
    auto done = server->http().Post("/v1/logins/" + started.Json()["id"].get<std::string>() + "/code", {{"code", code}});
    account = done.status == 200 ? done.Json()["account"].value("id", "") : "";
    return !account.empty();
  }

  // One upload of `bytes` as a document; true once it is sent (wait) or queued.
  bool Upload(int i, const std::string& bytes, bool wait) {
    auto form = tgmux::testing::BuildMultipart({{"to", Phone(1 + i % kRecipients)}, {"text", "file " + std::to_string(i)}},
                                               {{"file", "f" + std::to_string(i) + ".bin", "", bytes}});
    auto answer = server->http().Request("POST", "/v1/accounts/" + account + "/messages" + (wait ? "?wait=120" : ""),
                                         form.body, {{"Content-Type", form.content_type}});
    if (!wait) return answer.status == 202;
    return answer.status == 200 && answer.Json().value("state", "") == "sent";
  }
};

// Runs `n` uploads from `clients` threads; returns how many ended as wanted.
int UploadAll(Setup& setup, const std::string& bytes, int n, int clients, bool wait) {
  std::atomic<int> next{0}, ok{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) ok += setup.Upload(i, bytes, wait) ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  return ok;
}

void UploadThroughput(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0)) * 1024;
  const int n = static_cast<int>(state.range(1));
  const int clients = static_cast<int>(state.range(2));
  const std::string bytes = tgmux::testing::PatternBytes(size, 7);
  int sent = 0;
  double seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Setup setup;
    if (!setup.Start()) return state.SkipWithError("tgmux did not start or the account did not link");
    state.ResumeTiming();
    auto started = Clock::now();
    sent = UploadAll(setup, bytes, n, clients, true);
    seconds = std::chrono::duration<double>(Clock::now() - started).count();
  }
  if (sent != n) state.SkipWithError("not every upload ended sent");
  state.counters["uploads"] = sent;
  state.counters["uploads_per_s"] = sent / seconds;
  state.counters["MiB_per_s"] = static_cast<double>(size) * sent / (1 << 20) / seconds;
}
// {file KiB, uploads, concurrent clients}
BENCHMARK(UploadThroughput)->Args({100, 400, 16})->Args({10 * 1024, 30, 4})
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// tgmux's RSS before, and at most while, 50 clients upload 10 MiB each at once.
void UploadMemory(benchmark::State& state) {
  constexpr int kClients = 50;
  const std::string bytes = tgmux::testing::PatternBytes(10 << 20, 11);
  long before = 0, peak = 0;
  int queued = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Setup setup;
    if (!setup.Start()) return state.SkipWithError("tgmux did not start or the account did not link");
    const pid_t pid = setup.server->process().pid();
    before = tgmux::testing::RssKiB(pid);
    state.ResumeTiming();
    std::atomic<bool> done{false};
    std::thread sampler([&] {
      while (!done) {
        peak = std::max(peak, tgmux::testing::RssKiB(pid));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    queued = UploadAll(setup, bytes, kClients, kClients, false);
    done = true;
    sampler.join();
  }
  if (queued != kClients) state.SkipWithError("not every upload was accepted");
  state.counters["rss_before_MiB"] = before / 1024.0;
  state.counters["rss_peak_MiB"] = peak / 1024.0;
  state.counters["rss_growth_MiB"] = (peak - before) / 1024.0;
}
BENCHMARK(UploadMemory)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
