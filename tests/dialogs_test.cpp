// End-to-end: tracked dialogs (docs/pools.md): opened for a pool or an
// account, messages attached both ways, statuses set by the caller, stopped
// dialogs refuse sends, and a dialog fails by itself when the person's
// privacy refuses strangers.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/support/pool_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class DialogsTest : public PoolsTest {
 protected:
  HttpResponse Open(const json& body) { return http().Request("POST", "/v1/dialogs", body.dump()); }
  json Dialog(const std::string& id) { return http().Get("/v1/dialogs/" + id).Json(); }
  // Waits until the dialog shows `count` messages; returns it.
  json DialogWith(const std::string& id, std::size_t count) {
    json dialog;
    EXPECT_TRUE(WaitUntil([&] {
      dialog = Dialog(id);
      return dialog["messages"]["items"].size() >= count;
    }, std::chrono::seconds(10))) << dialog;
    return dialog;
  }
  json Events(const std::string& types) { return http().Get("/v1/events?limit=100&types=" + types).Json()["items"]; }
  // The events of `types` once there are at least `count` (the event writer
  // stores them shortly after the change they tell of).
  json EventsOnce(const std::string& types, std::size_t count) {
    json events;
    EXPECT_TRUE(WaitUntil([&] { return (events = Events(types)).size() >= count; }, std::chrono::seconds(10)))
        << events;
    return events;
  }
};

