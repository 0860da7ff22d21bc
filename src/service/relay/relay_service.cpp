#include "service/relay/relay_service.h"

#include "common/time.h"

namespace tgmux::service {
namespace {

using GroupInfo = telegram::AccountClient::GroupInfo;
using GroupMember = telegram::AccountClient::GroupMember;
using relay::RelayMode;

Error Missing(const std::string& what, const std::string& why) {
  return Error(ErrorCode::kConflict, why).With("missing", what);
}

std::string Group(std::int64_t chat_id) { return "group " + std::to_string(chat_id); }

}  // namespace

RelayService::RelayService(Infrastructure& infra, AccountService& accounts, BotService& bots, EventService& events)
    : infra_(infra), accounts_(accounts), bots_(bots), events_(events) {}

void RelayService::Configure(const std::string& tenant_id, const std::string& account_id, const nlohmann::json& body,
                             std::function<void(telegram::Result<store::Relay>)> done) {
  accounts_.Get(tenant_id, account_id);  // not_found for another tenant's
  relay::RelaySettings settings = relay::ParseRelaySettings(body);
  store::Bot bot = bots_.Get(tenant_id, settings.bot_id);
  const auto features = FeaturesFromText(bot.features);
  if (std::find(features.begin(), features.end(), BotFeature::kRelay) == features.end()) {
    throw Missing("relay_feature", "bot " + bot.id + " does not have the relay feature: add \"relay\" to its features "
                                   "(PATCH /v1/bots/" + bot.id + ")");
  }
  auto client = bots_.Client(bot.id);
  if (!client || bot.telegram_user_id == 0) {
    throw Missing("bot_running", "bot " + bot.id + " is not running (" +
                                     std::string(store::BotStatusName(bot.status)) + ")");
  }
  const std::int64_t group = settings.group_chat_id;
  client->GetGroupInfo(group, [this, client, tenant_id, account_id, settings, bot_user = bot.telegram_user_id, done,
                               group](telegram::Result<GroupInfo> info) {
    if (!info.ok()) {
      return done(Missing("group_member", "the bot cannot see " + Group(group) + " (" + info.error().what() +
                                              "): add the bot to the group"));
    }
    if (settings.mode == RelayMode::kTopics && !info.value().is_forum) {
      return done(Missing("topics", Group(group) + " has no topics: turn on topics in the group's settings, or use "
                                                   "mode \"replies\""));
    }
    client->GetGroupMember(group, bot_user, [this, tenant_id, account_id, settings, done,
                                             group](telegram::Result<GroupMember> member) {
      using Status = GroupMember::Status;
      if (!member.ok() || member.value().status == Status::kLeft || member.value().status == Status::kBanned) {
        return done(Missing("group_member", "the bot is not a member of " + Group(group) + ": add it"));
      }
      const auto& m = member.value();
      if (m.status != Status::kAdministrator && m.status != Status::kCreator) {
        return done(Missing("administrator", "the bot is not an administrator of " + Group(group) +
                                                 ": promote it (it must see every message)"));
      }
      if (settings.mode == RelayMode::kTopics && !m.can_manage_topics) {
        return done(Missing("manage_topics", "the bot may not manage topics in " + Group(group) +
                                                 ": give it the right to manage topics"));
      }
      Checked(tenant_id, account_id, settings, done);
    });
  });
}

void RelayService::Checked(const std::string& tenant_id, const std::string& account_id,
                           const relay::RelaySettings& settings,
                           std::function<void(telegram::Result<store::Relay>)> done) {
  try {
    accounts_.Get(tenant_id, account_id);  // still there
    auto& store = infra_.store();
    auto old = store.FindRelay(account_id);
    store::Relay relay;
    relay.account_id = account_id;
    relay.tenant_id = tenant_id;
    relay.bot_id = settings.bot_id;
    relay.group_chat_id = settings.group_chat_id;
    relay.mode = std::string(relay::RelayModeName(settings.mode));
    relay.operators = nlohmann::json(settings.operators).dump();
    // A new relay mirrors what comes from now on; a changed one carries on.
    relay.since_seq = old && old->bot_id == relay.bot_id ? old->since_seq : events_.LastSeq(tenant_id);
    relay.created_at = old ? old->created_at : UnixSeconds();
    relay.updated_at = UnixSeconds();
    store.PutRelay(relay);
    if (listener_) listener_(relay, false);
    done(relay);
  } catch (const Error& e) {
    done(e);
  }
}

store::Relay RelayService::Get(const std::string& tenant_id, const std::string& account_id) {
  accounts_.Get(tenant_id, account_id);
  auto relay = infra_.store().FindRelay(account_id);
  if (!relay || relay->tenant_id != tenant_id) {
    throw Error(ErrorCode::kNotFound, "account " + account_id + " has no relay");
  }
  return *relay;
}

void RelayService::Stop(const std::string& tenant_id, const std::string& account_id) {
  store::Relay relay = Get(tenant_id, account_id);
  infra_.store().DeleteRelay(account_id);
  SetBacklog(account_id, 0);
  if (listener_) listener_(relay, true);
}

void RelayService::SetBacklog(const std::string& account_id, int waiting) {
  std::lock_guard lock(mutex_);
  if (waiting <= 0) {
    backlog_.erase(account_id);
  } else {
    backlog_[account_id] = waiting;
  }
}

int RelayService::Backlog(const std::string& account_id) const {
  std::lock_guard lock(mutex_);
  auto it = backlog_.find(account_id);
  return it == backlog_.end() ? 0 : it->second;
}

}  // namespace tgmux::service
