// Events end to end: simulated people send N messages to one linked account
// (Ann) through tgsim's control API, from a few threads at once, while one SSE
// consumer reads /v1/events/stream. Per message: the time from the control
// call returning to its message.received event arriving over SSE. Prints
// events/s over the whole run, p50/p99/max of that latency, and tgmux's RSS.
//   ./build/event_throughput [N]   (N messages, 2000 by default)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/stream_clients.h"
#include "tests/support/tgmux_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using tgmux::testing::SseClient;
using tgmux::testing::TgmuxServer;
using tgsim::testing::TgsimProcess;

constexpr int kSenders = 3;
constexpr const char* kAnn = "+15553200000";
constexpr const char* kMarker = "bench-msg-";
constexpr const char* kWarmUp = "bench-warm-";
int g_messages = 2000;

std::string SenderPhone(int i) { return "+1555320000" + std::to_string(i + 1); }

struct World {
  std::unique_ptr<TgsimProcess> sim;
  std::unique_ptr<TgmuxServer> server;
  std::string token;
  std::string account;
};

// A phone login of Ann, as a user of the API would do it; returns the account id.
std::string LinkAnn(const World& w) {
  auto started = w.server->http().Post("/v1/logins", {{"method", "phone"}, {"phone", kAnn}});
  if (started.status != 201) return "";
  std::string id = started.Json()["id"];
  std::string code = w.sim->Control("GET", std::string("/users/") + kAnn + "/code").body.value("code", "");
  auto done = w.server->http().Post("/v1/logins/" + id + "/code", {{"code", code}});
  if (done.status != 200 || done.Json()["state"] != "done") return "";
  return done.Json()["account"]["id"];
}

bool StartWorld(World& w) {
  w.sim = std::make_unique<TgsimProcess>(TGSIM_BINARY);
  w.sim->Control("POST", "/users", {{"phone", kAnn}, {"first_name", "Ann"}});
  for (int i = 0; i < kSenders; ++i) {
    w.sim->Control("POST", "/users", {{"phone", SenderPhone(i)}, {"first_name", "Sender" + std::to_string(i)}});
  }
  w.server = std::make_unique<TgmuxServer>(std::map<std::string, std::string>{
      {"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", w.sim->address()},
      {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}});
  if (!w.server->Start()) return false;
  auto tokens = w.server->SignInOwner();
  if (tokens.is_null()) return false;
  w.token = tokens["access_token"];
  w.account = LinkAnn(w);
  return !w.account.empty();
}

bool SendMessage(const World& w, int sender, const std::string& text) {
  auto sent = w.sim->Control("POST", "/messages", {{"from", SenderPhone(sender)}, {"to", kAnn}, {"text", text}});
  return sent.status == 201;
}

// The number after `marker` in an event's text, or -1 for other events.
int MessageNumber(const tgmux::testing::SseEvent& event, const std::string& marker) {
  auto data = event.json();
  std::string text = data["data"]["message"].value("text", "");
  if (text.rfind(marker, 0) != 0) return -1;
  return std::stoi(text.substr(marker.size()));
}

// Reads events until every message `marker`0.. arrived or `timeout` passed; returns how many arrived.
int ReceiveAll(SseClient& sse, const std::string& marker, std::vector<Clock::time_point>& arrived,
               std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  int count = 0;
  while (count < static_cast<int>(arrived.size()) && Clock::now() < deadline) {
    auto event = sse.NextEvent(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!event) break;
    int i = MessageNumber(*event, marker);
    if (i < 0 || i >= static_cast<int>(arrived.size()) || arrived[i] != Clock::time_point()) continue;
    arrived[i] = Clock::now();
    ++count;
  }
  return count;
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

double Percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
}

void EventThroughput(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  World w;
  if (!StartWorld(w)) return state.SkipWithError("tgmux, tgsim or Ann's login did not start");
  SseClient sse;
  std::string target = "/v1/events/stream?types=message.received&account_id=" + w.account;
  if (!sse.Connect(w.server->port(), target, {{"Authorization", "Bearer " + w.token}})) {
    return state.SkipWithError(("SSE refused: " + std::to_string(sse.status()) + " " + sse.body()).c_str());
  }
  // One message from each sender first: the stream works, and Ann's chats with them exist.
  std::vector<Clock::time_point> warm(kSenders), returned(n), arrived(n);
  for (int s = 0; s < kSenders; ++s) SendMessage(w, s, kWarmUp + std::to_string(s));
  if (ReceiveAll(sse, kWarmUp, warm, std::chrono::seconds(10)) != kSenders) {
    return state.SkipWithError("no warm-up events");
  }

  std::atomic<int> failed{0};
  Clock::time_point started;
  int received = 0;
  for (auto _ : state) {
    started = Clock::now();
    std::thread sending = SendAll(w, returned, failed);
    received = ReceiveAll(sse, kMarker, arrived, std::chrono::seconds(45));
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
