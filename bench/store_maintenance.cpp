// The store's maintenance commands on an installation of 50,000 events (each
// with ~300 bytes of sealed data) and 1,000 accounts: `tgmux migrate` (rows
// copied per second from SQLite into PostgreSQL) and `tgmux rotate-master-key`
// (values re-sealed per second, in batches of 500, on SQLite and on
// PostgreSQL). Prints the figures; no goal is set by the issue.
//   ./build/store_maintenance
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>

#include "crypto/keys.h"
#include "store/rekey/rotation.h"
#include "store/store.h"
#include "store/transfer/copy.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace {

using namespace tgmux;
using Clock = std::chrono::steady_clock;

constexpr int kEvents = 50000;
constexpr int kAccounts = 1000;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

void Populate(const std::filesystem::path& path, const crypto::Envelope& key) {
  auto store = store::OpenSqliteStore(path);
  store->SetMeta(store::rekey::kKeyCheckMetaKey, key.MakeKeyCheck());
  for (int i = 0; i < kAccounts; ++i) {
    store::Account a;
    a.id = "acc_" + std::to_string(i);
    a.wrapped_data_key = key.WrapDataKey(crypto::SecretKey::Random(), a.id);
    a.phone_sealed = a.td_key_sealed = std::string(72, 'x');
    store->InsertAccount(a);
  }
  const std::string data(300, 'd');
  for (int i = 0; i < kEvents; i += 100) {
    std::vector<store::Event> batch;
    for (int j = i; j < i + 100; ++j) {
      const std::string id = "evt_" + std::to_string(j);
      batch.push_back({"default", 0, id, "message.received", "acc_1", j, "", key.SealRecord("event", id, data)});
    }
    store->AppendEvents(std::move(batch));
  }
}

void StoreMaintenance(benchmark::State& state) {
  for (auto _ : state) {
    tgmux::testing::TempDir dir;
    const auto path = dir.path() / "tgmux.db";
    crypto::Envelope first{crypto::SecretKey::Random()}, second{crypto::SecretKey::Random()};
    Populate(path, first);

    const std::string target = tgmux::testing::NewPostgresDatabase();
    auto began = Clock::now();
    std::int64_t rows = 0;
    for (const auto& c : store::transfer::CopySqliteToPostgres({path, target, {}})) rows += c.rows;
    const double copy_rate = static_cast<double>(rows) / Seconds(began);

    store::rekey::RotationOptions sqlite;
    sqlite.sqlite = path;
    began = Clock::now();
    auto on_sqlite = store::rekey::RotateMasterKey(sqlite, first, second);
    const double sqlite_rate = static_cast<double>(on_sqlite.resealed) / Seconds(began);

    store::rekey::RotationOptions postgres;
    postgres.postgres = target;
    began = Clock::now();
    auto on_postgres = store::rekey::RotateMasterKey(postgres, first, second);
    const double postgres_rate = static_cast<double>(on_postgres.resealed) / Seconds(began);

    state.counters["copied_rows_per_s"] = copy_rate;
    state.counters["resealed_per_s_sqlite"] = sqlite_rate;
    state.counters["resealed_per_s_postgres"] = postgres_rate;
    std::printf("store_maintenance: migrate copied %lld rows at %.0f rows/s; rotate-master-key re-sealed %lld values "
                "at %.0f values/s on SQLite and %lld at %.0f values/s on PostgreSQL\n",
                static_cast<long long>(rows), copy_rate, static_cast<long long>(on_sqlite.resealed), sqlite_rate,
                static_cast<long long>(on_postgres.resealed), postgres_rate);
  }
}
BENCHMARK(StoreMaintenance)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