TEST_F(DialogsTest, ADialogOpensWithItsFirstMessageAndCollectsTheConversation) {
  Pool({{"warmup_days", 0}}, 2);
  const std::string lead = "+15550010001";
  CreateUser(lead, "Lena");
  auto opened = Open({{"pool", "sales"}, {"to", lead}, {"text", "Hello Lena, a minute?"},
                      {"meta", {{"crm_id", 7}, {"note", "met-at-expo-4471"}}}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const json dialog = opened.Json();
  const std::string id = dialog["id"], account = dialog["account_id"];
  EXPECT_EQ(dialog["status"], "active");
  EXPECT_EQ(dialog["pool"], "sales");
  EXPECT_EQ(dialog["meta"]["crm_id"], 7);
  EXPECT_EQ(dialog["message"]["account_id"], account) << "the first message goes from the dialog's account";

  // Once the first message is out, Lena answers the account that wrote to her.
  DialogWith(id, 1);
  const std::string seller_phone = account == ids_[0] ? "+15550005001" : "+15550005002";
  ASSERT_EQ(Control("POST", "/messages", {{"from", lead}, {"to", seller_phone}, {"text", "Sure, tell me"}}).status, 201);
  json full = DialogWith(id, 2);
  const json& messages = full["messages"]["items"];
  ASSERT_EQ(messages.size(), 2u) << full;
  EXPECT_EQ(messages[0]["direction"], "in") << "newest first";
  EXPECT_EQ(messages[0]["message"]["text"], "Sure, tell me");
  EXPECT_EQ(messages[1]["direction"], "out");
  EXPECT_EQ(messages[1]["message"]["text"], "Hello Lena, a minute?");
  EXPECT_TRUE(full["last_message_at"].is_string());
  EXPECT_EQ(EventsOnce("dialog.message", 2).size(), 2u);

  // Its meta and messages are sealed on disk.
  for (const auto& file : std::filesystem::directory_iterator(data_dir_)) {
    if (file.path().filename().string().rfind("tgmux.db", 0) != 0) continue;
    std::ifstream in(file.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("met-at-expo-4471"), std::string::npos) << file.path();
    EXPECT_EQ(bytes.find("Sure, tell me"), std::string::npos) << file.path();
  }

  // Opening it again finds the same dialog; the pool keeps Lena on her account.
  auto again = Open({{"pool", "sales"}, {"to", lead}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["id"], id);
  EXPECT_EQ(SentBy(lead, "Here is the offer"), account);
  DialogWith(id, 3);

  // Paged: one message a page, older ones behind the cursor.
  auto page = http().Get("/v1/dialogs/" + id + "?limit=1").Json()["messages"];
  ASSERT_EQ(page["items"].size(), 1u);
  ASSERT_TRUE(page["next_cursor"].is_string()) << page;
  auto older = http().Get("/v1/dialogs/" + id + "?limit=1&cursor=" + page["next_cursor"].get<std::string>()).Json();
  EXPECT_EQ(older["messages"]["items"][0]["message"]["text"], "Sure, tell me");
}

TEST_F(DialogsTest, StatusesAreSetByTheCallerAndStoppedDialogsRefuseSends) {
  Pool({{"warmup_days", 0}}, 1);
  const std::string lead = "+15550011001";
  CreateUser(lead, "Mark", {{"username", "mark_lead"}});
  auto opened = Open({{"account_id", ids_[0]}, {"to", "@mark_lead"}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string id = opened.Json()["id"];
  EXPECT_TRUE(opened.Json()["message"].is_null());

  auto qualified = http().Request("PATCH", "/v1/dialogs/" + id, json{{"status", "qualified"}}.dump());
  ASSERT_EQ(qualified.status, 200) << qualified.body;
  EXPECT_EQ(qualified.Json()["status"], "qualified");
  auto listed = http().Get("/v1/dialogs?status=qualified").Json()["items"];
  ASSERT_EQ(listed.size(), 1u) << listed;
  EXPECT_EQ(listed[0]["id"], id);
  EXPECT_EQ(http().Get("/v1/dialogs?status=stopped").Json()["items"].size(), 0u);

  ASSERT_EQ(http().Request("PATCH", "/v1/dialogs/" + id, json{{"status", "stopped"}}.dump()).status, 200);
  // Through the account, by any name of the person, and through the pool: refused.
  for (const std::string& to : {std::string("@mark_lead"), std::string("@Mark_Lead"),
                                std::to_string(Dialog(id)["peer_chat_id"].get<std::int64_t>())}) {
    auto refused = http().Request("POST", "/v1/accounts/" + ids_[0] + "/messages", json{{"to", to}, {"text", "hi"}}.dump());
    EXPECT_EQ(refused.status, 409) << to << " " << refused.body;
    EXPECT_EQ(refused.Json()["dialog_id"], id) << refused.body;
  }
  EXPECT_EQ(PoolSend("@mark_lead", "hi").status, 409);
  EXPECT_EQ(Open({{"account_id", ids_[0]}, {"to", "@mark_lead"}, {"text", "hi"}}).status, 409);

  auto statuses = EventsOnce("dialog.status", 3);
  ASSERT_GE(statuses.size(), 3u) << statuses;
  EXPECT_EQ(statuses.back()["data"]["status"], "stopped");
  EXPECT_EQ(statuses.back()["data"]["previous"], "qualified");

  ASSERT_EQ(http().Request("PATCH", "/v1/dialogs/" + id, json{{"status", "active"}}.dump()).status, 200);
  EXPECT_EQ(SentBy("@mark_lead", "Back in touch"), ids_[0]);
}

TEST_F(DialogsTest, ADialogFailsWhenThePersonsPrivacyRefusesStrangers) {
  Pool({{"warmup_days", 0}}, 1);
  const std::string lead = "+15550012001";
  CreateUser(lead, "Pia");
  ASSERT_EQ(Control("POST", "/users/%2B15550012001/privacy", {{"messages", "contacts"}}).status, 200);
  auto opened = Open({{"pool", "sales"}, {"to", lead}, {"text", "Hello"}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string id = opened.Json()["id"];
  json dialog;
  ASSERT_TRUE(WaitUntil([&] {
    dialog = Dialog(id);
    return dialog["status"] == "failed";
  }, std::chrono::seconds(10))) << dialog;
  EXPECT_NE(dialog["status_reason"].get<std::string>().find("contacts"), std::string::npos) << dialog;
  EXPECT_EQ(http().Get("/v1/dialogs?status=failed").Json()["items"].size(), 1u);
  EXPECT_EQ(PoolSend(lead, "Again?").status, 409) << "a failed dialog refuses sends too";
}

TEST_F(DialogsTest, BadRequestsNameTheField) {
  struct Bad {
    json body;
    std::string field;
  };
  for (const auto& bad : std::vector<Bad>{{{{"to", "@x"}}, "pool"},
                                          {{{"pool", "sales"}, {"account_id", ids_[0]}, {"to", "@x"}}, "pool"},
                                          {{{"pool", "sales"}}, "to"},
                                          {{{"pool", "sales"}, {"to", "@x"}, {"meta", "text"}}, "meta"},
                                          {{{"pool", "sales"}, {"to", "@x"}, {"text", 5}}, "text"}}) {
    auto refused = Open(bad.body);
    EXPECT_EQ(refused.status, 400) << bad.body << refused.body;
    EXPECT_NE(refused.Json()["detail"].get<std::string>().find(bad.field), std::string::npos) << refused.body;
  }
  EXPECT_EQ(Open({{"account_id", "acc_nobody"}, {"to", "@x"}}).status, 404);
  EXPECT_EQ(http().Get("/v1/dialogs/dlg_nobody").status, 404);
  EXPECT_EQ(http().Request("PATCH", "/v1/dialogs/dlg_nobody", json{{"status", "active"}}.dump()).status, 404);
  EXPECT_EQ(http().Get("/v1/dialogs?status=won").status, 400);
}

}  // namespace
}  // namespace tgmux::testing
