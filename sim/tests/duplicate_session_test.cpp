// One authorization used from two places: a copy of a database directory opened while
// the original's client still runs (tdlib-facts §5.9 last bullet, §9). The server
// destroys the auth key, so both clients are logged out, and the control API lists it.
#include <filesystem>

#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

using Strings = std::vector<std::string>;

class SimDuplicateSession : public SimTest {
 protected:
  // A copy of the directory as it is now, made the way a node restores one.
  std::string CopyOf(const std::string& dir) {
    std::string copy = TempDir();
    std::filesystem::copy(dir, copy, std::filesystem::copy_options::recursive |
                                         std::filesystem::copy_options::overwrite_existing);
    return copy;
  }
  json Duplicates() {
    auto result = sim_->Control("GET", "/sessions/duplicates");
    EXPECT_EQ(result.status, 200) << result.body.dump();
    return result.body["items"];
  }
  void Close(ScriptedClient& client) {
    client.RequestOk({{"@type", "close"}});
    ASSERT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
  }
};

TEST_F(SimDuplicateSession, OlderClientUsingACopiedSessionLogsBothOut) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550601", "Twin", dir);
  std::int64_t user_id = first.RequestOk({{"@type", "getMe"}})["id"].get<std::int64_t>();
  std::string copy = CopyOf(dir);
  ScriptedClient& second = NewClient();
  second.RequestOk(Parameters(copy));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateReady"));
  // The newer client is the session's user now: its own requests are fine.
  EXPECT_EQ(second.RequestOk({{"@type", "getMe"}})["id"], user_id);
  EXPECT_TRUE(Duplicates().empty());

  first.Send({{"@type", "getMe"}, {"@extra", "older"}});
  auto reply = first.WaitFor([](const json& o) { return o.value("@extra", "") == "older"; });
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], 401);
  EXPECT_EQ((*reply)["message"], "Unauthorized");
  ASSERT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateClosed"));
  const Strings logged_out{"authorizationStateLoggingOut", "authorizationStateClosed"};
  EXPECT_EQ(Tail(AuthStates(first), 2), logged_out);
  EXPECT_EQ(Tail(AuthStates(second), 2), logged_out);
  EXPECT_FALSE(std::filesystem::exists(dir + "/td.binlog"));
  EXPECT_FALSE(std::filesystem::exists(copy + "/td.binlog"));
  EXPECT_TRUE(sim_->Control("GET", "/users/+15550601/sessions").body["sessions"].empty());

  json items = Duplicates();
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["user_id"], user_id);
  EXPECT_EQ(items[0]["phone"], "+15550601");
  EXPECT_EQ(items[0]["request"], "getMe");
  EXPECT_GT(items[0]["at"].get<std::int64_t>(), 0);
  EXPECT_EQ(items[0]["client_id"], first.id());
}

TEST_F(SimDuplicateSession, WhileOfflineTheServerNoticesWhenTheNetworkIsBack) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550604", "Offline", dir);
  ScriptedClient& second = NewClient();
  second.RequestOk(Parameters(CopyOf(dir)));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateReady"));
  ASSERT_EQ(sim_->Control("POST", "/network", {{"up", false}}).status, 204);
  first.Send({{"@type", "getContacts"}, {"@extra", "offline"}});
  // A local request answered after it shows tgsim has taken it: nothing reached the
  // server, so it is unanswered and nothing is recorded.
  EXPECT_EQ(TypeOf(first.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateReady");
  for (const auto& o : first.log()) EXPECT_NE(o.value("@extra", ""), "offline");
  EXPECT_TRUE(Duplicates().empty());
  ASSERT_EQ(sim_->Control("POST", "/network", {{"up", true}}).status, 204);
  auto reply = first.WaitFor([](const json& o) { return o.value("@extra", "") == "offline"; });
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["message"], "Unauthorized");
  EXPECT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  EXPECT_TRUE(second.WaitForAuthState("authorizationStateClosed"));
  json items = Duplicates();
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["request"], "getContacts");
}

TEST_F(SimDuplicateSession, CopyOpenedAfterTheFirstClientClosedWorks) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550602", "Mover", dir);
  std::string copy = CopyOf(dir);
  Close(first);
  ScriptedClient& second = NewClient();
  second.RequestOk(Parameters(copy));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateReady"));
  EXPECT_EQ(second.RequestOk({{"@type", "getMe"}})["first_name"], "Mover");
  second.RequestOk({{"@type", "getContacts"}});
  EXPECT_EQ(TypeOf(second.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateReady");
  EXPECT_TRUE(Duplicates().empty());
  EXPECT_EQ(sim_->Control("GET", "/users/+15550602/sessions").body["sessions"].size(), 1u);
}

TEST_F(SimDuplicateSession, CloseAndReopenOfTheSameDirectoryIsNoDuplicate) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550603", "Again", dir);
  first.RequestOk({{"@type", "getMe"}});
  Close(first);
  for (int round = 0; round < 2; ++round) {
    ScriptedClient& next = NewClient();
    next.RequestOk(Parameters(dir));
    ASSERT_TRUE(next.WaitForAuthState("authorizationStateReady"));
    EXPECT_EQ(next.RequestOk({{"@type", "getMe"}})["first_name"], "Again");
    Close(next);
  }
  EXPECT_TRUE(Duplicates().empty());
  EXPECT_TRUE(std::filesystem::exists(dir + "/td.binlog"));
}

}  // namespace
}  // namespace tgsim::testing
