// End-to-end: several tgmux nodes on one PostgreSQL (docs/cluster.md), each
// with its own data directory, the same master key and a tgsim. Accounts
// linked on one node spread over the nodes; a node killed with SIGKILL has its
// accounts run by the others once its leases expire, from the snapshots of
// their TDLib directories; a node stopped gracefully hands its accounts over
// at once. GET /v1/cluster shows the nodes and what each runs. Any node
// answers any request (sends, history, logins, SSE); each webhook is
// delivered by one node at a time; a rolling restart under load loses nothing.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/http_load.h"
#include "tests/support/cluster_fixture.h"
#include "tests/support/media_files.h"
#include "tests/support/openapi_samples.h"
#include "tests/support/stream_clients.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

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
  // Bob writes to each account before node a dies and while it is dead.
  std::set<std::string> said;
  auto bob_says = [&](const std::string& prefix) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      said.insert(prefix + " " + std::to_string(i));
      auto sent = Control("POST", "/messages", {{"from", kBob}, {"to", "+1555720100" + std::to_string(i + 1)},
                                                {"text", prefix + " " + std::to_string(i)}});
      ASSERT_EQ(sent.status, 201) << sent.body.dump();
    }
  };
  bob_says("before the kill");
  gateway_->Stop(SIGKILL);
  bob_says("while a is dead");
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
    const json entry = Ended(b, id);
    EXPECT_TRUE(entry["state"] == "sent" || entry["state"] == "failed") << id << " " << entry.dump();
    sent += entry["state"] == "sent" ? 1 : 0;
  }
  for (const auto& m : BobsMessages(ids.size())) ++delivered[m.value("text", "")];
  for (const auto& [id, text] : posted) EXPECT_LE(delivered[text], 1) << text;
  EXPECT_EQ(delivered["from node b"], 4);  // once in each of the 4 chats
  // At most one send per chat of node a's two accounts was at Telegram when it died.
  EXPECT_GE(sent, posted.size() - 2) << b.process().Stderr();
  std::size_t got = 0;
  for (const auto& [id, text] : posted) got += delivered[text];
  EXPECT_GE(got, sent);
  // In the event log, each message Bob wrote once: none lost, none twice.
  EXPECT_TRUE(EachLoggedOnce(b, said, std::chrono::seconds(20)));
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
TEST_F(ClusterTest, ThreeNodesAnswerEveryRequestAndEachWebhookEventComesOnce) {
  StartGateway(NodeEnv("a", 3));
  auto ids = LinkAccounts(3);
  WebhookReceiver receiver;
  auto hook = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  auto& b = StartNode("b", 3);
  auto& c = StartNode("c", 3);
  ASSERT_TRUE(Shows(c, {{Url("a"), 1}, {Url("b"), 1}, {Url("c"), 1}}, std::chrono::seconds(30)))
      << c.process().Stderr();
  std::vector<TgmuxServer*> nodes = {gateway_.get(), &b, &c};

  // Sends for every account through every node: posted where the account does
  // not run, they wake the node that runs it (NOTIFY), which sends them.
  for (auto* node : nodes) SendFromEach(*node, ids, "via " + std::to_string(node->port()));
  // A send with a file is answered by the node that runs the account, whose spool keeps the file.
  for (auto* node : nodes) {
    for (const auto& id : ids) {
      auto form = BuildMultipart({{"to", "@bob"}, {"text", "a file"}},
                                 {{"file", "note.pdf", "application/pdf", PatternBytes(5000, 3)}});
      auto sent = node->http().Request("POST", "/v1/accounts/" + id + "/messages?wait=15", form.body,
                                       {{"Content-Type", form.content_type}});
      ASSERT_EQ(sent.status, 200) << sent.body;
      EXPECT_EQ(sent.Json()["state"], "sent") << sent.body;
    }
  }

  // An SSE consumer on node c hears what every account receives, wherever it runs.
  SseClient sse;
  const std::string token = c.SignInOwner()["access_token"];
  ASSERT_TRUE(sse.Connect(c.port(), "/v1/events/stream?types=message.received",
                          {{"Authorization", "Bearer " + token}}))
      << sse.status() << sse.body();
  // Bob writes to each account twice; then once more, the last word.
  std::vector<std::string> said;
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      said.push_back("ping " + std::to_string(round) + "/" + std::to_string(i));
      auto sent = Control("POST", "/messages", {{"from", kBob}, {"to", "+1555720100" + std::to_string(i + 1)},
                                                {"text", said.back()}});
      ASSERT_EQ(sent.status, 201) << sent.body.dump();
    }
  }
  std::set<std::string> streamed;
  while (streamed.size() < said.size()) {
    auto event = sse.NextEvent(std::chrono::seconds(15));
    ASSERT_TRUE(event) << "heard " << streamed.size() << " of " << said.size();
    streamed.insert(json::parse(event->data)["data"]["message"]["text"].get<std::string>());
  }
  EXPECT_EQ(streamed, std::set<std::string>(said.begin(), said.end()));
  // History and read of every account through every node.
  for (auto* node : nodes) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::int64_t bob = 0;
      ASSERT_TRUE(WaitUntil([&] { return (bob = BobChat(*node, ids[i])) != 0; }, std::chrono::seconds(10)))
          << node->http().Get("/v1/accounts/" + ids[i] + "/chats").body;
      const std::string chat = "/v1/accounts/" + ids[i] + "/chats/" + std::to_string(bob);
      auto history = node->http().Get(chat + "/messages");
      ASSERT_EQ(history.status, 200) << history.body;
      EXPECT_NE(history.body.find("ping 1/" + std::to_string(i)), std::string::npos) << history.body;
      auto read = node->http().Post(chat + "/read", json::object());
      EXPECT_EQ(read.status, 200) << read.body;
    }
  }
  auto last = Control("POST", "/messages", {{"from", kBob}, {"to", "+15557201001"}, {"text", "last word"}});
  ASSERT_EQ(last.status, 201) << last.body.dump();
  said.push_back("last word");
  // The webhook is delivered by one node: each event once, though three run.
  std::vector<ReceivedRequest> requests;
  ASSERT_TRUE(WaitUntil([&] {
    requests = receiver.Requests();
    return std::any_of(requests.begin(), requests.end(), [](const auto& r) {
      return r.body.find("last word") != std::string::npos;
    });
  }, std::chrono::seconds(20))) << requests.size();
  std::map<std::string, int> times;  // event id -> deliveries
  std::set<std::string> texts;
  for (const auto& r : requests) {
    ++times[r.Header("x-tgmux-event-id")];
    texts.insert(json::parse(r.body)["data"]["message"]["text"].get<std::string>());
  }
  for (const auto& [id, count] : times) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(texts, std::set<std::string>(said.begin(), said.end()));
  // GET /v1/cluster shows which node delivers it, and each node's load, as documented.
  SampleRecorder recorded(c.http());
  const json cluster = recorded.Call("GET", "/v1/cluster");
  int webhooks = 0;
  for (const auto& node : cluster["items"]) {
    webhooks += node["load"].value("webhooks", 0);
    EXPECT_GT(node["load"].value("rss_bytes", 0), 1 << 20) << node.dump();
    EXPECT_TRUE(node["load"].contains("cpu_percent")) << node.dump();
  }
  EXPECT_EQ(webhooks, 1) << cluster.dump();

  // A login started on node b, its code given and it read on node c.
  const std::string phone = "+15557201009";
  CreateUser(phone, "Late");
  auto started = b.http().Post("/v1/logins", {{"method", "phone"}, {"phone", phone}});
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string login = started.Json()["id"];
  auto code = c.http().Post("/v1/logins/" + login + "/code", {{"code", LastCode(phone)}});
  ASSERT_EQ(code.status, 200) << code.body;
  EXPECT_EQ(code.Json()["state"], "done") << code.body;
  const json seen = recorded.Call("GET", "/v1/logins/" + login);
  EXPECT_EQ(seen.value("state", ""), "done") << seen.dump();
  const std::string linked = seen["account"]["id"];
  auto validation = ValidateSamples(c.http().Get("/openapi.json").Json(), recorded.samples());
  EXPECT_EQ(validation.exit_status, 0) << validation.output;
  // The new account sends through any node.
  SendFromEach(*gateway_, {linked}, "new here");
  EXPECT_TRUE(Control("GET", "/sessions/duplicates").body["items"].empty())
      << Control("GET", "/sessions/duplicates").body.dump();
}

