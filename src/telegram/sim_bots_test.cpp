// The bot API against the simulator: a bot logged in with its token talks to a
// person the control API plays (POST /control/bots/{u}/messages, /press), and
// the person's view of the chat (GET /control/bots/{u}/chat) is the judge.
#include <fstream>

#include "telegram/sim_account_fixture.h"
#include "tests/support/media_files.h"

namespace tgmux::telegram::testing {
namespace {

MediaToSend LocalFile(MediaKind kind, std::string path) {
  MediaToSend file;
  file.kind = kind;
  file.local_path = std::move(path);
  return file;
}

constexpr const char* kPerson = "+15550801";

class TelegramSimBots : public SimAccountTest {
 protected:
  void SetUp() override {
    SimAccountTest::SetUp();
    bot_ = &BotLoggedIn("desk_bot");
    auto person = sim_->Control("POST", "/users", {{"phone", kPerson}, {"first_name", "Pat"}, {"username", "pat"}});
    ASSERT_EQ(person.status, 201) << person.body.dump();
    person_id_ = person.body.value("user_id", std::int64_t{0});
  }

  // The person writes to the bot; the bot's client reports the message.
  Message PersonWrites(const std::string& text) {
    auto sent = sim_->Control("POST", "/bots/desk_bot/messages", {{"from", kPerson}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body.dump();
    auto arrived = bot_->WaitMessage(text);
    EXPECT_TRUE(arrived) << text;
    return arrived.value_or(Message{});
  }

  // The person presses a button; the id of the callback query when it was one.
  std::string Press(const std::string& text) {
    auto pressed = sim_->Control("POST", "/bots/desk_bot/press", {{"from", kPerson}, {"text", text}});
    EXPECT_TRUE(pressed.status == 200 || pressed.status == 201) << pressed.body.dump();
    return pressed.body.value("callback_query_id", "");
  }

  // The chat with the bot as the person sees it, oldest first.
  nlohmann::json PersonSees() {
    return sim_->Control("GET", "/bots/desk_bot/chat?with=%2B15550801").body.value("messages", nlohmann::json::array());
  }

  Result<Message> SendText(std::int64_t chat_id, const std::string& text, const ReplyMarkup& markup) {
    return Await<Message>([&](auto done) { bot_->client->SendBotText(chat_id, {text, {}}, markup, 0, done); });
  }

  std::string WriteFile(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  SimAccount* bot_ = nullptr;
  std::int64_t person_id_ = 0;
};

TEST_F(TelegramSimBots, ThePersonPressesAButtonAndTheBotAnswersIt) {
  Message hello = PersonWrites("/start");
  EXPECT_EQ(hello.chat_id, person_id_);
  EXPECT_EQ(hello.sender.user_id, person_id_);

  auto markup = ReplyMarkup::Inline(
      {{BotButton::Callback("Approve", "approve:42"), BotButton::Url("Help", "https://example.com/help")}});
  auto sent = SendText(hello.chat_id, "Approve the login?", markup);
  ASSERT_TRUE(sent.ok()) << sent.error().what();
  EXPECT_EQ(sent.value().message_id % (1 << 20), 0);  // the server message, not the temporary one
  auto seen = PersonSees();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1]["text"], "Approve the login?");
  EXPECT_EQ(seen[1]["reply_markup"]["inline"],
            nlohmann::json::parse(
                R"([[{"text":"Approve","data":"approve:42"},{"text":"Help","url":"https://example.com/help"}]])"));

  std::string query_id = Press("Approve");
  ASSERT_FALSE(query_id.empty());
  auto query = bot_->queries.Wait();
  ASSERT_TRUE(query);
  EXPECT_EQ(std::to_string(query->id), query_id);
  EXPECT_EQ(query->data, "approve:42");
  EXPECT_EQ(query->sender_user_id, person_id_);
  EXPECT_EQ(query->chat_id, hello.chat_id);
  EXPECT_EQ(query->message_id, sent.value().message_id);
  std::string answer_path = "/bots/desk_bot/callback-queries/" + query_id;
  EXPECT_EQ(sim_->Control("GET", answer_path).body["answered"], false);

  auto answered = Await<Ok>([&](auto done) { bot_->client->AnswerCallbackQuery(query->id, "Approved", false, done); });
  ASSERT_TRUE(answered.ok()) << answered.error().what();
  auto shown = sim_->Control("GET", answer_path).body;
  EXPECT_EQ(shown["answered"], true);
  EXPECT_EQ(shown["text"], "Approved");
  EXPECT_EQ(shown["show_alert"], false);
  // A second answer to the same press is refused.
  auto again = Await<Ok>([&](auto done) { bot_->client->AnswerCallbackQuery(query->id, "x", true, done); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kInvalidRequest);
}

TEST_F(TelegramSimBots, EditsChangeWhatThePersonSees) {
  Message hello = PersonWrites("/start");
  auto sent = SendText(hello.chat_id, "Working…", ReplyMarkup::Inline({{BotButton::Callback("Cancel", "cancel")}}));
  ASSERT_TRUE(sent.ok()) << sent.error().what();
  std::int64_t id = sent.value().message_id;

  auto edited = Await<Message>([&](auto done) {
    bot_->client->EditBotText(hello.chat_id, id, {"Done", {}},
                              ReplyMarkup::Inline({{BotButton::Callback("Again", "again")}}), done);
  });
  ASSERT_TRUE(edited.ok()) << edited.error().what();
  EXPECT_EQ(edited.value().message_id, id);
  EXPECT_EQ(edited.value().text.text, "Done");
  auto seen = PersonSees();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1]["text"], "Done");
  EXPECT_TRUE(seen[1].contains("edit_date"));
  EXPECT_EQ(seen[1]["reply_markup"]["inline"][0][0]["text"], "Again");

  auto removed =
      Await<Message>([&](auto done) { bot_->client->EditBotMarkup(hello.chat_id, id, ReplyMarkup{}, done); });
  ASSERT_TRUE(removed.ok()) << removed.error().what();
  seen = PersonSees();
  EXPECT_EQ(seen[1]["text"], "Done");
  EXPECT_FALSE(seen[1].contains("reply_markup"));
  auto unchanged =
      Await<Message>([&](auto done) { bot_->client->EditBotMarkup(hello.chat_id, id, ReplyMarkup{}, done); });
  ASSERT_FALSE(unchanged.ok());
  EXPECT_EQ(unchanged.error().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(std::string(unchanged.error().what()).find("MESSAGE_NOT_MODIFIED"), std::string::npos);

  // The person's own message is not the bot's to edit.
  auto foreign = Await<Message>([&](auto done) {
    bot_->client->EditBotText(hello.chat_id, hello.message_id, {"x", {}}, {}, done);
  });
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kForbidden);
}

TEST_F(TelegramSimBots, APhoneButtonSharesThePersonsOwnContact) {
  Message hello = PersonWrites("/login");
  auto keyboard = ReplyMarkup::Keyboard({{BotButton::RequestPhone("Share my number")}, {BotButton::Text("Cancel")}},
                                        "Use the buttons");
  auto sent = SendText(hello.chat_id, "Your number, please", keyboard);
  ASSERT_TRUE(sent.ok()) << sent.error().what();
  auto shown = PersonSees()[1]["reply_markup"];
  EXPECT_EQ(shown["keyboard"][0][0]["request_phone"], true);
  EXPECT_EQ(shown["one_time"], true);
  EXPECT_EQ(shown["resize"], true);
  EXPECT_EQ(shown["placeholder"], "Use the buttons");

  EXPECT_EQ(Press("Share my number"), "");  // not a callback query: a message
  auto contact = bot_->messages.WaitFor([](const Message& m) { return m.content_type == "contact"; });
  ASSERT_TRUE(contact);
  ASSERT_TRUE(contact->contact);
  EXPECT_EQ(contact->contact->user_id, person_id_);
  EXPECT_EQ(contact->contact->first_name, "Pat");
  EXPECT_NE(contact->contact->phone.find("15550801"), std::string::npos);
  EXPECT_EQ(contact->sender.user_id, person_id_);

  auto thanks = SendText(hello.chat_id, "Thanks", ReplyMarkup::RemoveKeyboard());
  ASSERT_TRUE(thanks.ok()) << thanks.error().what();
  EXPECT_EQ(PersonSees().back()["reply_markup"]["remove"], true);
}

TEST_F(TelegramSimBots, ThePhotoAndItsButtonsCanBeReplaced) {
  Message hello = PersonWrites("/qr");
  std::string first = tgmux::testing::PngBytes(64, 64, 300), second = tgmux::testing::PngBytes(32, 32, 200);
  auto sent = Await<Message>([&](auto done) {
    bot_->client->SendBotPhoto(hello.chat_id, LocalFile(MediaKind::kPhoto, WriteFile("first.png", first)),
                               {"Scan me", {}}, ReplyMarkup::Inline({{BotButton::Callback("Refresh", "refresh")}}),
                               done);
  });
  ASSERT_TRUE(sent.ok()) << sent.error().what();
  EXPECT_EQ(sent.value().content_type, "photo");
  ASSERT_TRUE(sent.value().media);
  auto seen = PersonSees();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1]["text"], "Scan me");
  EXPECT_EQ(seen[1]["media"]["sha256"], tgmux::testing::Sha256Hex(first));
  EXPECT_EQ(seen[1]["reply_markup"]["inline"][0][0]["data"], "refresh");

