#include "sim/engine/world.h"

#include "sim/engine/client.h"

namespace tgsim {

World::World(Scheduler& scheduler, WorldOptions options)
    : scheduler_(scheduler), options_(options) {}

World::~World() {
  for (auto& [id, connection] : connections_) {
    for (auto& [client_id, client] : connection.clients) client->Detach();
  }
}

std::uint64_t World::AddConnection(LineSink* sink) {
  std::uint64_t id = next_connection_++;
  connections_[id].sink = sink;
  return id;
}

void World::RemoveConnection(std::uint64_t connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  for (auto& [client_id, client] : it->second.clients) client->Detach();
  connections_.erase(it);
}

// A frame from the library: {"c":client_id,"raw":request,"db":{…}?}.
void World::OnLibraryLine(std::uint64_t connection, std::string_view line) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  Json frame = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!frame.is_object() || !frame.contains("c") || !frame.contains("raw")) return;
  int client_id = frame["c"].get<int>();
  auto& client = it->second.clients[client_id];
  if (!client) client = std::make_shared<ClientSession>(*this, it->second.sink, ClientRef{connection, client_id});
  client->OnRequest(frame["raw"].get<std::string>(), frame.value("db", Json()));
}

void World::Register(const std::shared_ptr<ClientSession>& session, std::int64_t user_id) {
  ready_.emplace(user_id, session);
}

void World::Unregister(ClientSession* session) {
  for (auto it = ready_.begin(); it != ready_.end();) {
    auto locked = it->second.lock();
    it = (!locked || locked.get() == session) ? ready_.erase(it) : std::next(it);
  }
}

std::vector<std::shared_ptr<ClientSession>> World::SessionsOf(std::int64_t user_id) const {
  std::vector<std::shared_ptr<ClientSession>> out;
  auto [begin, end] = ready_.equal_range(user_id);
  for (auto it = begin; it != end; ++it) {
    if (auto session = it->second.lock()) out.push_back(session);
  }
  return out;
}

void World::DeliverNewMessages(const std::vector<MessageCopy>& copies, const ClientSession* origin) {
  for (const auto& copy : copies) {
    for (auto& session : SessionsOf(copy.user_id)) {
      if (session.get() != origin) session->OnNewMessage(copy.chat_id, copy.message_id);
    }
  }
}

void World::DeliverUserChanged(std::int64_t user_id) {
  std::vector<std::shared_ptr<ClientSession>> sessions;  // collected first: updates may re-enter
  for (const auto& [owner, weak] : ready_) {
    if (auto session = weak.lock()) sessions.push_back(session);
  }
  for (auto& session : sessions) session->OnUserChanged(user_id);
}

void World::DeliverMembershipChanged(std::int64_t user_id, std::int64_t chat_id) {
  for (auto& session : SessionsOf(user_id)) session->OnMembershipChanged(chat_id);
}

void World::DeliverEdits(const std::vector<MessageCopy>& copies, bool content_changed) {
  for (const auto& copy : copies) {
    for (auto& session : SessionsOf(copy.user_id)) {
      session->OnMessageEdited(copy.chat_id, copy.message_id, content_changed);
    }
  }
}

void World::DeliverCallbackQuery(const CallbackQuery& query) {
  for (auto& session : SessionsOf(query.bot_id)) session->OnCallbackQuery(query);
}

void World::DeliverDeletions(const std::vector<MessageCopy>& copies, std::int64_t deleter) {
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::int64_t>> grouped;
  for (const auto& copy : copies) {
    const User* owner = cloud_.FindUser(copy.user_id);
    if (copy.chat_id < 0 && copy.user_id != deleter && owner != nullptr && owner->is_bot) continue;
    grouped[{copy.user_id, copy.chat_id}].push_back(copy.message_id);
  }
  for (const auto& [key, ids] : grouped) {
    for (auto& session : SessionsOf(key.first)) session->OnMessagesDeleted(key.second, ids);
  }
}

void World::DeliverReads(const std::vector<ReadChange>& changes) {
  for (std::size_t i = 0; i < changes.size(); ++i) {
    for (auto& session : SessionsOf(changes[i].user_id)) {
      // The first change is the reader's inbox; the rest are the senders' outboxes.
      if (i == 0) session->OnReadInbox(changes[i].chat_id);
      else session->OnReadOutbox(changes[i].chat_id, changes[i].last_read);
    }
  }
}

