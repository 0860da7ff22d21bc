// AccountClient's bot API against the fake TdJson: the reply markup, edits,
// callback answers and commands it asks TDLib for, and callback queries and
// shared contacts as they arrive.
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

MediaToSend LocalFile(MediaKind kind, std::string path) {
  MediaToSend file;
  file.kind = kind;
  file.local_path = std::move(path);
  return file;
}

json TdMessage(std::int64_t id, std::int64_t chat_id, json content) {
  return {{"@type", "message"},
          {"id", id},
          {"sender_id", {{"@type", "messageSenderUser"}, {"user_id", chat_id}}},
          {"chat_id", chat_id},
          {"is_outgoing", false},
          {"date", 1700000000},
          {"edit_date", 0},
          {"content", std::move(content)}};
}

json TextContent(const std::string& text) {
  return {{"@type", "messageText"},
          {"text", {{"@type", "formattedText"}, {"text", text}, {"entities", json::array()}}}};
}

class TelegramBotClient : public ::testing::Test {
 protected:
  TelegramBotClient() {
    auto fake = std::make_unique<FakeTdJson>();
    fake_ = fake.get();
    fake_->SetResponder(testing::CloseLikeTdlib);
    hub_ = std::make_unique<ClientHub>(std::move(fake), 5s);
    AccountCallbacks callbacks;
    callbacks.on_new_message = new_messages_.Callback();
    callbacks.on_callback_query = queries_.Callback();
    client_ = std::make_unique<AccountClient>(*hub_, std::move(callbacks));
  }
  ~TelegramBotClient() override {
    client_.reset();
    hub_.reset();
  }

  void Emit(json update) {
    update["@client_id"] = client_->client_id();
    fake_->Emit(update);
  }

  // The request the client sent of this type (fails the test when none came).
  json Sent(const std::string& type) {
    auto sent = fake_->WaitForSent(type);
    EXPECT_TRUE(sent) << type;
    return sent ? sent->request : json();
  }

  FakeTdJson* fake_;
  std::unique_ptr<ClientHub> hub_;
  CallbackBox<Message> new_messages_;
  CallbackBox<CallbackQuery> queries_;
  std::unique_ptr<AccountClient> client_;
};

TEST_F(TelegramBotClient, InlineButtonsCarryBase64DataAndUrls) {
  auto markup = ReplyMarkup::Inline(
      {{BotButton::Callback("Yes", std::string("y\0\xff", 3)), BotButton::Url("Docs", "https://example.com/")},
       {BotButton::Callback("No", "no")}});
  client_->SendBotText(5, {"Sure?", {}}, markup, 0, nullptr);
  json r = Sent("sendMessage");
  EXPECT_EQ(r["input_message_content"]["text"]["text"], "Sure?");
  const json& m = r["reply_markup"];
  EXPECT_EQ(m["@type"], "replyMarkupInlineKeyboard");
  ASSERT_EQ(m["rows"].size(), 2u);
  ASSERT_EQ(m["rows"][0].size(), 2u);
  EXPECT_EQ(m["rows"][0][0], json({{"@type", "inlineKeyboardButton"},
                                   {"text", "Yes"},
                                   {"type", {{"@type", "inlineKeyboardButtonTypeCallback"}, {"data", "eQD/"}}}}));
  EXPECT_EQ(m["rows"][0][1]["type"], json({{"@type", "inlineKeyboardButtonTypeUrl"}, {"url", "https://example.com/"}}));
  EXPECT_EQ(m["rows"][1][0]["type"]["data"], "bm8=");
}

