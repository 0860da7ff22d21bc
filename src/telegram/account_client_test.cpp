#include "telegram/account_client.h"

#include <gtest/gtest.h>

#include "sim/conformance/conformance_test_support.h"
#include "telegram/callback_box.h"
#include "telegram/fake_td_json.h"

namespace tgmux::telegram {
namespace {

using namespace std::chrono_literals;
using Kind = AuthState::Kind;
using nlohmann::json;
using testing::CallbackBox;
using testing::FakeTdJson;

TdParameters Params(int api_id) {
  TdParameters params;
  params.api_id = api_id;
  params.api_hash = "h";
  return params;
}

class TelegramAccountClientTest : public ::testing::Test {
 protected:
  TelegramAccountClientTest() {
    auto fake = std::make_unique<FakeTdJson>();
    fake_ = fake.get();
    fake_->SetResponder(testing::CloseLikeTdlib);
    hub_ = std::make_unique<ClientHub>(std::move(fake), 5s);
    client_ = std::make_unique<AccountClient>(*hub_, AccountCallbacks{states_.Callback(), reasons_.Callback()});
  }
  ~TelegramAccountClientTest() override {
    client_.reset();
    hub_.reset();
  }

  void Emit(json state) { fake_->EmitState(client_->client_id(), std::move(state)); }