std::vector<std::shared_ptr<ClientSession>> World::MemberSessions(std::int64_t chat_id) const {
  std::vector<std::shared_ptr<ClientSession>> out;
  if (const Group* group = cloud_.FindGroup(chat_id)) {
    for (auto member : group->members) {
      for (auto& session : SessionsOf(member)) out.push_back(session);
    }
  }
  return out;
}

void World::DeliverStatusChanged(std::int64_t user_id, std::int64_t chat_id) {
  for (auto& session : SessionsOf(user_id)) session->OnGroupChanged(chat_id);
}

void World::DeliverChatReactionsChanged(std::int64_t chat_id) {
  for (auto& session : MemberSessions(chat_id)) session->OnChatReactionsChanged(chat_id);
}

void World::DeliverTopicChanged(std::int64_t chat_id, std::int64_t topic_id) {
  for (auto& session : MemberSessions(chat_id)) session->OnTopicChanged(chat_id, topic_id);
}

void World::DeliverInteraction(const std::vector<MessageCopy>& copies) {
  for (const auto& copy : copies) {
    for (auto& session : SessionsOf(copy.user_id)) session->OnInteractionChanged(copy.chat_id, copy.message_id);
  }
}

void World::RevokeUser(std::int64_t user_id, std::optional<std::int64_t> session_id) {
  for (const auto& session : cloud_.SessionsOf(user_id)) {
    if (!session_id || session.id == *session_id) cloud_.RemoveSession(session.id);
  }
  for (auto& client : SessionsOf(user_id)) {
    if (!session_id || client->session_id() == *session_id) client->OnAuthorizationLost();
  }
}

void World::BanUser(std::int64_t user_id, bool visible_error) {
  cloud_.Ban(user_id);
  if (!visible_error) return RevokeUser(user_id);
  for (const auto& session : cloud_.SessionsOf(user_id)) cloud_.RemoveSession(session.id);
  for (auto& session : SessionsOf(user_id)) session->OnBannedQuietly();
}

void World::DeleteAccount(std::int64_t user_id) {
  RevokeUser(user_id);
  cloud_.DeleteAccount(user_id);
  DeliverUserChanged(user_id);
}

void World::SetQrToken(const std::shared_ptr<ClientSession>& session, const std::string& token) {
  qr_tokens_[token] = session;
}

void World::DropQrToken(const std::string& token) { qr_tokens_.erase(token); }

bool World::ConfirmQr(std::string_view token, std::int64_t user_id) {
  auto it = qr_tokens_.find(std::string(token));
  if (it == qr_tokens_.end()) return false;
  auto session = it->second.lock();
  qr_tokens_.erase(it);
  if (!session) return false;
  session->OnQrConfirmed(user_id);
  return true;
}

void World::AddFault(Fault fault) {
  fault.phone = PhoneDigits(fault.phone);
  if (fault.count <= 0) fault.count = 1;
  faults_.push_back(std::move(fault));
}

std::optional<Fault> World::TakeFault(std::string_view phone, std::string_view method) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->method != method || (!it->phone.empty() && it->phone != phone)) continue;
    Fault fault = *it;
    if (--it->count == 0) faults_.erase(it);
    return fault;
  }
  return std::nullopt;
}

void World::SetNetwork(bool up) {
  if (up == network_up_) return;
  network_up_ = up;
  for (auto& [id, connection] : connections_) {
    for (auto& [client_id, client] : connection.clients) client->OnNetworkChanged(up);
  }
  if (!up) return;
  auto waiters = std::move(network_waiters_);
  network_waiters_.clear();
  for (auto& fn : waiters) fn();
}

void World::SetProxyReachable(const std::string& server, int port, bool reachable) {
  bool changed = reachable ? unreachable_proxies_.erase({server, port}) > 0
                           : unreachable_proxies_.insert({server, port}).second;
  if (!changed) return;
  for (auto& [id, connection] : connections_) {
    for (auto& [client_id, client] : connection.clients) client->OnProxyReachabilityChanged();
  }
}

bool World::ProxyReachable(const std::string& server, int port) const {
  return !unreachable_proxies_.contains({server, port});
}

void World::WhenNetworkUp(std::function<void()> fn) { network_waiters_.push_back(std::move(fn)); }

}  // namespace tgsim
