// Sends through the whole outbox: POST /v1/accounts/{id}/messages?wait=60 →
// durable row → the account's sender → the simulator → state sent, with
// pacing off. Clients send concurrently to several recipients; prints sends
// per second and the latency from POST to `sent` (p50, p99, max).
//   ./build/send_throughput
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/phone_link.h"
#include "tests/support/tgmux_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using tgmux::testing::LinkByPhone;
using tgmux::testing::TgmuxServer;

constexpr int kClients = 32;     // concurrent HTTP clients, each waiting for its send
constexpr int kRecipients = 16;  // chats the sends are spread over

std::string Phone(int i) { return "+1555400" + std::to_string(1000 + i); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

// Sends `n` messages from `clients` threads; returns each one's milliseconds
// from POST to sent (failed or unanswered ones are not counted).
std::vector<double> SendAll(TgmuxServer& server, const std::string& account, int n) {
  std::vector<double> latencies;
  std::mutex mutex;
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        nlohmann::json body = {{"to", Phone(1 + i % kRecipients)}, {"text", "bench " + std::to_string(i)}};
        auto started = Clock::now();
        auto answer = server.http().Request("POST", "/v1/accounts/" + account + "/messages?wait=60", body.dump());
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        if (answer.status != 200 || answer.Json().value("state", "") != "sent") continue;
        std::lock_guard lock(mutex);
        latencies.push_back(ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  return latencies;
}

void SendThroughput(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<double> latencies;
  double seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    tgsim::testing::TgsimProcess sim(TGSIM_BINARY);
    for (int i = 0; i <= kRecipients; ++i) sim.Control("POST", "/users", {{"phone", Phone(i)}, {"first_name", "Load"}});
    TgmuxServer server({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim.address()},
                        {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
                        {"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}, {"TGMUX_OUTBOX_GROUP_PER_MINUTE", "0"},
                        {"TGMUX_LOG_LEVEL", "warn"}});
    std::string account;
    if (!server.Start() || server.SignInOwner().is_null() || (account = LinkByPhone(server, sim, Phone(0))).empty()) {
      state.SkipWithError("tgmux did not start or the account did not link");
      return;
    }
    state.ResumeTiming();
    auto started = Clock::now();
    latencies = SendAll(server, account, n);
    seconds = std::chrono::duration<double>(Clock::now() - started).count();
  }
  if (static_cast<int>(latencies.size()) != n) state.SkipWithError("not every send ended sent");
  state.counters["sent"] = static_cast<double>(latencies.size());
  state.counters["sends_per_s"] = static_cast<double>(latencies.size()) / seconds;
  state.counters["p50_ms"] = Percentile(latencies, 0.50);
  state.counters["p99_ms"] = Percentile(latencies, 0.99);
  state.counters["max_ms"] = Percentile(latencies, 1.0);
}
BENCHMARK(SendThroughput)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
