// The store alone, without HTTP or TDLib: event appends per second (100 events
// a transaction; all in one tenant, or each thread its own) and outbox inserts
// per second with 1, 8 and 32 writer threads, and account reads per second from 1 and 8 threads while one writer
// appends, on SQLite (commits synced: the default TGMUX_STORE_SYNC=full, and
// TGMUX_STORE_SYNC=normal) and on a private PostgreSQL (synchronous_commit=on).
// Prints each row beside SQLite's figure before the connection pools (one
// connection behind one lock, commits not synced) and the targets.
//   ./build/store_throughput [seconds per row, 2 by default]
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace {

namespace store = tgmux::store;
using Clock = std::chrono::steady_clock;

double g_seconds = 2;
constexpr int kAccounts = 100;
constexpr int kEventsPerAppend = 100;
const std::string kData(200, 'x');  // about a sealed message.received

// SQLite's rates with one connection behind one lock and commits not synced
// (the commit before this store had pools: 936777e^), measured with this
// benchmark built against that commit, on this machine, at 2 s a row:
// {workload, threads} -> per second (0: not measured then).
const std::map<std::pair<std::string, int>, double> kBefore = {
    {{"event appends", 1}, 107730},  {{"event appends", 8}, 112308},  {{"event appends", 32}, 112583},
    {{"appends, own tenant", 8}, 0}, {{"appends, own tenant", 32}, 0},
    {{"outbox inserts", 1}, 10033},  {{"outbox inserts", 8}, 11136},  {{"outbox inserts", 32}, 12040},
    {{"account reads", 1}, 16618},   {{"account reads", 8}, 25593},   {{"sends' rows", 1}, 0},
};

std::atomic<std::int64_t> g_unique{0};
std::string Unique(const char* prefix) { return prefix + std::to_string(++g_unique); }

// Runs `threads` threads for g_seconds, each calling `work` (which returns the
// operations it did) until time is up; returns operations per second.
template <typename Work>
double Rate(int threads, Work work) {
  std::atomic<std::int64_t> ops{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> running;
  const auto began = Clock::now();
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      std::int64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) mine += work(t);
      ops += mine;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(g_seconds));
  stop = true;
  for (auto& thread : running) thread.join();
  return static_cast<double>(ops.load()) / std::chrono::duration<double>(Clock::now() - began).count();
}

// Appends 100 events of `tenant` in one call (one transaction).
int AppendEvents(store::Store& s, const std::string& tenant = "default") {
  std::vector<store::Event> batch(kEventsPerAppend);
  for (auto& e : batch) {
    e.tenant_id = tenant;
    e.id = Unique("evt_");
    e.type = "message.received";
    e.account_id = "acc_bench_1";
    e.created_at = 1700000000000;
    e.data = kData;
  }
  s.AppendEvents(std::move(batch));
  return kEventsPerAppend;
}

int InsertOutbox(store::Store& s) {
  store::OutboxEntry entry;
  entry.id = Unique("msg_");
  entry.tenant_id = "default";
  entry.account_id = "acc_bench_1";
  entry.idempotency_key = entry.id;
  entry.to = kData.substr(0, 40);
  entry.text = kData;
  entry.created_at = entry.updated_at = 1700000000;
  return s.InsertOutbox(entry) ? 1 : 0;
}

// 32 sends' rows as the outbox's journal writes them under load: one write
// with each new entry and its `sending` state, then one with each `sent` state
// and its message.sent event.
int SendRows(store::Store& s) {
  constexpr int kSends = 32;
  std::vector<store::OutboxWrite> queued, sent;
  for (int i = 0; i < kSends; ++i) {
    store::OutboxEntry entry;
    entry.id = Unique("msg_");
    entry.tenant_id = "default";
    entry.account_id = "acc_bench_" + std::to_string(i % 8);
    entry.to = kData.substr(0, 40);
    entry.text = kData;
    entry.created_at = entry.updated_at = 1700000000;
    queued.push_back({entry, store::OutboxWrite::Kind::kInsert, {}});
    entry.state = store::OutboxState::kSending;
    entry.attempts = 1;
    queued.push_back({entry, store::OutboxWrite::Kind::kState, {}});
    entry.state = store::OutboxState::kSent;
    entry.message_id = 1 << 20;
    store::Event event{"default", 0, Unique("evt_"), "message.sent", entry.account_id, 1700000000000, "", kData};
    sent.push_back({entry, store::OutboxWrite::Kind::kState, {event}});
  }
  s.WriteOutbox(queued, nullptr);
  s.WriteOutbox(sent, nullptr);
  return kSends;
}

