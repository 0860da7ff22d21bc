// A small Prometheus registry: counters kept here, gauges and counters read
// from collectors at scrape time. Every family gets `# HELP` and `# TYPE`.
// Conventions (docs/metrics.md): counters end in `_total`, units are in the
// name (`_seconds`, `_bytes`), label values come from bounded sets. Thread-safe.
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
    // A monotonic value the collector keeps itself; `name` must end in `_total`.
    void Counter(const std::string& name, const std::string& help, const std::string& labels, double value);

   private:
    friend class Metrics;
    struct Family {
      std::string help;
      const char* type = "gauge";
      std::vector<std::string> samples;
    };
    void Add(const std::string& name, const std::string& help, const char* type, const std::string& labels,
             double value);
    std::map<std::string, Family> families_;
  };
  using Collector = std::function<void(Writer&)>;

  // Adds `delta` to a counter series (`name` ends in `_total`), creating it.
  void Increment(const std::string& name, const std::string& help, const std::string& labels,
                 std::uint64_t delta = 1);
  // Creates the series at 0 when it does not exist yet, so that a scrape shows
  // it before its first event (a rate over a series that appears late loses
  // its first increments).
  void Declare(const std::string& name, const std::string& help, const std::string& labels) {
    Increment(name, help, labels, 0);
  }
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

// Escapes a label value for the exposition format, quotes included.
std::string LabelValue(const std::string& value);

}  // namespace tgmux
