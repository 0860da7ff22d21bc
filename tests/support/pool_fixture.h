// End-to-end fixture for account pools and tracked dialogs (docs/pools.md):
// a real tgmux on tgsim with three linked accounts, and helpers to put them
// into pool "sales" and send through it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/support/linked_gateway.h"

namespace tgmux::testing {

class PoolsTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway();
    for (const char* phone : {"+15550005001", "+15550005002", "+15550005003"}) {
      CreateUser(phone, "Seller");
      ids_.push_back(Link(phone)["id"]);
    }
  }
  HttpResponse Patch(const std::string& path, const nlohmann::json& body) {
    return http().Request("PATCH", path, body.dump());
  }
  // Puts the accounts (all unless `count`) into pool "sales" with `settings`.
  void Pool(const nlohmann::json& settings, std::size_t count = 3) {
    ASSERT_EQ(Patch("/v1/pools/sales", settings).status, 200);
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(Patch("/v1/accounts/" + ids_[i], {{"pool", "sales"}}).status, 200);
  }
  HttpResponse PoolSend(const std::string& to, const std::string& text, const std::string& key = "") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http().Request("POST", "/v1/pools/sales/messages?wait=10", nlohmann::json{{"to", to}, {"text", text}}.dump(), headers);
  }
  // Sends and expects it sent; the account that sent it.
  std::string SentBy(const std::string& to, const std::string& text) {
    auto sent = PoolSend(to, text);
    EXPECT_EQ(sent.status, 200) << sent.body;
    EXPECT_EQ(sent.Json()["state"], "sent") << sent.body;
    return sent.Json()["account_id"];
  }
  nlohmann::json Counters(const std::string& id) {
    auto pool = http().Get("/v1/pools/sales").Json();
    for (const auto& account : pool["accounts"]) {
      if (account["id"] == id) return account;
    }
    ADD_FAILURE() << id << " is not in " << pool;
    return nullptr;
  }
  std::vector<std::string> ids_;
};

}  // namespace tgmux::testing
