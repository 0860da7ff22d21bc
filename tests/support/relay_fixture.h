// The world of the relay's end-to-end tests (tests/relay_test.cpp,
// tests/relay_load_test.cpp): a real tgmux and tgsim, the desk bot with the
// `relay` feature, Ivan's account relayed into the team's forum supergroup,
// customers, an operator and an anonymous administrator; helpers that write
// as them and read the group and the customers' chats.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {

using nlohmann::json;

inline constexpr const char* kIvan = "+15550004001";  // the employee whose account is relayed
inline constexpr const char* kAnna = "+15550004002";  // a customer, with a username
inline constexpr const char* kOlga = "+15550004003";  // an operator in the work group
inline constexpr const char* kBoris = "+15550004004"; // another customer
inline constexpr const char* kVera = "+15550004005";  // an anonymous administrator of the work group

class RelayTest : public LinkedGatewayTest {
 protected:
  // The world: the desk bot, the people, Ivan linked, and the work group.
  // `forum`: a supergroup with topics; `admin`: the bot is an administrator
  // who may manage topics.
  void SetUpWorld(bool forum = true, bool admin = true, bool reactions = true, Env env = {}) {
    env_ = env;
    StartGateway(env);
    auto made = Control("POST", "/bots", {{"username", "desk_bot"}, {"first_name", "Desk"}});
    ASSERT_EQ(made.status, 201);
    auto bot = http().Post("/v1/bots", {{"token", made.body["token"]}, {"features", {"relay"}}});
    ASSERT_EQ(bot.status, 201) << bot.body;
    bot_id_ = bot.Json()["id"];
    CreateUser(kIvan, "Ivan");
    anna_user_id_ = CreateUser(kAnna, "Anna", {{"last_name", "Petrova"}, {"username", "anna"}})["user_id"];
    olga_user_id_ = CreateUser(kOlga, "Olga")["user_id"];
    CreateUser(kBoris, "Boris");
    CreateUser(kVera, "Vera");
    group_id_ = MakeGroup("Support desk", forum, admin, reactions);
    ivan_id_ = Link(kIvan)["id"];
    ASSERT_TRUE(WaitUntil([&] { return http().Get("/v1/bots/" + bot_id_).Json().value("status", "") == "active"; },
                          std::chrono::seconds(10)));
  }
  std::int64_t MakeGroup(const std::string& title, bool forum, bool admin, bool reactions = true) {
    json body = {{"title", title}, {"kind", "supergroup"}, {"members", {kOlga, "@desk_bot", kVera}}};
    if (forum) body["forum"] = true;
    if (!reactions) body["reactions"] = false;
    auto group = Control("POST", "/groups", body);
    EXPECT_EQ(group.status, 201) << group.body;
    std::int64_t id = group.body.value("chat_id", std::int64_t{0});
    if (admin) {
      auto promoted = Control("POST", "/groups/" + std::to_string(id) + "/admins",
                              {{"member", "@desk_bot"}, {"rights", {{"can_manage_topics", true}}}});
      EXPECT_EQ(promoted.status / 100, 2) << promoted.body;
    }
    auto anonymous = Control("POST", "/groups/" + std::to_string(id) + "/admins",
                             {{"member", kVera}, {"rights", json::object()}, {"is_anonymous", true}});
    EXPECT_EQ(anonymous.status / 100, 2) << anonymous.body;
    return id;
  }
  HttpResponse PutRelay(const json& body) {
    return http().Request("PUT", "/v1/accounts/" + ivan_id_ + "/relay", body.dump());
  }
  void StartRelay(const std::string& mode = "topics") {
    auto put = PutRelay({{"bot_id", bot_id_}, {"group_chat_id", group_id_}, {"mode", mode}});
    ASSERT_EQ(put.status, 200) << put.body;
  }
  // `from` writes to Ivan in private.
  std::int64_t Writes(const std::string& from, const std::string& text) {
    auto sent = Control("POST", "/messages", {{"from", from}, {"to", kIvan}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body;
    return sent.body.value("message_id", std::int64_t{0});
  }
  json Topics() { return Control("GET", "/groups/" + std::to_string(group_id_) + "/topics").body["topics"]; }
  // The group's messages as Olga sees them (of one topic when topic_id != 0).
  json GroupMessages(std::int64_t topic_id = 0) {
    std::string path = "/groups/" + std::to_string(group_id_) + "/messages?as=" + std::string(kOlga);
    if (topic_id != 0) path += "&topic_id=" + std::to_string(topic_id);
    return Control("GET", path).body.value("messages", json::array());
  }
  // The bot's posts holding `needle`.
  int Posts(const std::string& needle, std::int64_t topic_id = 0) {
    int n = 0;
    for (const auto& m : GroupMessages(topic_id)) {
      n += m.value("from", "") == "@desk_bot" && m.value("text", "").find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
  }
  bool Mirrored(const std::string& needle, std::int64_t topic_id = 0) {
    return WaitUntil([&] { return Posts(needle, topic_id) > 0; }, std::chrono::seconds(15));
  }
  json TopicNamed(const std::string& part) {
    json found;
    WaitUntil([&] {
      for (const auto& topic : Topics()) {
        if (topic.value("name", "").find(part) != std::string::npos) found = topic;
      }
      return !found.is_null();
    }, std::chrono::seconds(15));
    return found;
  }
  // Olga posts into a topic (as a reply when reply_to != 0); the message id.
  std::int64_t OlgaPosts(const std::string& text, std::int64_t topic_id, std::int64_t reply_to = 0,
                         const std::string& from = kOlga, bool as_chat = false) {
    json body = {{"from", from}, {"to", group_id_}, {"text", text}};
    if (as_chat) body["as_chat"] = true;
    if (topic_id != 0) body["topic_id"] = topic_id;
    if (reply_to != 0) body["reply_to_message_id"] = reply_to;
    auto sent = Control("POST", "/messages", body);
    EXPECT_EQ(sent.status, 201) << sent.body;
    return sent.body.value("message_id", std::int64_t{0});
  }
  // Private messages `to` got from `from` with exactly this text.
  int Got(const std::string& to, const std::string& from, const std::string& text) {
    auto chat = Control("GET", "/users/" + to + "/messages?with=" + from);
    int n = 0;
    for (const auto& m : chat.body.value("messages", json::array())) {
      n += m.value("text", "") == text && m.value("from", "") == from ? 1 : 0;
    }
    return n;
  }
  int FromIvan(const std::string& customer, const std::string& text) { return Got(customer, kIvan, text); }
  json GroupMessage(std::int64_t message_id) {
    for (const auto& m : GroupMessages()) {
      if (m.value("message_id", std::int64_t{0}) == message_id) return m;
    }
    return nullptr;
  }
  bool Reacted(std::int64_t message_id) {
    return WaitUntil([&] {
      json m = GroupMessage(message_id);
      return !m.is_null() && !m.value("reactions", json::array()).empty();
    }, std::chrono::seconds(15));
  }

  // Every bot post of a topic, one after another.
  std::string TopicText(std::int64_t topic_id) {
    std::string all;
    for (const auto& m : GroupMessages(topic_id)) {
      if (m.value("from", "") == "@desk_bot") all += m.value("text", "") + "\n";
    }
    return all;
  }
  // Each of `texts` once in `all`, in this order.
  static ::testing::AssertionResult OnceInOrder(const std::string& all, const std::vector<std::string>& texts) {
    std::size_t at = 0;
    for (const auto& text : texts) {
      auto found = all.find(text, at);
      if (found == std::string::npos) return ::testing::AssertionFailure() << text << " missing or out of order";
      if (all.find(text, found + 1) != std::string::npos) return ::testing::AssertionFailure() << text << " twice";
      at = found + 1;
    }
    return ::testing::AssertionSuccess();
  }
  // No group limit on either side: tests about many posts take seconds.
  static Env Unpaced() { return {{"TGMUX_BOT_GROUP_PER_MINUTE", "100000"}}; }
  void UnpacedSim() {
    auto limits = Control("POST", "/limits", {{"bot_group_per_minute", 0}});
    ASSERT_EQ(limits.status, 200) << limits.body;
  }

  Env env_;
  std::string bot_id_, ivan_id_;
  std::int64_t group_id_ = 0, anna_user_id_ = 0, olga_user_id_ = 0;
};

}  // namespace tgmux::testing
