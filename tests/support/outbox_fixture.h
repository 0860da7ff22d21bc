// End-to-end outbox tests: Ann's account linked in a real tgmux against the
// simulator, Bob (@bob) and Carol to write to, and helpers to send, wait for
// an entry's outcome and read what a person received.
#pragma once

#include <chrono>
#include <thread>

#include "tests/support/linked_gateway.h"

namespace tgmux::testing {

class OutboxFixture : public LinkedGatewayTest {
 protected:
  static constexpr const char* kAnn = "+15557001122";
  static constexpr const char* kBob = "+15557003344";
  static constexpr const char* kCarol = "+15557005566";

  void Prepare(Env extra = {}) {
    StartGateway(std::move(extra));
    CreateUser(kAnn, "Ann");
    bob_id_ = CreateUser(kBob, "Bob", {{"username", "bob"}})["user_id"];
    CreateUser(kCarol, "Carol");
    account_ = Link(kAnn)["id"];
  }
  HttpResponse Send(const nlohmann::json& body, const std::string& query = "", const std::string& key = "") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http().Request("POST", "/v1/accounts/" + account_ + "/messages" + query, body.dump(), headers);
  }
  std::string Enqueue(const std::string& to, const std::string& text) {
    auto answer = Send({{"to", to}, {"text", text}});
    EXPECT_EQ(answer.status, 202) << answer.body;
    return answer.status == 202 ? answer.Json()["id"].get<std::string>() : "";
  }
  nlohmann::json SendAndWait(const nlohmann::json& body) {
    auto answer = Send(body, "?wait=10");
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.Json();
  }
  nlohmann::json Entry(const std::string& id) { return http().Get("/v1/outbox/" + id).Json(); }
  // Polls the entry until it is sent or failed.
  nlohmann::json Settled(const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    nlohmann::json entry;
    while (std::chrono::steady_clock::now() < deadline) {
      entry = Entry(id);
      if (entry["state"] == "sent" || entry["state"] == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return entry;
  }
  // What `phone` sees of its chat with Ann (or of `chat`, a group), oldest first.
  nlohmann::json Received(const std::string& phone, const std::string& chat = "") {
    std::string with = chat.empty() ? "%2B" + std::string(kAnn + 1) : chat;
    return Control("GET", "/users/" + phone + "/messages?with=" + with).body["messages"];
  }
  void SetDisabled(bool disabled) {
    auto answer = http().Request("PATCH", "/v1/accounts/" + account_,
                                 nlohmann::json{{"disabled", disabled}}.dump());
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  std::string account_;
  std::int64_t bob_id_ = 0;
};

}  // namespace tgmux::testing