TEST_F(TelegramBotClient, KeyboardsAskForTheNumberAndHideAfterUse) {
  auto markup = ReplyMarkup::Keyboard({{BotButton::RequestPhone("Share my number")}, {BotButton::Text("Cancel")}},
                                      "Tap a button");
  client_->SendBotText(5, {"Your number?", {}}, markup, 1048576, nullptr);
  json r = Sent("sendMessage");
  const json& m = r["reply_markup"];
  EXPECT_EQ(m["@type"], "replyMarkupShowKeyboard");
  EXPECT_EQ(m["rows"][0][0], json({{"@type", "keyboardButton"},
                                   {"text", "Share my number"},
                                   {"type", {{"@type", "keyboardButtonTypeRequestPhoneNumber"}}}}));
  EXPECT_EQ(m["rows"][1][0]["type"]["@type"], "keyboardButtonTypeText");
  EXPECT_EQ(m["resize_keyboard"], true);
  EXPECT_EQ(m["one_time"], true);
  EXPECT_EQ(m["input_field_placeholder"], "Tap a button");
  EXPECT_EQ(r["reply_to"]["message_id"], 1048576);

  client_->SendBotText(5, {"Thanks", {}}, ReplyMarkup::RemoveKeyboard(), 0, nullptr);
  client_->SendBotText(6, {"plain", {}}, ReplyMarkup{}, 0, nullptr);
  // The hub hands requests to TDLib inside the call.
  std::vector<json> sends;
  for (const auto& sent : fake_->sent()) sends.push_back(sent.request);
  ASSERT_EQ(sends.size(), 3u);
  EXPECT_EQ(sends[1]["reply_markup"], json({{"@type", "replyMarkupRemoveKeyboard"}}));
  EXPECT_FALSE(sends[2].contains("reply_markup"));
}

TEST_F(TelegramBotClient, MismatchedOrOversizedButtonsAreRefusedBeforeSending) {
  CallbackBox<Result<Message>> mixed, big_data, empty, keyboard_edit, long_text, long_caption;
  client_->SendBotText(5, {"x", {}}, ReplyMarkup::Inline({{BotButton::Text("plain")}}), 0, mixed.Callback());
  client_->SendBotText(5, {"x", {}}, ReplyMarkup::Inline({{BotButton::Callback("b", std::string(65, 'd'))}}), 0,
                       big_data.Callback());
  client_->SendBotText(5, {"x", {}}, ReplyMarkup::Inline({}), 0, empty.Callback());
  client_->EditBotText(5, 1048576, {"x", {}}, ReplyMarkup::Keyboard({{BotButton::Text("a")}}),
                       keyboard_edit.Callback());
  client_->SendBotText(5, {std::string(4097, 'a'), {}}, ReplyMarkup{}, 0, long_text.Callback());
  client_->SendBotPhoto(5, LocalFile(MediaKind::kPhoto, "/tmp/x.png"), {std::string(1025, 'c'), {}}, ReplyMarkup{},
                        long_caption.Callback());
  for (auto* box : {&mixed, &big_data, &empty, &keyboard_edit, &long_text, &long_caption}) {
    auto result = box->Wait();
    ASSERT_TRUE(result);
    ASSERT_FALSE(result->ok());
    EXPECT_EQ(result->error().code(), ErrorCode::kInvalidRequest);
  }
  EXPECT_TRUE(fake_->sent().empty());
  client_->SendBotText(5, {"x", {}}, ReplyMarkup::Inline({{BotButton::Callback("b", std::string(64, 'd'))}}), 0,
                       nullptr);
  EXPECT_TRUE(fake_->WaitForSent("sendMessage"));
}

