#include "store/states.h"

#include <array>

#include "common/name_table.h"

namespace tgmux::store {
namespace {

using StatusRow = NameRow<AccountStatus>;

constexpr std::array kStatuses = {
    StatusRow{AccountStatus::kConnecting, "connecting"}, StatusRow{AccountStatus::kActive, "active"},
    StatusRow{AccountStatus::kFloodWait, "flood_wait"},  StatusRow{AccountStatus::kError, "error"},
    StatusRow{AccountStatus::kRevoked, "revoked"},       StatusRow{AccountStatus::kDisabled, "disabled"},
    StatusRow{AccountStatus::kLimited, "limited"},       StatusRow{AccountStatus::kBanned, "banned"},
};

using DialogRow = NameRow<DialogStatus>;

constexpr std::array kDialogStatuses = {
    DialogRow{DialogStatus::kActive, "active"},
    DialogRow{DialogStatus::kQualified, "qualified"},
    DialogRow{DialogStatus::kStopped, "stopped"},
    DialogRow{DialogStatus::kFailed, "failed"},
};

using MethodRow = NameRow<LoginMethod>;

constexpr std::array kMethods = {
    MethodRow{LoginMethod::kPhone, "phone"},
    MethodRow{LoginMethod::kQr, "qr"},
};

// The unfinished names are also written out in SQL: the outbox_unfinished
// index (migrations.cpp) and sqlite_outbox.cpp's ListUnfinished.
struct OutboxRow {
  OutboxState value;
  std::string_view name;
  bool final;
};

constexpr std::array kOutboxStates = {
    OutboxRow{OutboxState::kQueued, "queued", false},
    OutboxRow{OutboxState::kSending, "sending", false},
    OutboxRow{OutboxState::kSent, "sent", true},
    OutboxRow{OutboxState::kFailed, "failed", true},
};

using WebhookRow = NameRow<WebhookState>;

constexpr std::array kWebhookStates = {
    WebhookRow{WebhookState::kActive, "active"},
    WebhookRow{WebhookState::kDisabled, "disabled"},
};

using BotRow = NameRow<BotStatus>;

constexpr std::array kBotStatuses = {
    BotRow{BotStatus::kConnecting, "connecting"},
    BotRow{BotStatus::kActive, "active"},
    BotRow{BotStatus::kError, "error"},
    BotRow{BotStatus::kDisabled, "disabled"},
};

using NotifyRow = NameRow<WatchNotifyState>;

constexpr std::array kNotifyStates = {
    NotifyRow{WatchNotifyState::kPending, "pending"},
    NotifyRow{WatchNotifyState::kSending, "sending"},
    NotifyRow{WatchNotifyState::kSent, "sent"},
    NotifyRow{WatchNotifyState::kSummarized, "summarized"},
    NotifyRow{WatchNotifyState::kFailed, "failed"},
};

using AnswerRow = NameRow<WatchAnswerState>;

constexpr std::array kAnswerStates = {
    AnswerRow{WatchAnswerState::kNone, "none"},     AnswerRow{WatchAnswerState::kAsked, "asked"},
    AnswerRow{WatchAnswerState::kQueued, "queued"}, AnswerRow{WatchAnswerState::kSent, "sent"},
    AnswerRow{WatchAnswerState::kFailed, "failed"}, AnswerRow{WatchAnswerState::kIgnored, "ignored"},
};

}  // namespace

std::string_view AccountStatusName(AccountStatus status) { return NameIn(kStatuses, status); }
std::optional<AccountStatus> ParseAccountStatus(std::string_view name) { return ValueIn(kStatuses, name); }

std::string_view DialogStatusName(DialogStatus status) { return NameIn(kDialogStatuses, status); }
std::optional<DialogStatus> ParseDialogStatus(std::string_view name) { return ValueIn(kDialogStatuses, name); }

std::string_view LoginMethodName(LoginMethod method) { return NameIn(kMethods, method); }
std::optional<LoginMethod> ParseLoginMethod(std::string_view name) { return ValueIn(kMethods, name); }

std::string_view OutboxStateName(OutboxState state) { return NameIn(kOutboxStates, state); }
std::optional<OutboxState> ParseOutboxState(std::string_view name) { return ValueIn(kOutboxStates, name); }
bool IsFinal(OutboxState state) {
  const OutboxRow* row = RowIn(kOutboxStates, state);
  return row && row->final;
}

std::string_view BotStatusName(BotStatus status) { return NameIn(kBotStatuses, status); }
std::optional<BotStatus> ParseBotStatus(std::string_view name) { return ValueIn(kBotStatuses, name); }

std::string_view WebhookStateName(WebhookState state) { return NameIn(kWebhookStates, state); }
std::optional<WebhookState> ParseWebhookState(std::string_view name) { return ValueIn(kWebhookStates, name); }

std::string_view WatchNotifyStateName(WatchNotifyState state) { return NameIn(kNotifyStates, state); }
std::optional<WatchNotifyState> ParseWatchNotifyState(std::string_view name) { return ValueIn(kNotifyStates, name); }

std::string_view WatchAnswerStateName(WatchAnswerState state) { return NameIn(kAnswerStates, state); }
std::optional<WatchAnswerState> ParseWatchAnswerState(std::string_view name) { return ValueIn(kAnswerStates, name); }

}  // namespace tgmux::store
