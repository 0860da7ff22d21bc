// The messaging API against the simulator: two real accounts write to each
// other, and the simulated cloud (control API) is the judge.
#include "telegram/sim_account_fixture.h"

namespace tgmux::telegram::testing {
namespace {

class TelegramSimMessages : public SimAccountTest {
 protected:
  void SetUp() override {
    SimAccountTest::SetUp();
    alice_ = &LoggedIn("+15550701", "alice");
    bob_ = &LoggedIn("+15550702", "bob");
  }

  Result<std::int64_t> Resolve(SimAccount& from, const std::string& to) {
    return Await<std::int64_t>([&](auto done) { from.client->ResolveRecipient(to, done); });
  }

  Result<Message> Send(SimAccount& from, std::int64_t chat_id, const FormattedText& text,
                       std::int64_t reply_to = 0) {
    return Await<Message>([&](auto done) { from.client->SendText(chat_id, text, reply_to, false, done); });
  }

  SimAccount* alice_ = nullptr;
  SimAccount* bob_ = nullptr;
};

TEST_F(TelegramSimMessages, SendByUsernameAndIdArrivesAtThePeer) {
  auto by_name = Resolve(*alice_, "@bob");
  ASSERT_TRUE(by_name.ok()) << by_name.error().what();
  EXPECT_EQ(by_name.value(), bob_->user_id);  // a private chat's id is the user's
  auto sent = Send(*alice_, by_name.value(), {"by username"});
  ASSERT_TRUE(sent.ok()) << sent.error().what();
  EXPECT_EQ(sent.value().message_id % (1 << 20), 0);  // a server id, not the temporary one
  EXPECT_TRUE(sent.value().is_outgoing);

  auto by_id = Resolve(*alice_, std::to_string(bob_->user_id));
  ASSERT_TRUE(by_id.ok()) << by_id.error().what();
  ASSERT_TRUE(Send(*alice_, by_id.value(), {"by id"}).ok());

  auto received = bob_->WaitMessage("by id");
  ASSERT_TRUE(received);
  EXPECT_FALSE(received->is_outgoing);
  EXPECT_EQ(received->chat_id, alice_->user_id);
  EXPECT_EQ(received->sender.user_id, alice_->user_id);
  EXPECT_EQ(received->sender.username, "alice");
  auto seen = SimMessages(bob_->phone, alice_->phone);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0]["text"], "by username");
  EXPECT_EQ(seen[1]["text"], "by id");
  EXPECT_EQ(seen[1]["from"], alice_->phone);
}

TEST_F(TelegramSimMessages, SendByPhone) {
  auto chat = Resolve(*alice_, bob_->phone);
  ASSERT_TRUE(chat.ok()) << chat.error().what();
  EXPECT_EQ(chat.value(), bob_->user_id);
  ASSERT_TRUE(Send(*alice_, chat.value(), {"by phone"}).ok());
  EXPECT_TRUE(bob_->WaitMessage("by phone"));
}

TEST_F(TelegramSimMessages, MarkdownEntitiesAndRepliesReachThePeer) {
  std::int64_t chat = Resolve(*alice_, "@bob").value();
  // tgsim's parseMarkdown lacks [text](url) (TDLib has it), so links go by HTML.
  auto text = alice_->client->ParseText("**bold** and __italic__ \xF0\x9F\x98\x80 ~~gone~~", ParseMode::kMarkdown);
  ASSERT_TRUE(text.ok()) << text.error().what();
  EXPECT_EQ(text.value().text, "bold and italic \xF0\x9F\x98\x80 gone");
  auto sent = Send(*alice_, chat, text.value());
  ASSERT_TRUE(sent.ok()) << sent.error().what();
  auto html = alice_->client->ParseText("<b>b</b> <a href=\"https://example.com/\">link</a>", ParseMode::kHtml);
  ASSERT_TRUE(html.ok()) << html.error().what();
  ASSERT_TRUE(Send(*alice_, chat, html.value()).ok());

  auto received = bob_->WaitMessage("bold and italic \xF0\x9F\x98\x80 gone");
  ASSERT_TRUE(received);
  const auto& entities = received->text.entities;
  ASSERT_EQ(entities.size(), 3u);
  EXPECT_EQ(entities[0].type, "bold");
  EXPECT_EQ(entities[1].type, "italic");
  EXPECT_EQ(entities[1].offset, 9);
  EXPECT_EQ(entities[2].type, "strikethrough");
  EXPECT_EQ(entities[2].offset, 19);  // after the emoji's two UTF-16 units
  auto linked = bob_->WaitMessage("b link");
  ASSERT_TRUE(linked);
  ASSERT_EQ(linked->text.entities.size(), 2u);
  EXPECT_EQ(linked->text.entities[1].type, "text_url");
  EXPECT_EQ(linked->text.entities[1].url, "https://example.com/");

  auto bad = alice_->client->ParseText("<b>unclosed", ParseMode::kHtml);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidRequest);

  // Bob answers with a reply to what he received (his own id for it).
  auto reply = Send(*bob_, received->chat_id, {"a reply"}, received->message_id);
  ASSERT_TRUE(reply.ok()) << reply.error().what();
  EXPECT_EQ(reply.value().reply_to_message_id, received->message_id);
  auto at_alice = alice_->WaitMessage("a reply");
  ASSERT_TRUE(at_alice);
  EXPECT_EQ(at_alice->reply_to_message_id, sent.value().message_id);
}

