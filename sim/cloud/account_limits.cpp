// What Telegram does to a user account as a whole: its send rate limit (the server's
// FLOOD_WAIT for too many messages from one account) and the deletion of the account.
#include <algorithm>
#include <cmath>

#include "sim/cloud/cloud.h"

namespace tgsim {

void Cloud::DeleteAccount(std::int64_t user_id) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  User& user = it->second;
  if (user_by_phone_.contains(user.phone) && user_by_phone_[user.phone] == user_id) user_by_phone_.erase(user.phone);
  // A deleted account (telegram_api user with `deleted`) carries no phone, names or
  // username, and is nobody's contact any more.
  user.deleted = true;
  user.phone.clear();
  user.first_name.clear();
  user.last_name.clear();
  user.username.clear();
  user.password.clear();
  user.password_hint.clear();
  user.messages_from_contacts_only = false;
  user.peer_flood = false;
  user.send_per_minute = user.send_burst = 0;
  contacts_.erase(user_id);
  for (auto& [owner, contacts] : contacts_) contacts.erase(user_id);
  user_send_buckets_.erase(user_id);
}

void Cloud::SetSendLimit(std::int64_t user_id, double per_minute, double burst) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  it->second.send_per_minute = per_minute;
  it->second.send_burst = per_minute > 0 ? burst : 0;
  user_send_buckets_.erase(user_id);  // a new limit starts with a full bucket
}

int Cloud::TakeUserSendSlot(std::int64_t user_id, double now) {
  const User* user = FindUser(user_id);
  if (user == nullptr || user->send_per_minute <= 0) return 0;
  double rate = user->send_per_minute / 60, burst = std::max(1.0, user->send_burst);
  Bucket& bucket = user_send_buckets_[user_id];
  if (bucket.tokens < 0) bucket = {burst, now};
  bucket.tokens = std::min(burst, bucket.tokens + (now - bucket.last) * rate);
  bucket.last = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - bucket.tokens) / rate)));
}

}  // namespace tgsim