TEST_F(ClusterTest, ARollingRestartUnderLoadLosesNothingAndAFourthNodeTakesItsShare) {
  const Env unpaced = {{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}};  // the load's sends go at once
  Env a = NodeEnv("a", 3);
  a.insert(unpaced.begin(), unpaced.end());
  StartGateway(a);
  auto ids = LinkAccounts(4);
  auto& b = StartNode("b", 3, unpaced);
  auto& c = StartNode("c", 3, unpaced);
  std::vector<TgmuxServer*> nodes = {gateway_.get(), &b, &c};
  const std::string token = gateway_->SignInOwner()["access_token"];
  // Four accounts on three nodes: every node runs at least one.
  auto spread = [&](std::size_t count) {
    return WaitUntil([&] {
      auto alive = Alive(c);
      int total = 0;
      for (const auto& [url, accounts] : alive) total += accounts;
      return alive.size() == count && total == 4 &&
             std::all_of(alive.begin(), alive.end(), [](const auto& n) { return n.second >= 1; });
    }, std::chrono::seconds(30));
  };
  ASSERT_TRUE(spread(3)) << c.process().Stderr();

  // The load: sends posted round the nodes that are up, and messages to the
  // accounts, until stopped. A node being restarted is skipped, as a load
  // balancer would; a request to it in that moment may find it gone.
  std::atomic<int> down{-1};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::map<std::string, std::string> posted;  // outbox id -> text
  std::set<std::string> said;
  std::vector<std::string> refused;
  std::thread load([&] {
    std::vector<HttpClient> clients;
    for (auto* node : nodes) {
      clients.emplace_back("127.0.0.1", node->port());
      clients.back().SetDefaultHeader("Authorization", "Bearer " + token);
    }
    for (int n = 0; !stop; ++n) {
      int pick = n % 3;
      if (pick == down) pick = (pick + 1) % 3;
      const std::string text = "load " + std::to_string(n);
      auto answer = clients[pick].Post("/v1/accounts/" + ids[n % 4] + "/messages?wait=2", {{"to", "@bob"}, {"text", text}});
      std::lock_guard lock(mutex);
      if (answer.status == 200 || answer.status == 202) {
        posted[answer.Json()["id"]] = text;
      } else if (answer.status != 503 && !(answer.status == 0 && down == pick)) {
        refused.push_back(std::to_string(answer.status) + " " + answer.body);
      }
      if (n % 2 == 0) {
        const std::string incoming = "incoming " + std::to_string(n);
        if (Control("POST", "/messages", {{"from", kBob}, {"to", "+1555720100" + std::to_string(n % 4 + 1)},
                                          {"text", incoming}}).status == 201) {
          said.insert(incoming);
        }
      }
    }
  });
  for (int i = 0; i < 3; ++i) {
    const std::size_t before = [&] { std::lock_guard lock(mutex); return posted.size(); }();
    down = i;
    EXPECT_EQ(nodes[i]->Stop(SIGTERM), 0);
    ASSERT_TRUE(nodes[i]->Start()) << nodes[i]->process().Stderr();
    nodes[i]->SignInOwner();
    EXPECT_TRUE(spread(3)) << nodes[i]->process().Stderr();
    down = -1;
    // The load went on meanwhile.
    EXPECT_TRUE(WaitUntil([&] { std::lock_guard lock(mutex); return posted.size() > before + 10; },
                          std::chrono::seconds(20)));
  }
  // A fourth node joins: one account each, after a few beats.
  auto& d = StartNode("d", 3, unpaced);
  EXPECT_TRUE(Shows(d, {{Url("a"), 1}, {Url("b"), 1}, {Url("c"), 1}, {Url("d"), 1}}, std::chrono::seconds(30)));
  stop = true;
  load.join();
  EXPECT_TRUE(refused.empty()) << refused.size() << " refused, first: " << refused.front();

  // Every send ends sent; Bob got each once.
  std::size_t unsent = 0;
  for (const auto& [id, text] : posted) {
    const json entry = Ended(d, id);
    if (entry["state"] != "sent") ++unsent;
    EXPECT_EQ(entry["state"], "sent") << id << " " << entry.dump();
  }
  EXPECT_EQ(unsent, 0u) << "of " << posted.size();
  // Every message the accounts received is in the event log, once.
  EXPECT_TRUE(EachLoggedOnce(d, said, std::chrono::seconds(30)));
  std::map<std::string, int> delivered;  // text -> times Bob got it, once every send ended
  for (const auto& m : BobsMessages(ids.size())) ++delivered[m.value("text", "")];
  std::size_t twice = 0;
  for (const auto& [id, text] : posted) twice += delivered[text] > 1 ? 1 : 0;
  EXPECT_EQ(twice, 0u);
  EXPECT_TRUE(Control("GET", "/sessions/duplicates").body["items"].empty())
      << Control("GET", "/sessions/duplicates").body.dump();
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
  // Nodes talk over plain HTTP: an https:// address is refused, saying so.
  auto [https_status, https_err] = RunTgmux({{"TGMUX_DATA_DIR", other.path().string()},
                                             {"TGMUX_STORE", database_},
                                             {"TGMUX_NODE_URL", "https://127.0.0.1:8443"}});
  EXPECT_EQ(https_status, 2);
  EXPECT_NE(https_err.find("TGMUX_NODE_URL"), std::string::npos) << https_err;
  EXPECT_NE(https_err.find("plain HTTP"), std::string::npos) << https_err;
}

}  // namespace
}  // namespace tgmux::testing
