// Running one job over many indexes on a few threads (benchmarks, load tests).
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace tgmux::testing {

// Runs job(i) for every i in [from, to) on `threads` threads; returns how many succeeded.
inline int ForEach(int from, int to, int threads, const std::function<bool(int)>& job) {
  std::atomic<int> next{from}, succeeded{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < to; i = next++) succeeded += job(i) ? 1 : 0;
    });
  }
  for (auto& w : workers) w.join();
  return succeeded;
}

}  // namespace tgmux::testing
