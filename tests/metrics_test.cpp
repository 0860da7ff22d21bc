// End-to-end: /metrics of a real tgmux that has been used (a login, sends held
// by Telegram, a failed send, a flood wait, a failing webhook, an SSE
// consumer, a 404) shows what operators watch, with the values they would
// expect, and Debian's `promtool check metrics` finds nothing to complain
// about (docs/metrics.md).
#include <fstream>

#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/stream_clients.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15550007001";
constexpr const char* kBob = "+15550007002";

// Runs `promtool check metrics` on `text`; returns its exit status and what it printed.
std::pair<int, std::string> Promtool(const std::string& text) {
  TempDir dir;
  auto input = dir.path() / "metrics.txt";
  std::ofstream(input) << text;
  Process promtool({build_paths::kPromtool, "check", "metrics"}, {}, dir.path(), input);
  int status = promtool.Wait(std::chrono::seconds(30));
  return {status, promtool.Stdout() + promtool.Stderr()};
}

class MetricsPageTest : public LinkedGatewayTest {
 protected:
  std::optional<double> Value(const std::string& series) { return MetricValue(gateway_->Anonymous(), series); }
  // Waits until `series` has exactly `value`.
  bool Becomes(const std::string& series, double value, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    return WaitUntil([&] { return Value(series) == value; }, timeout);
  }
  HttpResponse Send(const std::string& account, const std::string& to, const std::string& text) {
    return http().Request("POST", "/v1/accounts/" + account + "/messages", json{{"to", to}, {"text", text}}.dump());
  }
  double Depth() { return Value("tgmux_outbox_entries{state=\"queued\"}").value_or(-1) +
                          Value("tgmux_outbox_entries{state=\"sending\"}").value_or(-1); }
};

TEST(PromtoolTest, ComplainsAboutACounterWithoutTotalAndAFamilyWithoutHelp) {
  // The checker the next test relies on does fail on what it must catch.
  auto [status, output] = Promtool("# TYPE demo_requests counter\ndemo_requests 1\n");
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("demo_requests"), std::string::npos) << output;
  auto clean = Promtool("# HELP demo_requests_total Requests\n# TYPE demo_requests_total counter\n"
                        "demo_requests_total 1\n");
  EXPECT_EQ(clean.first, 0) << clean.second;
}

