// End-to-end: the user-api compatibility surface (docs/compat.md) on tgsim:
// every documented example of ../shared/compat-apis.md sent as written, and
// a whole flow with a wrong code and a wrong password.
#include <regex>

#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

// The person the documents show: Иван Иванов, @ivan_ivanov, id 987654321.
constexpr const char* kIvanPhone = "+79991234567";
constexpr std::int64_t kIvanId = 987654321;

class CompatUserApiTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_COMPAT", "user-api"}, {"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}});
    auto key = http().Post("/v1/api-keys", {{"name", "assistant"}, {"role", "admin"}});
    ASSERT_EQ(key.status, 201) << key.body;
    key_ = key.Json()["key"];
  }
  void CreateIvan(json extra = json::object()) {
    extra["last_name"] = "Иванов";
    extra["username"] = "ivan_ivanov";
    extra["user_id"] = kIvanId;
    CreateUser(kIvanPhone, "Иван", extra);
  }
  // A call with the service's API key, the body sent as the document writes it.
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "") {
    return gateway_->Anonymous().Request(method, target, body,
                                         {{"Authorization", "Bearer " + key_}, {"Content-Type", "application/json"}});
  }
  static void ExpectIvan(const json& user) {
    EXPECT_EQ(user["id"], kIvanId) << user;
    EXPECT_EQ(user["first_name"], "Иван");
    EXPECT_EQ(user["last_name"], "Иванов");
    EXPECT_EQ(user["username"], "ivan_ivanov");
    EXPECT_EQ(user["phone_number"], kIvanPhone);
  }
  // The body has the key "status" once (the documents show it twice).
  static void ExpectOneStatus(const HttpResponse& answer, const std::string& status) {
    EXPECT_EQ(answer.Json()["status"], status) << answer.body;
    EXPECT_EQ(answer.body.find("\"status\""), answer.body.rfind("\"status\"")) << answer.body;
  }

  std::string key_;
};

