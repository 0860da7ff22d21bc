// Events end to end: simulated people send N messages to one linked account
// (Ann) through tgsim's control API, from a few threads at once, while one SSE
// consumer reads /v1/events/stream. Per message: the time from the control
// call returning to its message.received event arriving over SSE. Prints
// events/s over the whole run, p50/p99/max of that latency, and tgmux's RSS.
//   ./build/event_throughput [N]   (N messages, 2000 by default)
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

#include "bench/event_world.h"

namespace {

using namespace bench_events;
using tgmux::testing::SseClient;

constexpr int kSenders = 3;
constexpr const char* kMarker = "bench-msg-";
constexpr const char* kWarmUp = "bench-warm-";
int g_messages = 2000;

bool SendMessage(const World& w, int sender, const std::string& text) {
  return bench_events::SendMessage(w, Phone(sender + 1), Phone(0), text);
}

// Sends messages 0..n-1 from kSenders threads (message i from sender i % kSenders).
std::thread SendAll(const World& w, std::vector<Clock::time_point>& returned, std::atomic<int>& failed) {
  return std::thread([&w, &returned, &failed] {
    std::vector<std::thread> senders;
    for (int s = 0; s < kSenders; ++s) {
      senders.emplace_back([&, s] {
        for (std::size_t i = s; i < returned.size(); i += kSenders) {
          if (!SendMessage(w, s, kMarker + std::to_string(i))) ++failed;
          returned[i] = Clock::now();
        }
      });
    }
    for (auto& t : senders) t.join();
  });
}

void EventThroughput(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  World w;
  if (!StartWorld(w, 1 + kSenders, 1)) return state.SkipWithError("tgmux, tgsim or Ann's login did not start");
  SseClient sse;
  std::string target = "/v1/events/stream?types=message.received&account_id=" + w.accounts[0];
  if (!sse.Connect(w.server->port(), target, w.Auth())) {
    return state.SkipWithError(("SSE refused: " + std::to_string(sse.status()) + " " + sse.body()).c_str());
  }
  auto next = [&sse](std::chrono::milliseconds t) {
    auto event = sse.NextEvent(t);
    return event ? event->json() : nlohmann::json();
  };
  // One message from each sender first: the stream works, and Ann's chats with them exist.
  std::vector<Clock::time_point> warm(kSenders), returned(n), arrived(n);
  for (int s = 0; s < kSenders; ++s) SendMessage(w, s, kWarmUp + std::to_string(s));
  if (ReceiveAll(next, kWarmUp, warm, std::chrono::seconds(10)) != kSenders) {
    return state.SkipWithError("no warm-up events");
  }

  std::atomic<int> failed{0};
  Clock::time_point started;
  int received = 0;
  for (auto _ : state) {
    started = Clock::now();
    std::thread sending = SendAll(w, returned, failed);
    received = ReceiveAll(next, kMarker, arrived, std::chrono::seconds(45));
    sending.join();
  }
  auto since_start = [started](const std::vector<Clock::time_point>& times) {
    return std::chrono::duration<double>(*std::max_element(times.begin(), times.end()) - started).count();
  };
  double seconds = since_start(arrived);
  std::vector<double> latencies_ms;
  int early = 0;
  for (int i = 0; i < n; ++i) {
    if (arrived[i] == Clock::time_point()) continue;
    double ms = std::chrono::duration<double, std::milli>(arrived[i] - returned[i]).count();
    if (ms < 0) ++early;  // the event overtook the control API's answer
    latencies_ms.push_back(std::max(0.0, ms));
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  if (received != n || failed > 0) state.SkipWithError("not every message arrived as an event");
  state.counters["events"] = received;
  state.counters["send_failures"] = failed.load();
  state.counters["sends_per_s"] = n / since_start(returned);  // what tgsim's control API took in
  state.counters["events_per_s"] = received / seconds;
  state.counters["p50_ms"] = Percentile(latencies_ms, 0.50);
  state.counters["p99_ms"] = Percentile(latencies_ms, 0.99);
  state.counters["max_ms"] = latencies_ms.empty() ? 0 : latencies_ms.back();
  state.counters["early"] = early;
  state.counters["tgmux_rss_MiB"] = tgmux::testing::RssKiB(w.server->process().pid()) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_messages = std::stoi(argv[1]);
  benchmark::RegisterBenchmark("EventThroughput", EventThroughput)
      ->Arg(g_messages)
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
