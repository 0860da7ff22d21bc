// The pick of a pool's account in process (src/service/pools/pool_index.h):
// 10,000 accounts in one pool, each with a daily limit of 40 (400,000 sends
// a day in all), a tenth of them in a flood wait that ends during the run and
// a few unusable (revoked). Each pick takes the account with the fewest sends
// today and counts its send, as POST /v1/pools/{name}/messages does, until
// every account reached its limit. Prints picks per second (goal: at least
// 50,000) and the same with 100 accounts: a pick that scanned the pool would
// be 100 times slower with 10,000.
//   ./build/pool_pick
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <limits>
#include <string>

#include "service/pools/pool_index.h"

namespace {

using tgmux::service::pools::PoolIndex;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kStart = 1'800'000'000;
constexpr int kLimit = 40;

void PoolPick(benchmark::State& state) {
  const int accounts = static_cast<int>(state.range(0));
  double rate = 0;
  long picks = 0;
  for (auto _ : state) {
    PoolIndex index;
    for (int i = 0; i < accounts; ++i) {
      PoolIndex::Member m;
      m.id = "acc_" + std::to_string(i);
      m.usable = i % 97 != 0;                            // ~1% revoked
      m.blocked_until = i % 10 == 3 ? kStart + i % 600 : 0;  // 10% in a flood wait of up to 10 minutes
      m.limit_today = kLimit;
      m.last_used = kStart - 86400 + i;
      index.Put(m, kStart);
    }
    picks = 0;
    std::int64_t now = kStart;
    const auto began = Clock::now();
    // The clock moves a second every 1,000 picks, so the flood waits end on the way.
    for (;;) {
      const auto* m = index.Pick(now);
      if (m == nullptr) {
        // Only accounts in a flood wait are left: on to when the first ends.
        const std::int64_t at = index.NextAvailableAt(std::numeric_limits<std::int64_t>::max());
        if (at == 0 || at == std::numeric_limits<std::int64_t>::max()) break;
        now = at;
        continue;
      }
      index.Count(m->id, +1, now);
      if (++picks % 1000 == 0) ++now;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
    rate = static_cast<double>(picks) / seconds;
    const long expected = static_cast<long>(accounts - (accounts + 96) / 97) * kLimit;
    if (picks != expected) state.SkipWithError("the pool did not send its whole day's limit");
  }
  state.counters["picks"] = static_cast<double>(picks);
  state.counters["picks_per_s"] = rate;
  std::printf("pool_pick: %d accounts, %ld picks until every limit was reached: %.0f picks/s (goal >= 50000)\n",
              accounts, picks, rate);
}
BENCHMARK(PoolPick)->Arg(100)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