TEST_F(TelegramBotClient, SendBotPhotoSendsAPhotoWithButtonsAndWaitsForTheServerMessage) {
  CallbackBox<Result<Message>> done;
  client_->SendBotPhoto(5, LocalFile(MediaKind::kDocument, "/tmp/qr.png"), {"Scan me", {}},
                        ReplyMarkup::Inline({{BotButton::Callback("Done", "done")}}), done.Callback());
  auto sent = fake_->WaitForSent("sendMessage");
  ASSERT_TRUE(sent);
  const json& content = sent->request["input_message_content"];
  EXPECT_EQ(content["@type"], "inputMessagePhoto");  // whatever kind the caller set
  EXPECT_EQ(content["photo"]["photo"]["path"], "/tmp/qr.png");
  EXPECT_EQ(content["caption"]["text"], "Scan me");
  EXPECT_EQ(sent->request["reply_markup"]["rows"][0][0]["type"]["data"], "ZG9uZQ==");

  json pending = TdMessage(9, 5, TextContent("placeholder"));
  pending["is_outgoing"] = true;
  pending["sending_state"] = {{"@type", "messageSendingStatePending"}, {"sending_id", 0}};
  fake_->Answer(*sent, pending);
  EXPECT_FALSE(done.Wait(0, 200ms));
  json final_message = TdMessage(1048576, 5, TextContent("placeholder"));
  final_message["is_outgoing"] = true;
  Emit({{"@type", "updateMessageSendSucceeded"}, {"message", final_message}, {"old_message_id", 9}});
  auto result = done.Wait();
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ(result->value().message_id, 1048576);
}

TEST_F(TelegramBotClient, EditsSendTheNewMarkupOrNullToRemoveIt) {
  CallbackBox<Result<Message>> text_done, photo_done, markup_done;
  client_->EditBotText(5, 1048576, {"Done", {}}, ReplyMarkup{}, text_done.Callback());
  json text = Sent("editMessageText");
  EXPECT_EQ(text["message_id"], 1048576);
  EXPECT_TRUE(text["reply_markup"].is_null());
  EXPECT_EQ(text["input_message_content"]["text"]["text"], "Done");

  client_->EditBotPhoto(5, 2097152, LocalFile(MediaKind::kPhoto, "/tmp/new.png"), {"New", {}},
                        ReplyMarkup::Inline({{BotButton::Url("Open", "https://example.com/")}}), photo_done.Callback());
  json photo = Sent("editMessageMedia");
  EXPECT_EQ(photo["input_message_content"]["@type"], "inputMessagePhoto");
  EXPECT_EQ(photo["input_message_content"]["caption"]["text"], "New");
  EXPECT_EQ(photo["reply_markup"]["@type"], "replyMarkupInlineKeyboard");
  // Every `done` must run before its box goes out of scope.
  fake_->Answer(*fake_->WaitForSent("editMessageMedia"),
                {{"@type", "error"}, {"code", 400}, {"message", "Message can't be edited"}});
  auto refused = photo_done.Wait();
  ASSERT_TRUE(refused && !refused->ok());
  EXPECT_EQ(refused->error().code(), ErrorCode::kForbidden);

  client_->EditBotMarkup(5, 1048576, ReplyMarkup::Inline({{BotButton::Callback("Again", "again")}}),
                         markup_done.Callback());
  auto markup = fake_->WaitForSent("editMessageReplyMarkup");
  ASSERT_TRUE(markup);
  EXPECT_EQ(markup->request["reply_markup"]["rows"][0][0]["text"], "Again");
  fake_->Answer(*markup, {{"@type", "error"}, {"code", 400}, {"message", "MESSAGE_NOT_MODIFIED"}});
  auto not_modified = markup_done.Wait();
  ASSERT_TRUE(not_modified);
  ASSERT_FALSE(not_modified->ok());
  EXPECT_EQ(not_modified->error().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(std::string(not_modified->error().what()).find("MESSAGE_NOT_MODIFIED"), std::string::npos);

  auto sent_text = fake_->WaitForSent("editMessageText");
  json edited = TdMessage(1048576, 5, TextContent("Done"));
  edited["is_outgoing"] = true;
  fake_->Answer(*sent_text, edited);
  auto result = text_done.Wait();
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ(result->value().text.text, "Done");
}

TEST_F(TelegramBotClient, SendsToPeopleWhoNeverStartedTheBotAreForbidden) {
  CallbackBox<Result<Message>> done;
  client_->SendBotText(5, {"hi", {}}, ReplyMarkup{}, 0, done.Callback());
  auto sent = fake_->WaitForSent("sendMessage");
  ASSERT_TRUE(sent);
  fake_->Answer(*sent, {{"@type", "error"}, {"code", 403}, {"message", "Bot can't initiate conversation with a user"}});
  auto result = done.Wait();
  ASSERT_TRUE(result && !result->ok());
  EXPECT_EQ(result->error().code(), ErrorCode::kForbidden);
}

TEST_F(TelegramBotClient, CallbackAnswersAndCommandsUseTdlibsFields) {
  client_->AnswerCallbackQuery(1234567890123456789, "Saved", true, nullptr);
  json answer = Sent("answerCallbackQuery");
  EXPECT_EQ(answer["callback_query_id"], "1234567890123456789");  // int64 as a string
  EXPECT_EQ(answer["text"], "Saved");
  EXPECT_EQ(answer["show_alert"], true);
  EXPECT_EQ(answer["url"], "");
  EXPECT_EQ(answer["cache_time"], 0);

  client_->SetCommands({{"start", "Begin"}, {"help", "What I can do"}}, nullptr);
  json set = Sent("setCommands");
  EXPECT_EQ(set["scope"], json({{"@type", "botCommandScopeDefault"}}));
  EXPECT_EQ(set["language_code"], "");
  EXPECT_EQ(set["commands"][1], json({{"@type", "botCommand"}, {"command", "help"}, {"description", "What I can do"}}));

  CallbackBox<Result<std::vector<BotCommand>>> got;
  client_->GetCommands(got.Callback());
  auto get = fake_->WaitForSent("getCommands");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->request["scope"]["@type"], "botCommandScopeDefault");
  fake_->Answer(*get, {{"@type", "botCommands"},
                       {"bot_user_id", 7},
                       {"commands", {{{"@type", "botCommand"}, {"command", "start"}, {"description", "Begin"}}}}});
  auto commands = got.Wait();
  ASSERT_TRUE(commands && commands->ok());
  ASSERT_EQ(commands->value().size(), 1u);
  EXPECT_EQ(commands->value()[0].command, "start");
  EXPECT_EQ(commands->value()[0].description, "Begin");
}