TEST_F(MetricsPageTest, AnExercisedGatewayShowsWhatOperatorsWatchAndPassesPromtool) {
  StartGateway({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}});
  CreateUser(kAnn, "Ann");
  CreateUser(kBob, "Bob", {{"username", "bob_m"}});
  std::string account = Link(kAnn)["id"];
  EXPECT_TRUE(Becomes("tgmux_accounts{status=\"active\"}", 1));
  EXPECT_EQ(Value("tgmux_outbox_entries{state=\"queued\"}"), 0.0);
  EXPECT_EQ(Value("tgmux_outbox_oldest_queued_age_seconds"), 0.0);
  EXPECT_EQ(Value("tgmux_outbox_sends_total{outcome=\"sent\"}"), 0.0);

  // An SSE consumer is counted while it is connected.
  const std::string bearer = "Bearer " + owner_["access_token"].get<std::string>();
  SseClient sse;
  ASSERT_TRUE(sse.Connect(gateway_->port(), "/v1/events/stream", {{"Authorization", bearer}})) << sse.status();
  EXPECT_TRUE(Becomes("tgmux_event_consumers{transport=\"sse\"}", 1));
  EXPECT_EQ(Value("tgmux_event_consumers{transport=\"websocket\"}"), 0.0);
  {
    WsClient ws;
    ASSERT_TRUE(ws.Connect(gateway_->port(), "/v1/ws", {{"Authorization", bearer}})) << ws.status();
    EXPECT_TRUE(Becomes("tgmux_event_consumers{transport=\"websocket\"}", 1));
    ws.Close();
    EXPECT_TRUE(Becomes("tgmux_event_consumers{transport=\"websocket\"}", 0));
  }

  // A webhook whose receiver fails: its backlog grows, its failing time runs.
  WebhookReceiver receiver;
  receiver.SetStatuses({500});
  auto hook = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.sent"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string labels = "{webhook=\"" + hook.Json()["id"].get<std::string>() + "\",tenant=\"" +
                             owner_["user"]["tenant_id"].get<std::string>() + "\"}";
  EXPECT_TRUE(Becomes("tgmux_webhook_backlog_events" + labels, 0));
  EXPECT_EQ(Value("tgmux_webhooks{state=\"active\"}"), 1.0);

  // Telegram holds the first send for 6 s: the outbox's depth rises, and its
  // oldest queued entry ages.
  ASSERT_EQ(Control("POST", "/faults", {{"phone", kAnn}, {"method", "sendMessage"}, {"flood_wait", 6}}).status, 201);
  for (const char* text : {"one", "two", "three"}) ASSERT_EQ(Send(account, "@bob_m", text).status, 202);
  EXPECT_TRUE(WaitUntil([&] { return Depth() == 3; }, std::chrono::seconds(5))) << Depth();
  EXPECT_TRUE(Becomes("tgmux_outbox_entries{state=\"sending\"}", 1, std::chrono::seconds(5)));
  EXPECT_TRUE(WaitForMetric(gateway_->Anonymous(), "tgmux_outbox_oldest_queued_age_seconds", 1,
                            std::chrono::seconds(5)));
  EXPECT_TRUE(Becomes("tgmux_outbox_sends_total{outcome=\"sent\"}", 3, std::chrono::seconds(20)));
  EXPECT_EQ(Depth(), 0.0);
  EXPECT_EQ(Value("tgmux_outbox_oldest_queued_age_seconds"), 0.0);

  // A send that fails, counted by its code; a flood wait, counted with its seconds.
  ASSERT_EQ(Send(account, "@nobody_at_all", "lost").status, 202);
  EXPECT_TRUE(Becomes("tgmux_outbox_send_failures_total{code=\"peer_not_found\"}", 1));
  EXPECT_EQ(Value("tgmux_outbox_sends_total{outcome=\"failed\"}"), 1.0);
  ASSERT_EQ(Control("POST", "/faults", {{"phone", kAnn}, {"method", "sendMessage"},
                                        {"error", {{"code", 429}, {"message", "Too Many Requests: retry after 1"}}}})
                .status,
            201);
  ASSERT_EQ(Send(account, "@bob_m", "after the flood").status, 202);
  EXPECT_TRUE(Becomes("tgmux_outbox_flood_waits_total", 1));
  EXPECT_EQ(Value("tgmux_outbox_flood_wait_seconds_total"), 1.0);
  EXPECT_TRUE(Becomes("tgmux_outbox_sends_total{outcome=\"sent\"}", 4, std::chrono::seconds(15)));

  // Four message.sent events wait for the failing webhook.
  EXPECT_TRUE(Becomes("tgmux_webhook_backlog_events" + labels, 4));
  EXPECT_TRUE(WaitUntil([&] { return Value("tgmux_webhook_failing_seconds" + labels).value_or(0) > 0; },
                        std::chrono::seconds(10)));
  EXPECT_GE(Value("tgmux_webhook_deliveries_total{outcome=\"failed\"}").value_or(0), 1.0);

  // Some errors: no credentials, no such route.
  EXPECT_EQ(gateway_->Anonymous().Get("/v1/accounts").status, 401);
  EXPECT_EQ(http().Get("/v1/nothing").status, 404);

  // The whole page, as Prometheus would scrape it now.
  auto page = gateway_->Anonymous().Get("/metrics");
  ASSERT_EQ(page.status, 200);
  for (const char* family : {"tgmux_tdlib_requests_timed_out_total", "tgmux_events_processed_total",
                             "tgmux_event_write_failures_total"}) {
    EXPECT_NE(page.body.find(std::string("# TYPE ") + family + " counter\n"), std::string::npos) << family;
  }
  auto [status, output] = Promtool(page.body);
  EXPECT_EQ(status, 0) << output << "\n" << page.body;
  EXPECT_EQ(output, "") << page.body;

  // The receiver recovers: the backlog drains and the failing time ends.
  receiver.SetStatuses({200});
  EXPECT_TRUE(Becomes("tgmux_webhook_backlog_events" + labels, 0, std::chrono::seconds(30)));
  EXPECT_EQ(Value("tgmux_webhook_failing_seconds" + labels), 0.0);
  EXPECT_GE(Value("tgmux_webhook_deliveries_total{outcome=\"delivered\"}").value_or(0), 4.0);

  sse.Close();
  EXPECT_TRUE(Becomes("tgmux_event_consumers{transport=\"sse\"}", 0));
}

}  // namespace
}  // namespace tgmux::testing
