// End-to-end: bots as resources (POST/GET/PATCH/DELETE /v1/bots) against the
// simulator's bot login: a bot runs once its token logs in, an invalid token
// or one already running is refused and leaves nothing behind, the token is
// never shown again, bots come back after a restart, and status changes are
// bot.status events.
#include <filesystem>
#include <fstream>

#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class BotsTest : public LinkedGatewayTest {
 protected:
  std::string NewBotToken(const std::string& username) {
    auto bot = Control("POST", "/bots", {{"username", username}, {"first_name", "Helper"}});
    EXPECT_EQ(bot.status, 201);
    return bot.body.value("token", "");
  }
  HttpResponse AddBot(const std::string& token, json extra = json::object()) {
    extra["token"] = token;
    if (!extra.contains("features")) extra["features"] = {"accounts", "terminal"};
    return http().Post("/v1/bots", extra);
  }
  json BotEvents() {
    json statuses = json::array();
    auto items = http().Get("/v1/events?types=bot.status&limit=100").Json()["items"];
    for (const auto& event : items) statuses.push_back(event["data"]);
    return statuses;
  }
};

TEST_F(BotsTest, ABotRunsOnceItsTokenLogsInAndItsTokenIsNeverShown) {
  StartGateway();
  std::string token = NewBotToken("helper_bot");
  auto added = AddBot(token, {{"access", {"@Ann_W", 5001}}, {"link_policy", "any"}});
  ASSERT_EQ(added.status, 201) << added.body;
  auto bot = added.Json();
  EXPECT_EQ(bot["status"], "active");
  EXPECT_EQ(bot["username"], "helper_bot");
  EXPECT_GT(bot["telegram_user_id"].get<std::int64_t>(), 0);
  EXPECT_EQ(bot["features"], json({"accounts", "terminal"}));
  EXPECT_EQ(bot["access"], json({"5001", "@ann_w"}));
  EXPECT_EQ(bot["link_policy"], "any");
  EXPECT_EQ(added.body.find(token.substr(token.find(':') + 1)), std::string::npos) << "the token is never shown";

  std::string id = bot["id"];
  auto listed = http().Get("/v1/bots").Json();
  ASSERT_EQ(listed["items"].size(), 1u) << listed;
  EXPECT_EQ(listed["items"][0]["id"], id);
  EXPECT_EQ(http().Get("/v1/bots/" + id).Json()["status"], "active");
  EXPECT_EQ(http().Get("/v1/bots/" + id).body.find(token.substr(token.find(':') + 1)), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return BotEvents().size() >= 1; }, std::chrono::seconds(5))) << BotEvents();
  EXPECT_EQ(BotEvents()[0]["status"], "active");
}

TEST_F(BotsTest, AnInvalidTokenABadFeatureOrARunningTokenAreRefusedAndLeaveNothing) {
  StartGateway();
  auto invalid = AddBot("123456:not-a-token-telegram-knows");
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(invalid.Json()["code"], "bot_token_invalid") << invalid.body;
  EXPECT_TRUE(http().Get("/v1/bots").Json()["items"].empty());
  EXPECT_TRUE(WaitUntil([&] {
    std::error_code ec;
    return !std::filesystem::exists(data_dir_ / "bots", ec) || std::filesystem::is_empty(data_dir_ / "bots", ec);
  }, std::chrono::seconds(5))) << "the failed bot's TDLib directory is removed";

  std::string token = NewBotToken("second_bot");
  auto unknown_feature = AddBot(token, {{"features", {"accounts", "teleport"}}});
  EXPECT_EQ(unknown_feature.status, 400) << unknown_feature.body;
  EXPECT_NE(unknown_feature.body.find("teleport"), std::string::npos) << unknown_feature.body;
  auto bad_access = AddBot(token, {{"access", {"nobody here"}}});
  EXPECT_EQ(bad_access.status, 400) << bad_access.body;
  auto bad_policy = AddBot(token, {{"link_policy", "everyone"}});
  EXPECT_EQ(bad_policy.status, 400) << bad_policy.body;

  ASSERT_EQ(AddBot(token).status, 201);
  auto again = AddBot(token);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(http().Get("/v1/bots").Json()["items"].size(), 1u);
}

