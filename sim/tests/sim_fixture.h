#pragma once
// The fixture of the scripted-client tests: a fresh tgsim per test, the simulator
// library loaded once per process, and helpers for the usual steps of a TDLib app.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/testing/scripted_client.h"
#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {

inline TdJsonLibrary& SimLibrary() {
  static TdJsonLibrary* library = new TdJsonLibrary(TDJSON_SIM_LIBRARY);
  return *library;
}

inline std::string TypeOf(const json& object) { return object.value("@type", ""); }
// A plain text message's content, for sendMessage.
inline json Text(const std::string& text) {
  return {{"@type", "inputMessageText"}, {"text", {{"@type", "formattedText"}, {"text", text}}}};
}
inline std::string StateOf(const json& update) {
  return update["authorization_state"].value("@type", "");
}
// The authorization states a client went through, in order.
inline std::vector<std::string> AuthStates(const ScriptedClient& client) {
  std::vector<std::string> states;
  for (const auto& o : client.log()) {
    if (TypeOf(o) == "updateAuthorizationState") states.push_back(StateOf(o));
  }
  return states;
}
// The last `n` of them (all when fewer).
inline std::vector<std::string> Tail(const std::vector<std::string>& states, std::size_t n) {
  return {states.end() - static_cast<std::ptrdiff_t>(std::min(n, states.size())), states.end()};
}

class SimTest : public ::testing::Test {
 protected:
  virtual std::vector<std::string> TgsimArgs() { return {}; }

  void SetUp() override {
    sim_ = std::make_unique<TgsimProcess>(TGSIM_BINARY, TgsimArgs());
    ::setenv("TDSIM_ADDR", sim_->address().c_str(), 1);
    violations_seen_ = SimLibrary().violations().size();
  }

  void TearDown() override {
    for (auto& client : clients_) {
      bool closed = false;
      for (const auto& o : client->log()) {
        if (TypeOf(o) == "updateAuthorizationState" && StateOf(o) == "authorizationStateClosed") closed = true;
      }
      if (!closed) {
        client->Send({{"@type", "close"}});
        client->WaitForAuthState("authorizationStateClosed", 2);
      }
    }
    const auto& violations = SimLibrary().violations();
    for (std::size_t i = violations_seen_; i < violations.size(); ++i) {
      ADD_FAILURE() << "conformance violation: " << violations[i];
      break;  // the first one says enough
    }
  }

  ScriptedClient& NewClient() {
    clients_.push_back(std::make_unique<ScriptedClient>(SimLibrary()));
    return *clients_.back();
  }

  std::string TempDir() {
    static std::atomic<int> counter{0};
    auto dir = std::filesystem::temp_directory_path() /
               ("tgsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
  }

  static json Parameters(const std::string& dir, const std::string& key_base64 = "") {
    return {{"@type", "setTdlibParameters"}, {"database_directory", dir},
            {"database_encryption_key", key_base64}, {"api_id", 94575},
            {"api_hash", "a3406de8d171bb422bb6ddf3bbd800e2"}, {"system_language_code", "en"},
            {"device_model", "SimTest Device"}, {"application_version", "2.0"}};
  }

  // A client at WaitPhoneNumber.
  ScriptedClient& StartedClient(const std::string& dir = "", const std::string& key = "") {
    ScriptedClient& client = NewClient();
    client.RequestOk(Parameters(dir.empty() ? TempDir() : dir, key));
    EXPECT_TRUE(client.WaitForAuthState("authorizationStateWaitPhoneNumber"));
    return client;
  }

  json CreateUser(const std::string& phone, const std::string& first_name, json extra = json::object()) {
    extra["phone"] = phone;
    extra["first_name"] = first_name;
    auto result = sim_->Control("POST", "/users", extra);
    EXPECT_EQ(result.status, 201) << result.body.dump();
    return result.body;
  }

  std::string LastCode(const std::string& phone) {
    auto result = sim_->Control("GET", "/users/" + phone + "/code");
    EXPECT_EQ(result.status, 200);
    return result.body.value("code", "");
  }

  // A Ready client logged in as a fresh user (created here unless it exists).
  ScriptedClient& LoggedIn(const std::string& phone, const std::string& first_name,
                           const std::string& dir = "", const std::string& key = "") {
    if (sim_->Control("GET", "/users/" + phone + "/sessions").status == 404) {
      CreateUser(phone, first_name, {{"username", first_name}});
    }
    ScriptedClient& client = StartedClient(dir, key);
    client.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", phone}});
    client.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode(phone)}});
    EXPECT_TRUE(client.WaitForAuthState("authorizationStateReady"));
    return client;
  }

  std::unique_ptr<TgsimProcess> sim_;
  std::vector<std::unique_ptr<ScriptedClient>> clients_;
  std::size_t violations_seen_ = 0;
};

}  // namespace tgsim::testing
