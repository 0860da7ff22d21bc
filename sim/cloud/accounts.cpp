// Accounts, login codes and sessions of the simulated cloud.
#include <sodium.h>

#include <cctype>
#include <ctime>

#include "sim/cloud/cloud.h"

namespace tgsim {
namespace {

std::string RandomDigits(int count) {
  if (sodium_init() < 0) return std::string(count, '1');
  std::string out;
  for (int i = 0; i < count; ++i) out += static_cast<char>('0' + randombytes_uniform(10));
  return out;
}

std::string RandomToken(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (sodium_init() >= 0) randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

}  // namespace

std::string PhoneDigits(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits;
}

std::optional<std::int64_t> Cloud::CreateUser(User user) {
  user.phone = PhoneDigits(user.phone);
  if (!user.phone.empty() && FindByPhone(user.phone) != nullptr) return std::nullopt;
  if (!user.username.empty() && FindByUsername(user.username) != nullptr) return std::nullopt;
  if (user.id != 0) {
    if (users_.count(user.id)) return std::nullopt;  // a chosen id (tests that need a documented one)
  } else {
    while (users_.count(next_user_id_)) ++next_user_id_;
    user.id = next_user_id_++;
  }
  if (user.is_bot) user.bot_token = std::to_string(user.id) + ":" + RandomToken(26);
  users_[user.id] = user;
  if (!user.phone.empty()) user_by_phone_[user.phone] = user.id;
  return user.id;
}

const User* Cloud::FindUser(std::int64_t user_id) const {
  auto it = users_.find(user_id);
  return it == users_.end() ? nullptr : &it->second;
}

const User* Cloud::FindByPhone(std::string_view phone) const {
  auto it = user_by_phone_.find(PhoneDigits(phone));
  return it == user_by_phone_.end() ? nullptr : FindUser(it->second);
}

const User* Cloud::FindByUsername(std::string_view username) const {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string wanted = lower(username);
  for (const auto& [id, user] : users_) {
    if (!user.username.empty() && lower(user.username) == wanted) return &user;
  }
  return nullptr;
}

const User* Cloud::FindByBotToken(std::string_view token) const {
  for (const auto& [id, user] : users_) {
    if (user.is_bot && user.bot_token == token) return &user;
  }
  return nullptr;
}

std::string Cloud::RevokeBotToken(std::int64_t bot_id) {
  auto it = users_.find(bot_id);
  if (it == users_.end() || !it->second.is_bot) return {};
  it->second.bot_token = std::to_string(bot_id) + ":" + RandomToken(26);
  return it->second.bot_token;
}

void Cloud::Ban(std::int64_t user_id) {
  if (auto it = users_.find(user_id); it != users_.end()) it->second.banned = true;
}

std::string Cloud::IssueCode(std::string_view phone) {
  LoginCode& code = codes_[PhoneDigits(phone)];
  code.code = RandomDigits(5);
  code.expired = false;
  return code.code;
}

const LoginCode* Cloud::FindCode(std::string_view phone) const {
  auto it = codes_.find(PhoneDigits(phone));
  return it == codes_.end() ? nullptr : &it->second;
}

bool Cloud::ExpireCode(std::string_view phone) {
  auto it = codes_.find(PhoneDigits(phone));
  if (it == codes_.end()) return false;
  it->second.expired = true;
  return true;
}

Session& Cloud::CreateSession(std::int64_t user_id, std::string device, std::string app_version) {
  Session session;
  session.id = next_session_id_++;
  session.user_id = user_id;
  session.created_at = static_cast<std::int64_t>(time(nullptr));
  session.device_model = std::move(device);
  session.application_version = std::move(app_version);
  session.secret = RandomToken(24);
  return sessions_[session.id] = session;
}

const Session* Cloud::FindSession(std::int64_t session_id, std::string_view secret) const {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.secret != secret) return nullptr;
  return &it->second;
}

void Cloud::RemoveSession(std::int64_t session_id) { sessions_.erase(session_id); }

std::vector<Session> Cloud::SessionsOf(std::int64_t user_id) const {
  std::vector<Session> out;
  for (const auto& [id, session] : sessions_) {
    if (session.user_id == user_id) out.push_back(session);
  }
  return out;
}

std::string NewQrToken() { return RandomToken(32); }

std::string NewInviteHash() {
  // TDLib takes an all-digit "hash" for a phone number link (LinkManager), so avoid one.
  for (;;) {
    std::string hash = RandomToken(12);
    if (hash.find_first_not_of("0123456789") != std::string::npos) return hash;
  }
}

std::string InviteLink(const std::string& hash) { return "https://t.me/+" + hash; }

}  // namespace tgsim
