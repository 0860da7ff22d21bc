// Authorizations used from two places at once. Telegram sees the auth key, not the
// directory: a copy of a database directory opened while the original's client still
// runs puts one key in two places, and the server answers by destroying it (tdlib-facts
// §5.9 last bullet, §9). The newest client to open a session is its rightful user; a
// request from an older one that never closed is that simultaneous use.
#include "sim/engine/world.h"

namespace tgsim {

void World::ClaimSession(std::int64_t session_id, ClientRef client) {
  newest_users_[session_id] = client;
}

bool World::IsNewestUser(std::int64_t session_id, ClientRef client) const {
  auto it = newest_users_.find(session_id);
  return it == newest_users_.end() || it->second == client;
}

void World::ReportDuplicateUse(std::int64_t user_id, std::int64_t session_id, ClientRef client,
                               const std::string& request) {
  const User* user = cloud_.FindUser(user_id);
  std::string phone = user != nullptr && !user->phone.empty() ? "+" + user->phone : std::string();
  duplicate_uses_.push_back({user_id, std::move(phone), request, scheduler_.Now(),
                             client.connection, client.client_id});
  newest_users_.erase(session_id);
  RevokeUser(user_id, session_id);
}

}  // namespace tgsim