  auto edited = Await<Message>([&](auto done) {
    bot_->client->EditBotPhoto(hello.chat_id, sent.value().message_id,
                               LocalFile(MediaKind::kPhoto, WriteFile("second.png", second)), {"Scan the new one", {}},
                               ReplyMarkup::Inline({{BotButton::Callback("Refresh again", "refresh2")}}), done);
  });
  ASSERT_TRUE(edited.ok()) << edited.error().what();
  EXPECT_EQ(edited.value().text.text, "Scan the new one");
  seen = PersonSees();
  EXPECT_EQ(seen[1]["text"], "Scan the new one");
  EXPECT_EQ(seen[1]["media"]["sha256"], tgmux::testing::Sha256Hex(second));
  EXPECT_EQ(seen[1]["reply_markup"]["inline"][0][0]["data"], "refresh2");
}

TEST_F(TelegramSimBots, CommandsRoundTrip) {
  std::vector<BotCommand> commands = {{"start", "Begin"}, {"login", "Link a Telegram account"}};
  auto set = Await<Ok>([&](auto done) { bot_->client->SetCommands(commands, done); });
  ASSERT_TRUE(set.ok()) << set.error().what();
  auto got = Await<std::vector<BotCommand>>([&](auto done) { bot_->client->GetCommands(done); });
  ASSERT_TRUE(got.ok()) << got.error().what();
  ASSERT_EQ(got.value().size(), 2u);
  EXPECT_EQ(got.value()[1].command, "login");
  EXPECT_EQ(got.value()[1].description, "Link a Telegram account");

  auto bad = Await<Ok>([&](auto done) { bot_->client->SetCommands({{"no spaces", "x"}}, done); });
  EXPECT_FALSE(bad.ok());
}

TEST_F(TelegramSimBots, APersonWhoNeverStartedTheBotCannotBeWritten) {
  auto chat = Await<std::int64_t>([&](auto done) { bot_->client->ResolveRecipient("@pat", done); });
  ASSERT_TRUE(chat.ok()) << chat.error().what();
  auto sent = SendText(chat.value(), "Hi!", ReplyMarkup{});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kForbidden);
  EXPECT_TRUE(PersonSees().empty());
}

TEST_F(TelegramSimBots, BotMethodsAreRefusedToPeople) {
  SimAccount& user = LoggedIn("+15550802", "quinn");
  auto set = Await<Ok>([&](auto done) { user.client->SetCommands({{"start", "Begin"}}, done); });
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code(), ErrorCode::kForbidden);
}

TEST_F(TelegramSimBots, ARevokedTokenEndsTheBotsSession) {
  auto revoked = sim_->Control("POST", "/bots/desk_bot/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body.dump();
  auto reason = bot_->closes.Wait(0, 15s);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, ClosedReason::kRevoked);
  EXPECT_TRUE(bot_->client->closed());
  // The new token logs the bot in again; the old one no longer does.
  SimAccount& again = Started("desk_bot_again");
  std::string token = revoked.body.value("token", "");
  ASSERT_FALSE(token.empty());
  ASSERT_TRUE((Await<Ok>([&](auto done) { again.client->CheckBotToken(token, done); }).ok()));
  EXPECT_EQ(again.client->auth_state().kind, AuthState::Kind::kReady);
}

}  // namespace
}  // namespace tgmux::telegram::testing
