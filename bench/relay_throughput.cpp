// The work-group relay end to end (docs/relay.md): a real tgmux with a desk bot
// relaying accounts into one tgsim forum supergroup; customers write to the
// accounts through tgsim's control API from 8 clients at once.
//   RelayUnpaced: 10 accounts, 50 customers, 2,000 messages, Telegram's group
//     limit switched off on both sides (the bot's 30 a second in all remains):
//     how fast tgmux mirrors (messages a second from the first send to the last
//     message in its topic), how many posts and topics that took, tgmux's memory.
//   RelayPaced: one account, 10 customers writing 30 messages each at once,
//     under the real limit (tgmux posts 19 a minute into a group): how long
//     until every message is in its topic, in how many posts (merged while
//     they wait), and how often tgsim had to slow the bot down (goal: 0).
//   ./build/relay_throughput [--benchmark_filter=RelayUnpaced|RelayPaced]
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <thread>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/parallel.h"
#include "tests/support/phone_link.h"
#include "tests/support/tgmux_server.h"

namespace {

using nlohmann::json;
using tgmux::testing::TgmuxServer;
using Clock = std::chrono::steady_clock;

constexpr const char* kOperator = "+15580000001";

std::string Phone(const char* prefix, int i) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%05d", i);
  return std::string(prefix) + digits;
}

struct World {
  tgsim::testing::TgsimProcess sim{TGSIM_BINARY};
  std::unique_ptr<TgmuxServer> server;
  std::int64_t group = 0;
  std::vector<std::string> employees, customers;
};

// tgsim, tgmux, the desk bot administering a forum, `accounts` relayed accounts and `customers` customers.
std::string Build(World& w, int accounts, int customers, std::map<std::string, std::string> env) {
  env.insert({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", w.sim.address()}, {"TELEGRAM_API_ID", "94575"},
              {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}});
  w.server = std::make_unique<TgmuxServer>(env);
  if (!w.server->Start() || w.server->SignInOwner().is_null()) return "tgmux did not start";
  auto bot = w.sim.Control("POST", "/bots", {{"username", "bench_desk_bot"}, {"first_name", "Desk"}});
  auto added = w.server->http().Post("/v1/bots", {{"token", bot.body["token"]}, {"features", {"relay"}}});
  if (added.status != 201) return "the bot was refused";
  w.sim.Control("POST", "/users", {{"phone", kOperator}, {"first_name", "Olga"}});
  for (int i = 0; i < accounts; ++i) {
    w.employees.push_back(Phone("+1558100", i));
    w.sim.Control("POST", "/users", {{"phone", w.employees.back()}, {"first_name", "Emp" + std::to_string(i)}});
  }
  for (int i = 0; i < customers; ++i) {
    w.customers.push_back(Phone("+1558200", i));
    w.sim.Control("POST", "/users", {{"phone", w.customers.back()}, {"first_name", "Customer" + std::to_string(i)}});
  }
  auto group = w.sim.Control("POST", "/groups", {{"title", "Desk"}, {"kind", "supergroup"}, {"forum", true},
                                                 {"members", {kOperator, "@bench_desk_bot"}}});
  w.group = group.body.value("chat_id", std::int64_t{0});
  w.sim.Control("POST", "/groups/" + std::to_string(w.group) + "/admins",
                {{"member", "@bench_desk_bot"}, {"rights", {{"can_manage_topics", true}}}});
  for (const auto& phone : w.employees) {
    std::string id = tgmux::testing::LinkByPhone(*w.server, w.sim, phone);
    if (id.empty()) return "an account was not linked";
    json relay = {{"bot_id", added.Json()["id"]}, {"group_chat_id", w.group}};
    if (w.server->http().Request("PUT", "/v1/accounts/" + id + "/relay", relay.dump()).status != 200) {
      return "a relay was refused";
    }
  }
  return "";
}

std::string Text(int customer, int i) { return "c" + std::to_string(10000 + customer) + "m" + std::to_string(10000 + i) + "."; }

struct Mirrored {
  int messages = 0, posts = 0, topics = 0;
};

