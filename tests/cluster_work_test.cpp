// End-to-end: what else than accounts runs on one node at a time when
// several nodes share one PostgreSQL (docs/cluster.md): each webhook is
// delivered by one node, and moves with its lease when that node dies, from
// its stored position; each bot runs on one node, hears changes made on
// another, and moves when its node dies; a login in progress runs on the node
// that started it, is answered through any node, and fails cleanly when its
// node dies; a queued send with a file goes with its account, its file
// fetched from the node it was posted on.
#include <signal.h>

#include <set>

#include "tests/support/bot_chat.h"
#include "tests/support/cluster_fixture.h"
#include "tests/support/media_files.h"
#include "tests/support/openapi_samples.h"
#include "tests/support/stream_clients.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

TEST_F(ClusterTest, AWebhookMovesWhenItsNodeIsKilledAndMissesNoEvent) {
  StartGateway(NodeEnv("a", 3));
  LinkAccounts(2);
  auto& b = StartNode("b", 3);
  ASSERT_TRUE(Shows(b, {{Url("a"), 1}, {Url("b"), 1}}, std::chrono::seconds(20))) << b.process().Stderr();
  WebhookReceiver receiver;
  auto hook = b.http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string marker = "webhook " + hook.Json()["id"].get<std::string>() + ": delivered by this node";
  TgmuxServer* deliverer = nullptr;
  ASSERT_TRUE(WaitUntil([&] {
    for (TgmuxServer* node : {gateway_.get(), &b}) {
      if (node->process().Stderr().find(marker) != std::string::npos) deliverer = node;
    }
    return deliverer != nullptr;
  }, std::chrono::seconds(10)));
  TgmuxServer* survivor = deliverer == &b ? gateway_.get() : &b;

  std::set<std::string> said;
  auto say = [&](int n, const std::string& prefix) {
    for (int i = 0; i < n; ++i) {
      std::string text = prefix + " " + std::to_string(i);
      auto sent = Control("POST", "/messages", {{"from", kBob}, {"to", "+1555720100" + std::to_string(i % 2 + 1)},
                                                {"text", text}});
      ASSERT_EQ(sent.status, 201) << sent.body.dump();
      said.insert(text);
    }
  };
  auto delivered = [&] {
    std::set<std::string> texts;
    for (const auto& r : receiver.Requests()) {
      texts.insert(json::parse(r.body)["data"]["message"]["text"].get<std::string>());
    }
    return texts;
  };
  say(4, "before");
  ASSERT_TRUE(WaitUntil([&] { return delivered().size() == 4; }, std::chrono::seconds(10)));
  deliverer->Stop(SIGKILL);
  say(4, "after");
  // The survivor takes the webhook's lease once it expires and delivers from
  // its stored position: every event, some perhaps twice (at least once).
  EXPECT_TRUE(WaitUntil([&] { return delivered() == said; }, std::chrono::seconds(30)))
      << delivered().size() << " of " << said.size() << "\n" << survivor->process().Stderr();
  EXPECT_NE(survivor->process().Stderr().find(marker), std::string::npos);
}


TEST_F(ClusterTest, ALoginRunsOnItsNodeAndFailsCleanlyWhenThatNodeDies) {
  StartGateway(NodeEnv("a", 3));
  auto& b = StartNode("b", 3);
  ASSERT_TRUE(Shows(b, {{Url("a"), 0}, {Url("b"), 0}}, std::chrono::seconds(20)));
  const std::string phone = "+15557201008";
  CreateUser(phone, "Pending");
  auto started = b.http().Post("/v1/logins", {{"method", "phone"}, {"phone", phone}});
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string login = started.Json()["id"];
  auto seen = http().Get("/v1/logins/" + login);  // on node a: asked of node b
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.Json()["state"], "code_sent") << seen.body;

  b.Stop(SIGKILL);
  // Once node b's beat is overdue, node a answers for its logins: failed, with why.
  json failed;
  ASSERT_TRUE(WaitUntil([&] {
    auto answer = http().Get("/v1/logins/" + login);
    failed = answer.status == 200 ? answer.Json() : json{{"status", answer.status}, {"body", answer.body}};
    return failed.value("state", "") == "failed";
  }, std::chrono::seconds(15))) << failed.dump();
  // As documented (a login's schema), and the same answer whichever node is asked.
  SampleRecorder recorded(http());
  EXPECT_EQ(recorded.Call("GET", "/v1/logins/" + login), failed);
  auto validation = ValidateSamples(http().Get("/openapi.json").Json(), recorded.samples());
  EXPECT_EQ(validation.exit_status, 0) << validation.output;
  EXPECT_EQ(failed["error"]["code"], "node_unavailable") << failed.dump();
  EXPECT_EQ(failed["method"], "phone");
  auto code = http().Post("/v1/logins/" + login + "/code", {{"code", LastCode(phone)}});
  EXPECT_EQ(code.status, 404) << code.body;
  // A new login on the living node links the number.
  EXPECT_EQ(Link(phone)["status"], "active");
}

