#include "bots/conversation.h"

#include <array>

#include "common/name_table.h"

namespace tgmux::bots {
namespace {

struct StepRow {
  Step value;
  std::string_view name;
  bool in_login;
};

constexpr std::array kSteps = {
    StepRow{Step::kIdle, "idle", false},
    StepRow{Step::kChoosingMethod, "choosing_method", false},
    StepRow{Step::kPhone, "phone", true},
    StepRow{Step::kCode, "code", true},
    StepRow{Step::kPassword, "password", true},
    StepRow{Step::kQr, "qr", true},
    StepRow{Step::kConfirmUnlink, "confirm_unlink", false},
    StepRow{Step::kReply, "reply", false},
    StepRow{Step::kConfirmDelete, "confirm_delete", false},
    StepRow{Step::kWatchReply, "watch_reply", false},
};

}  // namespace

std::string_view StepName(Step step) { return NameIn(kSteps, step); }
std::optional<Step> StepFromName(std::string_view name) { return ValueIn(kSteps, name); }
bool InLogin(Step step) {
  const StepRow* row = RowIn(kSteps, step);
  return row != nullptr && row->in_login;
}

nlohmann::json Conversation::ToJson() const {
  return {{"user_id", user_id},
          {"step", std::string(StepName(step))},
          {"login_id", login_id},
          {"password_hint", password_hint},
          {"qr_message_id", qr_message_id},
          {"account_id", account_id},
          {"target_chat_id", target_chat_id},
          {"target_message_id", target_message_id},
          {"event_cursor", event_cursor},
          {"watch_match_id", watch_match_id}};
}

Conversation Conversation::FromJson(const nlohmann::json& json) {
  Conversation c;
  if (!json.is_object()) return c;
  c.user_id = json.value("user_id", std::int64_t{0});
  c.step = StepFromName(json.value("step", "")).value_or(Step::kIdle);
  c.login_id = json.value("login_id", "");
  c.password_hint = json.value("password_hint", "");
  c.qr_message_id = json.value("qr_message_id", std::int64_t{0});
  c.account_id = json.value("account_id", "");
  c.target_chat_id = json.value("target_chat_id", std::int64_t{0});
  c.target_message_id = json.value("target_message_id", std::int64_t{0});
  c.event_cursor = json.value("event_cursor", std::int64_t{0});
  c.watch_match_id = json.value("watch_match_id", "");
  return c;
}

}  // namespace tgmux::bots
