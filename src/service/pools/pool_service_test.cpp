// PoolService in process on an injected clock: a new account's limit rises
// day by day through its warm-up, the day's counters roll over at midnight in
// the pool's time zone (not UTC's), sends made before start are counted from
// the outbox, and the pick takes the account with the fewest sends today.
#include "service/pools/pool_service.h"

#include <gtest/gtest.h>

#include "service/services.h"
#include "tests/support/in_process.h"

namespace tgmux::service {
namespace {

constexpr std::int64_t kHour = 3600, kDay = 24 * kHour;
// 2026-03-10 14:30 UTC: 23:30 in Tokyo, half an hour before its next day.
constexpr std::int64_t kT0 = 1773153000;

class PoolServiceDays : public ::testing::Test {
 protected:
  void SetUp() override {
    infra_ = testing::InProcessInfrastructure(dir_);
    auto& store = infra_->store();
    store.PutPool({"default", "sales",
                   R"({"daily_limit":20,"warmup_days":4,"warmup_first_day":4,"timezone":"Asia/Tokyo"})", 1, 1});
    AddAccount("acc_new", kT0 - kHour);    // linked today (Tokyo)
    AddAccount("acc_old", kT0 - 30 * kDay);  // long warmed up
    for (int i = 0; i < 3; ++i) AddEntry("acc_new", store::OutboxState::kSent, kT0 - 10 * 60);
    AddEntry("acc_new", store::OutboxState::kFailed, kT0 - 5 * 60);  // not counted
    AddEntry("acc_old", store::OutboxState::kSent, kT0 - kDay);     // yesterday: total only
    services_ = std::make_unique<Services>(*infra_, MessageShapes{});
    services_->pools.SetClock([this] { return now_; });
  }
  void TearDown() override { services_.reset(); }

  void AddAccount(const std::string& id, std::int64_t linked_at) {
    auto a = testing::StoredAccount(id, linked_at);
    a.pool = "sales";
    infra_->store().InsertAccount(a);
  }
  void AddEntry(const std::string& account, store::OutboxState state, std::int64_t at) {
    store::OutboxEntry e;
    e.id = "msg_" + std::to_string(next_++);
    e.tenant_id = "default";
    e.account_id = account;
    e.to = e.text = "sealed";
    e.state = state;
    e.created_at = e.updated_at = at;
    ASSERT_TRUE(infra_->store().InsertOutbox(e));
  }
  nlohmann::json Account(const std::string& id) {
    const auto pool = services_->pools.Get("default", "sales");
    for (const auto& a : pool["accounts"]) {
      if (a["id"] == id) return a;
    }
    return nullptr;
  }

  testing::TempDir dir_;
  std::unique_ptr<Infrastructure> infra_;
  std::unique_ptr<Services> services_;
  std::int64_t now_ = kT0;
  int next_ = 0;
};

TEST_F(PoolServiceDays, WarmUpRisesDayByDayAndCountersRollOverAtTheZonesMidnight) {
  auto fresh = Account("acc_new");
  EXPECT_EQ(fresh["warmup_day"], 1);
  EXPECT_EQ(fresh["limit_today"], 4);
  EXPECT_EQ(fresh["sent_today"], 3) << "counted from the outbox; the failed one is not";
  EXPECT_EQ(fresh["sent_total"], 3);
  EXPECT_EQ(Account("acc_old")["limit_today"], 20);
  EXPECT_EQ(Account("acc_old")["sent_today"], 0) << "yesterday's send";
  EXPECT_EQ(Account("acc_old")["sent_total"], 1);

  // One more for the new account reaches its limit of 4: it is not available.
  AddEntry("acc_new", store::OutboxState::kSent, kT0);  // as if sent before (the store only)
  services_->pools.SetClock([this] { return now_; });
  EXPECT_EQ(Account("acc_new")["available"], false);
  auto pool = services_->pools.Get("default", "sales");
  EXPECT_EQ(pool["available"], 1);
  EXPECT_EQ(pool["next_available_at"], "2026-03-10T15:00:00Z") << "Tokyo's midnight";

  // An hour later it is the next day in Tokyo (still the 10th in UTC).
  now_ = kT0 + kHour;
  auto next = Account("acc_new");
  EXPECT_EQ(next["sent_today"], 0);
  EXPECT_EQ(next["warmup_day"], 2);
  EXPECT_EQ(next["limit_today"], 8);
  EXPECT_EQ(next["available"], true);
  EXPECT_EQ(services_->pools.Get("default", "sales")["day_started_at"], "2026-03-10T15:00:00Z");

  now_ = kT0 + kHour + 2 * kDay;
  EXPECT_EQ(Account("acc_new")["limit_today"], 16);
  now_ = kT0 + kHour + 3 * kDay;
  EXPECT_EQ(Account("acc_new")["warmup_day"], 5);
  EXPECT_EQ(Account("acc_new")["limit_today"], 20) << "warmed up";
}

TEST_F(PoolServiceDays, ThePickTakesFewestSendsTodayAndKeepsAPersonOnTheirAccount) {
  EXPECT_EQ(services_->pools.Assign("default", "sales", "@first"), "acc_old") << "0 sends today against 3";
  EXPECT_EQ(services_->pools.Assign("default", "sales", "@first"), "acc_old");
  EXPECT_EQ(services_->pools.Assign("default", "sales", "@FIRST"), "acc_old") << "a username in any case";
  EXPECT_THROW(services_->pools.Assign("default", "sales", "not a person"), Error);
  EXPECT_THROW(services_->pools.Assign("default", "nowhere", "@first"), Error);
}

}  // namespace
}  // namespace tgmux::service
