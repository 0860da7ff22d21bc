// Events to consumers, open loop: simulated people post messages to one linked
// account (P0) through tgsim's control API at a fixed rate, from several
// threads so that a slow call does not slow the schedule, while one consumer
// reads /v1/events/stream (SSE) or /v1/ws (WebSocket). Per message: the time
// from the control call returning to its message.received event arriving.
// Then the idle row: tgmux's memory and CPU before and after 1,000 SSE
// consumers connect and wait with nothing to read.
//   ./build/event_latency [SECONDS_PER_RATE] [IDLE_CONSUMERS]   (3 s and 1000 by default)
// Targets (issue #19, P3): p99 <= 5 ms at 2,000 events/s and <= 10 ms at 5,000/s;
// 1,000 idle SSE consumers under 20 MiB and under 1% of one core.
#include <atomic>
#include <cstdio>
#include <thread>

#include "bench/event_world.h"

namespace {

using namespace bench_events;
using tgmux::testing::SseClient;
using tgmux::testing::WsClient;

constexpr int kSenders = 8;  // people 1..8 send to P0, one pacing thread each
constexpr auto kIdleWindow = std::chrono::seconds(20);  // longer than one keep-alive (15 s)

enum class Transport { kSse, kWebSocket };

// One consumer of P0's message.received events, over either transport.
class Consumer {
 public:
  bool Connect(const World& w, Transport transport) {
    transport_ = transport;
    std::string query = "?types=message.received&account_id=" + w.accounts[0];
    if (transport == Transport::kSse) return sse_.Connect(w.server->port(), "/v1/events/stream" + query, w.Auth());
    return ws_.Connect(w.server->port(), "/v1/ws" + query, w.Auth());
  }
  // The next event (null when none came in time).
  nlohmann::json Next(std::chrono::milliseconds timeout) {
    if (transport_ == Transport::kSse) {
      auto event = sse_.NextEvent(timeout);
      return event ? event->json() : nlohmann::json();
    }
    auto text = ws_.Read(timeout);
    return text ? nlohmann::json::parse(*text) : nlohmann::json();
  }

