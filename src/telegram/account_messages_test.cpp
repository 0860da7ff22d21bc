// AccountClient's messaging API against the fake TdJson: the requests it
// builds, and how answers and updates become typed results and callbacks.
#include <gtest/gtest.h>

#include "telegram/account_client.h"
#include "telegram/callback_box.h"
#include "telegram/fake_td_json.h"

namespace tgmux::telegram {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::CallbackBox;
using testing::FakeTdJson;

struct Read {
  std::int64_t chat_id, last_read;
  int unread;
};

json TdMessage(std::int64_t id, std::int64_t chat_id, bool outgoing, const std::string& text) {
  return {{"@type", "message"}, {"id", id}, {"sender_id", {{"@type", "messageSenderUser"}, {"user_id", chat_id}}},
          {"chat_id", chat_id}, {"is_outgoing", outgoing}, {"date", 1700000000}, {"edit_date", 0},
          {"content", {{"@type", "messageText"}, {"text", {{"@type", "formattedText"}, {"text", text},
                                                           {"entities", json::array()}}}}}};
}

json Pending(json message) {
  message["sending_state"] = {{"@type", "messageSendingStatePending"}, {"sending_id", 0}};
  return message;
}

class TelegramMessagesClient : public ::testing::Test {
 protected:
  explicit TelegramMessagesClient(std::chrono::milliseconds deadline = 5s) {
    auto fake = std::make_unique<FakeTdJson>();
    fake_ = fake.get();
    fake_->SetResponder(testing::CloseLikeTdlib);
    hub_ = std::make_unique<ClientHub>(std::move(fake), deadline);
    AccountCallbacks callbacks;
    callbacks.on_new_message = new_messages_.Callback();
    callbacks.on_message_edited = edits_.Callback();
    callbacks.on_messages_deleted = [this](std::int64_t chat_id, const std::vector<std::int64_t>& ids) {
      deletions_.Callback()({chat_id, ids});
    };
    callbacks.on_chat_read_inbox = [this](std::int64_t chat, std::int64_t last, int unread) {
      inbox_.Callback()({chat, last, unread});
    };
    callbacks.on_chat_read_outbox = [this](std::int64_t chat, std::int64_t last) {
      outbox_.Callback()({chat, last, 0});
    };
    callbacks.on_send_result = [this](std::int64_t, std::int64_t old_id, const Result<Message>& result) {
      send_results_.Callback()({old_id, result});
    };
    client_ = std::make_unique<AccountClient>(*hub_, std::move(callbacks));
  }
  ~TelegramMessagesClient() override {
    client_.reset();
    hub_.reset();
  }

  void Emit(json update) {
    update["@client_id"] = client_->client_id();
    fake_->Emit(update);
  }

  // Sends "hi" to chat 5 and answers with a pending message under id 9.
  void SendPending(CallbackBox<Result<Message>>& done, CallbackBox<std::int64_t>* accepted = nullptr) {
    client_->SendText(5, {"hi", {}}, 0, false, done.Callback(), accepted ? accepted->Callback() : nullptr);
    auto sent = fake_->WaitForSent("sendMessage");
    ASSERT_TRUE(sent);
    Emit({{"@type", "updateNewMessage"}, {"message", Pending(TdMessage(9, 5, true, "hi"))}});
    fake_->Answer(*sent, Pending(TdMessage(9, 5, true, "hi")));
  }