TEST_F(TelegramSimMessages, EditsAndDeletionsAsThePeerSeesThem) {
  std::int64_t chat = Resolve(*alice_, "@bob").value();
  auto first = Send(*alice_, chat, {"first"});
  auto second = Send(*alice_, chat, {"second"});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(bob_->WaitMessage("second"));

  auto edited = Await<Message>([&](auto done) {
    alice_->client->EditText(chat, first.value().message_id, {"first, edited"}, done);
  });
  ASSERT_TRUE(edited.ok()) << edited.error().what();
  EXPECT_EQ(edited.value().text.text, "first, edited");
  EXPECT_GT(edited.value().edit_date, 0);
  auto edit = bob_->edits.WaitFor([](const MessageEdit& e) { return e.text.text == "first, edited"; });
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->chat_id, alice_->user_id);
  EXPECT_EQ(SimMessages(bob_->phone, alice_->phone)[0]["text"], "first, edited");

  // Only here: gone for Alice, still there for Bob.
  ASSERT_TRUE((Await<Ok>([&](auto done) {
                 alice_->client->DeleteMessages(chat, {second.value().message_id}, false, done);
               }).ok()));
  EXPECT_EQ(SimMessages(alice_->phone, bob_->phone).size(), 1u);
  EXPECT_EQ(SimMessages(bob_->phone, alice_->phone).size(), 2u);
  ASSERT_TRUE(alice_->deletions.Wait());
  EXPECT_EQ(alice_->deletions.Wait()->second, std::vector<std::int64_t>{second.value().message_id});

  // For everyone: gone for Bob too, and he is told.
  ASSERT_TRUE((Await<Ok>([&](auto done) {
                 alice_->client->DeleteMessages(chat, {first.value().message_id}, true, done);
               }).ok()));
  EXPECT_EQ(SimMessages(alice_->phone, bob_->phone).size(), 0u);
  auto left = SimMessages(bob_->phone, alice_->phone);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["text"], "second");
  EXPECT_TRUE(bob_->deletions.Wait());
}

TEST_F(TelegramSimMessages, AFloodWaitOnSendComesBackWithItsSeconds) {
  std::int64_t chat = Resolve(*alice_, "@bob").value();
  auto fault = sim_->Control("POST", "/faults", {{"phone", alice_->phone}, {"method", "sendMessage"}, {"flood_wait", 120}});
  ASSERT_EQ(fault.status, 201) << fault.body.dump();
  auto sent = Send(*alice_, chat, {"too soon"});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kFloodWait);
  EXPECT_EQ(sent.error().retry_after(), 120);
  EXPECT_TRUE(SimMessages(bob_->phone, alice_->phone).empty());
  EXPECT_EQ(alice_->messages.count(), 0u);  // a failed send is no new message
  ASSERT_TRUE(Send(*alice_, chat, {"later"}).ok());  // one fault only
}

TEST_F(TelegramSimMessages, SearchInOneChatAndAcrossChatsPagesToTheEnd) {
  std::int64_t chat = Resolve(*alice_, "@bob").value();
  for (const char* text : {"Budget draft", "lunch?", "budget final", "the BUDGETS"}) {
    ASSERT_TRUE(Send(*alice_, chat, {text}).ok());
  }
  ASSERT_TRUE(bob_->WaitMessage("the BUDGETS"));
  auto first = Await<FoundMessages>([&](auto done) { alice_->client->SearchChatMessages(chat, "budget", 0, 2, done); });
  ASSERT_TRUE(first.ok()) << first.error().what();
  ASSERT_EQ(first.value().messages.size(), 2u);
  EXPECT_EQ(first.value().messages[0].text.text, "the BUDGETS");  // newest first, any case, word beginnings
  EXPECT_EQ(first.value().messages[0].chat_id, chat);
  EXPECT_EQ(first.value().total_count, 3);
  EXPECT_EQ(first.value().next_from_message_id, first.value().messages[1].message_id);
  auto rest = Await<FoundMessages>([&](auto done) {
    alice_->client->SearchChatMessages(chat, "budget", first.value().next_from_message_id, 2, done);
  });
  ASSERT_TRUE(rest.ok()) << rest.error().what();
  ASSERT_EQ(rest.value().messages.size(), 1u);
  EXPECT_EQ(rest.value().messages[0].text.text, "Budget draft");

  // Bob finds the same messages across his chats, and pages by TDLib's offset until it is empty.
  std::vector<std::string> texts;
  std::string offset;
  for (int page = 0; page < 5; ++page) {
    auto found = Await<FoundMessages>([&](auto done) { bob_->client->SearchMessages("BUDGET", offset, 2, done); });
    ASSERT_TRUE(found.ok()) << found.error().what();
    for (const auto& m : found.value().messages) texts.push_back(m.text.text);
    offset = found.value().next_offset;
    if (offset.empty()) break;
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"the BUDGETS", "budget final", "Budget draft"}));

  auto bad = Await<FoundMessages>([&](auto done) { bob_->client->SearchMessages("x", "1,2", 5, done); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidRequest);
  auto unknown = Await<FoundMessages>([&](auto done) { alice_->client->SearchChatMessages(424242, "x", 0, 5, done); });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kPeerNotFound);
}

}  // namespace
}  // namespace tgmux::telegram::testing
