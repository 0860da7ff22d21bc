// End-to-end: an account's own proxy (at login, changed and removed by PATCH,
// the default from TGMUX_PROXY), applied to that account's TDLib client only:
// when its proxy cannot be reached the account is `connecting` with the reason
// in last_error while other accounts stay active; shown without its password
// and kept sealed. The simulator plays the proxies (POST /control/proxies).
#include "tests/support/outbox_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class AccountProxyTest : public OutboxFixture {
 protected:
  // Links `phone` through a login that names `proxy`.
  json LinkThrough(const std::string& phone, const std::string& proxy) {
    auto started = http().Post("/v1/logins", {{"method", "phone"}, {"phone", phone}, {"proxy", proxy}});
    EXPECT_EQ(started.status, 201) << started.body;
    std::string id = started.Json()["id"];
    auto done = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode(phone)}});
    EXPECT_EQ(done.Json()["state"], "done") << done.body;
    return done.Json()["account"];
  }
  void SetReachable(const std::string& host, int port, bool reachable) {
    auto answer = Control("POST", "/proxies", {{"server", host}, {"port", port}, {"reachable", reachable}});
    ASSERT_EQ(answer.status, 204) << answer.body;
  }
  json Account(const std::string& id) { return http().Get("/v1/accounts/" + id).Json(); }
  // Waits until the account has `status` and its last_error contains `error_part` ("" : no error).
  bool WaitFor(const std::string& id, const std::string& status, const std::string& error_part) {
    return WaitUntil(
        [&] {
          auto account = Account(id);
          if (account["status"] != status) return false;
          if (error_part.empty()) return account["last_error"].is_null();
          return account["last_error"].is_string() &&
                 account["last_error"].get<std::string>().find(error_part) != std::string::npos;
        },
        std::chrono::seconds(10));
  }
};

TEST_F(AccountProxyTest, AnUnreachableProxyHoldsOnlyItsOwnAccount) {
  StartGateway();
  CreateUser(kAnn, "Ann");
  CreateUser(kBob, "Bob", {{"username", "bob"}});
  auto ann = LinkThrough(kAnn, "socks5://ann:hunter2-secret@127.0.0.1:1080");
  EXPECT_EQ(ann["proxy"], "socks5://ann:***@127.0.0.1:1080") << ann;
  std::string ann_id = ann["id"];
  std::string bob_id = Link(kBob)["id"];
  EXPECT_TRUE(Account(bob_id)["proxy"].is_null());
  ASSERT_TRUE(WaitFor(ann_id, "active", ""));

  SetReachable("127.0.0.1", 1080, false);
  EXPECT_TRUE(WaitFor(ann_id, "connecting", "127.0.0.1:1080 cannot be reached")) << Account(ann_id);
  EXPECT_EQ(Account(bob_id)["status"], "active") << "another account keeps its connection";
  auto bob_sends = http().Request("POST", "/v1/accounts/" + bob_id + "/messages?wait=10",
                                  json{{"to", kAnn}, {"text", "still here"}}.dump());
  EXPECT_EQ(bob_sends.Json()["state"], "sent") << bob_sends.body;

  SetReachable("127.0.0.1", 1080, true);
  EXPECT_TRUE(WaitFor(ann_id, "active", "")) << Account(ann_id);
}

TEST_F(AccountProxyTest, APatchChangesOrRemovesTheProxyAndBadOnesAreRefused) {
  Prepare();
  EXPECT_TRUE(Account(account_)["proxy"].is_null());
  auto set = http().Request("PATCH", "/v1/accounts/" + account_,
                            json{{"proxy", "http://ops:pw@127.0.0.1:3128"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.Json()["proxy"], "http://ops:***@127.0.0.1:3128");

  SetReachable("127.0.0.1", 3128, false);
  EXPECT_TRUE(WaitFor(account_, "connecting", "127.0.0.1:3128")) << Account(account_);
  // A change to a proxy that works connects again.
  auto changed = http().Request("PATCH", "/v1/accounts/" + account_,
                                json{{"proxy", "socks5://127.0.0.1:1081"}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_TRUE(WaitFor(account_, "active", "")) << Account(account_);

  SetReachable("127.0.0.1", 1081, false);
  EXPECT_TRUE(WaitFor(account_, "connecting", "127.0.0.1:1081")) << Account(account_);
  auto removed = http().Request("PATCH", "/v1/accounts/" + account_, R"({"proxy":null})");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(removed.Json()["proxy"].is_null());
  EXPECT_TRUE(WaitFor(account_, "active", "")) << Account(account_);
  EXPECT_EQ(SendAndWait({{"to", "@bob"}, {"text", "direct again"}})["state"], "sent");

  for (const char* bad : {"socks5://127.0.0.1", "ftp://127.0.0.1:21", "mtproto://127.0.0.1:443", "nonsense"}) {
    auto refused = http().Request("PATCH", "/v1/accounts/" + account_, json{{"proxy", bad}}.dump());
    EXPECT_EQ(refused.status, 400) << bad << " " << refused.body;
    EXPECT_NE(refused.Json()["detail"].get<std::string>().find("field \"proxy\""), std::string::npos)
        << refused.body;
  }
  auto login = http().Post("/v1/logins", {{"method", "qr"}, {"proxy", "socks5://x"}});
  EXPECT_EQ(login.status, 400) << login.body;
}

TEST_F(AccountProxyTest, TheDefaultProxyAppliesToAccountsWithoutTheirOwnAndSurvivesARestart) {
  Prepare({{"TGMUX_PROXY", "socks5://all:pw@127.0.0.1:1090"}});
  EXPECT_TRUE(Account(account_)["proxy"].is_null()) << "the default is not the account's own";
  SetReachable("127.0.0.1", 1090, false);
  EXPECT_TRUE(WaitFor(account_, "connecting", "127.0.0.1:1090")) << Account(account_);
  SetReachable("127.0.0.1", 1090, true);
  EXPECT_TRUE(WaitFor(account_, "active", ""));

  // An own proxy wins over the default, and is used again after a restart.
  auto own = http().Request("PATCH", "/v1/accounts/" + account_, json{{"proxy", "socks5://127.0.0.1:1091"}}.dump());
  ASSERT_EQ(own.status, 200) << own.body;
  SetReachable("127.0.0.1", 1091, false);
  EXPECT_TRUE(WaitFor(account_, "connecting", "127.0.0.1:1091"));
  gateway_->Stop();
  StartGateway({{"TGMUX_PROXY", "socks5://all:pw@127.0.0.1:1090"}});
  EXPECT_TRUE(WaitFor(account_, "connecting", "127.0.0.1:1091")) << Account(account_);
  SetReachable("127.0.0.1", 1091, true);
  EXPECT_TRUE(WaitFor(account_, "active", "")) << Account(account_);
}

}  // namespace
}  // namespace tgmux::testing
