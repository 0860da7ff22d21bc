// What Telegram does to a user account as a whole, as TDLib 1.8.65 shows it: the send
// rate limit (FLOOD_WAIT through NetQueryDelayer: silent below 60 s, 429 beyond), the
// deletion of an account (userTypeDeleted, "Have no write access to the chat",
// canSendMessageToUserResultUserIsDeleted, a new registration for the number) and bans
// (LoggingOut → Closed; with visible_error the request that meets the ban fails with
// 401 USER_DEACTIVATED_BAN).
#include <chrono>
#include <fstream>

#include "sim/tests/sim_fixture.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {
namespace {

class SimAccountLimits : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    alice_ = &LoggedIn("+15550931", "alice");
    bob_ = &LoggedIn("+15550932", "bob");
    bob_id_ = bob_->RequestOk({{"@type", "getMe"}})["id"];
    alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "bob"}});
  }

  // The final word on a message alice sends to bob: updateMessageSendSucceeded or Failed.
  json SendAndSettle(const json& content, double timeout = 5) {
    json pending = alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", bob_id_}, {"input_message_content", content}});
    auto done = alice_->WaitFor([&](const json& o) {
      return (TypeOf(o) == "updateMessageSendSucceeded" || TypeOf(o) == "updateMessageSendFailed") &&
             o["old_message_id"] == pending["id"];
    }, timeout);
    return done ? *done : json();
  }

  bool BobReceives(const std::string& text, double timeout = 5) {
    return bob_->WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["text"]["text"] == text;
    }, timeout).has_value();
  }

  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t bob_id_ = 0;
};

TEST_F(SimAccountLimits, SendLimitIsOffByDefault) {
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(TypeOf(SendAndSettle(Text("quick " + std::to_string(i)))), "updateMessageSendSucceeded");
  }
  auto off = sim_->Control("POST", "/users/+15550931/send-limit", json::object());
  ASSERT_EQ(off.status, 200);
  EXPECT_EQ(off.body, (json{{"per_minute", 0.0}, {"burst", 0.0}}));
  EXPECT_EQ(sim_->Control("POST", "/users/+15550931/send-limit", {{"per_minute", -1}}).status, 400);
  EXPECT_EQ(sim_->Control("POST", "/users/+15550931/send-limit", {{"per_minute", "6"}}).status, 400);
  EXPECT_EQ(sim_->Control("POST", "/users/+15559999/send-limit", {{"per_minute", 6}}).status, 404);
}

TEST_F(SimAccountLimits, LongFloodWaitFailsTheFirstSendOverTheBucket) {
  auto on = sim_->Control("POST", "/users/+15550931/send-limit", {{"per_minute", 0.5}, {"burst", 2}});
  ASSERT_EQ(on.status, 200);
  EXPECT_EQ(on.body, (json{{"per_minute", 0.5}, {"burst", 2.0}}));
  EXPECT_EQ(TypeOf(SendAndSettle(Text("one"))), "updateMessageSendSucceeded");
  EXPECT_EQ(TypeOf(SendAndSettle(Text("two"))), "updateMessageSendSucceeded");
  // The bucket is empty now: the next message (a document too) waits 120 s, over the
  // 60 s TDLib resends by itself, so it fails with the last wait.
  std::string path = TempDir() + "/note.txt";
  std::ofstream(path) << "a note";
  json failed = SendAndSettle({{"@type", "inputMessageDocument"},
                               {"document", {{"@type", "inputDocument"}, {"document", {{"@type", "inputFileLocal"}, {"path", path}}}}}});
  ASSERT_EQ(TypeOf(failed), "updateMessageSendFailed") << failed.dump();
  EXPECT_EQ(failed["error"], (json{{"@type", "error"}, {"code", 429}, {"message", "Too Many Requests: retry after 120"}}));
  json state = failed["message"]["sending_state"];
  EXPECT_EQ(state["@type"], "messageSendingStateFailed");
  EXPECT_EQ(state["retry_after"], 120);
  EXPECT_TRUE(state["can_retry"]);
  // Per account: a message to someone else fails the same way.
  LoggedIn("+15550933", "carol");
  std::int64_t carol_id = alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "carol"}})["id"];
  json pending = alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", carol_id}, {"input_message_content", Text("hi carol")}});
  auto other = alice_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateMessageSendFailed" && o["old_message_id"] == pending["id"];
  });
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)["error"]["code"], 429);
  // Switched off, alice sends again at once.
  ASSERT_EQ(sim_->Control("POST", "/users/+15550931/send-limit", {{"per_minute", 0}}).status, 200);
  EXPECT_EQ(TypeOf(SendAndSettle(Text("free again"))), "updateMessageSendSucceeded");
  EXPECT_TRUE(BobReceives("free again"));
}

