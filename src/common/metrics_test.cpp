#include "common/metrics.h"

#include <gtest/gtest.h>

namespace tgmux {
namespace {

TEST(MetricsTest, EveryFamilyHasHelpAndItsType) {
  Metrics metrics;
  metrics.Increment("demo_requests_total", "Requests", "route=\"/a\"");
  metrics.Declare("demo_failures_total", "Failures", "");
  metrics.AddCollector([](Metrics::Writer& w) {
    w.Gauge("demo_depth", "Depth by state", "state=\"queued\"", 3);
    w.Counter("demo_seen_total", "Seen since start", "", 7);
  });
  auto text = metrics.Render();
  EXPECT_NE(text.find("# HELP demo_requests_total Requests\n# TYPE demo_requests_total counter\n"
                      "demo_requests_total{route=\"/a\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE demo_failures_total counter\ndemo_failures_total 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE demo_depth gauge\ndemo_depth{state=\"queued\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE demo_seen_total counter\ndemo_seen_total 7\n"), std::string::npos) << text;
}

TEST(MetricsTest, NumbersKeepTheirPrecisionAndHelpIsEscaped) {
  Metrics metrics;
  metrics.AddCollector([](Metrics::Writer& w) {
    w.Gauge("demo_uptime_seconds", "Up\\time\nline two", "", 1234567.25);
    w.Gauge("demo_ratio", "A ratio", "", 0.5);
  });
  auto text = metrics.Render();
  EXPECT_NE(text.find("demo_uptime_seconds 1234567.25\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# HELP demo_uptime_seconds Up\\\\time\\nline two\n"), std::string::npos) << text;
  EXPECT_NE(text.find("demo_ratio 0.5\n"), std::string::npos) << text;
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(LabelValue("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
}

}  // namespace
}  // namespace tgmux