  FakeTdJson* fake_;
  std::unique_ptr<ClientHub> hub_;
  CallbackBox<Message> new_messages_;
  CallbackBox<MessageEdit> edits_;
  CallbackBox<std::pair<std::int64_t, std::vector<std::int64_t>>> deletions_;
  CallbackBox<Read> inbox_, outbox_;
  CallbackBox<std::pair<std::int64_t, Result<Message>>> send_results_;
  std::unique_ptr<AccountClient> client_;
};

TEST_F(TelegramMessagesClient, SendTextBuildsTheRequestTdlibExpects) {
  FormattedText text{"bold", {{"bold", 0, 4}}};
  client_->SendText(5, text, 1048576, true, nullptr);
  auto sent = fake_->WaitForSent("sendMessage");
  ASSERT_TRUE(sent);
  const json& r = sent->request;
  EXPECT_EQ(r["chat_id"], 5);
  EXPECT_EQ(r["input_message_content"]["@type"], "inputMessageText");
  EXPECT_EQ(r["input_message_content"]["text"]["text"], "bold");
  EXPECT_EQ(r["input_message_content"]["text"]["entities"][0]["type"]["@type"], "textEntityTypeBold");
  EXPECT_EQ(r["reply_to"], json({{"@type", "inputMessageReplyToMessage"}, {"message_id", 1048576}}));
  EXPECT_EQ(r["options"]["disable_notification"], true);
}

TEST_F(TelegramMessagesClient, SendTextCompletesWithTheServerMessageOnly) {
  CallbackBox<Result<Message>> done;
  CallbackBox<std::int64_t> accepted;
  SendPending(done, &accepted);
  ASSERT_TRUE(accepted.Wait());
  EXPECT_EQ(*accepted.Wait(), 9);
  EXPECT_FALSE(done.Wait(0, 200ms));  // the temporary message is not the result

  Emit({{"@type", "updateMessageSendSucceeded"}, {"message", TdMessage(1048576, 5, true, "hi")}, {"old_message_id", 9}});
  auto result = done.Wait();
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ(result->value().message_id, 1048576);
  ASSERT_TRUE(send_results_.Wait());
  EXPECT_EQ(send_results_.Wait()->first, 9);
  // The pending updateNewMessage was not reported; the final message once.
  ASSERT_TRUE(new_messages_.Wait());
  EXPECT_EQ(new_messages_.Wait()->message_id, 1048576);
  EXPECT_FALSE(new_messages_.Wait(1, 200ms));
}

TEST_F(TelegramMessagesClient, AFailedSendCarriesTheFloodWait) {
  CallbackBox<Result<Message>> done;
  SendPending(done);
  json failed = TdMessage(10, 5, true, "hi");
  failed["sending_state"] = {{"@type", "messageSendingStateFailed"},
                             {"error", {{"@type", "error"}, {"code", 429}, {"message", "Too Many Requests: retry after 120"}}},
                             {"can_retry", true}, {"retry_after", 120.0}};
  Emit({{"@type", "updateMessageSendFailed"}, {"message", failed}, {"old_message_id", 9},
        {"error", {{"@type", "error"}, {"code", 429}, {"message", "Too Many Requests: retry after 120"}}}});
  auto result = done.Wait();
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code(), ErrorCode::kFloodWait);
  EXPECT_EQ(result->error().retry_after(), 120);
  EXPECT_FALSE(new_messages_.Wait(0, 200ms));
}

TEST_F(TelegramMessagesClient, TextOverTheLimitIsRefusedBeforeSending) {
  CallbackBox<Result<Message>> too_long, emoji, empty;
  client_->SendText(5, {std::string(4097, 'a'), {}}, 0, false, too_long.Callback());
  std::string emojis;
  for (int i = 0; i < 2049; ++i) emojis += "\xF0\x9F\x98\x80";  // 4098 UTF-16 units
  client_->SendText(5, {emojis, {}}, 0, false, emoji.Callback());
  client_->SendText(5, {" \n", {}}, 0, false, empty.Callback());
  for (auto* box : {&too_long, &emoji, &empty}) {
    ASSERT_TRUE(box->Wait());
    EXPECT_EQ(box->Wait()->error().code(), ErrorCode::kInvalidRequest);
  }
  EXPECT_TRUE(fake_->sent().empty());
  client_->SendText(5, {std::string(4096, 'a'), {}}, 0, false, nullptr);
  EXPECT_TRUE(fake_->WaitForSent("sendMessage"));
}

