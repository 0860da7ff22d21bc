// End-to-end: account pools (docs/pools.md), the first part: accounts join and
// leave a pool by name, pools are listed with how many accounts may send now,
// and a pool's settings are checked field by field.
#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class PoolsTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway();
    for (const char* phone : {"+15550005001", "+15550005002", "+15550005003"}) {
      CreateUser(phone, "Seller");
      ids_.push_back(Link(phone)["id"]);
    }
  }
  HttpResponse Patch(const std::string& path, const json& body) {
    return http().Request("PATCH", path, body.dump());
  }
  std::vector<std::string> ids_;
};

TEST_F(PoolsTest, AccountsJoinAPoolAndThePoolCountsThoseThatMaySend) {
  for (int i = 0; i < 2; ++i) {
    auto joined = Patch("/v1/accounts/" + ids_[i], {{"pool", "sales"}});
    ASSERT_EQ(joined.status, 200) << joined.body;
    EXPECT_EQ(joined.Json()["pool"], "sales");
  }
  ASSERT_EQ(Patch("/v1/accounts/" + ids_[2], {{"pool", "support"}}).status, 200);
  EXPECT_TRUE(http().Get("/v1/accounts/" + ids_[0]).Json()["pool"] == "sales");

  auto pools = http().Get("/v1/pools").Json()["items"];
  ASSERT_EQ(pools.size(), 2u) << pools;
  EXPECT_EQ(pools[0]["name"], "sales");
  EXPECT_EQ(pools[0]["accounts"], 2);
  EXPECT_EQ(pools[0]["available"], 2);
  EXPECT_EQ(pools[0]["settings"]["daily_limit"], 40) << "the defaults";
  EXPECT_EQ(pools[1]["name"], "support");

  // A disabled account stays in its pool but may not send.
  ASSERT_EQ(Patch("/v1/accounts/" + ids_[1], {{"disabled", true}}).status, 200);
  auto sales = http().Get("/v1/pools/sales");
  ASSERT_EQ(sales.status, 200) << sales.body;
  EXPECT_EQ(sales.Json()["available"], 1);
  ASSERT_EQ(sales.Json()["accounts"].size(), 2u);
  for (const auto& account : sales.Json()["accounts"]) {
    EXPECT_EQ(account["available"], account["id"] == ids_[0]) << account;
  }

  // null leaves the pool; a pool with no accounts and no settings is gone.
  ASSERT_EQ(Patch("/v1/accounts/" + ids_[2], {{"pool", nullptr}}).status, 200);
  EXPECT_TRUE(http().Get("/v1/accounts/" + ids_[2]).Json()["pool"].is_null());
  EXPECT_EQ(http().Get("/v1/pools/support").status, 404);
  EXPECT_EQ(http().Get("/v1/pools").Json()["items"].size(), 1u);
}

TEST_F(PoolsTest, SettingsAreCheckedFieldByField) {
  auto set = Patch("/v1/pools/outreach", {{"daily_limit", 25}, {"warmup_days", 10}, {"timezone", "Europe/Berlin"},
                                          {"reassign_first_messages", true}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.Json()["settings"]["daily_limit"], 25);
  EXPECT_EQ(set.Json()["settings"]["timezone"], "Europe/Berlin");
  EXPECT_EQ(set.Json()["accounts"].size(), 0u) << "a pool may exist with settings only";
  auto kept = Patch("/v1/pools/outreach", {{"warmup_first_day", 3}});
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.Json()["settings"]["daily_limit"], 25) << "unnamed fields stay";

  struct Bad {
    json body;
    std::string field;
  };
  for (const auto& bad : std::vector<Bad>{{{{"daily_limit", 0}}, "daily_limit"},
                                          {{{"daily_limit", "many"}}, "daily_limit"},
                                          {{{"timezone", "Mars/Olympus"}}, "timezone"},
                                          {{{"timezone", "../../etc/passwd"}}, "timezone"},
                                          {{{"warmup_days", -1}}, "warmup_days"},
                                          {{{"colour", "red"}}, "colour"}}) {
    auto refused = Patch("/v1/pools/outreach", bad.body);
    EXPECT_EQ(refused.status, 400) << bad.body;
    EXPECT_EQ(refused.Json()["detail"].get<std::string>().rfind(bad.field + ":", 0), 0u) << refused.body;
  }
  EXPECT_EQ(http().Get("/v1/pools/outreach").Json()["settings"]["daily_limit"], 25) << "nothing changed";
  EXPECT_EQ(Patch("/v1/pools/bad%20name", {{"daily_limit", 5}}).status, 400);
  EXPECT_EQ(Patch("/v1/accounts/" + ids_[0], {{"pool", "no spaces"}}).status, 400);
  EXPECT_EQ(Patch("/v1/accounts/" + ids_[0], {{"pool", 7}}).status, 400);
}

}  // namespace
}  // namespace tgmux::testing
