// A fixture for end-to-end tests of several tgmux nodes on one PostgreSQL
// (docs/cluster.md): each node with its own data directory and address, the
// same master key, one tgsim; and what the tests look at (GET /v1/cluster).
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/http_load.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/postgres_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {

inline constexpr const char* kMasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
inline constexpr const char* kBob = "+15557201000";

class ClusterTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    database_ = NewPostgresDatabase();
    CreateUser(kBob, "Bob", {{"username", "bob"}});
  }
  // The address of node `name`: a free loopback port, the same at each start.
  const std::string& Url(const std::string& name) {
    auto& url = urls_[name];
    if (url.empty()) url = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort());
    return url;
  }
  Env NodeEnv(const std::string& name, int lease_ttl) {
    const std::string& url = Url(name);
    return {{"TGMUX_STORE", database_},
            {"TGMUX_MASTER_KEY", kMasterKey},
            {"TGMUX_LISTEN", url.substr(std::string("http://").size())},
            {"TGMUX_NODE_URL", url},
            {"TGMUX_LEASE_TTL", std::to_string(lease_ttl)}};
  }
  // Another node on its own data directory, its owner signed in.
  TgmuxServer& StartNode(const std::string& name, int lease_ttl, const Env& extra = {}) {
    Env env = NodeEnv(name, lease_ttl);
    env.insert(extra.begin(), extra.end());
    auto node = std::make_unique<TgmuxServer>(GatewayEnv(env));
    EXPECT_TRUE(node->Start()) << node->process().Stderr();
    node->SignInOwner();
    others_.push_back(std::move(node));
    return *others_.back();
  }
  // Links `count` new accounts on gateway_; their ids.
  std::vector<std::string> LinkAccounts(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      std::string phone = "+1555720100" + std::to_string(i + 1);
      CreateUser(phone, "Person " + std::to_string(i));
      ids.push_back(Link(phone)["id"]);
    }
    return ids;
  }
  // Alive nodes as GET /v1/cluster on `node` shows them: url -> accounts it runs.
  static std::map<std::string, int> Alive(const TgmuxServer& node, std::string* body = nullptr) {
    std::map<std::string, int> alive;
    auto answer = node.http().Get("/v1/cluster");
    if (body) *body = std::to_string(answer.status) + " " + answer.body;
    if (answer.status != 200) return alive;
    const nlohmann::json body_json = answer.Json();
    for (const auto& item : body_json["items"]) {
      if (item["alive"]) alive[item["url"]] = item["accounts"];
    }
    return alive;
  }
  // Waits until `node` shows exactly `expected`; the last view on failure.
  static ::testing::AssertionResult Shows(const TgmuxServer& node, const std::map<std::string, int>& expected,
                                          std::chrono::seconds timeout) {
    std::map<std::string, int> seen;
    std::string body;
    if (WaitUntil([&] { return (seen = Alive(node, &body)) == expected; }, timeout)) {
      return ::testing::AssertionSuccess();
    }
    std::string shown;
    for (const auto& [url, accounts] : seen) shown += url + "=" + std::to_string(accounts) + " ";
    return ::testing::AssertionFailure() << "alive: " << shown << "; GET /v1/cluster: " << body;
  }
  // Sends from each account through `node` and waits for the outcome.
  static void SendFromEach(const TgmuxServer& node, const std::vector<std::string>& ids, const std::string& text) {
    for (const auto& id : ids) {
      auto answer = node.http().Post("/v1/accounts/" + id + "/messages?wait=15", {{"to", "@bob"}, {"text", text}});
      ASSERT_EQ(answer.status, 200) << id << " " << answer.body;
      EXPECT_EQ(answer.Json()["state"], "sent") << id << " " << answer.body;
    }
  }

  // The outbox entry once it ended (sent or failed), or as it is after 30 s.
  static nlohmann::json Ended(const TgmuxServer& node, const std::string& id) {
    nlohmann::json entry;
    WaitUntil([&] {
      entry = node.http().Get("/v1/outbox/" + id).Json();
      return entry["state"] == "sent" || entry["state"] == "failed";
    }, std::chrono::seconds(30));
    return entry;
  }
  // What Bob has of his chats with the first `accounts` people LinkAccounts linked, in one list.
  nlohmann::json BobsMessages(std::size_t accounts) {
    nlohmann::json all = nlohmann::json::array();
    for (std::size_t i = 0; i < accounts; ++i) {
      const std::string with = "%2B1555720100" + std::to_string(i + 1);
      const nlohmann::json got = Control("GET", "/users/" + std::string(kBob) + "/messages?with=" + with).body;
      for (const auto& m : got["messages"]) all.push_back(m);
    }
    return all;
  }
  // The id of the account's chat with Bob, as `node` lists the account's chats (0: none).
  static std::int64_t BobChat(const TgmuxServer& node, const std::string& account_id) {
    auto chats = node.http().Get("/v1/accounts/" + account_id + "/chats");
    if (chats.status != 200) return 0;
    const nlohmann::json listed = chats.Json();
    for (const auto& chat : listed["items"]) {
      if (chat.value("title", "") == "Bob") return chat["chat_id"].get<std::int64_t>();
    }
    return 0;
  }
  // Waits until `node`'s event log has a message.received for each text of
  // `said`, then checks each is there once.
  static ::testing::AssertionResult EachLoggedOnce(const TgmuxServer& node, const std::set<std::string>& said,
                                                   std::chrono::seconds timeout) {
    std::map<std::string, int> logged;  // text -> events
    const bool all = WaitUntil([&] {
      logged.clear();
      std::string cursor = "0";
      for (;;) {
        auto page = node.http().Get("/v1/events?timeout=0&limit=500&types=message.received&after=" + cursor).Json();
        cursor = page["next_cursor"].get<std::string>();
        for (const auto& e : page["items"]) ++logged[e["data"]["message"]["text"].get<std::string>()];
        if (page["items"].empty()) break;
      }
      return std::all_of(said.begin(), said.end(), [&](const auto& t) { return logged.count(t) > 0; });
    }, timeout);
    if (!all) return ::testing::AssertionFailure() << logged.size() << " texts logged of " << said.size();
    for (const auto& [text, times] : logged) {
      if (times != 1) return ::testing::AssertionFailure() << text << " logged " << times << " times";
    }
    return ::testing::AssertionSuccess();
  }

  std::string database_;
  std::map<std::string, std::string> urls_;
  std::vector<std::unique_ptr<TgmuxServer>> others_;
};

}  // namespace tgmux::testing
