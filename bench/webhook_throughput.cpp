// Webhook deliveries to a local receiver: one webhook of the tenant, several
// linked accounts. While the receiver holds its answers (so each account's
// first delivery waits), simulated people post N messages to the accounts;
// once the log has them all, the receiver answers 200 from then on, and the
// run times how fast the backlog drains: deliveries/s from the release to the
// last one. Checks that each account's events came in log order and none
// twice.
//   ./build/webhook_throughput [N] [ACCOUNTS]   (8000 and 8 by default)
// Target (issue #19, P3): >= 5,000 deliveries/s.
#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "bench/event_world.h"

namespace {

using namespace bench_events;

constexpr int kSendThreads = 4;
constexpr double kTarget = 5000;

// Posts messages 0..n-1, message i from a sender to account i % accounts.
bool PostAll(const World& w, int n, int accounts) {
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kSendThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < n; i += kSendThreads) {
        if (!SendMessage(w, Phone(accounts + t), Phone(i % accounts), "hook-" + std::to_string(i))) ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return failed == 0;
}

// Walks the log until it holds `n` message.received events (or 60 s pass).
bool AwaitLogged(const World& w, int n) {
  int seen = 0;
  std::string cursor = "0";
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (seen < n && Clock::now() < deadline) {
    auto page = w.server->http().Get("/v1/events?types=message.received&limit=500&timeout=1&cursor=" + cursor);
    if (page.status != 200) return false;
    auto body = page.Json();
    seen += static_cast<int>(body["items"].size());
    cursor = body["next_cursor"];
  }
  return seen >= n;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 8000;
  const int accounts = argc > 2 ? std::stoi(argv[2]) : 8;
  World w;
  if (!StartWorld(w, accounts + kSendThreads, accounts)) {
    std::printf("tgmux, tgsim or the logins did not start\n");
    return 1;
  }
  tgmux::testing::WebhookReceiver receiver;
  receiver.Hold();
  auto created = w.server->http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  if (created.status != 201) {
    std::printf("the webhook was refused: %d %s\n", created.status, created.body.c_str());
    return 1;
  }
  if (!PostAll(w, n, accounts) || !AwaitLogged(w, n)) {
    std::printf("not every message reached the event log\n");
    return 1;
  }
  const std::size_t held = receiver.Requests().size();
  const auto released = Clock::now();
  receiver.Release();
  auto requests = receiver.WaitFor(n, std::chrono::seconds(120));
  // Order and duplicates: what each account received, by seq.
  std::map<std::string, std::int64_t> last_seq;
  std::set<std::string> ids;
  int out_of_order = 0, twice = 0;
  for (const auto& r : requests) {
    auto event = nlohmann::json::parse(r.body);
    if (!ids.insert(event["id"].get<std::string>()).second) ++twice;
    auto& last = last_seq[event["account_id"].get<std::string>()];
    if (event["seq"].get<std::int64_t>() < last) ++out_of_order;
    last = event["seq"].get<std::int64_t>();
  }
  const double seconds = requests.empty() ? 0 : std::chrono::duration<double>(requests.back().received_at - released).count();
  const double rate = seconds > 0 ? static_cast<double>(requests.size() - held) / seconds : 0;
  std::printf("webhook   %d events of %d accounts: %zu delivered (%zu held at the start), %.0f deliveries/s, "
              "%d out of account order, %d twice  | target >= %.0f/s: %s\n",
              n, accounts, requests.size(), held, rate, out_of_order, twice, kTarget,
              Met(static_cast<int>(requests.size()) == n && out_of_order == 0 && twice == 0 && rate >= kTarget));
  return 0;
}
