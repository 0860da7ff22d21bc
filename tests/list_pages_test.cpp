// End-to-end: every list route has one shape, {"items": [...], "next_cursor"},
// takes `limit` and `cursor`, refuses bad ones naming them, and pages through
// everything exactly once. Chat lists, history and unread (which need a linked
// account) are paged in chats_test.cpp.
#include <gtest/gtest.h>

#include <set>

#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kListRoutes = {"/v1/accounts", "/v1/api-keys", "/v1/tenant/members",
                                              "/v1/tenant/invites", "/v1/audit", "/v1/webhooks",
                                              "/v1/routes", "/v1/events?timeout=0"};

std::string With(const std::string& route, const std::string& parameter) {
  return route + (route.find('?') == std::string::npos ? "?" : "&") + parameter;
}

class ListPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.process().Stderr();
    server_.SignInOwner();
  }
  const HttpClient& http() const { return server_.http(); }

  void ExpectRefused(const std::string& target, const std::string& names) const {
    auto answer = http().Get(target);
    ASSERT_EQ(answer.status, 400) << target << ": " << answer.body;
    EXPECT_EQ(answer.Json()["code"], "invalid_request") << target;
    EXPECT_NE(answer.Json()["detail"].get<std::string>().find(names), std::string::npos) << target << ": "
                                                                                          << answer.body;
  }

  // Every item of `route`, `limit` at a time, following next_cursor.
  std::vector<json> Walk(const std::string& route, int limit) const {
    std::vector<json> items;
    std::string target = With(route, "limit=" + std::to_string(limit));
    for (int page = 0; page < 100; ++page) {
      auto answer = http().Get(target);
      EXPECT_EQ(answer.status, 200) << target << ": " << answer.body;
      json body = answer.Json();
      EXPECT_LE(body["items"].size(), static_cast<std::size_t>(limit));
      for (const auto& item : body["items"]) items.push_back(item);
      if (body["next_cursor"].is_null()) break;
      target = With(route, "limit=" + std::to_string(limit) + "&cursor=" + body["next_cursor"].get<std::string>());
    }
    return items;
  }

  TgmuxServer server_;
};

TEST_F(ListPagesTest, EveryListRouteAnswersItemsAndNextCursorOnly) {
  for (const auto& route : kListRoutes) {
    auto answer = http().Get(route);
    ASSERT_EQ(answer.status, 200) << route << ": " << answer.body;
    json body = answer.Json();
    EXPECT_TRUE(body["items"].is_array()) << route << ": " << answer.body;
    EXPECT_TRUE(body.contains("next_cursor")) << route << ": " << answer.body;
    EXPECT_EQ(body.size(), 2u) << route << " answers more than items and next_cursor: " << answer.body;
  }
}

TEST_F(ListPagesTest, BadLimitsAndCursorsAreRefusedByName) {
  for (const auto& route : kListRoutes) {
    ExpectRefused(With(route, "limit=0"), "limit");
    ExpectRefused(With(route, "limit=100000"), "limit");
    ExpectRefused(With(route, "limit=ten"), "limit");
    ExpectRefused(With(route, "cursor=not-a-cursor"), "cursor");
  }
}

TEST_F(ListPagesTest, SmallPagesGoThroughEverythingOnce) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http().Post("/v1/api-keys", {{"name", "key" + std::to_string(i)}}).status, 201);
  for (int i = 0; i < 3; ++i) {
    auto invited = http().Post("/v1/tenant/members", {{"email", "op" + std::to_string(i) + "@example.test"}});
    ASSERT_EQ(invited.status, 201) << invited.body;
  }
  for (int i = 0; i < 2; ++i) {
    auto hook = http().Post("/v1/webhooks", {{"url", "http://127.0.0.1:9/hook" + std::to_string(i)}});
    ASSERT_EQ(hook.status, 201) << hook.body;
  }
  for (const std::string route : {"/v1/api-keys", "/v1/tenant/invites", "/v1/webhooks", "/v1/audit", "/v1/routes"}) {
    auto all = http().Get(With(route, "limit=500")).Json()["items"];
    ASSERT_GE(all.size(), 2u) << route;
    for (int limit : {1, 2}) {
      auto walked = Walk(route, limit);
      EXPECT_EQ(json(walked), all) << route << " in pages of " << limit;
    }
  }
  EXPECT_EQ(http().Get("/v1/tenant/invites").Json()["items"].size(), 3u);
}

TEST_F(ListPagesTest, EventCursorIsNeverNullAndAfterIsItsSynonym) {
  auto first = http().Get("/v1/events?timeout=0").Json();
  ASSERT_TRUE(first["next_cursor"].is_string()) << first;
  std::string cursor = first["next_cursor"];
  auto again = http().Get("/v1/events?timeout=0&cursor=" + cursor).Json();
  EXPECT_EQ(again["next_cursor"], cursor) << "an empty poll hands its cursor back";
  auto by_after = http().Get("/v1/events?timeout=0&after=" + cursor).Json();
  EXPECT_EQ(by_after["next_cursor"], cursor);
  ExpectRefused("/v1/events?timeout=0&after=x", "after");
  ExpectRefused("/v1/events?timeout=0&cursor=1&after=2", "cursor");
}

}  // namespace
}  // namespace tgmux::testing
