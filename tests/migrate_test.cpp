// End-to-end: `tgmux migrate` moves a running installation from SQLite to
// PostgreSQL. Accounts linked, messages received and sent, a webhook and an API
// key on SQLite; tgmux stopped; migrate; tgmux started on PostgreSQL with the
// same data directory and master key: every account comes up active without a
// new login, the event log is the same (same seqs), the API key and the
// webhook's secret still work, the outbox history is there. The source file is
// byte-identical, and a second migrate into the filled target is refused.
#include <algorithm>

#include "tests/support/linked_gateway.h"
#include "tests/support/postgres_server.h"
#include "tests/support/stream_clients.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kAnn = "+15557301122";
constexpr const char* kBob = "+15557303344";
constexpr const char* kCarol = "+15557305566";

class MigrateTest : public LinkedGatewayTest {
 protected:
  void Say(const std::string& from, const std::string& to, const std::string& text) {
    ASSERT_EQ(Control("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}}).status, 201);
  }
  // Every event of the tenant, oldest first.
  std::vector<json> AllEvents() {
    auto page = http().Get("/v1/events?limit=500");
    EXPECT_EQ(page.status, 200) << page.body;
    return page.Json()["items"].get<std::vector<json>>();
  }
  std::vector<json> EventsWithText(const std::string& text, std::size_t count) {
    std::vector<json> found;
    WaitUntil([&] {
      found.clear();
      for (auto& e : AllEvents()) {
        if (e["type"] == "message.received" && e["data"]["message"]["text"] == text) found.push_back(e);
      }
      return found.size() >= count;
    }, seconds(15));
    return found;
  }
  std::filesystem::path Database() const { return data_dir_ / "tgmux.db"; }
};

TEST_F(MigrateTest, AnInstallationMovesToPostgresAndCarriesOnWhereItStopped) {
  const Env on_sqlite = {{"TGMUX_STORE", "sqlite:" + Database().string()}};
  StartGateway(on_sqlite);
  CreateUser(kAnn, "Ann");
  CreateUser(kBob, "Bob");
  CreateUser(kCarol, "Carol");
  const std::string ann = Link(kAnn)["id"];
  const std::string bob = Link(kBob)["id"];
  WebhookReceiver receiver;
  auto hook = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string secret = hook.Json()["secret"];
  auto key = http().Post("/v1/api-keys", {{"name", "crm"}, {"role", "admin"}});
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string api_key = key.Json()["key"];
  Say(kCarol, kAnn, "hello Ann");
  Say(kCarol, kBob, "hello Bob");
  ASSERT_EQ(EventsWithText("hello Bob", 1).size(), 1u);
  auto sent = http().Post("/v1/accounts/" + ann + "/messages?wait=10", {{"to", kCarol}, {"text", "hi Carol"}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  ASSERT_EQ(sent.Json()["state"], "sent");
  const std::string outbox_id = sent.Json()["id"];
  ASSERT_GE(receiver.WaitFor(2, seconds(15)).size(), 2u);
  const auto events_before = AllEvents();
  const auto ann_sessions = Sessions(kAnn).size();
  ASSERT_EQ(gateway_->Stop(), 0);
  gateway_.reset();

  const std::string source_before = ReadFile(Database());
  ASSERT_FALSE(source_before.empty());
  const std::string target = NewPostgresDatabase();
  auto [status, output] = RunTgmux({}, {"migrate", "--from", "sqlite:" + Database().string(), "--to", target});
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("accounts"), std::string::npos) << output;
  EXPECT_NE(output.find("2 rows"), std::string::npos) << output;
  EXPECT_NE(output.find("copied"), std::string::npos) << output;
  const std::string password = target.substr(target.find(':', 13) + 1, target.find('@') - target.find(':', 13) - 1);
  EXPECT_EQ(output.find(password), std::string::npos) << "the password was printed";
  EXPECT_TRUE(ReadFile(Database()) == source_before) << "migrate changed the source";

  StartGateway({{"TGMUX_STORE", target}});
  EXPECT_EQ(PollAccount(ann, "active")["status"], "active");
  EXPECT_EQ(PollAccount(bob, "active")["status"], "active");
  EXPECT_EQ(Sessions(kAnn).size(), ann_sessions) << "the account logged in again";
  auto ready = gateway_->Anonymous().Get("/readyz").Json();
  EXPECT_EQ(ready["store"]["kind"], "postgres");

  // The same events under the same seqs, and new ones after them.
  auto events_after = AllEvents();
  ASSERT_GE(events_after.size(), events_before.size());
  for (std::size_t i = 0; i < events_before.size(); ++i) {
    EXPECT_EQ(events_after[i]["seq"], events_before[i]["seq"]);
    EXPECT_EQ(events_after[i]["id"], events_before[i]["id"]);
    EXPECT_EQ(events_after[i]["data"], events_before[i]["data"]);
  }
  HttpClient with_key("127.0.0.1", gateway_->port());
  with_key.SetDefaultHeader("Authorization", "Bearer " + api_key);
  auto accounts = with_key.Get("/v1/accounts");
  EXPECT_EQ(accounts.status, 200) << accounts.body;
  auto entry = with_key.Get("/v1/outbox/" + outbox_id);
  EXPECT_EQ(entry.status, 200) << entry.body;
  EXPECT_EQ(entry.Json()["state"], "sent");

  Say(kCarol, kAnn, "after the move");
  auto moved = EventsWithText("after the move", 1);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_GT(moved[0]["seq"].get<std::int64_t>(), events_before.back()["seq"].get<std::int64_t>());
  auto deliveries = receiver.WaitFor(3, seconds(15));
  ASSERT_GE(deliveries.size(), 3u);
  const auto& last = deliveries.back();
  EXPECT_EQ(json::parse(last.body)["data"]["message"]["text"], "after the move");
  EXPECT_TRUE(VerifySignature(last.Header("x-tgmux-signature"), last.body, secret)) << "the webhook's secret changed";
  ASSERT_EQ(gateway_->Stop(), 0);

  auto [again, refusal] = RunTgmux({}, {"migrate", "--from", "sqlite:" + Database().string(), "--to", target});
  EXPECT_EQ(again, 2) << refusal;
  EXPECT_NE(refusal.find("is not empty"), std::string::npos) << refusal;
  EXPECT_EQ(std::count(refusal.begin(), refusal.end(), '\n'), 2) << "the header line and one line of refusal\n"
                                                                  << refusal;
  EXPECT_TRUE(ReadFile(Database()) == source_before);
}

TEST_F(MigrateTest, BadArgumentsAreRefusedWithOneLine) {
  auto [status, output] = RunTgmux({}, {"migrate", "--from", "sqlite:/nonexistent/tgmux.db", "--to", "postgres://u:pw@127.0.0.1:1/db?nosuch=1"});
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("--to is not a PostgreSQL connection string"), std::string::npos) << output;
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
  auto [missing, why] = RunTgmux({}, {"migrate", "--from", "sqlite:/nonexistent/tgmux.db", "--to", NewPostgresDatabase()});
  EXPECT_EQ(missing, 2) << why;
  EXPECT_NE(why.find("is not a database file"), std::string::npos) << why;
  EXPECT_EQ(RunTgmux({}, {"migrate", "--from", "sqlite:x.db"}).first, 2) << "--to is required";
}

}  // namespace
}  // namespace tgmux::testing
