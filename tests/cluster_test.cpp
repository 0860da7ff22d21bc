// End-to-end: several tgmux nodes on one PostgreSQL (docs/cluster.md), each
// with its own data directory, the same master key and a tgsim. Accounts
// linked on one node spread over the nodes; a node killed with SIGKILL has its
// accounts run by the others once its leases expire, from the snapshots of
// their TDLib directories; a node stopped gracefully hands its accounts over
// at once. GET /v1/cluster shows the nodes and what each runs.
#include <signal.h>

#include <map>
#include <thread>

#include "tests/support/http_load.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/postgres_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kMasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kBob = "+15557201000";

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
  TgmuxServer& StartNode(const std::string& name, int lease_ttl) {
    auto node = std::make_unique<TgmuxServer>(GatewayEnv(NodeEnv(name, lease_ttl)));
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
    const json body_json = answer.Json();
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

  std::string database_;
  std::map<std::string, std::string> urls_;
  std::vector<std::unique_ptr<TgmuxServer>> others_;
};

TEST_F(ClusterTest, AccountsSpreadOverTheNodesAndMoveWhenOneIsKilled) {
  StartGateway(NodeEnv("a", 3));
  auto ids = LinkAccounts(4);
  ASSERT_TRUE(Shows(*gateway_, {{Url("a"), 4}}, std::chrono::seconds(10)));
  SendFromEach(*gateway_, ids, "from node a");

  auto& b = StartNode("b", 3);
  // Node a gives back what is beyond its share; node b takes it.
  ASSERT_TRUE(Shows(b, {{Url("a"), 2}, {Url("b"), 2}}, std::chrono::seconds(20))) << b.process().Stderr();
  auto cluster = b.http().Get("/v1/cluster").Json();
  EXPECT_EQ(cluster["enabled"], true);
  EXPECT_EQ(cluster["lease_ttl"], 3);
  // The accounts moved to b start there from their snapshots and send.
  WaitUntil([&] { return b.process().Stderr().find("runs on node") != std::string::npos; }, std::chrono::seconds(5));

  // Sends posted on either node, paced at one a second per chat (the default):
  // when node a is killed, some of its accounts' sends are still queued there,
  // and one may be at Telegram.
  std::map<std::string, std::string> posted;  // outbox id -> text
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const TgmuxServer& node = round % 2 == 0 ? *gateway_ : b;
      std::string text = "queued " + std::to_string(round) + "/" + std::to_string(i);
      auto answer = node.http().Post("/v1/accounts/" + ids[i] + "/messages", {{"to", "@bob"}, {"text", text}});
      ASSERT_EQ(answer.status, 202) << answer.body;
      posted[answer.Json()["id"]] = text;
    }
  }
  gateway_->Stop(SIGKILL);
  // Once a's leases expire (3 s, and the margin), b runs every account.
  ASSERT_TRUE(Shows(b, {{Url("b"), 4}}, std::chrono::seconds(20))) << b.process().Stderr();
  auto metrics = b.Anonymous().Get("/metrics").body;
  EXPECT_NE(metrics.find("\ntgmux_cluster_accounts_held 4\n"), std::string::npos) << metrics;
  SendFromEach(b, ids, "from node b");

  // Every send ends sent, or failed when its outcome is unknown (at Telegram
  // when a died); Bob gets each text at most once, and each one sent once.
  std::map<std::string, int> delivered;  // text -> times Bob got it
  std::size_t sent = 0;
  for (const auto& [id, text] : posted) {
    json entry;
    WaitUntil([&] {
      entry = b.http().Get("/v1/outbox/" + id).Json();
      return entry["state"] == "sent" || entry["state"] == "failed";
    }, std::chrono::seconds(30));
    EXPECT_TRUE(entry["state"] == "sent" || entry["state"] == "failed") << id << " " << entry.dump();
    sent += entry["state"] == "sent" ? 1 : 0;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto with = "%2B1555720100" + std::to_string(i + 1);
    const json messages = Control("GET", "/users/" + std::string(kBob) + "/messages?with=" + with).body["messages"];
    for (const auto& m : messages) ++delivered[m.value("text", "")];
  }
  for (const auto& [id, text] : posted) EXPECT_LE(delivered[text], 1) << text;
  EXPECT_EQ(delivered["from node b"], 4);  // once in each of the 4 chats
  // At most one send per chat of node a's two accounts was at Telegram when it died.
  EXPECT_GE(sent, posted.size() - 2) << b.process().Stderr();
  std::size_t got = 0;
  for (const auto& [id, text] : posted) got += delivered[text];
  EXPECT_GE(got, sent);
  // Telegram (tgsim) never saw one session used from two places.
  EXPECT_TRUE(Control("GET", "/sessions/duplicates").body["items"].empty())
      << Control("GET", "/sessions/duplicates").body.dump();
}