TEST_F(TelegramMessagesClient, InvalidUtf8NeverReachesTdlib) {
  CallbackBox<Result<Message>> done;
  client_->SendText(5, {"bad \xC3\x28", {}}, 0, false, done.Callback());
  ASSERT_TRUE(done.Wait());
  EXPECT_EQ(done.Wait()->error().code(), ErrorCode::kInvalidRequest);
  EXPECT_TRUE(fake_->sent().empty());
  EXPECT_EQ(client_->ParseText("\xFF", ParseMode::kHtml).error().code(), ErrorCode::kInvalidRequest);
  EXPECT_TRUE(fake_->executed().empty());
}

TEST_F(TelegramMessagesClient, ParseTextAsksTdlibSynchronously) {
  fake_->SetExecutor([](const json& request) -> std::string {
    if (request["@type"] == "parseTextEntities" && request["text"] == "<b>x") {
      return R"({"@type":"error","code":400,"message":"Can't parse entities: Can't find end tag corresponding to start tag \"b\""})";
    }
    return R"({"@type":"formattedText","text":"x","entities":[{"@type":"textEntity","offset":0,"length":1,"type":{"@type":"textEntityTypeBold"}}]})";
  });
  auto html = client_->ParseText("<b>x</b>", ParseMode::kHtml);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html.value(), (FormattedText{"x", {{"bold", 0, 1}}}));
  auto bad = client_->ParseText("<b>x", ParseMode::kHtml);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(std::string(bad.error().what()).find("end tag"), std::string::npos);
  ASSERT_TRUE(client_->ParseText("**x**", ParseMode::kMarkdown).ok());
  ASSERT_TRUE(client_->ParseText("*x*", ParseMode::kMarkdownV2).ok());
  auto executed = fake_->executed();
  ASSERT_EQ(executed.size(), 4u);
  EXPECT_EQ(executed[0]["parse_mode"]["@type"], "textParseModeHTML");
  EXPECT_EQ(executed[2]["@type"], "parseMarkdown");
  EXPECT_EQ(executed[3]["parse_mode"], json({{"@type", "textParseModeMarkdown"}, {"version", 2}}));
  EXPECT_EQ(client_->ParseText("*plain*", ParseMode::kNone).value().text, "*plain*");
}

TEST_F(TelegramMessagesClient, UpdatesBecomeTypedCallbacks) {
  Emit({{"@type", "updateUser"}, {"user", {{"@type", "user"}, {"id", 5}, {"first_name", "Bob"}, {"last_name", ""},
                                           {"usernames", {{"active_usernames", {"bob"}}}}}}});
  Emit({{"@type", "updateNewMessage"}, {"message", TdMessage(1048576, 5, false, "yo")}});
  Emit({{"@type", "updateMessageContent"}, {"chat_id", 5}, {"message_id", 1048576},
        {"new_content", {{"@type", "messageText"}, {"text", {{"@type", "formattedText"}, {"text", "yo!"}}}}}});
  Emit({{"@type", "updateMessageEdited"}, {"chat_id", 5}, {"message_id", 1048576}, {"edit_date", 1700000200}});
  Emit({{"@type", "updateDeleteMessages"}, {"chat_id", 5}, {"message_ids", {1048576}}, {"is_permanent", false},
        {"from_cache", true}});
  Emit({{"@type", "updateDeleteMessages"}, {"chat_id", 5}, {"message_ids", {1048576}}, {"is_permanent", true},
        {"from_cache", false}});
  Emit({{"@type", "updateChatReadInbox"}, {"chat_id", 5}, {"last_read_inbox_message_id", 1048576}, {"unread_count", 0}});
  Emit({{"@type", "updateChatReadOutbox"}, {"chat_id", 5}, {"last_read_outbox_message_id", 2097152}});

  auto message = new_messages_.Wait();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text.text, "yo");
  EXPECT_EQ(message->sender.username, "bob");
  EXPECT_EQ(message->sender.name, "Bob");
  auto edit = edits_.Wait();
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->text.text, "yo!");
  EXPECT_EQ(edit->edit_date, 1700000200);
  ASSERT_TRUE(outbox_.Wait());  // the last update: everything before it was handled
  EXPECT_EQ(outbox_.Wait()->last_read, 2097152);
  EXPECT_EQ(deletions_.count(), 1u);  // the cache unload is not a deletion
  EXPECT_EQ(inbox_.Wait()->unread, 0);
}

