// End-to-end: people link their Telegram account by talking to a tgmux bot
// (docs/bots.md, the `accounts` feature): by phone with the code typed with
// spaces, by QR code, with 2FA; /status, /unlink, /cancel; who may talk to
// the bot, whose account may be linked, and how many.
#include <filesystem>

#include "tests/support/bot_chat.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class BotAccountsTest : public LinkedGatewayTest {
 protected:
  // A bot with the accounts feature in the default tenant; returns its id.
  std::string AddBot(const std::string& username, json extra = json::object()) {
    auto made = Control("POST", "/bots", {{"username", username}, {"first_name", "Linker"}});
    EXPECT_EQ(made.status, 201) << made.body;
    extra["token"] = made.body.value("token", "");
    if (!extra.contains("features")) extra["features"] = {"accounts"};
    auto added = http().Post("/v1/bots", extra);
    EXPECT_EQ(added.status, 201) << added.body;
    return added.Json().value("id", "");
  }
  BotChat Person(const std::string& bot, const std::string& phone, const std::string& name, json extra = {}) {
    person_ids_[phone] = CreateUser(phone, name, extra.is_null() ? json::object() : extra)["user_id"];
    return BotChat(*sim_, bot, phone);
  }
  json Accounts() { return http().Get("/v1/accounts").Json()["items"]; }
  // The logins started so far, by their login.state events: id -> last state.
  std::map<std::string, std::string> Logins() {
    std::map<std::string, std::string> logins;
    const json events = http().Get("/v1/events?types=login.state&limit=100").Json();
    for (const auto& event : events["items"]) {
      logins[event["data"]["login_id"]] = event["data"]["state"];
    }
    return logins;
  }
  std::map<std::string, std::int64_t> person_ids_;
};

TEST_F(BotAccountsTest, APersonLinksTheirAccountByPhoneWithTheCodeTypedWithSpaces) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001001", "Ann");
  const std::vector<std::string> expected_menu = {"start", "help", "account", "status", "unlink", "cancel"};
  std::vector<std::string> menu;
  EXPECT_TRUE(WaitUntil([&] {
    const json commands = Control("GET", "/bots/linker_bot/commands").body["commands"];
    menu.clear();
    for (const auto& c : commands) menu.push_back(c["command"]);
    return menu == expected_menu;
  }, std::chrono::seconds(10))) << "the menu people see: " << ::testing::PrintToString(menu);

  ann.Send("/account help");
  EXPECT_FALSE(ann.WaitFor("By phone number").is_null()) << ann.Messages();
  ann.Send("/account status");
  EXPECT_FALSE(ann.WaitFor("No account is linked").is_null()) << ann.Messages();
  ann.Send("/account");
  json choice = ann.WaitFor("How do you want to link");
  ASSERT_FALSE(choice.is_null()) << ann.Messages();
  EXPECT_EQ(BotChat::Buttons(choice), (std::vector<std::string>{"Phone number", "QR code"}));
  EXPECT_NE(choice["text"].get<std::string>().find("second device"), std::string::npos) << choice;

  ann.Press("Phone number");
  json ask = ann.WaitFor("international format");
  ASSERT_FALSE(ask.is_null()) << ann.Messages();
  ASSERT_TRUE(ask["reply_markup"].contains("keyboard")) << ask;
  EXPECT_TRUE(ask["reply_markup"]["keyboard"][0][0].value("request_phone", false)) << ask;

  ann.Send("+1 (555) 000-1001");
  json code_prompt = ann.WaitFor("Telegram has sent a login code");
  ASSERT_FALSE(code_prompt.is_null()) << ann.Messages();
  EXPECT_NE(code_prompt["text"].get<std::string>().find("1 2 3 4 5"), std::string::npos);
  EXPECT_EQ(code_prompt["text"].get<std::string>().find("+15550001001"), std::string::npos) << "masked";

  std::int64_t code_message = ann.Send(ann.SpacedCode());
  json done = ann.WaitFor("Linked: Ann");
  ASSERT_FALSE(done.is_null()) << ann.Messages();
  EXPECT_NE(done["text"].get<std::string>().find("/unlink"), std::string::npos) << done;
  json gone = ann.WaitForMessage([&](const json& m) { return m["message_id"] == code_message && m.value("deleted", false); });
  EXPECT_FALSE(gone.is_null()) << "the code is deleted from the chat once read: " << ann.Messages();

  json accounts = Accounts();
  ASSERT_EQ(accounts.size(), 1u) << accounts;
  EXPECT_EQ(accounts[0]["owner_telegram_user_id"], person_ids_["+15550001001"]);
  EXPECT_EQ(accounts[0]["status"], "active");

  ann.Send("/status");
  EXPECT_FALSE(ann.WaitFor("Ann (").is_null()) << ann.Messages();
  EXPECT_NE(ann.Replies().back()["text"].get<std::string>().find("active"), std::string::npos) << ann.Messages();

  ann.Send("/account");
  json again = ann.WaitFor("Your linked account");
  ASSERT_FALSE(again.is_null()) << ann.Messages();
  EXPECT_TRUE(BotChat::Buttons(again).empty()) << "never a second login: " << again;
  EXPECT_EQ(Logins().size(), 1u) << "no second login was started";
}

