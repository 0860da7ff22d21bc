// End-to-end: account pools (docs/pools.md): accounts join and leave a pool by
// name, pools are listed with how many accounts may send now, a pool's
// settings are checked field by field, and a pool's messages go through the
// account it picks: sticky per person, fewest sends, limits and flood waits.
#include <set>

#include "tests/support/pool_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

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
  const nlohmann::json listed = sales.Json();  // kept: a range over a temporary's member would dangle
  for (const auto& account : listed["accounts"]) {
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

TEST_F(PoolsTest, APoolSendGoesToTheAccountWithFewestSendsAndStaysWithThePerson) {
  Pool({{"warmup_days", 0}});
  for (const char* phone : {"+15550006001", "+15550006002", "+15550006003", "+15550006004"}) CreateUser(phone, "Lead");
  std::set<std::string> first_round;
  for (const char* phone : {"+15550006001", "+15550006002", "+15550006003"}) first_round.insert(SentBy(phone, "Hello"));
  EXPECT_EQ(first_round.size(), 3u) << "each account sent one: the fewest sends go first";

  // The person who already talks to an account keeps it, over the pool's order.
  const std::string anna = SentBy("+15550006001", "Following up");
  EXPECT_EQ(SentBy("+15550006001", "And again"), anna);
  EXPECT_EQ(Counters(anna)["sent_today"], 3);
  EXPECT_EQ(Counters(anna)["sent_total"], 3);
  EXPECT_TRUE(Counters(anna)["last_used_at"].is_string());
  // A new person goes to one of the two that sent less.
  EXPECT_NE(SentBy("+15550006004", "Hello"), anna);

  // The same Idempotency-Key sends once, from the same account.
  auto once = PoolSend("+15550006004", "Only once", "campaign-1-lead-4");
  auto twice = PoolSend("+15550006004", "Only once", "campaign-1-lead-4");
  ASSERT_EQ(once.status, 200) << once.body;
  EXPECT_EQ(twice.Json()["id"], once.Json()["id"]);
  EXPECT_EQ(twice.Json()["account_id"], once.Json()["account_id"]);

  EXPECT_EQ(PoolSend("nobody at all", "x").status, 400);
  EXPECT_EQ(http().Request("POST", "/v1/pools/nowhere/messages", json{{"to", "@x"}, {"text", "x"}}.dump()).status,
            404);
}

TEST_F(PoolsTest, ReachedLimitsMoveSendsOnThenAnswer503WithRetryAfter) {
  Pool({{"daily_limit", 1}, {"warmup_days", 0}}, 2);
  for (const char* phone : {"+15550007001", "+15550007002", "+15550007003"}) CreateUser(phone, "Lead");
  const std::string first = SentBy("+15550007001", "Hello");
  const std::string second = SentBy("+15550007002", "Hello");
  EXPECT_NE(first, second) << "the first account reached its limit of 1";

  auto none = PoolSend("+15550007003", "Hello");
  ASSERT_EQ(none.status, 503) << none.body;
  EXPECT_EQ(none.Json()["code"], "no_account_available");
  const int retry = std::stoi(none.Header("retry-after"));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 24 * 3600) << "the next day, in the pool's time zone";
  EXPECT_TRUE(none.Json()["next_available_at"].is_string()) << none.body;
  auto pool = http().Get("/v1/pools/sales").Json();
  EXPECT_EQ(pool["available"], 0);
  EXPECT_EQ(pool["next_available_at"], none.Json()["next_available_at"]);
  EXPECT_EQ(Counters(first)["limit_today"], 1);

  // An account's own limit overrides its pool's; bad limits change nothing.
  auto raised = Patch("/v1/accounts/" + first, {{"limits", {{"daily_limit", 2}}}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(Counters(first)["limits"], json({{"daily_limit", 2}}));
  EXPECT_EQ(SentBy("+15550007003", "Hello"), first);
  auto bad = Patch("/v1/accounts/" + first, {{"limits", {{"daily_limit", 0}}}, {"display_name", "Renamed"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["detail"].get<std::string>().rfind("limits.daily_limit:", 0), 0u) << bad.body;
  EXPECT_NE(http().Get("/v1/accounts/" + first).Json()["display_name"], "Renamed");
}

TEST_F(PoolsTest, NewAccountsWarmUpAndCountersSurviveARestart) {
  Pool({{"daily_limit", 30}, {"warmup_days", 3}, {"warmup_first_day", 6}}, 1);
  CreateUser("+15550008001", "Lead");
  auto fresh = Counters(ids_[0]);
  EXPECT_EQ(fresh["warmup_day"], 1);
  EXPECT_EQ(fresh["limit_today"], 6) << "a new account starts at warmup_first_day";
  EXPECT_EQ(fresh["available"], true) << "warming is not a status";
  SentBy("+15550008001", "One");
  SentBy("+15550008001", "Two");

  StartGateway();
  auto after = Counters(ids_[0]);
  EXPECT_EQ(after["sent_today"], 2) << after;
  EXPECT_EQ(after["sent_total"], 2) << after;
}

TEST_F(PoolsTest, AFloodWaitingAccountIsPassedOverAndCounted) {
  Pool({{"warmup_days", 0}}, 2);
  for (const char* phone : {"+15550009001", "+15550009002", "+15550009003"}) CreateUser(phone, "Lead");
  const std::string waiting = ids_[0], other = ids_[1];
  ASSERT_EQ(Control("POST", "/faults", {{"phone", "+15550005001"}, {"method", "sendMessage"},
                                        {"error", {{"code", 429}, {"message", "Too Many Requests: retry after 600"}}}})
                .status,
            201);
  ASSERT_EQ(http().Request("POST", "/v1/accounts/" + waiting + "/messages",
                           json{{"to", "+15550009001"}, {"text", "direct"}}.dump()).status,
            202);
  ASSERT_EQ(PollAccount(waiting, "flood_wait")["status"], "flood_wait");

  EXPECT_EQ(SentBy("+15550009002", "Hello"), other);
  EXPECT_EQ(SentBy("+15550009003", "Hello"), other);
  auto counters = Counters(waiting);
  EXPECT_EQ(counters["available"], false);
  EXPECT_EQ(counters["flood_waits"], 1);
  EXPECT_TRUE(counters["blocked_until"].is_string()) << counters;
  EXPECT_EQ(counters["sent_today"], 1) << "its direct send counts too, waiting or not";
}

TEST_F(PoolsTest, LimitedAndBannedAccountsLeaveThePickAndAreCounted) {
  StartGateway({{"TGMUX_MONITOR_INTERVAL", "0.3"}});
  Pool({{"warmup_days", 0}});
  for (const char* phone : {"+15550014001", "+15550014002", "+15550014003"}) CreateUser(phone, "Lead");
  // Telegram's spam limit on the first account (met by a send to a stranger), a ban on the second.
  ASSERT_EQ(Control("POST", "/users/%2B15550005001/peer-flood", {{"on", true}}).status, 200);
  ASSERT_EQ(http().Request("POST", "/v1/accounts/" + ids_[0] + "/messages",
                           json{{"to", "+15550014001"}, {"text", "cold"}}.dump()).status,
            202);
  ASSERT_EQ(PollAccount(ids_[0], "limited")["status"], "limited");
  ASSERT_EQ(Control("POST", "/users/%2B15550005002/ban", {{"visible_error", true}}).status, 204);
  ASSERT_EQ(PollAccount(ids_[1], "banned")["status"], "banned");

  EXPECT_EQ(SentBy("+15550014002", "Hello"), ids_[2]);
  EXPECT_EQ(SentBy("+15550014003", "Hello"), ids_[2]);
  auto limited = Counters(ids_[0]);
  EXPECT_EQ(limited["available"], false);
  EXPECT_TRUE(limited["blocked_until"].is_string()) << "until TGMUX_LIMITED_HOURS have passed: " << limited;
  EXPECT_EQ(limited["sent_today"], 0) << "its refused message is taken back";
  auto banned = Counters(ids_[1]);
  EXPECT_EQ(banned["available"], false);
  EXPECT_EQ(banned["bans"], 1);
  EXPECT_EQ(MetricValue(http(), "tgmux_pool_available{pool=\"sales\"}"), 1.0);
}

TEST_F(PoolsTest, WithReassignAFirstMessageWaitingOnAFloodWaitMovesToAnotherAccount) {
  Pool({{"warmup_days", 0}, {"reassign_first_messages", true}}, 2);
  CreateUser("+15550013001", "Nina");
  // The pick takes the lower id first when nothing else differs: Telegram makes that one wait.
  const bool first_lower = ids_[0] < ids_[1];
  const std::string waiting = first_lower ? ids_[0] : ids_[1], other = first_lower ? ids_[1] : ids_[0];
  const std::string waiting_phone = first_lower ? "+15550005001" : "+15550005002";
  ASSERT_EQ(Control("POST", "/faults", {{"phone", waiting_phone}, {"method", "sendMessage"},
                                        {"error", {{"code", 429}, {"message", "Too Many Requests: retry after 600"}}}})
                .status,
            201);
  auto opened = http().Request("POST", "/v1/dialogs", json{{"pool", "sales"}, {"to", "+15550013001"}, {"text", "Hi Nina"}}.dump());
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(opened.Json()["account_id"], waiting);
  const std::string entry = opened.Json()["message"]["id"], dialog = opened.Json()["id"];

  json sent;
  ASSERT_TRUE(WaitUntil([&] {
    sent = http().Get("/v1/outbox/" + entry).Json();
    return sent["state"] == "sent";
  }, std::chrono::seconds(10))) << sent;
  EXPECT_EQ(sent["account_id"], other) << "sent by the account that was free";
  EXPECT_EQ(PollAccount(waiting, "flood_wait")["status"], "flood_wait");
  EXPECT_EQ(http().Get("/v1/dialogs/" + dialog).Json()["account_id"], other) << "the dialog went with it";
  EXPECT_EQ(SentBy("+15550013001", "Nina, following up"), other) << "and the person stays there";
  EXPECT_EQ(Counters(waiting)["sent_today"], 0);
  EXPECT_EQ(Counters(other)["sent_today"], 2);
}

}  // namespace
}  // namespace tgmux::testing
