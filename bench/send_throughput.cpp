// Sends through the whole outbox as issue #19 measures them (P2): 100 linked
// accounts, each sending to 10 chats, pacing off, the default durability
// (each row synced before the POST is answered). Prints one table:
// - throughput: wrk posts sends (32 connections, keep-alive) for a few seconds
//   without waiting; timed from the first POST until tgmux's counter of sent
//   messages has counted every accepted one;
// - cpu: what tgmux and tgsim used meanwhile (cores, and per send), and how
//   busy the whole machine was: they and the load generator share it;
// - latency: sends posted open-loop at 2,000/s, each with ?wait=60, timed from
//   its scheduled moment (not from when a client got to it) to the answer `sent`;
// - wal: how large SQLite's WAL grew meanwhile (bounded: it starts over);
// - tgsim alone: its raw rate between two clients (./sim_throughput).
//   ./build/send_throughput [seconds=3] [rate=2000]
//   TGMUX_STORE_SYNC=normal ./build/send_throughput   (commits not synced one by one)
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "bench/event_world.h"
#include "tests/support/http_load.h"
#include "tests/support/process.h"

namespace {

using namespace bench_events;
using tgmux::testing::Process;
using tgmux::testing::TempDir;

constexpr int kAccounts = 100;
constexpr int kChats = 10;  // recipients each account writes to: people kAccounts..kAccounts+kChats-1

// tgmux's count of messages the outbox has sent (-1: no answer).
long SentSoFar(const World& w) {
  auto metrics = w.server->http().Get("/metrics");
  std::smatch match;
  if (!std::regex_search(metrics.body, match, std::regex(R"(tgmux_outbox_sends_total\{outcome="sent"\} ([0-9]+))"))) {
    return -1;
  }
  return std::stol(match[1]);
}

std::string SendScript(const World& w) {
  std::string script = "local accounts = {";
  for (const auto& id : w.accounts) script += "\"" + id + "\",";
  script += "}\nlocal chats = {";
  for (int c = 0; c < kChats; ++c) script += "\"" + Phone(kAccounts + c) + "\",";
  script += "}\nlocal headers = {[\"Content-Type\"] = \"application/json\", [\"Authorization\"] = \"Bearer " +
            w.token + "\"}\n";
  script += R"(local n = 0
request = function()
  n = n + 1
  local account = accounts[n % #accounts + 1]
  local chat = chats[math.floor(n / #accounts) % #chats + 1]
  return wrk.format("POST", "/v1/accounts/" .. account .. "/messages", headers,
                    '{"to":"' .. chat .. '","text":"load ' .. n .. '"}')
end
)";
  return script;
}

// The machine's busy and total CPU time so far (all cores), in ticks.
std::pair<long, long> MachineTicks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  long value = 0, total = 0, idle = 0;
  for (int i = 1; i <= 8 && in >> value; ++i) {
    total += value;
    if (i == 4 || i == 5) idle += value;  // idle, iowait
  }
  return {total - idle, total};
}

void ThroughputRow(const World& w, int seconds) {
  const long before = SentSoFar(w);
  const pid_t tgmux = w.server->process().pid(), tgsim = w.sim->pid();
  const double tgmux_before = CpuSeconds(tgmux), tgsim_before = CpuSeconds(tgsim);
  const auto machine_before = MachineTicks();
  tgmux::testing::WrkOptions options;
  options.connections = 32;
  options.seconds = seconds;
  options.script = SendScript(w);
  const auto started = Clock::now();
  auto wrk = tgmux::testing::RunWrk("http://127.0.0.1:" + std::to_string(w.server->port()) + "/", options);
  const long accepted = wrk.requests - wrk.non_2xx;
  long sent = before;
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while ((sent = SentSoFar(w)) - before < accepted && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a measuring window, not synchronisation
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const double rate = static_cast<double>(sent - before) / elapsed;
  std::printf("sends     %d accounts x %d chats, wrk 32 connections for %d s: %ld accepted (%ld refused), %ld sent "
              "in %.2f s: %.0f/s   target >= 10000/s   %s\n",
              kAccounts, kChats, seconds, accepted, wrk.non_2xx, sent - before, elapsed, rate, Met(rate >= 10000));
  // Where the CPU went meanwhile: tgmux, tgsim and the load generator share the machine.
  const double tgmux_cpu = CpuSeconds(tgmux) - tgmux_before, tgsim_cpu = CpuSeconds(tgsim) - tgsim_before;
  const auto machine_after = MachineTicks();
  const double busy = static_cast<double>(machine_after.first - machine_before.first) /
                      static_cast<double>(std::max(1L, machine_after.second - machine_before.second));
  const double sends = static_cast<double>(std::max(1L, sent - before));
  std::printf("cpu       meanwhile: tgmux %.2f cores (%.0f us a send), tgsim %.2f cores (%.0f us a send); the machine "
              "%.0f%% busy of %ld cores\n",
              tgmux_cpu / elapsed, tgmux_cpu / sends * 1e6, tgsim_cpu / elapsed, tgsim_cpu / sends * 1e6, busy * 100,
              sysconf(_SC_NPROCESSORS_ONLN));
}

void LatencyRow(const World& w, int rate, int seconds) {
  const int total = rate * seconds;
  std::vector<double> latencies;
  std::mutex mutex;
  std::atomic<int> next{0}, failed{0};
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 128; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < total; i = next++) {
        const auto scheduled = start + std::chrono::microseconds(static_cast<long>(i) * 1000000 / rate);
        std::this_thread::sleep_until(scheduled);  // open loop: the schedule, not the answers, sets the pace
        nlohmann::json body = {{"to", Phone(kAccounts + (i / kAccounts) % kChats)}, {"text", "paced " + std::to_string(i)}};
        auto answer = w.server->http().Request("POST", "/v1/accounts/" + w.accounts[i % kAccounts] + "/messages?wait=60",
                                               body.dump(), {{"Content-Type", "application/json"}});
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - scheduled).count();
        if (answer.status != 200 || answer.Json().value("state", "") != "sent") {
          ++failed;
          continue;
        }
        std::lock_guard lock(mutex);
        latencies.push_back(ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(latencies.begin(), latencies.end());
  const double p99 = Percentile(latencies, 0.99);
  std::printf("latency   %d/s for %d s, open loop, POST ?wait=60 until sent: %zu sent (%d not)  p50 %.2f ms  p99 %.2f ms  "
              "max %.2f ms   target p99 <= 20 ms   %s\n",
              rate, seconds, latencies.size(), failed.load(), Percentile(latencies, 0.5), p99,
              latencies.empty() ? 0.0 : latencies.back(), Met(failed == 0 && p99 <= 20));
}

// SQLite's WAL after both rows: its file keeps the largest size it reached.
void WalRow(const World& w) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(w.server->data_dir() / "tgmux.db-wal", ec);
  if (ec) return;  // not SQLite, or no WAL
  std::printf("wal       SQLite's WAL at its largest: %.0f MiB   (it starts over at 64 MiB: about that plus one "
              "checkpoint's worth)\n",
              static_cast<double>(bytes) / (1 << 20));
}

void SimRow() {
  const auto dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  TempDir logs;
  Process sim({(dir / "sim_throughput").string(), "--benchmark_filter=BM_MessagesBetweenTwoClients/100",
               "--benchmark_format=json"},
              {}, logs.path());
  std::smatch match;
  const std::string out = sim.Wait(std::chrono::seconds(120)) == 0 ? sim.Stdout() : "";
  if (!std::regex_search(out, match, std::regex(R"("items_per_second": ([0-9.e+]+))"))) {
    std::printf("tgsim     sim_throughput did not run\n");
    return;
  }
  const double rate = std::stod(match[1]);
  std::printf("tgsim     alone, 100 messages at a time between two clients (sim_throughput): %.0f/s   "
              "target above the sends' 10000/s   %s\n",
              rate, Met(rate > 10000));
}

}  // namespace

int main(int argc, char** argv) {
  // Numbers only: run-benches also passes Google Benchmark's flags.
  std::vector<int> numbers;
  for (int i = 1; i < argc; ++i) {
    if (std::isdigit(static_cast<unsigned char>(argv[i][0]))) numbers.push_back(std::stoi(argv[i]));
  }
  const int seconds = numbers.size() > 0 ? numbers[0] : 3;
  const int rate = numbers.size() > 1 ? numbers[1] : 2000;
  std::map<std::string, std::string> env = {{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"},
                                            {"TGMUX_OUTBOX_GROUP_PER_MINUTE", "0"},
                                            {"TGMUX_LOG_LEVEL", "warn"},
                                            {"TGMUX_LIMIT_LOGINS_TENANT", "1000000/60"}};
  // TGMUX_STORE_SYNC=normal ./build/send_throughput: the same without a sync per commit.
  if (const char* sync = std::getenv("TGMUX_STORE_SYNC")) env["TGMUX_STORE_SYNC"] = sync;
  std::printf("store sync: %s\n", env.contains("TGMUX_STORE_SYNC") ? env["TGMUX_STORE_SYNC"].c_str() : "full (default)");
  World w;
  if (!StartWorld(w, kAccounts + kChats, kAccounts, env)) {
    std::printf("tgmux, tgsim or the %d logins did not start\n", kAccounts);
    return 1;
  }
  ThroughputRow(w, seconds);
  LatencyRow(w, rate, seconds);
  WalRow(w);
  SimRow();
  return 0;
}