TEST_F(BotAccountsTest, UnlinkAsksFirstThenLogsOutAndForgetsTheAccount) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001002", "Ann");
  ASSERT_TRUE(ann.LinkByPhone()) << ann.Messages();
  ASSERT_EQ(Sessions("+15550001002").size(), 1u);

  ann.Send("/unlink");
  json confirm = ann.WaitFor("It is logged out at Telegram");
  ASSERT_FALSE(confirm.is_null()) << ann.Messages();
  ASSERT_EQ(BotChat::Buttons(confirm).size(), 2u) << confirm;
  EXPECT_EQ(Accounts().size(), 1u) << "nothing happens before the confirm";

  ann.Press(BotChat::Buttons(confirm)[0]);
  EXPECT_FALSE(ann.WaitFor("Unlinked Ann").is_null()) << ann.Messages();
  EXPECT_TRUE(Accounts().empty());
  EXPECT_TRUE(Sessions("+15550001002").empty()) << "logged out at Telegram";

  ann.Send("/status");
  EXPECT_FALSE(ann.WaitFor("No account is linked").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, AWrongCodeSaysHowManyTriesAreLeftAndAVerbatimCodeIsReplacedByANewOne) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001003", "Ann");
  ASSERT_TRUE(ann.AskForPhone()) << ann.Messages();
  ann.Send("+15550001003");
  ASSERT_FALSE(ann.WaitFor("Telegram has sent a login code").is_null()) << ann.Messages();

  ann.Send("9 9 9 9 9");
  EXPECT_FALSE(ann.WaitFor("4 attempts left").is_null()) << ann.Messages();
  ann.Send("hello");
  EXPECT_FALSE(ann.WaitFor("Send only the code's digits").is_null()) << ann.Messages();

  // Sent as it is, the code is cancelled by Telegram: the bot says why and offers a new one.
  ann.Send(LastCode("+15550001003"));
  json expired = ann.WaitFor("sent in a chat as it is");
  ASSERT_FALSE(expired.is_null()) << ann.Messages();
  EXPECT_EQ(BotChat::Buttons(expired), std::vector<std::string>{"Send a new code"});
  ann.Press("Send a new code");
  EXPECT_FALSE(ann.WaitFor("A new code is on its way").is_null()) << ann.Messages();
  ann.Send(ann.SpacedCode());
  EXPECT_FALSE(ann.WaitFor("Linked: Ann").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, TwoStepVerificationAsksForThePasswordWithItsHintAndDeletesIt) {
  StartGateway();
  AddBot("linker_bot");
  BotChat bob = Person("linker_bot", "+15550001004", "Bob", {{"password", "correct horse"}, {"password_hint", "horse"}});
  ASSERT_TRUE(bob.StartPhoneLogin()) << bob.Messages();
  bob.Send(bob.SpacedCode());
  json ask = bob.WaitFor("two-step verification");
  ASSERT_FALSE(ask.is_null()) << bob.Messages();
  EXPECT_NE(ask["text"].get<std::string>().find("hint: horse"), std::string::npos) << ask;

  std::int64_t wrong = bob.Send("battery staple");
  EXPECT_FALSE(bob.WaitFor("That password is not right").is_null()) << bob.Messages();
  std::int64_t right = bob.Send("correct horse");
  EXPECT_FALSE(bob.WaitFor("Linked: Bob").is_null()) << bob.Messages();
  for (std::int64_t id : {wrong, right}) {
    EXPECT_FALSE(bob.WaitForMessage([&](const json& m) { return m["message_id"] == id && m.value("deleted", false); })
                     .is_null())
        << "password message " << id << " deleted: " << bob.Messages();
  }
}

