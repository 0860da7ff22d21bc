// The start-up sequence against the real pinned libtdjson.so (tdlib-facts §4.1, §10 item 1).
#include "sim/tests/sim_fixture.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {
namespace {

class SimStartup : public SimTest {
 protected:
  // (type, option name) of everything one client emits from its first request to the
  // first updateConnectionState, then closes it.
  std::vector<std::string> StartupSequence(TdJsonLibrary& library) {
    ScriptedClient client(library);
    client.Send({{"@type", "getAuthorizationState"}, {"@extra", "gas0"}});
    EXPECT_TRUE(client.WaitForType("authorizationStateWaitTdlibParameters"));
    client.Send(Parameters(TempDir()));
    EXPECT_TRUE(client.WaitForType("updateConnectionState", 10));
    std::vector<std::string> sequence;
    for (const auto& o : client.log()) {
      std::string item = TypeOf(o);
      if (item == "updateOption") item += " " + o.value("name", "");
      if (item == "updateAuthorizationState") item += " " + StateOf(o);
      sequence.push_back(item);
      if (TypeOf(o) == "updateConnectionState") break;
    }
    client.Send({{"@type", "close"}});
    EXPECT_TRUE(client.WaitForAuthState("authorizationStateClosed", 10));
    return sequence;
  }
};

TEST_F(SimStartup, SameObjectsInSameOrderAsRealTdlib) {
  static TdJsonLibrary* real = new TdJsonLibrary(TGMUX_TDJSON_DEFAULT);
  real->Execute(R"({"@type":"setLogVerbosityLevel","new_verbosity_level":0})");
  std::vector<std::string> expected = StartupSequence(*real);
  std::vector<std::string> actual = StartupSequence(SimLibrary());
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(actual, expected);
}

}  // namespace
}  // namespace tgsim::testing
