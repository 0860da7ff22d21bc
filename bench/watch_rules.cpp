// The watcher's rule matcher in process (src/service/watch/matcher.h): 1,000 rules generated from a fixed seed
// over a vocabulary of 5,000 Latin and Cyrillic words (any/all/exclude keywords, some of two words; ~10% with a
// regex, half of those with no keyword, so they are tried on every message; ~10% limited to a few chats),
// matched against 100,000 messages of 10–40 words with mixed case and punctuation, on one thread.
// Prints messages per second (goal: at least 20,000) and the time per message (goal: p99 at most 5 ms).
// Then end to end (WatchEndToEnd): the same 1,000 rules in a real tgmux, a watcher account in a tgsim
// supergroup, and group messages posted through tgsim's control API as fast as it takes them from 8
// clients; prints tgsim's posting rate, the rate at which watch.message events appear, the matches
// stored, and tgmux's memory.
//   ./build/watch_rules [--benchmark_filter=WatchRules|WatchEndToEnd]
#include <benchmark/benchmark.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "service/watch/matcher.h"
#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/parallel.h"
#include "tests/support/tgmux_server.h"

namespace {

using tgmux::service::watch::RuleSet;
using tgmux::service::watch::RuleSpec;
using Clock = std::chrono::steady_clock;

constexpr int kRules = 1000;
constexpr int kVocabulary = 5000;
constexpr int kChats = 50;

// A small deterministic generator (splitmix64): the same rules and messages on every machine.
class Random {
 public:
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  bool Chance(int percent) { return Below(100) < percent; }

