// The name tables of the states the store keeps: every value has the name the
// API and the database use, and reads back from it; other names are refused.
#include "store/states.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace tgmux::store {
namespace {

// Each table, checked against the names written out here: a renamed value
// would change the API and strand rows already in databases.
template <typename E>
void ExpectNames(const std::vector<std::pair<E, std::string>>& names, std::string_view (*name_of)(E),
                 std::optional<E> (*parse)(std::string_view)) {
  for (const auto& [value, name] : names) {
    EXPECT_EQ(name_of(value), name);
    EXPECT_EQ(parse(name), value) << name;
  }
  // One past the last value: the table holds no name for it.
  EXPECT_EQ(name_of(static_cast<E>(names.size())), "unknown");
  for (const char* other : {"", "unknown", "ACTIVE", "Queued", " sent", "qr ", "flood-wait", "unlinked"}) {
    EXPECT_EQ(parse(other), std::nullopt) << '"' << other << '"';
  }
}

TEST(StoreStates, AccountStatusNames) {
  ExpectNames<AccountStatus>({{AccountStatus::kConnecting, "connecting"},
                              {AccountStatus::kActive, "active"},
                              {AccountStatus::kFloodWait, "flood_wait"},
                              {AccountStatus::kError, "error"},
                              {AccountStatus::kRevoked, "revoked"},
                              {AccountStatus::kDisabled, "disabled"},
                              {AccountStatus::kLimited, "limited"},
                              {AccountStatus::kBanned, "banned"}},
                             AccountStatusName, ParseAccountStatus);
}

TEST(StoreStates, LoginMethodNames) {
  ExpectNames<LoginMethod>({{LoginMethod::kPhone, "phone"}, {LoginMethod::kQr, "qr"}}, LoginMethodName,
                           ParseLoginMethod);
}

TEST(StoreStates, OutboxStateNamesAndWhichAreFinal) {
  ExpectNames<OutboxState>({{OutboxState::kQueued, "queued"},
                            {OutboxState::kSending, "sending"},
                            {OutboxState::kSent, "sent"},
                            {OutboxState::kFailed, "failed"}},
                           OutboxStateName, ParseOutboxState);
  EXPECT_FALSE(IsFinal(OutboxState::kQueued));
  EXPECT_FALSE(IsFinal(OutboxState::kSending));
  EXPECT_TRUE(IsFinal(OutboxState::kSent));
  EXPECT_TRUE(IsFinal(OutboxState::kFailed));
}

TEST(StoreStates, WebhookStateNames) {
  ExpectNames<WebhookState>({{WebhookState::kActive, "active"}, {WebhookState::kDisabled, "disabled"}},
                            WebhookStateName, ParseWebhookState);
}

TEST(StoreStates, WatchNotifyStateNames) {
  ExpectNames<WatchNotifyState>({{WatchNotifyState::kPending, "pending"},
                                 {WatchNotifyState::kSending, "sending"},
                                 {WatchNotifyState::kSent, "sent"},
                                 {WatchNotifyState::kSummarized, "summarized"},
                                 {WatchNotifyState::kFailed, "failed"}},
                                WatchNotifyStateName, ParseWatchNotifyState);
}

TEST(StoreStates, WatchAnswerStateNames) {
  ExpectNames<WatchAnswerState>({{WatchAnswerState::kNone, "none"},
                                 {WatchAnswerState::kAsked, "asked"},
                                 {WatchAnswerState::kQueued, "queued"},
                                 {WatchAnswerState::kSent, "sent"},
                                 {WatchAnswerState::kFailed, "failed"},
                                 {WatchAnswerState::kIgnored, "ignored"}},
                                WatchAnswerStateName, ParseWatchAnswerState);
}

}  // namespace
}  // namespace tgmux::store