TEST_F(TelegramMessagesClient, GetChatsComeWithUnreadCountsAndUsernames) {
  Emit({{"@type", "updateUser"}, {"user", {{"@type", "user"}, {"id", 5}, {"first_name", "Bob"},
                                           {"usernames", {{"active_usernames", {"bob"}}}}}}});
  Emit({{"@type", "updateNewChat"}, {"chat", {{"@type", "chat"}, {"id", 5}, {"title", "Bob"},
                                              {"type", {{"@type", "chatTypePrivate"}, {"user_id", 5}}}}}});
  Emit({{"@type", "updateChatLastMessage"}, {"chat_id", 5}, {"last_message", TdMessage(3145728, 5, false, "3")},
        {"positions", json::array()}});
  Emit({{"@type", "updateChatReadInbox"}, {"chat_id", 5}, {"last_read_inbox_message_id", 1048576}, {"unread_count", 2}});
  CallbackBox<Result<std::vector<Chat>>> chats;
  client_->GetChats(10, chats.Callback());
  auto sent = fake_->WaitForSent("getChats");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->request["chat_list"]["@type"], "chatListMain");
  ASSERT_TRUE(inbox_.Wait());  // the updates were taken in before the answer
  fake_->Answer(*sent, {{"@type", "chats"}, {"total_count", 2}, {"chat_ids", {5, -100}}});
  // -100 is not cached: asked for with getChat.
  auto get_chat = fake_->WaitForSent("getChat");
  ASSERT_TRUE(get_chat);
  fake_->Answer(*get_chat, {{"@type", "chat"}, {"id", -100}, {"title", "Team"},
                            {"type", {{"@type", "chatTypeBasicGroup"}, {"basic_group_id", 100}}}, {"unread_count", 1}});
  auto result = chats.Wait();
  ASSERT_TRUE(result && result->ok());
  const auto& list = result->value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].username, "bob");
  EXPECT_EQ(list[0].unread_count, 2);
  ASSERT_TRUE(list[0].last_message);
  EXPECT_EQ(list[0].last_message->text.text, "3");
  EXPECT_EQ(list[1].type, ChatType::kGroup);
  EXPECT_EQ(list[1].unread_count, 1);
}

TEST_F(TelegramMessagesClient, LoadChatsSaysWhenEverythingIsLoaded) {
  CallbackBox<Result<bool>> more, done;
  client_->LoadChats(20, more.Callback());
  auto first = fake_->WaitForSent("loadChats");
  ASSERT_TRUE(first);
  fake_->Answer(*first, {{"@type", "ok"}});
  ASSERT_TRUE(more.Wait());
  EXPECT_TRUE(more.Wait()->value());
  fake_->SetResponder([](FakeTdJson& fake, const testing::SentRequest& sent) {
    if (sent.request["@type"] == "loadChats") fake.Answer(sent, {{"@type", "error"}, {"code", 404}, {"message", "Not Found"}});
    testing::CloseLikeTdlib(fake, sent);
  });
  client_->LoadChats(20, done.Callback());
  ASSERT_TRUE(done.Wait());
  ASSERT_TRUE(done.Wait()->ok());
  EXPECT_FALSE(done.Wait()->value());
}

}  // namespace
}  // namespace tgmux::telegram