TEST_F(SimAccountLimits, ShortFloodWaitIsLatencyThenTheMessageGoes) {
  auto on = sim_->Control("POST", "/users/+15550931/send-limit", {{"per_minute", 60}, {"burst", 1}});
  ASSERT_EQ(on.status, 200);
  EXPECT_EQ(TypeOf(SendAndSettle(Text("first"))), "updateMessageSendSucceeded");
  auto start = std::chrono::steady_clock::now();
  json second = SendAndSettle(Text("second"));
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // FLOOD_WAIT_1: TDLib sleeps a second and resends; the app sees only the latency.
  EXPECT_EQ(TypeOf(second), "updateMessageSendSucceeded") << second.dump();
  EXPECT_GT(waited, 0.5);
  EXPECT_TRUE(BobReceives("second"));
}

TEST_F(SimAccountLimits, PeerFloodRefusesMediaButNotCanSendMessageToUser) {
  ASSERT_EQ(sim_->Control("POST", "/users/+15550931/peer-flood", {{"on", true}}).status, 200);
  std::string path = TempDir() + "/photo.txt";
  std::ofstream(path) << "not really a photo";
  json failed = SendAndSettle({{"@type", "inputMessageDocument"},
                               {"document", {{"@type", "inputDocument"}, {"document", {{"@type", "inputFileLocal"}, {"path", path}}}}}});
  ASSERT_EQ(TypeOf(failed), "updateMessageSendFailed") << failed.dump();
  EXPECT_EQ(failed["error"]["code"], 400);
  EXPECT_EQ(failed["error"]["message"], "PEER_FLOOD");
  // UserManager::can_send_message_to_user knows nothing of PEER_FLOOD.
  EXPECT_EQ(TypeOf(alice_->RequestOk({{"@type", "canSendMessageToUser"}, {"user_id", bob_id_}, {"only_local", false}})),
            "canSendMessageToUserResultOk");
}

