// Several gateway processes share one tgsim: a second copy of the library file gets its
// own globals (ids, queue, connection), like a second process would.
#include <filesystem>

#include "sim/tests/sim_fixture.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {
namespace {

class SimShared : public SimTest {};

TEST_F(SimShared, TwoLibraryInstancesShareOneCloud) {
  auto copy = std::filesystem::temp_directory_path() / ("libtdjson_sim_copy_" + std::to_string(::getpid()) + ".so");
  std::filesystem::copy_file(TDJSON_SIM_LIBRARY, copy, std::filesystem::copy_options::overwrite_existing);
  static TdJsonLibrary* other_process = new TdJsonLibrary(copy.string());
  std::filesystem::remove(copy);  // mapped already
  ScriptedClient& alice = LoggedIn("+15550701", "ann");
  CreateUser("+15550702", "ben", {{"username", "ben"}});
  ScriptedClient ben(*other_process);
  ben.RequestOk(Parameters(TempDir()));
  ben.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550702"}});
  ben.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550702")}});
  ASSERT_TRUE(ben.WaitForAuthState("authorizationStateReady"));
  std::int64_t ben_id = alice.RequestOk({{"@type", "searchPublicChat"}, {"username", "ben"}})["id"];
  alice.RequestOk({{"@type", "sendMessage"}, {"chat_id", ben_id},
                   {"input_message_content", {{"@type", "inputMessageText"},
                                              {"text", {{"@type", "formattedText"}, {"text", "across"}}}}}});
  auto received = ben.WaitForType("updateNewMessage");
  ASSERT_TRUE(received);
  EXPECT_EQ((*received)["message"]["content"]["text"]["text"], "across");
  ben.RequestOk({{"@type", "close"}});
  ben.WaitForAuthState("authorizationStateClosed");
  for (const auto& violation : other_process->violations()) ADD_FAILURE() << violation;
}

}  // namespace
}  // namespace tgsim::testing
