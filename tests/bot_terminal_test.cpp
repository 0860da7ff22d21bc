// End-to-end: the `terminal` feature (docs/bots.md). The private messages of a
// person's linked account come to their bot chat with Reply, Mark read and
// History; answers go out as them through the outbox and are confirmed with
// ✓; /chats, /edit, /delete; bursts are merged, and a restart neither loses
// nor repeats a message.
#include "tests/support/bot_chat.h"
#include "tests/support/media_files.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15550002001";
constexpr const char* kBob = "+15550002002";

class BotTerminalTest : public LinkedGatewayTest {
 protected:
  // Ann links her account through a terminal bot; Bob is someone she talks to.
  BotChat LinkAnn() {
    StartGateway();
    auto made = Control("POST", "/bots", {{"username", "desk_bot"}, {"first_name", "Desk"}});
    EXPECT_EQ(made.status, 201);
    auto added = http().Post("/v1/bots", {{"token", made.body["token"]}, {"features", {"accounts", "terminal"}}});
    EXPECT_EQ(added.status, 201) << added.body;
    CreateUser(kAnn, "Ann");
    CreateUser(kBob, "Bob", {{"username", "bob_b"}});
    BotChat ann(*sim_, "desk_bot", kAnn);
    EXPECT_TRUE(ann.LinkByPhone()) << ann.Messages();
    return ann;
  }
  std::int64_t BobWrites(const std::string& text) {
    auto sent = Control("POST", "/messages", {{"from", kBob}, {"to", kAnn}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body;
    return sent.body.value("message_id", std::int64_t{0});
  }
  json BobsChat() { return Control("GET", std::string("/users/") + kBob + "/messages?with=" + kAnn).body["messages"]; }
  // How many bot messages hold `needle`.
  static int Count(const BotChat& chat, const std::string& needle) {
    int n = 0;
    for (const auto& m : chat.Messages()) {
      n += m.value("from_bot", false) && m.value("text", "").find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
  }
};

TEST_F(BotTerminalTest, IncomingPrivateMessagesAreRelayedAndAnsweredAsThePerson) {
  BotChat ann = LinkAnn();
  BobWrites("Lunch at noon?");
  json relayed = ann.WaitFor("Lunch at noon?");
  ASSERT_FALSE(relayed.is_null()) << ann.Messages();
  EXPECT_NE(relayed["text"].get<std::string>().find("From Bob (@bob_b)"), std::string::npos) << relayed;
  EXPECT_EQ(BotChat::Buttons(relayed), (std::vector<std::string>{"Reply", "Mark read", "History"}));

  // A Telegram reply to the relayed message goes to Bob as Ann, confirmed with ✓.
  std::int64_t answer = ann.Send("Sure, see you there", relayed["message_id"]);
  json check = ann.WaitFor("✓");
  ASSERT_FALSE(check.is_null()) << ann.Messages();
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& m : BobsChat()) {
      if (m.value("text", "") == "Sure, see you there" && m.value("from", "") == kAnn) return true;
    }
    return false;
  }, std::chrono::seconds(10))) << BobsChat();
  int through_outbox = 0;
  const json events = http().Get("/v1/events?types=message.sent").Json();
  for (const auto& event : events["items"]) {
    through_outbox += event["data"]["outbox_id"].is_string() ? 1 : 0;
  }
  EXPECT_EQ(through_outbox, 1) << "sent through the outbox: " << http().Get("/v1/events?types=message.sent").body;

  // Reply, then text: the same.
  ann.Press("Reply");
  EXPECT_FALSE(ann.WaitFor("Write your answer").is_null()) << ann.Messages();
  ann.Send("Or at one?");
  EXPECT_FALSE(ann.WaitFor("✓").is_null()) << ann.Messages();

  // /edit and /delete as replies to what she sent.
  ann.Send("/edit Sure, see you at noon", answer);
  EXPECT_FALSE(ann.WaitFor("Edited ✓").is_null()) << ann.Messages();
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& m : BobsChat()) {
      if (m.value("text", "") == "Sure, see you at noon") return true;
    }
    return false;
  }, std::chrono::seconds(10))) << BobsChat();
  ann.Send("/delete", answer);
  json confirm = ann.WaitFor("Delete this message for everyone?");
  ASSERT_FALSE(confirm.is_null()) << ann.Messages();
  ann.Press("Delete");
  EXPECT_FALSE(ann.WaitForMessage([&](const json& m) {
                      return m["message_id"] == confirm["message_id"] &&
                             m.value("text", "") == "Deleted for everyone.";
                    }).is_null())
      << ann.Messages();
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& m : BobsChat()) {
      if (m.value("text", "").rfind("Sure, see you", 0) == 0) return false;
    }
    return true;
  }, std::chrono::seconds(10))) << BobsChat();
}

