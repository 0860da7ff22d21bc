#include "telegram/client_hub.h"

#include <gtest/gtest.h>

#include "telegram/callback_box.h"
#include "telegram/fake_td_json.h"

namespace tgmux::telegram {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::CallbackBox;
using testing::FakeTdJson;

class TelegramClientHubTest : public ::testing::Test {
 protected:
  TelegramClientHubTest() {
    auto fake = std::make_unique<FakeTdJson>();
    fake_ = fake.get();
    fake_->SetResponder(testing::CloseLikeTdlib);  // lets the hub shut down promptly
    hub_ = std::make_unique<ClientHub>(std::move(fake), 5s);
  }

  // Declared before hub_ so that they outlive it: its shutdown still calls them.
  CallbackBox<json> updates_a_, updates_b_, updates_c_;
  CallbackBox<Result<json>> result_a_, result_b_;
  FakeTdJson* fake_;
  std::unique_ptr<ClientHub> hub_;
};

TEST_F(TelegramClientHubTest, UpdatesGoToTheirOwnClient) {
  auto& first = updates_a_;
  auto& second = updates_b_;
  int a = hub_->CreateClient(first.Callback());
  int b = hub_->CreateClient(second.Callback());
  fake_->Emit({{"@type", "updateOption"}, {"name", "for_b"}, {"@client_id", b}});
  fake_->Emit({{"@type", "updateOption"}, {"name", "for_a"}, {"@client_id", a}});

  ASSERT_TRUE(first.Wait());
  ASSERT_TRUE(second.Wait());
  EXPECT_EQ(first.Wait()->value("name", ""), "for_a");
  EXPECT_EQ(second.Wait()->value("name", ""), "for_b");
  EXPECT_EQ(first.count(), 1u);
  EXPECT_EQ(second.count(), 1u);
}

TEST_F(TelegramClientHubTest, AnswersAreMatchedByExtraInAnyOrder) {
  int id = hub_->CreateClient(nullptr);
  auto& first = result_a_;
  auto& second = result_b_;
  hub_->Send(id, {{"@type", "getOption"}, {"name", "one"}}, first.Callback());
  hub_->Send(id, {{"@type", "getOption"}, {"name", "two"}}, second.Callback());
  auto sent = fake_->sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[0].request["@extra"], sent[1].request["@extra"]);

  fake_->Answer(sent[1], {{"@type", "optionValueString"}, {"value", "two"}});
  fake_->Answer(sent[0], {{"@type", "optionValueString"}, {"value", "one"}});

  auto one = first.Wait();
  auto two = second.Wait();
  ASSERT_TRUE(one && one->ok());
  ASSERT_TRUE(two && two->ok());
  EXPECT_EQ(one->value()["value"], "one");
  EXPECT_EQ(two->value()["value"], "two");
}

TEST_F(TelegramClientHubTest, TdlibErrorsAreMappedThroughTheTable) {
  int id = hub_->CreateClient(nullptr);
  CallbackBox<Result<json>> done;
  hub_->Send(id, {{"@type", "checkAuthenticationCode"}, {"code", "1"}}, done.Callback());
  fake_->Answer(fake_->sent().back(), {{"@type", "error"}, {"code", 400}, {"message", "PHONE_CODE_INVALID"}});

  auto result = done.Wait();
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code(), ErrorCode::kCodeInvalid);
}

TEST_F(TelegramClientHubTest, DeadlineGivesTelegramUnreachableAndTheLateAnswerIsDropped) {
  int id = hub_->CreateClient(nullptr);
  CallbackBox<Result<json>> done;
  hub_->Send(id, {{"@type", "setAuthenticationPhoneNumber"}}, done.Callback(), 50ms);

  auto result = done.Wait(0, 2s);
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code(), ErrorCode::kTelegramUnreachable);
  EXPECT_STREQ(result->error().what(), "Telegram did not answer within 0.05 s");

  fake_->Answer(fake_->sent().back(), {{"@type", "ok"}});
  // A request answered after the late one proves the late one was processed.
  CallbackBox<Result<json>> next;
  hub_->Send(id, {{"@type", "getOption"}}, next.Callback());
  fake_->Answer(fake_->sent().back(), {{"@type", "optionValueEmpty"}});
  ASSERT_TRUE(next.Wait() && next.Wait()->ok());

  EXPECT_EQ(done.count(), 1u);
  auto stats = hub_->Stats();
  EXPECT_EQ(stats.requests_timed_out, 1u);
  EXPECT_EQ(stats.late_answers_dropped, 1u);
  EXPECT_EQ(stats.requests_in_flight, 0u);
}

