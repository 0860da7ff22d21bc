#include "tests/support/wait.h"

#include <sstream>
#include <thread>

namespace tgmux::testing {

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::optional<double> MetricValue(const tgmux::HttpClient& client, const std::string& series) {
  std::istringstream lines(client.Get("/metrics").body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

bool WaitForMetric(const tgmux::HttpClient& client, const std::string& series, double value,
                   std::chrono::milliseconds timeout) {
  return WaitUntil([&] { return MetricValue(client, series).value_or(value - 1) >= value; }, timeout);
}

}  // namespace tgmux::testing