TEST_F(BotAccountsTest, CancelStopsTheLoginAndWipesItsDirectory) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001005", "Ann");
  ASSERT_TRUE(ann.StartPhoneLogin()) << ann.Messages();
  ann.Send("/cancel");
  EXPECT_FALSE(ann.WaitFor("Cancelled").is_null()) << ann.Messages();
  EXPECT_TRUE(WaitUntil([&] {
    auto logins = Logins();
    return logins.size() == 1 && logins.begin()->second == "cancelled";
  }, std::chrono::seconds(10))) << http().Get("/v1/events?types=login.state").body;
  EXPECT_TRUE(WaitUntil([&] {
    std::error_code ec;
    return !std::filesystem::exists(data_dir_ / "accounts", ec) || std::filesystem::is_empty(data_dir_ / "accounts", ec);
  }, std::chrono::seconds(10))) << "the login's TDLib directory is wiped";
  ann.Send("/cancel");
  EXPECT_FALSE(ann.WaitFor("nothing to cancel").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, TheQrCodeIsAnImageReplacedWhenRenewedAndLinksOnceScanned) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001006", "Ann");
  ann.Send("/account");
  ann.WaitFor("How do you want to link");
  ann.Press("QR code");
  json qr = ann.WaitFor("tg://login?token=");
  ASSERT_FALSE(qr.is_null()) << ann.Messages();
  ASSERT_TRUE(qr.contains("media")) << qr;
  const std::string first = qr["text"];
  // tgsim renews the link every 2 s here: the same message shows the new one.
  json renewed = ann.WaitForMessage([&](const json& m) {
    return m["message_id"] == qr["message_id"] && m["text"] != first && m.contains("edit_date");
  });
  ASSERT_FALSE(renewed.is_null()) << ann.Messages();
  std::size_t photos = 0;
  for (const auto& m : ann.Messages()) photos += m.contains("media") ? 1 : 0;
  EXPECT_EQ(photos, 1u) << "edited, not sent again: " << ann.Messages();

  // Scanned on the other device: the link in the photo now (it may renew meanwhile, so again if so).
  ASSERT_TRUE(WaitUntil([&] {
    std::string now = ann.WaitForMessage([&](const json& m) { return m["message_id"] == qr["message_id"]; })["text"];
    auto confirmed = Control("POST", "/qr/confirm",
                             {{"link", now.substr(now.find("tg://login?token="))}, {"phone", "+15550001006"}});
    return confirmed.status == 204;
  }, std::chrono::seconds(10)));
  EXPECT_FALSE(ann.WaitFor("Linked: Ann").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, AnUnscannedQrCodeExpiresWithATryAgainButton) {
  StartGateway({{"TGMUX_QR_TIMEOUT", "3"}});
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001007", "Ann");
  ann.Send("/account");
  ann.WaitFor("How do you want to link");
  ann.Press("QR code");
  ASSERT_FALSE(ann.WaitFor("tg://login?token=").is_null()) << ann.Messages();
  json expired = ann.WaitFor("expired", std::chrono::seconds(30));
  ASSERT_FALSE(expired.is_null()) << ann.Messages();
  EXPECT_EQ(BotChat::Buttons(expired), std::vector<std::string>{"Try again"});
  ann.Press("Try again");
  EXPECT_FALSE(ann.WaitForMessage([&](const json& m) {
                      return m.value("text", "").find("tg://login?token=") != std::string::npos &&
                             m["message_id"].get<std::int64_t>() > expired["message_id"].get<std::int64_t>();
                    }).is_null())
      << ann.Messages();
}

TEST_F(BotAccountsTest, StrangersAreRefusedPolitelyAndNothingElse) {
  StartGateway();
  AddBot("private_bot", {{"access", {"@ann_w"}}});
  BotChat ann = Person("private_bot", "+15550001008", "Ann", {{"username", "ann_w"}});
  BotChat eve = Person("private_bot", "+15550001009", "Eve");
  eve.Send("/account");
  json refused = eve.WaitFor("Sorry");
  ASSERT_FALSE(refused.is_null()) << eve.Messages();
  EXPECT_TRUE(BotChat::Buttons(refused).empty());
  ann.Send("/account");
  EXPECT_FALSE(ann.WaitFor("How do you want to link").is_null()) << ann.Messages();
  EXPECT_EQ(eve.Replies().size(), 1u) << eve.Messages();
}

