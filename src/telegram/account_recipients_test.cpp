// AccountClient::ResolveRecipient and the deadline of a send that never
// completes, against the fake TdJson.
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
using testing::SentRequest;

json PrivateChat(std::int64_t user_id) {
  return {{"@type", "chat"}, {"id", user_id}, {"type", {{"@type", "chatTypePrivate"}, {"user_id", user_id}}},
          {"title", "U"}};
}

// Answers like TDLib with: @bob = user 5, phone +15550001 hidden from search
// but importable as user 6, user 7 unknown.
void Directory(FakeTdJson& fake, const SentRequest& sent) {
  const json& r = sent.request;
  std::string type = r["@type"];
  json not_found = {{"@type", "error"}, {"code", 404}, {"message", "Not Found"}};
  if (type == "searchPublicChat") {
    fake.Answer(sent, r["username"] == "bob" ? PrivateChat(5)
                                             : json{{"@type", "error"}, {"code", 400}, {"message", "USERNAME_NOT_OCCUPIED"}});
  } else if (type == "searchUserByPhoneNumber") {
    fake.Answer(sent, not_found);
  } else if (type == "importContacts") {
    bool known = r["contacts"][0]["phone_number"] == "+15550001";
    fake.Answer(sent, {{"@type", "importedContacts"}, {"user_ids", {known ? 6 : 0}}, {"importer_count", {0}}});
  } else if (type == "createPrivateChat") {
    fake.Answer(sent, r["user_id"] == 7 ? json{{"@type", "error"}, {"code", 400}, {"message", "Chat info not found"}}
                                        : PrivateChat(r["user_id"]));
  } else if (type == "getChat") {
    fake.Answer(sent, {{"@type", "chat"}, {"id", r["chat_id"]}, {"type", {{"@type", "chatTypeBasicGroup"}}}});
  }
  testing::CloseLikeTdlib(fake, sent);
}

class TelegramMessagesRecipients : public ::testing::Test {
 protected:
  TelegramMessagesRecipients() {
    auto fake = std::make_unique<FakeTdJson>();
    fake_ = fake.get();
    fake_->SetResponder(Directory);
    hub_ = std::make_unique<ClientHub>(std::move(fake), 300ms);
    client_ = std::make_unique<AccountClient>(*hub_, AccountCallbacks{});
  }
  ~TelegramMessagesRecipients() override {
    client_.reset();
    hub_.reset();
  }

  Result<std::int64_t> Resolve(const std::string& to) {
    CallbackBox<Result<std::int64_t>> done;
    client_->ResolveRecipient(to, done.Callback());
    auto result = done.Wait();
    return result ? *result : Result<std::int64_t>(Error(ErrorCode::kInternal, "no answer"));
  }

  FakeTdJson* fake_;
  std::unique_ptr<ClientHub> hub_;
  std::unique_ptr<AccountClient> client_;
};

TEST_F(TelegramMessagesRecipients, EveryFormOfRecipient) {
  EXPECT_EQ(Resolve("@bob").value(), 5);
  EXPECT_EQ(Resolve("@nobody").error().code(), ErrorCode::kPeerNotFound);
  EXPECT_EQ(Resolve("42").value(), 42);
  EXPECT_EQ(Resolve("7").error().code(), ErrorCode::kPeerNotFound);  // TDLib does not know the user
  EXPECT_EQ(Resolve("-100").value(), -100);
  // Hidden from phone search: imported as a contact, then its private chat.
  EXPECT_EQ(Resolve("+1 555 0001").value(), 6);
  EXPECT_EQ(Resolve("+15550009").error().code(), ErrorCode::kPeerNotFound);
  for (const char* bad : {"bob", "@", "+12ab", "", "0", "1.5"}) {
    EXPECT_EQ(Resolve(bad).error().code(), ErrorCode::kInvalidRequest) << bad;
  }
  auto search = fake_->WaitForSent("searchUserByPhoneNumber");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->request["phone_number"], "+15550001");
  EXPECT_EQ(fake_->WaitForSent("searchPublicChat")->request["username"], "bob");
}

TEST_F(TelegramMessagesRecipients, ASendWithoutAFinalStateEndsAtTheDeadline) {
  fake_->SetResponder([](FakeTdJson& fake, const SentRequest& sent) {
    if (sent.request["@type"] == "sendMessage") {
      json message = {{"@type", "message"}, {"id", 9}, {"chat_id", 5}, {"is_outgoing", true},
                 {"sending_state", {{"@type", "messageSendingStatePending"}}}};
      fake.Answer(sent, message);
    }
    testing::CloseLikeTdlib(fake, sent);
  });
  CallbackBox<Result<Message>> done;
  client_->SendText(5, {"hi", {}}, 0, false, done.Callback());
  auto result = done.Wait(0, 5s);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error().code(), ErrorCode::kTelegramUnreachable);
}

}  // namespace
}  // namespace tgmux::telegram
