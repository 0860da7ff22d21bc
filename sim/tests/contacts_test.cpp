// searchUserByPhoneNumber, importContacts and getContacts (UserManager.cpp): numbers are
// cleaned to digits, unknown or privacy-hidden numbers are "Not Found", imports make
// contacts that show the saved name.
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimContacts : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    CreateUser("+15550702", "Bob", {{"username", "bob"}});
    CreateUser("+15550703", "Carol", {{"find_by_phone", "contacts"}});
    alice_ = &LoggedIn("+15550701", "alice");
  }

  std::optional<json> Search(const std::string& phone, bool only_local = false) {
    return alice_->Request({{"@type", "searchUserByPhoneNumber"}, {"phone_number", phone},
                            {"only_local", only_local}});
  }

  ScriptedClient* alice_ = nullptr;
};

TEST_F(SimContacts, SearchByPhoneCleansTheNumberAndAnnouncesTheUser) {
  auto bob = Search("+1 555 0702");
  ASSERT_TRUE(bob);
  ASSERT_EQ(TypeOf(*bob), "user");
  EXPECT_EQ((*bob)["first_name"], "Bob");
  EXPECT_EQ((*bob)["phone_number"], "15550702");
  EXPECT_FALSE((*bob)["is_contact"]);
  // updateUser came before the answer, so the id is usable at once.
  auto update = alice_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateUser" && o["user"]["id"] == (*bob)["id"];
  });
  EXPECT_TRUE(update);
  EXPECT_EQ(Search("15550702")->value("id", 0), (*bob)["id"]);  // without '+'
  alice_->RequestOk({{"@type", "createPrivateChat"}, {"user_id", (*bob)["id"]}});
}

TEST_F(SimContacts, SearchByPhoneErrors) {
  auto unknown = Search("+15559999");
  EXPECT_EQ((*unknown)["code"], 404);
  EXPECT_EQ((*unknown)["message"], "Not Found");
  auto hidden = Search("+15550703");  // Carol lets only her contacts find her
  EXPECT_EQ((*hidden)["code"], 404);
  auto empty = Search(" + ");
  EXPECT_EQ((*empty)["code"], 200);
  EXPECT_EQ((*empty)["message"], "Phone number is invalid");
  // only_local answers from what this client already resolved.
  EXPECT_EQ((*Search("+15550702", true))["code"], 404);
  Search("+15550702");
  EXPECT_EQ(TypeOf(*Search("+15550702", true)), "user");
}

TEST_F(SimContacts, ImportContactsMakesContacts) {
  json imported = alice_->RequestOk(
      {{"@type", "importContacts"},
       {"contacts", {{{"@type", "importedContact"}, {"phone_number", "+1 555 0702"},
                      {"first_name", "Bobby"}, {"last_name", "B"}},
                     {{"@type", "importedContact"}, {"phone_number", "+15559999"},
                      {"first_name", "Nobody"}}}}});
  ASSERT_EQ(imported["user_ids"].size(), 2u);
  std::int64_t bob_id = imported["user_ids"][0];
  EXPECT_GT(bob_id, 0);
  EXPECT_EQ(imported["user_ids"][1], 0);  // not on Telegram
  EXPECT_EQ(imported["importer_count"].size(), 2u);
  auto update = alice_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateUser" && o["user"]["id"] == bob_id && o["user"]["is_contact"] == true;
  });
  ASSERT_TRUE(update);
  EXPECT_EQ((*update)["user"]["first_name"], "Bobby");
  EXPECT_FALSE((*update)["user"]["is_mutual_contact"]);
  json contacts = alice_->RequestOk({{"@type", "getContacts"}});
  EXPECT_EQ(contacts["total_count"], 1);
  EXPECT_EQ(contacts["user_ids"], json::array({bob_id}));
  EXPECT_TRUE(alice_->RequestOk({{"@type", "getUser"}, {"user_id", bob_id}})["is_contact"]);
}

TEST_F(SimContacts, ImportContactsValidatesEntries) {
  auto bad = alice_->Request({{"@type", "importContacts"}, {"contacts", {nullptr}}});
  EXPECT_EQ((*bad)["code"], 400);
  EXPECT_EQ((*bad)["message"], "Contact must be non-empty");
  json none = alice_->RequestOk({{"@type", "importContacts"}, {"contacts", json::array()}});
  EXPECT_TRUE(none["user_ids"].empty());
}

TEST_F(SimContacts, HiddenNumberIsFoundByItsOwnersContacts) {
  ScriptedClient& carol = LoggedIn("+15550703", "Carol");
  carol.RequestOk({{"@type", "importContacts"},
                   {"contacts", {{{"@type", "importedContact"}, {"phone_number", "+15550701"},
                                  {"first_name", "Al"}}}}});
  auto found = Search("+15550703");
  ASSERT_EQ(TypeOf(*found), "user");
  EXPECT_EQ((*found)["first_name"], "Carol");
}

}  // namespace
}  // namespace tgsim::testing
