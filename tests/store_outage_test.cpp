// End-to-end: PostgreSQL stops under a running tgmux and starts again, under
// load (sends posted and messages received all along). Routes that need the
// store answer 503 store_unavailable with Retry-After and /readyz says not
// ready; every send answered 202 is delivered once, every refused one can be
// posted again with its Idempotency-Key; messages received meanwhile reach the
// event log exactly once — from the memory buffer, or read back from Telegram
// when the buffer (TGMUX_EVENT_BUFFER) was full; tgmux recovers by itself.
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/outbox_fixture.h"
#include "tests/support/postgres_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class StoreOutageTest : public OutboxFixture {
 protected:
  void SetUp() override {
    OutboxFixture::SetUp();
    PostgresServer::Start(pg_dir_);
  }
  void TearDown() override {
    if (gateway_) gateway_->Stop(SIGKILL);
    PostgresServer::Stop(pg_dir_);
  }
  // tgmux on this test's own PostgreSQL (the suite's server must stay up).
  void PrepareOnPostgres(Env extra = {}) {
    extra["TGMUX_STORE"] = PostgresServer::Conninfo(pg_dir_, "postgres");
    Prepare(std::move(extra));
  }
  // Bob writes to Ann.
  void Say(const std::string& text) {
    auto sent = Control("POST", "/messages", {{"from", kBob}, {"to", kAnn}, {"text", text}});
    ASSERT_EQ(sent.status, 201) << sent.body.dump();
  }
  // The texts of every message.received in the log, in log order, polling
  // until `count` are there; checks that seq has no gap.
  std::vector<std::string> ReceivedTexts(std::size_t count) {
    std::vector<std::string> texts;
    std::int64_t after = 0;
    std::string last;
    WaitUntil(
        [&] {
          auto page = http().Get("/v1/events?limit=500&after=" + std::to_string(after));
          last = std::to_string(page.status) + " " + page.body;
          if (page.status != 200) return false;
          const json body = page.Json();
          for (const auto& event : body["items"]) {
            EXPECT_EQ(event["seq"].get<std::int64_t>(), after + 1) << event.dump();
            after = event["seq"].get<std::int64_t>();
            if (event["type"] == "message.received") texts.push_back(event["data"]["message"]["text"]);
          }
          return texts.size() >= count;
        },
        std::chrono::seconds(30));
    EXPECT_GE(texts.size(), count) << "the last page: " << last;
    return texts;
  }
  bool Ready() { return gateway_->Anonymous().Get("/readyz").status == 200; }

  const std::filesystem::path pg_dir_ =
      std::filesystem::temp_directory_path() / ("tgmux-outage-" + std::to_string(::getpid()));
};

