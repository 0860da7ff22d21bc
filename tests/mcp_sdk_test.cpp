// End-to-end with a real MCP client: the official TypeScript SDK
// (@modelcontextprotocol/sdk, installed into tests/mcp_client by
// scripts/install-deps) runs tests/mcp_client/sdk_flow.mjs in node against
// tgmux on tgsim: it connects over Streamable HTTP, lists the tools, reads and
// searches a message Bob sends, replies as Ann, and checks in tgsim that the
// reply arrived once, also when retried.
#include <filesystem>

#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kClientDir = std::filesystem::path(TGMUX_SOURCE_DIR) / "tests" / "mcp_client";
constexpr const char* kAnn = "+15557501122";
constexpr const char* kBob = "+15557503344";

class McpSdkTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_MCP_CALLS_PER_MINUTE", "1000000"}});  // the script polls get_unread
    CreateUser(kAnn, "Ann");
    CreateUser(kBob, "Bob");
    account_ = Link(kAnn)["id"];
  }

  std::string account_;
};

TEST_F(McpSdkTest, OfficialSdkReadsSearchesAndRepliesAsTheUser) {
  ASSERT_TRUE(std::filesystem::exists(kClientDir / "node_modules" / "@modelcontextprotocol" / "sdk"))
      << "run scripts/install-deps (npm ci in tests/mcp_client)";
  auto key = http().Post("/v1/api-keys", {{"name", "assistant"}});
  ASSERT_EQ(key.status, 201) << key.body;
  const auto deadline = 60s;
  Env env = {{"TGMUX_URL", "http://127.0.0.1:" + std::to_string(gateway_->port())},
             {"TGMUX_TOKEN", key.Json()["key"]},
             {"TGSIM_URL", "http://" + sim_->address() + "/control"},
             {"ACCOUNT", account_},
             {"ANN", kAnn},
             {"BOB", kBob},
             {"DEADLINE_MS", std::to_string(std::chrono::milliseconds(deadline - 10s).count())}};
  std::filesystem::path logs = dir_.path() / "mcp_client";
  std::filesystem::create_directories(logs);
  Process node({tgmux::build_paths::kNode, (kClientDir / "sdk_flow.mjs").string()}, env, logs);
  int status = node.Wait(deadline);
  if (status == -1) {
    status = node.Stop(SIGTERM, 10s);
    ADD_FAILURE() << "sdk_flow.mjs did not finish within " << deadline.count() << " s";
  }
  EXPECT_EQ(status, 0) << "--- stdout\n" << node.Stdout() << "--- stderr\n" << node.Stderr();
  EXPECT_NE(node.Stdout().find("ok"), std::string::npos) << node.Stdout();

  // The calls are in the audit log, under the key, without the messages' text.
  auto audit = http().Get("/v1/audit?limit=100");
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("mcp_tool_call"), std::string::npos);
  EXPECT_EQ(audit.body.find("quarterly demo"), std::string::npos);
  EXPECT_EQ(audit.body.find("see you at 3"), std::string::npos);
}

}  // namespace
}  // namespace tgmux::testing
