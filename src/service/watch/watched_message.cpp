#include "service/watch/watched_message.h"

#include "common/time.h"
#include "crypto/secrets.h"

namespace tgmux::service::watch {
namespace {

using nlohmann::json;

constexpr std::int64_t kServerIdShift = 1 << 20;        // tdlib-facts §7.1
constexpr std::int64_t kChannelBase = 1000000000000;    // -100… chat ids

json OrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace

std::string WatchKey(const telegram::Message& m) {
  if (m.chat_type == telegram::ChatType::kGroup) {
    std::int64_t sender = m.sender.user_id != 0 ? m.sender.user_id : m.sender.chat_id;
    return "bg:" + std::to_string(m.chat_id) + ":" + std::to_string(sender) + ":" + std::to_string(m.date) + ":" +
           crypto::TokenDigest(m.content_type + "\n" + m.text.text).substr(0, 32);
  }
  return "sg:" + std::to_string(m.chat_id) + ":" + std::to_string(m.message_id);
}

std::optional<std::string> MessageLink(const ChatInfo& chat, std::int64_t message_id) {
  if (chat.type != telegram::ChatType::kSupergroup && chat.type != telegram::ChatType::kChannel) return std::nullopt;
  const std::int64_t server_id = message_id / kServerIdShift;
  if (server_id <= 0) return std::nullopt;
  if (!chat.username.empty()) return "https://t.me/" + chat.username + "/" + std::to_string(server_id);
  const std::int64_t channel_id = -chat.id - kChannelBase;
  if (channel_id <= 0) return std::nullopt;
  return "https://t.me/c/" + std::to_string(channel_id) + "/" + std::to_string(server_id);
}

nlohmann::json WatchedMessageJson(const std::string& id, const std::string& account_id, const ChatInfo& chat,
                                  const telegram::Message& m, bool late) {
  auto link = MessageLink(chat, m.message_id);
  return {{"id", id},
          {"account_id", account_id},
          {"chat",
           {{"id", chat.id},
            {"type", std::string(telegram::ChatTypeName(chat.type))},
            {"title", chat.title},
            {"username", OrNull(chat.username)}}},
          {"message_id", m.message_id},
          {"author",
           {{"id", m.sender.user_id != 0 ? json(m.sender.user_id) : json(nullptr)},
            {"chat_id", m.sender.chat_id != 0 ? json(m.sender.chat_id) : json(nullptr)},
            {"name", m.sender.name},
            {"username", OrNull(m.sender.username)}}},
          {"text", m.text.text},
          {"content_type", m.content_type},
          {"date", Rfc3339(m.date)},
          {"link", link ? json(*link) : json(nullptr)},
          {"late", late}};
}

}  // namespace tgmux::service::watch