TEST_F(BotsTest, BotsComeBackAfterARestartAndCanBeDisabledAndDeleted) {
  StartGateway();
  std::string id = AddBot(NewBotToken("lasting_bot")).Json()["id"];
  gateway_->Stop();
  StartGateway();
  EXPECT_TRUE(WaitUntil([&] { return http().Get("/v1/bots/" + id).Json()["status"] == "active"; },
                        std::chrono::seconds(10)))
      << http().Get("/v1/bots/" + id).body;

  auto disabled = http().Request("PATCH", "/v1/bots/" + id, json{{"disabled", true}}.dump());
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.Json()["status"], "disabled");
  auto patched = http().Request("PATCH", "/v1/bots/" + id, json{{"disabled", false}, {"features", {"accounts"}}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["features"], json({"accounts"}));
  EXPECT_TRUE(WaitUntil([&] { return http().Get("/v1/bots/" + id).Json()["status"] == "active"; },
                        std::chrono::seconds(15)))
      << http().Get("/v1/bots/" + id).body;
  EXPECT_EQ(http().Request("PATCH", "/v1/bots/" + id, json{{"token", "x"}}.dump()).status, 400);

  EXPECT_EQ(http().Request("DELETE", "/v1/bots/" + id).status, 204);
  EXPECT_EQ(http().Get("/v1/bots/" + id).status, 404);
  EXPECT_FALSE(std::filesystem::exists(data_dir_ / "bots" / id));
  // Events reach the log a moment after the change that made them.
  const std::vector<std::string> expected{"active", "disabled", "connecting", "active", "deleted"};
  std::vector<std::string> statuses;
  EXPECT_TRUE(WaitUntil(
      [&] {
        statuses.clear();
        for (const auto& event : BotEvents()) statuses.push_back(event["status"]);
        return statuses.size() >= expected.size();
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(statuses, expected);
}

TEST_F(BotsTest, ATokenRevokedAtTelegramPutsTheBotInErrorWithAnEvent) {
  StartGateway();
  std::string id = AddBot(NewBotToken("revoked_bot")).Json()["id"];
  auto revoked = Control("POST", "/bots/revoked_bot/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  json bot;
  EXPECT_TRUE(WaitUntil([&] {
    bot = http().Get("/v1/bots/" + id).Json();
    return bot["status"] == "error";
  }, std::chrono::seconds(15))) << bot;
  EXPECT_NE(bot["last_error"].get<std::string>().find("revoked"), std::string::npos) << bot;
  EXPECT_TRUE(WaitUntil([&] {
    json statuses = BotEvents();
    return !statuses.empty() && statuses.back()["status"] == "error";
  }, std::chrono::seconds(10))) << BotEvents();
}

TEST_F(BotsTest, BotsFromTheConfigurationFileRunWithoutApiCallsAndTakeItsSettings) {
  std::string token = NewBotToken("configured_bot");
  // The operator's file holds the token in clear; it is the test's input, not
  // something tgmux wrote, so it goes before the suite scans for secrets.
  struct RemovedAtEnd {
    std::filesystem::path path;
    ~RemovedAtEnd() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } config_file{dir_.path() / "tgmux.toml"};
  const auto& config = config_file.path;
  auto write = [&](const std::string& features) {
    std::ofstream out(config);
    out << "[[bots]]\ntenant = \"default\"\ntoken = \"" << token << "\"\nfeatures = " << features
        << "\naccess = [\"@ann_w\", 5001]\n";
  };
  write("[\"accounts\"]");
  gateway_ = std::make_unique<TgmuxServer>(GatewayEnv(), data_dir_);
  ASSERT_TRUE(gateway_->Start({"--config", config.string()})) << gateway_->process().Stderr();
  owner_ = gateway_->SignInOwner();
  json items;
  ASSERT_TRUE(WaitUntil([&] {
    items = http().Get("/v1/bots").Json()["items"];
    return items.size() == 1 && items[0]["status"] == "active";
  }, std::chrono::seconds(15))) << items;
  EXPECT_EQ(items[0]["username"], "configured_bot");
  EXPECT_EQ(items[0]["features"], json({"accounts"}));
  EXPECT_EQ(items[0]["access"], json({"5001", "@ann_w"}));

  // Started again with other settings: the same bot, now with them.
  gateway_->Stop();
  write("[\"accounts\", \"relay\"]");
  gateway_ = std::make_unique<TgmuxServer>(GatewayEnv(), data_dir_);
  ASSERT_TRUE(gateway_->Start({"--config", config.string()})) << gateway_->process().Stderr();
  owner_ = gateway_->SignInOwner();
  // The configured bots are applied as the gateway starts its bots.
  EXPECT_TRUE(WaitUntil([&] {
    items = http().Get("/v1/bots").Json()["items"];
    return items.size() == 1 && items[0]["features"] == json({"accounts", "relay"});
  }, std::chrono::seconds(15))) << items;

  // A wrong entry stops the start with a message naming it.
  gateway_->Stop();
  write("[\"teleport\"]");
  auto [status, output] = RunTgmux(GatewayEnv({{"TGMUX_DATA_DIR", data_dir_.string()}}),
                                   {"serve", "--config", config.string()});
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("bots[0]"), std::string::npos) << output;
  EXPECT_NE(output.find("teleport"), std::string::npos) << output;
  EXPECT_EQ(output.find(token.substr(token.find(':') + 1)), std::string::npos) << "the token is never shown";
}

}  // namespace
}  // namespace tgmux::testing
