// tgsim --state FILE: the cloud survives a restart of tgsim.
#include <filesystem>

#include "sim/tests/sim_fixture.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {
namespace {

class SimStateFile : public SimTest {};

TEST_F(SimStateFile, UsersSessionsAndMessagesSurviveARestart) {
  std::string state = TempDir() + "/cloud.json";
  auto first = std::make_unique<TgsimProcess>(TGSIM_BINARY, std::vector<std::string>{"--state", state});
  ASSERT_EQ(first->Control("POST", "/users", {{"phone", "+15550801"}, {"first_name", "Pat"}}).status, 201);
  ASSERT_EQ(first->Control("POST", "/users", {{"phone", "+15550802"}, {"first_name", "Lee"}}).status, 201);
  ASSERT_EQ(first->Control("POST", "/messages", {{"from", "+15550802"}, {"to", "+15550801"}, {"text", "kept"}}).status, 201);
  first.reset();  // SIGTERM saves the state
  TgsimProcess second(TGSIM_BINARY, {"--state", state});
  auto messages = second.Control("GET", "/users/+15550801/messages?with=%2B15550802");
  ASSERT_EQ(messages.status, 200);
  ASSERT_EQ(messages.body["messages"].size(), 1u);
  EXPECT_EQ(messages.body["messages"][0]["text"], "kept");
  // Ids keep counting from where they were: no user id is handed out twice.
  auto third = second.Control("POST", "/users", {{"phone", "+15550803"}, {"first_name", "New"}});
  EXPECT_GT(third.body["user_id"].get<std::int64_t>(), 5000002);
}

TEST_F(SimStateFile, ChannelsAndPrivacySurviveARestart) {
  std::string state = TempDir() + "/cloud.json";
  auto first = std::make_unique<TgsimProcess>(TGSIM_BINARY, std::vector<std::string>{"--state", state});
  ASSERT_EQ(first->Control("POST", "/users", {{"phone", "+15550811"}, {"first_name", "Pat"}}).status, 201);
  ASSERT_EQ(first->Control("POST", "/users", {{"phone", "+15550812"}, {"first_name", "Lee"}}).status, 201);
  auto channel = first->Control("POST", "/channels", {{"title", "Kept"}, {"username", "kept"}, {"owner", "+15550811"},
                                                      {"subscribers", {"+15550812"}}});
  ASSERT_EQ(channel.status, 201);
  ASSERT_EQ(first->Control("POST", "/channels/@kept/posts", {{"from", "+15550811"}, {"text", "one"}}).status, 201);
  ASSERT_EQ(first->Control("POST", "/users/+15550812/privacy", {{"messages", "contacts"}}).status, 200);
  first.reset();
  TgsimProcess second(TGSIM_BINARY, {"--state", state});
  // Still a channel: the subscriber may not post, the owner may; still contacts-only.
  EXPECT_EQ(second.Control("POST", "/channels/@kept/posts", {{"from", "+15550812"}, {"text", "x"}}).status, 403);
  EXPECT_EQ(second.Control("POST", "/channels/@kept/posts", {{"from", "+15550811"}, {"text", "two"}}).status, 201);
  EXPECT_EQ(second.Control("POST", "/messages", {{"from", "+15550811"}, {"to", "+15550812"}, {"text", "x"}}).status, 403);
}

}  // namespace
}  // namespace tgsim::testing
