// A big group: 200 members and 1,000 messages posted through the control API by many
// of them. Running clients get each one as an update, in order; members' boxes hold them.
#include <string>
#include <utility>

#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

constexpr int kMembers = 200;
constexpr int kMessages = 1000;
constexpr int kClients = 4;     // members with a running app get every message as updates
constexpr int kSampleStep = 10;  // of the others, every tenth member's box is read back

std::string Phone(int i) { return "+1555300" + std::to_string(1000 + i); }

class SimBigGroup : public SimTest {};

TEST_F(SimBigGroup, EveryMemberGetsEveryMessage) {
  std::vector<ScriptedClient*> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(&LoggedIn(Phone(i), "member" + std::to_string(i)));
  json members = json::array();
  for (int i = 0; i < kMembers; ++i) {
    if (i >= kClients) CreateUser(Phone(i), "member" + std::to_string(i));
    members.push_back(Phone(i));
  }
  // Basic groups (at most 200 members in Telegram) give each member a copy with an id of
  // their own, so a shorter run suffices there.
  for (auto [kind, count] : {std::pair{"supergroup", kMessages}, std::pair{"basic", kMessages / 10}}) {
    auto group = sim_->Control("POST", "/groups", {{"title", std::string("Crowd ") + kind}, {"kind", kind},
                                                   {"members", members}});
    ASSERT_EQ(group.status, 201) << group.body.dump();
    std::int64_t chat_id = group.body["chat_id"];
    for (int n = 0; n < count; ++n) {
      auto sent = sim_->Control("POST", "/messages", {{"from", Phone((n * 7) % kMembers)}, {"to", chat_id},
                                                      {"text", "message " + std::to_string(n)}});
      ASSERT_EQ(sent.status, 201) << sent.body.dump();
    }
    for (ScriptedClient* client : clients) {
      int seen = 0;
      std::string last;
      auto all = client->WaitFor([&](const json& o) {
        if (TypeOf(o) != "updateNewMessage" || o["message"]["chat_id"] != chat_id) return false;
        last = o["message"]["content"]["text"]["text"];
        return ++seen == count;
      }, 60);
      EXPECT_TRUE(all) << kind << ": " << seen << " of " << count;
      EXPECT_EQ(last, "message " + std::to_string(count - 1));  // in order
    }
    for (int i = 0; i < kMembers; i += kSampleStep) {  // reading a box of 1,000 is costly in Debug
      auto box = sim_->Control("GET", "/users/" + Phone(i) + "/messages?with=" + std::to_string(chat_id));
      ASSERT_EQ(box.status, 200);
      EXPECT_EQ(box.body["messages"].size(), static_cast<std::size_t>(count)) << Phone(i);
    }
  }
}

}  // namespace
}  // namespace tgsim::testing
