// A small Prometheus registry: counters kept here, gauges read from collectors
// at scrape time. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tgmux {

class Metrics {
 public:
  // Writes lines of the text exposition format for one scrape.
  class Writer {
   public:
    // `labels` is the inside of the braces, e.g. `state="ready"` (may be empty).
    void Gauge(const std::string& name, const std::string& help, const std::string& labels, double value);

   private:
    friend class Metrics;
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> families_;
  };
  using Collector = std::function<void(Writer&)>;

  void Increment(const std::string& name, const std::string& help, const std::string& labels,
                 std::uint64_t delta = 1);
  void AddCollector(Collector collector);
  // The whole exposition text.
  std::string Render() const;

 private:
  struct Family {
    std::string help;
    std::map<std::string, std::uint64_t> values;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> counters_;
  std::vector<Collector> collectors_;
};

// Escapes a label value for the exposition format.
std::string LabelValue(const std::string& value);

}  // namespace tgmux
