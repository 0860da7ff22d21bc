// Phone logins through one tgmux against the simulator while many accounts are
// already linked: the cost of a login must not grow with them. For each level
// of --linked the run first links accounts until that many exist (untimed,
// through the same API, --clients at a time), then times --logins more phone
// logins by --clients concurrent clients (each POSTs a login, reads its code
// from the simulated world and submits it) and reports logins/s. One tgsim and
// one tgmux serve the whole run, so the levels compare within one run; the last
// line gives the rate at the highest level as a share of the lowest.
//   ./build/login_throughput --linked=1000,10000 --logins=1000 --clients=64
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/parallel.h"
#include "tests/support/tgmux_server.h"

namespace {

using tgmux::testing::ForEach;
using tgmux::testing::TgmuxServer;

struct Options {
  std::vector<int> linked = {1000, 10000};
  int logins = 1000;
  int clients = 64;
};

// "+1555" and seven digits: numbers of the simulated world only.
std::string Phone(int i) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%07d", i);
  return std::string("+1555") + digits;
}

class Harness {
 public:
  Harness()
      : server_({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim_.address()},
                 {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
                 {"TGMUX_LIMIT_LOGINS_TENANT", "1000000/60"}}) {
    started_ = server_.Start() && !server_.SignInOwner().is_null();
  }

  bool started() const { return started_; }
  int linked() const { return linked_; }
  long RssMiB() { return tgmux::testing::RssKiB(server_.process().pid()) / 1024; }

  // Creates the next `count` people in the simulated world (not yet linked).
  void CreatePeople(int count) {
    ForEach(created_, created_ + count, 8, [&](int i) {
      return sim_.Control("POST", "/users", {{"phone", Phone(i)}, {"first_name", "Load"}}).status == 201;
    });
    created_ += count;
  }

  // Links the people created and not yet linked, `clients` at a time; returns
  // how many logins finished.
  int LinkCreated(int clients) {
    int done = ForEach(next_to_link_, created_, clients, [&](int i) { return LinkOne(i); });
    next_to_link_ = created_;
    linked_ += done;
    return done;
  }

 private:
  bool LinkOne(int i) {
    auto started = server_.http().Post("/v1/logins", {{"method", "phone"}, {"phone", Phone(i)}});
    if (started.status != 201) return false;
    std::string id = started.Json()["id"];
    std::string code = sim_.Control("GET", "/users/" + Phone(i) + "/code").body.value("code", "");
    auto done = server_.http().Post("/v1/logins/" + id + "/code", {{"code", code}});
    return done.status == 200 && done.Json()["state"] == "done";
  }

  tgsim::testing::TgsimProcess sim_{TGSIM_BINARY};
  TgmuxServer server_;
  bool started_ = false;
  int created_ = 0, next_to_link_ = 0, linked_ = 0;
};

Options options;
std::map<int, double> rate_at;  // linked accounts -> logins/s

void LoginsWithLinked(benchmark::State& state, int level) {
  static Harness harness;
  if (!harness.started()) return state.SkipWithError("tgmux did not start");
  for (auto _ : state) {
    state.PauseTiming();
    if (level > harness.linked()) {
      harness.CreatePeople(level - harness.linked());
      harness.LinkCreated(options.clients);
    }
    state.counters["linked_at_start"] = harness.linked();
    harness.CreatePeople(options.logins);
    state.ResumeTiming();
    auto started = std::chrono::steady_clock::now();
    int done = harness.LinkCreated(options.clients);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (done != options.logins) state.SkipWithError("not every login finished");
    rate_at[level] = done / seconds;
    state.counters["logins_done"] = done;
    state.counters["seconds"] = seconds;
    state.counters["logins_per_s"] = rate_at[level];
    state.counters["tgmux_rss_MiB"] = static_cast<double>(harness.RssMiB());
  }
}

std::vector<int> ParseList(const char* text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

// Takes --linked=, --logins= and --clients= out of argv; the rest is Google Benchmark's.
void ParseOptions(int& argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (std::strncmp(arg, "--linked=", 9) == 0) options.linked = ParseList(arg + 9);
    else if (std::strncmp(arg, "--logins=", 9) == 0) options.logins = std::stoi(arg + 9);
    else if (std::strncmp(arg, "--clients=", 10) == 0) options.clients = std::stoi(arg + 10);
    else argv[kept++] = argv[i];
  }
  argc = kept;
}

}  // namespace

int main(int argc, char** argv) {
  ParseOptions(argc, argv);
  std::sort(options.linked.begin(), options.linked.end());
  for (int level : options.linked) {
    benchmark::RegisterBenchmark(("LoginsWithLinked/" + std::to_string(level)).c_str(), LoginsWithLinked, level)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (rate_at.size() >= 2 && rate_at.begin()->second > 0) {
    auto low = *rate_at.begin(), high = *rate_at.rbegin();
    std::printf("logins/s with %d linked: %.1f; with %d linked: %.1f (%.0f%% of it); %d clients\n", low.first,
                low.second, high.first, high.second, 100.0 * high.second / low.second, options.clients);
  }
  return 0;
}