TEST_F(TelegramBotClient, PressedButtonsArriveAsCallbackQueries) {
  // A game's payload is not a press of a callback button: not reported.
  Emit({{"@type", "updateNewCallbackQuery"},
        {"id", "11"},
        {"sender_user_id", 5},
        {"chat_id", 5},
        {"message_id", 1048576},
        {"chat_instance", "1"},
        {"payload", {{"@type", "callbackQueryPayloadGame"}, {"game_short_name", "g"}}}});
  Emit({{"@type", "updateNewCallbackQuery"},
        {"id", "9223372036854775807"},
        {"sender_user_id", 5},
        {"chat_id", 5},
        {"message_id", 1048576},
        {"chat_instance", "1"},
        {"payload", {{"@type", "callbackQueryPayloadData"}, {"data", "eQD/"}}}});
  auto query = queries_.Wait();
  ASSERT_TRUE(query);
  EXPECT_EQ(query->id, 9223372036854775807);
  EXPECT_EQ(query->sender_user_id, 5);
  EXPECT_EQ(query->chat_id, 5);
  EXPECT_EQ(query->message_id, 1048576);
  EXPECT_EQ(query->data, std::string("y\0\xff", 3));
  EXPECT_FALSE(queries_.Wait(1, 200ms));
}

TEST_F(TelegramBotClient, ASharedContactArrivesWithTheNumberAndUser) {
  Emit({{"@type", "updateNewMessage"},
        {"message", TdMessage(1048576, 5,
                              {{"@type", "messageContact"},
                               {"contact",
                                {{"@type", "contact"},
                                 {"phone_number", "15550701"},
                                 {"first_name", "Alice"},
                                 {"last_name", "A"},
                                 {"vcard", ""},
                                 {"user_id", 5}}}})}});
  auto message = new_messages_.Wait();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->content_type, "contact");
  ASSERT_TRUE(message->contact);
  EXPECT_EQ(*message->contact, (SharedContact{"15550701", "Alice", "A", 5}));
}

}  // namespace
}  // namespace tgmux::telegram
