// While gap recovery reads an account's older messages back, its live
// messages wait: each chat's messages reach the event log in the order they
// were sent, whatever order TDLib and the read-back report them in. Chats
// recovery does not read go at once. In process, with the real event writer.
#include <gtest/gtest.h>

#include "service/services.h"
#include "tests/support/in_process.h"

namespace tgmux::service {
namespace {

class LiveHold : public ::testing::Test {
 protected:
  void SetUp() override {
    // A small buffer: it bounds only what waits for an unreachable store.
    infra_ = testing::InProcessInfrastructure(dir_, [](config::Config& c) { c.event_buffer = 100; });
    infra_->store().InsertAccount(testing::StoredAccount("acc_1", 1));
    MessageShapes shapes;
    shapes.message = [](const telegram::Message& m) {
      return nlohmann::json{{"chat_id", m.chat_id}, {"message_id", m.message_id}};
    };
    services_ = std::make_unique<Services>(*infra_, shapes);
  }
  void TearDown() override { services_.reset(); }

  static telegram::Message Message(std::int64_t chat, std::int64_t id) {
    telegram::Message m;
    m.chat_id = chat;
    m.message_id = id;
    m.chat_type = telegram::ChatType::kPrivate;
    return m;
  }
  // The log's received messages as "chat:id", oldest first.
  std::vector<std::string> Log() {
    services_->events.Flush();
    std::vector<std::string> out;
    for (const auto& e : services_->events.Read({"default", 0, 500, {"message.received"}, {}})) {
      const auto& m = e["data"]["message"];
      out.push_back(std::to_string(m["chat_id"].get<std::int64_t>()) + ":" +
                    std::to_string(m["message_id"].get<std::int64_t>()));
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Infrastructure> infra_;
  std::unique_ptr<Services> services_;
};

TEST_F(LiveHold, LiveMessagesOfAChatBeingReadBackFollowTheRecoveredOnes) {
  auto& events = services_->events;
  events.HoldLive("acc_1");
  events.Received("acc_1", Message(10, 9));  // live, while recovery lists chats
  events.Received("acc_1", Message(20, 5));  // a chat with nothing to read back
  EXPECT_TRUE(Log().empty()) << "nothing goes while every chat is held";

  events.NarrowHold("acc_1", {10});
  EXPECT_EQ(Log(), std::vector<std::string>{"20:5"}) << "a chat recovery does not read goes at once";

  events.Received("acc_1", Message(10, 10));
  events.Received("acc_1", Message(10, 4));  // TDLib reports one of the missed ones too
  for (int id = 3; id <= 8; ++id) events.Recovered("acc_1", Message(10, id));
  events.ReleaseChat("acc_1", 10);
  EXPECT_EQ(Log(), (std::vector<std::string>{"20:5", "10:3", "10:4", "10:5", "10:6", "10:7", "10:8", "10:9",
                                              "10:10"}))
      << "read back first, then live in arrival order, each once";

  events.Received("acc_1", Message(10, 11));
  EXPECT_EQ(Log().back(), "10:11") << "a released chat's messages go at once";
}

TEST_F(LiveHold, ReleasingTheAccountLetsEverythingHeldGoInOrder) {
  auto& events = services_->events;
  events.HoldLive("acc_1");
  events.Received("acc_1", Message(10, 2));
  events.Received("acc_1", Message(30, 7));
  events.Received("acc_1", Message(10, 3));
  events.ReleaseLive("acc_1");
  EXPECT_EQ(Log(), (std::vector<std::string>{"10:2", "30:7", "10:3"}));
  events.Received("acc_1", Message(30, 8));
  EXPECT_EQ(Log().size(), 4u) << "no hold is left behind";
}

TEST_F(LiveHold, MoreThanTheBufferAtOnceIsKeptWhileTheStoreIsThere) {
  // Gap recovery can hand over more than TGMUX_EVENT_BUFFER at once (here 250
  // held messages released together, then one more): none is dropped.
  auto& events = services_->events;
  events.HoldLive("acc_1");
  for (int id = 1; id <= 250; ++id) events.Received("acc_1", Message(10, id));
  events.ReleaseLive("acc_1");
  events.Recovered("acc_1", Message(10, 251));
  auto log = Log();
  ASSERT_EQ(log.size(), 251u);
  EXPECT_EQ(log.back(), "10:251");
}

}  // namespace
}  // namespace tgmux::service