TEST_F(CompatUserApiTest, DocumentedExamplesAsWritten) {
  CreateIvan({{"password", "your_2fa_password"}});
  auto started = Call("POST", "/telegram/user/auth/start", R"({ "user_id": "user123", "phone_number": "+79991234567" })");
  ASSERT_EQ(started.status, 200) << started.body;
  ExpectOneStatus(started, "code_sent");
  EXPECT_FALSE(started.Json()["phone_code_hash"].get<std::string>().empty());
  EXPECT_EQ(started.Json()["message"], "Code sent to Telegram");

  // The first example's code is the document's, not the one Telegram sent: a wrong code.
  std::string code = LastCode(kIvanPhone);
  auto first = Call("POST", "/telegram/user/auth/verify", R"({ "user_id": "user123", "phone_code": "12345" })");
  if (code != "12345") {
    EXPECT_EQ(first.status, 400) << first.body;
    EXPECT_EQ(first.Json()["code"], "code_invalid");
    EXPECT_EQ(first.Header("content-type"), "application/problem+json");
    // The second example, with the code Telegram sent: code and password in one call.
    auto verified = Call("POST", "/telegram/user/auth/verify",
                         R"({ "user_id": "user123", "phone_code": ")" + code +
                             R"(", "password": "your_2fa_password" })");
    ASSERT_EQ(verified.status, 200) << verified.body;
    ExpectOneStatus(verified, "authorized");
    EXPECT_EQ(verified.Json()["message"], "Successfully authorized");
    ExpectIvan(verified.Json()["user"]);
  } else {
    EXPECT_EQ(first.Json()["code"], "password_needed") << first.body;
    ASSERT_EQ(Call("POST", "/telegram/user/auth/verify",
                   R"({ "user_id": "user123", "phone_code": "12345", "password": "your_2fa_password" })")
                  .status,
              200);
  }

  auto status = Call("GET", "/telegram/user/status/user123");
  ASSERT_EQ(status.status, 200) << status.body;
  ExpectOneStatus(status, "ok");
  EXPECT_EQ(status.Json()["authorized"], true);
  ExpectIvan(status.Json()["user_info"]);

  // Saved Messages: the documented recipient is the documented user.
  auto sent = Call("POST", "/telegram/user/send",
                   R"({ "user_id": "user123", "recipient_id": "987654321", "text": "Привет от ассистента!" })");
  ASSERT_EQ(sent.status, 200) << sent.body;
  ExpectOneStatus(sent, "ok");
  EXPECT_EQ(sent.Json()["success"], true);
  EXPECT_GT(sent.Json()["message_id"].get<std::int64_t>(), 0);
  EXPECT_TRUE(std::regex_match(sent.Json()["date"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")))
      << sent.body;

  auto gone = Call("POST", "/telegram/user/disconnect", R"({ "user_id": "user123" })");
  ASSERT_EQ(gone.status, 200) << gone.body;
  ExpectOneStatus(gone, "ok");
  auto after = Call("GET", "/telegram/user/status/user123");
  EXPECT_EQ(after.Json()["authorized"], false) << after.body;
  EXPECT_TRUE(Sessions(kIvanPhone).empty()) << "disconnect logs out at Telegram";
}

TEST_F(CompatUserApiTest, WholeFlowWithWrongCodeAndWrongPassword) {
  CreateIvan();
  CreateUser("+15552001122", "Petr", {{"password", "petr-2fa-pass"}});
  auto started = Call("POST", "/telegram/user/auth/start", json{{"user_id", "user123"}, {"phone_number", "+1 555 200 1122"}}.dump());
  ASSERT_EQ(started.status, 200) << started.body;
  std::string code = LastCode("+15552001122");
  std::string wrong = code == "00000" ? "11111" : "00000";

  auto bad_code = Call("POST", "/telegram/user/auth/verify", json{{"user_id", "user123"}, {"phone_code", wrong}}.dump());
  EXPECT_EQ(bad_code.status, 400) << bad_code.body;
  EXPECT_EQ(bad_code.Json()["code"], "code_invalid");

  auto needs = Call("POST", "/telegram/user/auth/verify", json{{"user_id", "user123"}, {"phone_code", code}}.dump());
  EXPECT_EQ(needs.status, 409) << needs.body;
  EXPECT_EQ(needs.Json()["code"], "password_needed");

  auto bad_password =
      Call("POST", "/telegram/user/auth/verify", json{{"user_id", "user123"}, {"password", "not-it"}}.dump());
  EXPECT_EQ(bad_password.status, 400) << bad_password.body;
  EXPECT_EQ(bad_password.Json()["code"], "password_invalid");

  // Only the password: the code is not sent again.
  auto verified =
      Call("POST", "/telegram/user/auth/verify", json{{"user_id", "user123"}, {"password", "petr-2fa-pass"}}.dump());
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.Json()["user"]["first_name"], "Petr");
  EXPECT_EQ(verified.Json()["user"]["phone_number"], "+15552001122");
  EXPECT_EQ(LastCode("+15552001122"), code);

  // The native API sees the user_id as the account's external_id, and keeps masking the phone.
  auto native = http().Get("/v1/accounts?external_id=user123").Json()["items"];
  ASSERT_EQ(native.size(), 1u) << native;
  EXPECT_EQ(native[0]["external_id"], "user123");
  EXPECT_EQ(native[0]["phone_masked"], "+155******22");
  EXPECT_EQ(native.dump().find("5552001122"), std::string::npos);

  auto again = Call("POST", "/telegram/user/auth/start", json{{"user_id", "user123"}, {"phone_number", "+15552001122"}}.dump());
  EXPECT_EQ(again.status, 409) << again.body;

  // By @username first: Telegram then knows the person, and the documented example reaches them by id
  // (an id the account never met is peer_not_found, as with TDLib).
  auto by_name = Call("POST", "/telegram/user/send",
                      json{{"user_id", "user123"}, {"recipient_id", "@ivan_ivanov"}, {"text", "first"}}.dump());
  EXPECT_EQ(by_name.status, 200) << by_name.body;
  auto sent = Call("POST", "/telegram/user/send",
                   R"({ "user_id": "user123", "recipient_id": "987654321", "text": "Привет от ассистента!" })");
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto seen = Control("GET", "/users/%2B79991234567/messages?with=%2B15552001122").body["messages"];
  ASSERT_EQ(seen.size(), 2u) << seen;
  EXPECT_EQ(seen[0]["text"], "first");
  EXPECT_EQ(seen[1]["text"], "Привет от ассистента!");
  auto nobody = Call("POST", "/telegram/user/send",
                     json{{"user_id", "user123"}, {"recipient_id", "@no_such_person"}, {"text", "x"}}.dump());
  EXPECT_EQ(nobody.status, 404) << nobody.body;
  EXPECT_EQ(nobody.Json()["code"], "peer_not_found");

  ASSERT_EQ(Call("POST", "/telegram/user/disconnect", R"({"user_id": "user123"})").status, 200);
  EXPECT_TRUE(http().Get("/v1/accounts").Json()["items"].empty());
  auto unknown = Call("POST", "/telegram/user/send", R"({"user_id": "user123", "recipient_id": "1", "text": "x"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(Call("POST", "/telegram/user/disconnect", R"({"user_id": "user123"})").status, 404);
}

TEST_F(CompatUserApiTest, NeedsAnApiKeyOrToken) {
  auto anonymous = gateway_->Anonymous().Post("/telegram/user/auth/start",
                                              {{"user_id", "user123"}, {"phone_number", kIvanPhone}});
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(anonymous.Json()["code"], "unauthorized");
  EXPECT_EQ(gateway_->Anonymous().Get("/telegram/user/status/user123").status, 401);
  auto bad = Call("POST", "/telegram/user/auth/start", R"({"user_id": 5})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["code"], "invalid_request");
}

}  // namespace
}  // namespace tgmux::testing