  FakeTdJson* fake_;
  std::unique_ptr<ClientHub> hub_;
  CallbackBox<AuthState> states_;
  CallbackBox<ClosedReason> reasons_;
  std::unique_ptr<AccountClient> client_;
};

TEST_F(TelegramAccountClientTest, StartSendsTheLightestParametersAfterTheMemoryOptions) {
  client_->Start("/tmp/acc/td", std::string(32, '\x01'), Params(42), nullptr);
  auto params = fake_->WaitForSent("setTdlibParameters");
  ASSERT_TRUE(params);
  const json& p = params->request;
  EXPECT_EQ(p["database_directory"], "/tmp/acc/td");
  EXPECT_EQ(p["database_encryption_key"], "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=");
  EXPECT_EQ(p["use_message_database"], false);
  EXPECT_EQ(p["use_chat_info_database"], false);
  EXPECT_EQ(p["use_file_database"], false);
  EXPECT_EQ(p["use_secret_chats"], false);
  EXPECT_EQ(p["api_id"], 42);

  std::vector<std::string> options;
  for (const auto& sent : fake_->sent()) {
    if (sent.request["@type"] == "setOption") options.push_back(sent.request["name"]);
  }
  EXPECT_EQ(options, (std::vector<std::string>{"ignore_background_updates", "disable_network_statistics",
                                               "disable_persistent_network_statistics", "disable_top_chats",
                                               "ignore_inline_thumbnails"}));
  EXPECT_EQ(fake_->sent().back().request["@type"], "setTdlibParameters");
}

TEST_F(TelegramAccountClientTest, ProxiesAreValidAddProxyAndPingRequests) {
  auto proxy = [](const std::string& url) { return ParseProxyUrl(url).proxy.value(); };
  client_->SetProxy(proxy("socks5://ann:pw@127.0.0.1:1080"), nullptr);
  client_->SetProxy(proxy("http://127.0.0.1:3128"), nullptr);
  client_->SetProxy(proxy("mtproto://ee0123456789abcdef0123456789abcdef@127.0.0.1:443"), nullptr);
  client_->SetProxy(std::nullopt, nullptr);
  client_->PingProxy(proxy("socks5://127.0.0.1:1080"), nullptr);
  ASSERT_TRUE(fake_->WaitForSent("pingProxy"));
  auto all = fake_->sent();  // a copy, kept while the references below are used
  std::vector<std::string> types;
  for (const auto& sent : all) {
    types.push_back(sent.request["@type"]);
    EXPECT_EQ(tgsim::conformance::testing::PinnedSchema().ValidateRequest(sent.request), std::vector<std::string>{})
        << sent.request.dump();
  }
  EXPECT_EQ(types, (std::vector<std::string>{"addProxy", "addProxy", "addProxy", "disableProxy", "pingProxy"}));
  const json& socks = all[0].request;
  EXPECT_EQ(socks["enable"], true);
  EXPECT_EQ(socks["proxy"]["type"]["@type"], "proxyTypeSocks5");
  EXPECT_EQ(socks["proxy"]["type"]["password"], "pw");
  EXPECT_EQ(all[2].request["proxy"]["type"]["@type"], "proxyTypeMtproto");
}

TEST_F(TelegramAccountClientTest, StartRefusesAKeyThatIsNot32Bytes) {
  CallbackBox<Status> done;
  client_->Start("/tmp/acc/td", "short", Params(1), done.Callback());
  ASSERT_TRUE(done.Wait());
  EXPECT_EQ(done.Wait()->error().code(), ErrorCode::kInvalidRequest);
  EXPECT_TRUE(fake_->sent().empty());
}

TEST_F(TelegramAccountClientTest, LoginStepsAreTypedRequests) {
  CallbackBox<Status> phone, code;
  client_->SetPhoneNumber("+15550001122", phone.Callback());
  client_->CheckCode("12345", code.Callback());
  auto set_phone = fake_->WaitForSent("setAuthenticationPhoneNumber");
  auto check = fake_->WaitForSent("checkAuthenticationCode");
  ASSERT_TRUE(set_phone && check);
  EXPECT_EQ(set_phone->request["phone_number"], "+15550001122");
  EXPECT_EQ(check->request["code"], "12345");

  fake_->Answer(*set_phone, {{"@type", "ok"}});
  fake_->Answer(*check, {{"@type", "error"}, {"code", 400}, {"message", "PHONE_CODE_EXPIRED"}});
  ASSERT_TRUE(phone.Wait() && code.Wait());
  EXPECT_TRUE(phone.Wait()->ok());
  EXPECT_EQ(code.Wait()->error().code(), ErrorCode::kCodeExpired);
}

TEST_F(TelegramAccountClientTest, EveryStateChangeIsReportedIncludingQrRenewals) {
  Emit({{"@type", "authorizationStateWaitPhoneNumber"}});
  Emit({{"@type", "authorizationStateWaitOtherDeviceConfirmation"}, {"link", "tg://login?token=A"}});
  Emit({{"@type", "authorizationStateWaitOtherDeviceConfirmation"}, {"link", "tg://login?token=B"}});
  auto renewed = states_.Wait(2);
  ASSERT_TRUE(renewed);
  EXPECT_EQ(states_.Wait(0)->kind, Kind::kWaitPhoneNumber);
  EXPECT_EQ(states_.Wait(1)->qr_link, "tg://login?token=A");
  EXPECT_EQ(renewed->qr_link, "tg://login?token=B");
  EXPECT_EQ(client_->auth_state().qr_link, "tg://login?token=B");
}

TEST_F(TelegramAccountClientTest, LoggingOutWithoutOurRequestIsARevoke) {
  Emit({{"@type", "authorizationStateReady"}});
  Emit({{"@type", "authorizationStateLoggingOut"}});
  Emit({{"@type", "authorizationStateClosed"}});
  auto reason = reasons_.Wait();
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, ClosedReason::kRevoked);
  EXPECT_TRUE(client_->closed());
  EXPECT_EQ(states_.Wait(2)->kind, Kind::kClosed);
  EXPECT_EQ(reasons_.count(), 1u);
}

TEST_F(TelegramAccountClientTest, OurLogOutIsALogOut) {
  client_->LogOut(nullptr);
  ASSERT_TRUE(fake_->WaitForSent("logOut"));
  Emit({{"@type", "authorizationStateLoggingOut"}});
  Emit({{"@type", "authorizationStateClosed"}});
  ASSERT_TRUE(reasons_.Wait());
  EXPECT_EQ(*reasons_.Wait(), ClosedReason::kLoggedOut);
}

TEST_F(TelegramAccountClientTest, CloseKeepsTheSession) {
  client_->Close(nullptr);  // the fake answers like TDLib: ok, Closing, Closed
  ASSERT_TRUE(reasons_.Wait());
  EXPECT_EQ(*reasons_.Wait(), ClosedReason::kClosed);
  EXPECT_EQ(reasons_.count(), 1u);
}

TEST_F(TelegramAccountClientTest, GetMeGivesTheUser) {
  CallbackBox<Result<Me>> me;
  client_->GetMe(me.Callback());
  auto sent = fake_->WaitForSent("getMe");
  ASSERT_TRUE(sent);
  fake_->Answer(*sent, {{"@type", "user"}, {"id", 5}, {"first_name", "Ann"}, {"last_name", ""},
                        {"phone_number", "15550001122"}});
  ASSERT_TRUE(me.Wait());
  ASSERT_TRUE(me.Wait()->ok());
  EXPECT_EQ(me.Wait()->value().user_id, 5);
}

TEST_F(TelegramAccountClientTest, DroppingAStartedClientClosesIt) {
  client_->Start("/tmp/acc/td", std::string(32, 'k'), Params(1), nullptr);
  int id = client_->client_id();
  client_.reset();
  EXPECT_TRUE(fake_->WaitForSent("close", id));
  EXPECT_EQ(reasons_.count(), 0u);  // callbacks are silenced once the owner is gone
}

}  // namespace
}  // namespace tgmux::telegram
