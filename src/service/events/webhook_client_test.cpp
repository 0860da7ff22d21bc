#include "service/events/webhook_client.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/stream_clients.h"

namespace tgmux::service {
namespace {

using tgmux::testing::WebhookReceiver;

PostOutcome Post(const WebhookReceiver& receiver, const std::string& body) {
  auto url = ParseWebhookUrl(receiver.Url());
  return PostJson(*url, {{"X-Tgmux-Event-Id", body}}, body, std::chrono::seconds(5));
}

TEST(WebhookClientTest, DeliveriesFromOneThreadShareOneConnection) {
  WebhookReceiver receiver;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Post(receiver, "{\"n\":" + std::to_string(i) + "}").status, 200);
  auto requests = receiver.WaitFor(5, std::chrono::seconds(5));
  ASSERT_EQ(requests.size(), 5u);
  for (const auto& r : requests) EXPECT_EQ(r.connection, requests.front().connection) << r.body;
  EXPECT_EQ(requests[3].body, "{\"n\":3}");
}

TEST(WebhookClientTest, AConnectionTheReceiverClosedIsReplacedAndNothingIsLost) {
  WebhookReceiver receiver;
  receiver.CloseAfterEachAnswer();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Post(receiver, "{\"n\":" + std::to_string(i) + "}").status, 200) << i;
  auto requests = receiver.WaitFor(4, std::chrono::seconds(5));
  ASSERT_EQ(requests.size(), 4u) << "each delivered once";
  std::set<int> connections;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].body, "{\"n\":" + std::to_string(i) + "}");
    connections.insert(requests[i].connection);
  }
  EXPECT_EQ(connections.size(), 4u);
}

TEST(WebhookClientTest, AReceiverThatIsGoneIsAnErrorNotAHang) {
  int port = 0;
  {
    WebhookReceiver receiver;
    EXPECT_EQ(Post(receiver, "{}").status, 200);  // a connection is kept to it
    port = receiver.port();
  }
  auto url = ParseWebhookUrl("http://127.0.0.1:" + std::to_string(port) + "/hook");
  auto outcome = PostJson(*url, {}, "{}", std::chrono::seconds(5));
  EXPECT_EQ(outcome.status, 0);
  EXPECT_FALSE(outcome.error.empty());
}

}  // namespace
}  // namespace tgmux::service
