#include "service/watch/watch_settings.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "service/watch/rules.h"

namespace tgmux::service::watch {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxChats = 500;

bool IsInviteLink(const std::string& text) {
  for (const char* prefix : {"https://t.me/+", "http://t.me/+", "t.me/+", "https://t.me/joinchat/",
                             "http://t.me/joinchat/", "t.me/joinchat/", "tg://join?invite="}) {
    if (text.rfind(prefix, 0) == 0 && text.size() > std::string_view(prefix).size()) return true;
  }
  return false;
}

bool IsUsername(const std::string& text) {
  if (text.size() < 2 || text[0] != '@') return false;
  return std::all_of(text.begin() + 1, text.end(),
                     [](unsigned char ch) { return std::isalnum(ch) || ch == '_'; });
}

std::optional<std::int64_t> ChatIdText(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::size_t digits = text[0] == '-' ? 1 : 0;
  if (digits == text.size() || text.find_first_not_of("0123456789", digits) != std::string::npos) return std::nullopt;
  return std::stoll(text);
}

ChatRef ParseRef(const json& item, const std::string& field) {
  if (item.is_number_integer()) {
    auto id = item.get<std::int64_t>();
    if (id >= 0) InvalidField(field, "a group's chat id is negative; " + std::to_string(id) + " is a person's");
    return {ChatRefKind::kId, std::to_string(id), id};
  }
  if (!item.is_string()) InvalidField(field, "must be a chat id, an @username or an invite link");
  std::string text = item.get<std::string>();
  if (auto id = ChatIdText(text)) return ParseRef(json(*id), field);
  if (IsUsername(text)) return {ChatRefKind::kUsername, text, 0};
  if (IsInviteLink(text)) return {ChatRefKind::kInviteLink, text, 0};
  InvalidField(field, "\"" + text.substr(0, 64) + "\" is not a chat id, an @username or an invite link (https://t.me/+…)");
}

}  // namespace

bool WatchSettings::Watches(std::int64_t chat_id, telegram::ChatType type) const {
  if (type == telegram::ChatType::kPrivate) return false;
  if (all_groups && type != telegram::ChatType::kChannel) return true;
  return std::any_of(chats.begin(), chats.end(), [&](const ChatRef& c) { return c.chat_id == chat_id; });
}

nlohmann::json WatchSettings::ToJson() const {
  json list = json::array();
  for (const auto& c : chats) list.push_back({{"ref", c.text}, {"chat_id", c.chat_id}});
  return {{"chats", std::move(list)}, {"all_groups", all_groups}};
}

WatchSettings WatchSettings::FromText(const std::string& text) {
  WatchSettings settings;
  if (text.empty()) return settings;
  json stored = json::parse(text, nullptr, false);
  if (!stored.is_object()) return settings;
  settings.all_groups = stored.value("all_groups", false);
  for (const auto& c : stored.value("chats", json::array())) {
    if (!c.is_object()) continue;
    std::string ref = c.value("ref", "");
    ChatRefKind kind = IsUsername(ref) ? ChatRefKind::kUsername
                       : IsInviteLink(ref) ? ChatRefKind::kInviteLink
                                           : ChatRefKind::kId;
    settings.chats.push_back({kind, ref, c.value("chat_id", std::int64_t{0})});
  }
  return settings;
}

WatchSettings ParseWatchRequest(const nlohmann::json& watch) {
  if (!watch.is_object()) InvalidField("watch", "must be an object {\"chats\": [...], \"all_groups\": false}, or null to stop");
  for (const auto& [key, value] : watch.items()) {
    if (key != "chats" && key != "all_groups") InvalidField("watch." + key, "is not a setting (chats, all_groups)");
  }
  WatchSettings settings;
  if (auto all = watch.find("all_groups"); all != watch.end() && !all->is_null()) {
    if (!all->is_boolean()) InvalidField("watch.all_groups", "must be true or false");
    settings.all_groups = all->get<bool>();
  }
  if (auto chats = watch.find("chats"); chats != watch.end() && !chats->is_null()) {
    if (!chats->is_array()) InvalidField("watch.chats", "must be a list of chat ids, @usernames or invite links");
    if (chats->size() > kMaxChats) InvalidField("watch.chats", "at most " + std::to_string(kMaxChats) + " chats");
    for (std::size_t i = 0; i < chats->size(); ++i) {
      settings.chats.push_back(ParseRef((*chats)[i], "watch.chats[" + std::to_string(i) + "]"));
    }
  }
  return settings;
}

nlohmann::json WatchView(const std::string& stored) {
  WatchSettings settings = WatchSettings::FromText(stored);
  if (settings.empty()) return nullptr;
  json refs = json::array(), ids = json::array();
  for (const auto& c : settings.chats) {
    refs.push_back(c.text);
    ids.push_back(c.chat_id);
  }
  return {{"chats", std::move(refs)}, {"chat_ids", std::move(ids)}, {"all_groups", settings.all_groups}};
}

}  // namespace tgmux::service::watch
