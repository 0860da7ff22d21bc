// What the cloud keeps for bots: who started which bot, bot commands, callback
// queries, Telegram's flood limits for bots, and the login-code leak rule.
#include <algorithm>
#include <cmath>

#include "sim/cloud/cloud.h"

namespace tgsim {

Json Cloud::MarkupFor(std::int64_t owner, std::int64_t sender, std::int64_t chat_id,
                      const Json& markup) const {
  if (markup.is_null() || owner == sender) return markup;
  const User* user = FindUser(owner);
  if (user == nullptr || user->is_bot) return markup;
  // As ReplyMarkup.cpp get_reply_markup for a user's incoming keyboard: in a private
  // chat it is always personal; in a group a non-selective one is personal too (the
  // simulator has no mentions, so a selective one is not).
  Json out = markup;
  std::string type = out.value("@type", "");
  if (type != "replyMarkupInlineKeyboard") {
    bool personal = out.value("is_personal", false);
    out["is_personal"] = chat_id > 0 ? true : !personal;
  }
  return out;
}

void Cloud::NoteBotStarted(std::int64_t sender, std::int64_t chat_id) {
  if (chat_id <= 0) return;
  const User* bot = FindUser(chat_id);
  const User* user = FindUser(sender);
  if (bot != nullptr && bot->is_bot && user != nullptr && !user->is_bot) bot_started_.insert({chat_id, sender});
}

bool Cloud::BotMayWrite(std::int64_t bot_id, std::int64_t user_id) const {
  const User* user = FindUser(user_id);
  if (user == nullptr) return false;
  return bot_started_.contains({bot_id, user_id});
}

void Cloud::InvalidateLeakedCode(std::int64_t sender, const Json& text) {
  // Telegram expires a login code that its account sends to anyone, verbatim: a
  // pending code for another login of the same number stops working.
  const User* user = FindUser(sender);
  if (user == nullptr || user->phone.empty()) return;
  auto it = codes_.find(user->phone);
  if (it == codes_.end() || it->second.expired || it->second.code.empty()) return;
  if (text.value("text", std::string()).find(it->second.code) != std::string::npos) it->second.expired = true;
}

void Cloud::SetBotCommands(std::int64_t bot_id, const std::string& scope, Json commands) {
  bot_commands_[bot_id][scope] = std::move(commands);
}

Json Cloud::BotCommandsOf(std::int64_t bot_id, const std::string& scope) const {
  auto bot = bot_commands_.find(bot_id);
  if (bot == bot_commands_.end()) return Json::array();
  auto it = bot->second.find(scope);
  return it == bot->second.end() ? Json::array() : it->second;
}

const std::map<std::int64_t, StoredMessage>* Cloud::DeletedIn(std::int64_t user_id, std::int64_t chat_id) const {
  auto it = deleted_.find({user_id, chat_id});
  return it == deleted_.end() ? nullptr : &it->second;
}

CallbackQuery& Cloud::AddCallbackQuery(CallbackQuery query) {
  // Telegram's query ids are large random-looking int64 values.
  query.id = 4200000000000000000LL + next_callback_query_++ * 7919;
  return callback_queries_[query.id] = std::move(query);
}

CallbackQuery* Cloud::FindCallbackQuery(std::int64_t id) {
  auto it = callback_queries_.find(id);
  return it == callback_queries_.end() ? nullptr : &it->second;
}

int Cloud::TakeBotSendSlot(std::int64_t bot_id, std::int64_t chat_id, double now) {
  struct Limit {
    std::pair<std::int64_t, std::int64_t> key;
    double rate, burst;
  };
  std::vector<Limit> limits;
  const BotLimits& l = bot_limits_;
  if (l.per_second > 0) limits.push_back({{bot_id, 0}, l.per_second, std::max(1.0, l.per_second)});
  if (chat_id > 0 && l.per_chat_per_second > 0) {
    limits.push_back({{bot_id, chat_id}, l.per_chat_per_second, std::max(1.0, l.per_chat_burst)});
  }
  if (chat_id < 0 && l.group_per_minute > 0) {
    limits.push_back({{bot_id, chat_id}, l.group_per_minute / 60, std::max(1.0, l.group_per_minute)});
  }
  double wait = 0;
  for (const auto& limit : limits) {
    Bucket& bucket = bot_buckets_[limit.key];
    if (bucket.tokens < 0) bucket = {limit.burst, now};
    bucket.tokens = std::min(limit.burst, bucket.tokens + (now - bucket.last) * limit.rate);
    bucket.last = now;
    if (bucket.tokens < 1) wait = std::max(wait, (1 - bucket.tokens) / limit.rate);
  }
  if (wait > 0) {
    ++bot_flood_waits_;
    return std::max(1, static_cast<int>(std::ceil(wait)));
  }
  for (const auto& limit : limits) bot_buckets_[limit.key].tokens -= 1;
  return 0;
}

}  // namespace tgsim