TEST_F(ClusterTest, EachBotRunsOnOneNodeAndMovesWhenThatNodeDies) {
  StartGateway(NodeEnv("a", 3));
  auto& b = StartNode("b", 3);
  ASSERT_TRUE(Shows(b, {{Url("a"), 0}, {Url("b"), 0}}, std::chrono::seconds(20)));
  auto made = Control("POST", "/bots", {{"username", "cluster_bot"}, {"first_name", "Helper"}});
  ASSERT_EQ(made.status, 201);
  auto added = b.http().Post("/v1/bots", {{"token", made.body["token"]}, {"features", {"accounts"}}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.Json()["status"], "active");
  const std::string bot_id = added.Json()["id"];

  // Ann talks to the bot: one answer to each command, though two nodes run.
  const std::string ann_phone = "+15557201007";
  CreateUser(ann_phone, "Ann");
  BotChat ann(*sim_, "cluster_bot", ann_phone);
  auto answers = [&] {
    int count = 0;
    for (const auto& m : ann.Messages()) {
      count += m.value("from_bot", false) && m.value("text", "").find("No account is linked") != std::string::npos;
    }
    return count;
  };
  for (int i = 1; i <= 2; ++i) {
    ASSERT_NE(ann.Send("/account status"), 0);
    ASSERT_FALSE(ann.WaitFor("No account is linked").is_null()) << ann.Messages();
  }
  EXPECT_EQ(answers(), 2) << ann.Messages();
  const bool on_b = b.process().Stderr().find("bot " + bot_id + ": logging in") != std::string::npos;
  ASSERT_TRUE(on_b) << "created on node b, it runs there";

  // Settings changed on node a reach the bot on node b.
  auto patched = http().Request("PATCH", "/v1/bots/" + bot_id, json({{"access", {"@nobody_else"}}}).dump(),
                                {{"Content-Type", "application/json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  // (The change reaches node b a moment after the answer: Ann asks until the bot refuses.)
  bool refused = false;
  for (int i = 0; i < 20 && !refused; ++i) {
    ASSERT_NE(ann.Send("/account status"), 0);
    const json reply = ann.WaitFor("");
    refused = reply.is_object() && reply.value("text", "").find("only talks to the people") != std::string::npos;
  }
  EXPECT_TRUE(refused) << ann.Messages();
  const int before = answers();

  // Node b dies: node a takes the bot's lease and runs it.
  b.Stop(SIGKILL);
  patched = http().Request("PATCH", "/v1/bots/" + bot_id, json({{"access", "anyone"}}).dump(),
                           {{"Content-Type", "application/json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  // (It logs in there with its token: what Ann says before it is active there goes unanswered.)
  ASSERT_TRUE(WaitUntil([&] {
    return gateway_->process().Stderr().find("bot " + bot_id + ": active as @cluster_bot") != std::string::npos;
  }, std::chrono::seconds(30))) << gateway_->process().Stderr();
  ASSERT_NE(ann.Send("/account status"), 0);
  EXPECT_FALSE(ann.WaitFor("No account is linked", std::chrono::seconds(20)).is_null()) << ann.Messages();
  EXPECT_EQ(answers(), before + 1) << ann.Messages();
}

TEST_F(ClusterTest, AQueuedSendWithAFileIsSentFromTheNodeItsAccountMovedTo) {
  // One send a chat every 3 s: files posted together wait in node a's spool.
  const Env paced = {{"TGMUX_OUTBOX_CHAT_INTERVAL", "3"}};
  Env a = NodeEnv("a", 3);
  a.insert(paced.begin(), paced.end());
  StartGateway(a);
  auto ids = LinkAccounts(2);
  ASSERT_TRUE(Shows(*gateway_, {{Url("a"), 2}}, std::chrono::seconds(10)));
  std::map<std::string, std::string> posted;  // outbox id -> the SHA-256 of its file
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (int n = 0; n < 3; ++n) {
      const std::string bytes = PatternBytes(4000 + n, static_cast<int>(10 * i) + n);
      auto form = BuildMultipart({{"to", "@bob"}, {"text", "file " + std::to_string(n)}},
                                 {{"file", "part.pdf", "application/pdf", bytes}});
      auto sent = http().Request("POST", "/v1/accounts/" + ids[i] + "/messages", form.body,
                                 {{"Content-Type", form.content_type}});
      ASSERT_EQ(sent.status, 202) << sent.body;
      posted[sent.Json()["id"]] = Sha256Hex(bytes);
    }
  }
  // Node b joins: node a hands one account over, its files still queued.
  auto& b = StartNode("b", 3, paced);
  ASSERT_TRUE(Shows(b, {{Url("a"), 1}, {Url("b"), 1}}, std::chrono::seconds(20))) << b.process().Stderr();
  for (const auto& [id, sha] : posted) {
    const json entry = Ended(b, id);
    EXPECT_EQ(entry["state"], "sent") << entry.dump() << b.process().Stderr();
  }
  // Bob got each file once, byte for byte; node b fetched the moved ones from node a.
  std::map<std::string, int> got;  // SHA-256 -> times
  for (const auto& m : BobsMessages(ids.size())) {
    if (m.contains("media")) ++got[m["media"].value("sha256", "")];
  }
  for (const auto& [id, sha] : posted) EXPECT_EQ(got[sha], 1) << id;
  EXPECT_NE(b.process().Stderr().find("its file came from the node it was posted on"), std::string::npos)
      << b.process().Stderr();
  // The spool answers nodes only: unsigned, 401.
  EXPECT_EQ(b.Anonymous().Get("/v1/cluster/spool/anything").status, 401);
}

}  // namespace
}  // namespace tgmux::testing
