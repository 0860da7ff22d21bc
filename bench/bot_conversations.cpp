// People linking their accounts by talking to one tgmux bot (docs/bots.md):
// --people simulated people, --clients of them at a time, each doing /account
// -> "Phone number" -> shares their number -> types the code with spaces, and
// waits for "Linked". Reports the time, how many ended linked, the bot's
// messages per second against Telegram's limit for a bot (30/s: tgmux should
// never be what holds a bot back, so the goal is at least 90% of it), how
// often tgsim had to slow the bot down (its count of flood waits: TDLib
// retries those silently), and tgmux's resident memory at the end.
//   ./build/bot_conversations --people=1000 --clients=100
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <thread>

#include "sim/testing/tgsim_process.h"
#include "tests/support/bot_chat.h"
#include "tests/support/build_paths.h"
#include "tests/support/parallel.h"
#include "tests/support/tgmux_server.h"

namespace {

using nlohmann::json;
using tgmux::testing::BotChat;
using tgmux::testing::ForEach;
using tgmux::testing::TgmuxServer;

constexpr double kTelegramBotLimit = 30;  // messages a second, all chats together

struct Options {
  int people = 1000;
  int clients = 100;
};
Options options;

std::string Phone(int i) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%07d", i);
  return std::string("+1556") + digits;
}

// One person's whole conversation (queued behind everyone else's); false when a step did not come.
bool LinkThroughBot(const tgsim::testing::TgsimProcess& sim, int i) {
  return BotChat(sim, "bench_bot", Phone(i)).LinkByPhone(std::chrono::seconds(300));
}

int BotMessages(const tgsim::testing::TgsimProcess& sim, int people) {
  std::atomic<int> total{0};
  ForEach(0, people, 16, [&](int i) {
    for (const auto& m : BotChat(sim, "bench_bot", Phone(i)).Messages()) total += m.value("from_bot", false) ? 1 : 0;
    return true;
  });
  return total;
}

void PeopleLinkThroughOneBot(benchmark::State& state) {
  tgsim::testing::TgsimProcess sim(TGSIM_BINARY);
  TgmuxServer server({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim.address()},
                      {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
                      {"TGMUX_LIMIT_LOGINS_TENANT", "1000000/60"}});
  if (!server.Start() || server.SignInOwner().is_null()) return state.SkipWithError("tgmux did not start");
  auto bot = sim.Control("POST", "/bots", {{"username", "bench_bot"}, {"first_name", "Bench"}});
  if (server.http().Post("/v1/bots", {{"token", bot.body["token"]}, {"features", {"accounts"}}}).status != 201) {
    return state.SkipWithError("the bot did not start");
  }
  ForEach(0, options.people, 8, [&](int i) {
    return sim.Control("POST", "/users", {{"phone", Phone(i)}, {"first_name", "Person"}}).status == 201;
  });
  for (auto _ : state) {
    auto started = std::chrono::steady_clock::now();
    int linked = ForEach(0, options.people, options.clients, [&](int i) { return LinkThroughBot(sim, i); });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    int messages = BotMessages(sim, options.people);
    // tgsim counts the sends it had to slow down (TDLib retries those silently).
    int flood_waits = sim.Control("POST", "/limits", json::object()).body.value("bot_flood_waits", 0);
    double rate = messages / seconds;
    state.counters["people"] = options.people;
    state.counters["linked"] = linked;
    state.counters["seconds"] = seconds;
    state.counters["bot_messages"] = messages;
    state.counters["bot_msgs_per_s"] = rate;
    state.counters["share_of_limit_pct"] = 100 * rate / kTelegramBotLimit;
    state.counters["flood_waits"] = flood_waits;
    state.counters["tgmux_rss_MiB"] = tgmux::testing::RssKiB(server.process().pid()) / 1024.0;
    std::printf("%d of %d people linked in %.1f s; the bot sent %d messages: %.1f/s, %.0f%% of Telegram's %.0f/s; "
                "%d flood waits; tgmux RSS %.1f MiB\n",
                linked, options.people, seconds, messages, rate, 100 * rate / kTelegramBotLimit, kTelegramBotLimit,
                flood_waits, tgmux::testing::RssKiB(server.process().pid()) / 1024.0);
    if (linked != options.people) state.SkipWithError("not everyone was linked");
  }
}

// Takes --people= and --clients= out of argv; the rest is Google Benchmark's.
void ParseOptions(int& argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (std::strncmp(arg, "--people=", 9) == 0) options.people = std::stoi(arg + 9);
    else if (std::strncmp(arg, "--clients=", 10) == 0) options.clients = std::stoi(arg + 10);
    else argv[kept++] = argv[i];
  }
  argc = kept;
}

}  // namespace

int main(int argc, char** argv) {
  ParseOptions(argc, argv);
  benchmark::RegisterBenchmark("PeopleLinkThroughOneBot", PeopleLinkThroughOneBot)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