TEST_F(SimAccountLimits, DeletedAccountShowsAsDeletedAndFreesTheNumber) {
  EXPECT_EQ(TypeOf(SendAndSettle(Text("before"))), "updateMessageSendSucceeded");
  alice_->RequestOk({{"@type", "importContacts"},
                     {"contacts", {{{"@type", "importedContact"}, {"phone_number", "+15550932"}, {"first_name", "Bobby"}}}}});
  ASSERT_EQ(sim_->Control("POST", "/users/+15550932/delete-account").status, 204);

  // Bob's own sessions end as for a revoke.
  ASSERT_TRUE(bob_->WaitForAuthState("authorizationStateClosed"));
  std::vector<std::string> states = AuthStates(*bob_);
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states[states.size() - 2], "authorizationStateLoggingOut");

  // Alice sees a deleted user: no names, phone, username or status, not a contact.
  auto update = alice_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateUser" && o["user"]["id"] == bob_id_ && TypeOf(o["user"]["type"]) == "userTypeDeleted";
  });
  ASSERT_TRUE(update);
  json user = (*update)["user"];
  EXPECT_EQ(user["first_name"], "");
  EXPECT_EQ(user["last_name"], "");
  EXPECT_EQ(user["phone_number"], "");
  EXPECT_FALSE(user.contains("usernames"));
  EXPECT_EQ(TypeOf(user["status"]), "userStatusEmpty");
  EXPECT_FALSE(user["is_contact"]);
  EXPECT_FALSE(user["is_mutual_contact"]);
  auto title = alice_->WaitFor([&](const json& o) { return TypeOf(o) == "updateChatTitle" && o["chat_id"] == bob_id_; });
  ASSERT_TRUE(title);
  EXPECT_EQ((*title)["title"], "");
  EXPECT_EQ(alice_->RequestOk({{"@type", "getUser"}, {"user_id", bob_id_}})["type"]["@type"], "userTypeDeleted");

  // No message can go to the deleted account.
  json refused = alice_->Request({{"@type", "sendMessage"}, {"chat_id", bob_id_}, {"input_message_content", Text("hello?")}})
                     .value_or(json());
  EXPECT_EQ(TypeOf(refused), "error");
  EXPECT_EQ(refused["code"], 400);
  EXPECT_EQ(refused["message"], "Have no write access to the chat");
  EXPECT_EQ(TypeOf(alice_->RequestOk({{"@type", "canSendMessageToUser"}, {"user_id", bob_id_}, {"only_local", false}})),
            "canSendMessageToUserResultUserIsDeleted");
  EXPECT_EQ(sim_->Control("GET", "/users/+15550932/sessions").status, 404);
  // What was said stays readable.
  json history = alice_->RequestOk({{"@type", "getChatHistory"}, {"chat_id", bob_id_}, {"limit", 10}});
  ASSERT_FALSE(history["messages"].empty());
  EXPECT_EQ(history["messages"][0]["content"]["text"]["text"], "before");

  // The number belongs to nobody now: a login registers a new account.
  ScriptedClient& again = StartedClient();
  again.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550932"}});
  again.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550932")}});
  ASSERT_TRUE(again.WaitForAuthState("authorizationStateWaitRegistration"));
  again.RequestOk({{"@type", "registerUser"}, {"first_name", "Robert"}});
  ASSERT_TRUE(again.WaitForAuthState("authorizationStateReady"));
  json me = again.RequestOk({{"@type", "getMe"}});
  EXPECT_NE(me["id"], bob_id_);
  EXPECT_EQ(me["first_name"], "Robert");
}