TEST_F(TelegramClientHubTest, DefaultDeadlineComesFromTheConstructor) {
  auto fake = std::make_unique<FakeTdJson>();
  fake->SetResponder(testing::CloseLikeTdlib);
  ClientHub hub(std::move(fake), 30ms);
  int id = hub.CreateClient(nullptr);
  CallbackBox<Result<json>> done;
  hub.Send(id, {{"@type", "getMe"}}, done.Callback());
  auto result = done.Wait(0, 2s);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error().code(), ErrorCode::kTelegramUnreachable);
}

TEST_F(TelegramClientHubTest, InvalidUtf8IsRefusedBeforeTdSend) {
  int id = hub_->CreateClient(nullptr);
  CallbackBox<Result<json>> in_field, in_array;
  hub_->Send(id, {{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+1555\xff"}},
             in_field.Callback());
  hub_->Send(id, {{"@type", "requestQrCodeAuthentication"}, {"tags", {"ok", "\xc3\x28"}}},
             in_array.Callback());

  auto field = in_field.Wait();
  auto array = in_array.Wait();
  ASSERT_TRUE(field && array);
  EXPECT_EQ(field->error().code(), ErrorCode::kInvalidRequest);
  EXPECT_STREQ(field->error().what(), "Field phone_number is not valid UTF-8");
  EXPECT_STREQ(array->error().what(), "Field tags[1] is not valid UTF-8");
  EXPECT_TRUE(fake_->sent().empty());
}

TEST_F(TelegramClientHubTest, PastTheFenceOnlyCloseReachesTdlib) {
  // Several nodes: past the last lease renewal plus the TTL, nothing but close
  // may use the session (another node may run it by now).
  int id = hub_->CreateClient(nullptr);
  hub_->SetFence(std::chrono::steady_clock::now() + std::chrono::hours(1));
  // Unanswered until the hub shuts down: boxes of the fixture, which outlive it.
  hub_->Send(id, {{"@type", "getMe"}}, result_a_.Callback());
  ASSERT_EQ(fake_->sent().size(), 1u) << "before the fence a request goes out";

  hub_->SetFence(std::chrono::steady_clock::now());
  CallbackBox<Result<json>> refused;
  hub_->Send(id, {{"@type", "sendMessage"}, {"chat_id", 1}}, refused.Callback());
  auto answer = refused.Wait();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error().code(), ErrorCode::kAccountNotReady);
  EXPECT_EQ(fake_->sent().size(), 1u) << "nothing reached TDLib";
  hub_->Send(id, {{"@type", "close"}}, result_b_.Callback());
  ASSERT_EQ(fake_->sent().size(), 2u);
  EXPECT_EQ(fake_->sent().back().request["@type"], "close");
}

TEST_F(TelegramClientHubTest, ClosedClientIsForgottenAndLaterRequestsAreRefused) {
  auto& updates = updates_a_;
  int id = hub_->CreateClient(updates.Callback());
  CallbackBox<Result<json>> pending;
  hub_->Send(id, {{"@type", "getMe"}}, pending.Callback());
  fake_->EmitState(id, {{"@type", "authorizationStateClosed"}});

  auto orphan = pending.Wait();
  ASSERT_TRUE(orphan);
  EXPECT_EQ(orphan->error().code(), ErrorCode::kAccountNotReady);
  ASSERT_TRUE(updates.Wait());

  CallbackBox<Result<json>> after;
  std::size_t sent_before = fake_->sent().size();
  hub_->Send(id, {{"@type", "getMe"}}, after.Callback());
  ASSERT_TRUE(after.Wait());
  EXPECT_EQ(after.Wait()->error().code(), ErrorCode::kAccountNotReady);
  EXPECT_EQ(fake_->sent().size(), sent_before);
  EXPECT_TRUE(hub_->Stats().clients_by_state.empty());
}

TEST_F(TelegramClientHubTest, StatsCountClientsByAuthorizationState) {
  int a = hub_->CreateClient(nullptr);
  int b = hub_->CreateClient(nullptr);
  auto& seen = updates_c_;
  int c = hub_->CreateClient(seen.Callback());
  fake_->EmitState(a, {{"@type", "authorizationStateWaitPhoneNumber"}});
  fake_->EmitState(b, {{"@type", "authorizationStateWaitPhoneNumber"}});
  fake_->EmitState(c, {{"@type", "authorizationStateReady"}});
  ASSERT_TRUE(seen.Wait());

  auto stats = hub_->Stats();
  EXPECT_EQ(stats.clients_by_state["wait_phone_number"], 2);
  EXPECT_EQ(stats.clients_by_state["ready"], 1);
}

TEST_F(TelegramClientHubTest, CloseAllClosesEveryClientIncludingNeverUsedOnes) {
  auto& used_updates = updates_a_;
  auto& idle_updates = updates_b_;
  int used = hub_->CreateClient(used_updates.Callback());
  int idle = hub_->CreateClient(idle_updates.Callback());
  hub_->Send(used, {{"@type", "getOption"}}, nullptr);

  EXPECT_TRUE(hub_->CloseAll(2s));
  EXPECT_TRUE(fake_->WaitForSent("close", used));
  EXPECT_TRUE(fake_->WaitForSent("close", idle));
  auto is_closed = [](const json& update) {
    return update.value("@type", "") == "updateAuthorizationState" &&
           update["authorization_state"]["@type"] == "authorizationStateClosed";
  };
  EXPECT_TRUE(used_updates.WaitFor(is_closed));
  EXPECT_TRUE(idle_updates.WaitFor(is_closed));
  EXPECT_TRUE(hub_->Stats().clients_by_state.empty());
}

TEST_F(TelegramClientHubTest, CloseAllReportsClientsThatDoNotClose) {
  fake_->SetResponder(nullptr);
  int id = hub_->CreateClient(nullptr);
  hub_->Send(id, {{"@type", "getOption"}}, nullptr);
  EXPECT_FALSE(hub_->CloseAll(100ms));
  fake_->EmitState(id, {{"@type", "authorizationStateClosed"}});
  EXPECT_TRUE(hub_->CloseAll(2s));
}

TEST_F(TelegramClientHubTest, ShutdownAnswersEveryPendingRequest) {
  int id = hub_->CreateClient(nullptr);
  CallbackBox<Result<json>> done;
  hub_->Send(id, {{"@type", "setAuthenticationPhoneNumber"}}, done.Callback(), 60s);
  hub_.reset();
  ASSERT_EQ(done.count(), 1u);
  EXPECT_FALSE(done.Wait()->ok());
}

TEST_F(TelegramClientHubTest, OneThreadReceivesAndHandlerExceptionsAreContained) {
  int id = hub_->CreateClient([](const json&) { throw std::runtime_error("boom"); });
  fake_->Emit({{"@type", "updateOption"}, {"@client_id", id}});
  CallbackBox<Result<json>> done;
  hub_->Send(id, {{"@type", "getOption"}}, done.Callback());
  fake_->Answer(fake_->sent().back(), {{"@type", "ok"}});
  ASSERT_TRUE(done.Wait());
  EXPECT_EQ(fake_->receive_thread_count(), 1u);
  EXPECT_FALSE(fake_->concurrent_receive());
}

TEST_F(TelegramClientHubTest, VersionComesFromTdExecute) { EXPECT_EQ(hub_->TdlibVersion(), "9.9.9"); }

}  // namespace
}  // namespace tgmux::telegram
