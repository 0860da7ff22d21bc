// A notification subscription's body: the subscriber and known events, each
// once; anything else refused naming the field.
#include "service/health/notification_settings.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace tgmux::service {
namespace {

using nlohmann::json;

// The field a refused body is refused for, as its message names it.
std::string Refusal(const json& body) {
  try {
    ParseNotificationRequest(body);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidRequest);
    return e.what();
  }
  return "";
}

TEST(NotificationSettings, ReadsTheSubscriberAndEachEventOnce) {
  auto request = ParseNotificationRequest(
      {{"subscriber", "sub_1"}, {"events", {"account.status", "account.status"}}, {"other", 1}});
  EXPECT_EQ(request.subscriber_id, "sub_1");
  EXPECT_EQ(request.events, std::vector<std::string>{"account.status"});
}

TEST(NotificationSettings, RefusesNamingTheField) {
  EXPECT_NE(Refusal(json::array()).find("body"), std::string::npos);
  EXPECT_NE(Refusal({{"events", {"account.status"}}}).find("subscriber"), std::string::npos);
  EXPECT_NE(Refusal({{"subscriber", 5}, {"events", {"account.status"}}}).find("subscriber"), std::string::npos);
  EXPECT_NE(Refusal({{"subscriber", "sub_1"}}).find("events"), std::string::npos);
  EXPECT_NE(Refusal({{"subscriber", "sub_1"}, {"events", json::array()}}).find("events"), std::string::npos);
  EXPECT_NE(Refusal({{"subscriber", "sub_1"}, {"events", "account.status"}}).find("events"), std::string::npos);
  auto unknown = Refusal({{"subscriber", "sub_1"}, {"events", {"account.status", "account.exploded"}}});
  EXPECT_NE(unknown.find("events[1]"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("account.exploded"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("account.status"), std::string::npos) << "the known events are named: " << unknown;
  EXPECT_NE(Refusal({{"subscriber", "sub_1"}, {"events", {1}}}).find("events[0]"), std::string::npos);
}

}  // namespace
}  // namespace tgmux::service
