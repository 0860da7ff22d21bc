#include "common/metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace tgmux {
namespace {

std::string Sample(const std::string& name, const std::string& labels, const std::string& value) {
  return labels.empty() ? name + " " + value : name + "{" + labels + "} " + value;
}

// The shortest text that reads back as the same double (no rounding of large
// counters or of uptime), in the exposition format's spelling of the specials.
std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// HELP text escapes backslashes and line feeds.
std::string HelpText(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Header(const std::string& name, const std::string& help, const char* type) {
  return "# HELP " + name + " " + HelpText(help) + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Metrics::Writer::Add(const std::string& name, const std::string& help, const char* type,
                          const std::string& labels, double value) {
  auto& family = families_[name];
  family.help = help;
  family.type = type;
  family.samples.push_back(Sample(name, labels, Number(value)));
}

void Metrics::Writer::Gauge(const std::string& name, const std::string& help, const std::string& labels,
                            double value) {
  Add(name, help, "gauge", labels, value);
}

void Metrics::Writer::Counter(const std::string& name, const std::string& help, const std::string& labels,
                              double value) {
  Add(name, help, "counter", labels, value);
}

void Metrics::Increment(const std::string& name, const std::string& help, const std::string& labels,
                        std::uint64_t delta) {
  std::lock_guard lock(mutex_);
  auto& family = counters_[name];
  family.help = help;
  family.values[labels] += delta;
}

void Metrics::AddCollector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
  std::string out;
  Writer writer;
  std::lock_guard lock(mutex_);
  for (const auto& collector : collectors_) collector(writer);
  // One family per name: a collector's family of the same name as a counter
  // kept here adds its samples under the counter's header.
  for (const auto& [name, family] : counters_) {
    out += Header(name, family.help, "counter");
    for (const auto& [labels, value] : family.values) out += Sample(name, labels, std::to_string(value)) + "\n";
    if (auto more = writer.families_.find(name); more != writer.families_.end()) {
      for (const auto& line : more->second.samples) out += line + "\n";
      writer.families_.erase(more);
    }
  }
  for (const auto& [name, family] : writer.families_) {
    out += Header(name, family.help, family.type);
    for (const auto& line : family.samples) out += line + "\n";
  }
  return out;
}

std::string LabelValue(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace tgmux
