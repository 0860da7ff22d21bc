// End-to-end under load: 1,000 sends through one pool of 20 accounts, each
// to a different person, with tgmux killed (-9) in the middle and the clients
// retrying every send with its Idempotency-Key afterwards. Every entry ends
// sent or failed, nobody gets a message twice, the sends spread evenly over
// the accounts, and the pool's counters agree with the outbox.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "tests/support/linked_gateway.h"
#include "tests/support/parallel.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr int kAccounts = 20;
constexpr int kSends = 1000;

std::string Phone(const char* prefix, int i) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%04d", i);
  return std::string(prefix) + digits;
}

class PoolLoadTest : public LinkedGatewayTest {};

TEST_F(PoolLoadTest, AKillMinusNineInTheMiddleOfAThousandPoolSendsSendsEachOnceAndCountsRight) {
  const Env env = {{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}};
  StartGateway(env);
  ASSERT_EQ(http().Request("PATCH", "/v1/pools/bulk", json{{"daily_limit", 100}, {"warmup_days", 0}}.dump()).status, 200);
  std::map<std::string, std::string> seller_of;  // account id -> its number
  for (int a = 0; a < kAccounts; ++a) {
    CreateUser(Phone("+1555004", a), "Seller" + std::to_string(a));
    std::string id = Link(Phone("+1555004", a))["id"];
    seller_of[id] = Phone("+1555004", a);
    ASSERT_EQ(http().Request("PATCH", "/v1/accounts/" + id, json{{"pool", "bulk"}}.dump()).status, 200);
  }
  ASSERT_EQ(ForEach(0, kSends, 8, [&](int i) { return CreateUser(Phone("+1555005", i), "Lead").contains("user_id"); }),
            kSends);

  // Every send is tried until it has an answer; kill -9 once 300 were taken.
  std::mutex mutex;
  std::map<int, std::string> entries;  // send -> outbox entry id
  std::atomic<int> accepted{0};
  auto send = [&](int i) {
    auto answer = http().Request("POST", "/v1/pools/bulk/messages",
                                 json{{"to", Phone("+1555005", i)}, {"text", "Offer " + std::to_string(i)}}.dump(),
                                 {{"Idempotency-Key", "campaign-" + std::to_string(i)}});
    if (answer.status != 202) return false;
    std::lock_guard lock(mutex);
    auto [it, fresh] = entries.emplace(i, answer.Json()["id"].get<std::string>());
    EXPECT_EQ(it->second, answer.Json()["id"]) << "a retried send answers its first entry";
    accepted += fresh ? 1 : 0;
    return true;
  };
  std::thread senders([&] { ForEach(0, kSends, 8, send); });
  ASSERT_TRUE(WaitUntil([&] { return accepted >= 300; }, std::chrono::seconds(60)));
  gateway_->Stop(SIGKILL);
  EXPECT_LT(accepted, kSends) << "the kill came in the middle";
  senders.join();
  StartGateway(env);
  ASSERT_EQ(ForEach(0, kSends, 8, send), kSends) << "every send, retried with its key, has its entry";
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kSends));

  // Every entry ends sent or failed (at most once: in flight at the kill -> failed).
  std::map<std::string, int> sent_by, failed_by;
  std::map<int, json> final;  // send -> its entry
  ASSERT_TRUE(WaitUntil([&] {
    sent_by.clear();
    failed_by.clear();
    for (const auto& [i, id] : entries) {
      auto entry = http().Get("/v1/outbox/" + id).Json();
      if (entry["state"] == "sent") ++sent_by[entry["account_id"]];
      else if (entry["state"] == "failed") ++failed_by[entry["account_id"]];
      else return false;
      final[i] = entry;
    }
    return true;
  }, std::chrono::seconds(120)));
  int sent = 0, failed_total = 0;
  for (const auto& [account, n] : sent_by) sent += n;
  for (const auto& [account, n] : failed_by) failed_total += n;
  EXPECT_GE(sent, kSends - 8 * 8) << "only what was in flight at the kill may fail";

  // Nobody got the offer twice; everyone whose entry was sent got it once,
  // from the account the entry names.
  int received = ForEach(0, kSends, 8, [&](int i) {
    const json& entry = final.at(i);
    const std::string seller = seller_of.at(entry["account_id"]);
    auto messages = Control("GET", "/users/%2B" + Phone("+1555005", i).substr(1) + "/messages?with=%2B" + seller.substr(1))
                        .body["messages"];
    EXPECT_LE(messages.size(), 1u) << Phone("+1555005", i) << ": " << messages;
    // A failed entry was in flight at the kill with no outcome since: it may
    // have reached the person (at most once, never twice).
    if (entry["state"] == "sent") EXPECT_EQ(messages.size(), 1u) << Phone("+1555005", i);
    return messages.size() == 1;
  });
  EXPECT_GE(received, sent);
  EXPECT_LE(received - sent, failed_total);

  // The sends spread over the accounts, and the counters say what the outbox says.
  auto pool = http().Get("/v1/pools/bulk").Json();
  ASSERT_EQ(pool["accounts"].size(), static_cast<std::size_t>(kAccounts));
  for (const auto& account : pool["accounts"]) {
    const std::string id = account["id"];
    EXPECT_EQ(account["sent_total"], sent_by[id]) << id;
    EXPECT_EQ(account["sent_today"], sent_by[id]) << id << " (failed entries are taken back)";
    EXPECT_GE(sent_by[id] + failed_by[id], kSends / kAccounts - 10) << id << ": the fewest sends go first";
    EXPECT_LE(sent_by[id] + failed_by[id], kSends / kAccounts + 10) << id;
  }
}

}  // namespace
}  // namespace tgmux::testing
