#include "common/metrics.h"

#include <sstream>

namespace tgmux {
namespace {

std::string Sample(const std::string& name, const std::string& labels, const std::string& value) {
  return labels.empty() ? name + " " + value : name + "{" + labels + "} " + value;
}

std::string Number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

void Metrics::Writer::Gauge(const std::string& name, const std::string& help, const std::string& labels,
                            double value) {
  auto& family = families_[name];
  family.first = help;
  family.second.push_back(Sample(name, labels, Number(value)));
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
  for (const auto& [name, family] : counters_) {
    out += "# HELP " + name + " " + family.help + "\n# TYPE " + name + " counter\n";
    for (const auto& [labels, value] : family.values) out += Sample(name, labels, std::to_string(value)) + "\n";
  }
  for (const auto& collector : collectors_) collector(writer);
  for (const auto& [name, family] : writer.families_) {
    out += "# HELP " + name + " " + family.first + "\n# TYPE " + name + " gauge\n";
    for (const auto& line : family.second) out += line + "\n";
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