TEST_F(BotTerminalTest, MarkReadHistoryAndChats) {
  BotChat ann = LinkAnn();
  std::int64_t bobs = BobWrites("Did you get the file?");
  ASSERT_FALSE(ann.WaitFor("Did you get the file?").is_null()) << ann.Messages();

  ann.Send("/chats");
  json chats = ann.WaitFor("Your recent private chats");
  ASSERT_FALSE(chats.is_null()) << ann.Messages();
  EXPECT_NE(chats["text"].get<std::string>().find("Bob: 1 unread"), std::string::npos) << chats;
  ann.Press("Bob (1)");
  json history = ann.WaitFor("Bob: Did you get the file?");
  ASSERT_FALSE(history.is_null()) << ann.Messages();

  // Mark read: Bob sees his message read.
  json relayed = ann.WaitForMessage([](const json& m) {
    return m.value("text", "").find("From Bob") != std::string::npos;
  });
  ann.Press("Mark read");
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& m : BobsChat()) {
      if (m["message_id"] == bobs) return m.value("is_read", false);
    }
    return false;
  }, std::chrono::seconds(10))) << BobsChat();
  (void)relayed;
}

TEST_F(BotTerminalTest, AFileComesAsTheFileWithItsCaption) {
  BotChat ann = LinkAnn();
  const std::string png = PngBytes(48, 48, 64);
  auto sent = Control("POST", "/messages",
                      {{"from", kBob}, {"to", kAnn}, {"text", "the view from here"},
                       {"media", {{"type", "photo"}, {"file_name", "view.png"}, {"mime_type", "image/png"},
                                  {"data", Base64(png)}}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  json relayed = ann.WaitForMessage([](const json& m) {
    return m.value("from_bot", false) && m.contains("media") &&
           m.value("text", "").find("the view from here") != std::string::npos;
  });
  ASSERT_FALSE(relayed.is_null()) << ann.Messages();
  EXPECT_EQ(relayed["media"]["type"], "photo") << relayed;
  EXPECT_EQ(relayed["media"]["sha256"], Sha256Hex(png)) << "the same picture Bob sent";
  EXPECT_NE(relayed["text"].get<std::string>().find("From Bob (@bob_b)"), std::string::npos) << relayed;
  EXPECT_EQ(BotChat::Buttons(relayed), (std::vector<std::string>{"Reply", "Mark read", "History"}));
}

TEST_F(BotTerminalTest, ABurstIsMergedAndNothingIsLostOrRepeatedAcrossARestart) {
  BotChat ann = LinkAnn();
  auto burst = [](int i) { return "burst " + std::string(1, static_cast<char>('a' + i)) + "!"; };
  for (int i = 0; i < 12; ++i) BobWrites(burst(i));
  ASSERT_TRUE(WaitUntil([&] {
    for (int i = 0; i < 12; ++i) {
      if (Count(ann, burst(i)) == 0) return false;
    }
    return true;
  }, std::chrono::seconds(30))) << ann.Messages();
  for (int i = 0; i < 12; ++i) EXPECT_EQ(Count(ann, burst(i)), 1) << burst(i) << " once: " << ann.Messages();
  const int relays = Count(ann, "burst ");
  EXPECT_LT(relays, 12) << "queued messages are merged: " << ann.Messages();

  gateway_->Stop();
  BobWrites("while you were away");
  StartGateway();
  BobWrites("and after");
  ASSERT_FALSE(ann.WaitForMessage([](const json& m) {
                      return m.value("text", "").find("and after") != std::string::npos;
                    }, std::chrono::seconds(30)).is_null())
      << ann.Messages();
  EXPECT_TRUE(WaitUntil([&] { return Count(ann, "while you were away") == 1; }, std::chrono::seconds(20)))
      << "what came while tgmux was down is relayed: " << ann.Messages();
  EXPECT_EQ(Count(ann, "and after"), 1) << ann.Messages();
  EXPECT_EQ(Count(ann, "burst "), relays) << "nothing relayed twice after the restart: " << ann.Messages();
}

}  // namespace
}  // namespace tgmux::testing