// Polls the group (as the operator) until every text is in a bot post, or `timeout` passes.
Mirrored WaitMirrored(World& w, const std::vector<std::string>& texts, std::chrono::seconds timeout) {
  Mirrored seen;
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto messages = w.sim.Control("GET", "/groups/" + std::to_string(w.group) + "/messages?as=" + kOperator)
                        .body.value("messages", json::array());
    std::string all;
    seen = {};
    for (const auto& m : messages) {
      if (m.value("service", "") == "forum_topic_created") ++seen.topics;
      if (m.value("from", "") != "@bench_desk_bot" || m.contains("service")) continue;
      ++seen.posts;
      all += m.value("text", "") + "\n";
    }
    for (const auto& text : texts) seen.messages += all.find(text) != std::string::npos ? 1 : 0;
    if (seen.messages == static_cast<int>(texts.size())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a poll's pace, not synchronisation
  }
  return seen;
}

// Each customer writes `each` messages to employee (customer % employees), 8 clients at once.
std::vector<std::string> Burst(World& w, int each) {
  std::vector<std::pair<int, int>> sends;
  for (int i = 0; i < each; ++i) {
    for (int c = 0; c < static_cast<int>(w.customers.size()); ++c) sends.emplace_back(c, i);
  }
  tgmux::testing::ForEach(0, static_cast<int>(sends.size()), 8, [&](int k) {
    auto [c, i] = sends[k];
    const std::string& to = w.employees[c % w.employees.size()];
    return w.sim.Control("POST", "/messages", {{"from", w.customers[c]}, {"to", to}, {"text", Text(c, i)}}).status ==
           201;
  });
  std::vector<std::string> texts;
  for (auto [c, i] : sends) texts.push_back(Text(c, i));
  return texts;
}

void RelayUnpaced(benchmark::State& state) {
  World w;
  if (auto error = Build(w, 10, 50, {{"TGMUX_BOT_GROUP_PER_MINUTE", "100000"}}); !error.empty()) {
    return state.SkipWithError(error.c_str());
  }
  w.sim.Control("POST", "/limits", {{"bot_group_per_minute", 0}});
  for (auto _ : state) {
    auto started = Clock::now();
    auto texts = Burst(w, 40);
    double sent_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    Mirrored seen = WaitMirrored(w, texts, std::chrono::seconds(300));
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    double rss = tgmux::testing::RssKiB(w.server->process().pid()) / 1024.0;
    state.counters["sent_per_s"] = texts.size() / sent_seconds;
    state.counters["mirrored_per_s"] = seen.messages / seconds;
    state.counters["posts"] = seen.posts;
    state.counters["tgmux_rss_MiB"] = rss;
    std::printf("relay unpaced: 10 accounts, 50 customers, %zu messages sent through tgsim at %.0f/s; %d mirrored in "
                "%.1f s (%.0f/s end to end) as %d posts in %d topics; tgmux RSS %.1f MiB\n",
                texts.size(), texts.size() / sent_seconds, seen.messages, seconds, seen.messages / seconds,
                seen.posts, seen.topics, rss);
    if (seen.messages != static_cast<int>(texts.size())) state.SkipWithError("some messages were not mirrored");
  }
}
BENCHMARK(RelayUnpaced)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void RelayPaced(benchmark::State& state) {
  World w;
  if (auto error = Build(w, 1, 10, {}); !error.empty()) return state.SkipWithError(error.c_str());
  for (auto _ : state) {
    auto started = Clock::now();
    auto texts = Burst(w, 30);
    Mirrored seen = WaitMirrored(w, texts, std::chrono::seconds(600));
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    int flood_waits = w.sim.Control("POST", "/limits", json::object()).body.value("bot_flood_waits", -1);
    state.counters["seconds"] = seconds;
    state.counters["posts"] = seen.posts;
    state.counters["flood_waits"] = flood_waits;
    std::printf("relay paced (19 posts a minute): 10 customers x 30 messages at once; %d of %zu mirrored in %.1f s as "
                "%d posts in %d topics (%.1f messages a post); tgsim slowed the bot down %d times (goal: 0)\n",
                seen.messages, texts.size(), seconds, seen.posts, seen.topics,
                seen.posts > 0 ? static_cast<double>(seen.messages) / seen.posts : 0.0, flood_waits);
    if (seen.messages != static_cast<int>(texts.size())) state.SkipWithError("some messages were not mirrored");
  }
}
BENCHMARK(RelayPaced)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