TEST_F(ClusterTest, ARequestForAnAccountIsAnsweredByTheNodeThatRunsIt) {
  StartGateway(NodeEnv("a", 3));
  auto ids = LinkAccounts(2);
  auto& b = StartNode("b", 3);
  ASSERT_TRUE(Shows(b, {{Url("a"), 1}, {Url("b"), 1}}, std::chrono::seconds(20))) << b.process().Stderr();
  for (int i = 0; i < 2; ++i) {
    auto said = Control("POST", "/messages", {{"from", kBob}, {"to", "+1555720100" + std::to_string(i + 1)},
                                              {"text", "hello " + std::to_string(i)}});
    ASSERT_EQ(said.status, 201) << said.body.dump();
  }
  // Chats, history and read need the account's TDLib client, which runs on
  // one node: the other sends the request there and relays the answer.
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (TgmuxServer* node : {gateway_.get(), &b}) {
      const std::string account = "/v1/accounts/" + ids[i];
      json chats;
      ASSERT_TRUE(WaitUntil([&] {
        auto answer = node->http().Get(account + "/chats");
        chats = answer.status == 200 ? answer.Json() : json{{"answer", answer.status}, {"body", answer.body}};
        return answer.status == 200 && !chats["items"].empty();
      }, std::chrono::seconds(10))) << chats.dump();
      const std::string chat = account + "/chats/" + std::to_string(chats["items"][0]["chat_id"].get<std::int64_t>());
      auto history = node->http().Get(chat + "/messages");
      ASSERT_EQ(history.status, 200) << history.body;
      EXPECT_NE(history.body.find("hello " + std::to_string(i)), std::string::npos) << history.body;
      auto read = node->http().Post(chat + "/read", json::object());
      EXPECT_EQ(read.status, 200) << read.body;
    }
  }
  // A consumer on node b hears at once what an account node a runs receives
  // (node a's commit NOTIFYs the others).
  const std::string b_log = b.process().Stderr();
  const std::size_t on_a = b_log.find("account " + ids[0] + " runs on node") == std::string::npos ? 0 : 1;
  std::string cursor = "0";
  for (;;) {
    auto page = b.http().Get("/v1/events?timeout=0&limit=500&after=" + cursor).Json();
    cursor = page["next_cursor"].get<std::string>();
    if (page["items"].empty()) break;
  }
  json heard;
  std::thread consumer([&] {
    // Only messages: a late chat.read of the reads above may still come.
    heard = b.http()
                .Get("/v1/events?timeout=30&types=message.received&account_id=" + ids[on_a] + "&after=" + cursor)
                .Json();
  });
  // The poll waits at node b before the message arrives.
  EXPECT_TRUE(WaitForMetric(b.Anonymous(), "tgmux_event_waiters", 1, std::chrono::seconds(10)));
  auto said = Control("POST", "/messages", {{"from", kBob}, {"to", "+1555720100" + std::to_string(on_a + 1)},
                                            {"text", "while b listens"}});
  EXPECT_EQ(said.status, 201) << said.body.dump();
  consumer.join();
  ASSERT_FALSE(heard["items"].empty()) << heard.dump();
  EXPECT_EQ(heard["items"][0]["type"], "message.received") << heard.dump();
  EXPECT_EQ(heard["items"][0]["data"]["message"]["text"], "while b listens") << heard.dump();

  // A request dressed as forwarded, without the cluster key: refused.
  auto forged = b.http().Request("GET", "/v1/accounts/" + ids[0] + "/chats", "",
                                 {{"X-Tgmux-Forwarded", "t=1,n=0123456789abcdef0123,v1=00"}});
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_TRUE(Control("GET", "/sessions/duplicates").body["items"].empty());
}