 private:
  Transport transport_ = Transport::kSse;
  SseClient sse_;
  WsClient ws_;
};

struct Schedule {
  Clock::time_point start;
  std::vector<Clock::time_point> returned;
  std::atomic<int> failed{0};
  std::atomic<int> late{0};  // calls that began more than 1 ms after their slot
};

// Message i is due at start + i / rate; sender k posts the messages i = k mod kSenders.
std::thread Pace(const World& w, const std::string& marker, int rate, Schedule& s) {
  return std::thread([&w, marker, rate, &s] {
    std::vector<std::thread> senders;
    for (int k = 0; k < kSenders; ++k) {
      senders.emplace_back([&, k] {
        for (std::size_t i = k; i < s.returned.size(); i += kSenders) {
          auto due = s.start + std::chrono::nanoseconds(static_cast<std::int64_t>(i * 1e9 / rate));
          std::this_thread::sleep_until(due);  // the open loop's clock, not a synchronisation
          if (Clock::now() - due > std::chrono::milliseconds(1)) ++s.late;
          if (!SendMessage(w, Phone(1 + k), Phone(0), marker + std::to_string(i))) ++s.failed;
          s.returned[i] = Clock::now();
        }
      });
    }
    for (auto& t : senders) t.join();
  });
}

void LatencyRow(const World& w, Transport transport, int rate, int seconds, double target_ms) {
  const char* name = transport == Transport::kSse ? "sse" : "websocket";
  Consumer consumer;
  if (!consumer.Connect(w, transport)) {
    std::printf("%-9s %5d/s: the consumer could not connect\n", name, rate);
    return;
  }
  const std::string marker = std::string("lat-") + name + "-" + std::to_string(rate) + "-";
  const int n = rate * seconds;
  Schedule s;
  s.returned.resize(n);
  std::vector<Clock::time_point> arrived(n);
  s.start = Clock::now() + std::chrono::milliseconds(100);
  std::thread pacing = Pace(w, marker, rate, s);
  int received = ReceiveAll([&](auto t) { return consumer.Next(t); }, marker, arrived, std::chrono::seconds(seconds + 30));
  pacing.join();
  std::vector<double> ms;
  std::vector<std::pair<double, double>> stalls;  // (seconds into the run, latency ms)
  for (int i = 0; i < n; ++i) {
    if (arrived[i] == Clock::time_point()) continue;
    double latency = std::max(0.0, std::chrono::duration<double, std::milli>(arrived[i] - s.returned[i]).count());
    ms.push_back(latency);
    if (latency > target_ms) stalls.emplace_back(std::chrono::duration<double>(s.returned[i] - s.start).count(), latency);
  }
  std::sort(ms.begin(), ms.end());
  double sent_for = std::chrono::duration<double>(*std::max_element(s.returned.begin(), s.returned.end()) - s.start).count();
  double p99 = Percentile(ms, 0.99);
  std::printf("%-9s %5d/s: %d/%d events (posted at %.0f/s, %d late, %d failed)  p50 %.2f ms  p99 %.2f ms  max %.2f ms"
              "  | target p99 <= %.0f ms: %s\n",
              name, rate, received, n, n / sent_for, s.late.load(), s.failed.load(), Percentile(ms, 0.5), p99,
              ms.empty() ? 0 : ms.back(), target_ms, Met(received == n && s.failed == 0 && p99 <= target_ms));
  // Where the slow ones were: a periodic stall shows as evenly spaced clusters.
  std::string when;
  for (std::size_t i = 0; i < stalls.size() && i < 12; ++i) {
    char item[48];
    std::snprintf(item, sizeof item, " %.2fs:%.1fms", stalls[i].first, stalls[i].second);
    when += item;
  }
  if (!stalls.empty()) std::printf("          %zu over target at%s%s\n", stalls.size(), when.c_str(), stalls.size() > 12 ? " ..." : "");
  std::fflush(stdout);
}

void IdleRow(const World& w, int consumers) {
  const pid_t pid = w.server->process().pid();
  auto cpu_percent = [pid] {
    double before = CpuSeconds(pid);
    std::this_thread::sleep_for(kIdleWindow);  // the measuring window
    return (CpuSeconds(pid) - before) * 100.0 / std::chrono::duration<double>(kIdleWindow).count();
  };
  double idle_cpu = cpu_percent();
  long rss_before = tgmux::testing::RssKiB(pid);
  std::vector<std::unique_ptr<SseClient>> clients;
  std::string target = "/v1/events/stream?types=message.received";
  for (int i = 0; i < consumers; ++i) {
    clients.push_back(std::make_unique<SseClient>());
    if (!clients.back()->Connect(w.server->port(), target, w.Auth())) {
      std::printf("idle: consumer %d could not connect (%d)\n", i, clients.back()->status());
      return;
    }
  }
  double with_cpu = cpu_percent();
  double rss_mib = static_cast<double>(tgmux::testing::RssKiB(pid) - rss_before) / 1024.0;
  double cpu = std::max(0.0, with_cpu - idle_cpu);
  std::printf("idle      %d SSE consumers: +%.1f MiB RSS, +%.2f%% of one core (%.2f%% with them, %.2f%% without, "
              "over %lld s)  | target < 20 MiB and < 1%%: %s\n",
              consumers, rss_mib, cpu, with_cpu, idle_cpu, static_cast<long long>(kIdleWindow.count()),
              Met(rss_mib < 20 && cpu < 1));
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::stoi(argv[1]) : 3;
  int idle = argc > 2 ? std::stoi(argv[2]) : 1000;
  World w;
  if (!StartWorld(w, 1 + kSenders, 1)) {
    std::printf("tgmux, tgsim or P0's login did not start\n");
    return 1;
  }
  // One message from each sender first: P0's chats with them exist, the path is warm.
  {
    Consumer warm;
    warm.Connect(w, Transport::kSse);
    std::vector<Clock::time_point> arrived(kSenders);
    for (int k = 0; k < kSenders; ++k) SendMessage(w, Phone(1 + k), Phone(0), "warm-" + std::to_string(k));
    if (ReceiveAll([&](auto t) { return warm.Next(t); }, "warm-", arrived, std::chrono::seconds(10)) != kSenders) {
      std::printf("no warm-up events\n");
      return 1;
    }
  }
  for (auto transport : {Transport::kSse, Transport::kWebSocket}) {
    LatencyRow(w, transport, 2000, seconds, 5);
    LatencyRow(w, transport, 5000, seconds, 10);
  }
  if (idle > 0) IdleRow(w, idle);
  return 0;
}
