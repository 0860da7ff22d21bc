#include "service/watch/rules.h"

#include <algorithm>

#include "common/error.h"
#include "common/time.h"

namespace tgmux::service::watch {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxCooldown = 30 * 24 * 3600;
constexpr std::size_t kMaxSubscribers = 100;
constexpr std::size_t kMaxChats = 500;

std::vector<std::int64_t> ChatIds(const json& value) {
  if (value.is_null()) return {};
  if (!value.is_array()) InvalidField("chats", "must be a list of chat ids");
  if (value.size() > kMaxChats) InvalidField("chats", "at most " + std::to_string(kMaxChats) + " chats");
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_number_integer()) InvalidField("chats[" + std::to_string(i) + "]", "must be a chat id (a number)");
    out.push_back(value[i].get<std::int64_t>());
  }
  return out;
}

json SpecJson(const RuleSettings& s) {
  return {{"chats", s.match.chats},   {"any", s.match.any},
          {"all", s.match.all},       {"regex", s.match.regex},
          {"exclude", s.match.exclude}, {"subscribers", s.subscribers},
          {"cooldown_per_author", s.cooldown_per_author}};
}

}  // namespace

std::vector<std::string> StringList(const nlohmann::json& value, const std::string& field) {
  if (value.is_null()) return {};
  if (!value.is_array()) InvalidField(field, "must be a list of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) InvalidField(field + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

RuleSettings ParseRule(const nlohmann::json& body, RuleSettings rule, bool creating) {
  if (!body.is_object()) InvalidField("body", "must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    static const std::vector<std::string> kKnown = {"name",    "chats",       "any",
                                                    "all",     "regex",       "exclude",
                                                    "subscribers", "cooldown_per_author", "enabled"};
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      InvalidField(key, "is not a rule setting (name, chats, any, all, regex, exclude, subscribers, cooldown_per_author, "
               "enabled)");
    }
  }
  if (auto name = body.find("name"); name != body.end()) {
    if (!name->is_string() || name->get<std::string>().empty() || name->get<std::string>().size() > 100) {
      InvalidField("name", "must be a text of 1 to 100 characters");
    }
    rule.name = name->get<std::string>();
  } else if (creating) {
    InvalidField("name", "is required");
  }
  if (body.contains("chats")) rule.match.chats = ChatIds(body["chats"]);
  if (body.contains("any")) rule.match.any = StringList(body["any"], "any");
  if (body.contains("all")) rule.match.all = StringList(body["all"], "all");
  if (body.contains("exclude")) rule.match.exclude = StringList(body["exclude"], "exclude");
  if (auto regex = body.find("regex"); regex != body.end()) {
    if (!regex->is_null() && !regex->is_string()) InvalidField("regex", "must be a string (RE2 syntax) or null");
    rule.match.regex = regex->is_null() ? "" : regex->get<std::string>();
  }
  if (body.contains("subscribers")) rule.subscribers = StringList(body["subscribers"], "subscribers");
  if (creating && !body.contains("subscribers")) InvalidField("subscribers", "is required: the subscriber ids to notify");
  if (rule.subscribers.empty()) InvalidField("subscribers", "name at least one subscriber id to notify");
  if (rule.subscribers.size() > kMaxSubscribers) InvalidField("subscribers", "at most 100 subscribers");
  if (auto cooldown = body.find("cooldown_per_author"); cooldown != body.end()) {
    if (!cooldown->is_null() && (!cooldown->is_number_integer() || cooldown->get<std::int64_t>() < 0 ||
                                 cooldown->get<std::int64_t>() > kMaxCooldown)) {
      InvalidField("cooldown_per_author", "must be seconds from 0 to 2592000 (30 days)");
    }
    rule.cooldown_per_author = cooldown->is_null() ? 0 : cooldown->get<std::int64_t>();
  }
  if (auto enabled = body.find("enabled"); enabled != body.end()) {
    if (!enabled->is_boolean()) InvalidField("enabled", "must be true or false");
    rule.enabled = enabled->get<bool>();
  }
  if (std::string why = ValidateRule(rule.match); !why.empty()) throw Error(ErrorCode::kInvalidRequest, why);
  return rule;
}

store::WatchRule RuleRow(const RuleSettings& s) {
  store::WatchRule row;
  row.id = s.match.id;
  row.name = s.name;
  row.spec = SpecJson(s).dump();
  row.enabled = s.enabled;
  return row;
}

RuleSettings RuleFromRow(const store::WatchRule& row) {
  RuleSettings s;
  s.name = row.name;
  s.enabled = row.enabled;
  s.match.id = row.id;
  json spec = json::parse(row.spec, nullptr, false);
  if (!spec.is_object()) return s;
  s.match.chats = spec.value("chats", std::vector<std::int64_t>{});
  s.match.any = spec.value("any", std::vector<std::string>{});
  s.match.all = spec.value("all", std::vector<std::string>{});
  s.match.exclude = spec.value("exclude", std::vector<std::string>{});
  s.match.regex = spec.value("regex", "");
  s.subscribers = spec.value("subscribers", std::vector<std::string>{});
  s.cooldown_per_author = spec.value("cooldown_per_author", std::int64_t{0});
  return s;
}

nlohmann::json RuleJson(const store::WatchRule& row) {
  json out = {{"id", row.id}, {"name", row.name}};
  json spec = SpecJson(RuleFromRow(row));
  if (spec["regex"] == "") spec["regex"] = nullptr;
  out.update(spec);
  out["enabled"] = row.enabled;
  out["created_at"] = Rfc3339(row.created_at);
  out["updated_at"] = Rfc3339(row.updated_at);
  return out;
}

}  // namespace tgmux::service::watch
