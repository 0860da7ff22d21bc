#pragma once
// The engine: every simulated TDLib client of every library connection, the shared
// cloud, injected faults and the network switch. Single-threaded: all calls come from
// the server's one io thread.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/cloud/cloud.h"
#include "sim/engine/scheduler.h"

namespace tgsim {

class ClientSession;

struct Fault {
  std::string phone;   // digits; empty: any account
  std::string method;  // TDLib method name
  int flood_wait = 0;  // seconds; 0 when `error` is used
  std::optional<Json> error;
  int count = 1;
};

// A request from a client that holds an authorization another, newer client opened
// too: two copies of one database directory in use at once (tdlib-facts §5.9, §9).
struct DuplicateUse {
  std::int64_t user_id = 0;
  std::string phone;    // "+digits"; empty for a bot
  std::string request;  // the request's @type
  std::int64_t at = 0;  // unix seconds
  std::uint64_t connection = 0;  // the older client: its library connection and client id
  int client_id = 0;
};

// A client as the server tells them apart: its library connection and its client id there.
struct ClientRef {
  std::uint64_t connection = 0;
  int client_id = 0;
  bool operator==(const ClientRef&) const = default;
};

struct WorldOptions {
  double qr_period = 30;
};

class World {
 public:
  World(Scheduler& scheduler, WorldOptions options);
  ~World();
  Cloud& cloud() { return cloud_; }
  Scheduler& scheduler() { return scheduler_; }
  const WorldOptions& options() const { return options_; }

  // Library connections: each carries many clients, named by the library's client ids.
  std::uint64_t AddConnection(LineSink* sink);
  void RemoveConnection(std::uint64_t connection);
  void OnLibraryLine(std::uint64_t connection, std::string_view line);

  // Accounts that are Ready, for fan-out.
  void Register(const std::shared_ptr<ClientSession>& session, std::int64_t user_id);
  void Unregister(ClientSession* session);
  std::vector<std::shared_ptr<ClientSession>> SessionsOf(std::int64_t user_id) const;

  // Fan-out of cloud changes to every affected session except `origin`.
  void DeliverNewMessages(const std::vector<MessageCopy>& copies, const ClientSession* origin);
  void DeliverEdits(const std::vector<MessageCopy>& copies, bool content_changed = true);
  void DeliverCallbackQuery(const CallbackQuery& query);  // to the bot's sessions
  // Bots are not told about messages others delete in groups (Telegram sends them nothing).
  void DeliverDeletions(const std::vector<MessageCopy>& copies, std::int64_t deleter);
  // A member was promoted or demoted: that member's sessions get the group's new status.
  void DeliverStatusChanged(std::int64_t user_id, std::int64_t chat_id);
  // Forums and reactions: every running session of the group's members.
  void DeliverChatReactionsChanged(std::int64_t chat_id);
  void DeliverTopicChanged(std::int64_t chat_id, std::int64_t topic_id);
  void DeliverInteraction(const std::vector<MessageCopy>& copies);
  void DeliverReads(const std::vector<ReadChange>& changes);
  // A user's profile or privacy changed: sessions that know the user get updateUser.
  void DeliverUserChanged(std::int64_t user_id);
  // The user joined or left a group: every session of that user hears of it.
  void DeliverMembershipChanged(std::int64_t user_id, std::int64_t chat_id);

  // Control API actions.
  // Ends every session of the user, or only `session_id`: the server destroys the
  // authorization and each client using it sees LoggingOut, then Closed (tdlib-facts §5.9).
  void RevokeUser(std::int64_t user_id, std::optional<std::int64_t> session_id = std::nullopt);
  // Bans the account: its sessions end, at once or (visible_error) when each running
  // client next reaches the server, which then answers 401 USER_DEACTIVATED_BAN.
  void BanUser(std::int64_t user_id, bool visible_error);
  // The person deletes the account: sessions end, the number is free, and everyone who
  // knows the user gets updateUser with userTypeDeleted.
  void DeleteAccount(std::int64_t user_id);
  bool ConfirmQr(std::string_view token, std::int64_t user_id);
  void AddFault(Fault fault);
  std::optional<Fault> TakeFault(std::string_view phone, std::string_view method);
  void SetNetwork(bool up);
  bool network_up() const { return network_up_; }
  void WhenNetworkUp(std::function<void()> fn);
  // Proxies the control API made unreachable (by server and port); every client whose
  // enabled proxy it is stalls until it is reachable again.
  void SetProxyReachable(const std::string& server, int port, bool reachable);
  bool ProxyReachable(const std::string& server, int port) const;

  // Who uses each authorization (cloud Session, the auth key a database directory holds;
  // a copy of the directory holds the same one). The client that logged in or restored
  // the session from its directory last is its newest user (world_sessions.cpp).
  void ClaimSession(std::int64_t session_id, ClientRef client);
  bool IsNewestUser(std::int64_t session_id, ClientRef client) const;
  // An older client still open used the session: Telegram destroys the authorization,
  // so every client of it is logged out. Recorded for GET /control/sessions/duplicates.
  void ReportDuplicateUse(std::int64_t user_id, std::int64_t session_id, ClientRef client,
                          const std::string& request);
  const std::vector<DuplicateUse>& duplicate_uses() const { return duplicate_uses_; }

  // QR tokens issued to waiting clients.
  void SetQrToken(const std::shared_ptr<ClientSession>& session, const std::string& token);
  void DropQrToken(const std::string& token);

 private:
  std::vector<std::shared_ptr<ClientSession>> MemberSessions(std::int64_t chat_id) const;
  Scheduler& scheduler_;
  WorldOptions options_;
  Cloud cloud_;
  struct Connection {
    LineSink* sink = nullptr;
    std::map<int, std::shared_ptr<ClientSession>> clients;
  };
  std::map<std::uint64_t, Connection> connections_;
  std::uint64_t next_connection_ = 1;
  std::multimap<std::int64_t, std::weak_ptr<ClientSession>> ready_;
  std::map<std::string, std::weak_ptr<ClientSession>> qr_tokens_;
  std::vector<Fault> faults_;
  bool network_up_ = true;
  std::vector<std::function<void()>> network_waiters_;
  std::set<std::pair<std::string, int>> unreachable_proxies_;
  std::map<std::int64_t, ClientRef> newest_users_;  // by session id
  std::vector<DuplicateUse> duplicate_uses_;
};

}  // namespace tgsim
