// Test fixture: a fresh tgsim per test, the simulator's libtdjson loaded like
// the real one, and AccountClients logged in through the control API.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "sim/testing/tgsim_process.h"
#include "telegram/account_client.h"
#include "telegram/callback_box.h"
#include "telegram/client_hub.h"
#include "tests/support/build_paths.h"

namespace tgmux::telegram::testing {

using namespace std::chrono_literals;

// One logged-in account and everything its callbacks reported.
struct SimAccount {
  SimAccount(ClientHub& hub) {
    AccountCallbacks callbacks;
    callbacks.on_auth_state = states.Callback();
    callbacks.on_new_message = messages.Callback();
    callbacks.on_message_edited = edits.Callback();
    callbacks.on_messages_deleted = [this](std::int64_t chat_id, const std::vector<std::int64_t>& ids) {
      deletions.Callback()({chat_id, ids});
    };
    callbacks.on_chat_read_inbox = [this](std::int64_t chat_id, std::int64_t last, int unread) {
      inbox.Callback()({chat_id, last, unread});
    };
    callbacks.on_chat_read_outbox = [this](std::int64_t chat_id, std::int64_t last) {
      outbox.Callback()({chat_id, last, 0});
    };
    callbacks.on_callback_query = queries.Callback();
    callbacks.on_closed = closes.Callback();
    client = std::make_unique<AccountClient>(hub, std::move(callbacks));
  }

  struct Read {
    std::int64_t chat_id, last_read;
    int unread;
  };

  // The first reported message with this text.
  std::optional<Message> WaitMessage(const std::string& text) {
    return messages.WaitFor([&](const Message& m) { return m.text.text == text; });
  }

  std::string phone;
  std::int64_t user_id = 0;
  CallbackBox<AuthState> states;
  CallbackBox<Message> messages;
  CallbackBox<MessageEdit> edits;
  CallbackBox<std::pair<std::int64_t, std::vector<std::int64_t>>> deletions;
  CallbackBox<Read> inbox, outbox;
  CallbackBox<CallbackQuery> queries;
  CallbackBox<ClosedReason> closes;
  std::unique_ptr<AccountClient> client;
};

// Blocks on a callback API: Await<T>([&](auto done) { client.Call(..., done); }).
template <class T, class Call>
Result<T> Await(Call call, std::chrono::milliseconds timeout = 15s) {
  CallbackBox<Result<T>> box;
  call(box.Callback());
  auto result = box.Wait(0, timeout);
  return result ? *result : Result<T>(Error(ErrorCode::kInternal, "the test timed out"));
}

class SimAccountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<tgsim::testing::TgsimProcess>(TGSIM_BINARY);
    // libtdjson_sim reads it when a client id is created.
    ::setenv("TDSIM_ADDR", sim_->address().c_str(), 1);
    hub_ = std::make_unique<ClientHub>(LoadTdJson(TDJSON_SIM_LIBRARY), 10s);
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("tgmux-sim-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }

  void TearDown() override {
    EXPECT_TRUE(hub_->CloseAll(20s));
    accounts_.clear();
    hub_.reset();
    sim_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A user created in the sim (with `username`) and logged in here.
  SimAccount& LoggedIn(const std::string& phone, const std::string& username) {
    auto created = sim_->Control("POST", "/users", {{"phone", phone}, {"first_name", username}, {"username", username}});
    EXPECT_EQ(created.status, 201) << created.body.dump();
    SimAccount& account = Started(username);
    account.phone = phone;
    account.user_id = created.body.value("user_id", std::int64_t{0});
    AccountClient& client = *account.client;
    EXPECT_TRUE((Await<Ok>([&](auto done) { client.SetPhoneNumber(phone, done); }).ok()));
    std::string code = sim_->Control("GET", "/users/" + phone + "/code").body.value("code", "");
    EXPECT_TRUE((Await<Ok>([&](auto done) { client.CheckCode(code, done); }).ok()));
    EXPECT_EQ(client.auth_state().kind, AuthState::Kind::kReady);
    return account;
  }

  // A bot created in the sim (POST /control/bots) and logged in here with its token.
  SimAccount& BotLoggedIn(const std::string& username) {
    auto created = sim_->Control("POST", "/bots", {{"username", username}, {"first_name", username}});
    EXPECT_EQ(created.status, 201) << created.body.dump();
    SimAccount& account = Started(username);
    account.user_id = created.body.value("user_id", std::int64_t{0});
    std::string token = created.body.value("token", "");
    AccountClient& client = *account.client;
    EXPECT_TRUE((Await<Ok>([&](auto done) { client.CheckBotToken(token, done); }).ok()));
    EXPECT_EQ(client.auth_state().kind, AuthState::Kind::kReady);
    return account;
  }

  // A new account's client, started in its own directory (named `name`).
  SimAccount& Started(const std::string& name) {
    accounts_.push_back(std::make_unique<SimAccount>(*hub_));
    SimAccount& account = *accounts_.back();
    TdParameters params;
    params.api_id = 94575;
    params.api_hash = "a3406de8d171bb422bb6ddf3bbd800e2";
    AccountClient& client = *account.client;
    std::string dir = (dir_ / name).string();
    EXPECT_TRUE((Await<Ok>([&](auto done) { client.Start(dir, std::string(32, 'k'), params, done); }).ok()));
    return account;
  }

  // What `phone` sees of its chat with `with` in the sim: [{message_id, text, is_read, ...}].
  nlohmann::json SimMessages(const std::string& phone, const std::string& with) {
    std::string target = "/users/" + phone + "/messages?with=" + (with[0] == '+' ? "%2B" + with.substr(1) : with);
    return sim_->Control("GET", target).body.value("messages", nlohmann::json::array());
  }

  std::unique_ptr<tgsim::testing::TgsimProcess> sim_;
  std::unique_ptr<ClientHub> hub_;
  std::vector<std::unique_ptr<SimAccount>> accounts_;
  std::filesystem::path dir_;
};

}  // namespace tgmux::telegram::testing