TEST_F(BotAccountsTest, LinkPolicySelfAcceptsOnlyThePersonsOwnAccount) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001010", "Ann");
  CreateUser("+15550001011", "Carl");
  ASSERT_TRUE(ann.AskForPhone()) << ann.Messages();
  ann.ShareContact("+15550001011", 424242);
  EXPECT_FALSE(ann.WaitFor("That contact is not you").is_null()) << ann.Messages();

  ann.Send("+15550001011");
  ASSERT_FALSE(ann.WaitFor("Telegram has sent a login code").is_null()) << ann.Messages();
  ann.Send(BotChat(*sim_, "linker_bot", "+15550001011").SpacedCode());  // Carl's code
  EXPECT_FALSE(ann.WaitFor("only your own Telegram account").is_null()) << ann.Messages();
  EXPECT_TRUE(Accounts().empty());
  EXPECT_TRUE(WaitUntil([&] { return Sessions("+15550001011").empty(); }, std::chrono::seconds(10)))
      << "the other account's session is logged out again";
}

TEST_F(BotAccountsTest, TwoBotsShareLinksAndOnePersonGetsOneAccount) {
  StartGateway();
  AddBot("first_bot", {{"link_policy", "any"}});
  AddBot("second_bot");
  BotChat in_first = Person("first_bot", "+15550001012", "Ann");
  ASSERT_TRUE(in_first.LinkByPhone()) << in_first.Messages();

  BotChat in_second(*sim_, "second_bot", "+15550001012");
  in_second.Send("/account");
  json known = in_second.WaitFor("Your linked account: Ann");
  ASSERT_FALSE(known.is_null()) << in_second.Messages();
  EXPECT_NE(known["text"].get<std::string>().find("One person can link one account here"), std::string::npos)
      << "a second account is refused by the cap: " << known;
  EXPECT_TRUE(BotChat::Buttons(known).empty());

  in_second.Send("/unlink");
  json confirm = in_second.WaitFor("It is logged out at Telegram");
  ASSERT_FALSE(confirm.is_null()) << in_second.Messages();
  in_second.Press(BotChat::Buttons(confirm)[0]);
  EXPECT_FALSE(in_second.WaitFor("Unlinked Ann").is_null()) << in_second.Messages();
  EXPECT_TRUE(Accounts().empty());
  in_first.Send("/status");
  EXPECT_FALSE(in_first.WaitFor("No account is linked").is_null()) << in_first.Messages();
}

TEST_F(BotAccountsTest, ALoginCutByARestartTellsThePersonToStartAgain) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001013", "Ann");
  ASSERT_TRUE(ann.StartPhoneLogin()) << ann.Messages();
  gateway_->Stop();
  StartGateway();
  EXPECT_FALSE(ann.WaitFor("tgmux restarted while you were linking", std::chrono::seconds(30)).is_null())
      << ann.Messages() << gateway_->process().Stderr();
  ann.Send("/account");
  EXPECT_FALSE(ann.WaitFor("How do you want to link").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, AFloodWaitSaysWhenToTryAgain) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001014", "Ann");
  ASSERT_EQ(Control("POST", "/faults", {{"method", "setAuthenticationPhoneNumber"}, {"flood_wait", 300}}).status, 201);
  ASSERT_TRUE(ann.AskForPhone()) << ann.Messages();
  ann.ShareOwnNumber();
  json wait = ann.WaitFor("Telegram asks to wait 5 minutes");
  ASSERT_FALSE(wait.is_null()) << ann.Messages();
  EXPECT_NE(wait["text"].get<std::string>().find("UTC"), std::string::npos) << wait;
}