TEST_F(ClusterTest, APausedNodeWakesUpAndUsesNoSessionAnotherNodeTook) {
  // Node a checks each account at Telegram every second (the health monitor):
  // woken up, it would use sessions node b runs by then, unless it stops first.
  Env a = NodeEnv("a", 3);
  a["TGMUX_MONITOR_INTERVAL"] = "1";
  StartGateway(a);
  LinkAccounts(2);
  auto& b = StartNode("b", 3);
  ASSERT_TRUE(Shows(b, {{Url("a"), 1}, {Url("b"), 1}}, std::chrono::seconds(20))) << b.process().Stderr();

  ASSERT_EQ(::kill(gateway_->process().pid(), SIGSTOP), 0);
  ASSERT_TRUE(Shows(b, {{Url("b"), 2}}, std::chrono::seconds(20))) << b.process().Stderr();
  ASSERT_EQ(::kill(gateway_->process().pid(), SIGCONT), 0);
  // Awake, a gives up what b took; the accounts spread again.
  ASSERT_TRUE(Shows(b, {{Url("a"), 1}, {Url("b"), 1}}, std::chrono::seconds(20))) << gateway_->process().Stderr();
  auto log = gateway_->process().Stderr();
  EXPECT_NE(log.find("could not renew its leases in time"), std::string::npos) << log;
  auto metrics = gateway_->Anonymous().Get("/metrics").body;
  EXPECT_NE(metrics.find("\ntgmux_cluster_lease_lapses_total 1\n"), std::string::npos) << metrics;
  EXPECT_TRUE(Control("GET", "/sessions/duplicates").body["items"].empty())
      << Control("GET", "/sessions/duplicates").body.dump() << log;
}

TEST_F(ClusterTest, AGracefulStopHandsTheAccountsOverAtOnce) {
  // A lease TTL of 20 s: taken over by expiry, the accounts would move after
  // 24 s at the earliest; handed over, within a beat (TTL/4).
  StartGateway(NodeEnv("a", 20));
  auto ids = LinkAccounts(2);
  auto& b = StartNode("b", 20);
  ASSERT_TRUE(Shows(b, {{Url("a"), 1}, {Url("b"), 1}}, std::chrono::seconds(25))) << b.process().Stderr();
  EXPECT_EQ(b.Stop(SIGTERM), 0);
  EXPECT_NE(b.process().Stderr().find("1 of 1 account(s) handed over"), std::string::npos) << b.process().Stderr();
  ASSERT_TRUE(Shows(*gateway_, {{Url("a"), 2}}, std::chrono::seconds(12))) << gateway_->process().Stderr();
  SendFromEach(*gateway_, ids, "after the hand-over");
  EXPECT_TRUE(Control("GET", "/sessions/duplicates").body["items"].empty());
}

TEST_F(ClusterTest, ASingleNodeShowsNoClusterAndANodeNeedsPostgres) {
  StartGateway();
  auto answer = http().Get("/v1/cluster");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["enabled"], false);
  EXPECT_TRUE(answer.Json()["items"].empty());
  EXPECT_TRUE(answer.Json()["node_id"].is_null());

  TempDir other;
  auto [status, err] = RunTgmux({{"TGMUX_DATA_DIR", other.path().string()},
                                 {"TGMUX_STORE", "sqlite:" + (other.path() / "t.db").string()},
                                 {"TGMUX_NODE_URL", "http://127.0.0.1:8080"}});
  EXPECT_EQ(status, 2);
  EXPECT_NE(err.find("TGMUX_NODE_URL"), std::string::npos) << err;
}

}  // namespace
}  // namespace tgmux::testing
