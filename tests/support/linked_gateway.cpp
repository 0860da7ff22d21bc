#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {

void LinkedGatewayTest::SetUp() {
  sim_ = std::make_unique<tgsim::testing::TgsimProcess>(TGSIM_BINARY, std::vector<std::string>{"--qr-period", "2"});
  data_dir_ = dir_.path() / "data";
}

Env LinkedGatewayTest::GatewayEnv(Env extra) const {
  Env env = {{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY},
             {"TDSIM_ADDR", sim_->address()},
             {"TELEGRAM_API_ID", "94575"},
             {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
             {"TGMUX_TELEGRAM_DEADLINE", "10"}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

void LinkedGatewayTest::StartGateway(Env extra, bool sign_in_owner) {
  gateway_.reset();
  gateway_ = std::make_unique<TgmuxServer>(GatewayEnv(std::move(extra)), data_dir_);
  ASSERT_TRUE(gateway_->Start()) << gateway_->process().Stderr();
  if (sign_in_owner) owner_ = gateway_->SignInOwner();
}

tgsim::testing::HttpResult LinkedGatewayTest::Control(const std::string& method, const std::string& path,
                                                      const nlohmann::json& body) {
  return sim_->Control(method, path, body);
}

nlohmann::json LinkedGatewayTest::CreateUser(const std::string& phone, const std::string& first_name,
                                             nlohmann::json extra) {
  extra["phone"] = phone;
  extra["first_name"] = first_name;
  auto result = Control("POST", "/users", extra);
  EXPECT_EQ(result.status, 201) << result.body.dump();
  return result.body;
}

std::string LinkedGatewayTest::LastCode(const std::string& phone) {
  auto result = Control("GET", "/users/" + phone + "/code");
  EXPECT_EQ(result.status, 200) << result.body.dump();
  return result.body.value("code", "");
}

nlohmann::json LinkedGatewayTest::Sessions(const std::string& phone) {
  return Control("GET", "/users/" + phone + "/sessions").body["sessions"];
}

HttpResponse LinkedGatewayTest::StartPhoneLogin(const std::string& phone) {
  return http().Post("/v1/logins", {{"method", "phone"}, {"phone", phone}});
}

nlohmann::json LinkedGatewayTest::Link(const std::string& phone, const std::string& password) {
  auto started = StartPhoneLogin(phone);
  EXPECT_EQ(started.status, 201) << started.body;
  std::string id = started.Json()["id"];
  auto answer = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode(phone)}});
  if (!password.empty()) {
    EXPECT_EQ(answer.Json()["state"], "password_needed") << answer.body;
    answer = http().Post("/v1/logins/" + id + "/password", {{"password", password}});
  }
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["state"], "done") << answer.body;
  return answer.Json()["account"];
}

nlohmann::json LinkedGatewayTest::PollLogin(const std::string& id,
                                            const std::function<bool(const nlohmann::json&)>& predicate,
                                            std::chrono::milliseconds timeout) {
  nlohmann::json body;
  WaitUntil([&] {
    body = http().Get("/v1/logins/" + id).Json();
    return predicate(body);
  }, timeout);
  return body;
}

nlohmann::json LinkedGatewayTest::PollAccount(const std::string& id, const std::string& status,
                                              std::chrono::milliseconds timeout) {
  nlohmann::json body;
  WaitUntil([&] {
    body = http().Get("/v1/accounts/" + id).Json();
    return body.value("status", "") == status;
  }, timeout);
  return body;
}

}  // namespace tgmux::testing
