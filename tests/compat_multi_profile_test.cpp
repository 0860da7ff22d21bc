// End-to-end: the multi-profile compatibility surface (docs/compat.md) on
// tgsim: app users register and sign in, link profiles by phone (a wrong code
// and a wrong password first), read unread messages and dialogs, send, and
// rotate and drop their tokens.
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kMila = "+15554001122";
constexpr const char* kNick = "+15554002233";

class CompatMultiProfileTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_COMPAT", "multi-profile"},
                  {"TGMUX_REGISTRATION", "open"},
                  {"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}});
  }
  HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                  const json& body = nullptr) {
    return gateway_->Anonymous().Request(method, target, body.is_null() ? "" : body.dump(),
                                         {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }
  json Register(const std::string& email, const std::string& password) {
    auto answer = gateway_->Anonymous().Post("/auth/register", {{"email", email}, {"password", password}});
    EXPECT_EQ(answer.status, 201) << answer.body;
    return answer.Json();
  }
  // Links Mila (2FA on) as the app user's profile.
  void LinkMila(const std::string& token) {
    auto started = As(token, "POST", "/profiles/start", {{"phone", kMila}});
    ASSERT_EQ(started.status, 200) << started.body;
    auto code = As(token, "POST", "/profiles/code", {{"phone", kMila}, {"code", LastCode(kMila)}});
    ASSERT_EQ(code.Json()["status"], "password_needed") << code.body;
    auto done = As(token, "POST", "/profiles/password", {{"phone", kMila}, {"password", "mila-2fa-pass"}});
    ASSERT_EQ(done.Json()["status"], "active") << done.body;
  }
};

TEST_F(CompatMultiProfileTest, WholeFlow) {
  CreateUser(kMila, "Mila", {{"password", "mila-2fa-pass"}});
  std::int64_t nick_id = CreateUser(kNick, "Nick", {{"username", "nick_n"}})["user_id"];
  auto registered = Register("alice@app.test", "alice-password-1");
  EXPECT_FALSE(registered["refresh_token"].get<std::string>().empty());
  auto signed_in = gateway_->Anonymous().Post("/auth/login", {{"email", "alice@app.test"}, {"password", "alice-password-1"}});
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  std::string token = signed_in.Json()["access_token"];
  auto me = As(token, "GET", "/utils/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["email"], "alice@app.test");
  EXPECT_EQ(As(token, "GET", "/profiles").Json(), json::array());

  // Started in one form, answered in others: the phone lookup names one profile.
  auto started = As(token, "POST", "/profiles/start", {{"phone", "+1 (555) 400-1122"}});
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.Json()["status"], "code_sent");
  EXPECT_EQ(started.Json()["code_sent"], true);
  std::string code = LastCode(kMila);
  auto wrong_code = As(token, "POST", "/profiles/code", {{"phone", "+15554001122"}, {"code", code == "00000" ? "11111" : "00000"}});
  EXPECT_EQ(wrong_code.status, 400) << wrong_code.body;
  EXPECT_EQ(wrong_code.Json()["code"], "code_invalid");
  auto needs = As(token, "POST", "/profiles/code", {{"phone", "001 555 400 1122"}, {"code", code}});
  ASSERT_EQ(needs.status, 200) << needs.body;
  EXPECT_EQ(needs.Json()["status"], "password_needed");
  auto wrong_password = As(token, "POST", "/profiles/password", {{"phone", kMila}, {"password", "nope"}});
  EXPECT_EQ(wrong_password.status, 400) << wrong_password.body;
  EXPECT_EQ(wrong_password.Json()["code"], "password_invalid");
  auto done = As(token, "POST", "/profiles/password", {{"phone", kMila}, {"password", "mila-2fa-pass"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["status"], "active");
  EXPECT_EQ(done.Json()["profile"]["phone"], "+155******22");
  auto profiles = As(token, "GET", "/profiles").Json();
  ASSERT_EQ(profiles.size(), 1u) << profiles;
  EXPECT_EQ(profiles[0]["status"], "active");
  auto again = As(token, "POST", "/profiles/start", {{"phone", kMila}});
  EXPECT_EQ(again.Json()["code_sent"], false) << again.body;
  EXPECT_EQ(again.Json()["status"], "active");

  // Nick writes to Mila: unread through POST with the phone, and GET with ?phone=.
  ASSERT_EQ(Control("POST", "/messages", {{"from", kNick}, {"to", kMila}, {"text", "hello Mila"}}).status, 201);
  json unread;
  ASSERT_TRUE(WaitUntil([&] {
    unread = As(token, "POST", "/messages/unread", {{"phone", kMila}}).Json();
    return unread.contains("chats") && !unread["chats"].empty();
  }, std::chrono::seconds(10))) << unread;
  ASSERT_EQ(unread["chats"][0]["messages"].size(), 1u) << unread;
  EXPECT_EQ(unread["chats"][0]["messages"][0]["text"], "hello Mila");
  auto by_query = As(token, "GET", "/messages/unread?phone=%2B15554001122");
  ASSERT_EQ(by_query.status, 200) << by_query.body;
  EXPECT_EQ(by_query.Json()["chats"], unread["chats"]);
  auto dialogs = As(token, "POST", "/messages/dialogs", {{"phone", kMila}});
  ASSERT_EQ(dialogs.status, 200) << dialogs.body;
  ASSERT_FALSE(dialogs.Json()["dialogs"].empty());
  EXPECT_EQ(dialogs.Json()["dialogs"][0]["title"], "Nick");

  // Sends to an id and to a username.
  auto sent = As(token, "POST", "/messages/send", {{"phone", kMila}, {"text", "hi Nick"}, {"tg_receiver", nick_id}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.Json()["status"], "sent");
  EXPECT_GT(sent.Json()["message_id"].get<std::int64_t>(), 0);
  auto by_name = As(token, "POST", "/messages/send", {{"phone", kMila}, {"text", "again"}, {"tg_receiver", "nick_n"}});
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  auto seen = Control("GET", "/users/%2B15554002233/messages?with=%2B15554001122").body["messages"];
  ASSERT_GE(seen.size(), 3u) << seen;
  EXPECT_EQ(seen[seen.size() - 2]["text"], "hi Nick");
  EXPECT_EQ(seen.back()["text"], "again");

  EXPECT_EQ(gateway_->Anonymous().Get("/health").Json()["status"], "ok");

  // Tokens rotate; logout ends the refresh token and the access token.
  auto refreshed = gateway_->Anonymous().Post("/refresh", {{"refresh_token", signed_in.Json()["refresh_token"]}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  std::string new_access = refreshed.Json()["access_token"];
  std::string new_refresh = refreshed.Json()["refresh_token"];
  EXPECT_EQ(As(new_access, "GET", "/utils/me").status, 200);
  auto logout = As(new_access, "POST", "/logout", {{"refresh_token", new_refresh}});
  EXPECT_EQ(logout.status, 204) << logout.body;
  EXPECT_EQ(As(new_access, "GET", "/utils/me").status, 401);
  EXPECT_EQ(gateway_->Anonymous().Post("/refresh", {{"refresh_token", new_refresh}}).status, 401);
}

TEST_F(CompatMultiProfileTest, ProfilesBelongToTheirAppUser) {
  CreateUser(kMila, "Mila", {{"password", "mila-2fa-pass"}});
  std::string alice = Register("alice@app.test", "alice-password-1")["access_token"];
  std::string bob = Register("bob@app.test", "bob-password-12")["access_token"];
  LinkMila(alice);
  EXPECT_EQ(As(bob, "GET", "/profiles").Json(), json::array());
  auto unread = As(bob, "POST", "/messages/unread", {{"phone", kMila}});
  EXPECT_EQ(unread.status, 404) << unread.body;
  EXPECT_EQ(unread.Json()["code"], "not_found");
  EXPECT_EQ(As(bob, "POST", "/messages/send", {{"phone", kMila}, {"text", "x"}, {"tg_receiver", "@x"}}).status, 404);
  EXPECT_EQ(As(bob, "POST", "/profiles/code", {{"phone", kMila}, {"code", "12345"}}).status, 404);
  auto bad_phone = As(alice, "POST", "/profiles/start", {{"phone", "not a phone"}});
  EXPECT_EQ(bad_phone.status, 400);
  EXPECT_EQ(bad_phone.Json()["code"], "invalid_phone");
  EXPECT_EQ(gateway_->Anonymous().Get("/profiles").status, 401);
  auto taken = gateway_->Anonymous().Post("/auth/register", {{"email", "alice@app.test"}, {"password", "alice-password-1"}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  auto wrong = gateway_->Anonymous().Post("/auth/login", {{"email", "alice@app.test"}, {"password", "wrong-password"}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
}

}  // namespace
}  // namespace tgmux::testing