 private:
  std::uint64_t state_ = 20261126;
};

const std::vector<std::string> kLatin = {"ka", "lo", "mi", "ne", "ro", "sa", "ti", "vu", "ber", "con",
                                         "dan", "fel", "gor", "han", "jet", "lin", "mor", "pel", "ster", "tra"};
const std::vector<std::string> kCyrillic = {"ка", "ло", "ми", "не", "ро", "са", "ти", "ву", "бер", "кон",
                                            "дан", "ёл", "гор", "хан", "йод", "лин", "мор", "пел", "стр", "жи"};

std::vector<std::string> Vocabulary(Random& random) {
  std::set<std::string> words;
  while (static_cast<int>(words.size()) < kVocabulary) {
    const auto& syllables = random.Chance(50) ? kLatin : kCyrillic;
    std::string word;
    for (int n = 2 + random.Below(3); n > 0; --n) word += syllables[random.Below(static_cast<int>(syllables.size()))];
    words.insert(word);
  }
  return {words.begin(), words.end()};
}

std::string Upper(const std::string& word) {
  std::string upper;
  icu::UnicodeString::fromUTF8(word).toUpper().toUTF8String(upper);
  return upper;
}

std::vector<std::string> Keywords(Random& random, const std::vector<std::string>& vocabulary, int count) {
  std::vector<std::string> keywords;
  for (int i = 0; i < count; ++i) {
    std::string keyword = vocabulary[random.Below(kVocabulary)];
    if (random.Chance(10)) keyword += " " + vocabulary[random.Below(kVocabulary)];
    keywords.push_back(keyword);
  }
  return keywords;
}

std::string Regex(Random& random, const std::vector<std::string>& vocabulary) {
  const std::string& word = vocabulary[random.Below(kVocabulary)];
  switch (random.Below(3)) {
    case 0: return word + R"( ?\d{2,4})";
    case 1: return "(?i)" + word + "|" + vocabulary[random.Below(kVocabulary)];
    default: return R"(\+7\d{10}|)" + word + "[.!]";
  }
}

std::vector<RuleSpec> Rules(Random& random, const std::vector<std::string>& vocabulary) {
  std::vector<RuleSpec> rules;
  for (int i = 0; i < kRules; ++i) {
    RuleSpec rule{.id = "rule" + std::to_string(i)};
    bool regex_only = false;
    if (random.Chance(10)) {
      rule.regex = Regex(random, vocabulary);
      regex_only = random.Chance(50);
    }
    if (!regex_only) {
      rule.any = Keywords(random, vocabulary, 1 + random.Below(5));
      if (random.Chance(30)) rule.all = Keywords(random, vocabulary, 1 + random.Below(2));
    }
    if (random.Chance(30)) rule.exclude = Keywords(random, vocabulary, 1 + random.Below(3));
    if (random.Chance(10)) {
      for (int n = 1 + random.Below(3); n > 0; --n) rule.chats.push_back(-1000 - random.Below(kChats));
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::string Message(Random& random, const std::vector<std::string>& vocabulary) {
  static const std::vector<std::string> kPunctuation = {" ", " ", " ", ", ", ". ", "! ", " - ", " 42 ", " 😀 "};
  std::string text;
  for (int n = 10 + random.Below(31); n > 0; --n) {
    const std::string& word = vocabulary[random.Below(kVocabulary)];
    text += random.Chance(10) ? Upper(word) : word;
    text += kPunctuation[random.Below(static_cast<int>(kPunctuation.size()))];
  }
  return text;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

void WatchRules(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Random random;
  const auto vocabulary = Vocabulary(random);
  const RuleSet rules(Rules(random, vocabulary));
  std::vector<std::pair<std::int64_t, std::string>> messages;
  for (int i = 0; i < n; ++i) messages.emplace_back(-1000 - random.Below(kChats), Message(random, vocabulary));

  std::vector<double> micros(messages.size());
  std::size_t matches = 0;
  double seconds = 0;
  for (auto _ : state) {
    matches = 0;
    auto started = Clock::now();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      auto before = Clock::now();
      matches += rules.Match(messages[i].first, messages[i].second).size();
      micros[i] = std::chrono::duration<double, std::micro>(Clock::now() - before).count();
    }
    seconds = std::chrono::duration<double>(Clock::now() - started).count();
  }
  const double rate = static_cast<double>(n) / seconds;
  const double p50 = Percentile(micros, 0.50), p99 = Percentile(micros, 0.99);
  state.counters["messages_per_s"] = rate;
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = p99;
  state.counters["matches"] = static_cast<double>(matches);
  std::printf("watch_rules: %zu rules, %d messages: %.0f messages/s (goal >= 20000), p50 %.1f us, p99 %.1f us "
              "(goal <= 5000 us), matches %zu\n",
              rules.size(), n, rate, p50, p99, matches);
  if (rules.size() != kRules) state.SkipWithError("some generated rules did not compile");
}
BENCHMARK(WatchRules)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- End to end through tgsim.

using nlohmann::json;
using tgmux::testing::TgmuxServer;

constexpr int kPosted = 2000;
constexpr const char* kWatcher = "+15570000001";
constexpr const char* kAuthor = "+15570000002";
constexpr const char* kReader = "+15570000003";

// Links the watcher by a phone login; its account id, or "".
std::string LinkWatcher(TgmuxServer& server, const tgsim::testing::TgsimProcess& sim) {
  auto started = server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", kWatcher}});
  if (started.status != 201) return "";
  std::string code = sim.Control("GET", std::string("/users/") + kWatcher + "/code").body.value("code", "");
  auto done = server.http().Post("/v1/logins/" + started.Json()["id"].get<std::string>() + "/code", {{"code", code}});
  return done.status == 200 ? done.Json()["account"].value("id", "") : "";
}

// A subscriber: a person who started a notify bot.
std::string Subscribe(TgmuxServer& server, const tgsim::testing::TgsimProcess& sim, std::int64_t reader) {
  auto bot = sim.Control("POST", "/bots", {{"username", "bench_watch_bot"}, {"first_name", "Watch"}});
  auto added = server.http().Post("/v1/bots", {{"token", bot.body["token"]}, {"features", {"notify"}}});
  if (added.status != 201) return "";
  sim.Control("POST", "/bots/bench_watch_bot/messages", {{"from", kReader}, {"text", "/start"}});
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto sub = server.http().Post("/v1/subscribers", {{"bot_id", added.Json()["id"]}, {"telegram_user_id", reader}});
    if (sub.status == 201) return sub.Json()["id"];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the bot records the conversation
  }
  return "";
}

// Counts events of `type` from the log's start until `want` are there or `timeout` passes.
int CountEvents(TgmuxServer& server, const std::string& type, int want, std::chrono::seconds timeout) {
  int seen = 0;
  std::string cursor = "0";
  auto deadline = Clock::now() + timeout;
  while (seen < want && Clock::now() < deadline) {
    auto page = server.http().Get("/v1/events?timeout=1&limit=100&types=" + type + "&cursor=" + cursor).Json();
    seen += static_cast<int>(page["items"].size());
    cursor = page["next_cursor"].get<std::string>();
  }
  return seen;
}

void WatchEndToEnd(benchmark::State& state) {
  tgsim::testing::TgsimProcess sim(TGSIM_BINARY);
  TgmuxServer server({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim.address()},
                      {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}});
  if (!server.Start() || server.SignInOwner().is_null()) return state.SkipWithError("tgmux did not start");
  std::int64_t reader = 0;
  for (const char* phone : {kWatcher, kAuthor, kReader}) {
    reader = sim.Control("POST", "/users", {{"phone", phone}, {"first_name", "Person"}}).body.value("user_id", reader);
  }
  auto group = sim.Control("POST", "/groups", {{"title", "Bench"}, {"kind", "supergroup"}, {"members", {kWatcher, kAuthor}}});
  std::string account = LinkWatcher(server, sim);
  std::string subscriber = Subscribe(server, sim, reader);
  if (account.empty() || subscriber.empty()) return state.SkipWithError("the watcher or the subscriber is missing");
  Random random;
  const auto vocabulary = Vocabulary(random);
  for (const auto& rule : Rules(random, vocabulary)) {
    json body = {{"name", rule.id}, {"any", rule.any}, {"all", rule.all}, {"exclude", rule.exclude},
                 {"subscribers", {subscriber}}};
    if (!rule.regex.empty()) body["regex"] = rule.regex;
    if (server.http().Post("/v1/watch/rules", body).status != 201) return state.SkipWithError("a rule was refused");
  }
  json watch = {{"watch", {{"chats", {group.body["chat_id"]}}}}};
  if (server.http().Request("PATCH", "/v1/accounts/" + account, watch.dump()).status != 200) {
    return state.SkipWithError("the watcher could not watch the group");
  }
  std::vector<std::string> texts;
  for (int i = 0; i < kPosted; ++i) texts.push_back(Message(random, vocabulary));
  for (auto _ : state) {
    auto started = Clock::now();
    int posted = tgmux::testing::ForEach(0, kPosted, 8, [&](int i) {
      return sim.Control("POST", "/messages", {{"from", kAuthor}, {"to", group.body["chat_id"]}, {"text", texts[i]}})
                 .status == 201;
    });
    double post_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    int watched = CountEvents(server, "watch.message", posted, std::chrono::seconds(120));
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    int matches = CountEvents(server, "watch.match", 1 << 30, std::chrono::seconds(2));
    double rss = tgmux::testing::RssKiB(server.process().pid()) / 1024.0;
    state.counters["posted_per_s"] = posted / post_seconds;
    state.counters["watched_per_s"] = watched / seconds;
    state.counters["matches"] = matches;
    state.counters["tgmux_rss_MiB"] = rss;
    std::printf("watch end to end: 1000 rules, %d group messages posted through tgsim at %.0f/s; %d watch.message "
                "events in %.1f s (%.0f/s end to end), %d matches stored; tgmux RSS %.1f MiB\n",
                posted, posted / post_seconds, watched, seconds, watched / seconds, matches, rss);
    if (watched != posted) state.SkipWithError("some messages were not watched");
  }
}
BENCHMARK(WatchEndToEnd)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