TEST_F(SimAccountLimits, BanEndsTheSessionWithoutAnError) {
  ASSERT_EQ(sim_->Control("POST", "/users/+15550932/ban").status, 204);
  ASSERT_TRUE(bob_->WaitForAuthState("authorizationStateClosed"));
  std::vector<std::string> states = AuthStates(*bob_);
  EXPECT_EQ(std::vector<std::string>(states.end() - 2, states.end()),
            (std::vector<std::string>{"authorizationStateLoggingOut", "authorizationStateClosed"}));
  for (const auto& o : bob_->log()) EXPECT_NE(TypeOf(o), "error") << o.dump();
  ScriptedClient& again = StartedClient();
  json refused = again.Request({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550932"}}).value_or(json());
  EXPECT_EQ(refused["message"], "PHONE_NUMBER_BANNED");
}

TEST_F(SimAccountLimits, VisibleBanFailsTheRequestThatMeetsIt) {
  ScriptedClient& bob2 = LoggedIn("+15550932", "bob");
  std::int64_t alice_id = bob2.RequestOk({{"@type", "searchPublicChat"}, {"username", "alice"}})["id"];
  EXPECT_EQ(sim_->Control("POST", "/users/+15550932/ban", {{"visible_error", "yes"}}).status, 400);
  ASSERT_EQ(sim_->Control("POST", "/users/+15550932/ban", {{"visible_error", true}}).status, 204);
  // Nothing happens until a client reaches the server; local answers still come.
  EXPECT_EQ(TypeOf(bob_->RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateReady");

  // A request: LoggingOut, then its error, then Closed.
  bob_->Send({{"@type", "searchPublicChat"}, {"username", "alice"}, {"@extra", "meets the ban"}});
  ASSERT_TRUE(bob_->WaitForAuthState("authorizationStateClosed"));
  std::vector<std::string> order;
  for (const auto& o : bob_->log()) {
    if (o.value("@extra", "") == "meets the ban") order.push_back("error " + o.value("message", ""));
    if (TypeOf(o) == "updateAuthorizationState") order.push_back(StateOf(o));
  }
  EXPECT_EQ(std::vector<std::string>(order.end() - 3, order.end()),
            (std::vector<std::string>{"authorizationStateLoggingOut", "error USER_DEACTIVATED_BAN",
                                      "authorizationStateClosed"}));

  // A message: LoggingOut, updateMessageSendFailed with 401 USER_DEACTIVATED_BAN, Closed.
  json pending = bob2.RequestOk({{"@type", "sendMessage"}, {"chat_id", alice_id}, {"input_message_content", Text("hi")}});
  ASSERT_TRUE(bob2.WaitForAuthState("authorizationStateClosed"));
  order.clear();
  for (const auto& o : bob2.log()) {
    if (TypeOf(o) == "updateMessageSendFailed" && o["old_message_id"] == pending["id"]) {
      order.push_back("failed " + std::to_string(o["error"]["code"].get<int>()) + " " +
                      o["error"]["message"].get<std::string>());
    }
    if (TypeOf(o) == "updateAuthorizationState") order.push_back(StateOf(o));
  }
  EXPECT_EQ(std::vector<std::string>(order.end() - 3, order.end()),
            (std::vector<std::string>{"authorizationStateLoggingOut", "failed 401 USER_DEACTIVATED_BAN",
                                      "authorizationStateClosed"}));
  EXPECT_FALSE(alice_->WaitFor([](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["text"]["text"] == "hi";
  }, 0.3));
}

TEST_F(SimAccountLimits, SettingsSurviveARestart) {
  std::string state = TempDir() + "/cloud.json";
  sim_ = std::make_unique<TgsimProcess>(TGSIM_BINARY, std::vector<std::string>{"--state", state});
  ::setenv("TDSIM_ADDR", sim_->address().c_str(), 1);
  CreateUser("+15550941", "Pat", {{"username", "pat"}});
  CreateUser("+15550942", "Lee", {{"username", "lee"}});
  CreateUser("+15550943", "Gone", {{"username", "gone"}});
  ASSERT_EQ(sim_->Control("POST", "/users/+15550941/send-limit", {{"per_minute", 0.5}, {"burst", 1}}).status, 200);
  ASSERT_EQ(sim_->Control("POST", "/users/+15550943/delete-account").status, 204);
  sim_.reset();  // SIGTERM saves the state
  sim_ = std::make_unique<TgsimProcess>(TGSIM_BINARY, std::vector<std::string>{"--state", state});
  ::setenv("TDSIM_ADDR", sim_->address().c_str(), 1);

  // The deleted account stays deleted: its number and username are free.
  EXPECT_EQ(sim_->Control("GET", "/users/+15550943/sessions").status, 404);
  EXPECT_EQ(sim_->Control("POST", "/users", {{"phone", "+15550943"}, {"first_name", "New"}, {"username", "gone"}}).status, 201);
  // The send limit still holds: the second message waits 120 s and fails.
  ScriptedClient& pat = LoggedIn("+15550941", "Pat");
  std::int64_t lee = pat.RequestOk({{"@type", "searchPublicChat"}, {"username", "lee"}})["id"];
  std::vector<std::string> outcomes;
  for (const char* text : {"one", "two"}) {
    json pending = pat.RequestOk({{"@type", "sendMessage"}, {"chat_id", lee}, {"input_message_content", Text(text)}});
    auto done = pat.WaitFor([&](const json& o) {
      return (TypeOf(o) == "updateMessageSendSucceeded" || TypeOf(o) == "updateMessageSendFailed") &&
             o["old_message_id"] == pending["id"];
    });
    outcomes.push_back(done ? TypeOf(*done) + " " + (*done).value("error", json::object()).value("message", "") : "none");
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"updateMessageSendSucceeded ",
                                                "updateMessageSendFailed Too Many Requests: retry after 120"}));
}

}  // namespace
}  // namespace tgsim::testing