void AddAccounts(store::Store& s) {
  for (int i = 0; i < kAccounts; ++i) {
    store::Account a;
    a.id = "acc_read_" + std::to_string(i);
    a.display_name = "Reader " + std::to_string(i);
    a.phone_masked = "+1555*****00";
    a.created_at = a.updated_at = 1700000000;
    s.InsertAccount(a);
  }
}

struct Row {
  std::string workload;
  int threads;
  double rate;
};

std::vector<Row> Measure(store::Store& s) {
  std::vector<Row> rows;
  // One tenant's seqs are handed out one transaction at a time (its counter
  // row is locked until the commit); several tenants' commits overlap.
  for (int threads : {1, 8, 32}) rows.push_back({"event appends", threads, Rate(threads, [&](int) { return AppendEvents(s); })});
  for (int threads : {8, 32}) {
    rows.push_back({"appends, own tenant", threads,
                    Rate(threads, [&](int t) { return AppendEvents(s, "tenant_" + std::to_string(t)); })});
  }
  for (int threads : {1, 8, 32}) rows.push_back({"outbox inserts", threads, Rate(threads, [&](int) { return InsertOutbox(s); })});
  rows.push_back({"sends' rows", 1, Rate(1, [&](int) { return SendRows(s); })});
  AddAccounts(s);
  for (int threads : {1, 8}) {
    // One more thread appends throughout; only the readers are counted.
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      while (!stop) AppendEvents(s);
    });
    const double rate = Rate(threads, [&](int t) {
      static thread_local unsigned next = 0;
      return s.FindAccount("acc_read_" + std::to_string((next++ + t) % kAccounts)) ? 1 : 0;
    });
    stop = true;
    writer.join();
    rows.push_back({"account reads", threads, rate});
  }
  return rows;
}

std::string Met(bool met) { return met ? "met" : "NOT MET"; }

void Print(const std::string& store_name, const std::vector<Row>& rows, bool sqlite) {
  for (const auto& row : rows) {
    const double before = kBefore.at({row.workload, row.threads});
    std::string target;
    if (!sqlite && row.workload.find("appends") != std::string::npos) target = ">= 20000/s: " + Met(row.rate >= 20000);
    if (sqlite && row.workload != "account reads" && before > 0) {
      target = ">= before: " + Met(row.rate >= before);
    }
    if (sqlite && row.workload == "account reads" && row.threads == 8 && before > 0) {
      target = ">= 4x before: " + Met(row.rate >= 4 * before);
    }
    std::printf("%-22s %-19s %3d threads %11.0f/s   before pools %9.0f/s   %s\n", store_name.c_str(),
                row.workload.c_str(), row.threads, row.rate, before, target.c_str());
  }
  std::fflush(stdout);
}

void StoreThroughput(benchmark::State& state) {
  for (auto _ : state) {
    for (auto durability : {store::Durability::kSynced, store::Durability::kNormal}) {
      tgmux::testing::TempDir dir;
      auto s = store::OpenSqliteStore(dir.path() / "tgmux.db", durability);
      Print("sqlite sync=" + std::string(store::DurabilityName(durability)), Measure(*s), true);
    }
    // A server of its own that syncs, unlike the suite's.
    using tgmux::testing::PostgresServer;
    const auto pg_dir = std::filesystem::temp_directory_path() / ("tgmux-store-bench-" + std::to_string(::getpid()));
    PostgresServer::Start(pg_dir, true);
    struct Stopper {
      std::filesystem::path dir;
      ~Stopper() { PostgresServer::Stop(dir); }
    } stopper{pg_dir};
    auto pg = store::OpenPostgresStore(PostgresServer::Conninfo(pg_dir, "postgres"), 8);
    const auto rows = Measure(*pg);
    Print("postgres sync=full", rows, false);
    for (const auto& row : rows) {
      if (row.workload == "event appends") state.counters["pg_appends_" + std::to_string(row.threads)] = row.rate;
    }
  }
}
BENCHMARK(StoreThroughput)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_seconds = std::atof(argv[1]);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