TEST_F(BotAccountsTest, AQrLoginWithTwoStepVerificationAsksForThePasswordAfterTheScan) {
  StartGateway();
  AddBot("linker_bot");
  BotChat bob = Person("linker_bot", "+15550001015", "Bob", {{"password", "correct horse"}, {"password_hint", "horse"}});
  bob.Send("/account");
  bob.WaitFor("How do you want to link");
  bob.Press("QR code");
  json qr = bob.WaitFor("tg://login?token=");
  ASSERT_FALSE(qr.is_null()) << bob.Messages();
  ASSERT_TRUE(WaitUntil([&] {
    std::string now = bob.WaitForMessage([&](const json& m) { return m["message_id"] == qr["message_id"]; })["text"];
    return Control("POST", "/qr/confirm", {{"link", now.substr(now.find("tg://login?token="))}, {"phone", "+15550001015"}})
               .status == 204;
  }, std::chrono::seconds(10)));
  EXPECT_FALSE(bob.WaitFor("two-step verification").is_null()) << bob.Messages();
  bob.Send("correct horse");
  EXPECT_FALSE(bob.WaitFor("Linked: Bob").is_null()) << bob.Messages();
}

TEST_F(BotAccountsTest, StatusSaysWhenTheSessionWasEndedElsewhere) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001016", "Ann");
  ASSERT_TRUE(ann.LinkByPhone()) << ann.Messages();
  ASSERT_EQ(Control("POST", "/users/+15550001016/revoke").status, 204);
  ASSERT_TRUE(WaitUntil([&] { return Accounts()[0]["status"] == "revoked"; }, std::chrono::seconds(10))) << Accounts();
  ann.Send("/status");
  EXPECT_FALSE(ann.WaitFor("its session was ended on").is_null()) << ann.Messages();
  // A revoked account does not hold the person's place: /account links again.
  ann.Send("/account");
  EXPECT_FALSE(ann.WaitFor("How do you want to link").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, TheTenantsCapOnLinkedAccountsRefusesMore) {
  StartGateway({{"TGMUX_LIMIT_ACCOUNTS_TENANT", "1"}});
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001017", "Ann");
  ASSERT_TRUE(ann.LinkByPhone()) << ann.Messages();
  BotChat bob = Person("linker_bot", "+15550001018", "Bob");
  ASSERT_TRUE(bob.AskForPhone()) << bob.Messages();
  bob.ShareOwnNumber();
  EXPECT_FALSE(bob.WaitFor("linked as many accounts as it may").is_null()) << bob.Messages();
  EXPECT_EQ(Accounts().size(), 1u);
  EXPECT_EQ(Logins().size(), 1u) << "no login was started for Bob";
}

TEST_F(BotAccountsTest, AnExpiredCodeOffersANewOne) {
  StartGateway();
  AddBot("linker_bot");
  BotChat ann = Person("linker_bot", "+15550001019", "Ann");
  ASSERT_TRUE(ann.StartPhoneLogin()) << ann.Messages();
  const std::string stale = ann.SpacedCode();
  ASSERT_EQ(Control("POST", "/users/+15550001019/expire-code").status, 204);
  ann.Send(stale);
  json expired = ann.WaitFor("That code has expired");
  ASSERT_FALSE(expired.is_null()) << ann.Messages();
  EXPECT_EQ(BotChat::Buttons(expired), std::vector<std::string>{"Send a new code"});
  ann.Press("Send a new code");
  ASSERT_FALSE(ann.WaitFor("A new code is on its way").is_null()) << ann.Messages();
  ann.Send(ann.SpacedCode());
  EXPECT_FALSE(ann.WaitFor("Linked: Ann").is_null()) << ann.Messages();
}

TEST_F(BotAccountsTest, LoginsThroughBotsCountAgainstTheTenantsLoginRateLimit) {
  StartGateway({{"TGMUX_LIMIT_LOGINS_TENANT", "1/3600"}});
  AddBot("linker_bot");
  ASSERT_EQ(StartPhoneLogin("+15550001020").status, 201) << "the API's login takes the only one";
  CreateUser("+15550001020", "Carl");
  BotChat ann = Person("linker_bot", "+15550001021", "Ann");
  ASSERT_TRUE(ann.AskForPhone()) << ann.Messages();
  ann.ShareOwnNumber();
  json refused = ann.WaitFor("Many logins are being started right now");
  ASSERT_FALSE(refused.is_null()) << ann.Messages();
  EXPECT_NE(refused["text"].get<std::string>().find("Try again in"), std::string::npos) << refused;
}

}  // namespace
}  // namespace tgmux::testing