TEST_F(StoreOutageTest, RoutesAnswer503WhileItIsAwayAndNothingAcceptedIsLost) {
  PrepareOnPostgres({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}});  // the load's sends all go to Bob
  ASSERT_EQ(SendAndWait({{"to", "@bob"}, {"text", "before"}})["state"], "sent");
  Say("heard before");

  // Load all along: a client posting sends with its own keys, one at a time.
  std::atomic<bool> stop{false};
  std::atomic<bool> store_up{true};
  std::mutex mutex;
  std::map<std::string, std::string> accepted;  // key -> outbox id
  std::vector<std::string> refused;             // keys answered 503
  std::map<int, int> statuses;
  std::thread load([&] {
    // At most one accepted send in 4 attempts while the store is up: the
    // client keeps posting, but the queue stays small enough to drain fast.
    for (int i = 0; !stop; ++i) {
      const std::string key = "load-" + std::to_string(i);
      if (i % 4 != 0 && store_up) continue;
      auto answer = Send({{"to", "@bob"}, {"text", "load " + std::to_string(i)}}, "", key);
      std::lock_guard lock(mutex);
      ++statuses[answer.status];
      if (answer.status == 202) accepted[key] = answer.Json()["id"];
      // Retried below: a few of the 503s.
      if (answer.status == 503 && statuses[503] <= 5) refused.push_back(key);
    }
  });
  auto count_of = [&](int status) {
    std::lock_guard lock(mutex);
    return statuses[status];
  };
  ASSERT_TRUE(WaitUntil([&] { return count_of(202) >= 5; }, std::chrono::seconds(20)));

  ASSERT_EQ(http().Get("/v1/accounts/" + account_).status, 200);  // read once: kept in memory
  store_up = false;
  PostgresServer::Halt(pg_dir_);
  auto accounts = http().Get("/v1/accounts");
  EXPECT_EQ(accounts.status, 503) << accounts.body;
  EXPECT_EQ(accounts.Json()["code"], "store_unavailable") << accounts.body;
  EXPECT_EQ(accounts.Header("retry-after"), "5");
  // A read answered from memory (the account was read before, nothing changed it) needs no store.
  EXPECT_EQ(http().Get("/v1/accounts/" + account_).status, 200);
  EXPECT_EQ(gateway_->Anonymous().Get("/readyz").status, 503);
  for (int i = 0; i < 5; ++i) Say("heard while away " + std::to_string(i));
  EXPECT_TRUE(WaitUntil([&] { return count_of(503) >= 3; }, std::chrono::seconds(20)))
      << gateway_->process().Stderr();

  const int accepted_before = count_of(202);
  PostgresServer::Resume(pg_dir_);
  ASSERT_TRUE(WaitUntil([&] { return Ready(); }, std::chrono::seconds(30))) << gateway_->process().Stderr();
  store_up = true;
  // tgmux takes sends again by itself.
  EXPECT_TRUE(WaitUntil([&] { return count_of(202) >= accepted_before + 3; }, std::chrono::seconds(20)));
  stop = true;
  load.join();

  // Only 202 and 503: every request answered, nothing half-done, no 500.
  for (const auto& [status, count] : statuses) {
    EXPECT_TRUE(status == 202 || status == 503) << status << " x" << count;
  }
  EXPECT_GE(statuses[503], 3);
  // Every accepted send is delivered. Each refused one, posted again with its
  // key as a client would, ends as exactly one message.
  for (const auto& [key, id] : accepted) {
    ASSERT_EQ(Settled(id, std::chrono::seconds(60))["state"], "sent") << key << gateway_->process().Stderr();
  }
  std::map<std::string, std::string> retried;  // text -> key
  for (const auto& key : refused) {
    const std::string text = "retried " + key;
    auto again = Send({{"to", "@bob"}, {"text", text}}, "", key);
    ASSERT_EQ(again.status, 202) << again.body;
    EXPECT_EQ(Settled(again.Json()["id"])["state"], "sent") << key;
    auto same = Send({{"to", "@bob"}, {"text", text}}, "", key);
    EXPECT_EQ(same.Json()["id"], again.Json()["id"]) << key;
    retried[text] = key;
  }
  std::map<std::string, int> delivered;
  for (const auto& message : Received(kBob)) ++delivered[message.value("text", "")];
  for (const auto& [text, times] : delivered) EXPECT_EQ(times, 1) << text;
  // A refused send was not sent under its first text, or, when the store
  // took it as the connection broke (a 503 whose commit went through), its
  // retry is that same entry: never a second message.
  for (const auto& [text, key] : retried) {
    const std::string first = "load " + key.substr(std::string("load-").size());
    EXPECT_EQ(delivered[text] + delivered[first], 1) << key;
  }

  // What Bob said while the store was away is in the log once, in order.
  auto texts = ReceivedTexts(6);
  std::vector<std::string> expected = {"heard before"};
  for (int i = 0; i < 5; ++i) expected.push_back("heard while away " + std::to_string(i));
  EXPECT_EQ(texts, expected);
}

TEST_F(StoreOutageTest, ReceivedMessagesBeyondTheBufferAreReadBackWhenItReturns) {
  PrepareOnPostgres({{"TGMUX_EVENT_BUFFER", "100"}});
  Say("first");
  ASSERT_EQ(ReceivedTexts(1), std::vector<std::string>{"first"});

  PostgresServer::Halt(pg_dir_);
  constexpr int kMessages = 160;
  for (int i = 0; i < kMessages; ++i) Say("while away " + std::to_string(i));
  auto dropped = [&] {
    auto metrics = gateway_->Anonymous().Get("/metrics").body;
    return metrics.find("tgmux_events_dropped_total{type=\"message.received\",recovered=\"gap_recovery\"}") !=
           std::string::npos;
  };
  EXPECT_TRUE(WaitUntil(dropped, std::chrono::seconds(20))) << gateway_->Anonymous().Get("/metrics").body;

  PostgresServer::Resume(pg_dir_);
  auto texts = ReceivedTexts(kMessages + 1);
  ASSERT_EQ(texts.size(), static_cast<std::size_t>(kMessages) + 1) << gateway_->process().Stderr();
  std::set<std::string> distinct(texts.begin(), texts.end());
  EXPECT_EQ(distinct.size(), texts.size());  // none twice
  for (int i = 0; i < kMessages; ++i) EXPECT_TRUE(distinct.count("while away " + std::to_string(i))) << i;
  auto log = gateway_->process().Stderr();
  EXPECT_NE(log.find("further events are dropped until it is back"), std::string::npos) << log;
}

}  // namespace
}  // namespace tgmux::testing
